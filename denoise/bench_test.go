package denoise

import (
	"runtime"
	"strconv"
	"testing"
	"time"
)

// BenchmarkProcess measures the cost of denoising one second of mono audio
// at the common rates in both modes, in 10 ms chunks as a call app would
// feed it; 96 kHz runs through the resampled path. The "rtf" metric is the
// real-time factor: CPU time per second of audio (0.003 means one core
// denoises 333 streams in real time). BenchmarkProcessStereo does the same
// for two channels, whose rtf is per second of stereo audio.
func BenchmarkProcess(b *testing.B) {
	for _, mode := range []Mode{ModeLearned, ModeClassic} {
		for _, rate := range []int{8000, 16000, 44100, 48000, 96000} {
			b.Run(mode.String()+"/"+strconv.Itoa(rate), func(b *testing.B) {
				d, err := New(Config{SampleRate: rate, Mode: mode})
				if err != nil {
					b.Fatal(err)
				}
				benchStream(b, rate, 1, d.FrameSize(), d.Process)
			})
		}
	}
}

func BenchmarkProcessStereo(b *testing.B) {
	d, err := New(Config{SampleRate: 48000, Channels: 2})
	if err != nil {
		b.Fatal(err)
	}
	benchStream(b, 48000, 2, d.FrameSize(), d.Process)
}

// benchStream feeds one second of noise at rate in channels interleaved
// channels through process in chunks of hop frames per iteration and
// reports the real-time factor "rtf".
func benchStream(b *testing.B, rate, channels, hop int, process func(dst, src []float32)) {
	hop *= channels
	x := noiseSignal(rate*channels, 1)
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

// BenchmarkNew reports what making a 48 kHz Denoiser costs ("B/op" is
// every byte New allocates: what the Denoiser keeps, which
// TestMemoryPerStream measures, and about 2 KB of scratch).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		d, _ := New(Config{SampleRate: 48000})
		runtime.KeepAlive(d)
	}
}
