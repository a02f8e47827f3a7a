package denoise

import (
	"fmt"
	"math"
	"time"

	"github.com/hushaudio/hush/dsp"
)

// Denoiser removes background noise from one mono stream of speech. Create
// one per stream with New; it keeps the stream's history, so it must not be
// shared by two streams or used by two goroutines at once. Denoisers are
// independent: run as many in parallel as there are streams.
//
// Every method allocates nothing: after New, a Denoiser never allocates.
type Denoiser struct {
	cfg       Config
	hop, size int

	stft   *dsp.STFT
	groups *dsp.BinGroups // noise and gains are tracked per group of bins
	noise  *dsp.SPPNoiseEstimator
	gain   *dsp.OMLSAGain

	input []float32 // the last size input samples, oldest first
	fill  int       // new samples in input since the last frame, < hop
	ready []float32 // output samples of the last frame, emitted one per input sample

	spec       []complex64
	power      []float32 // per bin
	gains      []float32 // per bin
	groupPower []float32
	groupGains []float32

	speechLo, speechHi int // groups averaged for the frame speech probability
	speechProb         float32

	int16Buf []float32 // conversion buffer for ProcessInt16

	learned *learnedStage // nil in ModeClassic
	floor   float32       // the lowest gain, set by the strength

	netHook     func(l *learnedStage) // tests only: sees, and may edit, the network's output each frame
	featureHook func(l *learnedStage) // training data only: sees each frame's features

	unityGain bool                  // tests only: skip the gains to check reconstruction
	noiseHook func(noise []float32) // tests only: edit a copy of the noise estimate
	noiseWork []float32             // tests only: that copy
	gainHook  func(gains []float32) // tests only: edit the gains
}

// New returns a Denoiser for cfg, or an error wrapping ErrSampleRate or
// ErrMaxAttenuation if cfg is out of range.
func New(cfg Config) (*Denoiser, error) {
	return newTuned(cfg, defaultTuning())
}

// newFeatureOnly returns a Denoiser that computes the learned stage's
// features every frame but applies the classical gains: the view of a
// stream that training data is made from.
func newFeatureOnly(rate int) (*Denoiser, error) {
	d, err := newTuned(Config{SampleRate: rate, Mode: ModeClassic}, defaultTuning())
	if err != nil {
		return nil, err
	}
	d.learned = newLearnedStage(nil, d.groups, d.gains, float64(rate)/float64(d.size), d.size)
	return d, nil
}

func newTuned(cfg Config, tun tuning) (*Denoiser, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	hop := hopSize(cfg.SampleRate)
	size := 2 * hop
	stft, err := dsp.NewSTFT(size)
	if err != nil {
		return nil, fmt.Errorf("denoise: %d Hz: %w", cfg.SampleRate, err)
	}
	bins := stft.Bins()
	binHz := float64(cfg.SampleRate) / float64(size)
	groups := dsp.NewBinGroups(bins, binHz)
	d := &Denoiser{
		cfg:        cfg,
		hop:        hop,
		size:       size,
		stft:       stft,
		groups:     groups,
		noise:      dsp.NewSPPNoiseEstimator(groups.Len()),
		gain:       dsp.NewOMLSAGain(groups.Len(), cfg.MaxAttenuation),
		input:      make([]float32, size),
		ready:      make([]float32, hop),
		spec:       make([]complex64, bins),
		power:      make([]float32, bins),
		gains:      make([]float32, bins),
		groupPower: make([]float32, groups.Len()),
		groupGains: make([]float32, groups.Len()),
		// Groups below 4 kHz are single bins, so bin and group indices agree.
		speechLo: int(150/binHz + 0.5),
		speechHi: min(int(4000/binHz+0.5), groups.Len()-1),
		// Short, to keep the state small; ProcessInt16 loops over it.
		int16Buf: make([]float32, 64),
	}
	d.gain.DecisionDirected = tun.ddAlpha
	d.gain.MinPriorSNR = dbToPower(tun.xiMinDB)
	d.gain.MaxAbsence = tun.maxAbsence
	d.gain.SpeechFloorRatio = tun.speechFloor
	d.gain.NoiseWeight = tun.noiseWeight
	d.gain.PresenceRelease = tun.release
	d.noise.PriorSNR = dbToPower(tun.sppPriorDB)
	d.noise.Smoothing = tun.sppSmooth
	d.noise.CeilingFactor = tun.ceiling
	d.floor = attenuationFloor(cfg.MaxAttenuation)
	if cfg.Mode == ModeLearned {
		net, err := loadGainNet()
		if err != nil {
			return nil, fmt.Errorf("denoise: learned mode: %w", err)
		}
		if tun.net != nil {
			net = tun.net
		}
		d.learned = newLearnedStage(net, groups, d.gains, binHz, size)
		d.learned.netExp = tun.learnedNetExp
		d.learned.classicExp = tun.learnedClassicExp
		d.learned.gate = tun.learnedGate
		d.learned.boost = tun.learnedBoost
	}
	return d, nil
}

