package mix

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hushaudio/hush/internal/wav"
)

// Options configures Generate.
type Options struct {
	SpeechDir string    // searched recursively for *.wav clean speech
	NoiseDir  string    // searched recursively for *.wav noise
	OutDir    string    // receives clean/, noisy/, noise/ and manifest.tsv
	SNRs      []float64 // [dB] target SNRs, at least one
	Seed      uint64    // seeds every random choice
	// Count is the number of mixtures; 0 means len(SNRs) × number of noise
	// files. Mixture i uses SNRs[i mod len(SNRs)] and noise file
	// (i div len(SNRs)) mod (number of noise files), so a multiple of that
	// product covers every noise at every SNR equally often.
	Count int
	// MinSpeech skips speech files shorter than this; 0 keeps all.
	MinSpeech time.Duration
	// Lead is silence put before the speech, so that each mixture starts
	// with noise alone, as real recordings do: denoisers that learn the
	// noise at the start (or take a noise profile from it) get the chance.
	Lead time.Duration
	// Workers renders this many mixtures at once; 0 means GOMAXPROCS. The
	// output does not depend on it.
	Workers int
	// Force allows writing into an OutDir that already holds a mixture set;
	// files of the same name are replaced, others are left alone.
	Force bool
}

// ManifestName is the name of the manifest file Generate writes in OutDir.
const ManifestName = "manifest.tsv"

// seedStream is the PCG stream constant; changing it changes every set.
const seedStream = 0x6875736820736574 // "hush set"

// input is one listed WAV file.
type input struct {
	rel    string // slash-separated path relative to its folder
	abs    string
	frames int64
	rate   int
}

// Generate renders the mixtures Options describe and writes them, 16-bit
// mono, as OutDir/{clean,noisy,noise}/NAME.wav plus OutDir/manifest.tsv,
// and returns the manifest entries. Multichannel inputs are averaged to
// mono. All inputs must share one sample rate.
func Generate(opts Options) ([]Entry, error) {
	if len(opts.SNRs) == 0 {
		return nil, fmt.Errorf("%w: no SNR given", ErrOptions)
	}
	for _, s := range opts.SNRs {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("%w: SNR %v dB", ErrOptions, s)
		}
	}
	if opts.Count < 0 || opts.Lead < 0 {
		return nil, fmt.Errorf("%w: count %d, lead %v", ErrOptions, opts.Count, opts.Lead)
	}
	if opts.OutDir == "" {
		return nil, fmt.Errorf("%w: no output folder", ErrOptions)
	}
	speech, err := listWAVs(opts.SpeechDir)
	if err != nil {
		return nil, fmt.Errorf("speech: %w", err)
	}
	noise, err := listWAVs(opts.NoiseDir)
	if err != nil {
		return nil, fmt.Errorf("noise: %w", err)
	}
	rate := speech[0].rate
	for _, in := range append(append([]input(nil), speech...), noise...) {
		if in.rate != rate {
			return nil, fmt.Errorf("%w: %s is %d Hz but %s is %d Hz; resample the inputs to one rate first",
				ErrSampleRate, speech[0].abs, rate, in.abs, in.rate)
		}
	}
	minFrames := int64(opts.MinSpeech.Seconds() * float64(rate))
	kept := speech[:0:0]
	for _, in := range speech {
		if in.frames >= minFrames && in.frames > 0 {
			kept = append(kept, in)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("%w: no speech file in %s is at least %v long", ErrNoFiles, opts.SpeechDir, opts.MinSpeech)
	}
	if err := checkOutDir(opts.OutDir, opts.Force); err != nil {
		return nil, err
	}

	// Noise files are loaded up front: each is used by many mixtures and
	// its length decides the offsets drawn below.
	noiseData := make([][]float32, len(noise))
	for i, in := range noise {
		x, err := readMono(in.abs)
		if err != nil {
			return nil, err
		}
		if len(x) == 0 {
			return nil, fmt.Errorf("%w: %s is empty", ErrNoFiles, in.abs)
		}
		noiseData[i] = x
	}

	plan := makePlan(opts, kept, noise, noiseData, int(opts.Lead.Seconds()*float64(rate)))
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return nil, err
	}
	for _, d := range []string{"clean", "noisy", "noise"} {
		if err := os.MkdirAll(filepath.Join(opts.OutDir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := render(opts, plan, kept, noiseData, rate); err != nil {
		return nil, err
	}
	entries := make([]Entry, len(plan))
	for i, p := range plan {
		entries[i] = p.Entry
	}
	if err := writeManifestFile(filepath.Join(opts.OutDir, ManifestName), entries); err != nil {
		return nil, err
	}
	return entries, nil
}

// job is one planned mixture.
type job struct {
	Entry
	speech, noise int // indexes into the input lists
}

// makePlan draws every random choice, in a fixed order, before any audio
// is rendered.
func makePlan(opts Options, speech, noise []input, noiseData [][]float32, lead int) []job {
	rng := rand.New(rand.NewPCG(opts.Seed, seedStream))
	count := opts.Count
	if count == 0 {
		count = len(opts.SNRs) * len(noise)
	}
	// Speech files are drawn without replacement until all are used, so a
	// set smaller than the speech pool repeats no utterance.
	var order []int
	plan := make([]job, count)
	for i := range plan {
		if len(order) == 0 {
			order = rng.Perm(len(speech))
		}
		s := order[0]
		order = order[1:]
		n := (i / len(opts.SNRs)) % len(noise)
		snr := opts.SNRs[i%len(opts.SNRs)]
		ns := len(noiseData[n])
		frames := lead + int(speech[s].frames)
		var off int
		if ns > frames {
			off = rng.IntN(ns - frames + 1)
		} else {
			off = rng.IntN(ns) // the noise loops anyway
		}
		plan[i] = job{
			Entry: Entry{
				Name:        mixtureName(i, speech[s].rel, noise[n].rel, snr),
				Speech:      speech[s].rel,
				Noise:       noise[n].rel,
				NoiseOffset: off,
				SNR:         snr,
				SpeechStart: lead,
			},
			speech: s,
			noise:  n,
		}
	}
	return plan
}

// mixtureName builds a unique, readable file name.
func mixtureName(i int, speech, noise string, snr float64) string {
	base := func(p string) string { return strings.TrimSuffix(path.Base(p), path.Ext(p)) }
	return fmt.Sprintf("%04d_%s_%s_snr%s.wav", i+1, base(noise), base(speech), strconv.FormatFloat(snr, 'f', -1, 64))
}

// render mixes and writes every planned job with a pool of workers; each
// worker fills in the measured fields of its own entries.
func render(opts Options, plan []job, speech []input, noiseData [][]float32, rate int) error {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan int)
	errs := make([]error, len(plan))
	var wg sync.WaitGroup
	for range min(workers, len(plan)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				errs[i] = renderOne(opts.OutDir, &plan[i], speech[plan[i].speech].abs, noiseData[plan[i].noise], rate)
			}
		}()
	}
	for i := range plan {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return errors.Join(errs...)
}

