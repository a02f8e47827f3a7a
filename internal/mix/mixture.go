package mix

import (
	"fmt"
	"math"
)

// PeakLimit is the highest absolute sample value [full scale] a mixture may
// reach; louder mixtures are scaled down as a whole.
const PeakLimit = 0.99

// Mixture is one rendered mixture.
type Mixture struct {
	Clean []float32 // the speech, times Gain
	Noise []float32 // the noise segment, times NoiseGain and Gain
	Noisy []float32 // Clean + Noise
	// SpeechLevel is the active level of the speech as read [dB re full scale].
	SpeechLevel float64
	// NoiseGain is the linear factor applied to the noise file's samples to
	// reach the SNR, before Gain.
	NoiseGain float64
	// Gain is the linear factor (at most 1) applied to all three signals so
	// that none peaks above PeakLimit; 1 when no scaling was needed.
	Gain float64
}

// Mix adds noise to speech at snrDB (active speech level over mean noise
// power, see the package doc). The noise is read from offset on and looped
// to the length of speech. The outputs are rounded to the 16-bit grid, the
// noisy signal as the sum of the rounded clean and noise, so that files
// written at 16 bits keep noisy = clean + noise exactly.
func Mix(speech, noise []float32, offset int, snrDB float64, sampleRate int) (*Mixture, error) {
	if len(speech) == 0 || len(noise) == 0 {
		return nil, fmt.Errorf("%w: %d speech and %d noise samples", ErrOptions, len(speech), len(noise))
	}
	if offset < 0 || offset >= len(noise) {
		return nil, fmt.Errorf("%w: noise offset %d outside 0..%d", ErrOptions, offset, len(noise)-1)
	}
	if math.IsNaN(snrDB) || math.IsInf(snrDB, 0) {
		return nil, fmt.Errorf("%w: SNR %v dB", ErrOptions, snrDB)
	}
	speechPower, _, err := ActiveLevel(speech, sampleRate)
	if err != nil {
		return nil, fmt.Errorf("speech: %w", err)
	}
	seg := make([]float32, len(speech))
	for i := range seg {
		seg[i] = noise[(offset+i)%len(noise)]
	}
	noisePower := meanPower(seg)
	if noisePower == 0 {
		return nil, fmt.Errorf("%w: noise segment at offset %d is digital silence", ErrSilent, offset)
	}
	noiseGain := math.Sqrt(speechPower / (noisePower * math.Pow(10, snrDB/10)))

	peak := 0.0
	for i, s := range speech {
		n := noiseGain * float64(seg[i])
		peak = max(peak, math.Abs(float64(s)), math.Abs(n), math.Abs(float64(s)+n))
	}
	gain := 1.0
	if peak > PeakLimit {
		gain = PeakLimit / peak
	}
	m := &Mixture{
		Clean:       make([]float32, len(speech)),
		Noise:       seg,
		Noisy:       make([]float32, len(speech)),
		SpeechLevel: 10 * math.Log10(speechPower),
		NoiseGain:   noiseGain,
		Gain:        gain,
	}
	for i, s := range speech {
		c := quantize16(gain * float64(s))
		n := quantize16(gain * noiseGain * float64(seg[i]))
		m.Clean[i], m.Noise[i], m.Noisy[i] = float32(c), float32(n), float32(c+n)
	}
	return m, nil
}

// quantize16 rounds x to the nearest multiple of 2^-15, the step of 16-bit PCM.
func quantize16(x float64) float64 {
	return math.Round(x*32768) / 32768
}
