package wav

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/g711"
)

// G.711 (A-law, µ-law) against two independent implementations: what sox
// and ffmpeg write we read as they decode it, and what we write they decode
// as we do.

// tool returns the path of an external program, skipping the test without it.
func tool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed", name)
	}
	if testing.Short() {
		t.Skipf("runs %s", name)
	}
	return path
}

// runOut runs a command and fails the test with its output on error.
func runOut(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if ee, ok := err.(*exec.ExitError); ok {
		t.Fatalf("%s %q: %v: %s", name, args, err, ee.Stderr)
	}
	require.NoError(t, err)
	return out
}

// s16 decodes little-endian 16-bit samples scaled to [-1, 1).
func s16(b []byte) []float32 {
	out := make([]float32, len(b)/2)
	for i := range out {
		out[i] = float32(int16(binary.LittleEndian.Uint16(b[2*i:]))) / 32768
	}
	return out
}

// speechLike is a test signal with the dynamics of speech: loud and quiet
// parts, so that every G.711 segment is used.
func speechLike(frames, channels int) []float32 {
	x := make([]float32, frames*channels)
	for i := range x {
		t := float64(i/channels) / 8000
		env := 0.9 * math.Pow(math.Abs(math.Sin(2*math.Pi*1.5*t)), 3)
		x[i] = float32(env*math.Sin(2*math.Pi*(220+50*float64(i%channels))*t) + 1e-4*math.Sin(float64(i)))
	}
	return x
}

func TestG711ReadWhatSoxAndFFmpegWrite(t *testing.T) {
	sox, ffmpeg := tool(t, "sox"), tool(t, "ffmpeg")
	dir := t.TempDir()
	for _, c := range []struct {
		tool     string
		law      Encoding
		rate, ch int
		header   Header
	}{
		{"sox", ALaw, 8000, 1, HeaderAuto},
		{"sox", MuLaw, 16000, 2, HeaderAuto},
		{"sox", ALaw, 8000, 3, HeaderPlain}, // sox keeps the plain form for 3 channels
		{"ffmpeg", ALaw, 11025, 1, HeaderAuto},
		{"ffmpeg", MuLaw, 8000, 2, HeaderAuto},
		{"ffmpeg", MuLaw, 8000, 3, HeaderAuto}, // WAVE_FORMAT_EXTENSIBLE with the µ-law sub-format
	} {
		name := c.tool + " " + c.law.String() + " " + strconv.Itoa(c.rate) + " Hz " + strconv.Itoa(c.ch) + " ch"
		t.Run(name, func(t *testing.T) {
			src := filepath.Join(dir, name+" src.wav")
			require.NoError(t, WriteFile(src, speechLike(4000, c.ch), Format{SampleRate: c.rate, Channels: c.ch, Encoding: PCM, BitsPerSample: 16}))
			law := filepath.Join(dir, name+".wav")
			var ref []byte // the tool's own decoding of its file, as s16
			switch c.tool {
			case "sox":
				enc := map[Encoding]string{ALaw: "a-law", MuLaw: "u-law"}[c.law]
				runOut(t, sox, "-D", src, "-e", enc, law)
				ref = runOut(t, sox, law, "-t", "raw", "-e", "signed", "-b", "16", "-")
			case "ffmpeg":
				codec := map[Encoding]string{ALaw: "pcm_alaw", MuLaw: "pcm_mulaw"}[c.law]
				runOut(t, ffmpeg, "-v", "error", "-i", src, "-c:a", codec, law)
				ref = runOut(t, ffmpeg, "-v", "error", "-i", law, "-f", "s16le", "-")
			}
			got, f, err := ReadFile(law)
			require.NoError(t, err)
			assert.Equal(t, Format{SampleRate: c.rate, Channels: c.ch, Encoding: c.law, BitsPerSample: 8, Header: c.header}, f)
			require.Len(t, got, 4000*c.ch)
			assert.Equal(t, s16(ref), got)
		})
	}
}

