package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/mix"
	"github.com/hushaudio/hush/internal/testaudio"
)

func TestMixCommandWritesSet(t *testing.T) {
	mixTestData := testaudio.SharedData(t, "dev16k")
	out := filepath.Join(t.TempDir(), "set")
	args := []string{"mix",
		"--speech", filepath.Join(mixTestData, "clean", "cmu_arctic"),
		"--noise", filepath.Join(mixTestData, "noise", "speech_commands_bg"),
		"--snr", "0, 10", "--seed", "3", "--count", "3", "--lead-seconds", "0.5", "-o", out}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(args, &stdout, &stderr), stderr.String())
	assert.Contains(t, stdout.String(), "wrote 3 mixtures")

	entries, err := mix.ReadManifestFile(filepath.Join(out, mix.ManifestName))
	require.NoError(t, err)
	require.Len(t, entries, 3)
	assert.Equal(t, []float64{0, 10, 0}, []float64{entries[0].SNR, entries[1].SNR, entries[2].SNR})
	assert.Equal(t, 8000, entries[0].SpeechStart)
	for _, d := range []string{"clean", "noisy", "noise"} {
		assert.FileExists(t, filepath.Join(out, d, entries[2].Name))
	}

	// A second run into the same folder is refused without --force.
	stdout.Reset()
	stderr.Reset()
	assert.Equal(t, 1, run(args, &stdout, &stderr))
	assert.Contains(t, stderr.String(), "--force")
	assert.Equal(t, 0, run(append(args, "--force", "--quiet"), &stdout, &stderr), stderr.String())
	assert.Empty(t, stdout.String())
}

func TestMixCommandRejectsBadFlags(t *testing.T) {
	for name, args := range map[string][]string{
		"missing folders": {"mix", "-o", t.TempDir()},
		"bad snr":         {"mix", "--speech", "a", "--noise", "b", "-o", "c", "--snr", "5,x"},
		"stray argument":  {"mix", "--speech", "a", "--noise", "b", "-o", "c", "extra"},
		"unknown flag":    {"mix", "--loud"},
	} {
		var stdout, stderr bytes.Buffer
		assert.Equal(t, 2, run(args, &stdout, &stderr), name)
		assert.NotEmpty(t, stderr.String(), name)
	}
}

func TestMixCommandReportsMissingFolder(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"mix", "--speech", filepath.Join(t.TempDir(), "none"), "--noise", t.TempDir(), "-o", t.TempDir()}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr.String(), "none")
}

func TestParseSNRs(t *testing.T) {
	got, err := parseSNRs(" 0,5, -2.5 ,")
	require.NoError(t, err)
	assert.Equal(t, []float64{0, 5, -2.5}, got)
	_, err = parseSNRs(",")
	assert.Error(t, err)
}

func TestMixAndEvalHelpLikeClean(t *testing.T) {
	// Flags are listed with two dashes, as "hush clean --help" lists them.
	for _, c := range []struct {
		cmd  string
		flag string
	}{{"mix", "  --speech DIR\n"}, {"mix", "  --snr DB\n"}, {"mix", "  -o DIR\n"}, {"eval", "  --clean DIR\n"}, {"eval", "  --json\n"}} {
		var stdout, stderr bytes.Buffer
		code := run([]string{c.cmd, "--help"}, &stdout, &stderr)
		assert.Equal(t, 0, code)
		help := stdout.String() + stderr.String()
		assert.Contains(t, help, c.flag, c.cmd)
		assert.NotRegexp(t, `(?m)^  -[a-z][a-z]`, help, "%s: a long flag with one dash", c.cmd)
		assert.NotContains(t, help, "  --o ", c.cmd)
	}
}

func TestMixErrorsSayMixOnce(t *testing.T) {
	var stdout, stderr bytes.Buffer
	empty := t.TempDir()
	code := run([]string{"mix", "--speech", empty, "--noise", t.TempDir(), "-o", t.TempDir()}, &stdout, &stderr)
	assert.Equal(t, 1, code)
	assert.Equal(t, "hush mix: speech: no input files: no *.wav file under "+empty+"\n", stderr.String())
}
