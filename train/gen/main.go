// Command gen makes the learned stage's training set: noisy streams mixed
// from the training speech and noise that train/prepare.sh decoded, run
// through the learned stage's feature computation. It writes float32
// arrays that train/train.py reads:
//
//	features.f32  streams × frames × learned.FeatureCount
//	gains.f32     streams × frames × learned.Bands (ideal gains, -1: any)
//	speech.f32    streams × frames (1 where the clean speech is active)
//	streams.tsv   how each stream was made (talkers, room, noise, SNR, channel)
//	meta.json     the shapes and the options used
//
// Every random choice comes from a generator seeded with -seed and the
// stream's index, so the output is the same for any number of workers.
//
//	go run ./train/gen -streams 2400 -o train/work/data
//	go run ./train/gen -survey        # the speech each source gives
//	go run ./train/gen -devset        # the generalisation set
//	go run ./train/gen -recipe 1      # the first recipe, for comparison
//
// The recipe (-recipe 2, the default; see recipe.go) mixes one or two
// talkers, in a synthetic room for part of the streams, with recorded,
// coloured, babble, typing and transient noise, through microphone,
// band-limit, codec, gain-control and clipping colourings. -recipe 1 is
// the first recipe (recipe_v1.go), kept as it was.
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hushaudio/hush/internal/learned"
)

const coreRate = 16000

// recipe1Sources are the speech folders the first recipe used, in the order
// its loader read them (the old folder names cs, en, es, it, nl sorted), so
// that -recipe 1 draws the same clips.
var recipe1Sources = []string{"fillets-cs", "asterisk-en", "asterisk-es", "asterisk-it", "fillets-nl"}

type options struct {
	Speech, Heldout, Noise, Out string
	Streams                     int
	Seconds                     float64
	Seed                        uint64
	Recipe                      int
	Sources                     []string
	HeldOut                     []string // noise categories never trained on
	Reverb                      float64  // share of streams in a room
	ReverbTarget                string   // "early" or "full"
	EarlyMs                     float64
	Mic, Codec, AGC, Clip       float64 // shares of streams
	Describe                    bool
	Listen                      int
	Workers                     int // streams made at once; the output does not depend on it
	CPUProfile                  string
}

