package dsp

import (
	"fmt"
	"math"
)

// Chain denoises one mono stream at one rate: it cuts the input into
// 20 ms windows every 10 ms (Grid), and for each frame runs
//
//	analysis (STFT) → noise estimate (NoiseEstimator) →
//	gain rule (GainRule) → synthesis (overlap-add)
//
// It takes any chunk size with identical output, delays the audio by
// exactly Latency() samples, and allocates nothing after NewChain. It must
// not be used by two goroutines at once.
type Chain struct {
	grid  *Grid
	stft  *STFT
	noise NoiseEstimator
	gain  GainRule

	input []float32 // the last Size input samples, oldest first
	fill  int       // new samples in input since the last frame, < Hop
	ready []float32 // output of the last frame, emitted one per input sample
	frame Frame
	gains []float32 // per bin
}

// NewChain returns a Chain on grid g with the given stages, which must
// have been made for g.
func NewChain(g *Grid, noise NoiseEstimator, gain GainRule) (*Chain, error) {
	stft, err := NewSTFT(g.Size)
	if err != nil {
		return nil, err
	}
	bins := g.Bins()
	return &Chain{
		grid:  g,
		stft:  stft,
		noise: noise,
		gain:  gain,
		input: make([]float32, g.Size),
		ready: make([]float32, g.Hop),
		frame: Frame{
			Spectrum:   make([]complex64, bins),
			Power:      make([]float32, bins),
			GroupPower: make([]float32, g.Groups.Len()),
		},
		gains: make([]float32, bins),
	}, nil
}

// Grid returns the chain's time-frequency layout.
func (c *Chain) Grid() *Grid { return c.grid }

// Latency returns the delay of the output in samples: the 20 ms window.
// An output sample depends on input up to a window later, so with any
// chunking, even a sample at a time, no causal chain with this window can
// do better than one sample less.
func (c *Chain) Latency() int { return c.grid.Size }

// SpeechProbability returns the gain rule's speech probability of the
// last complete frame.
func (c *Chain) SpeechProbability() float32 { return c.gain.SpeechProbability() }

// SetMaxAttenuation sets the gain rule's floor [dB] from the next frame.
func (c *Chain) SetMaxAttenuation(db float64) { c.gain.SetMaxAttenuation(db) }

