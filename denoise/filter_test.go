package denoise

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filterRates are the rates every Filter test runs at: the native ones and
// the resampled ones, including one with an awkward ratio (50 kHz).
var filterRates = []int{8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000, 50000, 64000, 88200, 96000, 176400, 192000}

// filterAll runs a whole signal through f in chunks of the given sizes
// (cycled) and returns its output, latency-compensated and of the same
// length as x.
func filterAll(t testing.TB, f *Filter, x []float32, chunks []int) []float32 {
	t.Helper()
	out := make([]float32, len(x)+f.Latency())
	pos, c := 0, 0
	for pos < len(x) {
		n := min(chunks[c%len(chunks)], len(x)-pos)
		f.Process(out[pos:pos+n], x[pos:pos+n])
		pos += n
		c++
	}
	require.Equal(t, f.Latency(), f.Flush(out[len(x):]))
	return out[f.Latency():]
}

// speechBand returns a band-limited, speech-like test signal: a few
// harmonics of a gliding pitch up to 7 kHz, switched on and off like
// syllables, starting at a phase set by seed.
func speechBand(n, rate int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := make([]float32, n)
	phase := 2 * math.Pi * rng.Float64()
	for i := range x {
		t := float64(i) / float64(rate)
		f0 := 140 + 40*math.Sin(2*math.Pi*0.7*t)
		phase += 2 * math.Pi * f0 / float64(rate)
		env := 0.5 + 0.5*math.Sin(2*math.Pi*3*t)
		var v float64
		for h := 1; float64(h)*f0 < 7000; h++ {
			v += math.Sin(float64(h)*phase) / float64(h)
		}
		x[i] = float32(0.2 * env * v)
	}
	return x
}

// xcorrPeak returns the lag in [-maxLag, maxLag] at which y best matches
// x: y[i] ~ x[i-lag].
func xcorrPeak(x, y []float32, maxLag int) int {
	best, bestLag := math.Inf(-1), 0
	for lag := -maxLag; lag <= maxLag; lag++ {
		var s float64
		for i := max(0, lag); i < len(y) && i-lag < len(x); i++ {
			s += float64(y[i]) * float64(x[i-lag])
		}
		if s > best {
			best, bestLag = s, lag
		}
	}
	return bestLag
}

// errorDB returns the power of y−x relative to that of x [dB].
func errorDB(x, y []float32) float64 {
	var e, p float64
	for i := range x {
		d := float64(y[i]) - float64(x[i])
		e += d * d
		p += float64(x[i]) * float64(x[i])
	}
	return 10 * math.Log10(e/p)
}

func TestNewFilterValidates(t *testing.T) {
	for _, rate := range []int{-1, 7999, 192001, 384000} {
		_, err := NewFilter(Config{SampleRate: rate})
		assert.ErrorIs(t, err, ErrSampleRate, "%d Hz", rate)
	}
	_, err := NewFilter(Config{SampleRate: 96000, MaxAttenuation: -1})
	assert.ErrorIs(t, err, ErrMaxAttenuation)
	f, err := NewFilter(Config{})
	require.NoError(t, err)
	assert.Equal(t, DefaultSampleRate, f.SampleRate())
}

func TestFilterProcessingRate(t *testing.T) {
	for rate, want := range map[int]int{
		8000: 8000, 44100: 44100, 48000: 48000, 50000: 48000, 64000: 48000, 100001: 45455,
		88200: 44100, 96000: 48000, 176400: 44100, 192000: 48000, 95904: 47952,
	} {
		f, err := NewFilter(Config{SampleRate: rate})
		require.NoError(t, err)
		assert.Equal(t, want, f.ProcessingRate(), "%d Hz", rate)
	}
}

// Up to 48 kHz a Filter is the Denoiser, sample for sample.
func TestFilterNativeEqualsDenoiser(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100, 48000} {
		x := noiseSignal(rate, 4)
		f, err := NewFilter(Config{SampleRate: rate})
		require.NoError(t, err)
		d, err := New(Config{SampleRate: rate})
		require.NoError(t, err)
		assert.Equal(t, d.Latency(), f.Latency())
		assert.Equal(t, processAll(t, d, x, []int{333}), filterAll(t, f, x, []int{77, 1000}), "%d Hz", rate)
	}
}

func TestFilterChunkingDoesNotMatter(t *testing.T) {
	for _, rate := range []int{50000, 88200, 96000, 192000} {
		x := noiseSignal(rate/2, 5)
		f, err := NewFilter(Config{SampleRate: rate})
		require.NoError(t, err)
		whole := filterAll(t, f, x, []int{len(x)})
		f.Reset()
		assert.Equal(t, whole, filterAll(t, f, x, []int{1, 7, 480, 3001, 2}), "%d Hz", rate)
	}
}

