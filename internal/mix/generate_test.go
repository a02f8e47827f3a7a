package mix

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
	"github.com/hushaudio/hush/internal/wav"
)

func writeWAV(t *testing.T, p string, x []float32, rate int) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, wav.WriteFile(p, x, wav.Format{SampleRate: rate, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}))
}

// syntheticInputs writes three speech files (one in a subfolder) and two
// noise files at rate and returns the two folders.
func syntheticInputs(t *testing.T, rate int) (speech, noise string) {
	dir := t.TempDir()
	speech, noise = filepath.Join(dir, "speech"), filepath.Join(dir, "noise")
	writeWAV(t, filepath.Join(speech, "a.wav"), speechLike(2*rate, rate, 11), rate)
	writeWAV(t, filepath.Join(speech, "sub", "b.wav"), speechLike(3*rate, rate, 12), rate)
	writeWAV(t, filepath.Join(speech, "c.WAV"), speechLike(rate, rate, 13), rate)
	writeWAV(t, filepath.Join(noise, "hiss.wav"), whiteNoise(5*rate, 0.05, 14), rate)
	writeWAV(t, filepath.Join(noise, "short.wav"), whiteNoise(rate/2, 0.3, 15), rate) // loops
	return speech, noise
}

// readTree returns every file under dir by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return err
	}))
	return files
}

func TestGenerateIsReproducible(t *testing.T) {
	speech, noise := syntheticInputs(t, 16000)
	gen := func(seed uint64, workers int) map[string][]byte {
		out := filepath.Join(t.TempDir(), "set")
		_, err := Generate(Options{SpeechDir: speech, NoiseDir: noise, OutDir: out,
			SNRs: []float64{0, 5, 10}, Seed: seed, Count: 8, Workers: workers})
		require.NoError(t, err)
		return readTree(t, out)
	}
	a, b := gen(42, 1), gen(42, 4)
	require.Len(t, a, 3*8+1)
	assert.Equal(t, a, b, "same seed must give byte-identical files")
	c := gen(43, 2)
	assert.NotEqual(t, a[ManifestName], c[ManifestName])
	differ := 0
	for name, data := range a {
		if string(c[name]) != string(data) {
			differ++
		}
	}
	assert.Greater(t, differ, 8, "another seed should change most files")
}

func TestGenerateBalancesNoiseAndSNR(t *testing.T) {
	speech, noise := syntheticInputs(t, 8000)
	entries, err := Generate(Options{SpeechDir: speech, NoiseDir: noise, OutDir: t.TempDir(),
		SNRs: []float64{-5, 20}, Seed: 1})
	require.NoError(t, err)
	require.Len(t, entries, 4) // default: every noise at every SNR once
	seen := map[string]bool{}
	for _, e := range entries {
		seen[e.NoiseType()+"@"+formatSNR(e.SNR)] = true
	}
	assert.Len(t, seen, 4)
	// Three speech files, four mixtures: all three are used before any repeats.
	used := map[string]bool{}
	for _, e := range entries[:3] {
		used[e.Speech] = true
	}
	assert.Len(t, used, 3)
}

func formatSNR(x float64) string { return filepath.Base(mixtureName(0, "s", "n", x)) }

func TestGenerateRejectsMixedRates(t *testing.T) {
	speech, noise := syntheticInputs(t, 16000)
	writeWAV(t, filepath.Join(noise, "odd.wav"), whiteNoise(8000, 0.1, 1), 8000)
	_, err := Generate(Options{SpeechDir: speech, NoiseDir: noise, OutDir: t.TempDir(), SNRs: []float64{0}})
	assert.ErrorIs(t, err, ErrSampleRate)
	assert.ErrorContains(t, err, "odd.wav")
}

