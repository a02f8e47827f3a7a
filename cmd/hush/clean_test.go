package main

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/denoise"
	"github.com/hushaudio/hush/internal/testaudio"
	"github.com/hushaudio/hush/internal/wav"
)

// cleanExample is the real noisy speech file shipped in testdata.
const cleanExample = "../../testdata/noisy_example.wav"

// cleanRun runs "hush clean args..." and returns the exit code, stdout and
// stderr.
func cleanRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"clean"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// cleanSignal returns frames of a deterministic test signal per channel:
// a voiced, syllable-like tone burst pattern plus steady noise, different
// in every channel.
func cleanSignal(f wav.Format, frames int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, frames*f.Channels)
	for ch := range f.Channels {
		f0 := 110.0 + 40*float64(ch)
		for i := range frames {
			t := float64(i) / float64(f.SampleRate)
			env := math.Max(0, math.Sin(2*math.Pi*3*t)) // syllables at 3 Hz
			v := 0.0
			for h := 1; h <= 8; h++ {
				v += math.Sin(2*math.Pi*f0*float64(h)*t) / float64(h)
			}
			x[i*f.Channels+ch] = float32(0.2*env*v + 0.03*rng.NormFloat64())
		}
	}
	return x
}

// cleanWriteWAV writes samples to path in format f.
func cleanWriteWAV(t *testing.T, path string, f wav.Format, samples []float32) {
	t.Helper()
	require.NoError(t, wav.WriteFile(path, samples, f))
}

// cleanSynthetic writes a synthetic file of the given length into dir.
func cleanSynthetic(t *testing.T, dir, name string, f wav.Format, frames int) string {
	t.Helper()
	path := filepath.Join(dir, name)
	cleanWriteWAV(t, path, f, cleanSignal(f, frames, uint64(frames)))
	return path
}

// cleanReadWAV reads a whole WAV file.
func cleanReadWAV(t *testing.T, path string) ([]float32, wav.Format) {
	t.Helper()
	x, f, err := wav.ReadFile(path)
	require.NoError(t, err, path)
	return x, f
}

// cleanEntries lists the names in dir, temporary files included.
func cleanEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := []string{}
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Formats used across the tests.
func cleanMono16() wav.Format {
	return wav.Format{SampleRate: 16000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}
}

func cleanMono24() wav.Format {
	return wav.Format{SampleRate: 48000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 24}
}

func cleanFloat() wav.Format {
	return wav.Format{SampleRate: 16000, Channels: 1, Encoding: wav.Float, BitsPerSample: 32}
}

func cleanStereo() wav.Format {
	return wav.Format{SampleRate: 44100, Channels: 2, Encoding: wav.PCM, BitsPerSample: 16}
}

func TestCleanKeepsFormatAndLength(t *testing.T) {
	formats := []wav.Format{cleanMono16(), cleanMono24(), cleanFloat(), cleanStereo(),
		{SampleRate: 8000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 8},
		{SampleRate: 22050, Channels: 3, Encoding: wav.Float, BitsPerSample: 64},
		{SampleRate: 96000, Channels: 2, Encoding: wav.PCM, BitsPerSample: 24},
		{SampleRate: 8000, Channels: 1, Encoding: wav.ALaw, BitsPerSample: 8},
		{SampleRate: 16000, Channels: 2, Encoding: wav.MuLaw, BitsPerSample: 8},
		{SampleRate: 16000, Channels: 1, Encoding: wav.Float, BitsPerSample: 32, Header: wav.HeaderExtensible}}
	// Lengths around the edge cases: empty, one sample, shorter than the
	// denoiser's delay, exactly one read chunk, one past it.
	lengths := []int{0, 1, 100, cleanChunkFrames, cleanChunkFrames + 1, 20000}
	dir := t.TempDir()
	for _, f := range formats {
		for _, n := range lengths {
			in := cleanSynthetic(t, dir, "in.wav", f, n)
			out := filepath.Join(dir, "out.wav")
			code, stdout, stderr := cleanRun(t, in, "-o", out, "--force")
			require.Equal(t, 0, code, "%v, %d frames: %s", f, n, stderr)
			if n == 0 { // a bare header is worth a word
				assert.Equal(t, "hush: "+in+": warning: no audio: there is a WAV header but not one sample after it; the output is empty\n", stderr)
				stderr = ""
			}
			assert.Empty(t, stdout+stderr)
			got, gf := cleanReadWAV(t, out)
			assert.Equal(t, f, gf, "format kept")
			assert.Equal(t, n*f.Channels, len(got), "%v: length kept", f)
		}
	}
}

