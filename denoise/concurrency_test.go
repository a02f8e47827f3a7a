package denoise

import (
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/learned"
)

// manyJob is one stream of the concurrency test: its own rate, signal and
// chunking.
type manyJob struct {
	rate   int
	chunks []int
	in     []float32
	want   []float32
}

func manyJobs(t testing.TB, n int) []manyJob {
	rates := []int{8000, 16000, 48000, 44100, 22050}
	jobs := make([]manyJob, n)
	for i := range jobs {
		rate := rates[i%len(rates)]
		in := noiseSignal(rate/5, uint64(100+i)) // 200 ms each
		// A tone in some of them, so the gains differ between streams.
		for k := range in {
			if i%3 == 0 && k > len(in)/2 {
				in[k] += 0.3 * float32((k/(rate/440))%2*2-1)
			}
		}
		jobs[i] = manyJob{rate: rate, chunks: []int{1 + i%7, rate / 100, 333 + i}, in: in}
		d, err := New(Config{SampleRate: rate})
		require.NoError(t, err)
		jobs[i].want = processAll(t, d, in, jobs[i].chunks)
	}
	return jobs
}

func TestManyStreamsConcurrently(t *testing.T) {
	// Hundreds of Denoisers on as many goroutines share nothing mutable:
	// each output equals the single-threaded output of the same input, and
	// the race detector (go test -race) finds no shared write.
	n := 200
	if testing.Short() {
		n = 64
	}
	jobs := manyJobs(t, n)
	got := make([][]float32, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			d, err := New(Config{SampleRate: j.rate})
			if err != nil {
				panic(err) // cannot happen: the same config worked above
			}
			<-start // all streams run at once
			got[i] = processAll(t, d, j.in, j.chunks)
			// Reuse after Reset must give the same again.
			d.Reset()
			if again := processAll(t, d, j.in, j.chunks); !equalFloats(again, got[i]) {
				got[i] = nil
			}
		})
	}
	close(start)
	wg.Wait()
	for i, j := range jobs {
		require.NotNil(t, got[i], "stream %d: output after Reset differs", i)
		require.Equal(t, j.want, got[i], "stream %d (%d Hz)", i, j.rate)
	}
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// newBytes measures the heap one stream of cfg holds: what New leaves
// allocated, after a garbage collection, while the Denoiser is alive
// (scratch used only while New runs is not counted). The learned stage's
// network is loaded first: it is read once per process and shared, not
// per stream. The heap counts every goroutine's allocations, and a runtime
// or test goroutine sometimes allocates meanwhile; New's own never vary,
// so the least of a few measurements is New's.
func newBytes(t testing.TB, cfg Config) uint64 {
	if _, err := learned.NewModel(); err != nil {
		t.Fatal(err)
	}
	least := uint64(math.MaxUint64)
	for range 5 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		d, _ := New(cfg)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(d)
		least = min(least, after.HeapAlloc-before.HeapAlloc)
	}
	return least
}

// BenchmarkStreamsPerCore denoises 48 kHz audio in 10 ms frames on one
// goroutine and reports how many real-time streams one core sustains
// (1/rtf) and the memory each stream holds (the bytes New allocates).
// BenchmarkStreamsParallel does the same with one Denoiser per goroutine
// on every core.
func BenchmarkStreamsPerCore(b *testing.B) {
	const rate = 48000
	perStream := newBytes(b, Config{SampleRate: rate})
	d, _ := New(Config{SampleRate: rate})
	x := noiseSignal(rate, 1)
	out := make([]float32, len(x))
	hop := d.FrameSize()
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		for pos := 0; pos < len(x); pos += hop {
			d.Process(out[pos:pos+hop], x[pos:pos+hop])
		}
	}
	rtf := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(rtf, "rtf")
	b.ReportMetric(1/rtf, "streams/core")
	b.ReportMetric(float64(perStream), "B/stream")
}

// BenchmarkStreamsParallel runs one 48 kHz Denoiser per goroutine on all
// GOMAXPROCS cores; "streams" is the number of real-time streams the whole
// machine sustains.
func BenchmarkStreamsParallel(b *testing.B) {
	const rate = 48000
	x := noiseSignal(rate/10, 1) // 100 ms per iteration
	b.ReportAllocs()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		d, _ := New(Config{SampleRate: rate})
		out := make([]float32, len(x))
		hop := d.FrameSize()
		for pb.Next() {
			for pos := 0; pos < len(x); pos += hop {
				d.Process(out[pos:pos+hop], x[pos:pos+hop])
			}
		}
	})
	audio := float64(b.N) * float64(len(x)) / rate // seconds of audio, all goroutines
	b.ReportMetric(audio/time.Since(start).Seconds(), "streams")
}
