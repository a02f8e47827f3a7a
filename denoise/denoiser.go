package denoise

import (
	"fmt"
	"time"
)

// chunkFrames is the most frames a Denoiser converts or de-interleaves at
// a time; longer inputs are worked through in such pieces, so its buffers
// stay small (the output does not depend on the chunking).
const chunkFrames = 64

// Denoiser removes background noise from one stream of speech: mono, or
// interleaved channels (L R L R … for stereo) each denoised on its own.
// Create one per stream with New; it keeps the stream's history, so it
// must not be shared by two streams or used by two goroutines at once.
// Denoisers are independent: run as many in parallel as there are streams.
//
// Every method but LearnNoise on several channels, or above 48 kHz,
// allocates nothing.
type Denoiser struct {
	cfg     Config
	chans   []channel
	latency int
	planar  []float32 // chunkFrames per channel, for de-interleaving; nil for mono
	conv    []float32 // chunkFrames·channels, for ProcessInt16
}

// channel is one channel's signal chain: a dsp.Chain at the stream's rate,
// or a dsp.Resampled around one above 48 kHz.
type channel interface {
	Process(dst, src []float32)
	Latency() int
	Reset()
	SpeechProbability() float32
	NoiseLevel() float64
	LearnNoise(noise []float32) error
	SetMaxAttenuation(db float64)
}

// New returns a Denoiser for cfg, or an error wrapping ErrSampleRate,
// ErrChannels, ErrMaxAttenuation or ErrMode if cfg is out of range.
func New(cfg Config) (*Denoiser, error) {
	return newWith(cfg, defaultStages)
}

// newWith returns a Denoiser whose chains are made of st's stages.
func newWith(cfg Config, st stages) (*Denoiser, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	d := &Denoiser{
		cfg:   cfg,
		chans: make([]channel, cfg.Channels),
		conv:  make([]float32, chunkFrames*cfg.Channels),
	}
	for c := range d.chans {
		if d.chans[c], err = newChannel(cfg, st); err != nil {
			return nil, err
		}
	}
	d.latency = d.chans[0].Latency()
	if cfg.Channels > 1 {
		d.planar = make([]float32, chunkFrames*cfg.Channels)
	}
	return d, nil
}

// Config returns the configuration in use, defaults filled in and with
// the strength last set.
func (d *Denoiser) Config() Config { return d.cfg }

// FrameSize returns the number of frames (samples per channel) in 10 ms,
// the unit in which the speech probability and the noise level change.
// Feeding whole frames is not required.
func (d *Denoiser) FrameSize() int { return hopSize(d.cfg.SampleRate) }

// Latency returns the delay of the output in frames: output frame i is
// the denoised input frame i−Latency(), whatever the chunking. Up to
// 48 kHz it is the 20 ms analysis window (an output sample depends on
// input up to a window later, so no causal denoiser with this window can
// do better); above, the resampling filters add about 1.3 ms (96 kHz:
// 2038 frames, 21.2 ms).
func (d *Denoiser) Latency() int { return d.latency }

// LatencyDuration returns Latency as a duration, rounded to the
// microsecond.
func (d *Denoiser) LatencyDuration() time.Duration {
	l := time.Duration(d.latency) * time.Second / time.Duration(d.cfg.SampleRate)
	return l.Round(time.Microsecond)
}

