package denoise

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkQuietInput compares the cost of 48 kHz noise with the cost of
// what follows it in a quiet stretch: digital silence, noise far below any
// converter's floor (1e-30, 1e-20) and dither-level noise (1e-5). Each
// stream first gets 1 s of noise and 20 s of its quiet input, long enough
// for any state that decays in quiet to have reached its floor. A quiet
// input costing clearly more rtf than "noise" means denormal arithmetic
// (TestNoSubnormalStateAfterLongQuiet checks the state directly).
func BenchmarkQuietInput(b *testing.B) {
	const rate = 48000
	for _, c := range []struct {
		name  string
		level float64
	}{
		{"noise", 0.1},
		{"silence", 0},
		{"noise1e-30", 1e-30},
		{"noise1e-20", 1e-20},
		{"noise1e-5", 1e-5},
	} {
		b.Run(c.name, func(b *testing.B) {
			d, err := New(Config{SampleRate: rate})
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			x := make([]float32, rate)
			for i := range x {
				x[i] = float32(c.level * rng.NormFloat64())
			}
			out := make([]float32, rate)
			d.Process(out, noiseSignal(rate, 1))
			for range 20 {
				d.Process(out, x)
			}
			hop := d.FrameSize()
			b.SetBytes(int64(4 * len(x)))
			b.ReportAllocs()
			start := time.Now()
			for b.Loop() {
				for pos := 0; pos < len(x); pos += hop {
					d.Process(out[pos:pos+hop], x[pos:pos+hop])
				}
			}
			b.ReportMetric(time.Since(start).Seconds()/float64(b.N), "rtf")
		})
	}
}
