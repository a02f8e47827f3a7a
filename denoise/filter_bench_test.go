package denoise

import (
	"testing"
	"time"
)

// BenchmarkFilter measures a Filter on one second of audio in 10 ms
// chunks: natively at 48 kHz (the Denoiser plus nothing) and resampled at
// 88.2, 96 and 192 kHz. "rtf" is CPU seconds per second of audio.
func BenchmarkFilter(b *testing.B) {
	for _, rate := range []int{48000, 88200, 96000, 192000} {
		b.Run(itoa(rate), func(b *testing.B) {
			f, err := NewFilter(Config{SampleRate: rate})
			if err != nil {
				b.Fatal(err)
			}
			benchStream(b, rate, f.FrameSize(), f.Process)
		})
	}
}

// BenchmarkMulti is a stereo 48 kHz stream of interleaved PCM16 in 20 ms
// frames; "rtf" is per stereo second.
func BenchmarkMulti(b *testing.B) {
	m, err := NewMulti(Config{SampleRate: 48000}, 2)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]int16, 2*48000)
	out := make([]int16, len(x))
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		for pos := 0; pos < len(x); pos += 2 * 960 {
			m.ProcessInt16(out[pos:pos+2*960], x[pos:pos+2*960])
		}
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "rtf")
}
