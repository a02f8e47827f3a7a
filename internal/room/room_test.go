package room

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testRoom(rt60 float64) Room {
	return Room{
		Size:   [3]float64{6, 4.5, 2.8},
		RT60:   rt60,
		Source: [3]float64{1.7, 2.1, 1.5},
		Mic:    [3]float64{3.9, 2.6, 1.2},
	}
}

// measuredRT60 estimates the reverberation time from the Schroeder
// backward-integrated energy decay, fitted from -5 to -25 dB (T20) and
// extrapolated to 60 dB.
func measuredRT60(h []float32, rate int) float64 {
	edc := make([]float64, len(h))
	var sum float64
	for i := len(h) - 1; i >= 0; i-- {
		sum += float64(h[i]) * float64(h[i])
		edc[i] = sum
	}
	var sx, sy, sxx, sxy, n float64
	for i, e := range edc {
		db := 10 * math.Log10(e/edc[0])
		if db > -5 || db < -25 {
			continue
		}
		t := float64(i) / float64(rate)
		sx += t
		sy += db
		sxx += t * t
		sxy += t * db
		n++
	}
	slope := (n*sxy - sx*sy) / (n*sxx - sx*sx)
	return -60 / slope
}

func TestImpulseDecaysAtTheRequestedRT60(t *testing.T) {
	rooms := []Room{
		testRoom(0.2),
		testRoom(0.5),
		testRoom(1.0),
		{Size: [3]float64{3, 2.5, 2.4}, RT60: 0.3, Source: [3]float64{0.8, 1.2, 1.6}, Mic: [3]float64{1.2, 1.4, 1.1}},
		{Size: [3]float64{12, 9, 4}, RT60: 0.8, Source: [3]float64{2, 3, 1.7}, Mic: [3]float64{8, 5, 1.2}},
	}
	for _, r := range rooms {
		for _, rate := range []int{16000, 48000} {
			im, err := r.Impulse(rate, 7)
			require.NoError(t, err)
			got := measuredRT60(im.Samples, rate)
			assert.InEpsilon(t, r.RT60, got, 0.1, "room %v, RT60 %v s at %d Hz: measured %.3f s", r.Size, r.RT60, rate, got)
			t.Logf("room %v, RT60 %v s at %d Hz: measured %.3f s", r.Size, r.RT60, rate, got)
		}
	}
}

func TestImpulseHighBandDecaysFasterWithHFRatio(t *testing.T) {
	r := testRoom(0.8)
	r.HFRatio = 0.5
	im, err := r.Impulse(48000, 3)
	require.NoError(t, err)
	// The high band: second differences weigh 18 kHz 34 dB more than 2
	// kHz, so the measured decay follows the high band's.
	hi := make([]float32, len(im.Samples))
	for i := 2; i < len(hi); i++ {
		hi[i] = im.Samples[i] - 2*im.Samples[i-1] + im.Samples[i-2]
	}
	got := measuredRT60(hi, 48000)
	assert.InEpsilon(t, 0.4, got, 0.2, "high band RT60 %.3f s, want about half of 0.8 s", got)
	// The low band: a 24-sample moving average, applied twice, has nulls
	// at 2, 4, 6 kHz…, sidelobes 26 dB down or more, and passes what lies
	// below 1 kHz.
	lo := movingAverage(movingAverage(im.Samples, 24), 24)
	got = measuredRT60(lo, 48000)
	assert.InEpsilon(t, 0.8, got, 0.15, "low band RT60 %.3f s, want 0.8 s", got)
}

func movingAverage(x []float32, n int) []float32 {
	y := make([]float32, len(x))
	var acc float64
	for i, v := range x {
		acc += float64(v)
		if i >= n {
			acc -= float64(x[i-n])
		}
		y[i] = float32(acc / float64(n))
	}
	return y
}

func TestDirectSoundArrivesAtTheGeometricDelay(t *testing.T) {
	// 50 samples at 16 kHz: the direct sound lands on a sample, so the
	// windowed sinc puts all of it there.
	d := SpeedOfSound * 50 / 16000
	r := Room{Size: [3]float64{7, 6, 3}, RT60: 0.4, Source: [3]float64{3, 3, 1.5}, Mic: [3]float64{3 + d, 3, 1.5}}
	im, err := r.Impulse(16000, 1)
	require.NoError(t, err)
	assert.InDelta(t, 50, im.Direct, 1e-9)
	for i := range 50 {
		require.InDelta(t, 0, im.Samples[i], 1e-12, "nothing arrives before the direct sound (sample %d)", i)
	}
	assert.InEpsilon(t, 1/(4*math.Pi*d), im.Samples[50], 1e-6, "direct sound falls as 1/(4π·distance)")
	peak := 0
	for i, v := range im.Samples {
		if math.Abs(float64(v)) > math.Abs(float64(im.Samples[peak])) {
			peak = i
		}
	}
	assert.Equal(t, 50, peak, "the direct sound is the loudest arrival")

	// Between samples: the peak of the band-limited signal the taps
	// describe (sinc interpolation on a 0.01-sample grid) sits at the
	// arrival time.
	r.Mic[0] = 3 + SpeedOfSound*80.3/16000
	im, err = r.Impulse(16000, 1)
	require.NoError(t, err)
	assert.InDelta(t, 80.3, im.Direct, 1e-9)
	at, best := 0.0, math.Inf(-1)
	for g := 7900; g <= 8200; g++ {
		x := float64(g) / 100
		var y float64
		for i := 70; i < 91; i++ {
			y += float64(im.Samples[i]) * sinc(x-float64(i))
		}
		if y > best {
			at, best = x, y
		}
	}
	assert.InDelta(t, 80.3, at, 0.05, "interpolated arrival")
	assert.InEpsilon(t, 1/(4*math.Pi*r.Distance()), best, 0.05, "interpolated amplitude")
}

