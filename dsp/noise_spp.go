package dsp

import "github.com/hushaudio/hush/internal/vec"

// SPPNoiseEstimator tracks the noise power spectrum frame by frame with
// speech-presence-probability controlled recursive averaging (Gerkmann &
// Hendriks, "Unbiased MMSE-based noise power estimation with low complexity
// and low tracking delay", 2012): for each bin it computes the a posteriori
// probability that speech is present, given the previous noise estimate and
// a fixed typical speech SNR, and averages in the expected noise power
// (the current power where speech is absent, the old estimate where it is
// present). Like MCRA it needs no voice-activity decision and keeps adapting
// while people talk, and it follows rising noise within about a second.
// With the paper's settings (ξ_H1 = 15 dB, averaging 0.8 per 10 ms frame)
// it reads 1 to 2 dB low on fluctuating noise; slower averaging reads far
// lower (6 to 9 dB was measured at 0.95), because the probability is
// computed against the estimate itself.
//
// Frames of digital silence are skipped, so that the silent start of a
// recording does not drag the estimate (and the minimum statistics below)
// to nothing. It allocates nothing after construction.
type SPPNoiseEstimator struct {
	noise    []float32 // the recursion's state, sppBias below the noise power
	estimate []float32 // noise·sppBias, what Noise returns
	meanProb []float32 // smoothed presence probability, to detect stagnation
	frames   int

	// A minimum-statistics ceiling: the minimum of the smoothed power over
	// the last one to two windows of minWindow frames, which speech cannot
	// raise unless it lasts that long without a pause. It stops speech from
	// creeping into the estimate during long utterances.
	smoothed  []float32
	minOld    []float32 // minimum over the previous window
	minCur    []float32 // minimum over the current window so far
	minFrames int

	// CeilingFactor bounds the estimate by this multiple of the minimum
	// statistic (which underestimates the mean noise power); 0 disables it.
	CeilingFactor float32

	// PriorSNR is the typical SNR of speech where present, ξ_H1 (linear).
	PriorSNR float32
	// Smoothing is the recursive averaging constant of the noise power,
	// per frame: closer to 1 tracks more slowly.
	Smoothing float32
}

const (
	// sppMaxProb caps the presence probability when it has stayed near one
	// for long, so that a step up in noise level cannot freeze the estimate.
	sppMaxProb = 0.99
	// sppBias corrects the recursion's steady-state bias: weighing each
	// periodogram value by a presence probability computed against the
	// estimate itself discounts the high values of noise as "speech", so the
	// state settles 1.2 dB below the true power (measured on Gaussian noise
	// with PriorSNR 15 dB and Smoothing 0.8; TestSPPTracksSteadyNoiseLevel).
	sppBias = 1.31
	// noiseFloorPower keeps estimates above zero in digital silence.
	noiseFloorPower = 1e-12
)

// NewSPPNoiseEstimator returns an estimator for spectra of bins bins.
func NewSPPNoiseEstimator(bins int) *SPPNoiseEstimator {
	e := &SPPNoiseEstimator{
		noise:         make([]float32, bins),
		estimate:      make([]float32, bins),
		meanProb:      make([]float32, bins),
		smoothed:      make([]float32, bins),
		minOld:        make([]float32, bins),
		minCur:        make([]float32, bins),
		CeilingFactor: 4,
		PriorSNR:      31.622776, // 15 dB, as in the paper
		Smoothing:     0.8,
	}
	e.fillFloor()
	return e
}

// fillFloor sets the estimate to the floor, so that it is never zero.
func (e *SPPNoiseEstimator) fillFloor() {
	for k := range e.noise {
		e.noise[k] = noiseFloorPower
	}
	e.publish()
}

// publish refreshes the bias-corrected estimate from the state.
func (e *SPPNoiseEstimator) publish() {
	for k, n := range e.noise {
		e.estimate[k] = n * sppBias
	}
}

// Noise returns the current noise power estimate, one value per bin. The
// slice is owned by the estimator and changes with each Update.
func (e *SPPNoiseEstimator) Noise() []float32 { return e.estimate }

// SetNoise replaces the estimate, e.g. with a profile learnt from a
// noise-only stretch; tracking goes on from there.
func (e *SPPNoiseEstimator) SetNoise(profile []float32) {
	for k := range e.noise {
		n := max(profile[k]/sppBias, noiseFloorPower)
		// The minimum statistics start from the profile too; left at zero
		// they would pull the estimate down to the floor at once.
		e.noise[k], e.smoothed[k], e.minOld[k], e.minCur[k] = n, n, n, n
	}
	clear(e.meanProb)
	e.minFrames = 0
	e.frames = 1
	e.publish()
}

