// Package denoise removes background noise from speech, in real time, in
// pure Go.
//
// A Denoiser filters one stream: mono, or interleaved channels each
// denoised on its own, at any rate from 8 to 192 kHz. It analyses the
// audio in 20 ms windows every 10 ms, tracks the noise spectrum
// continuously (also while people talk), and turns down each frequency by
// how much of it is noise, never by more than Config.MaxAttenuation. It
// accepts any chunk size with identical output, allocates nothing after
// New, and delays its output by exactly Latency() frames (20 ms up to
// 48 kHz).
//
// # Two gain stages
//
// How much each frequency is noise is decided by one of two stages
// (Config.Mode). The learned stage (ModeLearned, the default) is a small
// recurrent network, embedded in the package, that reads features of the
// same analysis and the classical noise estimate and predicts a gain per
// band and a speech probability; it tells speech from babble, clatter and
// other noise that changes, which spectral gating cannot. The classic
// stage (ModeClassic) is spectral gating alone: an optimally-modified
// log-spectral-amplitude gain from a noise tracker; it has no trained
// parts and costs about half the CPU. Both keep every guarantee above.
// The weights are read once per process and shared, read-only, by all
// Denoisers. The stages themselves live in package dsp
// (github.com/hushaudio/hush/dsp); this package wires them.
//
// # Streams from calls
//
// Call apps hand over fixed frames of PCM16 (LiveKit and Opus use 10 or
// 20 ms at 48 kHz; SIP uses 20 ms at 8 kHz). Filter each participant with
// their own Denoiser:
//
//	d, err := denoise.New(denoise.Config{SampleRate: 48000})
//	...
//	for frame := range frames { // []int16, any length
//		d.ProcessInt16(frame, frame) // in place, 20 ms late
//		send(frame)
//	}
//
// Audio device callbacks (PortAudio, for example) deliver interleaved
// float32 buffers of whatever size the device chose; Process takes them as
// they come:
//
//	func callback(in, out []float32) { d.Process(out, in) }
//
// NewReader and NewWriter wrap an io.Reader or io.Writer of PCM16LE bytes,
// the form SIP stacks hand over. Their output is latency-compensated, and
// Writer.Flush behaves like compress/flate's: the stream goes on.
//
// # Files
//
// For whole recordings, compensate the latency: drop the first Latency()
// output frames and append what Drain returns, so the output lines up with
// the input frame for frame (this is what "hush clean" does).
//
// # Concurrency
//
// A Denoiser holds one stream's state and must not be used from two
// goroutines at once. There is no shared mutable state between Denoisers
// (the network's weights are shared but never written): run one per
// stream, as many in parallel as needed.
package denoise