func TestImpulseIsDeterministicForASeed(t *testing.T) {
	r := testRoom(0.6)
	a, err := r.Impulse(16000, 42)
	require.NoError(t, err)
	b, err := r.Impulse(16000, 42)
	require.NoError(t, err)
	assert.Equal(t, a.Samples, b.Samples)
	c, err := r.Impulse(16000, 43)
	require.NoError(t, err)
	assert.NotEqual(t, a.Samples, c.Samples, "another seed draws another tail")
	early := int(a.Direct) + int(0.05*16000)
	assert.Equal(t, a.Samples[:early], c.Samples[:early], "the image part does not depend on the seed")
}

func TestTailContinuesTheImagesEnergy(t *testing.T) {
	// The noise tail's density is computed, not fitted: check that it meets
	// the image sources' energy where one hands over to the other.
	for _, r := range []Room{testRoom(0.3), testRoom(0.9)} {
		im, err := r.Impulse(16000, 5)
		require.NoError(t, err)
		energy := func(from, to float64) float64 {
			var e float64
			for i := int(from * 16000); i < int(to*16000); i++ {
				e += float64(im.Samples[i]) * float64(im.Samples[i])
			}
			// Correct for the decay over the window's centre.
			return e * math.Exp(decay60*(from+to)/2/r.RT60)
		}
		t0 := im.Direct / 16000
		before := energy(t0+0.04, t0+earlyHorizon-crossfade)
		after := energy(t0+earlyHorizon, t0+earlyHorizon+0.06)
		ratio := 10 * math.Log10(after/before*(earlyHorizon-crossfade-0.04)/0.06)
		assert.InDelta(t, 0, ratio, 3, "RT60 %v: tail %.1f dB from the images' decay-corrected density", r.RT60, ratio)
	}
}

func TestEarlyKeepsTheStartAndCutsAfterTheWindow(t *testing.T) {
	im, err := testRoom(0.7).Impulse(16000, 1)
	require.NoError(t, err)
	e := im.Early(0.05, 0.005)
	cut := int(im.Direct + 0.05*16000)
	require.Less(t, len(e), len(im.Samples))
	assert.Equal(t, im.Samples[:cut], e[:cut])
	assert.Len(t, e, int(math.Ceil(im.Direct+0.055*16000))+1)
	assert.Zero(t, e[len(e)-1], "faded out at the end")
}

func TestValidateRejectsImpossibleRooms(t *testing.T) {
	bad := []Room{
		{Size: [3]float64{3, 3, 3}, RT60: 0.5, Source: [3]float64{4, 1, 1}, Mic: [3]float64{1, 1, 1}},
		{Size: [3]float64{3, 3, 3}, RT60: 0, Source: [3]float64{2, 1, 1}, Mic: [3]float64{1, 1, 1}},
		{Size: [3]float64{3, 0, 3}, RT60: 0.5, Source: [3]float64{2, 1, 1}, Mic: [3]float64{1, 1, 1}},
		{Size: [3]float64{3, 3, 3}, RT60: 0.5, Source: [3]float64{1, 1, 1}, Mic: [3]float64{1, 1, 1}},
		{Size: [3]float64{3, 3, 3}, RT60: 0.5, Source: [3]float64{2, 1, 1}, Mic: [3]float64{1, 1, 1}, HFRatio: 1.5},
	}
	for _, r := range bad {
		_, err := r.Impulse(16000, 1)
		assert.ErrorIs(t, err, ErrRoom, "%+v", r)
	}
	_, err := testRoom(0.5).Impulse(4000, 1)
	assert.ErrorIs(t, err, ErrRate)
}

func TestConvolveMatchesDirectConvolution(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, 1000)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	h1 := []float32{1, 0.5, -0.25, 0.125}
	h2 := make([]float32, 300)
	for i := range h2 {
		h2[i] = float32(rng.NormFloat64() * math.Exp(-float64(i)/50))
	}
	got := Convolve(x, h1, h2)
	require.Len(t, got, 2)
	for k, h := range [][]float32{h1, h2} {
		require.Len(t, got[k], len(x))
		for n := range x {
			var want float64
			for j, v := range h {
				if n-j >= 0 {
					want += float64(v) * float64(x[n-j])
				}
			}
			require.InDelta(t, want, got[k][n], 1e-4, "response %d, sample %d", k, n)
		}
	}
	assert.Nil(t, Convolve(x))
	assert.Equal(t, make([]float32, 3), Convolve([]float32{1, 2, 3}, nil)[0])
}
