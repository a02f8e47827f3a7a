package denoise

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/dsp/resample"
	"github.com/hushaudio/hush/internal/testaudio"
)

// robustFullScale returns full-scale test signals of n samples at rate:
// square waves, clipped noise, and speech (the clean example in testdata)
// driven 12 dB into clipping over steady noise.
func robustFullScale(t testing.TB, rate, n int) map[string][]float32 {
	sig := map[string][]float32{}
	for _, f := range []float64{50, 440, 1000, 3000} {
		x := make([]float32, n)
		period := float64(rate) / f
		for i := range x {
			x[i] = 1
			if math.Mod(float64(i), period) >= period/2 {
				x[i] = -1
			}
		}
		sig[fmt.Sprintf("square %g Hz", f)] = x
	}
	rng := rand.New(rand.NewPCG(uint64(rate), 9))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(max(-1, min(1, 2*rng.NormFloat64())))
	}
	sig["clipped noise"] = x

	speech, srate := testaudio.ReadMono(t, testaudio.Testdata(t, "clean_example.wav"))
	if srate != rate {
		var err error
		speech, err = resample.Resample(nil, speech, srate, rate)
		require.NoError(t, err)
	}
	peak := robustPeak(speech)
	x = make([]float32, n)
	for i := range x {
		v := 4*speech[i%len(speech)]/float32(peak) + 0.05*float32(rng.NormFloat64())
		x[i] = max(-1, min(1, v))
	}
	sig["speech clipped"] = x
	return sig
}

// robustMaxOver bounds |Process output| for input within ±1. Gains never
// exceed one, but turning the noise down in a hard-clipped waveform
// restores some of the peaks the clipping flattened (peaks of 1.27 for
// clipped noise and 1.15 for clipped speech were measured before the
// output was limited), so the Denoiser clips its output at full scale.
const robustMaxOver = 1.0

func TestFullScaleInput(t *testing.T) {
	for _, rate := range robustRates {
		seconds := 3
		if testing.Short() {
			seconds = 1
		}
		for name, x := range robustFullScale(t, rate, seconds*rate) {
			d, err := New(Config{SampleRate: rate})
			require.NoError(t, err)
			y := processAll(t, d, x, []int{rate / 100})
			robustRequireFinite(t, y, name)
			peak, over := 0.0, 0
			for _, v := range y {
				peak = max(peak, math.Abs(float64(v)))
				if math.Abs(float64(v)) > 1 {
					over++
				}
			}
			t.Logf("%5d Hz %-16s peak %.3f, %d of %d samples beyond full scale", rate, name, peak, over, len(y))
			assert.LessOrEqual(t, peak, robustMaxOver, "%d Hz %s", rate, name)

			// The PCM16 path saturates: it equals the float path rounded
			// and clamped, so a peak over full scale can never wrap round.
			x16 := make([]int16, len(x))
			for i, v := range x {
				x16[i] = floatToInt16(v)
			}
			xf := make([]float32, len(x))
			for i, v := range x16 {
				xf[i] = float32(v) / 32768
			}
			a, _ := New(Config{SampleRate: rate})
			b, _ := New(Config{SampleRate: rate})
			want := make([]float32, len(x))
			a.Process(want, xf)
			got := make([]int16, len(x))
			b.ProcessInt16(got, x16)
			for i := range got {
				if got[i] != floatToInt16(want[i]) {
					t.Fatalf("%d Hz %s sample %d: PCM16 %d, float %g", rate, name, i, got[i], want[i])
				}
			}
		}
	}
}
