package dsp

import (
	"fmt"
	"math"
	"unsafe"

	"github.com/hushaudio/hush/internal/vec"
)

// RealFFT transforms real frames of a fixed even length to their
// non-negative-frequency spectrum and back. Implementations allocate nothing
// after construction; one value must not be used by two goroutines at once.
type RealFFT interface {
	// Len returns the frame length N.
	Len() int
	// Forward writes the N/2+1 bins of the spectrum of src (len N) to dst.
	Forward(dst []complex64, src []float32)
	// Inverse writes the real frame (len N) whose spectrum is src (N/2+1
	// bins) to dst. It is scaled by 1/N, so Inverse undoes Forward.
	Inverse(dst []float32, src []complex64)
}

// NewRealFFT returns the fastest RealFFT this package has for length n,
// which must be even and positive.
func NewRealFFT(n int) (RealFFT, error) {
	return newMixedRadixRealFFT(n)
}

// mixedRadixRealFFT computes a real FFT of length n through a complex FFT of
// length n/2 (the even samples as real parts, the odd ones as imaginary
// parts) and one untangling pass. The complex FFT is a self-sorting
// (Stockham) mixed-radix transform with butterflies for radices 4, 2, 3 and 5
// and a generic one for other primes, so the 10 ms and 20 ms frame sizes of
// every common sample rate (160, 320, 441, 480, 882, 960, ...) run without
// zero padding. It is several times faster than gonum's fftpack port for
// these sizes, which matters because the FFT dominates the per-frame cost.
type mixedRadixRealFFT struct {
	n       int
	half    *stockhamFFT
	buf     []complex64 // n/2 samples packed as complex numbers
	twiddle []complex64 // e^{-2πik/n} for k in [0, n/2)
	simd    bool        // untangle with AVX2
}

func newMixedRadixRealFFT(n int) (*mixedRadixRealFFT, error) {
	if n < 2 || n%2 != 0 {
		return nil, fmt.Errorf("%w: got length %d, want an even length >= 2", ErrFFTLength, n)
	}
	h := n / 2
	f := &mixedRadixRealFFT{
		n:       n,
		half:    newStockhamFFT(h),
		buf:     make([]complex64, h),
		twiddle: make([]complex64, h),
		simd:    haveAVX2,
	}
	for k := range h {
		s, c := math.Sincos(-2 * math.Pi * float64(k) / float64(n))
		f.twiddle[k] = complex(float32(c), float32(s))
	}
	return f, nil
}

func (f *mixedRadixRealFFT) Len() int { return f.n }

func (f *mixedRadixRealFFT) Forward(dst []complex64, src []float32) {
	h := f.n / 2
	if len(src) != f.n || len(dst) != h+1 {
		panic(fmt.Sprintf("dsp: RealFFT.Forward of length %d got src %d, dst %d (want %d, %d)", f.n, len(src), len(dst), f.n, h+1))
	}
	z := f.buf
	for j := range h {
		z[j] = complex(src[2*j], src[2*j+1])
	}
	f.forwardPacked(dst)
}

// forwardWindowed is Forward of src·window, without a separate pass for
// the window (the STFT's analysis).
func (f *mixedRadixRealFFT) forwardWindowed(dst []complex64, src, window []float32) {
	h := f.n / 2
	vec.Mul(asFloats(f.buf), src[:2*h], window[:2*h])
	f.forwardPacked(dst[:h+1])
}

// forwardPacked transforms the samples packed in f.buf and untangles them.
func (f *mixedRadixRealFFT) forwardPacked(dst []complex64) {
	h := f.n / 2
	z := f.buf
	f.half.transform(z)
	// Untangle: with E and O the spectra of the even and odd samples,
	// Z[k] = E[k] + iO[k] and X[k] = E[k] + w^k O[k].
	z0 := z[0]
	dst[0] = complex(real(z0)+imag(z0), 0)
	dst[h] = complex(real(z0)-imag(z0), 0)
	// Bins k and h-k share their sums: X[h-k] = conj(E[k] - w^k O[k]).
	k := 1
	if blocks := f.untangleBlocks(); blocks > 0 {
		untangleForwardAVX2(&dst[0], &z[0], &f.twiddle[0], h, blocks)
		k += 4 * blocks
	}
	for ; k <= h/2; k++ {
		a := z[k]
		b := z[h-k]
		er := 0.5 * (real(a) + real(b))
		ei := 0.5 * (imag(a) - imag(b))
		or := 0.5 * (imag(a) + imag(b))
		oi := -0.5 * (real(a) - real(b))
		w := f.twiddle[k]
		wor := real(w)*or - imag(w)*oi
		woi := real(w)*oi + imag(w)*or
		dst[k] = complex(er+wor, ei+woi)
		if k != h-k {
			dst[h-k] = complex(er-wor, woi-ei)
		}
	}
}

