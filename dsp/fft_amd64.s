//go:build amd64 && !purego

#include "textflag.h"

// Sign masks on interleaved complex64 lanes (re, im, re, im, ...).
DATA negim<>+0(SB)/8, $0x8000000000000000
DATA negim<>+8(SB)/8, $0x8000000000000000
DATA negim<>+16(SB)/8, $0x8000000000000000
DATA negim<>+24(SB)/8, $0x8000000000000000
GLOBL negim<>(SB), RODATA|NOPTR, $32

DATA negre<>+0(SB)/8, $0x0000000080000000
DATA negre<>+8(SB)/8, $0x0000000080000000
DATA negre<>+16(SB)/8, $0x0000000080000000
DATA negre<>+24(SB)/8, $0x0000000080000000
GLOBL negre<>(SB), RODATA|NOPTR, $32

// MULNEGI: x = −i·x, i.e. (im, −re).
#define MULNEGI(x) VPERMILPS $0xB1, x, x; VXORPS negim<>(SB), x, x

// MULI: x = i·x, i.e. (−im, re).
#define MULI(x) VPERMILPS $0xB1, x, x; VXORPS negre<>(SB), x, x

// CMUL: out = v·w with w's real and imaginary parts broadcast in wr, wi.
#define CMUL(v, wr, wi, out) VPERMILPS $0xB1, v, out; VMULPS wi, out, out; VFMADDSUB231PS wr, v, out

// CMULV: out = v·w for four different w (interleaved in w); tmp is scratch.
#define CMULV(v, w, out, tmp) VMOVSHDUP w, tmp; VPERMILPS $0xB1, v, out; VMULPS tmp, out, out; VMOVSLDUP w, tmp; VFMADDSUB231PS tmp, v, out

// BCAST: wr, wi = real and imaginary part of the complex64 at off(base).
#define BCAST(off, base, wr, wi) VBROADCASTSS off(base), wr; VBROADCASTSS off+4(base), wi

// func radix4FirstAVX2(dst, src, tw *complex64, m int)
TEXT ·radix4FirstAVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ tw+16(FP), R8
	MOVQ m+24(FP), R9
	MOVQ R9, R12
	SHLQ $3, R12             // m·8: from in_k to in_k+1, and from tw_k to tw_k+1
	LEAQ (SI)(R12*1), R13    // in1
	LEAQ (R13)(R12*1), R14   // in2
	LEAQ (R14)(R12*1), BX   // in3
	LEAQ (R8)(R12*1), R10    // tw2
	LEAQ (R10)(R12*1), R11   // tw3
	XORQ AX, AX

first4:
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS (R13)(AX*1), Y1
	VMOVUPS (R14)(AX*1), Y2
	VMOVUPS (BX)(AX*1), Y3
	VADDPS  Y2, Y0, Y4       // t0 = a0+a2
	VSUBPS  Y2, Y0, Y5       // t1 = a0−a2
	VADDPS  Y3, Y1, Y6       // t2 = a1+a3
	VSUBPS  Y3, Y1, Y7       // a1−a3
	MULNEGI(Y7)              // t3 = −i(a1−a3)
	VADDPS  Y6, Y4, Y0       // y0 = t0+t2
	VADDPS  Y7, Y5, Y1       // t1+t3
	VSUBPS  Y6, Y4, Y2       // t0−t2
	VSUBPS  Y7, Y5, Y3       // t1−t3
	VMOVUPS (R8)(AX*1), Y8
	CMULV(Y1, Y8, Y4, Y9)    // y1
	VMOVUPS (R10)(AX*1), Y8
	CMULV(Y2, Y8, Y5, Y9)    // y2
	VMOVUPS (R11)(AX*1), Y8
	CMULV(Y3, Y8, Y6, Y9)    // y3

	// Transpose: row j = [y0.j y1.j y2.j y3.j] goes to out[4(p+j)...].
	VUNPCKLPD  Y4, Y0, Y8
	VUNPCKHPD  Y4, Y0, Y9
	VUNPCKLPD  Y6, Y5, Y10
	VUNPCKHPD  Y6, Y5, Y11
	VPERM2F128 $0x20, Y10, Y8, Y12
	VPERM2F128 $0x20, Y11, Y9, Y13
	VPERM2F128 $0x31, Y10, Y8, Y14
	VPERM2F128 $0x31, Y11, Y9, Y15
	VMOVUPS    Y12, (DI)
	VMOVUPS    Y13, 32(DI)
	VMOVUPS    Y14, 64(DI)
	VMOVUPS    Y15, 96(DI)

	ADDQ $128, DI
	ADDQ $32, AX
	CMPQ AX, R12
	JLT  first4
	VZEROUPPER
	RET

