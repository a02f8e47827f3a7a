package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sharedDir is ../shared seen from this package's folder.
const sharedDir = "../../../shared"

func TestDNSMOSMapIsTheReferencePolynomials(t *testing.T) {
	// By hand: SIG -0.08397278*9 + 1.22083953*3 + 0.0052439, and so on.
	got := dnsmosMap([3]float64{3, 3, 3})
	assert.InDelta(t, 2.91200747, got[0], 1e-8)
	assert.InDelta(t, 3.24640004, got[1], 1e-8)
	assert.InDelta(t, 2.78345392, got[2], 1e-8)
	got = dnsmosMap([3]float64{0, 0, 0})
	assert.Equal(t, [3]float64{0.0052439, -0.39604546, 0.04602535}, got)
}

func TestDNSMOSWindows(t *testing.T) {
	ramp := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(i)
		}
		return x
	}
	for _, c := range []struct {
		name   string
		n      int
		padded int
		starts []int
	}{
		// 3 s doubles to 6 s, then 12 s: int(12 - 9.01) + 1 = 3 windows.
		{"short clip repeated", 48000, 192000, []int{0, 16000, 32000}},
		{"exactly one window", 144160, 144160, []int{0}},
		// int(10 - 9.01) + 1 = 1: a second window would fit, but the
		// reference counts whole seconds.
		{"10.9 s", 174400, 174400, []int{0}},
		{"11 s", 176000, 176000, []int{0, 16000}},
		{"one sample", 1, 1 << 18, []int{0, 16000, 32000, 48000, 64000, 80000, 96000}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := ramp(c.n)
			x, w := dnsmosWindows(in)
			require.Len(t, x, c.padded)
			var starts []int
			for _, s := range w {
				starts = append(starts, s[0])
				assert.Equal(t, dnsmosWindow, s[1]-s[0], "window %v", s)
				assert.LessOrEqual(t, s[1], len(x))
			}
			assert.Equal(t, c.starts, starts)
			// The repeats are copies of the clip, and the clip is untouched.
			assert.Equal(t, in, x[:c.n])
			assert.Equal(t, x[c.padded-1], in[c.n-1])
			assert.Equal(t, float32(c.n-1), in[c.n-1])
		})
	}
	x, w := dnsmosWindows(nil)
	assert.Empty(t, x)
	assert.Empty(t, w)
}

// TestDNSMOSMatchesReference checks the scorer against the figures the
// challenge's reference scorer gives (../shared/metrics/dnsmos/README.md).
// It needs node, bench/node/node_modules (npm ci there) and ../shared.
func TestDNSMOSMatchesReference(t *testing.T) {
	if testing.Short() {
		t.Skip("about 25 s of model runs; skipped with -short")
	}
	setup := dnsmosSetup{nodeDir: "../node", model: filepath.Join(sharedDir, "metrics/dnsmos/sig_bak_ovr.onnx")}
	if err := setup.check(); err != nil {
		t.Skip(err)
	}
	dir := filepath.Join(sharedDir, "data/dev16k/vbd_pairs/noisy")
	files, err := filepath.Glob(filepath.Join(dir, "*.wav"))
	require.NoError(t, err)
	if len(files) == 0 {
		t.Skip("no ../shared VoiceBank pairs in", dir)
	}
	require.Len(t, files, 23)
	d, err := setup.start()
	require.NoError(t, err)
	defer func() { assert.NoError(t, d.close()) }()
	var mean [3]float64
	for _, f := range files {
		x, fm, err := readMono(f)
		require.NoError(t, err)
		require.Equal(t, dnsmosRate, fm.SampleRate)
		s, err := d.score(x)
		require.NoError(t, err, f)
		if filepath.Base(f) == "p232_002.wav" {
			assert.InDeltaSlice(t, []float64{3.6973, 3.7971, 3.2732}, s[:], 0.0002, "p232_002.wav")
		}
		for i := range mean {
			mean[i] += s[i] / float64(len(files))
		}
	}
	t.Logf("SIG %.4f BAK %.4f OVRL %.4f", mean[0], mean[1], mean[2])
	assert.InDeltaSlice(t, []float64{2.5052, 2.0008, 1.8801}, mean[:], 0.0002)
}

func TestDNSMOSSetupSaysWhatIsMissing(t *testing.T) {
	err := dnsmosSetup{nodeDir: t.TempDir(), model: "x.onnx"}.check()
	require.Error(t, err)
	if _, statErr := os.Stat("/usr/bin/node"); statErr == nil {
		assert.Contains(t, err.Error(), "npm ci")
	}
}
