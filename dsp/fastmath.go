package dsp

import "math"

// The per-bin gain rules need a few logarithms and exponentials per bin and
// frame; math.Log and math.Exp on float64 cost more than the FFT itself at
// 48 kHz. These float32 versions are accurate to a few parts in a million, far
// below what is audible or measurable in a gain.

const ln2 = 0.69314718055994530942

// fastLog returns the natural logarithm of x > 0. Zero and subnormal
// inputs give about -88 rather than -Inf, and nothing gives NaN or Inf.
// It is kept small enough for the compiler to inline.
func fastLog(x float32) float32 {
	b := math.Float32bits(x)
	m := math.Float32frombits(b&0x007fffff | 0x3f800000) // mantissa in [1, 2)
	z := (m - 1) / (m + 1)                               // in [0, 1/3)
	z2 := z * z
	// ln m = 2 atanh z = 2(z + z³/3 + z⁵/5 + ...), to z⁹ (error < 1e-6).
	lnm := 2 * z * (1 + z2*(1.0/3+z2*(1.0/5+z2*(1.0/7+z2*(1.0/9)))))
	return float32(int32(b>>23)-127)*ln2 + lnm
}

// fastExp returns e^x. Results below the smallest normal number (x < -87.3)
// come out as about 1e-38 and results above about 1e38 saturate there.
// It is kept small enough for the compiler to inline.
func fastExp(x float32) float32 {
	t := min(max(x*1.44269504088896340736, -126), 127) // log2(e) x
	// Round to the nearest integer so the fraction is in [-½, ½]; t+128.5
	// is positive, so truncation is floor.
	i := int32(t+128.5) - 128
	u := (t - float32(i)) * ln2
	// e^u by its Taylor series to u⁵/120 (error < 3e-6 on |u| <= ln2/2),
	// evaluated in pairs (Estrin) so that the terms can be computed side
	// by side instead of in one long chain.
	u2 := u * u
	p := (1 + u) + u2*((0.5+u*(1.0/6))+u2*(1.0/24+u*(1.0/120)))
	return p * math.Float32frombits(uint32(i+127)<<23)
}