func TestCleanRealFileAlignedWithInput(t *testing.T) {
	files := []string{cleanExample}
	if shared, ok := testaudio.LookupSharedData(t, "dev16k/vbd_pairs/noisy/p257_070.wav"); ok {
		files = append(files, shared)
	}
	for _, in := range files {
		out := filepath.Join(t.TempDir(), "out.wav")
		code, _, stderr := cleanRun(t, in, "-o", out)
		require.Equal(t, 0, code, stderr)
		x, xf := cleanReadWAV(t, in)
		y, yf := cleanReadWAV(t, out)
		require.Equal(t, xf, yf)
		require.Equal(t, len(x), len(y))

		// The cleaned speech must line up with the noisy speech: the
		// cross-correlation peaks at lag 0, not at the denoiser's delay.
		// Two seconds of speech are plenty and keep the test quick.
		const maxLag = 400 // 25 ms at 16 kHz, more than the delay
		from, to := maxLag, min(len(x)-maxLag, 40000)
		best, bestLag := math.Inf(-1), 0
		for lag := -maxLag; lag <= maxLag; lag++ {
			var c float64
			for i := from; i < to; i++ {
				c += float64(y[i]) * float64(x[i-lag])
			}
			if c > best {
				best, bestLag = c, lag
			}
		}
		assert.Equal(t, 0, bestLag, "%s: output lags input by %d samples", in, bestLag)

		// And it did something: the output differs and is quieter.
		var ex, ey float64
		for i := range x {
			ex += float64(x[i]) * float64(x[i])
			ey += float64(y[i]) * float64(y[i])
		}
		assert.Less(t, ey, ex, "%s: denoising removes energy", in)
	}
}

func TestCleanChannelsIndependent(t *testing.T) {
	// A stereo file's channels must come out exactly as each channel
	// cleaned on its own as a mono file.
	dir := t.TempDir()
	st := wav.Format{SampleRate: 16000, Channels: 2, Encoding: wav.Float, BitsPerSample: 32}
	stereo := cleanSignal(st, 12000, 7)
	cleanWriteWAV(t, filepath.Join(dir, "st.wav"), st, stereo)
	mono := st
	mono.Channels = 1
	for ch := range 2 {
		m := make([]float32, len(stereo)/2)
		for i := range m {
			m[i] = stereo[2*i+ch]
		}
		cleanWriteWAV(t, filepath.Join(dir, "m.wav"), mono, m)
		code, _, stderr := cleanRun(t, filepath.Join(dir, "m.wav"), "-o", filepath.Join(dir, "m-out.wav"), "--force")
		require.Equal(t, 0, code, stderr)
		want, _ := cleanReadWAV(t, filepath.Join(dir, "m-out.wav"))

		code, _, stderr = cleanRun(t, filepath.Join(dir, "st.wav"), "-o", filepath.Join(dir, "st-out.wav"), "--force")
		require.Equal(t, 0, code, stderr)
		got, _ := cleanReadWAV(t, filepath.Join(dir, "st-out.wav"))
		for i := range want {
			if got[2*i+ch] != want[i] {
				t.Fatalf("channel %d, frame %d: stereo %g, mono %g", ch, i, got[2*i+ch], want[i])
			}
		}
	}
}

func TestCleanStrengthChangesAttenuation(t *testing.T) {
	// On steady noise alone, aggressive must leave less than gentle.
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	noise := make([]float32, 3*16000)
	for i := range noise {
		noise[i] = float32(0.05 * rng.NormFloat64())
	}
	in := filepath.Join(dir, "noise.wav")
	cleanWriteWAV(t, in, cleanFloat(), noise)
	energy := map[string]float64{}
	for _, s := range []string{"gentle", "balanced", "aggressive"} {
		out := filepath.Join(dir, s+".wav")
		code, _, stderr := cleanRun(t, "--strength", s, in, "-o", out)
		require.Equal(t, 0, code, stderr)
		y, _ := cleanReadWAV(t, out)
		for _, v := range y[len(y)/2:] { // after the noise estimate settled
			energy[s] += float64(v) * float64(v)
		}
	}
	assert.Less(t, energy["balanced"], energy["gentle"])
	assert.Less(t, energy["aggressive"], energy["balanced"])

	// --max-attenuation 12 is gentle under another name.
	out := filepath.Join(dir, "db12.wav")
	code, _, stderr := cleanRun(t, "--max-attenuation", "12", in, "-o", out)
	require.Equal(t, 0, code, stderr)
	a, _ := cleanReadWAV(t, out)
	b, _ := cleanReadWAV(t, filepath.Join(dir, "gentle.wav"))
	assert.Equal(t, b, a)
}

