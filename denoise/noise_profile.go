package denoise

import (
	"errors"
	"fmt"
	"math"
)

// ErrNoiseTooShort is returned by LearnNoise, wrapped with the numbers, when
// the noise sample is shorter than one analysis window.
var ErrNoiseTooShort = errors.New("denoise: noise sample too short")

// LearnNoise gives the Denoiser a head start on steady noise, the way a
// "noise profile" does in sox or Audacity: noise holds samples of the
// background alone (no speech), such as the second before someone starts
// talking. LearnNoise averages their power spectrum over all the analysis
// frames that fit, with the Denoiser's own window and frame grid, and
// installs the result as the noise estimate.
//
// The profile is only a starting point: the Denoiser keeps tracking the
// noise afterwards, so a profile that is a little off, or noise that
// drifts, is corrected within a second or two. Without a profile the
// Denoiser learns the noise from the stream itself and lets some of it
// through at the start; with one, the very first words are cleaned as well
// as the rest.
//
// LearnNoise may be called before the first Process, which is its main
// use, or at any time later (between Process calls) to override the
// tracker, for instance when the scene changes; the tracker then restarts
// from the profile. It does not touch the stream: the output and Latency
// are unaffected except through the new estimate. Reset forgets the
// profile with the rest of the history.
//
// noise must hold at least one 20 ms analysis window (2·FrameSize()
// samples); a
// half-second or more gives a steadier profile. Windows that contain NaN or
// infinite samples are left out of the average. LearnNoise returns an error
// wrapping ErrNoiseTooShort if noise is shorter (or has no clean window),
// and otherwise nil. Like every method
// it allocates nothing.
func (d *Denoiser) LearnNoise(noise []float32) error {
	if len(noise) < d.size {
		return fmt.Errorf("%w: got %d samples, need at least %d (%v at %d Hz)",
			ErrNoiseTooShort, len(noise), d.size, d.windowDuration(), d.cfg.SampleRate)
	}
	// d.spec and d.power are scratch for one frame at a time in
	// processFrame (filled before they are read), so between frames they
	// are free to hold the analysis and the running sum; frames are read
	// straight out of noise. Nothing is allocated.
	sum := d.power
	clear(sum)
	frames := 0
	for start := 0; start+d.size <= len(noise); start += d.hop {
		frame := noise[start : start+d.size]
		if !allFinite(frame) {
			// No spare buffer holds a cleaned copy without allocating, and a
			// NaN would poison the sum: leave such frames out.
			continue
		}
		d.stft.Analyze(d.spec, frame)
		for k, c := range d.spec {
			re, im := real(c), imag(c)
			sum[k] += re*re + im*im
		}
		frames++
	}
	if frames == 0 {
		return fmt.Errorf("%w: every %v window of the %d samples holds NaN or infinite values",
			ErrNoiseTooShort, d.windowDuration(), len(noise))
	}
	scale := 1 / float32(frames)
	for k := range sum {
		sum[k] *= scale
	}
	// SetNoise restarts the tracker on the profile, its minimum statistics
	// included.
	d.groups.Pool(d.groupPower, sum)
	d.noise.SetNoise(d.groupPower)
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

// NoiseLevel returns the level of the noise the Denoiser currently
// estimates, in dBFS: the power of the noise as if it were played alone,
// relative to a full-scale (±1) square wave, so that white noise of RMS
// 0.01 reads about -40 dBFS. A full-scale sine wave reads -3 dBFS on this
// scale. Before the first frame (or after Reset) it returns -120, the
// bottom of the scale.
//
// Read it after Process for a meter or a report; it changes once per
// FrameSize() input samples, or when LearnNoise installs a profile.
func (d *Denoiser) NoiseLevel() float64 {
	// The estimate is kept per group of bins; spread it back over the
	// bins (d.power is scratch between frames).
	noise := d.power
	d.groups.Expand(noise, d.noise.Noise())
	// Parseval for the sqrt-Hann window: the one-sided power spectrum,
	// with the inner bins counted twice, sums to size * sum(w²) * mean(x²),
	// and sum(w²) = size/2.
	var total float64
	for k, p := range noise {
		if k == 0 || k == len(noise)-1 {
			total += float64(p)
		} else {
			total += 2 * float64(p)
		}
	}
	meanSquare := total / (float64(d.size) * float64(d.size) / 2)
	const floorDB = -120
	if !(meanSquare > 1e-12) {
		return floorDB
	}
	return max(10*math.Log10(meanSquare), floorDB)
}