func renderOne(outDir string, j *job, speechPath string, noise []float32, rate int) error {
	x, err := readMono(speechPath)
	if err != nil {
		return err
	}
	if j.SpeechStart > 0 {
		x = append(make([]float32, j.SpeechStart, j.SpeechStart+len(x)), x...)
	}
	m, err := Mix(x, noise, j.NoiseOffset, j.SNR, rate)
	if err != nil {
		return fmt.Errorf("%s: %w", j.Name, err)
	}
	j.Samples = len(x)
	j.SpeechLevel = m.SpeechLevel
	j.NoiseGain = m.NoiseGain
	j.Gain = m.Gain
	f := wav.Format{SampleRate: rate, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}
	for _, out := range []struct {
		dir string
		x   []float32
	}{{"clean", m.Clean}, {"noisy", m.Noisy}, {"noise", m.Noise}} {
		if err := wav.WriteFile(filepath.Join(outDir, out.dir, j.Name), out.x, f); err != nil {
			return fmt.Errorf("%s: %w", j.Name, err)
		}
	}
	return nil
}

// listWAVs finds *.wav under dir (case-insensitive), sorted by relative
// path, with their headers read.
func listWAVs(dir string) ([]input, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: no folder given", ErrOptions)
	}
	var out []input
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.EqualFold(filepath.Ext(p), ".wav") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		in, err := readHeader(p)
		if err != nil {
			return err
		}
		in.rel = filepath.ToSlash(rel)
		out = append(out, in)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no *.wav file under %s", ErrNoFiles, dir)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].rel < out[b].rel })
	return out, nil
}

func readHeader(p string) (input, error) {
	f, err := os.Open(p)
	if err != nil {
		return input{}, err
	}
	defer f.Close()
	r, err := wav.NewReader(f)
	if err != nil {
		return input{}, fmt.Errorf("%s: %w", p, err)
	}
	frames := r.Frames()
	if frames < 0 {
		// Streamed header without a size: count by reading.
		x, err := readMono(p)
		if err != nil {
			return input{}, err
		}
		frames = int64(len(x))
	}
	return input{abs: p, frames: frames, rate: r.Format().SampleRate}, nil
}

// readMono reads a whole WAV file as mono; errors name the file.
func readMono(p string) ([]float32, error) {
	x, _, err := wav.ReadMonoFile(p)
	return x, err
}

// checkOutDir refuses to mix into a folder that already holds a set,
// unless forced, so that an earlier set is not silently mixed with a new one.
func checkOutDir(dir string, force bool) error {
	if force {
		return nil
	}
	for _, name := range []string{ManifestName, "clean", "noisy", "noise"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return fmt.Errorf("%w: %s exists; choose another folder or use --force", ErrOutput, filepath.Join(dir, name))
		}
	}
	return nil
}
