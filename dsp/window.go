package dsp

import "math"

// SqrtHann returns the square root of the periodic Hann window of length n:
// w[i] = sin(πi/n). Used for both analysis and synthesis at 50% overlap,
// w²[i] + w²[i+n/2] = 1, so a unit gain reconstructs the input exactly.
func SqrtHann(n int) []float32 {
	w := make([]float32, n)
	for i := range w {
		w[i] = float32(math.Sin(math.Pi * float64(i) / float64(n)))
	}
	return w
}
