package resample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
)

// errorDB returns the energy of y minus the ideal sine over the middle
// half of y, relative to the sine's energy [dB].
func errorDB(y []float32, rate int, freq, amp float64) float64 {
	var e, s float64
	for i := len(y) / 4; i < 3*len(y)/4; i++ {
		ref := amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))
		d := float64(y[i]) - ref
		e += d * d
		s += ref * ref
	}
	return 10 * math.Log10(e/s)
}

// levelDB returns the RMS of the middle half of y relative to amp/sqrt(2).
func levelDB(y []float32, amp float64) float64 {
	var e float64
	mid := y[len(y)/4 : 3*len(y)/4]
	for _, v := range mid {
		e += float64(v) * float64(v)
	}
	return 10 * math.Log10(e/float64(len(mid))/(amp*amp/2))
}

var ratePairs = [][2]int{
	{16000, 10000}, {44100, 48000}, {48000, 44100}, {8000, 48000}, {48000, 8000},
	{22050, 16000}, {11025, 16000}, {192000, 44100}, {44100, 47999}, // last: interpolated table
}

func TestSinePassesUnchanged(t *testing.T) {
	for _, p := range ratePairs {
		from, to := p[0], p[1]
		nyq := 0.5 * float64(min(from, to))
		for _, rel := range []float64{0.05, 0.4, 0.85} {
			f := rel * nyq
			y, err := Resample(nil, testaudio.Sine(from/2, from, f, 0.7), from, to)
			require.NoError(t, err)
			require.Equal(t, OutputLen(from/2, from, to), len(y))
			e := errorDB(y, to, f, 0.7)
			assert.Less(t, e, -90.0, "%d -> %d Hz, %.0f Hz tone: error %.1f dB", from, to, f, e)
		}
	}
}

func TestPassbandFlat(t *testing.T) {
	for _, q := range []Quality{QualityFast, QualityDefault, QualityBest} {
		s, err := q.spec()
		require.NoError(t, err)
		r, err := New(48000, 16000, q)
		require.NoError(t, err)
		f := s.pass * 8000
		y := streamAll(r, testaudio.Sine(48000, 48000, f, 0.5))
		g := levelDB(y, 0.5)
		assert.InDelta(t, 0, g, 0.005, "%v: gain at the passband edge %.0f Hz: %.4f dB", q, f, g)
	}
}

func TestAliasRejected(t *testing.T) {
	for _, q := range []Quality{QualityFast, QualityDefault, QualityBest} {
		s, err := q.spec()
		require.NoError(t, err)
		for _, p := range [][2]int{{16000, 10000}, {48000, 16000}, {48000, 44100}, {44100, 8000}} {
			from, to := p[0], p[1]
			nyq := 0.5 * float64(to)
			for _, rel := range []float64{1.02, 1.3, 1.9} {
				f := rel * nyq
				if f >= 0.5*float64(from) {
					continue
				}
				r, err := New(from, to, q)
				require.NoError(t, err)
				y := streamAll(r, testaudio.Sine(from, from, f, 0.9))
				lvl := levelDB(y, 0.9)
				assert.Less(t, lvl, -s.atten+3, "%v %d -> %d Hz, %.0f Hz tone left at %.1f dB", q, from, to, f, lvl)
				assert.Less(t, lvl, -60.0)
			}
		}
	}
}

func TestImagesRejected(t *testing.T) {
	// Upsampling 16 -> 48 kHz must not leave images of a 7 kHz tone at
	// 9, 23, 25 kHz...: everything but the tone is the error.
	y, err := Resample(nil, testaudio.Sine(16000, 16000, 7000, 0.9), 16000, 48000)
	require.NoError(t, err)
	assert.Less(t, errorDB(y, 48000, 7000, 0.9), -95.0)
}

