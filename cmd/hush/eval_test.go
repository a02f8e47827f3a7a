package main

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
	"github.com/hushaudio/hush/internal/wav"
)

const evalTestRate = 16000

// evalTestRun runs "hush eval args..." and returns the exit code, stdout
// and stderr.
func evalTestRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(append([]string{"eval"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// evalTestSpeech is a deterministic speech-like signal (harmonics under a
// 4 Hz syllable envelope) of n samples.
func evalTestSpeech(n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		t := float64(i) / evalTestRate
		v := 0.0
		for h := 1; h <= 15; h++ {
			v += math.Sin(2*math.Pi*float64(h)*130*t+float64(h)) / float64(h)
		}
		s[i] = float32(0.2 * (0.5 + 0.5*math.Sin(2*math.Pi*4*t)) * v)
	}
	return s
}

// evalTestNoisy returns s plus seeded white noise with standard deviation sd.
func evalTestNoisy(s []float32, sd float64, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 2))
	out := make([]float32, len(s))
	for i := range s {
		out[i] = s[i] + float32(sd*rng.NormFloat64())
	}
	return out
}

// evalTestWrite writes mono (or, with channels > 1, duplicated) 16-bit samples.
func evalTestWrite(t *testing.T, path string, s []float32, rate, channels int) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	inter := make([]float32, 0, len(s)*channels)
	for _, v := range s {
		for range channels {
			inter = append(inter, v)
		}
	}
	f := wav.Format{SampleRate: rate, Channels: channels, Encoding: wav.PCM, BitsPerSample: 16}
	require.NoError(t, wav.WriteFile(path, inter, f))
}

// evalTestSet writes clean/, enhanced/ and noisy/ folders holding the
// given names: enhanced has less noise than noisy.
func evalTestSet(t *testing.T, names ...string) (clean, enh, noisy string) {
	t.Helper()
	root := t.TempDir()
	clean, enh, noisy = filepath.Join(root, "clean"), filepath.Join(root, "enhanced"), filepath.Join(root, "noisy")
	for i, n := range names {
		s := evalTestSpeech(evalTestRate)
		evalTestWrite(t, filepath.Join(clean, n), s, evalTestRate, 1)
		evalTestWrite(t, filepath.Join(enh, n), evalTestNoisy(s, 0.005, uint64(i)), evalTestRate, 1)
		evalTestWrite(t, filepath.Join(noisy, n), evalTestNoisy(s, 0.05, uint64(i+100)), evalTestRate, 1)
	}
	return clean, enh, noisy
}

func TestEvalTable(t *testing.T) {
	clean, enh, _ := evalTestSet(t, "a.wav", "b.wav")
	code, out, errs := evalTestRun(t, "--clean", clean, "--enhanced", enh)
	require.Equal(t, 0, code, errs)
	assert.Empty(t, errs)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	require.Len(t, lines, 4, out)
	assert.Contains(t, lines[0], "SI-SDR")
	assert.Contains(t, lines[0], "ESTOI")
	assert.True(t, strings.HasPrefix(lines[1], "a.wav"), out)
	assert.True(t, strings.HasPrefix(lines[3], "mean of 2"), out)
	// Aligned columns: every row as wide as the header.
	for _, l := range lines[1:] {
		assert.Len(t, l, len(lines[0]), "row %q", l)
	}
}

func TestEvalNoisyJSON(t *testing.T) {
	clean, enh, noisy := evalTestSet(t, "a.wav", "b.wav", "c.wav")
	code, out, errs := evalTestRun(t, "--clean", clean, "--enhanced", enh, "--noisy", noisy, "--json")
	require.Equal(t, 0, code, errs)
	var rep struct {
		Files []struct {
			Name     string
			Enhanced map[string]float64
			Noisy    map[string]float64
			Delta    map[string]float64
		}
		Mean struct {
			Enhanced, Noisy, Delta map[string]float64
		}
		Skipped []string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.Len(t, rep.Files, 3)
	assert.Empty(t, rep.Skipped)
	for _, k := range []string{"si_sdr_db", "seg_snr_db", "stoi", "estoi"} {
		assert.Greater(t, rep.Mean.Delta[k], 0.0, k)
		assert.InDelta(t, rep.Mean.Enhanced[k]-rep.Mean.Noisy[k], rep.Mean.Delta[k], 1e-3, k)
		assert.InDelta(t, rep.Files[0].Enhanced[k]-rep.Files[0].Noisy[k], rep.Files[0].Delta[k], 1e-3, k)
	}
	// 20 dB less noise is about 20 dB more SI-SDR.
	assert.InDelta(t, 20, rep.Mean.Delta["si_sdr_db"], 1)
}

func TestEvalNoisyTable(t *testing.T) {
	clean, enh, noisy := evalTestSet(t, "a.wav")
	code, out, errs := evalTestRun(t, "--clean", clean, "--enhanced", enh, "--noisy", noisy)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "noisy")
	assert.Contains(t, out, "delta")
	assert.Contains(t, out, "+", "signed deltas")
}

