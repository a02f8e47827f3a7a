// Command gen makes the learned stage's training set: noisy streams mixed
// from the training speech and noise that train/prepare.sh decoded, run
// through the learned stage's feature computation. It writes float32
// arrays that train/train.py reads:
//
//	features.f32  streams × frames × learned.FeatureCount
//	gains.f32     streams × frames × learned.Bands (ideal gains, -1: any)
//	speech.f32    streams × frames (1 where the clean speech is active)
//	meta.json     the shapes and the options used
//
// Every random choice comes from a generator seeded with -seed and the
// stream's index, so the output is the same for any number of workers.
//
//	go run ./train/gen -streams 2400 -o train/work/data
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/hushaudio/hush/dsp/resample"
	"github.com/hushaudio/hush/internal/learned"
	"github.com/hushaudio/hush/internal/wav"
)

// heldOut are the noise categories kept out of training, to measure how the
// model does on kinds of noise it has never heard: the dev mixture set's
// fireplace (fire) and waves, boat and running tap (water).
var heldOut = []string{"fire", "water"}

const coreRate = 16000

type options struct {
	Speech, Noise, Out string
	Streams            int
	Seconds            float64
	Seed               uint64
	HeldOut            []string
}

type clip struct {
	name string
	data []float32
}

func main() {
	var o options
	flag.StringVar(&o.Speech, "speech", "train/work/speech", "folder of training speech (16 kHz WAV, any depth)")
	flag.StringVar(&o.Noise, "noise", "train/work/noise", "folder of training noise, one subfolder per category")
	flag.StringVar(&o.Out, "o", "train/work/data", "output folder")
	flag.IntVar(&o.Streams, "streams", 1200, "number of streams")
	flag.Float64Var(&o.Seconds, "seconds", 12, "length of each stream [s]")
	flag.Uint64Var(&o.Seed, "seed", 1, "random seed")
	flag.Parse()
	o.HeldOut = heldOut
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	speech, err := loadClips(o.Speech)
	if err != nil {
		return err
	}
	noiseByKind := map[string][]clip{}
	kinds, err := os.ReadDir(o.Noise)
	if err != nil {
		return err
	}
	for _, k := range kinds {
		if !k.IsDir() || slices.Contains(o.HeldOut, k.Name()) {
			continue
		}
		c, err := loadClips(filepath.Join(o.Noise, k.Name()))
		if err != nil {
			return err
		}
		noiseByKind[k.Name()] = c
	}
	var kindNames []string
	for k := range noiseByKind {
		kindNames = append(kindNames, k)
	}
	slices.Sort(kindNames)
	fmt.Fprintf(os.Stderr, "gen: %d speech clips, %d noise kinds (held out: %s)\n", len(speech), len(kindNames), strings.Join(o.HeldOut, ", "))
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return err
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
	for range runtime.NumCPU() {
		wg.Go(func() {
			var buf []byte
			for i := range next {
				rng := rand.New(rand.NewPCG(o.Seed, uint64(i)))
				f, g, s, err := makeStream(rng, o, frames, speech, noiseByKind, kindNames)
				if err != nil {
					fail(fmt.Errorf("stream %d: %w", i, err))
					continue
				}
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
	meta := map[string]any{
		"streams": o.Streams, "frames": frames,
		"features": learned.FeatureCount, "bands": learned.Bands,
		"options": o,
	}
	b, _ := json.MarshalIndent(meta, "", "  ")
	return os.WriteFile(filepath.Join(o.Out, "meta.json"), b, 0o644)
}

// makeStream builds one stream and returns its features, ideal gains and
// speech labels, exactly frames frames of each.
func makeStream(rng *rand.Rand, o options, frames int, speech []clip, noiseByKind map[string][]clip, kinds []string) (feat, gain, label []float32, err error) {
	n := frames * coreRate / 100
	// Speech: utterances with pauses, each at its own level, 6% of streams
	// without speech so that noise alone is gated.
	clean := make([]float32, n)
	if rng.Float64() >= 0.06 {
		pos := int(rng.Float64() * 0.8 * coreRate)
		for pos < n {
			c := speech[rng.IntN(len(speech))].data
			g := float32(dbGain(rng.Float64()*12 - 6))
			for i, x := range c {
				if pos+i >= n {
					break
				}
				clean[pos+i] += g * x
			}
			pos += len(c) + int(rng.Float64()*1.2*coreRate)
		}
		tilt(clean, rng.Float64()*1.2-0.6)
		normalize(clean, dbGain(-38+rng.Float64()*20))
	}
	// Noise: 8% none at all (clean speech must pass untouched), else
	// recordings, coloured noise or babble, or a mixture of them.
	noise := make([]float32, n)
	r := rng.Float64()
	switch {
	case r < 0.08:
		// A studio-quiet floor, far below the speech.
		for i := range noise {
			noise[i] = float32(rng.NormFloat64() * dbGain(-100+rng.Float64()*20))
		}
	case r < 0.58:
		addRecorded(rng, noise, noiseByKind[kinds[rng.IntN(len(kinds))]], 1)
		if rng.Float64() < 0.25 {
			addRecorded(rng, noise, noiseByKind[kinds[rng.IntN(len(kinds))]], dbGain(-rng.Float64()*10))
		}
	case r < 0.73:
		addColoured(rng, noise)
	case r < 0.86:
		addBabble(rng, noise, speech)
	default:
		addRecorded(rng, noise, noiseByKind[kinds[rng.IntN(len(kinds))]], 1)
		addBabble(rng, noise, speech)
	}
	if rng.Float64() < 0.3 {
		modulate(rng, noise)
	}
	if power(noise) > 0 {
		ref := power(clean)
		if ref == 0 {
			ref = dbPower(-30 - rng.Float64()*20)
		} else {
			ref /= activeFraction(clean)
		}
		// Mostly the SNRs where denoising matters; some nearly clean
		// speech, which must come out untouched.
		snr := -5 + rng.Float64()*25
		if r >= 0.08 && rng.Float64() < 0.25 {
			snr = 20 + rng.Float64()*25
		}
		if r >= 0.08 {
			normalize(noise, math.Sqrt(ref/dbPower(snr)))
		}
	}
	// Rate: 16 kHz mostly, some 8 kHz (band-limited calls) and 48 kHz.
	rate := coreRate
	switch r := rng.Float64(); {
	case r < 0.15:
		rate = 8000
	case r < 0.35:
		rate = 48000
	}
	if rate != coreRate {
		if clean, err = resample.Resample(nil, clean, coreRate, rate); err != nil {
			return nil, nil, nil, err
		}
		if noise, err = resample.Resample(nil, noise, coreRate, rate); err != nil {
			return nil, nil, nil, err
		}
	}
	noisy := make([]float32, len(clean))
	peak := float32(0)
	for i := range noisy {
		noisy[i] = clean[i] + noise[i]
		peak = max(peak, abs32(noisy[i]))
	}
	if peak > 0.99 {
		s := 0.99 / peak
		for i := range noisy {
			noisy[i] *= s
			clean[i] *= s
		}
	}
	feat, gain, energy, err := learned.TrainingFrames(rate, noisy, clean, nil, nil, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	if len(energy) < frames {
		return nil, nil, nil, fmt.Errorf("got %d frames, want %d", len(energy), frames)
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
	return feat[:frames*learned.FeatureCount], gain[:frames*learned.Bands], label, nil
}

// addRecorded adds clips of one noise kind, from random offsets, end to end
// with short gaps for the short ones (clicks, steps), scaled by g.
func addRecorded(rng *rand.Rand, dst []float32, clips []clip, g float64) {
	tmp := make([]float32, len(dst))
	pos := 0
	for pos < len(tmp) {
		c := clips[rng.IntN(len(clips))].data
		off := 0
		if len(c) > coreRate {
			off = rng.IntN(len(c) / 2)
		}
		m := copy(tmp[pos:], c[off:])
		pos += m
		if len(c) < 2*coreRate {
			pos += int(rng.Float64() * 0.3 * coreRate)
		}
	}
	normalize(tmp, 0.1*g)
	for i, x := range tmp {
		dst[i] += x
	}
}

// addColoured adds stationary noise with a random spectral slope, and
// sometimes a mains hum with harmonics.
func addColoured(rng *rand.Rand, dst []float32) {
	a := rng.Float64()*1.9 - 0.95 // one-pole: >0 low-pass (brown-ish), <0 high-pass
	var y float64
	tmp := make([]float32, len(dst))
	for i := range tmp {
		y = a*y + rng.NormFloat64()
		tmp[i] = float32(y)
	}
	normalize(tmp, 0.1)
	if rng.Float64() < 0.3 {
		f0 := []float64{50, 60}[rng.IntN(2)]
		for h := 1; h <= 6; h++ {
			amp := 0.05 * rng.Float64() / float64(h)
			ph := rng.Float64() * 2 * math.Pi
			for i := range tmp {
				tmp[i] += float32(amp * math.Sin(2*math.Pi*f0*float64(h)*float64(i)/coreRate+ph))
			}
		}
	}
	for i, x := range tmp {
		dst[i] += x
	}
}

// addBabble adds 4 to 8 talkers from the training speech, each talking
// without pauses.
func addBabble(rng *rand.Rand, dst []float32, speech []clip) {
	tmp := make([]float32, len(dst))
	talkers := 4 + rng.IntN(5)
	for range talkers {
		pos := -rng.IntN(coreRate)
		for pos < len(tmp) {
			c := speech[rng.IntN(len(speech))].data
			for i, x := range c {
				if j := pos + i; j >= 0 && j < len(tmp) {
					tmp[j] += x
				}
			}
			pos += len(c)
		}
	}
	normalize(tmp, 0.1)
	for i, x := range tmp {
		dst[i] += x
	}
}

// modulate makes the noise change level: a step of up to ±12 dB at a random
// time, ramped over 0.5 s, or a slow swell.
func modulate(rng *rand.Rand, x []float32) {
	if rng.Float64() < 0.5 {
		at := rng.IntN(len(x))
		step := rng.Float64()*24 - 12
		ramp := coreRate / 2
		for i := range x {
			t := min(max(float64(i-at)/float64(ramp), 0), 1)
			x[i] *= float32(dbGain(step * t))
		}
		return
	}
	period := (2 + rng.Float64()*6) * coreRate
	depth := rng.Float64() * 10
	for i := range x {
		x[i] *= float32(dbGain(depth * math.Sin(2*math.Pi*float64(i)/period)))
	}
}

// tilt applies y[n] = x[n] + a·x[n-1]: a gentle random EQ.
func tilt(x []float32, a float64) {
	prev := float32(0)
	for i, v := range x {
		x[i] = v + float32(a)*prev
		prev = v
	}
}

func activeFraction(x []float32) float64 {
	const frame = coreRate / 100
	var energies []float64
	for i := 0; i+frame <= len(x); i += frame {
		var e float64
		for _, v := range x[i : i+frame] {
			e += float64(v) * float64(v)
		}
		energies = append(energies, e)
	}
	if len(energies) == 0 {
		return 1
	}
	peak := slices.Max(energies)
	active := 0
	for _, e := range energies {
		if e > peak*1e-3 {
			active++
		}
	}
	return max(float64(active)/float64(len(energies)), 0.05)
}

func normalize(x []float32, rms float64) {
	p := power(x)
	if p == 0 {
		return
	}
	s := float32(rms / math.Sqrt(p))
	for i := range x {
		x[i] *= s
	}
}

func power(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return s / float64(max(len(x), 1))
}

func dbGain(db float64) float64  { return math.Pow(10, db/20) }
func dbPower(db float64) float64 { return math.Pow(10, db/10) }

func abs32(x float32) float32 { return float32(math.Abs(float64(x))) }

// loadClips reads every WAV under dir, in sorted order, skipping silent ones.
func loadClips(dir string) ([]clip, error) {
	var out []clip
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".wav") {
			return err
		}
		data, f, err := wav.ReadFile(p)
		if err != nil {
			return err
		}
		if f.SampleRate != coreRate || f.Channels != 1 {
			return fmt.Errorf("%s: want 16 kHz mono, got %v", p, f)
		}
		if power(data) < 1e-9 {
			return nil // silent clip
		}
		out = append(out, clip{p, data})
		return nil
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("no WAV files under %s", dir)
	}
	return out, err
}

// encodeF32 appends x to b as little-endian float32 values.
func encodeF32(b []byte, x []float32) []byte {
	for _, v := range x {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}
