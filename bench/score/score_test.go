package main

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hushaudio/hush/internal/mix"
	"github.com/hushaudio/hush/internal/wav"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeWAV(t *testing.T, p string, x []float32) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, wav.WriteFile(p, x, wav.Format{SampleRate: 16000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}))
}

// fakeWork builds a tiny bench work folder: a set of two files, a "good"
// system that returns the clean speech plus a little noise, and a "late"
// system whose output is 40 samples behind.
func fakeWork(t *testing.T) string {
	return fakeWorkSized(t, 2, 16000*2)
}

// fakeWorkSized is fakeWork with files files of n samples each.
func fakeWorkSized(t *testing.T, files, n int) string {
	work := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	for k, name := range []string{"a.wav", "b.wav", "c.wav"}[:files] {
		clean, noisy, good, late := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range clean {
			env := float32(math.Sin(math.Pi * float64(i%8000) / 8000))
			clean[i] = 0.3 * env * float32(math.Sin(2*math.Pi*float64(200+100*k)*float64(i)/16000)+0.3*rng.NormFloat64())
			noise := 0.05 * float32(rng.NormFloat64())
			noisy[i] = clean[i] + noise
			good[i] = clean[i] + noise/10
		}
		copy(late[40:], good)
		writeWAV(t, filepath.Join(work, "sets", "s", "clean", name), clean)
		writeWAV(t, filepath.Join(work, "sets", "s", "noisy", name), noisy)
		writeWAV(t, filepath.Join(work, "out", "s", "good", name), good)
		writeWAV(t, filepath.Join(work, "out", "s", "late", name), late)
		writeWAV(t, filepath.Join(work, "pass", "s", "good", name), good)
	}
	require.NoError(t, os.WriteFile(filepath.Join(work, "times.tsv"), []byte("s\tgood\t0.5\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(work, "systems.tsv"), []byte("good\tthe good one\n"), 0o644))
	return work
}

func TestScoreWritesReport(t *testing.T) {
	work := fakeWork(t)
	out := filepath.Join(t.TempDir(), "R.md")
	var stdout, stderr bytes.Buffer
	code := run([]string{"--work", work, "--sets", "s", "-o", out, "--command", "bench/run --x", "--revision", "abc123", "--no-dnsmos"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	rep := string(b)
	assert.Contains(t, rep, "Command: `bench/run --x`")
	assert.Contains(t, rep, "Revision: abc123")
	assert.Contains(t, rep, "| good | the good one |")
	assert.Contains(t, rep, "## s: 2 files, 4 s at 16000 Hz")
	assert.Contains(t, rep, "## Clean passthrough: s")
	// The late system is found 40 samples late, both in the table and as
	// a warning.
	assert.Contains(t, stderr.String(), "late: output is misaligned by 40 samples")
	assert.Regexp(t, `\| late \|( [-0-9.*]+ \|){4}( – \|){3} 40 \|`, rep)
	// The good system beats the input on SI-SDR and gets the bold.
	line := tableLine(rep[strings.Index(rep, "## s:"):], "| good |")
	assert.True(t, strings.HasPrefix(line, "| good | **"), line)
	assert.Contains(t, line, "| 0 | 0.5 | 0.1250 |") // lag, time, RTF
	// Clean passthrough: a copy with noise about 30 dB down.
	assert.Regexp(t, `\| good \| \*\*[23][0-9]\.[0-9]+\*\* \| \*\*[23][0-9]\.[0-9]+\*\* \|`, rep[strings.Index(rep, "Clean passthrough"):])
}

func TestScoreWritesPerFileScores(t *testing.T) {
	work := fakeWork(t)
	dir := t.TempDir()
	perFile := filepath.Join(dir, "per-file.tsv")
	var stdout, stderr bytes.Buffer
	code := run([]string{"--work", work, "--sets", "s", "-o", filepath.Join(dir, "R.md"), "--per-file", perFile, "--no-dnsmos"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	b, err := os.ReadFile(perFile)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	// A header, then 2 files for each of noisy, good and late.
	require.Len(t, lines, 1+3*2)
	assert.Equal(t, "set\tsystem\tfile\tSI-SDR [dB]\tsegSNR [dB]\tSTOI\tESTOI\tSIG\tBAK\tOVRL", lines[0])
	sisdr := map[string]float64{}
	for _, l := range lines[1:] {
		f := strings.Split(l, "\t")
		require.Len(t, f, 10, l)
		assert.Equal(t, "NaN", f[7], "DNSMOS was not asked for")
		assert.Equal(t, "s", f[0])
		v, err := strconv.ParseFloat(f[3], 64)
		require.NoError(t, err, l)
		sisdr[f[1]] += v / 2
	}
	// The good output, its noise 20 dB down, scores well above the input.
	assert.Greater(t, sisdr["good"], sisdr["noisy"]+5)
}

func tableLine(text, prefix string) string {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	return ""
}

func TestScoreFlagsMissingOutputs(t *testing.T) {
	work := fakeWork(t)
	require.NoError(t, os.Remove(filepath.Join(work, "out", "s", "good", "b.wav")))
	var stdout, stderr bytes.Buffer
	code := run([]string{"--work", work, "--sets", "s", "-o", filepath.Join(t.TempDir(), "R.md"), "--no-dnsmos"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.Contains(t, stderr.String(), "good: 1 problems, first: b.wav")
}

func TestScoreRejectsMissingSet(t *testing.T) {
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 1, run([]string{"--work", t.TempDir(), "--sets", "none"}, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "no noisy files")
	assert.Equal(t, 2, run(nil, &stdout, &stderr))
}

func TestGroupings(t *testing.T) {
	g := snrBins(map[string]float64{"a": -1, "b": 7, "c": 22})
	assert.Equal(t, []string{"< 5 dB", "5–10 dB", "≥ 15 dB"}, g.labels)
	assert.Equal(t, "≥ 15 dB", g.of["c"])

	gs := manifestGroupings([]mix.Entry{
		{Name: "1.wav", Noise: "blanket/rain.wav", SNR: 10},
		{Name: "2.wav", Noise: "x/birds.wav", SNR: -5},
		{Name: "3.wav", Noise: "blanket/rain.wav", SNR: 2.5},
		{Name: "4.wav", Noise: "blanket/waves.wav", SNR: 5},
	})
	require.Len(t, gs, 3)
	assert.Equal(t, []string{"-5 dB", "2.5 dB", "5 dB", "10 dB"}, gs[0].labels)
	assert.Equal(t, []string{"birds", "rain", "waves"}, gs[1].labels)
	assert.Equal(t, "rain", gs[1].of["3.wav"])
	assert.Equal(t, []string{kindHeard, kindHeldOut}, gs[2].labels)
	assert.Equal(t, kindHeldOut, gs[2].of["4.wav"])
	assert.Equal(t, kindHeard, gs[2].of["1.wav"])
}

func TestScoreWarnsWithoutDNSMOS(t *testing.T) {
	work := fakeWork(t)
	out := filepath.Join(t.TempDir(), "R.md")
	var stdout, stderr bytes.Buffer
	code := run([]string{"--work", work, "--sets", "s", "-o", out, "--dnsmos-node", t.TempDir()}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(b), "- DNSMOS not scored: ")
	assert.Contains(t, stderr.String(), "DNSMOS not scored")
}

func TestScoreReportsDNSMOS(t *testing.T) {
	if testing.Short() {
		t.Skip("a few seconds of model runs; skipped with -short")
	}
	setup := dnsmosSetup{nodeDir: "../node", model: filepath.Join(sharedDir, "metrics/dnsmos/sig_bak_ovr.onnx")}
	if err := setup.check(); err != nil {
		t.Skip(err)
	}
	// One real pair (3.5 s at about 0 dB SNR), the clean file standing in
	// for a perfect system's output.
	pair := filepath.Join(sharedDir, "data/dev16k/vbd_pairs")
	clean, _, err := readMono(filepath.Join(pair, "clean/p232_032.wav"))
	if err != nil {
		t.Skip("no ../shared VoiceBank pairs:", err)
	}
	noisy, _, err := readMono(filepath.Join(pair, "noisy/p232_032.wav"))
	require.NoError(t, err)
	work := t.TempDir()
	writeWAV(t, filepath.Join(work, "sets/s/clean/p.wav"), clean)
	writeWAV(t, filepath.Join(work, "sets/s/noisy/p.wav"), noisy)
	writeWAV(t, filepath.Join(work, "out/s/perfect/p.wav"), clean)
	dir := t.TempDir()
	perFile := filepath.Join(dir, "per-file.tsv")
	var stdout, stderr bytes.Buffer
	code := run([]string{"--work", work, "--sets", "s", "-o", filepath.Join(dir, "R.md"), "--per-file", perFile,
		"--dnsmos-node", setup.nodeDir, "--dnsmos-model", setup.model}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	assert.NotContains(t, stderr.String(), "warning")
	b, err := os.ReadFile(perFile)
	require.NoError(t, err)
	dnsmos := map[string][]float64{}
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Split(l, "\t")
		for _, col := range f[7:] {
			v, err := strconv.ParseFloat(col, 64)
			require.NoError(t, err, l)
			assert.True(t, v >= 1 && v <= 5, "DNSMOS out of 1..5: %s", l)
			dnsmos[f[1]] = append(dnsmos[f[1]], v)
		}
	}
	require.Len(t, dnsmos["noisy"], 3)
	require.Len(t, dnsmos["perfect"], 3)
	// The clean recording is heard as far less intrusive and better overall.
	assert.Greater(t, dnsmos["perfect"][1], dnsmos["noisy"][1]+1, "BAK")
	assert.Greater(t, dnsmos["perfect"][2], dnsmos["noisy"][2]+0.5, "OVRL")
	rep, err := os.ReadFile(filepath.Join(dir, "R.md"))
	require.NoError(t, err)
	assert.Contains(t, strings.ReplaceAll(string(rep), "**", ""), fmt.Sprintf("| %.3f | %.3f | %.3f | 0 |", dnsmos["perfect"][0], dnsmos["perfect"][1], dnsmos["perfect"][2]))
}

func TestDNSMOSWanted(t *testing.T) {
	all := config{}
	assert.True(t, all.dnsmosWanted("mix", "speex"))
	some := config{dnsmosOnly: []string{"vbd/*", "hush", "mix/rnnoise"}}
	assert.True(t, some.dnsmosWanted("vbd", "speex"))
	assert.True(t, some.dnsmosWanted("mix", "hush"))
	assert.True(t, some.dnsmosWanted("mix", "rnnoise"))
	assert.False(t, some.dnsmosWanted("mix", "speex"))
	assert.False(t, some.dnsmosWanted("mix", "hush-gentle"))
	assert.False(t, some.dnsmosWanted("other", "rnnoise"))
}
