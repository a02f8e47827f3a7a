package degrade

import "github.com/hushaudio/hush/internal/g711"

// Codec names a G.711 law (ITU-T G.711): 8-bit codes for 14-bit (µ-law)
// or 13-bit (A-law) linear samples, as telephone networks carry speech at
// 8 kHz. The codes are internal/g711's, the ones hush reads and writes in
// WAV files.
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
			x[i] = float32(g711.DecodeALaw(g711.EncodeALaw(s))) / 32768
		} else {
			x[i] = float32(g711.DecodeMuLaw(g711.EncodeMuLaw(s))) / 32768
		}
	}
}
