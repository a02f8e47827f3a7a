package main

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestROCAUCByHand(t *testing.T) {
	// Speech 0.35 and 0.8 against pauses 0.1 and 0.4: three of the four
	// pairs are ordered right.
	assert.InDelta(t, 0.75, rocAUC([]float32{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}), 1e-12)
	// A tie counts a half: pairs (0.5 vs 0.5) and (0.5 vs 0.2) give 1.5 of 2.
	assert.InDelta(t, 0.75, rocAUC([]float32{0.5, 0.5, 0.2}, []bool{true, false, false}), 1e-12)
	assert.Equal(t, 1.0, rocAUC([]float32{0, 0.1, 0.9, 1}, []bool{false, false, true, true}))
	assert.Equal(t, 0.0, rocAUC([]float32{1, 0.9, 0.1, 0}, []bool{false, false, true, true}))
	assert.Equal(t, 0.5, rocAUC([]float32{0.3, 0.3, 0.3, 0.3}, []bool{false, true, false, true}), "a constant says nothing")
	assert.True(t, math.IsNaN(rocAUC([]float32{0.2, 0.7}, []bool{true, true})), "one class only")
}

func TestF1AtThreshold(t *testing.T) {
	// Called speech at ≥ 0.5: 0.9 (right), 0.6 (wrong), 0.5 (right); 0.4
	// missed; 0.2 rightly not: tp 2, fp 1, fn 1, tn 1.
	c := countAt([]float32{0.9, 0.6, 0.4, 0.2, 0.5}, []bool{true, false, true, false, true}, 0.5)
	assert.Equal(t, vadCounts{tp: 2, fp: 1, fn: 1, tn: 1}, c)
	assert.InDelta(t, 2.0/3, c.precision(), 1e-12)
	assert.InDelta(t, 2.0/3, c.recall(), 1e-12)
	assert.InDelta(t, 2.0/3, c.f1(), 1e-12)
	c = countAt([]float32{0.1, 0.2}, []bool{false, false}, 0.5)
	assert.True(t, math.IsNaN(c.f1()), "nothing to find, nothing found")
	assert.Equal(t, 0.0, countAt([]float32{0.1}, []bool{true}, 0.5).f1())
}

// toneFrames is a 16 kHz signal of 10 ms frames, frame k a 440 Hz tone at
// levels[k] dB (below 0.5 amplitude); NaN for digital silence.
func toneFrames(levels []float64) []float32 {
	x := make([]float32, 160*len(levels))
	for i := range x {
		if db := levels[i/160]; !math.IsNaN(db) {
			x[i] = float32(0.5 * math.Pow(10, db/20) * math.Sin(2*math.Pi*440*float64(i)/16000))
		}
	}
	return x
}

func TestSpeechLabelsFollowTheActiveLevel(t *testing.T) {
	nan := math.NaN()
	levels := make([]float64, 100)
	for k := range levels {
		switch {
		case k < 20 || k >= 90:
			levels[k] = nan
		default:
			levels[k] = 0
		}
	}
	levels[50] = -10 // quieter, still speech
	levels[60] = -14
	levels[70] = -20 // too quiet
	levels[71] = -30
	x := toneFrames(levels)
	labels, err := speechLabels(append(x, make([]float32, 100)...), 16000) // a partial frame is left out
	require.NoError(t, err)
	require.Len(t, labels, 100)
	for k, l := range labels {
		want := k >= 20 && k < 90 && k != 70 && k != 71
		assert.Equal(t, want, l, "frame %d at %v dB", k, levels[k])
	}
	_, err = speechLabels(make([]float32, 1600), 16000)
	assert.Error(t, err, "silence has no active level")
}

func TestBestShiftFindsAMisalignment(t *testing.T) {
	// Labels in blocks; values that follow them two frames late, with
	// some noise so that only the right shift is perfect.
	labels := make([]bool, 400)
	for k := range labels {
		labels[k] = (k/25)%2 == 1
	}
	late := make([]float32, len(labels)+2)
	for k, l := range labels {
		if l {
			late[k+2] = 0.8
		}
		late[k+2] += 0.1 * float32(k%7) / 7
	}
	v := &vadSet{
		labels:  map[string][]bool{"a.wav": labels},
		systems: []string{"late"},
		results: map[string]*vadResult{"late": {files: map[string][]float32{"a.wav": late}}},
	}
	shift, auc := v.bestShift("late")
	assert.Equal(t, 2, shift)
	assert.Equal(t, 1.0, auc)
	p, y := v.pairs("late", 0, nil)
	assert.Len(t, p, 400)
	assert.Less(t, rocAUC(p, y), 0.95)
	p, _ = v.pairs("late", 3, nil)
	assert.Len(t, p, 399, "pairs only where a value exists")
}

func TestScoreReportsVoiceActivity(t *testing.T) {
	work := fakeWork(t)
	// fakeWork's speech rises and falls every 0.5 s: a VAD that knows the
	// clean signal, and one that says the opposite; b.wav lacks values.
	for _, name := range []string{"a", "b"} {
		clean, _, err := readMono(filepath.Join(work, "sets/s/clean", name+".wav"))
		require.NoError(t, err)
		labels, err := speechLabels(clean, 16000)
		require.NoError(t, err)
		var right, wrong strings.Builder
		for _, l := range labels {
			if l {
				right.WriteString("0.9\n")
				wrong.WriteString("0.1\n")
			} else {
				right.WriteString("0.2\n")
				wrong.WriteString("0.7\n")
			}
		}
		if name == "b" {
			wrong.Reset()
			wrong.WriteString("0.5\n")
		}
		for sys, text := range map[string]string{"right": right.String(), "wrong": wrong.String()} {
			p := filepath.Join(work, "vad/s", sys, name+".vad")
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		}
	}
	out := filepath.Join(t.TempDir(), "R.md")
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"--work", work, "--sets", "s", "-o", out, "--no-dnsmos"}, &stdout, &stderr), stderr.String())
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	rep := string(b)
	assert.Contains(t, rep, "### Voice activity")
	assert.Contains(t, rep, "| right | **1.000** | **1.000** | **1.000** | **1.000** | 0.90 | 0.20 | 0 | 1.000 |")
	assert.Regexp(t, `\| wrong \| 0\.000 \| 0\.000 \| 0\.000 \| 0\.000 \| 0\.10 \| 0\.70 \| -?\d \| [0-9.]+ \|`, rep)
	assert.Contains(t, stderr.String(), "set s, VAD wrong: 1 problems, first: b.wav: 1 values for")
	assert.Contains(t, rep, "### VAD ROC-AUC, by input SNR")
}