// Process denoises src into dst, which must be at least as long (it
// panics otherwise); they may be the same slice. dst[i] is the denoised
// input Latency() samples before src[i].
//
// NaN and infinite inputs are taken as silence and finite values beyond
// ±64 are clamped, so bad input cannot poison the state; the output is
// limited to [-1, 1].
func (c *Chain) Process(dst, src []float32) {
	if len(dst) < len(src) {
		panic(fmt.Sprintf("dsp: Chain.Process got dst of %d samples for %d input samples", len(dst), len(src)))
	}
	hop, size := c.grid.Hop, c.grid.Size
	for len(src) > 0 {
		n := min(hop-c.fill, len(src))
		in := c.input[size-hop+c.fill:]
		for i, x := range src[:n] {
			in[i] = sanitize(x)
		}
		// src is consumed before dst is written, so in-place use is safe.
		copy(dst[:n], c.ready[c.fill:c.fill+n])
		c.fill += n
		if c.fill == hop {
			c.processFrame()
			c.fill = 0
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

// processFrame runs the stages on the window in c.input, leaves the
// frame's output in c.ready and slides the window.
func (c *Chain) processFrame() {
	f := &c.frame
	c.stft.Analyze(f.Spectrum, c.input)
	for k, x := range f.Spectrum {
		re, im := real(x), imag(x)
		f.Power[k] = re*re + im*im
	}
	c.grid.Groups.Pool(f.GroupPower, f.Power)
	c.noise.Update(f.GroupPower)
	f.Noise = c.noise.Noise()
	c.gain.Gains(c.gains, f)
	for k, g := range c.gains {
		f.Spectrum[k] = complex(real(f.Spectrum[k])*g, imag(f.Spectrum[k])*g)
	}
	c.stft.Synthesize(c.ready, f.Spectrum)
	// Gains never exceed 1, but changing the spectrum of a full-scale (or
	// clipped) input can still push peaks past it; keep the output within
	// full scale rather than hand clipping on to the next stage.
	// (Comparisons rather than min/max, whose NaN and signed-zero rules
	// cost several instructions per sample; NaN passes either way.)
	for i, y := range c.ready {
		if y > 1 {
			c.ready[i] = 1
		} else if y < -1 {
			c.ready[i] = -1
		}
	}
	copy(c.input, c.input[c.grid.Hop:])
}

// Reset makes the chain ready for a new stream, forgetting all history in
// every stage, without allocating.
func (c *Chain) Reset() {
	c.stft.Reset()
	c.noise.Reset()
	c.gain.Reset()
	clear(c.input)
	clear(c.ready)
	c.fill = 0
}

// LearnNoise gives the noise estimate a head start, the way a noise
// profile does in sox or Audacity: noise holds the background alone (at
// least one 20 ms window; half a second or more gives a steadier
// profile). Its power spectrum, averaged over every window that fits on
// the chain's own frame grid, replaces the estimate, and tracking goes on
// from there. Windows holding NaN or infinite samples are left out. It
// returns an error wrapping ErrNoiseTooShort if no window is usable, and
// allocates nothing.
func (c *Chain) LearnNoise(noise []float32) error {
	g := c.grid
	if len(noise) < g.Size {
		return fmt.Errorf("%w: got %d samples, need at least %d (20 ms at %d Hz)",
			ErrNoiseTooShort, len(noise), g.Size, g.Rate)
	}
	// The frame buffers are scratch between frames (filled before they
	// are read), so they hold the analysis and the running sum; frames are
	// read straight out of noise.
	sum := c.frame.Power
	clear(sum)
	frames := 0
	for start := 0; start+g.Size <= len(noise); start += g.Hop {
		window := noise[start : start+g.Size]
		if !allFinite(window) {
			continue
		}
		c.stft.Analyze(c.frame.Spectrum, window)
		for k, x := range c.frame.Spectrum {
			re, im := real(x), imag(x)
			sum[k] += re*re + im*im
		}
		frames++
	}
	if frames == 0 {
		return fmt.Errorf("%w: every 20 ms window of the %d samples holds NaN or infinite values",
			ErrNoiseTooShort, len(noise))
	}
	scale := 1 / float32(frames)
	for k := range sum {
		sum[k] *= scale
	}
	g.Groups.Pool(c.frame.GroupPower, sum)
	c.noise.SetNoise(c.frame.GroupPower)
	return nil
}

// allFinite reports whether x holds no NaN or infinity.
func allFinite(x []float32) bool {
	for _, v := range x {
		if v-v != 0 { // NaN and ±Inf give NaN
			return false
		}
	}
	return true
}

// NoiseLevel returns the level of the current noise estimate in dBFS: the
// power of the noise as if played alone, relative to a full-scale square
// wave, so white noise of RMS 0.01 reads about -40 dBFS and a full-scale
// sine -3 dBFS. It reads -120, the bottom of the scale, before the first
// frame.
func (c *Chain) NoiseLevel() float64 {
	// The estimate is per group; spread it back over the bins (Power is
	// scratch between frames).
	noise := c.frame.Power
	c.grid.Groups.Expand(noise, c.noise.Noise())
	// Parseval for the sqrt-Hann window: the one-sided power spectrum,
	// with the inner bins counted twice, sums to size·Σw²·mean(x²), and
	// Σw² = size/2.
	var total float64
	for k, p := range noise {
		if k == 0 || k == len(noise)-1 {
			total += float64(p)
		} else {
			total += 2 * float64(p)
		}
	}
	size := float64(c.grid.Size)
	meanSquare := total / (size * size / 2)
	const floorDB = -120
	if !(meanSquare > 1e-12) {
		return floorDB
	}
	return max(10*math.Log10(meanSquare), floorDB)
}
