package main

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/degrade"
	"github.com/hushaudio/hush/internal/mix"
	"github.com/hushaudio/hush/internal/wav"
)

// voice returns sec seconds of a synthetic vowel: ten harmonics of a pitch
// gliding from f0 up by half, syllable-rate swells and breath noise 12 dB
// down, so that it is voiced without being a steady tone.
func voice(rng *rand.Rand, sec, f0 float64) []float32 {
	n := int(sec * coreRate)
	x := make([]float32, n)
	var ph float64
	for i := range x {
		t := float64(i) / coreRate
		f := f0 * (1 + 0.5*t/sec + 0.03*math.Sin(2*math.Pi*5*t))
		ph += 2 * math.Pi * f / coreRate
		var v float64
		for h := 1; h <= 10; h++ {
			v += math.Sin(float64(h)*ph) / float64(h)
		}
		env := 0.6 + 0.4*math.Sin(2*math.Pi*4*t)
		x[i] = float32(0.1 * (env*v + 0.25*rng.NormFloat64()))
	}
	return x
}

func tone(sec, f float64) []float32 {
	x := make([]float32, int(sec*coreRate))
	for i := range x {
		x[i] = float32(0.3 * math.Sin(2*math.Pi*f*float64(i)/coreRate))
	}
	return x
}

func whiteNoise(rng *rand.Rand, sec float64) []float32 {
	x := make([]float32, int(sec*coreRate))
	for i := range x {
		x[i] = float32(0.1 * rng.NormFloat64())
	}
	return x
}

func writeWAV(t *testing.T, path string, x []float32) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, wav.WriteFile(path, x, wav.Format{SampleRate: coreRate, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}))
}

func cat(parts ...[]float32) []float32 {
	var out []float32
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestScreenKeepsSpeechAndTrimsItsPauses(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := cat(make([]float32, coreRate), voice(rng, 1, 120), make([]float32, 2*coreRate), voice(rng, 1, 200), make([]float32, coreRate))
	got, reason := screenSpeech(x)
	require.Empty(t, reason)
	// 2 s of voice, a pause cut to 0.5 s, margins of 50 and 100 ms (and a
	// frame of rounding at each end).
	sec := float64(len(got)) / coreRate
	assert.InDelta(t, 2+0.5+0.05+0.1, sec, 0.05, "trimmed to %.2f s", sec)
}

func TestScreenRejectsWhatIsNotSpeech(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	cases := map[string][]float32{
		"steady tone (beep or music)": tone(1, 1000),
		"unvoiced (noise or effect)":  whiteNoise(rng, 1),
		"silent":                      make([]float32, coreRate),
		"shorter than 0.2 s":          voice(rng, 0.1, 150),
		"longer than 30 s":            voice(rng, 31, 150),
	}
	for want, x := range cases {
		got, reason := screenSpeech(x)
		assert.Nil(t, got, want)
		assert.Equal(t, want, reason)
	}
}

func TestNarrowbandVoicesAreRecognised(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 3))
	wide := voice(rng, 1, 150)
	assert.False(t, isNarrowband(wide))
	narrow := append([]float32(nil), wide...)
	degrade.BandPass(0, 3400, coreRate).Apply(narrow)
	degrade.BandPass(0, 3400, coreRate).Apply(narrow)
	degrade.BandPass(0, 3400, coreRate).Apply(narrow)
	assert.True(t, isNarrowband(narrow))
}

// tinyData writes a speech tree (two sources, three speakers), a noise
// tree (three kinds, one of them key presses, and the held-out ones) and a
// held-out tree with the devset's voices, and returns options for them.
func tinyData(t *testing.T) options {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 7))
	for i, spk := range []string{"a/one", "a/two", "b/three"} {
		for k := range 3 {
			writeWAV(t, filepath.Join(dir, "speech", spk, string(rune('p'+k))+".wav"), voice(rng, 0.8+0.3*float64(k), 100+40*float64(i)))
		}
	}
	writeWAV(t, filepath.Join(dir, "speech", "b/three/beep.wav"), tone(1, 800)) // screened out
	for _, kind := range []string{"hum", "wind", "fire", "water", "siren_horn"} {
		writeWAV(t, filepath.Join(dir, "noise", kind, "x.wav"), whiteNoise(rng, 3))
	}
	click := make([]float32, coreRate/5)
	for i := range 200 {
		click[i] = float32(0.5 * rng.NormFloat64() * math.Exp(-float64(i)/40))
	}
	writeWAV(t, filepath.Join(dir, "noise", "keyboard_typing", "k.wav"), click)
	for i, v := range append(append([]string(nil), devsetTalkers...), devsetBabble...) {
		for k := range 2 {
			writeWAV(t, filepath.Join(dir, "heldout", v, string(rune('p'+k))+".wav"), voice(rng, 1.5, 90+15*float64(i)))
		}
	}
	o := options{
		Speech: filepath.Join(dir, "speech"), Heldout: filepath.Join(dir, "heldout"), Noise: filepath.Join(dir, "noise"),
		Out: filepath.Join(dir, "out"), Streams: 8, Seconds: 2, Seed: 3, Recipe: 2,
		Reverb: 0.5, ReverbTarget: "early", EarlyMs: 50, Mic: 0.5, Codec: 0.2, AGC: 0.15, Clip: 0.05,
	}
	require.NoError(t, o.settle("", "", false))
	o.Out = filepath.Join(dir, "out")
	return o
}