// Update folds in the power spectrum of the next frame.
func (e *SPPNoiseEstimator) Update(power []float32) {
	noise := e.noise[:len(power)]
	meanProb := e.meanProb[:len(power)]
	if silent(power) {
		// Digital silence says nothing about the noise: keep the estimate
		// (and the minimum statistics) as they are rather than let them
		// collapse, as they would at the start of many recordings.
		return
	}
	if e.frames == 0 {
		// With no history the first frame is the best guess, smoothed over
		// a few bins: a single periodogram leaves some bins far too low,
		// and an underestimate is what the tracker corrects most slowly (it
		// takes the real noise there for speech). An overestimate, if the
		// frame held speech, it corrects within a few frames.
		n := len(power)
		for k, p := range power {
			lo, hi := max(k-2, 0), min(k+3, n)
			var sum float32
			for _, q := range power[lo:hi] {
				sum += q
			}
			// Not divided by sppBias: starting a little high is the safe side.
			noise[k] = max(sum/float32(hi-lo), noiseFloorPower)
			e.smoothed[k] = p
			e.minOld[k] = noise[k]
			e.minCur[k] = noise[k]
		}
		e.frames++
		e.publish()
		return
	}
	logPrior := vec.Log(1 + e.PriorSNR)
	ratio := e.PriorSNR / (1 + e.PriorSNR)
	alpha := e.Smoothing
	// P(H1|y) = 1 / (1 + (1+ξ) exp(-|y|²/σ² · ξ/(1+ξ))) for equal priors,
	// with the exponentials eight bins at a time in estimate, which
	// publish overwrites below.
	odds := e.estimate[:len(power)]
	for k, p := range power {
		odds[k] = logPrior - p/noise[k]*ratio
	}
	vec.ExpSlice(odds, odds)
	for k, p := range power {
		n := noise[k]
		prob := 1 / (1 + odds[k])
		mp := 0.9*meanProb[k] + 0.1*prob
		meanProb[k] = mp
		if mp > sppMaxProb {
			prob = min(prob, sppMaxProb)
		}
		expected := prob*n + (1-prob)*p
		n = alpha*n + (1-alpha)*expected
		if n < noiseFloorPower { // a comparison is cheaper than max's NaN rules
			n = noiseFloorPower
		}
		noise[k] = n
	}
	if c := e.CeilingFactor; c > 0 {
		e.applyCeiling(power, c)
	}
	e.frames++
	e.publish()
}

// silent reports whether a power spectrum is digital silence (or as good as).
func silent(power []float32) bool {
	for _, p := range power {
		if p > noiseFloorPower {
			return false
		}
	}
	return true
}

// minWindow is the length of one minimum-search window in frames (0.64 s
// at 10 ms frames): the ceiling follows a rise in noise after 0.64 to 1.28 s.
const minWindow = 64

func (e *SPPNoiseEstimator) applyCeiling(power []float32, factor float32) {
	noise := e.noise[:len(power)]
	smoothed := e.smoothed[:len(power)]
	minOld := e.minOld[:len(power)]
	minCur := e.minCur[:len(power)]
	// Comparisons rather than min/max, whose NaN rules cost more here.
	for k, p := range power {
		s := 0.85*smoothed[k] + 0.15*p
		if s < 1e-30 { // not subnormal in silence; far below noiseFloorPower/factor, so no effect on the estimate
			s = 1e-30
		}
		smoothed[k] = s
		m := minCur[k]
		if s < m {
			m = s
		}
		minCur[k] = m
		if o := minOld[k]; o < m {
			m = o
		}
		n := noise[k]
		if c := factor * m; c < n {
			n = c
		}
		if n < noiseFloorPower {
			n = noiseFloorPower
		}
		noise[k] = n
	}
	e.minFrames++
	if e.minFrames == minWindow {
		copy(minOld, minCur)
		copy(minCur, smoothed)
		e.minFrames = 0
	}
}

// Reset forgets all history.
func (e *SPPNoiseEstimator) Reset() {
	e.fillFloor()
	clear(e.meanProb)
	clear(e.smoothed)
	clear(e.minOld)
	clear(e.minCur)
	e.minFrames = 0
	e.frames = 0
}
