package dsp

import "math"

// stockhamFFT is an in-place (from the caller's view) forward complex FFT
// of a fixed length, computed as a sequence of self-sorting radix passes
// that ping-pong between the data and one scratch buffer.
type stockhamFFT struct {
	n       int
	stages  []stockhamStage
	scratch []complex64
	generic []complex64 // per-call work space for the generic radix
	simd    bool        // use the AVX2 passes where a stage's shape allows
}

// stockhamStage is one radix-r pass over sub-transforms of length span
// (span = r*m), interleaved with stride s.
type stockhamStage struct {
	radix, m, s int
	// twiddle[p*(radix-1)+k-1] = e^{-2πi p k / span}, for p in [0, m), k in
	// [1, radix); k-major instead (twiddle[(k-1)*m+p]) for a first radix-4
	// pass, whose AVX2 version reads four values of p at once.
	twiddle []complex64
	// roots[k] = e^{-2πi k / radix}, used by the generic butterfly.
	roots []complex64
}

// factorize splits n into radices, preferring 4 then 2, 3, 5, 7 and then
// any other prime.
func factorize(n int) []int {
	var f []int
	for n%4 == 0 {
		f = append(f, 4)
		n /= 4
	}
	for _, p := range []int{2, 3, 5, 7} {
		for n%p == 0 {
			f = append(f, p)
			n /= p
		}
	}
	for p := 11; n > 1; p += 2 {
		for n%p == 0 {
			f = append(f, p)
			n /= p
		}
	}
	return f
}

func newStockhamFFT(n int) *stockhamFFT {
	t := &stockhamFFT{n: n, scratch: make([]complex64, n), simd: haveAVX2}
	s := 1
	span := n
	maxRadix := 0
	for _, r := range factorize(n) {
		m := span / r
		st := stockhamStage{radix: r, m: m, s: s, twiddle: make([]complex64, m*(r-1))}
		for p := range m {
			for k := 1; k < r; k++ {
				sn, c := math.Sincos(-2 * math.Pi * float64(p*k) / float64(span))
				if r == 4 && s == 1 {
					st.twiddle[(k-1)*m+p] = complex(float32(c), float32(sn))
				} else {
					st.twiddle[p*(r-1)+k-1] = complex(float32(c), float32(sn))
				}
			}
		}
		if r > 7 {
			st.roots = make([]complex64, r)
			for k := range r {
				sn, c := math.Sincos(-2 * math.Pi * float64(k) / float64(r))
				st.roots[k] = complex(float32(c), float32(sn))
			}
			maxRadix = max(maxRadix, r)
		}
		t.stages = append(t.stages, st)
		s *= r
		span = m
	}
	t.generic = make([]complex64, 2*maxRadix)
	return t
}

// transform replaces x (len n) with its forward DFT.
func (t *stockhamFFT) transform(x []complex64) {
	src, dst := x, t.scratch
	for i := range t.stages {
		st := &t.stages[i]
		vec := t.simd && st.s%4 == 0
		switch st.radix {
		case 4:
			switch {
			case vec:
				radix4StrideAVX2(&dst[0], &src[0], &st.twiddle[0], st.m, st.s)
			case t.simd && st.s == 1 && st.m%4 == 0:
				radix4FirstAVX2(&dst[0], &src[0], &st.twiddle[0], st.m)
			default:
				radix4(st, dst, src)
			}
		case 2:
			if vec {
				radix2StrideAVX2(&dst[0], &src[0], &st.twiddle[0], st.m, st.s)
			} else {
				radix2(st, dst, src)
			}
		case 3:
			if vec {
				radix3StrideAVX2(&dst[0], &src[0], &st.twiddle[0], st.m, st.s)
			} else {
				radix3(st, dst, src)
			}
		case 5:
			if vec && st.m == 1 {
				radix5LastAVX2(&dst[0], &src[0], st.s)
			} else {
				radix5(st, dst, src)
			}
		case 7:
			radix7(st, dst, src)
		default:
			radixGeneric(st, dst, src, t.generic)
		}
		src, dst = dst, src
	}
	if len(t.stages)%2 == 1 {
		copy(x, src)
	}
}