func readAll(t *testing.T, dir string) map[string][]byte {
	out := map[string][]byte{}
	for _, f := range []string{"features.f32", "gains.f32", "speech.f32", "streams.tsv"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		require.NoError(t, err)
		out[f] = b
	}
	return out
}

func TestGeneratorIsDeterministicForAnyNumberOfWorkers(t *testing.T) {
	base := tinyData(t)
	for _, recipe := range []int{1, 2} {
		var sets []map[string][]byte
		for k, workers := range []int{1, 3, 3} {
			o := base
			o.Recipe = recipe
			o.Sources = nil
			if recipe == 1 {
				o.Sources = []string{"a", "b"}
			}
			o.Workers = workers
			o.Out = filepath.Join(base.Out, string(rune('0'+recipe)), string(rune('a'+k)))
			require.NoError(t, run(o))
			sets = append(sets, readAll(t, o.Out))
		}
		for f, b := range sets[0] {
			assert.True(t, bytes.Equal(b, sets[1][f]), "recipe %d: %s differs between 1 and 3 workers", recipe, f)
			assert.True(t, bytes.Equal(b, sets[2][f]), "recipe %d: %s differs between two runs", recipe, f)
		}
		other := base
		other.Recipe, other.Seed, other.Workers = recipe, 4, 2
		if recipe == 1 {
			other.Sources = []string{"a", "b"}
		}
		other.Out = filepath.Join(base.Out, string(rune('0'+recipe)), "seed4")
		require.NoError(t, run(other))
		assert.NotEqual(t, sets[0]["features.f32"], readAll(t, other.Out)["features.f32"], "another seed, another set")
	}
}

func TestSharesSwitchEachStageOnAndOff(t *testing.T) {
	o := tinyData(t)
	m, err := loadMaterial(o)
	require.NoError(t, err)
	assert.Len(t, m.speech.speakers, 3)
	assert.NotContains(t, m.kinds, "fire", "held-out noise is never loaded")
	for _, share := range []float64{0, 1} {
		o.Reverb, o.Mic, o.Codec, o.AGC, o.Clip = share, share, share, share, share
		for i := range 12 {
			rng := rand.New(rand.NewPCG(o.Seed, uint64(i)))
			_, _, _, desc, err := makeStream(rng, o, 200, m, i)
			require.NoError(t, err)
			f := strings.Split(desc, "\t")
			hasTalker := f[2] != "-"
			for col, name := range map[int]string{11: "mic", 12: "codec", 13: "agc", 14: "clip"} {
				assert.Equal(t, share == 1, f[col] != "-", "share %v: %s in %q", share, name, desc)
			}
			assert.Equal(t, share == 1 && hasTalker, f[5] != "-", "share %v: room in %q", share, desc)
			if share == 1 && hasTalker {
				assert.True(t, strings.HasPrefix(f[8], "early50"), desc)
			}
		}
	}
}

func TestEarlyTargetLeavesLateReverberationOut(t *testing.T) {
	o := tinyData(t)
	m, err := loadMaterial(o)
	require.NoError(t, err)
	o.Reverb, o.Mic, o.Codec, o.AGC, o.Clip = 1, 0, 0, 0, 0
	// Stream 0 with this seed has a talker; its target must hold less of
	// the room than the microphone: the late part is missing.
	for i := range 6 {
		rng := rand.New(rand.NewPCG(o.Seed, uint64(i)))
		var d streamDesc
		noisy, clean, rate, err := mixV2(rng, o, 4*coreRate, m, &d)
		require.NoError(t, err)
		if d.rt60 == 0 {
			continue
		}
		full := o
		full.ReverbTarget = "full"
		rng = rand.New(rand.NewPCG(o.Seed, uint64(i)))
		var d2 streamDesc
		_, fullClean, rate2, err := mixV2(rng, full, 4*coreRate, m, &d2)
		require.NoError(t, err)
		require.Equal(t, rate, rate2)
		require.Len(t, noisy, len(fullClean))
		assert.Less(t, power(clean), power(fullClean), "stream %d (RT60 %.2f s): the early target has less energy than the reverberant speech", i, d.rt60)
		return
	}
	t.Fatal("no stream with a room among the first six")
}

func TestDevsetIsReproducibleAndBalanced(t *testing.T) {
	o := tinyData(t)
	var first []byte
	for k := range 2 {
		o.Out = filepath.Join(t.TempDir(), "devset")
		require.NoError(t, runDevset(o))
		entries, err := mix.ReadManifestFile(filepath.Join(o.Out, mix.ManifestName))
		require.NoError(t, err)
		require.Len(t, entries, devsetMixtures)
		count := map[string]int{}
		for _, e := range entries {
			count[e.NoiseType()]++
			count[strings.TrimSuffix(strings.Split(e.Name, "_snr")[1], ".wav")]++
			for _, v := range devsetBabble {
				assert.NotContains(t, e.Speech, strings.ReplaceAll(v, "/", "-"), "babble voices never talk")
			}
		}
		for _, kind := range []string{"fire", "water", "siren_horn", "babble"} {
			assert.Equal(t, devsetMixtures/4, count[kind], kind)
		}
		for _, snr := range []string{"0", "5", "10", "15"} {
			assert.Equal(t, devsetMixtures/4, count[snr], "SNR %s dB", snr)
		}
		b, err := os.ReadFile(filepath.Join(o.Out, "noisy", entries[5].Name))
		require.NoError(t, err)
		if k == 0 {
			first = b
		} else {
			assert.Equal(t, first, b, "the same seed gives the same set")
		}
	}
}
