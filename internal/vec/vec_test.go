package vec

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func randomVector(rng *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

// dot64 is the reference: float64 sums of float32 products.
func dot64(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

// closeTo allows for float32 rounding in a sum of n terms of size scale.
func closeTo(t *testing.T, want float64, got float32, n int, scale float64, msg string) {
	t.Helper()
	tol := 4e-7 * math.Sqrt(float64(n)+1) * scale * 8
	assert.InDelta(t, want, float64(got), tol, msg)
}

func TestDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 80 {
		a := randomVector(rng, n)
		b := randomVector(rng, n+3) // b may be longer
		want := dot64(a, b)
		closeTo(t, want, Dot(a, b), n, 1, "Dot n=%d")
		closeTo(t, want, dotGeneric(a, b), n, 1, "dotGeneric n=%d")
	}
}

func TestDotExactOnIntegers(t *testing.T) {
	// Small integers are exact in float32 whatever the order of the sums,
	// so every path must give exactly the same answer.
	for n := range 40 {
		a := make([]float32, n)
		b := make([]float32, n)
		var want float32
		for i := range a {
			a[i] = float32(i + 1)
			b[i] = float32(2*i - 3)
			want += a[i] * b[i]
		}
		assert.Equal(t, want, Dot(a, b), "n=%d", n)
		assert.Equal(t, want, dotGeneric(a, b), "n=%d", n)
	}
}

func TestMatVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, shape := range [][2]int{{1, 1}, {4, 8}, {5, 8}, {7, 3}, {32, 192}, {33, 64}, {64, 96}, {192, 64}, {3, 16}, {8, 12}} {
		rows, in := shape[0], shape[1]
		w := randomVector(rng, rows*in)
		x := randomVector(rng, in)
		bias := randomVector(rng, rows)
		y := make([]float32, rows)
		MatVec(y, w, x, bias)
		g := make([]float32, rows)
		done := matVec4Generic(g, w, x, bias)
		for r := done; r < rows; r++ {
			g[r] = bias[r] + dotGeneric(w[r*in:(r+1)*in], x)
		}
		for r := range rows {
			want := float64(bias[r]) + dot64(w[r*in:(r+1)*in], x)
			closeTo(t, want, y[r], in, 1, "MatVec")
			closeTo(t, want, g[r], in, 1, "generic")
		}
	}
}

func TestMatVecDoesNotWritePastY(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	w := randomVector(rng, 8*16)
	x := randomVector(rng, 16)
	bias := randomVector(rng, 8)
	buf := make([]float32, 10)
	buf[8], buf[9] = 42, 43
	MatVec(buf[:8], w, x, bias)
	require.Equal(t, float32(42), buf[8])
	require.Equal(t, float32(43), buf[9])
}

func BenchmarkMatVec192x64(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	w := randomVector(rng, 192*64)
	x := randomVector(rng, 64)
	bias := randomVector(rng, 192)
	y := make([]float32, 192)
	b.ReportAllocs()
	for b.Loop() {
		MatVec(y, w, x, bias)
	}
}

func BenchmarkDot64(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	x := randomVector(rng, 64)
	y := randomVector(rng, 64)
	var s float32
	for b.Loop() {
		s += Dot(x, y)
	}
	_ = s
}

