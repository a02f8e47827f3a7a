// Package room makes synthetic room impulse responses, so that training
// mixtures can sound like speech picked up across a room rather than at a
// studio microphone.
//
// A [Room] is a shoebox with uniformly absorbing walls, a talker and a
// microphone. [Room.Impulse] builds its impulse response in two parts:
//
//   - Early part: the image-source method (Allen and Berkley, 1979). Every
//     mirror image of the talker within reach of the microphone before the
//     mixing time contributes a delayed, attenuated copy of the sound: its
//     delay is its distance over the speed of sound, its amplitude falls
//     as 1/(4π·distance) and by the walls' reflection coefficient at each
//     reflection. Images land between samples, so each is placed with a
//     windowed-sinc fractional delay.
//   - Late part: from the mixing time on, the reflections are too dense to
//     list and are modelled as Gaussian noise whose energy decays
//     exponentially at the room's RT60, starting at the energy density the
//     image sources reach just before it, so the decay runs on unbroken. High frequencies may decay faster ([Room.HFRatio]), as
//     in furnished rooms.
//
// The walls' reflection coefficient is derived from the RT60 with
// Eyring's formula, RT60 = 0.161·V / (−S·ln(1−α)), the decay an image model
// of a shoebox follows on average, so both parts decay alike. The image part
// is high-passed at 50 Hz: images that all arrive with positive amplitude
// give it a low-frequency bias no real room has (Allen and Berkley filter
// theirs for the same reason).
//
// [Impulse.Early] cuts the response a given time after the direct sound
// (with a short fade): convolving speech with it gives the direct sound and
// early reflections, which a listener hears as part of the voice, without
// the late reverberation. Training targets use it.
//
// Everything is deterministic: the same Room, rate and seed give the same
// samples.
package room
