package denoise

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/metrics"
	"github.com/hushaudio/hush/internal/mix"
	"github.com/hushaudio/hush/internal/testaudio"
)

func denoiseFile(t testing.TB, x []float32, rate int, cfg Config) []float32 {
	t.Helper()
	cfg.SampleRate = rate
	return processAll(t, newDenoiser(t, cfg), x, []int{4096})
}

type scores struct{ sisdr, segsnr, stoi, estoi float64 }

func score(t testing.TB, clean, est []float32, rate int) scores {
	t.Helper()
	stoi, err := metrics.STOI(clean, est, rate)
	require.NoError(t, err)
	estoi, err := metrics.ESTOI(clean, est, rate)
	require.NoError(t, err)
	return scores{metrics.SISDR(clean, est), metrics.SegSNR(clean, est, rate), stoi, estoi}
}

func TestImprovesVoiceBankPairs(t *testing.T) {
	dir := testaudio.SharedData(t, "dev16k/vbd_pairs")
	for _, mode := range []Mode{ModeLearned, ModeClassic} {
		t.Run(mode.String(), func(t *testing.T) {
			var noisy, enhanced scores
			files := testaudio.WAVFiles(t, filepath.Join(dir, "noisy"))
			require.Len(t, files, 23)
			for _, f := range files {
				x, rate := testaudio.ReadMono(t, f)
				clean, _ := testaudio.ReadMono(t, filepath.Join(dir, "clean", filepath.Base(f)))
				y := denoiseFile(t, x, rate, Config{Mode: mode})
				n, e := score(t, clean, x, rate), score(t, clean, y, rate)
				noisy.add(n, 23)
				enhanced.add(e, 23)
			}
			t.Logf("noisy    SI-SDR %.2f dB  segSNR %.2f dB  STOI %.3f  ESTOI %.3f", noisy.sisdr, noisy.segsnr, noisy.stoi, noisy.estoi)
			t.Logf("denoised SI-SDR %.2f dB  segSNR %.2f dB  STOI %.3f  ESTOI %.3f", enhanced.sisdr, enhanced.segsnr, enhanced.stoi, enhanced.estoi)
			assert.Greater(t, enhanced.sisdr, noisy.sisdr+1, "SI-SDR should rise by more than 1 dB")
			assert.Greater(t, enhanced.segsnr, noisy.segsnr+1, "segmental SNR should rise by more than 1 dB")
			assert.GreaterOrEqual(t, enhanced.estoi, noisy.estoi, "ESTOI must not fall")
			if mode == ModeLearned {
				// The learned stage is held to more. RNNoise's scores on
				// these pairs (bench/RESULTS.md) are 9.07 dB, 4.19 dB,
				// 0.853 and 0.687; these floors sit just below what the
				// shipped weights reach, so that a regression fails here.
				assert.Greater(t, enhanced.sisdr, 8.8)
				assert.Greater(t, enhanced.segsnr, 3.4)
				assert.Greater(t, enhanced.stoi, 0.848)
				assert.Greater(t, enhanced.estoi, 0.650)
			}
		})
	}
}

func (s *scores) add(o scores, n float64) {
	s.sisdr += o.sisdr / n
	s.segsnr += o.segsnr / n
	s.stoi += o.stoi / n
	s.estoi += o.estoi / n
}

func TestCleanSpeechPassesNearlyUntouched(t *testing.T) {
	dir := testaudio.SharedData(t, "dev16k/clean")
	var files []string
	for _, sub := range []string{"cmu_arctic", "asterisk_en_Allison_F", "asterisk_it_Carlo_M"} {
		for _, f := range testaudio.WAVFiles(t, filepath.Join(dir, sub)) {
			// The prompt sets include a few pure signalling tones; a steady
			// tone is exactly what a noise suppressor is meant to remove,
			// so they are no test of speech passing through.
			switch filepath.Base(f) {
			case "beep.wav", "beeperr.wav", "ascending-2tone.wav":
				continue
			}
			files = append(files, f)
		}
	}
	require.NotEmpty(t, files)
	for _, mode := range []Mode{ModeLearned, ModeClassic} {
		t.Run(mode.String(), func(t *testing.T) { checkCleanPassthrough(t, files, mode) })
	}
}

