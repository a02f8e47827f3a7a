package room

import (
	"gonum.org/v1/gonum/dsp/fourier"
)

// Convolve returns x convolved with each of irs, each result cut to
// len(x) samples (what a recording of the same length would hold). The
// convolutions share one transform of x, so a response and its early part
// cost little more than one. An empty irs gives nil; an empty response gives
// silence.
func Convolve(x []float32, irs ...[]float32) [][]float32 {
	if len(irs) == 0 {
		return nil
	}
	longest := 0
	for _, h := range irs {
		longest = max(longest, len(h))
	}
	out := make([][]float32, len(irs))
	if len(x) == 0 || longest == 0 {
		for i := range out {
			out[i] = make([]float32, len(x))
		}
		return out
	}
	// Samples beyond len(x) are dropped, so the transform only needs to
	// hold len(x)+longest−1 without wrapping into the first len(x).
	n := 1
	for n < len(x)+longest-1 {
		n *= 2
	}
	fft := fourier.NewFFT(n)
	buf := make([]float64, n)
	for i, v := range x {
		buf[i] = float64(v)
	}
	X := fft.Coefficients(nil, buf)
	H := make([]complex128, len(X))
	for k, h := range irs {
		clear(buf)
		for i, v := range h {
			buf[i] = float64(v)
		}
		fft.Coefficients(H, buf)
		for i := range H {
			H[i] *= X[i]
		}
		fft.Sequence(buf, H)
		y := make([]float32, len(x))
		scale := 1 / float64(n)
		for i := range y {
			y[i] = float32(buf[i] * scale)
		}
		out[k] = y
	}
	return out
}
