package denoise

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testRates = []int{8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000}

func noiseSignal(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n)
	for i := range x {
		x[i] = 0.1 * float32(rng.NormFloat64())
	}
	return x
}

// processAll runs a whole signal through d in chunks of the given sizes
// (cycled) and returns its output, aligned and of the same length.
func processAll(t testing.TB, d *Denoiser, x []float32, chunks []int) []float32 {
	out := make([]float32, len(x)+d.Latency())
	pos, c := 0, 0
	for pos < len(x) {
		n := min(chunks[c%len(chunks)], len(x)-pos)
		d.Process(out[pos:pos+n], x[pos:pos+n])
		pos += n
		c++
	}
	d.Flush(out[len(x):])
	return out[d.Latency():]
}

func TestNewValidates(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want error
	}{
		{Config{SampleRate: 7999}, ErrSampleRate},
		{Config{SampleRate: 96000}, ErrSampleRate},
		{Config{SampleRate: -1}, ErrSampleRate},
		{Config{MaxAttenuation: -3}, ErrMaxAttenuation},
		{Config{MaxAttenuation: math.NaN()}, ErrMaxAttenuation},
		{Config{MaxAttenuation: 1000}, ErrMaxAttenuation},
		{Config{Mode: 3}, ErrMode},
		{Config{Mode: -1}, ErrMode},
	} {
		_, err := New(c.cfg)
		assert.ErrorIs(t, err, c.want, "%+v", c.cfg)
	}
	d, err := New(Config{})
	require.NoError(t, err)
	assert.Equal(t, DefaultSampleRate, d.SampleRate())
	assert.Equal(t, float64(DefaultMaxAttenuation), d.MaxAttenuation())
	assert.Equal(t, 480, d.FrameSize())
	assert.Equal(t, 960, d.Latency())

	for _, m := range []Mode{ModeLearned, ModeClassic} {
		got, err := ParseMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	_, err = ParseMode("neural")
	assert.ErrorIs(t, err, ErrMode)
}

func TestUnityGainReconstructsInputDelayed(t *testing.T) {
	for _, rate := range testRates {
		d, err := New(Config{SampleRate: rate})
		require.NoError(t, err)
		d.unityGain = true
		x := noiseSignal(rate/2, 1)
		out := make([]float32, len(x))
		d.Process(out, x)
		L := d.Latency()
		for i := L; i < len(x); i++ {
			require.InDelta(t, x[i-L], out[i], 1e-5, "rate %d sample %d", rate, i)
		}
		for i := range L {
			require.InDelta(t, 0, out[i], 1e-6, "rate %d: the first Latency() samples must be silent", rate)
		}
	}
}

func TestChunkingDoesNotChangeOutput(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100, 48000} {
		x := noiseSignal(rate, 2)
		// A tone burst in the middle so gains vary over time.
		for i := rate / 3; i < rate*2/3; i++ {
			x[i] += 0.5 * float32(math.Sin(2*math.Pi*440*float64(i)/float64(rate)))
		}
		ref, err := New(Config{SampleRate: rate})
		require.NoError(t, err)
		want := processAll(t, ref, x, []int{len(x)})
		for _, chunks := range [][]int{{1}, {7, 1, 960, 3}, {rate / 100}, {rate / 50}, {4096}, {333, 1, 0, 2}} {
			d, err := New(Config{SampleRate: rate})
			require.NoError(t, err)
			got := processAll(t, d, x, chunks)
			require.Equal(t, want, got, "rate %d chunks %v", rate, chunks)
		}
	}
}

func TestInPlaceProcessing(t *testing.T) {
	x := noiseSignal(16000, 3)
	a, _ := New(Config{SampleRate: 16000})
	b, _ := New(Config{SampleRate: 16000})
	want := make([]float32, len(x))
	a.Process(want, x)
	got := append([]float32(nil), x...)
	b.Process(got, got)
	assert.Equal(t, want, got)
}

func TestResetStartsANewStream(t *testing.T) {
	x := noiseSignal(16000, 4)
	d, _ := New(Config{SampleRate: 16000})
	first := processAll(t, d, x, []int{160})
	d.Process(make([]float32, 5000), noiseSignal(5000, 5))
	d.Reset()
	second := processAll(t, d, x, []int{160})
	assert.Equal(t, first, second)
}