func TestCleanRefusesExistingOutputWithoutForce(t *testing.T) {
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "in.wav", cleanMono16(), 8000)
	out := filepath.Join(dir, "out.wav")
	require.NoError(t, os.WriteFile(out, []byte("precious"), 0o644))

	code, _, stderr := cleanRun(t, in, "-o", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, out)
	assert.Contains(t, stderr, "--force")
	kept, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(kept))
	assert.ElementsMatch(t, []string{"in.wav", "out.wav"}, cleanEntries(t, dir))

	code, _, stderr = cleanRun(t, in, "-o", out, "--skip-existing")
	assert.Equal(t, 0, code, stderr)
	kept, err = os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(kept), "--skip-existing keeps it")

	code, _, stderr = cleanRun(t, "--force", in, "-o", out)
	require.Equal(t, 0, code, stderr)
	y, _ := cleanReadWAV(t, out)
	assert.Equal(t, 8000, len(y))
}

func TestCleanRefusesToOverwriteInput(t *testing.T) {
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "in.wav", cleanMono16(), 8000)
	orig, err := os.ReadFile(in)
	require.NoError(t, err)
	link := filepath.Join(dir, "link.wav")
	require.NoError(t, os.Symlink(in, link))
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.Mkdir(sub, 0o755))

	for name, out := range map[string]string{
		"same path":      in,
		"other spelling": filepath.Join(sub, "..", "in.wav"),
		"symlink":        link,
		"its folder":     dir, // -o DIR writes DIR/in.wav
	} {
		code, _, stderr := cleanRun(t, in, "-o", out, "--force")
		assert.Equal(t, 1, code, name)
		assert.Contains(t, stderr, "input", name)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "%s: one line: %q", name, stderr)
		now, err := os.ReadFile(in)
		require.NoError(t, err)
		assert.Equal(t, orig, now, "%s: input untouched", name)
	}
	assert.ElementsMatch(t, []string{"in.wav", "link.wav", "sub"}, cleanEntries(t, dir))
	assert.Empty(t, cleanEntries(t, sub))

	// A folder onto itself is refused before anything is written.
	code, _, stderr := cleanRun(t, dir, "-o", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "input folder")
	assert.ElementsMatch(t, []string{"in.wav", "link.wav", "sub"}, cleanEntries(t, dir))
}

// cleanBadFiles writes unreadable inputs into dir and returns their paths.
func cleanBadFiles(t *testing.T, dir string) []string {
	t.Helper()
	good := cleanSynthetic(t, t.TempDir(), "good.wav", cleanMono16(), 4000)
	b, err := os.ReadFile(good)
	require.NoError(t, err)
	text := filepath.Join(dir, "notes.wav")
	require.NoError(t, os.WriteFile(text, []byte("this is not audio\n"), 0o644))
	trunc := filepath.Join(dir, "truncated.wav")
	require.NoError(t, os.WriteFile(trunc, b[:30], 0o644))
	empty := filepath.Join(dir, "empty.wav")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	// A compressed encoding: the PCM header with format tag 2 (MS ADPCM).
	adpcm := filepath.Join(dir, "adpcm.wav")
	c := bytes.Clone(b)
	c[20] = 2
	require.NoError(t, os.WriteFile(adpcm, c, 0o644))
	return []string{text, trunc, empty, adpcm}
}

func TestCleanBadFileOneLineNoOutput(t *testing.T) {
	inDir, outDir := t.TempDir(), t.TempDir()
	bad := cleanBadFiles(t, inDir)
	bad = append(bad, filepath.Join(inDir, "missing.wav"))
	for _, in := range bad {
		out := filepath.Join(outDir, "out.wav")
		code, stdout, stderr := cleanRun(t, in, "-o", out)
		assert.Equal(t, 1, code, in)
		assert.Empty(t, stdout)
		assert.True(t, strings.HasPrefix(stderr, "hush: "+in+": "), "names the file: %q", stderr)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
		assert.Empty(t, cleanEntries(t, outDir), "%s: no output, no temporary file", in)
	}
	_, _, stderr := cleanRun(t, bad[3], "-o", filepath.Join(outDir, "out.wav"))
	assert.Contains(t, stderr, "ADPCM")
}

func TestCleanUnsupportedSampleRate(t *testing.T) {
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "hi.wav", wav.Format{SampleRate: 384000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}, 1000)
	code, _, stderr := cleanRun(t, in, "-o", filepath.Join(dir, "out.wav"))
	assert.Equal(t, 1, code)
	assert.True(t, strings.HasPrefix(stderr, "hush: "+in+": "), stderr)
	assert.Contains(t, stderr, "384000")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.ElementsMatch(t, []string{"hi.wav"}, cleanEntries(t, dir))
}

