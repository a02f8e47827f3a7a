package denoise

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/dsp"
)

// robustState is what robustScanState found in a Denoiser's state.
type robustState struct {
	values    int      // float values inspected
	nonFinite []string // paths of NaN or infinite values
	subnormal []string // paths of nonzero values below the smallest normal float
}

// robustScratch names the fields that hold the current frame only (input,
// spectra, FFT work space): they are rewritten from the input every frame,
// so they can hold tiny values only while the input itself is tiny.
// Everything else is state carried from frame to frame.
var robustScratch = map[string]bool{
	"input": true, "Spectrum": true, "Power": true, "GroupPower": true, "gains": true, "groupGains": true,
	"planar": true, "conv": true, "Values": true, "BandPower": true, "bandNoise": true, "bandPresence": true,
	"classicG": true, "work": true, "buf": true, "scratch": true, "generic": true,
}

// robustScanState walks every float in the Denoiser, its STFT, FFT plan,
// noise tracker and gain rule included, through reflection (which may read
// unexported fields of other packages), so that no buffer is missed and
// none needs an accessor in the API. With carriedOnly it skips the
// per-frame scratch buffers of robustScratch.
func robustScanState(d *Denoiser, carriedOnly bool) robustState {
	var s robustState
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value, path string)
	note := func(f float64, small float64, path string) {
		s.values++
		switch {
		case math.IsNaN(f) || math.IsInf(f, 0):
			if len(s.nonFinite) < 8 {
				s.nonFinite = append(s.nonFinite, fmt.Sprintf("%s = %g", path, f))
			}
		case f != 0 && math.Abs(f) < small:
			if len(s.subnormal) < 8 {
				s.subnormal = append(s.subnormal, fmt.Sprintf("%s = %g", path, f))
			}
		}
	}
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Float32:
			note(v.Float(), 0x1p-126, path)
		case reflect.Float64:
			note(v.Float(), 0x1p-1022, path)
		case reflect.Complex64:
			c := v.Complex()
			note(real(c), 0x1p-126, path+".re")
			note(imag(c), 0x1p-126, path+".im")
		case reflect.Complex128:
			c := v.Complex()
			note(real(c), 0x1p-1022, path+".re")
			note(imag(c), 0x1p-1022, path+".im")
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem(), path)
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			for i := range v.NumField() {
				name := v.Type().Field(i).Name
				if carriedOnly && robustScratch[name] {
					continue
				}
				walk(v.Field(i), path+"."+name)
			}
		case reflect.Slice, reflect.Array:
			if v.Kind() == reflect.Slice && v.Len() > 0 {
				// A slice may be a second view of another's array (a
				// frame's Noise is the estimator's estimate): scan once.
				if seen[v.Pointer()] {
					return
				}
				seen[v.Pointer()] = true
			}
			for i := range v.Len() {
				walk(v.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(reflect.ValueOf(d), "Denoiser")
	return s
}

func TestScanStateSeesEveryBuffer(t *testing.T) {
	// The scan must reach into the dsp types, or the checks built on it
	// could not fail.
	var spp *dsp.SPPNoiseEstimator
	d, err := newWith(Config{SampleRate: 16000}, func(cfg Config, g *dsp.Grid) (dsp.NoiseEstimator, dsp.GainRule, error) {
		noise, gain, err := defaultStages(cfg, g)
		spp = noise.(*dsp.SPPNoiseEstimator)
		return noise, gain, err
	})
	require.NoError(t, err)
	d.Process(make([]float32, 1600), noiseSignal(1600, 1))
	s := robustScanState(d, false)
	assert.Greater(t, s.values, 10*d.Latency(), "buffers of the STFT, FFT, noise tracker and gain rule")
	assert.Empty(t, s.nonFinite)
	carried := robustScanState(d, true)
	assert.Less(t, carried.values, s.values)
	assert.Greater(t, carried.values, 5*d.FrameSize(), "overlap, output, noise tracker and gain rule")

	spp.Noise()[3] = float32(math.Inf(1))
	spp.Noise()[4] = 1e-40
	s = robustScanState(d, false)
	assert.Equal(t, []string{"Denoiser.chans[0].noise.estimate[3] = +Inf"}, s.nonFinite)
	require.Len(t, s.subnormal, 1)
	assert.Contains(t, s.subnormal[0], "Denoiser.chans[0].noise.estimate[4]")
}

// robustRates are the rates the robustness tests cover: the narrowband,
// wideband and fullband ends.
var robustRates = []int{8000, 16000, 48000}

// robustHostile lists streams of bad samples, each made for n samples.
var robustHostile = []struct {
	name string
	make func(n int, rng *rand.Rand) []float32
}{
	{"all NaN", func(n int, _ *rand.Rand) []float32 { return robustFill(n, float32(math.NaN())) }},
	{"all +Inf", func(n int, _ *rand.Rand) []float32 { return robustFill(n, float32(math.Inf(1))) }},
	{"alternating ±Inf", func(n int, _ *rand.Rand) []float32 {
		x := robustFill(n, float32(math.Inf(1)))
		for i := 1; i < n; i += 2 {
			x[i] = float32(math.Inf(-1))
		}
		return x
	}},
	{"±MaxFloat32", func(n int, rng *rand.Rand) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = math.MaxFloat32 * float32(2*rng.IntN(2)-1)
		}
		return x
	}},
	{"random bit patterns", func(n int, rng *rand.Rand) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = math.Float32frombits(rng.Uint32())
		}
		return x
	}},
	{"subnormals", func(n int, rng *rand.Rand) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = math.Float32frombits(rng.Uint32() & 0x807fffff)
		}
		return x
	}},
	{"NaN every 7th in noise", func(n int, rng *rand.Rand) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = 0.1 * float32(rng.NormFloat64())
			if i%7 == 0 {
				x[i] = float32(math.NaN())
			}
		}
		return x
	}},
}

