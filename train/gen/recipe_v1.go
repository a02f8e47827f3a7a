package main

import (
	"math"
	"math/rand/v2"

	"github.com/hushaudio/hush/dsp/resample"
)

// mixV1 builds one stream by the first recipe (-recipe 1), unchanged, so
// that its sets can be remade for comparison: the noisy stream and its
// clean reference at the returned rate, n samples at 16 kHz before any
// change of rate.
func mixV1(rng *rand.Rand, n int, speech []clip, noiseByKind map[string][]clip, kinds []string) (noisy, clean []float32, rate int, err error) {
	// Speech: utterances with pauses, each at its own level, 6% of streams
	// without speech so that noise alone is gated.
	clean = make([]float32, n)
	if rng.Float64() >= 0.06 {
		pos := int(rng.Float64() * 0.8 * coreRate)
		for pos < n {
			c := speech[rng.IntN(len(speech))].data
			g := float32(dbGain(rng.Float64()*12 - 6))
			for i, x := range c {
				if pos+i >= n {
					break
				}
				clean[pos+i] += g * x
			}
			pos += len(c) + int(rng.Float64()*1.2*coreRate)
		}
		tilt(clean, rng.Float64()*1.2-0.6)
		normalize(clean, dbGain(-38+rng.Float64()*20))
	}
	// Noise: 8% none at all (clean speech must pass untouched), else
	// recordings, coloured noise or babble, or a mixture of them.
	noise := make([]float32, n)
	r := rng.Float64()
	switch {
	case r < 0.08:
		// A studio-quiet floor, far below the speech.
		for i := range noise {
			noise[i] = float32(rng.NormFloat64() * dbGain(-100+rng.Float64()*20))
		}
	case r < 0.58:
		addRecorded(rng, noise, noiseByKind[kinds[rng.IntN(len(kinds))]], 1)
		if rng.Float64() < 0.25 {
			addRecorded(rng, noise, noiseByKind[kinds[rng.IntN(len(kinds))]], dbGain(-rng.Float64()*10))
		}
	case r < 0.73:
		addColoured(rng, noise)
	case r < 0.86:
		addBabble(rng, noise, speech)
	default:
		addRecorded(rng, noise, noiseByKind[kinds[rng.IntN(len(kinds))]], 1)
		addBabble(rng, noise, speech)
	}
	if rng.Float64() < 0.3 {
		modulate(rng, noise)
	}
	if power(noise) > 0 {
		ref := power(clean)
		if ref == 0 {
			ref = dbPower(-30 - rng.Float64()*20)
		} else {
			ref /= activeFraction(clean)
		}
		// Mostly the SNRs where denoising matters; some nearly clean
		// speech, which must come out untouched.
		snr := -5 + rng.Float64()*25
		if r >= 0.08 && rng.Float64() < 0.25 {
			snr = 20 + rng.Float64()*25
		}
		if r >= 0.08 {
			normalize(noise, math.Sqrt(ref/dbPower(snr)))
		}
	}
	// Rate: 16 kHz mostly, some 8 kHz (band-limited calls) and 48 kHz.
	rate = coreRate
	switch r := rng.Float64(); {
	case r < 0.15:
		rate = 8000
	case r < 0.35:
		rate = 48000
	}
	if rate != coreRate {
		if clean, err = resample.Resample(nil, clean, coreRate, rate); err != nil {
			return nil, nil, 0, err
		}
		if noise, err = resample.Resample(nil, noise, coreRate, rate); err != nil {
			return nil, nil, 0, err
		}
	}
	noisy = make([]float32, len(clean))
	peak := float32(0)
	for i := range noisy {
		noisy[i] = clean[i] + noise[i]
		peak = max(peak, abs32(noisy[i]))
	}
	if peak > 0.99 {
		s := 0.99 / peak
		for i := range noisy {
			noisy[i] *= s
			clean[i] *= s
		}
	}
	return noisy, clean, rate, nil
}