func TestCleanDirSkipsBadFilesAndReports(t *testing.T) {
	in, out := t.TempDir(), filepath.Join(t.TempDir(), "new", "cleaned")
	cleanSynthetic(t, in, "a.wav", cleanMono16(), 5000)
	cleanSynthetic(t, in, "b.WAV", cleanStereo(), 7000)
	cleanSynthetic(t, in, "c.wav", cleanFloat(), 3000)
	require.NoError(t, os.WriteFile(filepath.Join(in, "readme.txt"), []byte("not a wav"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(in, "sub.wav"), 0o755))
	bad := cleanBadFiles(t, in)

	code, stdout, stderr := cleanRun(t, in, "-o", out, "--jobs", "3")
	assert.Equal(t, 1, code)
	assert.Empty(t, stdout)
	assert.ElementsMatch(t, []string{"a.wav", "b.WAV", "c.wav"}, cleanEntries(t, out), "good files cleaned, nothing else left")
	for _, b := range bad {
		assert.Contains(t, stderr, "hush: "+b+": ", "each failure reported with its reason")
	}
	assert.Contains(t, stderr, "cleaned 3 of 7 files")
	assert.Contains(t, stderr, "4 failed: adpcm.wav, empty.wav, notes.wav, truncated.wav")
	for name, frames := range map[string]int{"a.wav": 5000, "b.WAV": 7000 * 2, "c.wav": 3000} {
		y, _ := cleanReadWAV(t, filepath.Join(out, name))
		assert.Equal(t, frames, len(y), name)
	}
}

func TestCleanDirSkipExisting(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	for _, n := range []string{"a.wav", "b.wav", "c.wav"} {
		cleanSynthetic(t, in, n, cleanMono16(), 4000)
	}
	require.NoError(t, os.WriteFile(filepath.Join(out, "b.wav"), []byte("done before"), 0o644))

	// Without a flag the existing output is a failure, the rest is done.
	code, _, stderr := cleanRun(t, in, "-o", out)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "--skip-existing")
	assert.Contains(t, stderr, "1 failed: b.wav")
	require.NoError(t, os.Remove(filepath.Join(out, "a.wav")))

	code, _, stderr = cleanRun(t, in, "-o", out, "--skip-existing")
	assert.Equal(t, 0, code, stderr)
	assert.Contains(t, stderr, "cleaned 1 of 3 files")
	assert.Contains(t, stderr, "skipped 2")
	kept, err := os.ReadFile(filepath.Join(out, "b.wav"))
	require.NoError(t, err)
	assert.Equal(t, "done before", string(kept))
	y, _ := cleanReadWAV(t, filepath.Join(out, "a.wav"))
	assert.Equal(t, 4000, len(y))

	code, _, stderr = cleanRun(t, in, "-o", out, "--skip-existing", "--quiet")
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr, "--quiet prints nothing on success")
}

func TestCleanPipeStdinToStdout(t *testing.T) {
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "in.wav", cleanStereo(), 9000)
	raw, err := os.ReadFile(in)
	require.NoError(t, err)

	// Small reads, as from a pipe.
	var stdout, stderr bytes.Buffer
	code := runClean(context.Background(), []string{"-", "-o", "-"},
		cleanIO{stdin: iotest.HalfReader(bytes.NewReader(raw)), stdout: &stdout, stderr: &stderr})
	require.Equal(t, 0, code, stderr.String())
	assert.Empty(t, stderr.String())
	r, err := wav.NewReader(bytes.NewReader(stdout.Bytes()))
	require.NoError(t, err)
	assert.Equal(t, cleanStereo(), r.Format())
	assert.Equal(t, int64(-1), r.Frames(), "a stream announces no length")
	y, _, err := cleanDecode(stdout.Bytes())
	require.NoError(t, err)
	assert.Equal(t, 9000*2, len(y), "same length through a pipe")

	// File to standard output and standard input to a file agree with
	// file to file.
	require.Equal(t, 0, cleanRunIO(t, nil, &stdout, in, "-o", "-"))
	fileOut := filepath.Join(dir, "out.wav")
	require.Equal(t, 0, cleanRunIO(t, bytes.NewReader(raw), nil, "-", "-o", fileOut))
	want, _ := cleanReadWAV(t, fileOut)
	got, _, err := cleanDecode(stdout.Bytes())
	require.NoError(t, err)
	assert.Equal(t, want, got)

	// Garbage on standard input is named as such.
	var errb bytes.Buffer
	code = runClean(context.Background(), []string{"-", "-o", "-"},
		cleanIO{stdin: strings.NewReader("garbage"), stdout: &bytes.Buffer{}, stderr: &errb})
	assert.Equal(t, 1, code)
	assert.True(t, strings.HasPrefix(errb.String(), "hush: standard input: wav: "), errb.String())
}