func robustFill(n int, v float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = v
	}
	return x
}

func robustPeak(x []float32) float64 {
	var p float64
	for _, v := range x {
		p = math.Max(p, math.Abs(float64(v)))
	}
	return p
}

func robustRequireFinite(t *testing.T, x []float32, what string) {
	t.Helper()
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("%s: sample %d is %v", what, i, v)
		}
	}
}

func TestHostileSamplesNeverPoisonState(t *testing.T) {
	// Two seconds of each kind of garbage, then clean noise: the output is
	// finite throughout, no state value is ever NaN or infinite, and once
	// the garbage has passed the output is no louder than the input.
	for _, rate := range robustRates {
		for _, h := range robustHostile {
			t.Run(fmt.Sprintf("%d/%s", rate, h.name), func(t *testing.T) {
				d, err := New(Config{SampleRate: rate})
				require.NoError(t, err)
				rng := rand.New(rand.NewPCG(uint64(rate), 3))
				lead := noiseSignal(rate/2, 1)
				seconds := 2
				if testing.Short() {
					seconds = 1
				}
				bad := h.make(seconds*rate, rng)
				tail := noiseSignal((seconds+1)*rate, 2)
				out := make([]float32, max(len(lead), len(bad), len(tail)))

				d.Process(out[:len(lead)], lead)
				robustRequireFinite(t, out[:len(lead)], "before")
				d.Process(out[:len(bad)], bad)
				robustRequireFinite(t, out[:len(bad)], "during")
				assert.LessOrEqual(t, robustPeak(out[:len(bad)]), 2*64.0, "bad input is clamped to ±64")
				s := robustScanState(d, false)
				require.Empty(t, s.nonFinite, "state after the bad samples")

				d.Process(out[:len(tail)], tail)
				robustRequireFinite(t, out[:len(tail)], "after")
				require.Empty(t, robustScanState(d, false).nonFinite, "state after recovery")
				// The first Latency() output samples still belong to the
				// bad stretch; then the output is at most as loud as the
				// noise coming in.
				assert.LessOrEqual(t, robustPeak(out[2*d.Latency():len(tail)]), robustPeak(tail),
					"once the garbage is out, the output is no louder than the input")
			})
		}
	}
}

