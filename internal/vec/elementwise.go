package vec

import "math"

// Sigmoid writes 1/(1+e^−x) of each src value to dst (which may be src).
// The error is below 2e-7 absolute.
func Sigmoid(dst, src []float32) { logistic(dst, src, 1, 1) }

// Tanh writes tanh of each src value to dst (which may be src), as
// 2·σ(2x) − 1. The error is below 3e-7 absolute (not relative: near 0 the
// result keeps float32's absolute precision of 1, which is what a
// network's next layer sees).
func Tanh(dst, src []float32) { logistic(dst, src, 2, 2) }

// ExpSlice writes e^x of each src value to dst (which may be src), as Exp
// does.
func ExpSlice(dst, src []float32) { mapSlice(dst, src, expAVX2, Exp) }

// Log returns the natural logarithm of x > 0 in float32, within
// 1.5e-6 + 1.2e-7·|ln x| (the second term is float32's own rounding):
// x = 2^e·m with m in [1, 2), ln m = 2·atanh((m−1)/(m+1)) by its series
// to the ninth power. Zero and subnormal inputs give about −88
// rather than −Inf; nothing gives NaN or Inf for x >= 0. The AVX2 kernel
// computes the same series.
func Log(x float32) float32 {
	b := math.Float32bits(x)
	m := math.Float32frombits(b&0x007fffff | 0x3f800000)
	z := (m - 1) / (m + 1)
	z2 := z * z
	lnm := 2 * z * (1 + z2*(1.0/3+z2*(1.0/5+z2*(1.0/7+z2*(1.0/9)))))
	return float32(int32(b>>23)-127)*ln2 + lnm
}

const ln2 = 0.69314718055994530942

// LogSlice writes the natural logarithm of each src value (>= 0) to dst
// (which may be src), as Log does.
func LogSlice(dst, src []float32) { mapSlice(dst, src, logAVX2, Log) }

// mapSlice writes f(src[i]) to dst[i]: the AVX2 kernel for whole blocks
// of eight where there is one, the scalar f for the rest.
func mapSlice(dst, src []float32, kernel func(dst, src *float32, n int), f func(float32) float32) {
	dst = dst[:len(src)]
	i := 0
	if n := len(src) &^ 7; useAVX2 && n > 0 {
		kernel(&dst[0], &src[0], n)
		i = n
	}
	for ; i < len(src); i++ {
		dst[i] = f(src[i])
	}
}

// logistic writes b/(1+e^(−a·x)) − (b−1).
func logistic(dst, src []float32, a, b float32) {
	dst = dst[:len(src)]
	i := 0
	if n := len(src) &^ 7; useAVX2 && n > 0 {
		logisticAVX2(&dst[0], &src[0], n, a, b)
		i = n
	}
	for ; i < len(src); i++ {
		dst[i] = b/(1+Exp(-a*src[i])) - (b - 1)
	}
}

// Exp returns e^x in float32, within 2e-7 relative: x = k·ln2 + r with
// |r| ≤ ln2/2, e^r by its Taylor series to r⁷ (truncation below 5e-9) in
// Estrin's order for a short dependency chain, and 2^k put straight into
// the exponent bits. x is clamped to [−87, 88], where e^x is a normal
// float32. The AVX2 kernel computes the same series.
func Exp(x float32) float32 {
	const (
		log2e = 1.4426950408889634
		ln2hi = 0.693145751953125 // few mantissa bits, so k·ln2hi is exact
		ln2lo = 1.4286067653302226e-06
		// Adding 1.5·2²³ rounds a float32 of magnitude below 2²² to an
		// integer, which then sits in the low mantissa bits.
		round = 12582912
	)
	if x < -87 {
		x = -87
	}
	if x > 88 {
		x = 88
	}
	kr := x*log2e + round
	fk := kr - round
	k := math.Float32bits(kr) - math.Float32bits(round) // two's complement k
	r := (x - fk*ln2hi) - fk*ln2lo
	r2 := r * r
	r4 := r2 * r2
	p := (1 + r) + r2*(1.0/2+r*(1.0/6)) + r4*((1.0/24+r*(1.0/120))+r2*(1.0/720+r*(1.0/5040)))
	return p * math.Float32frombits((k+127)<<23)
}
