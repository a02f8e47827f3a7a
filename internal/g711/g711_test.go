package g711

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// law bundles one companding law for table-driven tests.
type law struct {
	name   string
	decode func(byte) int16
	encode func(int16) byte
	sox    string // sox's -e name
	ffmpeg string // ffmpeg's raw format name
}

func laws() []law {
	return []law{
		{"A-law", DecodeALaw, EncodeALaw, "a-law", "alaw"},
		{"mu-law", DecodeMuLaw, EncodeMuLaw, "u-law", "mulaw"},
	}
}

func TestKnownCodes(t *testing.T) {
	// Values from G.711's tables: the smallest and largest steps of each
	// sign, and the codes of silence on a line.
	for _, c := range []struct {
		name string
		got  int16
		want int16
	}{
		{"A-law 0xD5", DecodeALaw(0xD5), 8},
		{"A-law 0x55", DecodeALaw(0x55), -8},
		{"A-law 0xAA", DecodeALaw(0xAA), 32256},
		{"A-law 0x2A", DecodeALaw(0x2A), -32256},
		{"mu-law 0xFF", DecodeMuLaw(0xFF), 0},
		{"mu-law 0x7F", DecodeMuLaw(0x7F), 0},
		{"mu-law 0x80", DecodeMuLaw(0x80), 32124},
		{"mu-law 0x00", DecodeMuLaw(0x00), -32124},
	} {
		assert.Equal(t, c.want, c.got, c.name)
	}
	assert.Equal(t, byte(0xD5), EncodeALaw(0))
	assert.Equal(t, byte(0xFF), EncodeMuLaw(0))
	assert.Equal(t, byte(0xAA), EncodeALaw(32767))
	assert.Equal(t, byte(0x2A), EncodeALaw(-32768))
	assert.Equal(t, byte(0x80), EncodeMuLaw(32767))
	assert.Equal(t, byte(0x00), EncodeMuLaw(-32768))
}

func TestEncodeInvertsDecode(t *testing.T) {
	for _, l := range laws() {
		for c := range 256 {
			code := byte(c)
			want := code
			if l.name == "mu-law" && code == 0x7F { // negative zero
				want = 0xFF
			}
			assert.Equal(t, want, l.encode(l.decode(code)), "%s code 0x%02X", l.name, code)
		}
	}
}

func TestEncodeIsNearestLevel(t *testing.T) {
	// Every 16-bit value lands on a reconstruction level no farther than
	// the next one: the error is at most one step of its segment, and the
	// levels are in order, so encoding never jumps a segment.
	for _, l := range laws() {
		levels := map[int16]bool{}
		for c := range 256 {
			levels[l.decode(byte(c))] = true
		}
		for v := -32768; v <= 32767; v++ {
			got := int32(l.decode(l.encode(int16(v))))
			err := got - int32(v)
			if err < 0 {
				err = -err
			}
			// The largest step is 1024 (A-law) or 1024 (µ-law) in 16-bit
			// scale; near zero it is 16 (A-law) or 8 (µ-law).
			limit := max(int32(16), (abs32(int32(v))>>4)+16)
			if v > 32256 || v < -32256 { // beyond the largest level: clipped
				limit = 32768 - 32124
			}
			if err > limit {
				t.Fatalf("%s: %d encodes to level %d, %d away", l.name, v, got, err)
			}
		}
	}
}

func abs32(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}

func TestDecodeIsMonotonic(t *testing.T) {
	// Larger codes within a sign mean larger magnitudes once the
	// inversion is undone: decoding must keep that order.
	for _, l := range laws() {
		prev := int16(-32768)
		for v := -32768; v <= 32767; v += 8 {
			got := l.decode(l.encode(int16(v)))
			require.GreaterOrEqual(t, got, prev, "%s at %d", l.name, v)
			prev = got
		}
	}
}

// allCodes is the 256 G.711 codes in order.
func allCodes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// allValues is every 16-bit value, little-endian.
func allValues() []byte {
	b := make([]byte, 0, 2<<16)
	for v := -32768; v <= 32767; v++ {
		b = binary.LittleEndian.AppendUint16(b, uint16(int16(v)))
	}
	return b
}

// runTool runs a converter on the file in and returns the file it wrote.
func runTool(t *testing.T, in []byte, args func(in, out string) []string, tool string) []byte {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s not installed", tool)
	}
	dir := t.TempDir()
	inPath, outPath := filepath.Join(dir, "in.raw"), filepath.Join(dir, "out.raw")
	require.NoError(t, os.WriteFile(inPath, in, 0o644))
	out, err := exec.Command(path, args(inPath, outPath)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	b, err := os.ReadFile(outPath)
	require.NoError(t, err)
	return b
}

func TestDecodeAgreesWithSoxAndFFmpeg(t *testing.T) {
	for _, l := range laws() {
		var want bytes.Buffer
		for _, c := range allCodes() {
			_ = binary.Write(&want, binary.LittleEndian, l.decode(c))
		}
		t.Run(l.name+"/sox", func(t *testing.T) {
			got := runTool(t, allCodes(), func(in, out string) []string {
				return []string{"-t", "raw", "-r", "8000", "-c", "1", "-e", l.sox, "-b", "8", in, "-t", "raw", "-e", "signed", "-b", "16", out}
			}, "sox")
			assert.Equal(t, want.Bytes(), got)
		})
		t.Run(l.name+"/ffmpeg", func(t *testing.T) {
			got := runTool(t, allCodes(), func(in, out string) []string {
				return []string{"-v", "error", "-f", l.ffmpeg, "-ar", "8000", "-ac", "1", "-i", in, "-f", "s16le", out}
			}, "ffmpeg")
			assert.Equal(t, want.Bytes(), got)
		})
	}
}

func TestEncodeAgreesWithSox(t *testing.T) {
	// sox rounds to the law's 13 or 14 bits and then applies G.711's
	// decision levels, as we do, so every 16-bit value must give the same
	// code. -D turns off the dither sox adds when it reduces the bit depth.
	for _, l := range laws() {
		t.Run(l.name, func(t *testing.T) {
			got := runTool(t, allValues(), func(in, out string) []string {
				return []string{"-D", "-t", "raw", "-r", "8000", "-c", "1", "-e", "signed", "-b", "16", in, "-t", "raw", "-e", l.sox, "-b", "8", out}
			}, "sox")
			require.Len(t, got, 1<<16)
			for i, code := range got {
				v := int16(i - 32768)
				if ours := l.encode(v); ours != code {
					t.Fatalf("%d: sox gives 0x%02X, we give 0x%02X", v, code, ours)
				}
			}
		})
	}
}

func BenchmarkEncodeALaw(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(1 << 16)
	var sink byte
	for b.Loop() {
		for v := -32768; v <= 32767; v++ {
			sink ^= EncodeALaw(int16(v))
		}
	}
	_ = sink
}