// streamAll feeds src and enough silence to flush, and returns the output
// without the latency.
func streamAll(r *Resampler, src []float32) []float32 {
	n := OutputLen(len(src), r.from, r.to)
	out := make([]float32, r.Latency()+n)
	zeros := make([]float32, 64)
	w := 0
	for w < len(out) {
		in := src
		if len(in) == 0 {
			in = zeros
		}
		a, c := r.Process(out[w:], in)
		w += a
		src = src[min(c, len(src)):]
	}
	return out[r.Latency():]
}

func TestImpulseAligned(t *testing.T) {
	for _, p := range [][3]int{{16000, 48000, 1000}, {48000, 16000, 3000}, {44100, 88200, 777}, {16000, 10000, 1600}} {
		from, to, at := p[0], p[1], p[2]
		x := make([]float32, 4000)
		x[at] = 1
		y, err := Resample(nil, x, from, to)
		require.NoError(t, err)
		peak := 0
		for i := range y {
			if math.Abs(float64(y[i])) > math.Abs(float64(y[peak])) {
				peak = i
			}
		}
		assert.Equal(t, at*to/from, peak, "%d -> %d Hz", from, to)
	}
}

func TestLengths(t *testing.T) {
	for _, p := range ratePairs {
		for _, n := range []int{0, 1, 2, 7, 147, 160, 1000} {
			y, err := Resample(nil, make([]float32, n), p[0], p[1])
			require.NoError(t, err)
			want := int(math.Ceil(float64(n) * float64(p[1]) / float64(p[0])))
			assert.Equal(t, want, len(y), "%v, n=%d", p, n)
		}
	}
	// dst's storage is reused when large enough.
	buf := make([]float32, 100)
	y, err := Resample(buf, make([]float32, 80), 16000, 10000)
	require.NoError(t, err)
	assert.Equal(t, 50, len(y))
	assert.Same(t, &buf[0], &y[0])
}

func TestDCExact(t *testing.T) {
	for _, p := range ratePairs {
		src := make([]float32, p[0]/10)
		for i := range src {
			src[i] = 0.5
		}
		y, err := Resample(nil, src, p[0], p[1])
		require.NoError(t, err)
		for i := len(y) / 4; i < 3*len(y)/4; i++ {
			require.InDelta(t, 0.5, y[i], 2e-6, "%v at %d", p, i)
		}
	}
}

func TestStreamingEqualsOneShot(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range ratePairs {
		from, to := p[0], p[1]
		src := make([]float32, 5000)
		for i := range src {
			src[i] = float32(rng.NormFloat64() * 0.2)
		}
		want, err := Resample(nil, src, from, to)
		require.NoError(t, err)
		r, err := New(from, to, QualityDefault)
		require.NoError(t, err)
		for round := range 2 { // the second round checks Reset
			var got []float32
			in := append(append([]float32{}, src...), make([]float32, 4000)...)
			dst := make([]float32, 700)
			for len(got) < r.Latency()+len(want) {
				a, c := r.Process(dst[:rng.IntN(len(dst))+1], in[:min(len(in), rng.IntN(300))])
				got = append(got, dst[:a]...)
				in = in[c:]
			}
			got = got[r.Latency() : r.Latency()+len(want)]
			require.Equal(t, want, got, "%d -> %d Hz, round %d", from, to, round)
			r.Reset()
		}
	}
}

func TestWholeReuses(t *testing.T) {
	r, err := New(48000, 16000, QualityDefault)
	require.NoError(t, err)
	a := testaudio.Sine(4800, 48000, 1000, 0.5)
	b := testaudio.Sine(2400, 48000, 3000, 0.5)
	want, err := Resample(nil, b, 48000, 16000)
	require.NoError(t, err)
	r.Whole(nil, a)
	buf := make([]float32, 2000)
	got := r.Whole(buf, b)
	assert.Equal(t, want, got, "the previous signal leaves no trace")
	assert.Same(t, &buf[0], &got[0])
	assert.Zero(t, testing.AllocsPerRun(10, func() { r.Whole(buf, b) }))
}

