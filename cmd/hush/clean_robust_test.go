package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/wav"
)

// robustBadDir holds small files hush clean must refuse, one per kind of
// damage; robustBadFiles says how each is made and what the error says.
const robustBadDir = "../../testdata/bad"

// robustBad is one file of testdata/bad and a phrase its error must hold.
type robustBad struct {
	name, says string
	file       []byte
}

func robustLE16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func robustLE32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// robustChunk returns a chunk header claiming size, then body as given.
func robustChunk(id string, size uint32, body []byte) []byte {
	return append(append([]byte(id), robustLE32(size)...), body...)
}

// robustFmt returns a 16-byte fmt chunk.
func robustFmt(tag, channels uint16, rate uint32, align, bits uint16) []byte {
	b := append(robustLE16(tag), robustLE16(channels)...)
	b = append(b, robustLE32(rate)...)
	b = append(b, robustLE32(rate*uint32(align))...)
	b = append(b, robustLE16(align)...)
	b = append(b, robustLE16(bits)...)
	return robustChunk("fmt ", 16, b)
}

// robustRIFF wraps chunks in a RIFF/WAVE header with the true size.
func robustRIFF(chunks ...[]byte) []byte {
	body := bytes.Join(chunks, nil)
	return append(append(append([]byte("RIFF"), robustLE32(uint32(4+len(body)))...), "WAVE"...), body...)
}

func robustBadFiles() []robustBad {
	pcm16 := robustFmt(1, 1, 16000, 2, 16)
	data := robustChunk("data", 8, make([]byte, 8))
	valid := robustRIFF(pcm16, data)
	return []robustBad{
		{"empty.wav", "empty file", nil},
		{"text.wav", "not a WAV file", []byte("Meeting notes, Tuesday: bring the recorder.\n")},
		{"truncated-header.wav", "file ends inside", valid[:30]},
		{"fmt-size-4GiB.wav", "fmt chunk is 4294967280 bytes", robustRIFF(robustChunk("fmt ", 0xFFFFFFF0, pcm16[8:]), data)},
		{"chunk-size-4GiB.wav", "file ends inside the \"LIST\" chunk", robustRIFF(pcm16, robustChunk("LIST", 0xFFFFFFFF, []byte("INFO")), data)},
		{"channels-65535.wav", "65535 channels", robustRIFF(robustFmt(1, 65535, 16000, 65534, 16), data)},
		{"channels-0.wav", "0 channels", robustRIFF(robustFmt(1, 0, 16000, 0, 16), data)},
		{"rate-0.wav", "sample rate 0 Hz", robustRIFF(robustFmt(1, 1, 0, 2, 16), data)},
		{"rate-4000000000.wav", "sample rate 4000000000 Hz", robustRIFF(robustFmt(1, 1, 4_000_000_000, 2, 16), data)},
		{"rate-4000.wav", "4000 Hz, want 8000..", robustRIFF(robustFmt(1, 1, 4000, 2, 16), data)},
		{"rate-384000.wav", "384000 Hz, want 8000..", robustRIFF(robustFmt(1, 1, 384000, 2, 16), data)},
		{"adpcm.wav", "Microsoft ADPCM", robustRIFF(robustFmt(2, 1, 16000, 256, 4), data)},
		{"ima-adpcm.wav", "IMA ADPCM", robustRIFF(robustFmt(0x11, 1, 16000, 256, 4), data)},
		{"gsm.wav", "GSM 6.10", robustRIFF(robustFmt(0x31, 1, 8000, 65, 0), data)},
		{"pcm-12bit.wav", "12-bit PCM is not supported", robustRIFF(robustFmt(1, 1, 16000, 2, 12), data)},
		{"odd-block-align.wav", "block align 3 bytes, want 2", robustRIFF(robustFmt(1, 1, 16000, 3, 16), data)},
		{"no-data.wav", "no data chunk", robustRIFF(pcm16)},
		{"data-before-fmt.wav", "data chunk before fmt chunk", robustRIFF(data, pcm16)},
	}
}

