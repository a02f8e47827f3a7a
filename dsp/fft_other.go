//go:build !amd64 || purego

package dsp

const haveAVX2 = false

func radix4FirstAVX2(dst, src, tw *complex64, m int)     { panic("dsp: no AVX2 on this build") }
func radix4StrideAVX2(dst, src, tw *complex64, m, s int) { panic("dsp: no AVX2 on this build") }
func radix2StrideAVX2(dst, src, tw *complex64, m, s int) { panic("dsp: no AVX2 on this build") }
func radix3StrideAVX2(dst, src, tw *complex64, m, s int) { panic("dsp: no AVX2 on this build") }
func radix5LastAVX2(dst, src *complex64, s int)          { panic("dsp: no AVX2 on this build") }

func untangleForwardAVX2(out, in, tw *complex64, h, blocks int) { panic("dsp: no AVX2 on this build") }
func untangleInverseAVX2(out, in, tw *complex64, h, blocks int) { panic("dsp: no AVX2 on this build") }