// func radix4StrideAVX2(dst, src, tw *complex64, m, s int)
TEXT ·radix4StrideAVX2(SB), NOSPLIT, $0-40
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  tw+16(FP), R8
	MOVQ  m+24(FP), R9
	MOVQ  s+32(FP), R11
	SHLQ  $3, R11            // s·8: from out_k to out_k+1
	MOVQ  R9, R12
	IMULQ R11, R12           // m·s·8: from in_k to in_k+1

p4:
	BCAST(0, R8, Y9, Y10)
	BCAST(8, R8, Y11, Y12)
	BCAST(16, R8, Y13, Y14)
	LEAQ (SI)(R12*1), R13
	LEAQ (R13)(R12*1), R14
	LEAQ (R14)(R12*1), R10
	LEAQ (DI)(R11*1), BX
	LEAQ (BX)(R11*1), CX
	LEAQ (CX)(R11*1), DX
	XORQ AX, AX

q4:
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS (R13)(AX*1), Y1
	VMOVUPS (R14)(AX*1), Y2
	VMOVUPS (R10)(AX*1), Y3
	VADDPS  Y2, Y0, Y4
	VSUBPS  Y2, Y0, Y5
	VADDPS  Y3, Y1, Y6
	VSUBPS  Y3, Y1, Y7
	MULNEGI(Y7)
	VADDPS  Y6, Y4, Y0
	VADDPS  Y7, Y5, Y1
	VSUBPS  Y6, Y4, Y2
	VSUBPS  Y7, Y5, Y3
	CMUL(Y1, Y9, Y10, Y4)
	CMUL(Y2, Y11, Y12, Y5)
	CMUL(Y3, Y13, Y14, Y6)
	VMOVUPS Y0, (DI)(AX*1)
	VMOVUPS Y4, (BX)(AX*1)
	VMOVUPS Y5, (CX)(AX*1)
	VMOVUPS Y6, (DX)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, R11
	JLT     q4

	ADDQ $24, R8
	ADDQ R11, SI
	LEAQ (DI)(R11*4), DI
	DECQ R9
	JNZ  p4
	VZEROUPPER
	RET

// func radix2StrideAVX2(dst, src, tw *complex64, m, s int)
TEXT ·radix2StrideAVX2(SB), NOSPLIT, $0-40
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  tw+16(FP), R8
	MOVQ  m+24(FP), R9
	MOVQ  s+32(FP), R11
	SHLQ  $3, R11
	MOVQ  R9, R12
	IMULQ R11, R12

p2:
	BCAST(0, R8, Y14, Y15)
	LEAQ (SI)(R12*1), R13
	LEAQ (DI)(R11*1), BX
	XORQ AX, AX

q2:
	VMOVUPS (SI)(AX*1), Y0
	VMOVUPS (R13)(AX*1), Y1
	VADDPS  Y1, Y0, Y2
	VSUBPS  Y1, Y0, Y3
	CMUL(Y3, Y14, Y15, Y4)
	VMOVUPS Y2, (DI)(AX*1)
	VMOVUPS Y4, (BX)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, R11
	JLT     q2

	ADDQ $8, R8
	ADDQ R11, SI
	LEAQ (DI)(R11*2), DI
	DECQ R9
	JNZ  p2
	VZEROUPPER
	RET

DATA r3c<>+0(SB)/4, $-0.5                    // cos(2π/3)
DATA r3c<>+4(SB)/4, $-0.86602540378443864676 // −sin(2π/3)
GLOBL r3c<>(SB), RODATA|NOPTR, $8

// func radix3StrideAVX2(dst, src, tw *complex64, m, s int)
TEXT ·radix3StrideAVX2(SB), NOSPLIT, $0-40
	MOVQ  dst+0(FP), DI
	MOVQ  src+8(FP), SI
	MOVQ  tw+16(FP), R8
	MOVQ  m+24(FP), R9
	MOVQ  s+32(FP), R11
	SHLQ  $3, R11
	MOVQ  R9, R12
	IMULQ R11, R12
	VBROADCASTSS r3c<>+0(SB), Y14
	VBROADCASTSS r3c<>+4(SB), Y15