// TestWriteBadFiles regenerates testdata/bad on request.
func TestWriteBadFiles(t *testing.T) {
	if os.Getenv("HUSH_WRITE_BAD") == "" {
		t.Skip("set HUSH_WRITE_BAD=1 to regenerate testdata/bad")
	}
	require.NoError(t, os.MkdirAll(robustBadDir, 0o755))
	for _, b := range robustBadFiles() {
		require.NoError(t, os.WriteFile(filepath.Join(robustBadDir, b.name), b.file, 0o644))
	}
}

func TestCleanRefusesEachBadFile(t *testing.T) {
	// Every committed bad file is refused with one line that names it and
	// says what is wrong; nothing is written.
	bad := robustBadFiles()
	names, err := filepath.Glob(filepath.Join(robustBadDir, "*.wav"))
	require.NoError(t, err)
	require.Len(t, names, len(bad), "testdata/bad is out of date: HUSH_WRITE_BAD=1 go test -run TestWriteBadFiles ./cmd/hush")
	outDir := t.TempDir()
	for _, b := range bad {
		in := filepath.Join(robustBadDir, b.name)
		onDisk, err := os.ReadFile(in)
		require.NoError(t, err)
		require.True(t, bytes.Equal(b.file, onDisk), "%s differs from its recipe", b.name)

		code, stdout, stderr := cleanRun(t, in, "-o", filepath.Join(outDir, "out.wav"))
		assert.Equal(t, 1, code, b.name)
		assert.Empty(t, stdout)
		assert.True(t, strings.HasPrefix(stderr, "hush: "+in+": "), "names the file: %q", stderr)
		assert.Contains(t, stderr, b.says, b.name)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
		assert.Empty(t, cleanEntries(t, outDir), "%s: no output, no temporary file", b.name)
	}
}

func TestCleanDirWithEveryBadFile(t *testing.T) {
	// A folder of the bad files and three good ones: the good ones are
	// cleaned, each bad one is reported and skipped, the summary lists them
	// and the exit status is 1.
	in, out := t.TempDir(), t.TempDir()
	var badNames []string
	for _, b := range robustBadFiles() {
		require.NoError(t, os.WriteFile(filepath.Join(in, b.name), b.file, 0o644))
		badNames = append(badNames, b.name)
	}
	sort.Strings(badNames)
	good := map[string]int{"good-a.wav": 3000, "good-b.wav": 17000, "good-c.wav": 1}
	for name, n := range good {
		cleanSynthetic(t, in, name, cleanMono16(), n)
	}
	code, _, stderr := cleanRun(t, in, "-o", out, "--jobs", "2")
	assert.Equal(t, 1, code)
	for _, b := range robustBadFiles() {
		assert.Contains(t, stderr, "hush: "+filepath.Join(in, b.name)+": ")
	}
	assert.Contains(t, stderr, fmt.Sprintf("cleaned 3 of %d files", len(badNames)+3))
	assert.Contains(t, stderr, fmt.Sprintf("%d failed: %s", len(badNames), strings.Join(badNames, ", ")))
	assert.ElementsMatch(t, []string{"good-a.wav", "good-b.wav", "good-c.wav"}, cleanEntries(t, out))
	for name, n := range good {
		y, _ := cleanReadWAV(t, filepath.Join(out, name))
		assert.Len(t, y, n, name)
	}
}

// robustExtreme is valid audio at the edges of what a file can hold.
type robustExtreme struct {
	name   string
	format wav.Format
	make   func(n int, rng *rand.Rand) []float32
}

