//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

// useAVX2 is fixed at start-up from the CPU's features and never changes.
var useAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// dotAVX2 returns the inner product of n floats at a and b; n is a
// positive multiple of 8.
//
//go:noescape
func dotAVX2(a, b *float32, n int) float32

// matVec4AVX2 writes y[r] = bias[r] + Σ_i w[r·in+i]·x[i] for r < rows;
// rows is a positive multiple of 4 and in of 8.
//
//go:noescape
func matVec4AVX2(y, w, x, bias *float32, rows, in int)

// logisticAVX2 writes b/(1+e^(−a·x)) − (b−1) for the n floats at src to
// dst; n is a positive multiple of 8.
//
//go:noescape
func logisticAVX2(dst, src *float32, n int, a, b float32)

// expAVX2 writes e^x for the n floats at src to dst; n is a positive
// multiple of 8.
//
//go:noescape
func expAVX2(dst, src *float32, n int)

// logAVX2 writes ln x for the n floats (>= 0) at src to dst; n is a
// positive multiple of 8.
//
//go:noescape
func logAVX2(dst, src *float32, n int)

// mulAltAVX2 is MulAlternate's body for n floats, n a positive multiple
// of 8.
//
//go:noescape
func mulAltAVX2(dst, a, b *float32, n int, sEven, sOdd float32)