func (f *mixedRadixRealFFT) Inverse(dst []float32, src []complex64) {
	h := f.n / 2
	if len(dst) != f.n || len(src) != h+1 {
		panic(fmt.Sprintf("dsp: RealFFT.Inverse of length %d got dst %d, src %d (want %d, %d)", f.n, len(dst), len(src), f.n, h+1))
	}
	f.inversePacked(src)
	z := f.buf
	scale := 1 / float32(h)
	for j := range h {
		dst[2*j] = real(z[j]) * scale
		dst[2*j+1] = -imag(z[j]) * scale
	}
}

// inverseWindowed is Inverse followed by multiplying by window, in one pass
// (the STFT's synthesis).
func (f *mixedRadixRealFFT) inverseWindowed(dst []float32, src []complex64, window []float32) {
	h := f.n / 2
	f.inversePacked(src[:h+1])
	// f.buf holds the conjugate: negate the imaginary parts while scaling.
	scale := 1 / float32(h)
	vec.MulAlternate(dst[:2*h], asFloats(f.buf), window[:2*h], scale, -scale)
}

// asFloats views complex values as their interleaved real and imaginary
// parts.
func asFloats(z []complex64) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(z))), 2*len(z))
}

// inversePacked leaves in f.buf the conjugate of the packed samples whose
// spectrum is src, unscaled.
func (f *mixedRadixRealFFT) inversePacked(src []complex64) {
	h := f.n / 2
	z := f.buf
	// Rebuild Z[k] = E[k] + iO[k] from X, using E[k] = (X[k] + conj X[h-k])/2
	// and O[k] = (X[k] - conj X[h-k]) conj(w^k)/2, then invert the half-size
	// transform through conjugation.
	// Bins k and h-k share their sums: Z[h-k] = conj(E[k]) + i conj(O[k]).
	// Bin 0 (whose mirror h is not stored) always takes the Go version.
	f.rebuildBin(z, src, 0)
	k := 1
	if blocks := f.untangleBlocks(); blocks > 0 {
		untangleInverseAVX2(&z[0], &src[0], &f.twiddle[0], h, blocks)
		k += 4 * blocks
	}
	for ; k <= h/2; k++ {
		f.rebuildBin(z, src, k)
	}
	f.half.transform(z)
}

// rebuildBin is inversePacked's step for bins k and h-k.
func (f *mixedRadixRealFFT) rebuildBin(z, src []complex64, k int) {
	h := f.n / 2
	a := src[k]
	b := src[h-k]
	er := 0.5 * (real(a) + real(b))
	ei := 0.5 * (imag(a) - imag(b))
	dr := 0.5 * (real(a) - real(b))
	di := 0.5 * (imag(a) + imag(b))
	w := f.twiddle[k]
	// O = d * conj(w)
	or := dr*real(w) + di*imag(w)
	oi := di*real(w) - dr*imag(w)
	// conj(Z) = conj(E + iO), for the inverse by forward transform.
	z[k] = complex(er-oi, -(ei + or))
	if k != 0 && k != h-k {
		z[h-k] = complex(er+oi, ei-or)
	}
}

// untangleBlocks returns how many blocks of four bins, from bin 1, the
// AVX2 untangling takes (0 without AVX2): all whose mirrors lie beyond
// them, which leaves bin h/2 and at most three below it to the Go loop.
func (f *mixedRadixRealFFT) untangleBlocks() int {
	if !f.simd {
		return 0
	}
	return (f.n/4 - 1) / 4
}

// windowedFFT is implemented by RealFFTs that can fuse the STFT's window
// into their first or last pass.
type windowedFFT interface {
	forwardWindowed(dst []complex64, src, window []float32)
	inverseWindowed(dst []float32, src []complex64, window []float32)
}
