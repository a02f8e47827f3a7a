package degrade

// G.711 companding (ITU-T G.711): 8-bit codes for 14-bit (µ-law) or 13-bit
// (A-law) linear samples, as telephone networks carry speech at 8 kHz.

const (
	muBias = 0x84 // µ-law adds 33 (in 14-bit units, 132 in 16-bit) before the segment search
	muClip = 32635
)

// MuLawEncode returns the µ-law code of a 16-bit linear sample.
func MuLawEncode(s int16) uint8 {
	v := int(s)
	sign := 0
	if v < 0 {
		v, sign = -v, 0x80
	}
	v = min(v, muClip) + muBias
	exp := 7
	for mask := 0x4000; v&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	mant := (v >> (exp + 3)) & 0x0F
	return ^uint8(sign | exp<<4 | mant)
}

// MuLawDecode returns the 16-bit linear sample a µ-law code stands for.
func MuLawDecode(c uint8) int16 {
	c = ^c
	exp := int(c>>4) & 7
	v := ((int(c&0x0F) << 3) + muBias) << exp
	v -= muBias
	if c&0x80 != 0 {
		return int16(-v)
	}
	return int16(v)
}

// ALawEncode returns the A-law code of a 16-bit linear sample.
func ALawEncode(s int16) uint8 {
	v := int(s)
	sign := 0x80 // A-law marks positive samples with the top bit
	if v < 0 {
		v, sign = -v-1, 0
	}
	var code int
	if v < 256 {
		code = v >> 4
	} else {
		exp := 7
		for mask := 0x4000; v&mask == 0 && exp > 1; mask >>= 1 {
			exp--
		}
		code = exp<<4 | (v>>(exp+3))&0x0F
	}
	return uint8((code | sign) ^ 0x55)
}

// ALawDecode returns the 16-bit linear sample an A-law code stands for.
func ALawDecode(c uint8) int16 {
	c ^= 0x55
	v := int(c&0x0F) << 4
	switch exp := int(c&0x70) >> 4; exp {
	case 0:
		v += 8
	default:
		v = (v + 0x108) << (exp - 1)
	}
	if c&0x80 != 0 {
		return int16(v)
	}
	return int16(-v)
}

// Codec names a G.711 law.
type Codec int

const (
	// MuLaw is G.711 µ-law (North America, Japan).
	MuLaw Codec = iota
	// ALaw is G.711 A-law (Europe and most of the world).
	ALaw
)

func (c Codec) String() string {
	if c == ALaw {
		return "A-law"
	}
	return "µ-law"
}

// RoundTrip encodes and decodes x in place with the codec: samples in
// [-1, 1) are taken as 16-bit (beyond it they clip, as a converter would)
// and come back quantised to the law's 8-bit steps. The rate is the
// caller's: G.711 runs at 8 kHz.
func (c Codec) RoundTrip(x []float32) {
	for i, v := range x {
		s := int16(max(min(float64(v)*32768, 32767), -32768))
		if c == ALaw {
			x[i] = float32(ALawDecode(ALawEncode(s))) / 32768
		} else {
			x[i] = float32(MuLawDecode(MuLawEncode(s))) / 32768
		}
	}
}
