package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func spectrogramRun(t *testing.T, stdin []byte, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runSpectrogram(args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String() + errb.String()
}

func TestSpectrogramPicture(t *testing.T) {
	dir := t.TempDir()
	pic := filepath.Join(dir, "s.png")
	code, msg := spectrogramRun(t, nil, cleanExample, "-o", pic, "--width", "800", "--height", "300")
	require.Equal(t, 0, code, msg)
	img := pngDecode(t, pic, 800, 300)
	assert.Greater(t, pngColours(img, img.Bounds()), 50)

	// Standard input gives the same picture but for its title; a cleaned
	// file gives a different one.
	raw, err := os.ReadFile(cleanExample)
	require.NoError(t, err)
	pic2 := filepath.Join(dir, "s2.png")
	code, msg = spectrogramRun(t, raw, "-", "-o", pic2, "--width", "800", "--height", "300")
	require.Equal(t, 0, code, msg)
	pngDecode(t, pic2, 800, 300)
	clean := filepath.Join(dir, "clean.wav")
	require.Equal(t, 0, cleanRunIO(t, nil, nil, cleanExample, "-o", clean))
	pic3 := filepath.Join(dir, "s3.png")
	code, msg = spectrogramRun(t, nil, clean, "-o", pic3, "--width", "800", "--height", "300")
	require.Equal(t, 0, code, msg)
	a, b := pngDecode(t, pic, 800, 300), pngDecode(t, pic3, 800, 300)
	diff := 0
	for y := 40; y < 250; y++ {
		for x := 100; x < 650; x++ {
			if a.At(x, y) != b.At(x, y) {
				diff++
			}
		}
	}
	assert.Greater(t, diff, 210*550/4, "noisy and cleaned pictures differ")

	code, msg = spectrogramRun(t, nil, cleanExample, "-o", pic)
	assert.Equal(t, 1, code)
	assert.Contains(t, msg, "exists; use --force")
}

func TestSpectrogramUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-o", "x.png"}, "hush spectrogram: missing input: give one WAV file, or - for standard input\n"},
		{[]string{cleanExample, cleanExample, "-o", "x.png"}, "hush spectrogram: one input at a time, got 2: " + cleanExample + " " + cleanExample + "\n"},
		{[]string{cleanExample}, "missing -o"},
		{[]string{cleanExample, "-o", "-"}, "cannot go to standard output"},
		{[]string{cleanExample, "-o", "x.png", "--range", "5"}, "--range 5"},
		{[]string{cleanExample, "-o", "x.png", "--width", "10"}, "--width 10"},
	} {
		code, msg := spectrogramRun(t, nil, c.args...)
		assert.Equal(t, 2, code, c.args)
		assert.Contains(t, msg, c.msg, c.args)
	}
	code, msg := spectrogramRun(t, nil, "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, msg, "hush spectrogram [flags] IN.wav -o OUT.png")
	code, msg = spectrogramRun(t, nil, "missing.wav", "-o", filepath.Join(t.TempDir(), "x.png"))
	assert.Equal(t, 1, code)
	assert.Contains(t, msg, "missing.wav: no such file")
}