// attenuationFloor returns the amplitude gain of db decibels of attenuation.
func attenuationFloor(db float64) float32 {
	return float32(math.Pow(10, -db/20))
}

func dbToPower(db float32) float32 {
	return float32(math.Pow(10, float64(db)/10))
}

// SampleRate returns the sample rate the Denoiser was made for [Hz].
func (d *Denoiser) SampleRate() int { return d.cfg.SampleRate }

// MaxAttenuation returns the strength in use [dB].
func (d *Denoiser) MaxAttenuation() float64 { return d.cfg.MaxAttenuation }

// FrameSize returns the number of samples per analysis hop (10 ms). Feeding
// whole frames is not required, but it is the natural unit.
func (d *Denoiser) FrameSize() int { return d.hop }

// Latency returns the delay of the output in samples: output sample i is
// the denoised input sample i-Latency(). It is the 20 ms analysis window
// (an output sample depends on input up to a window later, so with any
// chunking, even one sample at a time, no causal denoiser with this window
// can do better than one sample less). A network trained to hear one
// frame ahead (train.py --lookahead 1; not the embedded one) would add a
// 10 ms hop.
func (d *Denoiser) Latency() int { return d.size + d.learned.lookahead()*d.hop }

// LatencyDuration returns Latency as a duration.
func (d *Denoiser) LatencyDuration() time.Duration {
	return time.Duration(d.Latency()) * time.Second / time.Duration(d.cfg.SampleRate)
}

// windowDuration returns the length of the analysis window (20 ms).
func (d *Denoiser) windowDuration() time.Duration {
	return time.Duration(d.size) * time.Second / time.Duration(d.cfg.SampleRate)
}

// SpeechProbability returns the probability, in [0, 1], that the most
// recent complete frame held speech: the mean speech-presence probability
// of its bins between 150 Hz and 4 kHz. Use it as a voice-activity signal or
// for meters; it changes once per FrameSize() input samples.
func (d *Denoiser) SpeechProbability() float32 { return d.speechProb }

// Process denoises src into dst, which must be at least as long as src; dst
// and src may be the same slice. Any length is accepted, and the output is
// the same whatever the chunking of the input: dst[i] is the denoised input
// sample Latency() samples before src[i] (zero during the first Latency()
// samples of a stream).
//
// Samples are nominally in [-1, 1]. NaN and infinite inputs are treated as
// silence and finite values beyond ±64 are clamped, so that bad input cannot
// poison the stream's state. The output is limited to [-1, 1]: gains never
// exceed 1, but reshaping the spectrum of a full-scale or clipped input can
// push peaks past full scale, and those are clipped. Process panics if dst is shorter than src.
func (d *Denoiser) Process(dst, src []float32) {
	if len(dst) < len(src) {
		panic(fmt.Sprintf("denoise: Process got dst of %d samples for %d input samples", len(dst), len(src)))
	}
	for len(src) > 0 {
		n := min(d.hop-d.fill, len(src))
		in := d.input[d.size-d.hop+d.fill:]
		for i, x := range src[:n] {
			in[i] = sanitize(x)
		}
		// src is consumed before dst is written, so in-place use is safe.
		copy(dst[:n], d.ready[d.fill:d.fill+n])
		d.fill += n
		if d.fill == d.hop {
			d.processFrame()
			d.fill = 0
		}
		src = src[n:]
		dst = dst[n:]
	}
}

// sanitize maps NaN and ±Inf to 0, clamps finite values to ±64 and flushes
// values below 1e-15 (-300 dBFS) to 0, whose powers would be subnormal
// numbers that slow the arithmetic down many times over. It tests the bits,
// so that ordinary samples take two predictable branches.
func sanitize(x float32) float32 {
	const (
		infBits  = 0x7f800000 // |x| from here on is Inf or NaN
		tinyBits = 0x26901d7d // 1e-15
	)
	b := math.Float32bits(x) & 0x7fffffff
	if b >= infBits || b < tinyBits {
		return 0
	}
	switch { // comparisons: min/max's NaN rules cost more, and NaN is gone
	case x > 64:
		return 64
	case x < -64:
		return -64
	}
	return x
}