// cleanRunIO runs the clean command with the given standard input and
// output and returns its exit code.
func cleanRunIO(t *testing.T, stdin *bytes.Reader, stdout *bytes.Buffer, args ...string) int {
	t.Helper()
	if stdout == nil {
		stdout = &bytes.Buffer{}
	}
	stdout.Reset()
	cio := cleanIO{stdout: stdout, stderr: &bytes.Buffer{}}
	if stdin != nil {
		cio.stdin = stdin
	}
	return runClean(context.Background(), args, cio)
}

// cleanDecode decodes a whole WAV stream held in memory.
func cleanDecode(b []byte) ([]float32, wav.Format, error) {
	r, err := wav.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, wav.Format{}, err
	}
	var all []float32
	buf := make([]float32, 4096*r.Format().Channels)
	for {
		n, err := r.ReadFloat32(buf)
		all = append(all, buf[:n]...)
		if err != nil {
			return all, r.Format(), nil
		}
	}
}

func TestCleanInterruptedLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "in.wav", cleanMono16(), 20000)
	cleanSynthetic(t, dir, "in2.wav", cleanMono16(), 20000)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	var stderr bytes.Buffer
	code := runClean(ctx, []string{in, "-o", filepath.Join(dir, "out.wav")}, cleanIO{stdout: &bytes.Buffer{}, stderr: &stderr})
	assert.Equal(t, 130, code)
	assert.Contains(t, stderr.String(), "interrupted")
	assert.ElementsMatch(t, []string{"in.wav", "in2.wav"}, cleanEntries(t, dir))

	out := filepath.Join(t.TempDir(), "o")
	stderr.Reset()
	code = runClean(ctx, []string{dir, "-o", out}, cleanIO{stdout: &bytes.Buffer{}, stderr: &stderr})
	assert.Equal(t, 130, code)
	assert.Contains(t, stderr.String(), "--skip-existing")
	assert.Empty(t, cleanEntries(t, out))
}

func TestCleanModeSelectsTheGainStage(t *testing.T) {
	dir := t.TempDir()
	in := cleanExample
	outs := map[string][]float32{}
	for _, m := range []string{"", "learned", "classic"} {
		out := filepath.Join(dir, "out-"+m+".wav")
		args := []string{in, "-o", out}
		if m != "" {
			args = append(args, "--mode", m)
		}
		code, _, stderr := cleanRun(t, args...)
		require.Equal(t, 0, code, stderr)
		outs[m], _ = cleanReadWAV(t, out)
	}
	assert.Equal(t, outs[denoise.ModeLearned.String()], outs[""], "no --mode is the library default")
	assert.NotEqual(t, outs["learned"], outs["classic"])
}

func TestCleanUsage(t *testing.T) {
	code, stdout, _ := cleanRun(t, "--help")
	assert.Equal(t, 0, code)
	for _, want := range []string{"Examples:", "hush clean - -o -", "gentle      12 dB", "aggressive  40 dB",
		"library default (24 dB)", "as many samples as the", "lines up", "--force", "--skip-existing",
		"--mode learned|classic"} {
		assert.True(t, strings.Contains(stdout, want), "help lacks %q", want)
	}
	dir := t.TempDir()
	in := cleanSynthetic(t, dir, "in.wav", cleanMono16(), 100)
	out := filepath.Join(dir, "out.wav")
	for _, args := range [][]string{
		{in},
		{"-o", out},
		{in, in, "-o", out},
		{in, "-o", out, "--strength", "loud"},
		{in, "-o", out, "--strength", "gentle", "--max-attenuation", "20"},
		{in, "-o", out, "--max-attenuation", "-3"},
		{in, "-o", out, "--force", "--skip-existing"},
		{in, "-o", out, "--jobs", "0"},
		{in, "-o", out, "--mode", "neural"},
		{in, "-o", out, "--no-such-flag"},
		{dir, "-o", "-"},
	} {
		code, _, stderr := cleanRun(t, args...)
		assert.Equal(t, 2, code, "%q", args)
		assert.NotEmpty(t, stderr, "%q", args)
	}
	assert.ElementsMatch(t, []string{"in.wav"}, cleanEntries(t, dir))
}