func main() {
	var o options
	var sources, heldOut string
	var survey, devset bool
	flag.StringVar(&o.Speech, "speech", "train/work/speech", "folder of training speech: <source>/<speaker>/*.wav at 16 kHz")
	flag.StringVar(&o.Heldout, "heldout", "train/work/heldout", "folder of the voices kept out of training (for -devset), laid out as -speech")
	flag.StringVar(&o.Noise, "noise", "train/work/noise", "folder of training noise, one subfolder per category")
	flag.StringVar(&o.Out, "o", "", "output folder (default train/work/data, or train/work/devset with -devset)")
	flag.IntVar(&o.Streams, "streams", 1200, "number of streams")
	flag.Float64Var(&o.Seconds, "seconds", 12, "length of each stream [s]")
	flag.Uint64Var(&o.Seed, "seed", 1, "random seed")
	flag.IntVar(&o.Recipe, "recipe", 2, "mixing recipe: 2 (rooms, channels, more noise kinds, one talker at a time), or 1 (the first: dry, one random clip after another)")
	flag.StringVar(&sources, "sources", "", "comma-separated speech sources (folders of -speech) to use, in this order (default: all; with -recipe 1 its five)")
	flag.StringVar(&heldOut, "heldout-noise", "", "comma-separated noise categories never trained on (default fire,water,siren_horn; with -recipe 1 fire,water)")
	flag.Float64Var(&o.Reverb, "reverb", 0.5, "share of streams whose talker is in a synthetic room (recipe 2)")
	flag.StringVar(&o.ReverbTarget, "reverb-target", "early", "target for reverberant speech: early (direct sound and reflections up to -early-ms: the network learns to remove late reverberation) or full (denoising only)")
	flag.Float64Var(&o.EarlyMs, "early-ms", 50, "how much of the room's response after the direct sound the early target keeps [ms]")
	flag.Float64Var(&o.Mic, "mic", 0.5, "share of streams through a microphone response (recipe 2)")
	flag.Float64Var(&o.Codec, "codec", 0.2, "share of streams through a band limit or G.711 codec (recipe 2; narrowband voices always are)")
	flag.Float64Var(&o.AGC, "agc", 0.15, "share of streams through an automatic gain control (recipe 2)")
	flag.Float64Var(&o.Clip, "clip", 0.05, "share of streams clipped (recipe 2)")
	flag.BoolVar(&o.Describe, "describe", false, "print how each stream was made, one line per stream")
	flag.IntVar(&o.Workers, "workers", runtime.NumCPU(), "streams made at once (the output does not depend on it)")
	flag.IntVar(&o.Listen, "listen", 0, "also write the first N streams' noisy input and target as WAV under <out>/listen")
	flag.StringVar(&o.CPUProfile, "cpuprofile", "", "write a CPU profile of the run to this file")
	flag.BoolVar(&survey, "survey", false, "screen the speech, print what each source and speaker gives, and stop")
	flag.BoolVar(&devset, "devset", false, "write the generalisation set (held-out voices and noise kinds at 0/5/10/15 dB) instead of a training set")
	flag.Parse()
	if err := o.settle(sources, heldOut, devset); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	var err error
	switch {
	case survey:
		err = runSurvey(o)
	case devset:
		err = runDevset(o)
	default:
		err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// settle fills in the defaults that depend on the recipe and checks the
// options.
func (o *options) settle(sources, heldOut string, devset bool) error {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ",")
	}
	o.Sources = split(sources)
	o.HeldOut = split(heldOut)
	switch o.Recipe {
	case 1:
		if o.Sources == nil {
			o.Sources = recipe1Sources
		}
		if o.HeldOut == nil {
			o.HeldOut = []string{"fire", "water"}
		}
	case 2:
		if o.HeldOut == nil {
			o.HeldOut = []string{"fire", "water", "siren_horn"}
		}
	default:
		return fmt.Errorf("-recipe %d: want 1 or 2", o.Recipe)
	}
	if o.Out == "" {
		o.Out = "train/work/data"
		if devset {
			o.Out = "train/work/devset"
		}
	}
	if o.ReverbTarget != "early" && o.ReverbTarget != "full" {
		return fmt.Errorf("-reverb-target %q: want early or full", o.ReverbTarget)
	}
	for _, s := range []float64{o.Reverb, o.Mic, o.Codec, o.AGC, o.Clip} {
		if s < 0 || s > 1 {
			return fmt.Errorf("shares -reverb, -mic, -codec, -agc and -clip must lie in [0, 1]; got %v", s)
		}
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.Streams <= 0 || o.Seconds <= 0 || o.EarlyMs < 0 {
		return fmt.Errorf("-streams %d, -seconds %v, -early-ms %v: want positive values", o.Streams, o.Seconds, o.EarlyMs)
	}
	return nil
}

// material is what streams are mixed from.
type material struct {
	speech      *corpus
	noiseByKind map[string][]clip
	kinds       []string // sorted names of noiseByKind
}

func loadMaterial(o options) (*material, error) {
	var m material
	var err error
	if o.Recipe == 1 {
		m.speech, err = loadCorpusUnscreened(o.Speech, o.Sources)
	} else {
		m.speech, err = loadCorpus(o.Speech, o.Sources)
	}
	if err != nil {
		return nil, err
	}
	m.noiseByKind = map[string][]clip{}
	kinds, err := os.ReadDir(o.Noise)
	if err != nil {
		return nil, fmt.Errorf("%w (train/prepare.sh decodes the noise there)", err)
	}
	for _, k := range kinds {
		if !k.IsDir() || slices.Contains(o.HeldOut, k.Name()) {
			continue
		}
		c, err := loadClips(filepath.Join(o.Noise, k.Name()))
		if err != nil {
			return nil, err
		}
		m.noiseByKind[k.Name()] = c
		m.kinds = append(m.kinds, k.Name())
	}
	slices.Sort(m.kinds)
	return &m, nil
}

func run(o options) error {
	if o.CPUProfile != "" {
		f, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	m, err := loadMaterial(o)
	if err != nil {
		return err
	}
	// What loading and screening left behind goes back to the system
	// before the streams start.
	debug.FreeOSMemory()
	fmt.Fprintf(os.Stderr, "gen: recipe %d: %d speech clips from %d speakers, %d noise kinds (held out: %s), loaded in %.0f s\n",
		o.Recipe, len(m.speech.clips), len(m.speech.speakers), len(m.kinds), strings.Join(o.HeldOut, ", "), time.Since(start).Seconds())
	start = time.Now()
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
	}
	if o.Listen > 0 {
		if err := os.MkdirAll(filepath.Join(o.Out, "listen"), 0o755); err != nil {
			return err
		}
	}
	frames := int(o.Seconds * 100)
	// Each stream's arrays go straight to their place in the output files,
	// so memory holds a few streams at a time however many are asked for.
	// The files are written under temporary names and renamed when all is
	// done: a stopped run leaves no set that looks complete.
	outputs := []struct {
		name  string
		per   int // values per stream
		file  *os.File
		final string
	}{
		{name: "features.f32", per: frames * learned.FeatureCount},
		{name: "gains.f32", per: frames * learned.Bands},
		{name: "speech.f32", per: frames},
	}
	for i := range outputs {
		out := &outputs[i]
		out.final = filepath.Join(o.Out, out.name)
		f, err := os.Create(out.final + ".tmp")
		if err != nil {
			return err
		}
		defer f.Close()
		out.file = f
	}
	descs := make([]string, o.Streams)
	var wg sync.WaitGroup
	next := make(chan int)
	var firstErr error
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	for range o.Workers {
		wg.Go(func() {
			var buf []byte
			for i := range next {
				rng := rand.New(rand.NewPCG(o.Seed, uint64(i)))
				f, g, s, desc, err := makeStream(rng, o, frames, m, i)
				if err != nil {
					fail(fmt.Errorf("stream %d: %w", i, err))
					continue
				}
				descs[i] = desc
				for k, x := range [][]float32{f, g, s} {
					out := outputs[k]
					buf = encodeF32(buf[:0], x)
					if _, err := out.file.WriteAt(buf, int64(i)*int64(out.per)*4); err != nil {
						fail(fmt.Errorf("%s: %w", out.name, err))
					}
				}
			}
		})
	}
	for i := range o.Streams {
		next <- i
		if i%100 == 0 {
			fmt.Fprintf(os.Stderr, "gen: stream %d/%d\n", i, o.Streams)
		}
	}
	close(next)
	wg.Wait()
	fmt.Fprintf(os.Stderr, "gen: %d streams in %.0f s\n", o.Streams, time.Since(start).Seconds())
	if firstErr != nil {
		for _, out := range outputs {
			os.Remove(out.final + ".tmp")
		}
		return firstErr
	}
	for _, out := range outputs {
		if err := out.file.Close(); err != nil {
			return err
		}
		if err := os.Rename(out.final+".tmp", out.final); err != nil {
			return err
		}
	}
	table := strings.Join(append([]string{describeHeader}, descs...), "\n") + "\n"
	if err := os.WriteFile(filepath.Join(o.Out, "streams.tsv"), []byte(table), 0o644); err != nil {
		return err
	}
	if o.Describe {
		fmt.Print(table)
	}
	meta := map[string]any{
		"streams": o.Streams, "frames": frames,
		"features": learned.FeatureCount, "bands": learned.Bands,
		"options": o,
	}
	b, _ := json.MarshalIndent(meta, "", "  ")
	return os.WriteFile(filepath.Join(o.Out, "meta.json"), b, 0o644)
}

// makeStream builds stream i and returns its features, ideal gains and
// speech labels, exactly frames frames of each, and a line saying how it
// was made.
func makeStream(rng *rand.Rand, o options, frames int, m *material, i int) (feat, gain, label []float32, desc string, err error) {
	n := frames * coreRate / 100
	var noisy, clean []float32
	var rate int
	d := streamDesc{index: i}
	if o.Recipe == 1 {
		noisy, clean, rate, err = mixV1(rng, n, m.speech.clips, m.noiseByKind, m.kinds)
	} else {
		noisy, clean, rate, err = mixV2(rng, o, n, m, &d)
	}
	if err != nil {
		return nil, nil, nil, "", err
	}
	d.rate = rate
	if i < o.Listen {
		if err := writeListen(o.Out, i, rate, noisy, clean); err != nil {
			return nil, nil, nil, "", err
		}
	}
	feat, gain, energy, err := learned.TrainingFrames(rate, noisy, clean, nil, nil, nil)
	if err != nil {
		return nil, nil, nil, "", err
	}
	if len(energy) < frames {
		return nil, nil, nil, "", fmt.Errorf("got %d frames, want %d", len(energy), frames)
	}
	// A frame holds speech if its clean energy is within 30 dB of the
	// stream's loudest frame and above -80 dBFS.
	peakE := slices.Max(energy)
	label = make([]float32, frames)
	for i := range label {
		if energy[i] > peakE*1e-3 && energy[i] > 1e-8 {
			label[i] = 1
		}
	}
	return feat[:frames*learned.FeatureCount], gain[:frames*learned.Bands], label, d.String(), nil
}

// encodeF32 appends x to b as little-endian float32 values.
func encodeF32(b []byte, x []float32) []byte {
	for _, v := range x {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}
