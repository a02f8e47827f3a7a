//go:build amd64 && !purego

package dsp

import "golang.org/x/sys/cpu"

// haveAVX2 is fixed at start-up from the CPU's features and never changes.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// The AVX2 passes below do four complex values per instruction. Each
// computes exactly the butterfly of its Go counterpart in fft_stockham.go
// (up to the rounding of fused multiply-adds).

// radix4FirstAVX2 is the first radix-4 pass (s = 1), four values of p at a
// time; tw holds the twiddles k-major (tw[(k-1)·m+p]); m % 4 == 0.
//
//go:noescape
func radix4FirstAVX2(dst, src, tw *complex64, m int)

// radix4StrideAVX2 is a radix-4 pass with s % 4 == 0, four values of q at
// a time; tw holds the twiddles p-major (tw[3p+k-1]).
//
//go:noescape
func radix4StrideAVX2(dst, src, tw *complex64, m, s int)

// radix2StrideAVX2 is a radix-2 pass with s % 4 == 0.
//
//go:noescape
func radix2StrideAVX2(dst, src, tw *complex64, m, s int)

// radix3StrideAVX2 is a radix-3 pass with s % 4 == 0 (tw[2p+k-1]).
//
//go:noescape
func radix3StrideAVX2(dst, src, tw *complex64, m, s int)

// radix5LastAVX2 is a last radix-5 pass (m = 1, no twiddles) with
// s % 4 == 0.
//
//go:noescape
func radix5LastAVX2(dst, src *complex64, s int)

// untangleForwardAVX2 does forwardPacked's untangling for k = 1 to
// 4·blocks, with the mirrored bins h−k; 4·blocks < h/2.
//
//go:noescape
func untangleForwardAVX2(out, in, tw *complex64, h, blocks int)

// untangleInverseAVX2 does inversePacked's rebuilding for k = 1 to
// 4·blocks, with the mirrored bins h−k; 4·blocks < h/2.
//
//go:noescape
func untangleInverseAVX2(out, in, tw *complex64, h, blocks int)