func TestProcessInt16MatchesFloat(t *testing.T) {
	x := noiseSignal(16000, 6)
	in16 := make([]int16, len(x))
	for i, v := range x {
		in16[i] = floatToInt16(v)
	}
	xf := make([]float32, len(x))
	for i, v := range in16 {
		xf[i] = float32(v) / 32768
	}
	a, _ := New(Config{SampleRate: 16000})
	b, _ := New(Config{SampleRate: 16000})
	want := make([]float32, len(x))
	a.Process(want, xf)
	got := make([]int16, len(x))
	for pos := 0; pos < len(in16); pos += 320 {
		end := min(pos+320, len(in16))
		b.ProcessInt16(got[pos:end], in16[pos:end])
	}
	for i := range got {
		require.Equal(t, floatToInt16(want[i]), got[i], "sample %d", i)
	}
}

func TestInt16Saturates(t *testing.T) {
	assert.Equal(t, int16(32767), floatToInt16(1.5))
	assert.Equal(t, int16(-32768), floatToInt16(-1.5))
	assert.Equal(t, int16(16384), floatToInt16(0.5))
}

func TestBadSamplesDoNotPoisonTheStream(t *testing.T) {
	d, _ := New(Config{SampleRate: 16000})
	x := noiseSignal(16000, 8)
	for i := 4000; i < 4100; i++ {
		x[i] = float32(math.NaN())
	}
	x[5000] = float32(math.Inf(1))
	x[5001] = float32(math.Inf(-1))
	x[6000] = 1e30
	out := processAll(t, d, x, []int{160})
	for i, v := range out {
		require.False(t, math.IsNaN(float64(v)) || math.IsInf(float64(v), 0), "sample %d is %v", i, v)
	}
	// Two frames after the bad samples, the output is as for clean input.
	ref, _ := New(Config{SampleRate: 16000})
	clean := noiseSignal(16000, 8)
	want := processAll(t, ref, clean, []int{160})
	var diff float64
	for i := 12000; i < 16000; i++ {
		diff = math.Max(diff, math.Abs(float64(out[i]-want[i])))
	}
	assert.Less(t, diff, 0.05, "the stream should recover from bad samples")
}

func TestProcessDoesNotAllocate(t *testing.T) {
	for _, rate := range []int{8000, 16000, 48000} {
		d, _ := New(Config{SampleRate: rate})
		x := noiseSignal(rate/10, 9)
		out := make([]float32, len(x))
		x16 := make([]int16, 333)
		out16 := make([]int16, 333)
		flush := make([]float32, d.Latency())
		allocs := testing.AllocsPerRun(20, func() {
			d.Process(out, x)
			d.Process(out[:7], x[:7])
			d.ProcessInt16(out16, x16)
			_ = d.SpeechProbability()
			d.Flush(flush)
			d.Reset()
		})
		assert.Zero(t, allocs, "rate %d", rate)
	}
}

func TestProcessPanicsOnShortDst(t *testing.T) {
	d, _ := New(Config{})
	assert.Panics(t, func() { d.Process(make([]float32, 3), make([]float32, 4)) })
	assert.Panics(t, func() { d.Flush(make([]float32, 10)) })
}

func TestSilenceStaysSilentAndSpeechProbabilityLow(t *testing.T) {
	d, _ := New(Config{SampleRate: 16000})
	out := make([]float32, 16000)
	d.Process(out, make([]float32, 16000))
	for _, v := range out {
		require.Zero(t, v)
	}
	assert.Less(t, d.SpeechProbability(), float32(0.2))
}

func TestMemoryPerDenoiserAt48kHz(t *testing.T) {
	_, err := loadGainNet() // the shared, read-only network is not per-stream state
	require.NoError(t, err)
	for _, c := range []struct {
		mode  Mode
		limit uint64
	}{
		// Both modes within the streaming core's 64 KiB budget (the learned
		// stage's own budget, 256 KiB, is looser).
		{ModeClassic, 64 << 10},
		{ModeLearned, 64 << 10},
	} {
		held := manyNewBytes(48000, c.mode)
		t.Logf("a 48 kHz Denoiser in %v mode holds %d bytes", c.mode, held)
		assert.LessOrEqual(t, held, c.limit, "state per %v Denoiser", c.mode)
	}
}
