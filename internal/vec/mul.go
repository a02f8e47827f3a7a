package vec

// Mul writes a[i]·b[i] to dst[i] for every i < len(dst); a and b must be
// at least as long, and dst may be one of them.
func Mul(dst, a, b []float32) {
	MulAlternate(dst, a, b, 1, 1)
}

// MulAlternate writes a[i]·b[i]·sEven to dst[i] for even i and
// a[i]·b[i]·sOdd for odd i: an interleaved complex signal times a real
// one, scaled and conjugated in the same pass (sOdd = −sEven).
func MulAlternate(dst, a, b []float32, sEven, sOdd float32) {
	a, b = a[:len(dst)], b[:len(dst)]
	i := 0
	if n := len(dst) &^ 7; useAVX2 && n > 0 {
		mulAltAVX2(&dst[0], &a[0], &b[0], n, sEven, sOdd)
		i = n
	}
	for ; i < len(dst); i++ {
		s := sEven
		if i%2 == 1 {
			s = sOdd
		}
		dst[i] = a[i] * b[i] * s
	}
}
