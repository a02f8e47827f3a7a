package learned

import (
	"math"

	"github.com/hushaudio/hush/dsp"
)

// TrainingFrames runs the chain's analysis over noisy at rate and, for
// every 10 ms frame, appends to feat its FeatureCount features (exactly
// what Gain feeds its model) and to gain the ideal band gains:
// sqrt(clean energy / noisy energy), at most 1, or -1 where the noisy
// band is empty (digital silence, or above the Nyquist frequency) and any
// gain is right. It also appends each frame's clean-speech energy per
// sample to speechEnergy, from which the caller derives speech labels.
// clean must be the speech part of noisy, sample-aligned. train/gen makes
// the training set with it.
func TrainingFrames(rate int, noisy, clean []float32, feat, gain, speechEnergy []float32) ([]float32, []float32, []float32, error) {
	g, err := dsp.NewGrid(rate)
	if err != nil {
		return nil, nil, nil, err
	}
	rec := &recorder{
		// The floor shapes only the audio, which is not used: the features
		// read the noise estimate and the presence, not the gains.
		classic: dsp.NewClassicGain(g, 24),
		feat:    NewFeatures(g),
		bands:   make([]float32, Bands),
		power:   make([]float32, g.Bins()),
		spec:    make([]complex64, g.Bins()),
		hop:     g.Hop,
		size:    g.Size,
		out:     [3][]float32{feat, gain, speechEnergy},
	}
	if rec.cleanSTFT, err = dsp.NewSTFT(g.Size); err != nil {
		return nil, nil, nil, err
	}
	// The chain's first window is Hop zeros then the first Hop samples.
	rec.padded = make([]float32, g.Size-g.Hop+len(clean))
	copy(rec.padded[g.Size-g.Hop:], clean)
	chain, err := dsp.NewChain(g, dsp.NewSPPNoiseEstimator(g.Groups.Len()), rec)
	if err != nil {
		return nil, nil, nil, err
	}
	frames := len(noisy) / g.Hop
	out := make([]float32, frames*g.Hop)
	chain.Process(out, noisy[:frames*g.Hop])
	return rec.out[0], rec.out[1], rec.out[2], nil
}

// recorder is the gain rule of TrainingFrames: the classical rule, which
// shapes the audio, and the learned stage's features and the ideal gains
// recorded each frame.
type recorder struct {
	classic         *dsp.ClassicGain
	feat            *Features
	cleanSTFT       *dsp.STFT
	padded          []float32 // the clean speech, aligned with the chain's windows
	spec            []complex64
	power, bands    []float32
	hop, size, next int
	out             [3][]float32 // features, ideal gains, clean energy
}

func (r *recorder) Gains(dst []float32, f *dsp.Frame) {
	r.classic.Gains(dst, f)
	r.feat.Compute(f.Power, f.Noise, r.classic.Presence())
	r.out[0] = append(r.out[0], r.feat.Values...)
	start := r.next * r.hop
	r.next++
	r.cleanSTFT.Analyze(r.spec, r.padded[start:start+r.size])
	for k, c := range r.spec {
		r.power[k] = real(c)*real(c) + imag(c)*imag(c)
	}
	r.feat.bands.Pool(r.bands, r.power)
	scale := r.feat.powerScale
	var total float32
	for b, e := range r.bands {
		total += e
		n := r.feat.BandPower[b]
		if n*scale < 1e-10 {
			r.out[1] = append(r.out[1], -1)
			continue
		}
		r.out[1] = append(r.out[1], float32(math.Min(1, math.Sqrt(float64(e/n)))))
	}
	r.out[2] = append(r.out[2], total*scale)
}

func (r *recorder) SpeechProbability() float32   { return r.classic.SpeechProbability() }
func (r *recorder) SetMaxAttenuation(db float64) { r.classic.SetMaxAttenuation(db) }
func (r *recorder) Reset()                       { r.classic.Reset() }
