// Package live runs the denoiser on a live microphone: it captures from an
// input device, denoises, and plays to an output device, typically a
// virtual sink that a call app then uses as its microphone.
//
// The parts:
//
//   - Backend and Stream abstract the sound system: one duplex stream, one
//     callback that receives a buffer of input and fills a buffer of output
//     of the same number of frames, so no FIFO (and no latency) sits
//     between capture and playback. The PortAudio backend is built with
//     the build tag "portaudio"; package livetest has a fake one.
//   - Engine is the callback: it mixes the input to mono, denoises it and
//     copies the result to every output channel. It never allocates, locks
//     or blocks; the meters, the bypass switch and the strength are
//     atomics shared with the rest of the program.
//   - Session picks the devices, sample rate and buffer size, opens the
//     stream and runs it: a status line, keys to compare and change the
//     strength, and a watchdog that turns a device that stops delivering
//     audio (unplugged) into an error instead of a hang.
package live