// Process denoises the interleaved samples of src into dst. len(src) must
// be a whole number of frames (Channels samples each) and dst at least as
// long; Process panics otherwise. dst and src may be the same slice. Any
// number of frames is accepted and the output is the same whatever the
// chunking of the input: frame i of the output is the denoised input
// frame Latency() frames before (silence during the first Latency()
// frames of a stream).
//
// Samples are nominally in [-1, 1]. NaN and infinite inputs are treated as
// silence and finite values beyond ±64 are clamped, so that bad input
// cannot poison the stream's state. The output is limited to [-1, 1]:
// gains never exceed 1, but reshaping the spectrum of a full-scale or
// clipped input can push peaks past full scale, and those are clipped.
func (d *Denoiser) Process(dst, src []float32) {
	ch := d.check("Process", len(dst), len(src))
	if ch == 1 {
		d.chans[0].Process(dst, src)
		return
	}
	for len(src) > 0 {
		frames := min(len(src)/ch, chunkFrames)
		// Every channel is read before any is written, so in place works.
		for c := range ch {
			p := d.planar[c*chunkFrames : c*chunkFrames+frames]
			for i := range p {
				p[i] = src[i*ch+c]
			}
		}
		for c, chain := range d.chans {
			p := d.planar[c*chunkFrames : c*chunkFrames+frames]
			chain.Process(p, p)
			for i, v := range p {
				dst[i*ch+c] = v
			}
		}
		src, dst = src[frames*ch:], dst[frames*ch:]
	}
}

// ProcessInt16 is Process for 16-bit PCM samples (full scale ±32768), with
// the same contract; the output saturates at full scale.
func (d *Denoiser) ProcessInt16(dst, src []int16) {
	d.check("ProcessInt16", len(dst), len(src))
	for len(src) > 0 {
		n := min(len(src), len(d.conv))
		buf := d.conv[:n]
		for i, s := range src[:n] {
			buf[i] = float32(s) * (1.0 / 32768)
		}
		d.Process(buf, buf)
		for i, x := range buf {
			dst[i] = floatToInt16(x)
		}
		src, dst = src[n:], dst[n:]
	}
}

// check panics unless src is whole frames and dst holds them; it returns
// the number of channels.
func (d *Denoiser) check(method string, dst, src int) int {
	ch := d.cfg.Channels
	if src%ch != 0 {
		panic(fmt.Sprintf("denoise: %s got %d samples, not a whole number of %d-channel frames", method, src, ch))
	}
	if dst < src {
		panic(fmt.Sprintf("denoise: %s got dst of %d samples for %d input samples", method, dst, src))
	}
	return ch
}

func floatToInt16(x float32) int16 {
	v := x * 32768
	switch {
	case v >= 32767:
		return 32767
	case v <= -32768:
		return -32768
	case v >= 0:
		return int16(v + 0.5)
	}
	return int16(v - 0.5)
}

// Drain ends the stream: it writes the Latency() frames still held (the
// denoised end of the input, as if silence followed), interleaved, to dst
// and returns the number of samples written, Latency()·Channels. It
// panics if dst is shorter. Call Reset before starting another stream.
//
// For a whole recording, drop the first Latency() frames of the output and
// append what Drain returns: the result lines up with the input, frame for
// frame.
func (d *Denoiser) Drain(dst []float32) int {
	n := d.latency * d.cfg.Channels
	if len(dst) < n {
		panic(fmt.Sprintf("denoise: Drain needs %d samples of room, got %d", n, len(dst)))
	}
	clear(dst[:n])
	d.Process(dst[:n], dst[:n])
	return n
}

// DrainInt16 is Drain for 16-bit PCM.
func (d *Denoiser) DrainInt16(dst []int16) int {
	n := d.latency * d.cfg.Channels
	if len(dst) < n {
		panic(fmt.Sprintf("denoise: DrainInt16 needs %d samples of room, got %d", n, len(dst)))
	}
	clear(dst[:n])
	d.ProcessInt16(dst[:n], dst[:n])
	return n
}

// Reset makes the Denoiser ready for a new stream, forgetting all history
// (a noise profile included), without allocating.
func (d *Denoiser) Reset() {
	for _, c := range d.chans {
		c.Reset()
	}
}

