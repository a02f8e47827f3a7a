// Package denoise removes background noise from speech, in real time, in
// pure Go.
//
// A Denoiser filters one mono stream. It analyses the audio in 20 ms
// windows every 10 ms, tracks the noise spectrum continuously (also while
// people talk), and turns down each frequency by how much of it is noise,
// never by more than Config.MaxAttenuation. It works natively at any rate
// from 8 to 48 kHz, accepts any chunk size, allocates nothing after New, and
// delays its output by exactly Latency() samples (20 ms).
//
// # Two gain stages
//
// How much each frequency is noise is decided by one of two stages
// (Config.Mode). The learned stage (ModeLearned) is a small recurrent
// network, 131k weights embedded in the package, that reads features of the
// same STFT and the classical noise estimate and predicts a gain per band
// and a speech probability; it tells speech from babble, clatter and other
// noise that changes, which spectral gating cannot. The classic stage
// (ModeClassic) is spectral gating alone: an optimally-modified
// log-spectral-amplitude gain from a noise tracker; it has no trained
// parts and costs about half the CPU. Both keep every guarantee below.
// The weights are read once per process and shared, read-only, by all
// Denoisers; train/ in the repository retrains them from scratch.
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
// # Audio callbacks
//
// Audio device callbacks (PortAudio, for example) deliver float32 buffers of
// whatever size the device chose; Process takes them as they come:
//
//	func callback(in, out []float32) { d.Process(out, in) }
//
// # Files
//
// For whole recordings, compensate the latency: drop the first Latency()
// output samples and append what Flush returns, so the output lines up with
// the input sample for sample (this is what "hush clean" does).
//
// # Other rates, channels and streams
//
// NewFilter takes any rate from 8 to 192 kHz (above 48 kHz it resamples
// inside, band-limited), NewMulti interleaved multichannel audio with one
// state per channel, and NewReader and NewWriter wrap an io.Reader or
// io.Writer of PCM16LE bytes, the form SIP stacks hand over. All keep the
// same guarantees: any chunk size, no allocation while streaming, exact
// latency.
//
// # Concurrency
//
// A Denoiser holds one stream's state and must not be used from two
// goroutines at once. There is no shared mutable state between Denoisers
// (the network's weights are shared but never written): run one per stream,
// as many in parallel as needed.
package denoise
