package denoise

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkProcess measures the cost of denoising one second of audio at
// the common rates in both modes, in 10 ms chunks as a call app would feed it. The "rtf"
// metric is the real-time factor: CPU time per second of audio (0.003 means
// one core denoises 333 streams in real time).
func BenchmarkProcess(b *testing.B) {
	for _, mode := range []Mode{ModeLearned, ModeClassic} {
		for _, rate := range []int{8000, 16000, 44100, 48000} {
			b.Run(mode.String()+"/"+itoa(rate), func(b *testing.B) {
				d, err := New(Config{SampleRate: rate, Mode: mode})
				if err != nil {
					b.Fatal(err)
				}
				benchStream(b, rate, d.FrameSize(), d.Process)
			})
		}
	}
}

// benchStream feeds one second of noise at rate through process in chunks
// of hop samples per iteration and reports the real-time factor "rtf".
func benchStream(b *testing.B, rate, hop int, process func(dst, src []float32)) {
	x := noiseSignal(rate, 1)
	out := make([]float32, len(x))
	b.SetBytes(int64(4 * len(x)))
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		for pos := 0; pos < len(x); pos += hop {
			end := min(pos+hop, len(x))
			process(out[pos:end], x[pos:end])
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "rtf")
}

// BenchmarkProcessInt16 is BenchmarkProcess for 20 ms PCM16 frames at 48 kHz,
// the LiveKit and Opus case.
func BenchmarkProcessInt16(b *testing.B) {
	d, _ := New(Config{SampleRate: 48000})
	x := make([]int16, 48000)
	for i, v := range noiseSignal(len(x), 2) {
		x[i] = floatToInt16(v)
	}
	out := make([]int16, len(x))
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		for pos := 0; pos < len(x); pos += 960 {
			d.ProcessInt16(out[pos:pos+960], x[pos:pos+960])
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "rtf")
}

// BenchmarkNew reports the memory a Denoiser holds at 48 kHz ("B/op" is
// every byte New allocates, all of which the Denoiser keeps).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d, _ := New(Config{SampleRate: 48000})
		runtime.KeepAlive(d)
	}
}

func itoa(n int) string {
	const digits = "0123456789"
	if n < 10 {
		return digits[n : n+1]
	}
	return itoa(n/10) + digits[n%10:n%10+1]
}
