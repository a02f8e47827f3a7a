package dsp

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/dsp/fourier"
)

// fftTestSizes covers every radix path: powers of two and four, the 10/20 ms
// frames of common rates (160, 320, 441*2, 480, 960), primes and odd mixes.
var fftTestSizes = []int{2, 4, 6, 8, 10, 14, 16, 22, 30, 34, 64, 160, 220, 256, 320, 442, 480, 482, 640, 882, 960, 1024}

func TestRealFFTMatchesDirectDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range fftTestSizes {
		f, err := NewRealFFT(n)
		require.NoError(t, err)
		require.Equal(t, n, f.Len())
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		got := make([]complex64, n/2+1)
		f.Forward(got, x)
		for k := range got {
			var want complex128
			for j, v := range x {
				want += complex(float64(v), 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(j*k)/float64(n)))
			}
			assert.InDelta(t, 0, cmplx.Abs(complex128(got[k])-want), 1e-4*math.Sqrt(float64(n)), "n=%d bin %d", n, k)
		}
	}
}

func TestRealFFTMatchesGonum(t *testing.T) {
	// gonum's fftpack port is an independent reference for larger sizes.
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{480, 882, 960, 1920} {
		f, err := NewRealFFT(n)
		require.NoError(t, err)
		ref := fourier.NewFFT(n)
		x := make([]float32, n)
		x64 := make([]float64, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
			x64[i] = float64(x[i])
		}
		got := make([]complex64, n/2+1)
		f.Forward(got, x)
		want := ref.Coefficients(nil, x64)
		for k := range got {
			assert.InDelta(t, 0, cmplx.Abs(complex128(got[k])-want[k]), 2e-4*math.Sqrt(float64(n)), "n=%d bin %d", n, k)
		}
	}
}

func TestRealFFTRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range fftTestSizes {
		f, err := NewRealFFT(n)
		require.NoError(t, err)
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.Float64()*2 - 1)
		}
		spec := make([]complex64, n/2+1)
		y := make([]float32, n)
		f.Forward(spec, x)
		f.Inverse(y, spec)
		for i := range x {
			require.InDelta(t, x[i], y[i], 2e-6, "n=%d sample %d", n, i)
		}
	}
}

func TestRealFFTRejectsOddLengths(t *testing.T) {
	for _, n := range []int{-2, 0, 1, 3, 481} {
		_, err := NewRealFFT(n)
		assert.ErrorIs(t, err, ErrFFTLength, "n=%d", n)
	}
}

func TestRealFFTDoesNotAllocate(t *testing.T) {
	f, err := NewRealFFT(882)
	require.NoError(t, err)
	x := make([]float32, 882)
	spec := make([]complex64, 442)
	allocs := testing.AllocsPerRun(50, func() {
		f.Forward(spec, x)
		f.Inverse(x, spec)
	})
	assert.Zero(t, allocs)
}

func BenchmarkRealFFTRoundTrip(b *testing.B) {
	for _, n := range []int{160, 320, 480, 882, 960, 1024} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			f, _ := NewRealFFT(n)
			x := make([]float32, n)
			spec := make([]complex64, n/2+1)
			b.ReportAllocs()
			for b.Loop() {
				f.Forward(spec, x)
				f.Inverse(x, spec)
			}
		})
	}
}

func BenchmarkGonumFFTRoundTrip(b *testing.B) {
	for _, n := range []int{480, 960} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			f := fourier.NewFFT(n)
			x := make([]float64, n)
			spec := make([]complex128, n/2+1)
			b.ReportAllocs()
			for b.Loop() {
				f.Coefficients(spec, x)
				f.Sequence(x, spec)
			}
		})
	}
}

func TestStockhamAVX2MatchesGo(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 and FMA on this machine or build")
	}
	// Sizes whose stages take each AVX2 pass: a first radix-4 pass with
	// m%4 == 0, radix-4/2/3 passes with s%4 == 0, and a last radix-5 pass.
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{16, 32, 40, 48, 64, 80, 96, 160, 240, 320, 441, 480, 512, 960} {
		fast, slow := newStockhamFFT(n), newStockhamFFT(n)
		slow.simd = false
		x := make([]complex64, n)
		for i := range x {
			x[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
		}
		a, b := slices.Clone(x), slices.Clone(x)
		fast.transform(a)
		slow.transform(b)
		for k := range a {
			require.InDelta(t, 0, cmplx.Abs(complex128(a[k]-b[k])), 2e-5*math.Sqrt(float64(n)), "n=%d bin %d", n, k)
		}
	}
}

func TestRealFFTAVX2MatchesGo(t *testing.T) {
	if !haveAVX2 {
		t.Skip("no AVX2 and FMA on this machine or build")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{18, 20, 22, 40, 160, 320, 882, 960} {
		fast, err := newMixedRadixRealFFT(n)
		require.NoError(t, err)
		slow, _ := newMixedRadixRealFFT(n)
		slow.simd, slow.half.simd = false, false
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
		a, b := make([]complex64, n/2+1), make([]complex64, n/2+1)
		fast.Forward(a, x)
		slow.Forward(b, x)
		for k := range a {
			require.InDelta(t, 0, cmplx.Abs(complex128(a[k]-b[k])), 2e-5*math.Sqrt(float64(n)), "forward n=%d bin %d", n, k)
		}
		ya, yb := make([]float32, n), make([]float32, n)
		fast.Inverse(ya, b)
		slow.Inverse(yb, slices.Clone(b))
		for i := range ya {
			require.InDelta(t, yb[i], ya[i], 2e-6, "inverse n=%d sample %d", n, i)
		}
	}
}