// In every pass, element j of sub-transform q sits at src[q + s*j]. The
// pass reads the r elements j = p + k*m, takes their r-point DFT, multiplies
// output k by the twiddle e^{-2πipk/span} and stores it at dst[q + s*(r*p+k)],
// which leaves r*s interleaved sub-transforms of length m for the next pass.

func radix2(st *stockhamStage, dst, src []complex64) {
	m, s := st.m, st.s
	if s == 1 {
		in0, in1 := src[:m], src[m:2*m]
		tw := st.twiddle[:m]
		out := dst[:2*m]
		for p := range in0 {
			a, b := in0[p], in1[p]
			out[2*p] = a + b
			out[2*p+1] = cmul(a-b, tw[p])
		}
		return
	}
	for p := range m {
		w := st.twiddle[p]
		in0 := src[s*p : s*p+s]
		in1 := src[s*(p+m) : s*(p+m)+s]
		out0 := dst[s*2*p : s*2*p+s]
		out1 := dst[s*(2*p+1) : s*(2*p+1)+s]
		for q := range in0 {
			a, b := in0[q], in1[q]
			out0[q] = a + b
			out1[q] = cmul(a-b, w)
		}
	}
}

func radix4(st *stockhamStage, dst, src []complex64) {
	m, s := st.m, st.s
	if s == 1 {
		in0, in1, in2, in3 := src[:m], src[m:2*m], src[2*m:3*m], src[3*m:4*m]
		tw := st.twiddle[:3*m]
		out := dst[:4*m]
		for p := range in0 {
			a0, a1, a2, a3 := in0[p], in1[p], in2[p], in3[p]
			t0 := a0 + a2
			t1 := a0 - a2
			t2 := a1 + a3
			d := a1 - a3
			t3 := complex(imag(d), -real(d))
			o := out[4*p : 4*p+4]
			o[0] = t0 + t2
			o[1] = cmul(t1+t3, tw[p])
			o[2] = cmul(t0-t2, tw[m+p])
			o[3] = cmul(t1-t3, tw[2*m+p])
		}
		return
	}
	for p := range m {
		w1 := st.twiddle[3*p]
		w2 := st.twiddle[3*p+1]
		w3 := st.twiddle[3*p+2]
		in0 := src[s*p : s*p+s]
		in1 := src[s*(p+m) : s*(p+m)+s]
		in2 := src[s*(p+2*m) : s*(p+2*m)+s]
		in3 := src[s*(p+3*m) : s*(p+3*m)+s]
		o := s * 4 * p
		out0 := dst[o : o+s]
		out1 := dst[o+s : o+2*s]
		out2 := dst[o+2*s : o+3*s]
		out3 := dst[o+3*s : o+4*s]
		for q := range in0 {
			a0, a1, a2, a3 := in0[q], in1[q], in2[q], in3[q]
			t0 := a0 + a2
			t1 := a0 - a2
			t2 := a1 + a3
			d := a1 - a3
			t3 := complex(imag(d), -real(d)) // -i*(a1-a3)
			out0[q] = t0 + t2
			out1[q] = cmul(t1+t3, w1)
			out2[q] = cmul(t0-t2, w2)
			out3[q] = cmul(t1-t3, w3)
		}
	}
}