func TestProcessPartialAndMaxOutput(t *testing.T) {
	r, err := New(16000, 48000, QualityDefault)
	require.NoError(t, err)
	src := make([]float32, 100)
	dst := make([]float32, r.MaxOutput(len(src)))
	w, c := r.Process(dst, src)
	assert.Equal(t, len(src), c, "MaxOutput leaves room for all input")
	assert.LessOrEqual(t, w, len(dst))
	// With no room, nothing is consumed beyond what can be emitted.
	w, c = r.Process(nil, src)
	assert.Equal(t, 0, w)
	assert.LessOrEqual(t, c, 1)
}

func TestProcessDoesNotAllocate(t *testing.T) {
	for _, p := range [][2]int{{44100, 48000}, {44100, 47999}, {16000, 10000}} {
		r, err := New(p[0], p[1], QualityDefault)
		require.NoError(t, err)
		src := testaudio.Sine(480, p[0], 440, 0.5)
		dst := make([]float32, r.MaxOutput(len(src)))
		allocs := testing.AllocsPerRun(100, func() { r.Process(dst, src) })
		assert.Zero(t, allocs, "%v", p)
	}
}

func TestIdentity(t *testing.T) {
	r, err := New(16000, 16000, QualityDefault)
	require.NoError(t, err)
	assert.Zero(t, r.Latency())
	src := testaudio.Sine(100, 16000, 440, 0.5)
	dst := make([]float32, 100)
	w, c := r.Process(dst, src)
	assert.Equal(t, 100, w)
	assert.Equal(t, 100, c)
	assert.Equal(t, src, dst)
}

func TestNewErrors(t *testing.T) {
	_, err := New(4000, 16000, QualityDefault)
	assert.ErrorIs(t, err, ErrRate)
	assert.ErrorContains(t, err, "4000 Hz")
	_, err = New(16000, 400000, QualityDefault)
	assert.ErrorIs(t, err, ErrRate)
	_, err = New(16000, 48000, Quality(9))
	assert.ErrorIs(t, err, ErrQuality)
	_, err = Resample(nil, nil, 16000, 1)
	assert.ErrorIs(t, err, ErrRate)
}

func ExampleResample() {
	speech := make([]float32, 16000) // 1 s at 16 kHz
	out, err := Resample(nil, speech, 16000, 10000)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(out))
	// Output: 10000
}

func ExampleResampler() {
	r, err := New(44100, 48000, QualityDefault)
	if err != nil {
		panic(err)
	}
	in := make([]float32, 441) // 10 ms blocks
	out := make([]float32, r.MaxOutput(len(in)))
	total := 0
	for range 100 {
		n, _ := r.Process(out, in)
		total += n // out[:n] is ready to use
	}
	fmt.Println(total+r.Latency() >= 48000, r.Latency())
	// Output: true 70
}

func benchmarkStream(b *testing.B, from, to int) {
	r, err := New(from, to, QualityDefault)
	require.NoError(b, err)
	block := from / 100 // 10 ms
	src := testaudio.Sine(block, from, 440, 0.5)
	dst := make([]float32, r.MaxOutput(block))
	b.ReportAllocs()
	b.SetBytes(int64(4 * block))
	for b.Loop() {
		r.Process(dst, src)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/0.01, "rtf")
}

func BenchmarkStream44100to48000(b *testing.B) { benchmarkStream(b, 44100, 48000) }
func BenchmarkStream48000to44100(b *testing.B) { benchmarkStream(b, 48000, 44100) }
func BenchmarkStream16000to10000(b *testing.B) { benchmarkStream(b, 16000, 10000) }
func BenchmarkStream44100to47999(b *testing.B) { benchmarkStream(b, 44100, 47999) }

func BenchmarkResample16000to10000(b *testing.B) {
	src := testaudio.Sine(16000, 16000, 440, 0.5)
	dst := make([]float32, 10000)
	b.ReportAllocs()
	b.SetBytes(int64(4 * len(src)))
	for b.Loop() {
		if _, err := Resample(dst, src, 16000, 10000); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "rtf")
}