func checkCleanPassthrough(t *testing.T, files []string, mode Mode) {
	var worst, mean float64 = 1000, 0
	worstFile := ""
	below20 := 0
	for _, f := range files {
		x, rate := testaudio.ReadMono(t, f)
		y := denoiseFile(t, x, rate, Config{Mode: mode})
		s := metrics.SISDR(x, y)
		mean += s / float64(len(files))
		if s < 20 {
			below20++
			t.Logf("%s: %.1f dB", filepath.Base(f), s)
		}
		if s < worst {
			worst, worstFile = s, f
		}
	}
	t.Logf("clean passthrough over %d files: mean SI-SDR %.1f dB, worst %.1f dB (%s), %d below 20 dB",
		len(files), mean, worst, filepath.Base(worstFile), below20)
	assert.Greater(t, mean, 25.0, "clean speech must pass nearly untouched on average")
	if mode == ModeClassic {
		// A few prompts start speaking in the very first frame and keep
		// going for longer than the noise tracker's minimum window, which
		// it cannot tell from a steady noise; they may lose a little more.
		assert.LessOrEqual(t, below20, len(files)/20, "at most 5%% of clean files may fall below 20 dB")
	} else {
		// The network is less sure of quiet, short prompts: it turns some
		// syllables down by a decibel or two (README, "The learned stage").
		// This bounds that tail at what the shipped weights do.
		assert.LessOrEqual(t, below20, len(files)/5, "at most 20%% of clean files may fall below 20 dB")
	}
}

func TestSpeechProbabilityFollowsSpeech(t *testing.T) {
	dir := testaudio.SharedData(t, "dev16k/vbd_pairs")
	var speech, pause []float64
	for _, f := range testaudio.WAVFiles(t, filepath.Join(dir, "noisy"))[:8] {
		x, rate := testaudio.ReadMono(t, f)
		clean, _ := testaudio.ReadMono(t, filepath.Join(dir, "clean", filepath.Base(f)))
		d, err := New(Config{SampleRate: rate})
		require.NoError(t, err)
		hop := d.FrameSize()
		out := make([]float32, hop)
		// Frame energy of the clean speech, to label frames; the frame
		// just completed covers the window ending at the current sample.
		var peak float64
		energy := make([]float64, len(x)/hop)
		for i := range energy {
			for _, v := range clean[i*hop : (i+1)*hop] {
				energy[i] += float64(v) * float64(v)
			}
			peak = max(peak, energy[i])
		}
		for i := range energy {
			d.Process(out, x[i*hop:(i+1)*hop])
			if i < 50 {
				continue // let the noise tracker settle
			}
			switch {
			case energy[i] > peak/30:
				speech = append(speech, float64(d.SpeechProbability(0)))
			case energy[i] < peak/3000:
				pause = append(pause, float64(d.SpeechProbability(0)))
			}
		}
	}
	mean := func(v []float64) float64 {
		var s float64
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	require.NotEmpty(t, speech)
	require.NotEmpty(t, pause)
	t.Logf("speech probability: %.2f in %d speech frames, %.2f in %d pauses", mean(speech), len(speech), mean(pause), len(pause))
	assert.Greater(t, mean(speech), mean(pause)+0.3)
}

func TestNoLevelLossOnCleanSpeech(t *testing.T) {
	dir := testaudio.SharedData(t, "dev16k/vbd_pairs/clean")
	for _, mode := range []Mode{ModeLearned, ModeClassic} {
		var mean, worst float64
		files := testaudio.WAVFiles(t, dir)
		for _, f := range files {
			x, rate := testaudio.ReadMono(t, f)
			y := denoiseFile(t, x, rate, Config{Mode: mode})
			px, _, err := mix.ActiveLevel(x, rate)
			require.NoError(t, err)
			py, _, err := mix.ActiveLevel(y, rate)
			require.NoError(t, err)
			d := 10 * math.Log10(py/px)
			mean += d / float64(len(files))
			worst = min(worst, d)
		}
		t.Logf("%v: active speech level changes by %+.2f dB on average, %+.2f dB at worst", mode, mean, worst)
		assert.Less(t, math.Abs(mean), 0.5, "%v: speech must keep its level", mode)
		assert.Greater(t, worst, -1.0, "%v: no file may lose 1 dB of speech level", mode)
	}
}