p3:
	BCAST(0, R8, Y10, Y11)
	BCAST(8, R8, Y12, Y13)
	LEAQ (SI)(R12*1), R13
	LEAQ (R13)(R12*1), R14
	LEAQ (DI)(R11*1), BX
	LEAQ (BX)(R11*1), CX
	XORQ AX, AX

q3:
	VMOVUPS      (SI)(AX*1), Y0
	VMOVUPS      (R13)(AX*1), Y1
	VMOVUPS      (R14)(AX*1), Y2
	VADDPS       Y2, Y1, Y3  // sum
	VSUBPS       Y2, Y1, Y4  // dif
	VMOVAPS      Y0, Y5
	VFMADD231PS  Y14, Y3, Y5 // b = a0 + c1·sum
	MULI(Y4)
	VMULPS       Y15, Y4, Y4 // r = s1·i·dif
	VADDPS       Y3, Y0, Y0  // out0 = a0 + sum
	VADDPS       Y4, Y5, Y6  // b+r
	VSUBPS       Y4, Y5, Y7  // b−r
	CMUL(Y6, Y10, Y11, Y8)
	CMUL(Y7, Y12, Y13, Y9)
	VMOVUPS      Y0, (DI)(AX*1)
	VMOVUPS      Y8, (BX)(AX*1)
	VMOVUPS      Y9, (CX)(AX*1)
	ADDQ         $32, AX
	CMPQ         AX, R11
	JLT          q3

	ADDQ $16, R8
	ADDQ R11, SI
	LEAQ (R11)(R11*2), R10
	ADDQ R10, DI
	DECQ R9
	JNZ  p3
	VZEROUPPER
	RET

DATA r5c<>+0(SB)/4, $0.30901699437494742410   // cos(2π/5)
DATA r5c<>+4(SB)/4, $-0.80901699437494742410  // cos(4π/5)
DATA r5c<>+8(SB)/4, $-0.95105651629515357212  // −sin(2π/5)
DATA r5c<>+12(SB)/4, $-0.58778525229247312917 // −sin(4π/5)
GLOBL r5c<>(SB), RODATA|NOPTR, $16

// func radix5LastAVX2(dst, src *complex64, s int)
TEXT ·radix5LastAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ s+16(FP), R11
	SHLQ $3, R11
	VBROADCASTSS r5c<>+0(SB), Y12  // c1
	VBROADCASTSS r5c<>+4(SB), Y13  // c2
	VBROADCASTSS r5c<>+8(SB), Y14  // s1
	VBROADCASTSS r5c<>+12(SB), Y15 // s2
	LEAQ (SI)(R11*1), R13
	LEAQ (R13)(R11*1), R14
	LEAQ (R14)(R11*1), R10
	LEAQ (R10)(R11*1), R8
	LEAQ (DI)(R11*1), BX
	LEAQ (BX)(R11*1), CX
	LEAQ (CX)(R11*1), DX
	LEAQ (DX)(R11*1), R9
	XORQ AX, AX

q5:
	VMOVUPS     (SI)(AX*1), Y0
	VMOVUPS     (R13)(AX*1), Y1
	VMOVUPS     (R14)(AX*1), Y2
	VMOVUPS     (R10)(AX*1), Y3
	VMOVUPS     (R8)(AX*1), Y4
	VADDPS      Y4, Y1, Y5    // sa
	VSUBPS      Y4, Y1, Y6    // da
	VADDPS      Y3, Y2, Y7    // sb
	VSUBPS      Y3, Y2, Y8    // db
	VMOVAPS     Y0, Y1
	VFMADD231PS Y12, Y5, Y1   // a0 + c1·sa
	VFMADD231PS Y13, Y7, Y1   // r1 = ... + c2·sb
	VMOVAPS     Y0, Y2
	VFMADD231PS Y13, Y5, Y2   // a0 + c2·sa
	VFMADD231PS Y12, Y7, Y2   // r2 = ... + c1·sb
	VADDPS      Y7, Y5, Y9
	VADDPS      Y9, Y0, Y0    // out0 = a0 + sa + sb
	VMULPS      Y14, Y6, Y3
	VFMADD231PS Y15, Y8, Y3   // i1 = s1·da + s2·db
	VMULPS      Y15, Y6, Y4
	VFNMADD231PS Y14, Y8, Y4  // i2 = s2·da − s1·db
	MULI(Y3)                  // j1
	MULI(Y4)                  // j2
	VADDPS      Y3, Y1, Y5    // out1 = r1 + j1
	VSUBPS      Y3, Y1, Y6    // out4 = r1 − j1
	VADDPS      Y4, Y2, Y7    // out2 = r2 + j2
	VSUBPS      Y4, Y2, Y8    // out3 = r2 − j2
	VMOVUPS     Y0, (DI)(AX*1)
	VMOVUPS     Y5, (BX)(AX*1)
	VMOVUPS     Y7, (CX)(AX*1)
	VMOVUPS     Y8, (DX)(AX*1)
	VMOVUPS     Y6, (R9)(AX*1)
	ADDQ        $32, AX
	CMPQ        AX, R11
	JLT         q5
	VZEROUPPER
	RET

