package wav

import (
	"bytes"
	"encoding/binary"
	"hash/fnv"
	"math/rand/v2"
	"testing"

	"github.com/hushaudio/hush/internal/g711"
)

// Builders for hand-made WAV files, so tests can say exactly which bytes a
// header holds, lies included.

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// chunk returns a chunk with its true size and a pad byte when odd.
func chunk(id string, body []byte) []byte {
	c := chunkSized(id, uint32(len(body)), body)
	if len(body)%2 == 1 {
		c = append(c, 0)
	}
	return c
}

// chunkSized returns a chunk header claiming size, followed by body as is.
func chunkSized(id string, size uint32, body []byte) []byte {
	c := append([]byte(id), le32(size)...)
	return append(c, body...)
}

// fmtBody returns a 16-byte fmt chunk body.
func fmtBody(tag, channels uint16, rate uint32, align, bits uint16) []byte {
	var b bytes.Buffer
	b.Write(le16(tag))
	b.Write(le16(channels))
	b.Write(le32(rate))
	b.Write(le32(rate * uint32(align)))
	b.Write(le16(align))
	b.Write(le16(bits))
	return b.Bytes()
}

// extFmtBody returns a 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk body.
func extFmtBody(sub, channels uint16, rate uint32, align, bits, valid uint16) []byte {
	b := fmtBody(tagExtensible, channels, rate, align, bits)
	b = append(b, le16(22)...)
	b = append(b, le16(valid)...)
	b = append(b, le32(channelMask(int(channels)))...)
	b = append(b, le16(sub)...)
	return append(b, guidSuffix[:]...)
}

// riff wraps chunks in a RIFF/WAVE header with the true size.
func riff(chunks ...[]byte) []byte {
	body := bytes.Join(chunks, nil)
	out := append([]byte("RIFF"), le32(uint32(4+len(body)))...)
	out = append(out, "WAVE"...)
	return append(out, body...)
}

// pcm16 encodes int16 samples little-endian.
func pcm16(s ...int16) []byte {
	var out []byte
	for _, v := range s {
		out = binary.LittleEndian.AppendUint16(out, uint16(v))
	}
	return out
}

// mono16 is a valid 16-bit mono 16 kHz fmt chunk.
func mono16() []byte { return chunk("fmt ", fmtBody(tagPCM, 1, 16000, 2, 16)) }

// exactSamples returns n samples that the format represents exactly, so a
// round trip must reproduce them bit for bit. Float formats also get values
// beyond ±1, which must pass through unclipped.
func exactSamples(rng *rand.Rand, f Format, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		switch {
		case f.Encoding == ALaw:
			s[i] = float32(g711.DecodeALaw(byte(rng.IntN(256)))) / 32768
		case f.Encoding == MuLaw:
			s[i] = float32(g711.DecodeMuLaw(byte(rng.IntN(256)))) / 32768
		case f.Encoding == Float:
			s[i] = float32(rng.NormFloat64())
		case f.BitsPerSample == 32:
			// float32 cannot hold every int32 code; these are exact.
			s[i] = float32(rng.IntN(1<<24)-1<<23) / (1 << 23)
		default:
			step := 1 << (f.BitsPerSample - 1)
			s[i] = float32(rng.IntN(2*step)-step) / float32(step)
		}
	}
	if n >= 2 && f.Encoding == PCM { // the extremes
		s[0], s[1] = -1, 1-1/float32(int(1)<<(min(f.BitsPerSample, 24)-1))
	}
	return s
}

// allFormats lists every supported encoding and size.
func allFormats() []Format {
	return []Format{
		{Encoding: PCM, BitsPerSample: 8}, {Encoding: PCM, BitsPerSample: 16},
		{Encoding: PCM, BitsPerSample: 24}, {Encoding: PCM, BitsPerSample: 32},
		{Encoding: Float, BitsPerSample: 32}, {Encoding: Float, BitsPerSample: 64},
		{Encoding: ALaw, BitsPerSample: 8}, {Encoding: MuLaw, BitsPerSample: 8},
	}
}

// randFor returns a generator seeded from the test's name, so that every
// test has its own repeatable samples.
func randFor(t testing.TB) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(t.Name()))
	return rand.New(rand.NewPCG(h.Sum64(), 1))
}
