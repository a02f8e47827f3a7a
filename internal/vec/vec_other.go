//go:build !amd64 || purego

package vec

const useAVX2 = false

func dotAVX2(a, b *float32, n int) float32 { panic("vec: no AVX2 kernel on this build") }

func matVec4AVX2(y, w, x, bias *float32, rows, in int) {
	panic("vec: no AVX2 kernel on this build")
}

func logisticAVX2(dst, src *float32, n int, a, b float32) {
	panic("vec: no AVX2 kernel on this build")
}

func expAVX2(dst, src *float32, n int) { panic("vec: no AVX2 kernel on this build") }

func logAVX2(dst, src *float32, n int) { panic("vec: no AVX2 kernel on this build") }

func mulAltAVX2(dst, a, b *float32, n int, sEven, sOdd float32) {
	panic("vec: no AVX2 kernel on this build")
}