func TestActivations(t *testing.T) {
	var xs []float32
	for x := float32(-100); x <= 100; x += 0.00731 {
		xs = append(xs, x)
	}
	xs = append(xs, 0, float32(math.Copysign(0, -1)), 1e-8, -1e-8, float32(math.Inf(1)), float32(math.Inf(-1)))
	sig := make([]float32, len(xs))
	th := make([]float32, len(xs))
	ex := make([]float32, len(xs))
	ExpSlice(ex, xs)
	Sigmoid(sig, xs)
	Tanh(th, xs)
	var worstExp, worstSig, worstTanh float64
	for i, x := range xs {
		x64 := float64(x)
		if x >= -87 && x <= 88 {
			want := math.Exp(x64)
			worstExp = max(worstExp, math.Abs(float64(Exp(x))-want)/want)
			worstExp = max(worstExp, math.Abs(float64(ex[i])-want)/want)
		}
		worstSig = max(worstSig, math.Abs(float64(sig[i])-1/(1+math.Exp(-x64))))
		worstTanh = max(worstTanh, math.Abs(float64(th[i])-math.Tanh(x64)))
		// The scalar tail must agree with the vector body.
		one := []float32{x}
		Sigmoid(one, one)
		require.InDelta(t, sig[i], one[0], 2e-7, "sigmoid(%g): vector and scalar", x)
	}
	assert.Less(t, worstExp, 2e-7, "Exp relative error")
	assert.Less(t, worstSig, 2e-7, "Sigmoid absolute error")
	assert.Less(t, worstTanh, 3e-7, "Tanh absolute error")
	t.Logf("worst errors: Exp %.2g relative, Sigmoid %.2g, Tanh %.2g (AVX2 %v)", worstExp, worstSig, worstTanh, useAVX2)
}

func BenchmarkSigmoid192(b *testing.B) {
	x := make([]float32, 192)
	for i := range x {
		x[i] = float32(i-96) / 10
	}
	y := make([]float32, 192)
	for b.Loop() {
		Sigmoid(y, x)
	}
}

func TestLog(t *testing.T) {
	var xs []float32
	for x := float32(1e-30); x < 1e30; x *= 1.0137 {
		xs = append(xs, x)
	}
	xs = append(xs, 1, 2, 0.5, math.MaxFloat32)
	got := make([]float32, len(xs))
	LogSlice(got, xs)
	var worst float64
	for i, x := range xs {
		want := math.Log(float64(x))
		// float32 rounding of the result grows with |ln x|.
		tol := 1.5e-6 + 1.2e-7*math.Abs(want)
		worst = max(worst, math.Abs(float64(got[i])-want)/tol, math.Abs(float64(Log(x))-want)/tol)
	}
	assert.Less(t, worst, 1.0, "Log error, in units of 1.5e-6 + 1.2e-7·|ln x|")
	assert.Equal(t, float32(0), Log(1), "ln 1 is exactly 0")
	// Zero gives a large negative number, not -Inf or NaN.
	zeros := make([]float32, 9)
	LogSlice(zeros, zeros)
	for _, v := range zeros {
		assert.InDelta(t, -88, v, 1)
	}
	t.Logf("worst error %.2g of the tolerance (AVX2 %v)", worst, useAVX2)
}

func TestMulAlternate(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for n := range 40 {
		a := randomVector(rng, n)
		b := randomVector(rng, n+1)
		got := make([]float32, n)
		MulAlternate(got, a, b, 0.5, -0.25)
		for i := range got {
			s := float32(0.5)
			if i%2 == 1 {
				s = -0.25
			}
			require.Equal(t, a[i]*b[i]*s, got[i], "n=%d i=%d", n, i)
		}
		Mul(got, a, b)
		for i := range got {
			require.Equal(t, a[i]*b[i], got[i], "Mul n=%d i=%d", n, i)
		}
	}
}

func TestKernelsOnUnalignedSlices(t *testing.T) {
	// Callers pass sub-slices at any offset; the kernels use unaligned loads.
	rng := rand.New(rand.NewPCG(15, 16))
	buf := randomVector(rng, 4096)
	for off := range 9 {
		w := buf[off : off+32*24]
		x := buf[off+1000 : off+1000+24]
		bias := buf[off+2000 : off+2000+32]
		y := make([]float32, 32+off)[off:]
		MatVec(y, w, x, bias)
		for r := range y {
			want := float64(bias[r]) + dot64(w[r*24:(r+1)*24], x)
			closeTo(t, want, y[r], 24, 1, "MatVec at offset")
		}
		src := buf[off+3000 : off+3000+37]
		dst := make([]float32, 37+off)[off:]
		ExpSlice(dst, src)
		for i, v := range src {
			assert.InEpsilon(t, math.Exp(float64(v)), float64(dst[i]), 3e-7)
		}
	}
}
