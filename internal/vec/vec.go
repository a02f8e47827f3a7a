// Package vec holds the small vector kernels that more than one hot path
// shares: the resampler's filter taps and the learned stage's layers.
//
// On amd64 with AVX2 and FMA the kernels run in assembly, eight floats per
// instruction; elsewhere, or built with the purego tag, they run as plain
// Go. The two differ only in the order of rounding (about 1e-7 relative),
// and a given machine always takes the same path, so output stays
// identical from run to run and whatever the chunking.
package vec

// Dot returns the inner product of a and b (len(b) >= len(a)).
func Dot(a, b []float32) float32 {
	b = b[:len(a)]
	if n := len(a) &^ 7; useAVX2 && n > 0 {
		s := dotAVX2(&a[0], &b[0], n)
		for i := n; i < len(a); i++ {
			s += a[i] * b[i]
		}
		return s
	}
	return dotGeneric(a, b)
}

// MatVec writes W·x + bias to y, where W is row-major with len(y) rows of
// len(x) values (PyTorch's nn.Linear layout).
func MatVec(y, w, x, bias []float32) {
	in := len(x)
	w = w[:len(y)*in]
	bias = bias[:len(y)]
	o := 0
	if useAVX2 && in > 0 && in%8 == 0 {
		o = len(y) &^ 3
		if o > 0 {
			matVec4AVX2(&y[0], &w[0], &x[0], &bias[0], o, in)
		}
	} else {
		o = matVec4Generic(y, w, x, bias)
	}
	for ; o < len(y); o++ {
		y[o] = bias[o] + Dot(w[o*in:(o+1)*in], x)
	}
}

// dotGeneric keeps four independent sums, which lets the CPU overlap the
// additions.
func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// matVec4Generic does MatVec's rows four at a time, sharing each load of x
// between them, and returns how many rows it did.
func matVec4Generic(y, w, x, bias []float32) int {
	in := len(x)
	o := 0
	for ; o+4 <= len(y); o += 4 {
		w0 := w[o*in : (o+1)*in][:len(x)]
		w1 := w[(o+1)*in : (o+2)*in][:len(x)]
		w2 := w[(o+2)*in : (o+3)*in][:len(x)]
		w3 := w[(o+3)*in : (o+4)*in][:len(x)]
		var s0, s1, s2, s3 float32
		for i, v := range x {
			s0 += w0[i] * v
			s1 += w1[i] * v
			s2 += w2[i] * v
			s3 += w3[i] * v
		}
		y[o] = bias[o] + s0
		y[o+1] = bias[o+1] + s1
		y[o+2] = bias[o+2] + s2
		y[o+3] = bias[o+3] + s3
	}
	return o
}