// SetMaxAttenuation changes the strength of a running stream [dB], with
// the meaning of Config.MaxAttenuation (0 means DefaultMaxAttenuation).
// The stream goes on without a gap or a re-convergence: the change
// applies from the next 10 ms frame, and the noise estimate is kept. It
// allocates nothing for a valid value, so a real-time audio callback may
// call it; for a value out of range it returns an error wrapping
// ErrMaxAttenuation and changes nothing.
func (d *Denoiser) SetMaxAttenuation(db float64) error {
	db, err := checkMaxAttenuation(db)
	if err != nil {
		return err
	}
	d.cfg.MaxAttenuation = db
	for _, c := range d.chans {
		c.SetMaxAttenuation(db)
	}
	return nil
}

// channel returns channel c, or panics with a clear message.
func (d *Denoiser) channel(c int) channel {
	if c < 0 || c >= len(d.chans) {
		panic(fmt.Sprintf("denoise: channel %d of a %d-channel Denoiser", c, len(d.chans)))
	}
	return d.chans[c]
}

// SpeechProbability returns the probability, in [0, 1], that the most
// recent complete 10 ms frame of channel c (0 for mono) held speech. Use
// it as a voice-activity signal or for meters; it changes once per
// FrameSize() frames. It panics if c is not a channel.
func (d *Denoiser) SpeechProbability(c int) float32 { return d.channel(c).SpeechProbability() }

// NoiseLevel returns the level of the noise the Denoiser currently
// estimates in channel c (0 for mono), in dBFS: the power of the noise as
// if it were played alone, relative to a full-scale (±1) square wave, so
// that white noise of RMS 0.01 reads about -40 dBFS and a full-scale sine
// -3 dBFS. It reads -120, the bottom of the scale, before the first frame
// or after Reset. Above 48 kHz it leaves out the noise above the
// processing rate's Nyquist frequency. It panics if c is not a channel.
func (d *Denoiser) NoiseLevel(c int) float64 { return d.channel(c).NoiseLevel() }

// LearnNoise gives the Denoiser a head start on steady noise, the way a
// "noise profile" does in sox or Audacity: noise holds interleaved
// samples of the background alone (no speech), such as the second before
// someone starts talking. For each channel it averages the power spectrum
// over all the 20 ms analysis windows that fit, on the Denoiser's own
// frame grid, and installs the result as the noise estimate.
//
// The profile is only a starting point: the Denoiser keeps tracking the
// noise afterwards, so a profile that is a little off, or noise that
// drifts, is corrected within a second or two. Without a profile the
// Denoiser learns the noise from the stream itself and lets some of it
// through at the start; with one, the very first words are cleaned as well
// as the rest.
//
// LearnNoise may be called before the first Process, which is its main
// use, or between Process calls to restart the tracker from a new profile
// (when the scene changes, say). It does not touch the audio in flight.
// Reset forgets the profile with the rest of the history.
//
// noise must hold at least one 20 ms window per channel (2·FrameSize()
// frames); half a second or more gives a steadier profile. Windows that
// contain NaN or infinite samples are left out. It returns an error
// wrapping ErrNoiseTooShort if a channel has no usable window, or
// ErrPartialFrame if noise is not whole frames. Mono up to 48 kHz it
// allocates nothing; otherwise it allocates a copy of the noise.
func (d *Denoiser) LearnNoise(noise []float32) error {
	ch := d.cfg.Channels
	if len(noise)%ch != 0 {
		return fmt.Errorf("%w: LearnNoise got %d samples for %d channels", ErrPartialFrame, len(noise), ch)
	}
	if ch == 1 {
		if err := d.chans[0].LearnNoise(noise); err != nil {
			return fmt.Errorf("denoise: %w", err)
		}
		return nil
	}
	plane := make([]float32, len(noise)/ch)
	for c, chain := range d.chans {
		for i := range plane {
			plane[i] = noise[i*ch+c]
		}
		if err := chain.LearnNoise(plane); err != nil {
			return fmt.Errorf("denoise: channel %d: %w", c, err)
		}
	}
	return nil
}