DATA half<>+0(SB)/4, $0.5
GLOBL half<>(SB), RODATA|NOPTR, $4

// The real FFT's untangling, four bins k and their mirrors h−k at a time.
// B is loaded from the mirror and lane-reversed (VPERMPD $0x1B), so lane j
// of every register belongs to the pair (k0+j, h−k0−j). Both directions
// share the set-up, the sums and the stores below; out and in are the
// output and input arrays.

// UNTANGLE_SETUP: AX/BX walk in from bin 1 and from its mirror block,
// DX/R10 walk out the same way, R11 walks the twiddles; Y15 = ½, Y14 =
// the conjugating mask.
#define UNTANGLE_SETUP \
	MOVQ         out+0(FP), DI     \
	MOVQ         in+8(FP), SI      \
	MOVQ         tw+16(FP), R8     \
	MOVQ         h+24(FP), R9      \
	MOVQ         blocks+32(FP), CX \
	VBROADCASTSS half<>(SB), Y15   \
	VMOVUPS      negim<>(SB), Y14  \
	LEAQ         8(SI), AX         \
	LEAQ         -32(SI)(R9*8), BX \
	LEAQ         8(DI), DX         \
	LEAQ         -32(DI)(R9*8), R10 \
	LEAQ         8(R8), R11

// UNTANGLE_SUMS: Y2 = E = (A + conj B)/2, Y3 = D = (A − conj B)/2, Y4 = w.
#define UNTANGLE_SUMS \
	VMOVUPS (AX), Y0      \
	VMOVUPS (BX), Y1      \
	VPERMPD $0x1B, Y1, Y1 \
	VXORPS  Y14, Y1, Y1   \
	VADDPS  Y1, Y0, Y2    \
	VMULPS  Y15, Y2, Y2   \
	VSUBPS  Y1, Y0, Y3    \
	VMULPS  Y15, Y3, Y3   \
	VMOVUPS (R11), Y4

// UNTANGLE_STORE: bins k0.. from Y0, the mirror block from Y1 (lane-
// reversed here), then every pointer moves one block on.
#define UNTANGLE_STORE \
	VPERMPD $0x1B, Y1, Y1 \
	VMOVUPS Y0, (DX)      \
	VMOVUPS Y1, (R10)     \
	ADDQ    $32, AX       \
	SUBQ    $32, BX       \
	ADDQ    $32, DX       \
	SUBQ    $32, R10      \
	ADDQ    $32, R11

// func untangleForwardAVX2(out, in, tw *complex64, h, blocks int)
TEXT ·untangleForwardAVX2(SB), NOSPLIT, $0-40
	UNTANGLE_SETUP

fwd:
	UNTANGLE_SUMS
	MULNEGI(Y3)             // O = −i·D
	CMULV(Y3, Y4, Y5, Y6)   // w·O
	VADDPS  Y5, Y2, Y0      // X[k] = E + w·O
	VSUBPS  Y5, Y2, Y1
	VXORPS  Y14, Y1, Y1     // X[h−k] = conj(E − w·O)
	UNTANGLE_STORE
	DECQ    CX
	JNZ     fwd
	VZEROUPPER
	RET

// func untangleInverseAVX2(out, in, tw *complex64, h, blocks int)
TEXT ·untangleInverseAVX2(SB), NOSPLIT, $0-40
	UNTANGLE_SETUP

inv:
	UNTANGLE_SUMS
	VXORPS  Y14, Y4, Y4     // conj w
	CMULV(Y3, Y4, Y5, Y6)   // O = D·conj w
	MULI(Y5)                // i·O
	VADDPS  Y5, Y2, Y0
	VXORPS  Y14, Y0, Y0     // Z[k] = conj(E + i·O)
	VSUBPS  Y5, Y2, Y1      // Z[h−k] = E − i·O
	UNTANGLE_STORE
	DECQ    CX
	JNZ     inv
	VZEROUPPER
	RET
