//go:build amd64 && !purego

#include "textflag.h"

// func dotAVX2(a, b *float32, n int) float32
TEXT ·dotAVX2(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	SHLQ $2, CX // bytes
	XORQ AX, AX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1

	// Two sums, sixteen floats a step, so that one FMA's latency hides
	// behind the other's.
	MOVQ CX, DX
	ANDQ $-64, DX
	JZ   tail8

loop16:
	VMOVUPS     (SI)(AX*1), Y2
	VMOVUPS     32(SI)(AX*1), Y3
	VFMADD231PS (DI)(AX*1), Y2, Y0
	VFMADD231PS 32(DI)(AX*1), Y3, Y1
	ADDQ        $64, AX
	CMPQ        AX, DX
	JLT         loop16

tail8:
	CMPQ        AX, CX
	JGE         reduce
	VMOVUPS     (SI)(AX*1), Y2
	VFMADD231PS (DI)(AX*1), Y2, Y0

reduce:
	VADDPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VHADDPS      X0, X0, X0
	VHADDPS      X0, X0, X0
	VZEROUPPER
	MOVSS        X0, ret+24(FP)
	RET

// func matVec4AVX2(y, w, x, bias *float32, rows, in int)
TEXT ·matVec4AVX2(SB), NOSPLIT, $0-48
	MOVQ y+0(FP), DI
	MOVQ w+8(FP), SI
	MOVQ x+16(FP), DX
	MOVQ bias+24(FP), R8
	MOVQ rows+32(FP), R9
	MOVQ in+40(FP), R11
	SHLQ $2, R11 // bytes per row

rows4:
	// Four rows at once: each load of x feeds four FMAs.
	LEAQ   (SI)(R11*1), R12
	LEAQ   (R12)(R11*1), R13
	LEAQ   (R13)(R11*1), R14
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	XORQ   AX, AX

cols:
	VMOVUPS     (DX)(AX*1), Y4
	VFMADD231PS (SI)(AX*1), Y4, Y0
	VFMADD231PS (R12)(AX*1), Y4, Y1
	VFMADD231PS (R13)(AX*1), Y4, Y2
	VFMADD231PS (R14)(AX*1), Y4, Y3
	ADDQ        $32, AX
	CMPQ        AX, R11
	JLT         cols

	// Y0..Y3 → one lane each: [Σrow0 Σrow1 Σrow2 Σrow3].
	VHADDPS      Y1, Y0, Y0
	VHADDPS      Y3, Y2, Y2
	VHADDPS      Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS       X1, X0, X0
	VADDPS       (R8), X0, X0
	VMOVUPS      X0, (DI)

	ADDQ $16, DI
	ADDQ $16, R8
	LEAQ (R14)(R11*1), SI
	SUBQ $4, R9
	JGT  rows4

	VZEROUPPER
	RET

// Constants of logisticAVX2, broadcast from here.
DATA expc<>+0(SB)/4, $-87.0
DATA expc<>+4(SB)/4, $88.0
DATA expc<>+8(SB)/4, $1.4426950408889634     // log2 e
DATA expc<>+12(SB)/4, $0.693145751953125     // ln 2, high part
DATA expc<>+16(SB)/4, $1.4286067653302226e-06 // ln 2, low part
DATA expc<>+20(SB)/4, $0.0001984126984126984 // 1/7!
DATA expc<>+24(SB)/4, $0.001388888888888889  // 1/6!
DATA expc<>+28(SB)/4, $0.008333333333333333  // 1/5!
DATA expc<>+32(SB)/4, $0.041666666666666664  // 1/4!
DATA expc<>+36(SB)/4, $0.16666666666666666   // 1/3!
DATA expc<>+40(SB)/4, $0.5                   // 1/2!
DATA expc<>+44(SB)/4, $1.0
DATA expc<>+48(SB)/4, $127                   // exponent bias, as an integer
GLOBL expc<>(SB), RODATA|NOPTR, $52

// EXPCONSTS loads the constants EXPBODY needs into Y6..Y11 and Y13.
#define EXPCONSTS \
	VBROADCASTSS expc<>+44(SB), Y13 \
	VBROADCASTSS expc<>+0(SB), Y11  \
	VBROADCASTSS expc<>+4(SB), Y10  \
	VBROADCASTSS expc<>+8(SB), Y9   \
	VBROADCASTSS expc<>+12(SB), Y8  \
	VBROADCASTSS expc<>+16(SB), Y7  \
	VBROADCASTSS expc<>+48(SB), Y6

// EXPBODY: Y2 = e^Y0, Y0 clamped to [−87, 88]; uses Y1 and Y3.
// k = round(y·log2 e), r = y − k·ln2, p = e^r by Horner's rule, then
// e^y = p·2^k with 2^k built in the exponent bits.
#define EXPBODY \
	VMAXPS       Y11, Y0, Y0            \
	VMINPS       Y10, Y0, Y0            \
	VMULPS       Y9, Y0, Y1             \
	VROUNDPS     $0, Y1, Y1             \
	VFNMADD231PS Y8, Y1, Y0             \
	VFNMADD231PS Y7, Y1, Y0             \
	VBROADCASTSS expc<>+20(SB), Y2      \
	VBROADCASTSS expc<>+24(SB), Y3      \
	VFMADD213PS  Y3, Y0, Y2             \
	VBROADCASTSS expc<>+28(SB), Y3      \
	VFMADD213PS  Y3, Y0, Y2             \
	VBROADCASTSS expc<>+32(SB), Y3      \
	VFMADD213PS  Y3, Y0, Y2             \
	VBROADCASTSS expc<>+36(SB), Y3      \
	VFMADD213PS  Y3, Y0, Y2             \
	VBROADCASTSS expc<>+40(SB), Y3      \
	VFMADD213PS  Y3, Y0, Y2             \
	VFMADD213PS  Y13, Y0, Y2            \
	VFMADD213PS  Y13, Y0, Y2            \
	VCVTPS2DQ    Y1, Y1                 \
	VPADDD       Y6, Y1, Y1             \
	VPSLLD       $23, Y1, Y1            \
	VMULPS       Y1, Y2, Y2

// func expAVX2(dst, src *float32, n int)
TEXT ·expAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $2, CX
	XORQ AX, AX
	EXPCONSTS

exploop:
	VMOVUPS (SI)(AX*1), Y0
	EXPBODY
	VMOVUPS Y2, (DI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     exploop
	VZEROUPPER
	RET

// func logisticAVX2(dst, src *float32, n int, a, b float32)
TEXT ·logisticAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $2, CX
	XORQ AX, AX

	VBROADCASTSS a+24(FP), Y15
	VBROADCASTSS b+28(FP), Y14
	EXPCONSTS
	VSUBPS       Y13, Y14, Y12 // b−1
	VXORPS       Y5, Y5, Y5

loop:
	// e^(−a·x), then b/(1+e^(−a·x)) − (b−1)
	VMULPS  (SI)(AX*1), Y15, Y0
	VSUBPS  Y0, Y5, Y0
	EXPBODY
	VADDPS  Y13, Y2, Y2
	VDIVPS  Y2, Y14, Y2
	VSUBPS  Y12, Y2, Y2
	VMOVUPS Y2, (DI)(AX*1)

	ADDQ $32, AX
	CMPQ AX, CX
	JLT  loop

	VZEROUPPER
	RET

DATA logc<>+0(SB)/4, $0x007fffff            // mantissa bits
DATA logc<>+4(SB)/4, $0x3f800000            // exponent of 1.0
DATA logc<>+8(SB)/4, $127                   // exponent bias
DATA logc<>+12(SB)/4, $0.69314718055994530942 // ln 2
DATA logc<>+16(SB)/4, $0.1111111111111111   // 1/9
DATA logc<>+20(SB)/4, $0.14285714285714285  // 1/7
DATA logc<>+24(SB)/4, $0.2                  // 1/5
DATA logc<>+28(SB)/4, $0.3333333333333333   // 1/3
DATA logc<>+32(SB)/4, $1.0
DATA logc<>+36(SB)/4, $2.0
GLOBL logc<>(SB), RODATA|NOPTR, $40

// func logAVX2(dst, src *float32, n int)
TEXT ·logAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX
	SHLQ $2, CX
	XORQ AX, AX
	VPBROADCASTD logc<>+0(SB), Y15
	VPBROADCASTD logc<>+4(SB), Y14
	VPBROADCASTD logc<>+8(SB), Y13
	VBROADCASTSS logc<>+12(SB), Y12
	VBROADCASTSS logc<>+16(SB), Y11
	VBROADCASTSS logc<>+20(SB), Y10
	VBROADCASTSS logc<>+24(SB), Y9
	VBROADCASTSS logc<>+28(SB), Y8
	VBROADCASTSS logc<>+32(SB), Y7
	VBROADCASTSS logc<>+36(SB), Y6

logloop:
	VMOVUPS  (SI)(AX*1), Y0
	VPSRLD   $23, Y0, Y1       // biased exponent (x >= 0)
	VPSUBD   Y13, Y1, Y1
	VCVTDQ2PS Y1, Y1           // e
	VPAND    Y15, Y0, Y0
	VPOR     Y14, Y0, Y0       // m in [1, 2)
	VSUBPS   Y7, Y0, Y2        // m−1
	VADDPS   Y7, Y0, Y3        // m+1
	VDIVPS   Y3, Y2, Y2        // z
	VMULPS   Y2, Y2, Y3        // z²
	VMOVAPS  Y11, Y4
	VFMADD213PS Y10, Y3, Y4    // 1/9·z² + 1/7
	VFMADD213PS Y9, Y3, Y4     // ·z² + 1/5
	VFMADD213PS Y8, Y3, Y4     // ·z² + 1/3
	VFMADD213PS Y7, Y3, Y4     // ·z² + 1
	VMULPS   Y6, Y2, Y2        // 2z
	VMULPS   Y4, Y2, Y2        // ln m
	VFMADD231PS Y12, Y1, Y2    // + e·ln2
	VMOVUPS  Y2, (DI)(AX*1)
	ADDQ     $32, AX
	CMPQ     AX, CX
	JLT      logloop
	VZEROUPPER
	RET

// func mulAltAVX2(dst, a, b *float32, n int, sEven, sOdd float32)
TEXT ·mulAltAVX2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DX
	MOVQ n+24(FP), CX
	SHLQ $2, CX
	XORQ AX, AX
	// Y3 = [sEven sOdd sEven sOdd ...]
	VBROADCASTSS sEven+32(FP), Y3
	VBROADCASTSS sOdd+36(FP), Y4
	VBLENDPS     $0xAA, Y4, Y3, Y3

mulalt:
	VMOVUPS (SI)(AX*1), Y0
	VMULPS  (DX)(AX*1), Y0, Y0
	VMULPS  Y3, Y0, Y0
	VMOVUPS Y0, (DI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JLT     mulalt
	VZEROUPPER
	RET