func robustExtremes() []robustExtreme {
	f32 := wav.Format{SampleRate: 16000, Channels: 1, Encoding: wav.Float, BitsPerSample: 32}
	f64 := wav.Format{SampleRate: 48000, Channels: 2, Encoding: wav.Float, BitsPerSample: 64}
	s16 := wav.Format{SampleRate: 16000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}
	s24 := wav.Format{SampleRate: 48000, Channels: 2, Encoding: wav.PCM, BitsPerSample: 24}
	u8 := wav.Format{SampleRate: 8000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 8}
	noisy := func(n int, rng *rand.Rand, scale float64) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(scale * rng.NormFloat64())
		}
		return x
	}
	withEvery := func(x []float32, every int, v float32) []float32 {
		for i := 0; i < len(x); i += every {
			x[i] = v
		}
		return x
	}
	return []robustExtreme{
		{"NaN samples", f32, func(n int, rng *rand.Rand) []float32 {
			return withEvery(noisy(n, rng, 0.1), 97, float32(math.NaN()))
		}},
		{"all NaN", f32, func(n int, _ *rand.Rand) []float32 {
			return withEvery(make([]float32, n), 1, float32(math.NaN()))
		}},
		{"Inf samples", f64, func(n int, rng *rand.Rand) []float32 {
			x := withEvery(noisy(n, rng, 0.1), 101, float32(math.Inf(1)))
			withEvery(x[50:], 103, float32(math.Inf(-1)))
			return x
		}},
		{"huge floats", f32, func(n int, rng *rand.Rand) []float32 { return noisy(n, rng, 1e30) }},
		{"float beyond full scale", f64, func(n int, rng *rand.Rand) []float32 { return noisy(n, rng, 4) }},
		{"DC offset 16-bit", s16, func(n int, rng *rand.Rand) []float32 {
			x := noisy(n, rng, 0.05)
			for i := range x {
				x[i] += 0.7
			}
			return x
		}},
		{"DC only float", f32, func(n int, _ *rand.Rand) []float32 { return withEvery(make([]float32, n), 1, -0.5) }},
		{"full-scale square 16-bit", s16, func(n int, _ *rand.Rand) []float32 {
			x := make([]float32, n)
			for i := range x {
				x[i] = 1 - float32(i/18%2)*2 // ±full scale at 444 Hz
			}
			return x
		}},
		{"clipped noise 16-bit", s16, func(n int, rng *rand.Rand) []float32 { return noisy(n, rng, 3) }},
		{"clipped noise 24-bit", s24, func(n int, rng *rand.Rand) []float32 { return noisy(n, rng, 3) }},
		{"clipped noise 8-bit", u8, func(n int, rng *rand.Rand) []float32 { return noisy(n, rng, 3) }},
		{"digital silence 16-bit", s16, func(n int, _ *rand.Rand) []float32 { return make([]float32, n) }},
		{"digital silence float", f64, func(n int, _ *rand.Rand) []float32 { return make([]float32, n) }},
	}
}

func TestCleanExtremeAudio(t *testing.T) {
	// Valid files with the wildest content go through hush clean end to
	// end: same format and length, every sample finite, silence stays
	// silent, and integer outputs saturate instead of wrapping round: they
	// equal the float pipeline's output, clamped and rounded.
	dir := t.TempDir()
	for i, e := range robustExtremes() {
		frames := e.format.SampleRate // one second
		x := e.make(frames*e.format.Channels, rand.New(rand.NewPCG(uint64(i), 1)))
		in := filepath.Join(dir, "in.wav")
		out := filepath.Join(dir, "out.wav")
		require.NoError(t, wav.WriteFile(in, x, e.format))
		code, _, stderr := cleanRun(t, in, "-o", out, "--force")
		require.Equal(t, 0, code, "%s: %s", e.name, stderr)
		y, f := cleanReadWAV(t, out)
		assert.Equal(t, e.format, f, e.name)
		require.Len(t, y, len(x), e.name)
		peak := 0.0
		for k, v := range y {
			require.False(t, math.IsNaN(float64(v)) || math.IsInf(float64(v), 0), "%s: sample %d is %v", e.name, k, v)
			peak = max(peak, math.Abs(float64(v)))
		}
		t.Logf("%-26s peak out %.4g", e.name, peak)
		if strings.HasPrefix(e.name, "digital silence") || e.name == "all NaN" {
			assert.Zero(t, peak, "%s: silence in, silence out", e.name)
		}
		if e.format.Encoding != wav.PCM {
			// Float files keep overs, but bad samples are tamed: the
			// denoiser clamps its input to ±64, and turning noise down
			// restores some of the peaks clipping removed (at most 1.5×).
			inPeak := 0.0
			for _, v := range x {
				if v == v {
					inPeak = max(inPeak, math.Min(64, math.Abs(float64(v))))
				}
			}
			assert.LessOrEqual(t, peak, 1.5*inPeak, e.name)
			continue
		}
		assert.LessOrEqual(t, peak, 1.0, e.name)

		// The same samples as float: the integer output must be that
		// output clamped, to within one step of the integer format.
		xr, _ := cleanReadWAV(t, in)
		ff := e.format
		ff.Encoding, ff.BitsPerSample = wav.Float, 32
		require.NoError(t, wav.WriteFile(in, xr, ff))
		code, _, stderr = cleanRun(t, in, "-o", out, "--force")
		require.Equal(t, 0, code, stderr)
		yf, _ := cleanReadWAV(t, out)
		step := 1 / float64(int(1)<<(e.format.BitsPerSample-1))
		for k := range y {
			want := max(-1, min(1-step, float64(yf[k])))
			if math.Abs(float64(y[k])-want) > step {
				t.Fatalf("%s: sample %d is %g, the float pipeline gives %g (clamped %g)", e.name, k, y[k], yf[k], want)
			}
		}
	}
}