func TestEvalPerfectIsInf(t *testing.T) {
	clean, _, _ := evalTestSet(t, "a.wav")
	code, out, errs := evalTestRun(t, "--clean", clean, "--enhanced", clean)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "inf")
	code, out, _ = evalTestRun(t, "--clean", clean, "--enhanced", clean, "--json")
	require.Equal(t, 0, code)
	assert.Contains(t, out, `"si_sdr_db": null`)
	assert.Contains(t, out, `"stoi": 1.0000`)
}

func TestEvalMissingFilesWarn(t *testing.T) {
	clean, enh, _ := evalTestSet(t, "a.wav", "b.wav")
	require.NoError(t, os.Remove(filepath.Join(enh, "b.wav")))
	evalTestWrite(t, filepath.Join(enh, "extra.wav"), evalTestSpeech(evalTestRate), evalTestRate, 1)
	code, out, errs := evalTestRun(t, "--clean", clean, "--enhanced", enh)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, errs, "b.wav")
	assert.Contains(t, errs, "extra.wav")
	assert.Contains(t, out, "a.wav")
	assert.NotContains(t, out, "b.wav")
	assert.Contains(t, out, "mean of 1")
}

func TestEvalNoMatchFails(t *testing.T) {
	clean, _, _ := evalTestSet(t, "a.wav")
	_, enh, _ := evalTestSet(t, "z.wav")
	code, out, errs := evalTestRun(t, "--clean", clean, "--enhanced", enh)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, "no WAV file")
}

func TestEvalBadFiles(t *testing.T) {
	s := evalTestSpeech(evalTestRate)
	cases := []struct {
		name  string
		write func(t *testing.T, enhPath string)
		code  int
		msg   string
	}{
		{"stereo", func(t *testing.T, p string) { evalTestWrite(t, p, s, evalTestRate, 2) }, 1, "2 channels"},
		{"rate", func(t *testing.T, p string) { evalTestWrite(t, p, s, 8000, 1) }, 1, "8000 Hz"},
		{"much longer", func(t *testing.T, p string) {
			evalTestWrite(t, p, append(append([]float32{}, s...), s...), evalTestRate, 1)
		}, 1, "not the same recording"},
		{"a bit shorter", func(t *testing.T, p string) { evalTestWrite(t, p, s[:len(s)-160], evalTestRate, 1) }, 0, "scoring the first 15840"},
		{"too short", func(t *testing.T, p string) {}, 1, "too short"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			clean, enh := filepath.Join(root, "clean"), filepath.Join(root, "enh")
			ref := s
			if c.name == "too short" {
				ref = s[:2000]
				evalTestWrite(t, filepath.Join(enh, "x.wav"), ref, evalTestRate, 1)
			}
			evalTestWrite(t, filepath.Join(clean, "x.wav"), ref, evalTestRate, 1)
			c.write(t, filepath.Join(enh, "x.wav"))
			code, _, errs := evalTestRun(t, "--clean", clean, "--enhanced", enh)
			assert.Equal(t, c.code, code, errs)
			assert.Contains(t, errs, c.msg)
			assert.Contains(t, errs, "x.wav", "errors name the file")
		})
	}
}

func TestEvalFlags(t *testing.T) {
	code, _, errs := evalTestRun(t, "--help")
	assert.Equal(t, 0, code)
	for _, want := range []string{"SI-SDR", "SegSNR", "STOI", "ESTOI", "Example", "--noisy"} {
		assert.Contains(t, errs, want)
	}
	code, _, errs = evalTestRun(t, "--clean", "x")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "required")
	code, _, _ = evalTestRun(t, "--bogus")
	assert.Equal(t, 2, code)
	code, _, errs = evalTestRun(t, "--clean", "/nonexistent/dir", "--enhanced", "/nonexistent/dir")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "/nonexistent/dir")
}

// TestEvalVBD scores the noisy VoiceBank+DEMAND pairs as if they were the
// enhanced output: the mean must match the package-level reference.
func TestEvalVBD(t *testing.T) {
	dir := testaudio.SharedData(t, "dev16k/vbd_pairs")
	if testing.Short() {
		t.Skip("slow")
	}
	code, out, errs := evalTestRun(t, "--clean", filepath.Join(dir, "clean"), "--enhanced", filepath.Join(dir, "noisy"))
	require.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	mean := strings.Fields(lines[len(lines)-1])
	require.Equal(t, []string{"mean", "of", "23", "4.08", "-0.83", "0.843", "0.623"}, mean, out)
}
