//go:build hushtrain

package denoise

import (
	"math"

	"github.com/hushaudio/hush/dsp"
)

// Training-data export, built only with -tags hushtrain (train/gen uses
// it): it runs the same feature computation as the learned stage, so the
// network is trained on exactly what it will see.

// TrainingFeatures is the number of features per frame.
const TrainingFeatures = learnedFeatures

// TrainingBands is the number of gains per frame.
const TrainingBands = learnedBands

// TrainingFrames runs a Denoiser at rate over noisy and, for every frame,
// appends to feat its TrainingFeatures features and to gain the ideal band
// gains: sqrt(clean energy / noisy energy), at most 1, or -1 where the
// noisy band is empty (digital silence, or above the Nyquist frequency)
// and any gain is right. It also appends each frame's clean-speech
// energy per sample to speechEnergy, from which the caller derives speech
// labels. clean must be the speech part of noisy, sample-aligned.
func TrainingFrames(rate int, noisy, clean []float32, feat, gain, speechEnergy []float32) ([]float32, []float32, []float32, error) {
	d, err := newFeatureOnly(rate)
	if err != nil {
		return nil, nil, nil, err
	}
	cleanSTFT, err := dsp.NewSTFT(d.size)
	if err != nil {
		return nil, nil, nil, err
	}
	spec := make([]complex64, d.stft.Bins())
	power := make([]float32, d.stft.Bins())
	cleanBands := make([]float32, learnedBands)
	// The Denoiser's first frame is hop zeros then the first hop samples.
	padded := make([]float32, d.size-d.hop+len(clean))
	copy(padded[d.size-d.hop:], clean)
	frame := 0
	d.featureHook = func(l *learnedStage) {
		feat = append(feat, l.features...)
		cleanSTFT.Analyze(spec, padded[frame*d.hop:frame*d.hop+d.size])
		frame++
		for k, c := range spec {
			power[k] = real(c)*real(c) + imag(c)*imag(c)
		}
		l.bands.Pool(cleanBands, power)
		var total float32
		for b, e := range cleanBands {
			total += e
			n := l.bandPower[b]
			if n*l.powerScale < 1e-10 {
				gain = append(gain, -1)
				continue
			}
			gain = append(gain, float32(math.Min(1, math.Sqrt(float64(e/n)))))
		}
		speechEnergy = append(speechEnergy, total*l.powerScale)
	}
	out := make([]float32, len(noisy))
	frames := len(noisy) / d.hop
	d.Process(out[:frames*d.hop], noisy[:frames*d.hop])
	return feat, gain, speechEnergy, nil
}
