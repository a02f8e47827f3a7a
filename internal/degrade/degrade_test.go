package degrade

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
)

func rms(x []float32) float64 { return math.Sqrt(testaudio.Power(x)) }

func TestFiltersHaveTheirDesignedResponse(t *testing.T) {
	const fs = 16000
	assert.InDelta(t, -3.01, Filter{HighPass(200, math.Sqrt2/2, fs)}.Gain(200, fs), 0.01, "Butterworth high-pass is 3 dB down at its corner")
	assert.InDelta(t, -3.01, Filter{LowPass(3400, math.Sqrt2/2, fs)}.Gain(3400, fs), 0.01)
	assert.InDelta(t, 6, Filter{Peaking(1000, 1.4, 6, fs)}.Gain(1000, fs), 1e-9, "peaking gain at its centre")
	assert.InDelta(t, 0, Filter{Peaking(1000, 1.4, 6, fs)}.Gain(6000, fs), 0.3, "and little far from it")
	assert.InDelta(t, -8, Filter{HighShelf(3000, -8, fs)}.Gain(7900, fs), 0.3, "high shelf")
	assert.InDelta(t, 0, Filter{HighShelf(3000, -8, fs)}.Gain(200, fs), 0.1)

	nb := BandPass(300, 3400, fs)
	assert.InDelta(t, -3.01, nb.Gain(300, fs), 0.05)
	assert.InDelta(t, -3.01, nb.Gain(3400, fs), 0.05)
	assert.InDelta(t, 0, nb.Gain(1000, fs), 0.1)
	assert.Less(t, nb.Gain(6000, fs), -30.0, "24 dB per octave above the band")
	assert.Less(t, nb.Gain(100, fs), -35.0, "and below it")
	assert.Len(t, BandPass(50, 9000, fs), 2, "a limit at or above Nyquist is left out")

	// Apply does what Gain says: a 1 kHz sine through a +6 dB bell comes
	// out twice as large once the filter has settled.
	x := testaudio.Sine(fs, fs, 1000, 0.1)
	Filter{Peaking(1000, 1.4, 6, fs)}.Apply(x)
	assert.InDelta(t, 6, 20*math.Log10(rms(x[fs/2:])/(0.1/math.Sqrt2)), 0.05)
}

func TestG711RoundTripKeepsSpeechLevelsAt38dB(t *testing.T) {
	// G.711's signal-to-quantisation-noise ratio is about 38 dB over a wide
	// range of levels: check it at -10 and -30 dBFS.
	for _, c := range []Codec{MuLaw, ALaw} {
		for _, amp := range []float64{0.3, 0.03} {
			x := testaudio.Sine(8000, 8000, 437, amp)
			y := append([]float32(nil), x...)
			c.RoundTrip(y)
			var sig, noise float64
			for i := range x {
				sig += float64(x[i]) * float64(x[i])
				d := float64(y[i] - x[i])
				noise += d * d
			}
			snr := 10 * math.Log10(sig/noise)
			assert.InDelta(t, 38, snr, 3.5, "%v at amplitude %v: SNR %.1f dB", c, amp, snr)
		}
	}
}

func TestAGCBringsLevelsToItsTarget(t *testing.T) {
	const fs = 16000
	a := AGC{Target: -20, MaxGain: 30, Attack: 0.01, Release: 0.3}
	// A quiet tone is raised to the target; a loud one lowered.
	for _, amp := range []float64{0.01, 0.7} {
		x := testaudio.Sine(3*fs, fs, 300, amp)
		g := a.Gains(x, fs)
		y := make([]float32, len(x))
		for i := range x {
			y[i] = x[i] * g[i]
		}
		level := 20 * math.Log10(rms(y[2*fs:]))
		assert.InDelta(t, -20, level, 1, "amplitude %v: settled at %.1f dBFS", amp, level)
	}
	// It never amplifies beyond MaxGain: silence gets exactly the most.
	g := a.Gains(make([]float32, 4*fs), fs)
	for _, v := range g {
		require.LessOrEqual(t, float64(v), math.Pow(10, 30.0/20)*1.0001)
	}
	assert.InDelta(t, 30, 20*math.Log10(float64(g[len(g)-1])), 0.1)
	// A loud onset is caught within a few attack times.
	x := append(make([]float32, fs), testaudio.Sine(fs, fs, 300, 0.9)...)
	g = a.Gains(x, fs)
	assert.Less(t, float64(g[fs+fs/10]), 0.5, "100 ms after a loud onset the gain is down")
}

func TestClippersLimitThePeak(t *testing.T) {
	x := testaudio.Sine(1000, 8000, 50, 1.5)
	h := append([]float32(nil), x...)
	HardClip(h, 0.5)
	s := append([]float32(nil), x...)
	SoftClip(s, 0.5)
	for i := range x {
		require.LessOrEqual(t, math.Abs(float64(h[i])), 0.5)
		require.Less(t, math.Abs(float64(s[i])), 0.5)
		if math.Abs(float64(x[i])) < 0.05 {
			require.InDelta(t, x[i], s[i], 0.001, "soft clipping is nearly linear at low levels")
		}
	}
}
