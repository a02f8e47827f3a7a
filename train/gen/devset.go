package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hushaudio/hush/internal/mix"
	"github.com/hushaudio/hush/internal/wav"
)

// The generalisation set: voices and noise kinds the training never uses.
var (
	// devsetTalkers are the held-out voices that speak in the set.
	devsetTalkers = []string{"ktuberling/el", "klettres/hu", "hedgewars/Pirate", "0ad/persian-male", "0ad/persian-female"}
	// devsetBabble are the held-out voices its babble is made of, apart
	// from the talkers so that no talker is heard in its own babble.
	devsetBabble = []string{"ktuberling/sl", "ktuberling/ga", "klettres/nb", "hedgewars/Mobster", "hedgewars/Surfer", "0ad/napatan-male"}
	devsetSNRs   = []float64{0, 5, 10, 15}
)

const (
	devsetStream     = 0x6465767365742121 // "devset!!": the set's PCG stream
	devsetUtterances = 16                 // per talker
	devsetNoiseSec   = 90                 // [s] of each noise kind
	devsetMixtures   = 128                // 4 kinds × 4 SNRs × 8
)

// runDevset writes the generalisation set: utterances of the held-out
// talkers (clips of one voice joined with short pauses, 3 to 8 s), 90 s of
// each held-out noise kind (the categories of -heldout-noise, joined from
// their recordings, and babble of six held-out voices), and 128 mixtures
// of them at 0, 5, 10 and 15 dB made by internal/mix as `hush mix` makes
// the bench's (P.56 active speech level, 0.5 s of noise first), under
// <out>/{clean,noisy,noise,manifest.tsv}; the inputs under <out>/inputs.
func runDevset(o options) error {
	c, err := loadCorpus(o.Heldout, nil)
	if err != nil {
		return err
	}
	find := func(names []string) ([]int, error) {
		var idx []int
		for _, n := range names {
			i := slices.IndexFunc(c.speakers, func(s speaker) bool { return s.name == n })
			if i < 0 {
				return nil, fmt.Errorf("held-out voice %s not under %s; rerun train/prepare.sh", n, o.Heldout)
			}
			idx = append(idx, i)
		}
		return idx, nil
	}
	talkers, err := find(devsetTalkers)
	if err != nil {
		return err
	}
	babblers, err := find(devsetBabble)
	if err != nil {
		return err
	}
	for _, d := range []string{"clean", "noisy", "noise", "inputs", mix.ManifestName} {
		if err := os.RemoveAll(filepath.Join(o.Out, d)); err != nil {
			return err
		}
	}
	speechDir := filepath.Join(o.Out, "inputs", "speech")
	noiseDir := filepath.Join(o.Out, "inputs", "noise")
	for _, d := range []string{speechDir, noiseDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(o.Seed, devsetStream))
	f16 := wav.Format{SampleRate: coreRate, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}
	for _, t := range talkers {
		sp := c.speakers[t]
		for u := range devsetUtterances {
			var x []float32
			for len(x) < 3*coreRate {
				cl := c.clips[sp.clips[rng.IntN(len(sp.clips))]].data
				if len(x)+len(cl) > 8*coreRate && len(x) > 0 {
					break
				}
				if len(x) > 0 {
					x = append(x, make([]float32, int((0.15+rng.Float64()*0.35)*coreRate))...)
				}
				x = append(x, cl...)
			}
			name := fmt.Sprintf("%s_%02d.wav", strings.ReplaceAll(sp.name, "/", "-"), u)
			if err := wav.WriteFile(filepath.Join(speechDir, name), x, f16); err != nil {
				return err
			}
		}
	}
	n := devsetNoiseSec * coreRate
	for _, kind := range o.HeldOut {
		clips, err := loadClips(filepath.Join(o.Noise, kind))
		if err != nil {
			return fmt.Errorf("held-out noise %s: %w", kind, err)
		}
		x := make([]float32, n)
		addRecorded(rng, x, clips, 1)
		if err := wav.WriteFile(filepath.Join(noiseDir, kind+".wav"), x, f16); err != nil {
			return err
		}
	}
	// Babble of the six babble voices, dry: a crowd close by.
	babble := make([]float32, n)
	for _, b := range babblers {
		sp := c.speakers[b]
		pos := -rng.IntN(coreRate)
		for pos < n {
			cl := c.clips[sp.clips[rng.IntN(len(sp.clips))]].data
			for i, v := range cl {
				if j := pos + i; j >= 0 && j < n {
					babble[j] += v
				}
			}
			pos += len(cl) + int(rng.Float64()*0.3*coreRate)
		}
	}
	normalize(babble, 0.1)
	if err := wav.WriteFile(filepath.Join(noiseDir, "babble.wav"), babble, f16); err != nil {
		return err
	}
	entries, err := mix.Generate(mix.Options{
		SpeechDir: speechDir,
		NoiseDir:  noiseDir,
		OutDir:    o.Out,
		SNRs:      devsetSNRs,
		Seed:      o.Seed,
		Count:     devsetMixtures,
		MinSpeech: 2 * time.Second,
		Lead:      500 * time.Millisecond,
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: devset: %d mixtures of %d talkers (%s) with %s and babble of %s at %v dB in %s\n",
		len(entries), len(talkers), strings.Join(devsetTalkers, ", "), strings.Join(o.HeldOut, ", "),
		strings.Join(devsetBabble, ", "), devsetSNRs, o.Out)
	return nil
}
