// Package testaudio holds what the tests of several packages share: the
// path to the recordings in ../shared/data beside the repository, test
// signals, reading WAV files as mono, and small measures. It is for tests
// only.
package testaudio

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hushaudio/hush/internal/wav"
)

// RepoRoot returns the repository's root: the first folder at or above
// the working directory (a package's folder, under go test) that holds
// go.mod with this module.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.Contains(string(b), "module github.com/hushaudio/hush\n") {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testaudio: no go.mod of github.com/hushaudio/hush above the working directory")
		}
		dir = parent
	}
}

// SharedData returns the path of rel (a file or folder) under the shared
// recordings, ../shared/data beside the repository, or skips the test when
// it is not there: a bare clone has no such folder, and the tests that
// need real recordings skip themselves.
func SharedData(t testing.TB, rel string) string {
	t.Helper()
	p, ok := LookupSharedData(t, rel)
	if !ok {
		t.Skipf("%s not found: the shared recordings are not beside this clone", p)
	}
	return p
}

// LookupSharedData returns the path of rel under the shared recordings and
// whether it exists, for tests that fall back on other signals.
func LookupSharedData(t testing.TB, rel string) (string, bool) {
	t.Helper()
	p := filepath.Join(filepath.Dir(RepoRoot(t)), "shared", "data", rel)
	_, err := os.Stat(p)
	return p, err == nil
}

// Testdata returns the path of rel under the repository's testdata folder.
func Testdata(t testing.TB, rel string) string {
	t.Helper()
	return filepath.Join(RepoRoot(t), "testdata", rel)
}

// ReadMono reads a WAV file and returns its first channel as float32 and
// its sample rate; it fails the test on error.
func ReadMono(t testing.TB, path string) ([]float32, int) {
	t.Helper()
	x, f, err := wav.ReadMonoFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return x, f.SampleRate
}

// WAVFiles returns the .wav files in dir, sorted; it fails the test if
// there are none.
func WAVFiles(t testing.TB, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.wav"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .wav files in %s (%v)", dir, err)
	}
	sort.Strings(files)
	return files
}

// Noise returns n samples of white noise of RMS 0.1, the same for a seed.
func Noise(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := make([]float32, n)
	for i := range x {
		x[i] = 0.1 * float32(rng.NormFloat64())
	}
	return x
}

// Sine returns n samples of a sine of freq [Hz] and amplitude amp at rate.
func Sine(n, rate int, freq, amp float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return x
}

// SpeechLike returns a band-limited, speech-like signal: harmonics of a
// gliding pitch up to 7 kHz, switched on and off like syllables, starting
// at a phase set by seed.
func SpeechLike(n, rate int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := make([]float32, n)
	phase := 2 * math.Pi * rng.Float64()
	for i := range x {
		t := float64(i) / float64(rate)
		f0 := 140 + 40*math.Sin(2*math.Pi*0.7*t)
		phase += 2 * math.Pi * f0 / float64(rate)
		env := 0.5 + 0.5*math.Sin(2*math.Pi*3*t)
		var v float64
		for h := 1; float64(h)*f0 < 7000; h++ {
			v += math.Sin(float64(h)*phase) / float64(h)
		}
		x[i] = float32(0.2 * env * v)
	}
	return x
}

// Power returns the mean square of x.
func Power(x []float32) float64 {
	var p float64
	for _, v := range x {
		p += float64(v) * float64(v)
	}
	return p / float64(max(len(x), 1))
}

// ErrorDB returns the power of y−x relative to that of x [dB].
func ErrorDB(x, y []float32) float64 {
	var e, p float64
	for i := range x {
		d := float64(y[i]) - float64(x[i])
		e += d * d
		p += float64(x[i]) * float64(x[i])
	}
	return 10 * math.Log10(e/p)
}

// XcorrPeak returns the lag in [-maxLag, maxLag] at which y best matches
// x: y[i] ≈ x[i−lag].
func XcorrPeak(x, y []float32, maxLag int) int {
	best, bestLag := math.Inf(-1), 0
	for lag := -maxLag; lag <= maxLag; lag++ {
		var s float64
		for i := max(0, lag); i < len(y) && i-lag < len(x); i++ {
			s += float64(y[i]) * float64(x[i-lag])
		}
		if s > best {
			best, bestLag = s, lag
		}
	}
	return bestLag
}