func TestCleanTruncatedDataCleansWhatIsThere(t *testing.T) {
	// A file cut short (a copy interrupted, a recorder that crashed) is
	// cleaned up to where its samples end: its header's size is a claim,
	// not a promise, and reading stops at the end of the file.
	dir := t.TempDir()
	full := cleanSynthetic(t, dir, "full.wav", cleanMono16(), 16000)
	b, err := os.ReadFile(full)
	require.NoError(t, err)
	cut := filepath.Join(dir, "cut.wav")
	require.NoError(t, os.WriteFile(cut, b[:44+2*1000+1], 0o644)) // 1000 frames and a half
	code, _, stderr := cleanRun(t, cut, "-o", filepath.Join(dir, "out.wav"))
	require.Equal(t, 0, code, stderr)
	y, _ := cleanReadWAV(t, filepath.Join(dir, "out.wav"))
	assert.Len(t, y, 1000)
}

func TestCleanRefusesStandardStreamsOnItsFiles(t *testing.T) {
	// hush clean - -o IN.wav < IN.wav and hush clean IN.wav -o - > IN.wav
	// would destroy the input: both are refused before anything is written.
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "in.wav", cleanMono16(), 8000)
	orig, err := os.ReadFile(in)
	require.NoError(t, err)

	stdin, err := os.Open(in)
	require.NoError(t, err)
	defer stdin.Close()
	var errb bytes.Buffer
	code := runClean(context.Background(), []string{"-", "-o", in, "--force"}, cleanIO{stdin: stdin, stdout: &bytes.Buffer{}, stderr: &errb})
	assert.Equal(t, 1, code)
	assert.Contains(t, errb.String(), "standard input comes from it")

	stdout, err := os.OpenFile(in, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer stdout.Close()
	errb.Reset()
	code = runClean(context.Background(), []string{in, "-o", "-"}, cleanIO{stdout: stdout, stderr: &errb})
	assert.Equal(t, 1, code)
	assert.Contains(t, errb.String(), "standard output is redirected to it")

	now, err := os.ReadFile(in)
	require.NoError(t, err)
	assert.Equal(t, orig, now, "input untouched")
	assert.ElementsMatch(t, []string{"in.wav"}, cleanEntries(t, dir))
}

func TestCleanReportsWriteErrors(t *testing.T) {
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "in.wav", cleanMono16(), 8000)
	notDir := cleanSynthetic(t, dir, "file.wav", cleanMono16(), 10)

	// An output path under a file (ENOTDIR: what a missing mount or a
	// typo gives; unlike permissions, root cannot bypass it).
	for _, args := range [][]string{
		{in, "-o", filepath.Join(notDir, "out.wav")},
		{dir, "-o", filepath.Join(notDir, "cleaned")},
	} {
		code, _, stderr := cleanRun(t, args...)
		assert.Equal(t, 1, code, "%q", args)
		assert.Contains(t, stderr, "not a directory", "%q", args)
		assert.True(t, strings.HasPrefix(stderr, "hush: "+args[2]), stderr)
	}

	// A full disk, on standard output: /dev/full fails every write.
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	var errb bytes.Buffer
	code := runClean(context.Background(), []string{in, "-o", "-"}, cleanIO{stdout: full, stderr: &errb})
	assert.Equal(t, 1, code)
	assert.Equal(t, "hush: standard output: wav: writing header: write: no space left on device\n", errb.String())
	assert.ElementsMatch(t, []string{"in.wav", "file.wav"}, cleanEntries(t, dir))
}
