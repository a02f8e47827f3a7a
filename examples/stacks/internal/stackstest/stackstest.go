// Package stackstest holds what the tests of the call-stack examples
// share: the example recording at a call's rate, and the score of what a
// call delivered against its clean reference. It is for tests only.
package stackstest

import (
	"math"
	"testing"

	"github.com/hushaudio/hush/examples/stacks/internal/clip"
	"github.com/hushaudio/hush/internal/live/livetest"
	"github.com/hushaudio/hush/internal/metrics"
	"github.com/hushaudio/hush/internal/testaudio"
)

// Recording returns the repository's example pair, testdata/clean_example.wav
// and testdata/noisy_example.wav (16 kHz speech and the same with noise,
// sample-aligned), resampled to rate [Hz].
func Recording(t testing.TB, rate int) (clean, noisy []float32) {
	t.Helper()
	clean, err := clip.ReadMono(testaudio.Testdata(t, "clean_example.wav"), rate)
	if err != nil {
		t.Fatal(err)
	}
	noisy, err = clip.ReadMono(testaudio.Testdata(t, "noisy_example.wav"), rate)
	if err != nil {
		t.Fatal(err)
	}
	return clean, noisy
}

// NoisyRecording returns Recording's pair with its noise (noisy − clean)
// scaled so that the noisy one is at snrDB [dB] signal-to-noise ratio over
// the whole clip. The clip as it comes is at 16.8 dB, where there is little
// to remove (a denoiser raises its SI-SDR by about 2 dB); at 5 dB the same
// real noise makes a hard call.
func NoisyRecording(t testing.TB, rate int, snrDB float64) (clean, noisy []float32) {
	t.Helper()
	clean, noisy = Recording(t, rate)
	var ps, pn float64
	for i, c := range clean {
		n := float64(noisy[i] - c)
		ps += float64(c) * float64(c)
		pn += n * n
	}
	g := float32(math.Sqrt(ps / pn / math.Pow(10, snrDB/10)))
	mixed := make([]float32, len(noisy))
	for i, c := range clean {
		mixed[i] = c + g*(noisy[i]-c)
	}
	return clean, mixed
}

// Aligned is a recording lined up with its reference.
type Aligned struct {
	Lag   int     // samples by which the recording trails the reference
	Corr  float64 // normalized correlation at Lag, 1 for an exact copy
	SISDR float64 // [dB] over the stretch the two share
}

// Align finds the lag of got behind ref (within ±maxLag samples) and
// scores got against ref over the stretch both cover. A call delivers its
// audio late by the network's and the codec's delay, so the score must
// not depend on where the recording started.
func Align(t testing.TB, ref, got []float32, maxLag int) Aligned {
	t.Helper()
	lag, corr := livetest.Delay(ref, got, maxLag)
	return Aligned{Lag: lag, Corr: corr, SISDR: SISDRAt(t, ref, got, lag)}
}

// SISDRAt is the SI-SDR [dB] of got against ref where got[k] lines up
// with ref[k-lag], over the stretch both cover.
func SISDRAt(t testing.TB, ref, got []float32, lag int) float64 {
	t.Helper()
	from, to := max(0, lag), min(len(got), len(ref)+lag)
	if to-from < len(ref)/2 {
		t.Fatalf("stackstest: at a lag of %d samples the recording (%d samples) covers %d of the reference's %d", lag, len(got), max(0, to-from), len(ref))
	}
	return metrics.SISDR(ref[from-lag:to-lag], got[from:to])
}