func radix3(st *stockhamStage, dst, src []complex64) {
	const c1 = -0.5                    // cos(2π/3)
	const s1 = -0.86602540378443864676 // -sin(2π/3)
	m, s := st.m, st.s
	if s == 1 {
		in0, in1, in2 := src[:m], src[m:2*m], src[2*m:3*m]
		tw := st.twiddle[:2*m]
		out := dst[:3*m]
		for p := range in0 {
			a0, a1, a2 := in0[p], in1[p], in2[p]
			sum := a1 + a2
			dif := a1 - a2
			b := a0 + scale(sum, c1)
			r := complex(-imag(dif)*s1, real(dif)*s1)
			o := out[3*p : 3*p+3]
			w := tw[2*p : 2*p+2]
			o[0] = a0 + sum
			o[1] = cmul(b+r, w[0])
			o[2] = cmul(b-r, w[1])
		}
		return
	}
	for p := range m {
		w1 := st.twiddle[2*p]
		w2 := st.twiddle[2*p+1]
		in0 := src[s*p : s*p+s]
		in1 := src[s*(p+m) : s*(p+m)+s]
		in2 := src[s*(p+2*m) : s*(p+2*m)+s]
		o := s * 3 * p
		out0 := dst[o : o+s]
		out1 := dst[o+s : o+2*s]
		out2 := dst[o+2*s : o+3*s]
		for q := range in0 {
			a0, a1, a2 := in0[q], in1[q], in2[q]
			sum := a1 + a2
			dif := a1 - a2
			b := a0 + scale(sum, c1)
			// ±i*s1*dif
			r := complex(-imag(dif)*s1, real(dif)*s1)
			out0[q] = a0 + sum
			out1[q] = cmul(b+r, w1)
			out2[q] = cmul(b-r, w2)
		}
	}
}

func radix5(st *stockhamStage, dst, src []complex64) {
	const (
		c1 = 0.30901699437494742410  // cos(2π/5)
		c2 = -0.80901699437494742410 // cos(4π/5)
		s1 = -0.95105651629515357212 // -sin(2π/5)
		s2 = -0.58778525229247312917 // -sin(4π/5)
	)
	m, s := st.m, st.s
	if m == 1 {
		// The last pass: every twiddle is 1.
		in0, in1, in2, in3, in4 := src[:s], src[s:2*s], src[2*s:3*s], src[3*s:4*s], src[4*s:5*s]
		out0, out1, out2, out3, out4 := dst[:s], dst[s:2*s], dst[2*s:3*s], dst[3*s:4*s], dst[4*s:5*s]
		for q := range in0 {
			a0, a1, a2, a3, a4 := in0[q], in1[q], in2[q], in3[q], in4[q]
			sa, da := a1+a4, a1-a4
			sb, db := a2+a3, a2-a3
			r1 := a0 + scale(sa, c1) + scale(sb, c2)
			r2 := a0 + scale(sa, c2) + scale(sb, c1)
			i1 := scale(da, s1) + scale(db, s2)
			i2 := scale(da, s2) - scale(db, s1)
			j1 := complex(-imag(i1), real(i1))
			j2 := complex(-imag(i2), real(i2))
			out0[q] = a0 + sa + sb
			out1[q] = r1 + j1
			out4[q] = r1 - j1
			out2[q] = r2 + j2
			out3[q] = r2 - j2
		}
		return
	}
	for p := range m {
		w := st.twiddle[4*p : 4*p+4]
		w1, w2, w3, w4 := w[0], w[1], w[2], w[3]
		in0 := src[s*p : s*p+s]
		in1 := src[s*(p+m) : s*(p+m)+s]
		in2 := src[s*(p+2*m) : s*(p+2*m)+s]
		in3 := src[s*(p+3*m) : s*(p+3*m)+s]
		in4 := src[s*(p+4*m) : s*(p+4*m)+s]
		o := s * 5 * p
		out0 := dst[o : o+s]
		out1 := dst[o+s : o+2*s]
		out2 := dst[o+2*s : o+3*s]
		out3 := dst[o+3*s : o+4*s]
		out4 := dst[o+4*s : o+5*s]
		for q := range in0 {
			a0, a1, a2, a3, a4 := in0[q], in1[q], in2[q], in3[q], in4[q]
			sa := a1 + a4
			da := a1 - a4
			sb := a2 + a3
			db := a2 - a3
			r1 := a0 + scale(sa, c1) + scale(sb, c2)
			r2 := a0 + scale(sa, c2) + scale(sb, c1)
			// i*(s1*da + s2*db) and i*(s2*da - s1*db)
			i1 := scale(da, s1) + scale(db, s2)
			i2 := scale(da, s2) - scale(db, s1)
			j1 := complex(-imag(i1), real(i1))
			j2 := complex(-imag(i2), real(i2))
			out0[q] = a0 + sa + sb
			out1[q] = cmul(r1+j1, w1)
			out4[q] = cmul(r1-j1, w4)
			out2[q] = cmul(r2+j2, w2)
			out3[q] = cmul(r2-j2, w3)
		}
	}
}

