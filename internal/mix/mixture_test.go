package mix

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// speechLike returns bursts of harmonic tones with pauses between them,
// so that the active level differs clearly from the mean power.
func speechLike(n, rate int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n)
	for start := rate / 10; start < n; {
		burst := rate/5 + rng.IntN(rate/3)
		f0 := 100 + 150*rng.Float64()
		amp := 0.05 + 0.25*rng.Float64()
		for i := start; i < min(start+burst, n); i++ {
			t := float64(i-start) / float64(rate)
			env := math.Sin(math.Pi * float64(i-start) / float64(burst))
			var v float64
			for h := 1.0; h <= 8; h++ {
				v += math.Sin(2*math.Pi*f0*h*t) / h
			}
			x[i] = float32(amp * env * v / 2)
		}
		start += burst + rate/10 + rng.IntN(rate/4)
	}
	return x
}

func whiteNoise(n int, amp float64, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(amp * (2*rng.Float64() - 1))
	}
	return x
}

func TestMixReachesTargetSNR(t *testing.T) {
	const rate = 16000
	speech := speechLike(4*rate, rate, 3)
	noise := whiteNoise(rate, 0.2, 4) // shorter than the speech: looped
	for _, snr := range []float64{-5, 0, 5, 10, 15, 30} {
		m, err := Mix(speech, noise, 1234, snr, rate)
		require.NoError(t, err)
		ps, _, err := ActiveLevel(m.Clean, rate)
		require.NoError(t, err)
		assert.InDelta(t, snr, db(ps)-db(meanPower(m.Noise)), 0.1, "SNR %v dB", snr)
		require.Len(t, m.Noisy, len(speech))
		mismatch, peak := 0, 0.0
		for i := range m.Noisy {
			if m.Clean[i]+m.Noise[i] != m.Noisy[i] {
				mismatch++
			}
			peak = max(peak, math.Abs(float64(m.Noisy[i])))
		}
		assert.Zero(t, mismatch, "samples where noisy != clean + noise")
		assert.LessOrEqual(t, peak, PeakLimit+1.0/16384)
	}
}

func TestMixScalesLoudMixturesDown(t *testing.T) {
	const rate = 16000
	speech := speechLike(2*rate, rate, 5)
	noise := whiteNoise(3*rate, 0.01, 6)
	m, err := Mix(speech, noise, 0, -30, rate) // noise far louder than speech
	require.NoError(t, err)
	assert.Less(t, m.Gain, 1.0)
	peak := 0.0
	for i := range m.Noisy {
		peak = max(peak, math.Abs(float64(m.Noisy[i])), math.Abs(float64(m.Noise[i])))
	}
	assert.InDelta(t, PeakLimit, peak, 2.0/32768)

	quiet, err := Mix(speech, noise, 0, 20, rate)
	require.NoError(t, err)
	assert.Equal(t, 1.0, quiet.Gain)
}

func TestMixNoiseSegmentStartsAtOffset(t *testing.T) {
	const rate = 16000
	speech := speechLike(rate, rate, 8)
	noise := whiteNoise(rate/2, 0.1, 9)
	m, err := Mix(speech, noise, 100, 0, rate)
	require.NoError(t, err)
	require.Equal(t, 1.0, m.Gain)
	// The written noise is the file from the offset on, wrapping around.
	for _, i := range []int{0, 50, rate/2 - 100, rate/2 - 99, rate - 1} {
		want := quantize16(m.NoiseGain * float64(noise[(100+i)%len(noise)]))
		assert.InDelta(t, want, float64(m.Noise[i]), 1e-9, "sample %d", i)
	}
}

func TestMixRejectsBadInput(t *testing.T) {
	speech := speechLike(16000, 16000, 1)
	noise := whiteNoise(16000, 0.1, 1)
	_, err := Mix(speech, noise, len(noise), 0, 16000)
	assert.ErrorIs(t, err, ErrOptions)
	_, err = Mix(speech, noise, 0, math.NaN(), 16000)
	assert.ErrorIs(t, err, ErrOptions)
	_, err = Mix(speech, make([]float32, 100), 0, 0, 16000)
	assert.ErrorIs(t, err, ErrSilent)
	_, err = Mix(make([]float32, 100), noise, 0, 0, 16000)
	assert.ErrorIs(t, err, ErrSilent)
}