// With the Denoiser's gains held at 1, the Filter must give back its input
// delayed by exactly Latency(), at every rate: the delay compensation is
// exact, so files cleaned through it stay aligned.
func TestFilterUnityGainIsExactDelay(t *testing.T) {
	for _, rate := range filterRates {
		x := speechBand(rate/2, rate, 6)
		f, err := NewFilter(Config{SampleRate: rate})
		require.NoError(t, err)
		f.den.unityGain = true
		y := filterAll(t, f, x, []int{480})
		require.Len(t, y, len(x), "%d Hz", rate)
		assert.Equal(t, 0, xcorrPeak(x, y, 40), "%d Hz", rate)
		// Native rates reconstruct perfectly; resampled ones pass the band
		// below 21.6 kHz within the resamplers' ripple.
		// The edges are left out: the abrupt start of the test signal
		// has energy above 24 kHz, which the resampled path band-limits.
		edge := rate / 100
		e := errorDB(x[edge:len(x)-edge], y[edge:len(y)-edge])
		assert.Less(t, e, -60.0, "%d Hz", rate)
		t.Logf("%6d Hz: processed at %5d Hz, latency %4d samples (%v), error %.0f dB", rate, f.ProcessingRate(), f.Latency(), f.LatencyDuration(), e)
	}
}

// The band above the processing rate's Nyquist frequency is turned down by
// MaxAttenuation, as noise is.
func TestFilterUltrasonicBandAtFloor(t *testing.T) {
	const rate = 96000
	for _, db := range []float64{12, 24} {
		f, err := NewFilter(Config{SampleRate: rate, MaxAttenuation: db})
		require.NoError(t, err)
		x := make([]float32, rate)
		for i := range x {
			x[i] = 0.1 * float32(math.Sin(2*math.Pi*30000*float64(i)/rate))
		}
		y := filterAll(t, f, x, []int{960})
		got := 10 * math.Log10(power(y[rate/2:])/power(x[rate/2:]))
		assert.InDelta(t, -db, got, 0.5, "30 kHz tone at %g dB strength", db)
	}
}

func power(x []float32) float64 {
	var p float64
	for _, v := range x {
		p += float64(v) * float64(v)
	}
	return p / float64(len(x))
}

func TestFilterFlushAndReset(t *testing.T) {
	f, err := NewFilter(Config{SampleRate: 96000})
	require.NoError(t, err)
	x := noiseSignal(20000, 9)
	a := filterAll(t, f, x, []int{960})
	f.Reset()
	assert.Equal(t, a, filterAll(t, f, x, []int{960}), "Reset must start a fresh stream")
	assert.Panics(t, func() { f.Flush(make([]float32, f.Latency()-1)) })
	assert.Panics(t, func() { f.Process(make([]float32, 1), make([]float32, 2)) })
}

func TestFilterInt16MatchesFloat(t *testing.T) {
	f, err := NewFilter(Config{SampleRate: 96000})
	require.NoError(t, err)
	x := make([]int16, 9600)
	xf := make([]float32, len(x))
	for i, v := range noiseSignal(len(x), 10) {
		x[i] = floatToInt16(v)
		xf[i] = float32(x[i]) / 32768
	}
	y := make([]int16, len(x))
	f.ProcessInt16(y, x)
	f.Reset()
	yf := make([]float32, len(x))
	f.Process(yf, xf)
	for i := range y {
		require.Equal(t, floatToInt16(yf[i]), y[i], "sample %d", i)
	}
	tail := make([]int16, f.Latency())
	assert.Equal(t, f.Latency(), f.FlushInt16(tail))
}

func TestFilterSetMaxAttenuation(t *testing.T) {
	f, err := NewFilter(Config{SampleRate: 96000})
	require.NoError(t, err)
	require.NoError(t, f.SetMaxAttenuation(40))
	assert.Equal(t, 40.0, f.MaxAttenuation())
	assert.InDelta(t, 0.01, f.chain.floor, 1e-6)
	assert.ErrorIs(t, f.SetMaxAttenuation(-3), ErrMaxAttenuation)
	assert.Equal(t, 40.0, f.MaxAttenuation())
}

func TestFilterDoesNotAllocate(t *testing.T) {
	for _, rate := range []int{16000, 96000, 50000} {
		f, err := NewFilter(Config{SampleRate: rate})
		require.NoError(t, err)
		x := noiseSignal(4000, 11)
		y := make([]float32, len(x)+f.Latency())
		xi := make([]int16, 500)
		allocs := testing.AllocsPerRun(10, func() {
			f.Process(y, x)
			f.ProcessInt16(xi, xi)
			f.Flush(y)
			f.SetMaxAttenuation(30)
			f.Reset()
		})
		assert.Zero(t, allocs, "%d Hz", rate)
	}
}