// radix7 serves the 441 = 3·3·7·7 of 44.1 kHz frames, pairing inputs j and
// 7-j so that each output pair shares its real and imaginary sums.
func radix7(st *stockhamStage, dst, src []complex64) {
	const (
		c1 = 0.62348980185873353053  // cos(2π/7)
		c2 = -0.22252093395631440429 // cos(4π/7)
		c3 = -0.90096886790241912624 // cos(6π/7)
		s1 = -0.78183148246802980871 // -sin(2π/7)
		s2 = -0.97492791218182360702 // -sin(4π/7)
		s3 = -0.43388373911755812048 // -sin(6π/7)
	)
	m, s := st.m, st.s
	for p := range m {
		w := st.twiddle[6*p : 6*p+6]
		last := m == 1 // the last pass: every twiddle is 1
		for q := range s {
			a0 := src[q+s*p]
			a1 := src[q+s*(p+m)]
			a2 := src[q+s*(p+2*m)]
			a3 := src[q+s*(p+3*m)]
			a4 := src[q+s*(p+4*m)]
			a5 := src[q+s*(p+5*m)]
			a6 := src[q+s*(p+6*m)]
			sa1, da1 := a1+a6, a1-a6
			sa2, da2 := a2+a5, a2-a5
			sa3, da3 := a3+a4, a3-a4
			r1 := a0 + scale(sa1, c1) + scale(sa2, c2) + scale(sa3, c3)
			r2 := a0 + scale(sa1, c2) + scale(sa2, c3) + scale(sa3, c1)
			r3 := a0 + scale(sa1, c3) + scale(sa2, c1) + scale(sa3, c2)
			i1 := scale(da1, s1) + scale(da2, s2) + scale(da3, s3)
			i2 := scale(da1, s2) - scale(da2, s3) - scale(da3, s1)
			i3 := scale(da1, s3) - scale(da2, s1) + scale(da3, s2)
			j1 := complex(-imag(i1), real(i1))
			j2 := complex(-imag(i2), real(i2))
			j3 := complex(-imag(i3), real(i3))
			o := q + s*7*p
			dst[o] = a0 + sa1 + sa2 + sa3
			if last {
				dst[o+s] = r1 + j1
				dst[o+2*s] = r2 + j2
				dst[o+3*s] = r3 + j3
				dst[o+4*s] = r3 - j3
				dst[o+5*s] = r2 - j2
				dst[o+6*s] = r1 - j1
				continue
			}
			dst[o+s] = cmul(r1+j1, w[0])
			dst[o+2*s] = cmul(r2+j2, w[1])
			dst[o+3*s] = cmul(r3+j3, w[2])
			dst[o+4*s] = cmul(r3-j3, w[3])
			dst[o+5*s] = cmul(r2-j2, w[4])
			dst[o+6*s] = cmul(r1-j1, w[5])
		}
	}
}

// radixGeneric handles any other prime radix with a direct r-point DFT.
func radixGeneric(st *stockhamStage, dst, src []complex64, work []complex64) {
	r, m, s := st.radix, st.m, st.s
	a := work[:r]
	for p := range m {
		for q := range s {
			for j := range r {
				a[j] = src[q+s*(p+j*m)]
			}
			for k := range r {
				var sum complex64
				idx := 0
				for j := range r {
					sum += cmul(a[j], st.roots[idx])
					idx += k
					if idx >= r {
						idx -= r
					}
				}
				if k > 0 {
					sum = cmul(sum, st.twiddle[p*(r-1)+k-1])
				}
				dst[q+s*(r*p+k)] = sum
			}
		}
	}
}

// cmul multiplies in float32: Go's complex64 product is computed in float64,
// which costs conversions that dominate an FFT's inner loop.
func cmul(a, b complex64) complex64 {
	ar, ai, br, bi := real(a), imag(a), real(b), imag(b)
	return complex(ar*br-ai*bi, ar*bi+ai*br)
}

// scale multiplies a complex number by a real one in float32.
func scale(a complex64, c float32) complex64 {
	return complex(real(a)*c, imag(a)*c)
}