func TestGenerateRefusesExistingSet(t *testing.T) {
	speech, noise := syntheticInputs(t, 16000)
	out := t.TempDir()
	opts := Options{SpeechDir: speech, NoiseDir: noise, OutDir: out, SNRs: []float64{0}, Count: 1}
	_, err := Generate(opts)
	require.NoError(t, err)
	_, err = Generate(opts)
	assert.ErrorIs(t, err, ErrOutput)
	opts.Force = true
	_, err = Generate(opts)
	assert.NoError(t, err)
}

func TestGenerateRejectsEmptyFolders(t *testing.T) {
	speech, _ := syntheticInputs(t, 16000)
	_, err := Generate(Options{SpeechDir: speech, NoiseDir: t.TempDir(), OutDir: t.TempDir(), SNRs: []float64{0}})
	assert.ErrorIs(t, err, ErrNoFiles)
	_, err = Generate(Options{SpeechDir: speech, NoiseDir: speech, OutDir: t.TempDir(), SNRs: []float64{0}, MinSpeech: time.Hour})
	assert.ErrorIs(t, err, ErrNoFiles)
	_, err = Generate(Options{SpeechDir: speech, NoiseDir: speech, OutDir: t.TempDir()})
	assert.ErrorIs(t, err, ErrOptions)
}

// TestGenerateRealRecordings mixes real speech and noise and checks the
// written files: SNR on target, nothing clipped, manifest complete.
func TestGenerateRealRecordings(t *testing.T) {
	sharedData := testaudio.SharedData(t, "dev16k")
	out := t.TempDir()
	snrs := []float64{0, 5, 10, 15}
	entries, err := Generate(Options{
		SpeechDir: filepath.Join(sharedData, "clean", "cmu_arctic"),
		NoiseDir:  filepath.Join(sharedData, "noise", "speech_commands_bg"),
		OutDir:    out, SNRs: snrs, Seed: 7, MinSpeech: time.Second, Lead: 250 * time.Millisecond,
	})
	require.NoError(t, err)
	require.Len(t, entries, 8) // two noises at four SNRs

	manifest, err := ReadManifestFile(filepath.Join(out, ManifestName))
	require.NoError(t, err)
	require.Equal(t, entries, manifest)
	for i, e := range manifest {
		assert.Equal(t, snrs[i%len(snrs)], e.SNR)
		assert.NotEmpty(t, e.Speech)
		assert.FileExists(t, filepath.Join(sharedData, "clean", "cmu_arctic", e.Speech))
		assert.FileExists(t, filepath.Join(sharedData, "noise", "speech_commands_bg", e.Noise))
		assert.Positive(t, e.NoiseGain)
		assert.True(t, e.Gain > 0 && e.Gain <= 1, "gain %v", e.Gain)

		var sig [3][]float32
		for k, d := range []string{"clean", "noise", "noisy"} {
			x, f, err := wav.ReadFile(filepath.Join(out, d, e.Name))
			require.NoError(t, err)
			require.Equal(t, wav.Format{SampleRate: 16000, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}, f)
			require.Len(t, x, e.Samples)
			sig[k] = x
		}
		clean, noise, noisy := sig[0], sig[1], sig[2]
		require.Equal(t, 4000, e.SpeechStart)
		assert.Equal(t, make([]float32, e.SpeechStart), clean[:e.SpeechStart], "lead-in must be silent speech")
		assert.Positive(t, meanPower(noisy[:e.SpeechStart]), "lead-in must hold noise")
		ps, _, err := ActiveLevel(clean, 16000)
		require.NoError(t, err)
		assert.InDelta(t, e.SNR, db(ps)-db(meanPower(noise)), 0.5, e.Name)
		peak, worst := 0.0, 0.0
		for j := range noisy {
			peak = max(peak, math.Abs(float64(noisy[j])), math.Abs(float64(clean[j])), math.Abs(float64(noise[j])))
			worst = max(worst, math.Abs(float64(clean[j]+noise[j]-noisy[j])))
		}
		assert.LessOrEqual(t, peak, PeakLimit+1e-3, "%s clips", e.Name)
		assert.LessOrEqual(t, worst, 1.5/32768, "%s: noisy != clean + noise", e.Name)
	}
}
