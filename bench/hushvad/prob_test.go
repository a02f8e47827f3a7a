package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/hushaudio/hush/internal/wav"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// speechFrom returns testdata's speech from its loudest 10 ms frame on,
// 0.5 s of it, after onset frames of digital silence: the sound starts
// exactly at frame onset, and loudly.
func speechFrom(t *testing.T, onset int) []float32 {
	t.Helper()
	x, f, err := wav.ReadFile("../../testdata/noisy_example.wav")
	require.NoError(t, err)
	require.Equal(t, 16000, f.SampleRate)
	loudest, at := 0.0, 0
	for k := 0; k+160 <= len(x)-8000; k += 160 {
		var e float64
		for _, v := range x[k : k+160] {
			e += float64(v) * float64(v)
		}
		if e > loudest {
			loudest, at = e, k
		}
	}
	return append(make([]float32, onset*160), x[at:at+8000]...)
}

// TestProbabilitiesAreAlignedWithTheirFrames pins the alignment down at a
// sudden onset: value k judges the 20 ms window of frames k and k+1, so
// values up to onset-2 cannot have heard the sound, value onset-1 has
// heard half a window of it, and the values from onset on a full one.
func TestProbabilitiesAreAlignedWithTheirFrames(t *testing.T) {
	const onset = 50
	x := speechFrom(t, onset)
	p, err := speechProbabilities(x, 16000)
	require.NoError(t, err)
	require.Len(t, p, len(x)/160)
	for k := range onset - 1 {
		assert.Less(t, p[k], float32(0.01), "frame %d: all silence", k)
	}
	assert.Greater(t, p[onset-1], float32(0.1), "frame %d: half a window of speech", onset-1)
	assert.Greater(t, p[onset+1], float32(0.5), "frame %d: all speech", onset+1)
}

func TestOneValuePerFrameTheLastPartial(t *testing.T) {
	x := speechFrom(t, 3)
	for _, n := range []int{160 * 20, 160*20 + 1, 160*21 - 1} {
		p, err := speechProbabilities(x[:n], 16000)
		require.NoError(t, err)
		assert.Len(t, p, 21-boolInt(n == 160*20), "%d samples", n)
		for _, v := range p {
			assert.True(t, v >= 0 && v <= 1, "probability %v", v)
		}
	}
	_, err := speechProbabilities(x, 1000)
	assert.Error(t, err)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestRunWritesOneValuePerLine(t *testing.T) {
	dir := t.TempDir()
	x := speechFrom(t, 10)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "in"), 0o755))
	require.NoError(t, wav.WriteFile(filepath.Join(dir, "in", "a.wav"), x,
		wav.Format{SampleRate: 16000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}))
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{filepath.Join(dir, "in", "a.wav")}, &stdout, &stderr), stderr.String())
	lines := strings.Fields(stdout.String())
	require.Len(t, lines, len(x)/160)
	v, err := strconv.ParseFloat(lines[len(lines)-1], 64)
	require.NoError(t, err)
	assert.Greater(t, v, 0.5, "the last frames are speech")

	var quiet bytes.Buffer
	require.Equal(t, 0, run([]string{filepath.Join(dir, "in"), filepath.Join(dir, "out")}, &quiet, &stderr), stderr.String())
	assert.Empty(t, quiet.String())
	b, err := os.ReadFile(filepath.Join(dir, "out", "a.vad"))
	require.NoError(t, err)
	assert.Equal(t, stdout.String(), string(b), "the same values, file or folder")
	assert.Equal(t, 2, run(nil, &stdout, &stderr))
}
