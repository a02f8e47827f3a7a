package g711

import "math/bits"

// Bits of a G.711 code. Both laws store a sign bit, a 3-bit segment
// (exponent) and a 4-bit step within the segment; A-law then inverts the
// even bits (XOR 0x55) and µ-law all bits, so that silence on a line is
// not a run of zeros.
const (
	signBit  = 0x80
	segShift = 4
	segMask  = 0x70
	stepMask = 0x0F

	alawInvert = 0x55
	// muBias is added to the magnitude before µ-law encoding so that every
	// segment starts at a power of two [16-bit scale].
	muBias = 0x84
	// muClip is the largest magnitude µ-law encodes, in its 14-bit scale.
	muClip = 8159
)

var (
	alawToLinear  = decodeTable(decodeALaw)
	mulawToLinear = decodeTable(decodeMuLaw)
)

func decodeTable(decode func(byte) int16) (t [256]int16) {
	for c := range t {
		t[c] = decode(byte(c))
	}
	return t
}

// DecodeALaw returns the linear value of an A-law code, in 16-bit scale.
func DecodeALaw(code byte) int16 { return alawToLinear[code] }

// DecodeMuLaw returns the linear value of a µ-law code, in 16-bit scale.
func DecodeMuLaw(code byte) int16 { return mulawToLinear[code] }

func decodeALaw(code byte) int16 {
	c := code ^ alawInvert
	t := int32(c&stepMask) << 4
	switch seg := uint(c&segMask) >> segShift; seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t = (t + 0x108) << (seg - 1)
	}
	if c&signBit == 0 {
		t = -t
	}
	return int16(t)
}

func decodeMuLaw(code byte) int16 {
	c := ^code
	t := (int32(c&stepMask)<<3 + muBias) << (uint(c&segMask) >> segShift)
	if c&signBit != 0 {
		return int16(muBias - t)
	}
	return int16(t - muBias)
}

// EncodeALaw returns the A-law code of a 16-bit linear value.
func EncodeALaw(v int16) byte {
	// A-law works on 13 bits: round to the nearest 13-bit value, as sox
	// does (the ITU reference truncates, which biases every code by half a
	// 13-bit step towards minus infinity).
	x := min((int32(v)+4)>>3, 4095)
	mask := byte(0xD5) // sign bit set for positive values, then the even-bit inversion
	if x < 0 {
		mask = alawInvert
		x = -x - 1
	}
	// Segment s > 0 holds magnitudes [32<<(s-1), 32<<s); segment 0 holds
	// [0, 32) at the same step size as segment 1.
	seg := max(bits.Len32(uint32(x))-5, 0)
	if seg > 7 {
		return 0x7F ^ mask
	}
	shift := max(seg, 1)
	return (byte(seg)<<segShift | byte(x>>shift)&stepMask) ^ mask
}

// EncodeMuLaw returns the µ-law code of a 16-bit linear value.
func EncodeMuLaw(v int16) byte {
	x := min((int32(v)+2)>>2, 8191) // µ-law works on 14 bits, rounded likewise
	mask := byte(0xFF)
	if x < 0 {
		mask = 0x7F
		x = -x
	}
	x = min(x, muClip) + muBias>>2
	// With the bias, segment s > 0 holds [32<<s, 64<<s) and segment 0
	// holds [33, 64); past segment 7 the value is clipped.
	seg := bits.Len32(uint32(x)) - 6
	if seg > 7 {
		return 0x7F ^ mask
	}
	return (byte(seg)<<segShift | byte(x>>(seg+1))&stepMask) ^ mask
}
