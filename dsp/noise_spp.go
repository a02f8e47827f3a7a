package dsp

// SPPNoiseEstimator tracks the noise power spectrum frame by frame with
// speech-presence-probability controlled recursive averaging (Gerkmann &
// Hendriks, "Unbiased MMSE-based noise power estimation with low complexity
// and low tracking delay", 2012): for each bin it computes the a posteriori
// probability that speech is present, given the previous noise estimate and
// a fixed typical speech SNR, and averages in the expected noise power
// (the current power where speech is absent, the old estimate where it is
// present). Like MCRA it needs no voice-activity decision and keeps adapting
// while people talk; unlike minimum statistics it has no bias to correct
// and follows rising noise within about a second instead of several.
// It allocates nothing after construction.
type SPPNoiseEstimator struct {
	noise    []float32
	meanProb []float32 // smoothed presence probability, to detect stagnation
	frames   int
}

const (
	// sppPriorSNR is the typical SNR of speech where present, ξ_H1 = 15 dB.
	sppPriorSNR = 31.622776
	// sppSmoothing is the recursive averaging constant of the noise power.
	sppSmoothing = 0.8
	// sppMaxProb caps the presence probability when it has stayed near one
	// for long, so that a step up in noise level cannot freeze the estimate.
	sppMaxProb = 0.99
	// noiseFloorPower keeps estimates above zero in digital silence.
	noiseFloorPower = 1e-12
)

// NewSPPNoiseEstimator returns an estimator for spectra of bins bins.
func NewSPPNoiseEstimator(bins int) *SPPNoiseEstimator {
	return &SPPNoiseEstimator{
		noise:    make([]float32, bins),
		meanProb: make([]float32, bins),
	}
}

// Noise returns the current noise power estimate, one value per bin. The
// slice is owned by the estimator and changes with each Update.
func (e *SPPNoiseEstimator) Noise() []float32 { return e.noise }

// SetNoise replaces the estimate, e.g. with a profile learnt from a
// noise-only stretch; tracking goes on from there.
func (e *SPPNoiseEstimator) SetNoise(profile []float32) {
	for k := range e.noise {
		e.noise[k] = max(profile[k], noiseFloorPower)
	}
	e.frames = 1
}

// Update folds in the power spectrum of the next frame.
func (e *SPPNoiseEstimator) Update(power []float32) {
	noise := e.noise[:len(power)]
	meanProb := e.meanProb[:len(power)]
	if e.frames == 0 {
		// With no history, the first frame is the best guess; the
		// recursion quickly corrects an overestimate if it held speech.
		for k, p := range power {
			noise[k] = max(p, noiseFloorPower)
		}
		e.frames++
		return
	}
	const logPrior = 3.4843 // ln(1 + ξ_H1)
	const ratio = sppPriorSNR / (1 + sppPriorSNR)
	for k, p := range power {
		n := noise[k]
		// P(H1|y) = 1 / (1 + (1+ξ) exp(-|y|²/σ² · ξ/(1+ξ))) for equal priors.
		prob := 1 / (1 + fastExp(logPrior-p/n*ratio))
		mp := 0.9*meanProb[k] + 0.1*prob
		meanProb[k] = mp
		if mp > sppMaxProb {
			prob = min(prob, sppMaxProb)
		}
		expected := prob*n + (1-prob)*p
		noise[k] = max(sppSmoothing*n+(1-sppSmoothing)*expected, noiseFloorPower)
	}
	e.frames++
}

// Reset forgets all history.
func (e *SPPNoiseEstimator) Reset() {
	clear(e.noise)
	clear(e.meanProb)
	e.frames = 0
}
