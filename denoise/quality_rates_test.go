package denoise

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/dsp/resample"
	"github.com/hushaudio/hush/internal/metrics"
	"github.com/hushaudio/hush/internal/mix"
	"github.com/hushaudio/hush/internal/testaudio"
)

// rateMixtures makes noisy speech at 48 kHz from the shared recordings:
// the CMU ARCTIC utterances (16 kHz, upsampled) each with a different
// full-band 48 kHz ambience, at 5 dB SNR. It returns the clean and noisy
// signals, or skips the test when the recordings are absent.
func rateMixtures(t *testing.T) (clean, noisy [][]float32) {
	t.Helper()
	speechDir := testaudio.SharedData(t, "dev16k/clean/cmu_arctic")
	noiseDir := testaudio.SharedData(t, "noise48k")
	noises := []string{"city", "coffee-shop", "rain", "fireplace", "train", "wind"}
	for i, f := range testaudio.WAVFiles(t, speechDir) {
		s16, rate := testaudio.ReadMono(t, f)
		require.Equal(t, 16000, rate)
		s, err := resample.Resample(nil, s16, 16000, 48000)
		require.NoError(t, err)
		n, nrate := testaudio.ReadMono(t, filepath.Join(noiseDir, noises[i%len(noises)]+".wav"))
		require.Equal(t, 48000, nrate)
		m, err := mix.Mix(s, n, 48000, 5, 48000)
		require.NoError(t, err)
		clean = append(clean, m.Clean)
		noisy = append(noisy, m.Noisy)
	}
	require.NotEmpty(t, clean)
	return clean, noisy
}

// The same mixtures, resampled to each rate and denoised there (8 and 16
// kHz natively, 48 kHz natively, 96 kHz through the resampled path),
// must all improve, stay aligned, and the narrowband rates must not do
// much worse than full band.
func TestImprovesAtEveryRate(t *testing.T) {
	if testing.Short() {
		t.Skip("quality at four rates takes a few seconds")
	}
	clean48, noisy48 := rateMixtures(t)
	gain := map[int]float64{}
	for _, rate := range []int{8000, 16000, 48000, 96000} {
		var before, after float64
		for i := range clean48 {
			clean, err := resample.Resample(nil, clean48[i], 48000, rate)
			require.NoError(t, err)
			noisy, err := resample.Resample(nil, noisy48[i], 48000, rate)
			require.NoError(t, err)
			y := processAll(t, newDenoiser(t, Config{SampleRate: rate}), noisy, []int{rate / 50})
			require.Len(t, y, len(noisy))
			if i == 0 {
				assert.Equal(t, 0, testaudio.XcorrPeak(clean, y, 16), "%d Hz: the output must line up with the input", rate)
			}
			before += metrics.SISDR(clean, noisy) / float64(len(clean48))
			after += metrics.SISDR(clean, y) / float64(len(clean48))
		}
		gain[rate] = after - before
		t.Logf("%5d Hz: SI-SDR %.2f -> %.2f dB (%+.2f dB)", rate, before, after, after-before)
		assert.Greater(t, after, before+1, "%d Hz: SI-SDR must rise by more than 1 dB", rate)
	}
	// At 48 kHz half the noise lies above the speech band, where it is
	// easy to remove; the narrowband rates lose that bonus but must not
	// fall far behind.
	assert.Greater(t, gain[16000], gain[48000]-1.5, "16 kHz improvement vs 48 kHz")
	assert.Greater(t, gain[8000], gain[48000]-1.5, "8 kHz improvement vs 48 kHz")
	assert.InDelta(t, gain[48000], gain[96000], 0.5, "96 kHz through the resampler vs 48 kHz")
}