func TestG711WrittenFilesReadIdentically(t *testing.T) {
	sox, ffmpeg := tool(t, "sox"), tool(t, "ffmpeg")
	dir := t.TempDir()
	for _, law := range []Encoding{ALaw, MuLaw} {
		for _, ch := range []int{1, 3} {
			f := Format{SampleRate: 8000, Channels: ch, Encoding: law, BitsPerSample: 8}
			t.Run(f.String(), func(t *testing.T) {
				// Every code, then a signal through the encoder.
				want := make([]float32, 0, 256*ch+4000*ch)
				for c := range 256 * ch {
					v := g711.DecodeALaw(byte(c))
					if law == MuLaw {
						v = g711.DecodeMuLaw(byte(c))
					}
					want = append(want, float32(v)/32768)
				}
				want = append(want, speechLike(4000, ch)...)
				path := filepath.Join(dir, f.String()+".wav")
				require.NoError(t, WriteFile(path, want, f))
				ours, _, err := ReadFile(path)
				require.NoError(t, err)
				for i := range 256 * ch {
					require.Equal(t, want[i], ours[i], "code %d survives the round trip", i)
				}
				bySox := s16(runOut(t, sox, path, "-t", "raw", "-e", "signed", "-b", "16", "-"))
				byFFmpeg := s16(runOut(t, ffmpeg, "-v", "error", "-i", path, "-f", "s16le", "-"))
				assert.Equal(t, ours, bySox, "sox decodes our file as we do")
				assert.Equal(t, ours, byFFmpeg, "ffmpeg decodes our file as we do")
				info := string(runOut(t, "soxi", path))
				assert.Contains(t, info, map[Encoding]string{ALaw: "A-law", MuLaw: "u-law"}[law])
			})
		}
	}
}

func TestG711EncodesAsSox(t *testing.T) {
	// A 16-bit file converted by us and by sox (without dither) must give
	// the same codes, byte for byte.
	sox := tool(t, "sox")
	dir := t.TempDir()
	src := filepath.Join(dir, "src.wav")
	pcm := Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 16}
	require.NoError(t, WriteFile(src, speechLike(8000, 1), pcm))
	x, _, err := ReadFile(src)
	require.NoError(t, err)
	for law, name := range map[Encoding]string{ALaw: "a-law", MuLaw: "u-law"} {
		theirs := filepath.Join(dir, name+"-sox.wav")
		runOut(t, sox, "-D", src, "-e", name, theirs)
		ours := filepath.Join(dir, name+"-ours.wav")
		require.NoError(t, WriteFile(ours, x, Format{SampleRate: 8000, Channels: 1, Encoding: law, BitsPerSample: 8}))
		a, err := os.ReadFile(theirs)
		require.NoError(t, err)
		b, err := os.ReadFile(ours)
		require.NoError(t, err)
		assert.Equal(t, dataChunk(t, a), dataChunk(t, b), name)
		assert.Equal(t, a[:58], b[:58], "%s: the same header as sox's: fmt with cbSize 0, fact, data", name)
	}
}

// dataChunk returns the body of a WAV file's data chunk.
func dataChunk(t *testing.T, b []byte) []byte {
	t.Helper()
	for p := 12; p+8 <= len(b); {
		size := int(binary.LittleEndian.Uint32(b[p+4:]))
		if string(b[p:p+4]) == "data" {
			return b[p+8 : min(p+8+size, len(b))]
		}
		p += 8 + size + size&1
	}
	t.Fatal("no data chunk")
	return nil
}

func TestHeaderFormKept(t *testing.T) {
	// A file read and written again keeps the form of its fmt chunk, where
	// HeaderAuto would have chosen the other one.
	data := chunk("data", le32(math.Float32bits(0.5)))
	for _, c := range []struct {
		name   string
		fmt    []byte
		header Header
		tag    uint16
	}{
		{"plain float mono", fmtBody(tagFloat, 1, 8000, 4, 32), HeaderAuto, tagFloat},
		{"extensible float mono", extFmtBody(tagFloat, 1, 8000, 4, 32, 32), HeaderExtensible, tagExtensible},
		{"plain 32-bit PCM", fmtBody(tagPCM, 1, 8000, 4, 32), HeaderPlain, tagPCM},
		{"extensible 32-bit PCM", extFmtBody(tagPCM, 1, 8000, 4, 32, 32), HeaderAuto, tagExtensible},
		{"plain A-law 4 ch", fmtBody(tagALaw, 4, 8000, 4, 8), HeaderPlain, tagALaw},
		{"extensible A-law 4 ch", extFmtBody(tagALaw, 4, 8000, 4, 8, 8), HeaderAuto, tagExtensible},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(riff(chunk("fmt ", c.fmt), data)))
			require.NoError(t, err)
			assert.Equal(t, c.header, r.Format().Header)
			var buf bytes.Buffer
			w, err := NewWriter(&buf, r.Format())
			require.NoError(t, err)
			require.NoError(t, w.Close())
			assert.Equal(t, c.tag, binary.LittleEndian.Uint16(buf.Bytes()[20:]))
			r2, err := NewReader(&buf)
			require.NoError(t, err)
			assert.Equal(t, r.Format(), r2.Format())
		})
	}
}