func TestBadSampleBurstRecoversWithinFrames(t *testing.T) {
	// A short burst of garbage in steady noise disturbs only the frames
	// around it. NaN is read as digital silence, so a NaN burst gives
	// exactly the output of a silent gap. An infinite or huge sample is
	// clamped to ±64, a loud click: the frames holding it pass it on (it is
	// in the input), the gain rule's memory of it fades over some 0.2 s,
	// and from 0.3 s on the output matches the stream without the click to
	// within -20 dB. The learned stage's recurrent state remembers such a
	// click longer: it is held to the same from 2 s on.
	for _, c := range []struct {
		mode   Mode
		settle float64 // [s]
	}{{ModeClassic, 0.3}, {ModeLearned, 2}} {
		checkBurstRecovery(t, c.mode, c.settle)
	}
}

func checkBurstRecovery(t *testing.T, mode Mode, settle float64) {
	for _, rate := range robustRates {
		for _, burst := range []struct {
			name string
			v    float32
			n    int
		}{
			{"NaN ×100", float32(math.NaN()), 100},
			{"+Inf ×1", float32(math.Inf(1)), 1},
			{"-Inf ×10", float32(math.Inf(-1)), 10},
			{"1e30 ×1", 1e30, 1},
		} {
			x := noiseSignal(4*rate, 5)
			ref := append([]float32(nil), x...)
			at := rate + 17
			for i := at; i < at+burst.n; i++ {
				x[i] = burst.v
				ref[i] = 0
			}
			d, _ := New(Config{SampleRate: rate, Mode: mode})
			r, _ := New(Config{SampleRate: rate, Mode: mode})
			got := processAll(t, d, x, []int{rate / 100})
			want := processAll(t, r, ref, []int{rate / 100})
			robustRequireFinite(t, got, burst.name)
			if burst.v != burst.v {
				require.Equal(t, want, got, "%d Hz: NaN is silence", rate)
				continue
			}
			assert.LessOrEqual(t, robustPeak(got), 64.0, "%d Hz, %s: clamped", rate, burst.name)
			from := at + int(settle*float64(rate))
			var e, w float64
			for i := from; i < len(x); i++ {
				e += float64(got[i]-want[i]) * float64(got[i]-want[i])
				w += float64(want[i]) * float64(want[i])
			}
			db := 10 * math.Log10(e/w)
			assert.Less(t, db, -20.0, "%v, %d Hz, %s: error %g s after the burst", mode, rate, burst.name, settle)
		}
	}
}

func TestNoSubnormalStateAfterLongQuiet(t *testing.T) {
	// Subnormal floats cost x86 cores a hundred cycles or more per
	// operation; state that decays towards zero in silence would make a
	// quiet stream many times dearer than a noisy one. After speech-level
	// noise and a long stretch of digital silence or near-silence, no
	// carried state value may be subnormal. Anything that decays by a fixed
	// factor per frame goes subnormal within 6 s of silence and can then
	// stick at the smallest subnormal for good, so 30 s is plenty.
	// (BenchmarkQuietInput measures the cost itself.)
	seconds := 30
	if testing.Short() {
		seconds = 10
	}
	for _, rate := range []int{16000, 48000} {
		for _, quiet := range []struct {
			name  string
			level float64
		}{
			{"digital silence", 0},
			{"noise at 1e-30", 1e-30},
			{"noise at 1e-20", 1e-20},
		} {
			t.Run(fmt.Sprintf("%d/%s", rate, quiet.name), func(t *testing.T) {
				d, err := New(Config{SampleRate: rate})
				require.NoError(t, err)
				buf := make([]float32, rate)
				d.Process(buf, noiseSignal(rate, 1))
				rng := rand.New(rand.NewPCG(1, 2))
				quietSec := noiseSignal(rate, 0)
				for i := range quietSec {
					quietSec[i] = float32(quiet.level * rng.NormFloat64())
				}
				for range seconds {
					d.Process(buf, quietSec)
				}
				s := robustScanState(d, true)
				assert.Empty(t, s.nonFinite)
				assert.Empty(t, s.subnormal, "after %d s of %s", seconds, quiet.name)
			})
		}
	}
}