// processFrame denoises the window in d.input into d.ready and slides the window.
func (d *Denoiser) processFrame() {
	d.stft.Analyze(d.spec, d.input)
	for k, c := range d.spec {
		re, im := real(c), imag(c)
		d.power[k] = re*re + im*im
	}
	d.groups.Pool(d.groupPower, d.power)
	d.noise.Update(d.groupPower)
	noise := d.noise.Noise()
	if d.noiseHook != nil {
		if d.noiseWork == nil {
			d.noiseWork = make([]float32, len(noise))
		}
		copy(d.noiseWork, noise)
		d.noiseHook(d.noiseWork)
		noise = d.noiseWork
	}
	d.gain.Compute(d.groupGains, d.groupPower, noise)
	if d.gainHook != nil {
		d.gainHook(d.groupGains)
	}
	d.groups.Expand(d.gains, d.groupGains)
	if l := d.learned; l != nil {
		l.computeFeatures(d.power, noise, d.gain.Presence())
		if d.featureHook != nil {
			d.featureHook(l)
		}
		if l.net != nil {
			l.net.Step(l.state, l.features)
			if d.netHook != nil {
				d.netHook(l)
			}
			if l.heldSpec != nil {
				// The network has heard this frame; its gains are for the
				// one before, held back with its classical gains. Swapping
				// the buffers holds this frame back in turn.
				d.spec, l.heldSpec = l.heldSpec, d.spec
				d.gains, l.heldGains = l.heldGains, d.gains
			}
			l.applyGains(d.gains, d.floor)
		}
	}
	if d.unityGain {
		for k := range d.gains {
			d.gains[k] = 1
		}
	}
	for k, g := range d.gains {
		d.spec[k] = complex(real(d.spec[k])*g, imag(d.spec[k])*g)
	}
	d.stft.Synthesize(d.ready, d.spec)
	// Gains never exceed 1, but changing the spectrum of a full-scale (or
	// clipped) input can still push peaks past it; keep the output within
	// full scale rather than hand clipping on to the next stage.
	// (Comparisons rather than min/max, whose NaN and signed-zero rules
	// cost several instructions per sample; NaN passes either way.)
	for i, y := range d.ready {
		if y > 1 {
			d.ready[i] = 1
		} else if y < -1 {
			d.ready[i] = -1
		}
	}

	copy(d.input, d.input[d.hop:])
	if d.learned != nil && d.learned.net != nil {
		d.speechProb = d.learned.state.Speech
		return
	}
	presence := d.gain.Presence()
	var sum float32
	for _, p := range presence[d.speechLo : d.speechHi+1] {
		sum += p
	}
	// Rescale so that a frame with no evidence of speech reads 0: the
	// presence probability of a bin never falls below its value for q at
	// its cap and ξ at its minimum.
	floor := d.gain.MinPresence()
	mean := sum / float32(d.speechHi-d.speechLo+1)
	d.speechProb = max(0, (mean-floor)/(1-floor))
}

// ProcessInt16 is Process for 16-bit PCM samples (full scale ±32768), with
// the same contract; the output saturates at full scale.
func (d *Denoiser) ProcessInt16(dst, src []int16) {
	if len(dst) < len(src) {
		panic(fmt.Sprintf("denoise: ProcessInt16 got dst of %d samples for %d input samples", len(dst), len(src)))
	}
	for len(src) > 0 {
		n := min(len(src), len(d.int16Buf))
		buf := d.int16Buf[:n]
		for i, s := range src[:n] {
			buf[i] = float32(s) * (1.0 / 32768)
		}
		d.Process(buf, buf)
		for i, x := range buf {
			dst[i] = floatToInt16(x)
		}
		src = src[n:]
		dst = dst[n:]
	}
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

// Flush ends the stream: it writes the Latency() samples still held (the
// denoised end of the input, as if silence followed) to dst and returns
// how many it wrote. dst must hold at least Latency() samples. After Flush,
// call Reset before starting another stream.
func (d *Denoiser) Flush(dst []float32) int {
	n := d.Latency()
	if len(dst) < n {
		panic(fmt.Sprintf("denoise: Flush needs %d samples of room, got %d", n, len(dst)))
	}
	clear(dst[:n])
	d.Process(dst[:n], dst[:n])
	return n
}

// FlushInt16 is Flush for 16-bit PCM.
func (d *Denoiser) FlushInt16(dst []int16) int {
	n := d.Latency()
	if len(dst) < n {
		panic(fmt.Sprintf("denoise: FlushInt16 needs %d samples of room, got %d", n, len(dst)))
	}
	clear(dst[:n])
	d.ProcessInt16(dst[:n], dst[:n])
	return n
}

// Reset makes the Denoiser ready for a new stream, forgetting all history,
// without allocating.
func (d *Denoiser) Reset() {
	d.stft.Reset()
	d.noise.Reset()
	d.gain.Reset()
	clear(d.input)
	clear(d.ready)
	d.fill = 0
	d.speechProb = 0
	if d.learned != nil {
		d.learned.reset()
	}
}
