package main

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/hushaudio/hush/internal/degrade"
	"github.com/hushaudio/hush/internal/wav"
)

// clip is one decoded recording.
type clip struct {
	name       string
	data       []float32
	speaker    int  // index into corpus.speakers (speech only)
	narrowband bool // nothing above 4.5 kHz: an 8 kHz original
}

// speaker is one voice (or, where a source does not tell its voices apart,
// one cast): a <source>/<speaker> folder.
type speaker struct {
	name       string
	clips      []int // indexes into corpus.clips
	seconds    float64
	narrowband bool // most of its speech is narrowband
}

// corpus is the speech streams are mixed from.
type corpus struct {
	clips    []clip
	speakers []speaker
	// cumWeight[i] is the sum of the first i+1 speakers' draw weights.
	cumWeight []float64
}

// pickSpeaker draws a speaker, each with a weight of the square root of
// its duration: a voice with four times the speech is heard twice as
// often, so small voices count without their few clips repeating endlessly.
// Narrowband voices weigh half that: every stream they speak in goes
// through a telephone channel, and those should stay a minority. Speakers
// in except are never drawn (unless they are all there is).
func (c *corpus) pickSpeaker(u float64, except []int) int {
	total := c.cumWeight[len(c.cumWeight)-1]
	var excluded float64
	for _, e := range except {
		excluded += c.weight(e)
	}
	if excluded >= total*0.999 {
		except = nil
		excluded = 0
	}
	target := u * (total - excluded)
	var acc float64
	for i := range c.speakers {
		if slices.Contains(except, i) {
			continue
		}
		acc += c.weight(i)
		if target < acc {
			return i
		}
	}
	for i := len(c.speakers) - 1; i >= 0; i-- {
		if !slices.Contains(except, i) {
			return i
		}
	}
	return 0
}

func (c *corpus) weight(i int) float64 {
	if i == 0 {
		return c.cumWeight[0]
	}
	return c.cumWeight[i] - c.cumWeight[i-1]
}

func (c *corpus) finish() {
	c.cumWeight = make([]float64, len(c.speakers))
	var acc float64
	for i, s := range c.speakers {
		w := math.Sqrt(s.seconds)
		if s.narrowband {
			w /= 2
		}
		acc += w
		c.cumWeight[i] = acc
	}
}

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
		out = append(out, clip{name: p, data: data})
		return nil
	})
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("no WAV files under %s", dir)
	}
	return out, err
}

// loadCorpusUnscreened reads the sources as the first recipe did: every
// non-silent file as it is, source after source in the given order.
func loadCorpusUnscreened(root string, sources []string) (*corpus, error) {
	var c corpus
	for _, src := range sources {
		clips, err := loadClips(filepath.Join(root, src))
		if err != nil {
			return nil, fmt.Errorf("%w (train/prepare.sh decodes the speech there)", err)
		}
		c.speakers = append(c.speakers, speaker{name: src})
		s := &c.speakers[len(c.speakers)-1]
		for _, cl := range clips {
			cl.speaker = len(c.speakers) - 1
			s.clips = append(s.clips, len(c.clips))
			s.seconds += float64(len(cl.data)) / coreRate
			c.clips = append(c.clips, cl)
		}
	}
	c.finish()
	return &c, nil
}

// speakerFiles lists root's <source>/<speaker>/ folders (sources in the
// given order, or all in sorted order) and the WAV files under each.
func speakerFiles(root string, sources []string) (names []string, files [][]string, err error) {
	if sources == nil {
		entries, err := os.ReadDir(root)
		if err != nil {
			return nil, nil, fmt.Errorf("%w (train/prepare.sh decodes the speech there)", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				sources = append(sources, e.Name())
			}
		}
	}
	for _, src := range sources {
		spk, err := os.ReadDir(filepath.Join(root, src))
		if err != nil {
			return nil, nil, fmt.Errorf("speech source %s: %w", src, err)
		}
		for _, s := range spk {
			if !s.IsDir() {
				continue
			}
			var fl []string
			err := filepath.WalkDir(filepath.Join(root, src, s.Name()), func(p string, e fs.DirEntry, err error) error {
				if err == nil && !e.IsDir() && strings.HasSuffix(p, ".wav") {
					fl = append(fl, p)
				}
				return err
			})
			if err != nil {
				return nil, nil, err
			}
			if len(fl) > 0 {
				names = append(names, src+"/"+s.Name())
				files = append(files, fl)
			}
		}
	}
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("no <source>/<speaker>/*.wav under %s (train/prepare.sh decodes the speech there)", root)
	}
	return names, files, nil
}

// screened is one file after the speech screen.
type screened struct {
	path       string
	data       []float32 // trimmed; nil if rejected
	raw        float64   // [s] before trimming
	reason     string    // why it was rejected
	narrowband bool
}

// loadCorpus reads and screens the speech of every speaker under root (see
// screenSpeech), in parallel but in a fixed order.
func loadCorpus(root string, sources []string) (*corpus, error) {
	c, _, err := loadScreened(root, sources)
	return c, err
}

func loadScreened(root string, sources []string) (*corpus, [][]screened, error) {
	names, files, err := speakerFiles(root, sources)
	if err != nil {
		return nil, nil, err
	}
	results := make([][]screened, len(files))
	type job struct{ s, f int }
	jobs := make(chan job)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for i := range files {
		results[i] = make([]screened, len(files[i]))
	}
	for range runtime.NumCPU() {
		wg.Go(func() {
			for j := range jobs {
				p := files[j.s][j.f]
				data, f, err := wav.ReadFile(p)
				if err == nil && (f.SampleRate != coreRate || f.Channels != 1) {
					err = fmt.Errorf("%s: want 16 kHz mono, got %v; rerun train/prepare.sh", p, f)
				}
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					continue
				}
				trimmed, reason := screenSpeech(data)
				results[j.s][j.f] = screened{path: p, data: trimmed, raw: float64(len(data)) / coreRate, reason: reason,
					narrowband: trimmed != nil && isNarrowband(trimmed)}
			}
		})
	}
	for s := range files {
		for f := range files[s] {
			jobs <- job{s, f}
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, nil, firstErr
	}
	var c corpus
	for s, name := range names {
		sp := speaker{name: name}
		var nb float64
		for _, r := range results[s] {
			if r.data == nil {
				continue
			}
			sp.clips = append(sp.clips, len(c.clips))
			sec := float64(len(r.data)) / coreRate
			sp.seconds += sec
			if r.narrowband {
				nb += sec
			}
			c.clips = append(c.clips, clip{name: r.path, data: r.data, speaker: len(c.speakers), narrowband: r.narrowband})
		}
		if len(sp.clips) == 0 {
			continue
		}
		sp.narrowband = nb > sp.seconds/2
		c.speakers = append(c.speakers, sp)
	}
	if len(c.speakers) == 0 {
		return nil, nil, fmt.Errorf("no file under %s passed the speech screen", root)
	}
	c.finish()
	return &c, results, nil
}

// cmpErr keeps the first error.
func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// The speech screen. Decoded game and prompt packages also hold music,
// effects, beeps and silence; a file is kept as speech if, after trimming:
//   - it lasts 0.2 to 30 s (longer files in these packages are music and
//     ambience loops; shorter ones are clicks; a syllable lasts 0.2 s);
//   - at least 20% of its active frames are voiced (normalised
//     autocorrelation of at least 0.6 at a lag of 2.5 to 20 ms, a 50 to
//     400 Hz pitch), as speech is and noise, clicks and effects are not;
//   - it is not a steady tone: beeps, tones and held musical notes are
//     periodic (autocorrelation of 0.99 or more) in more than 60% of the
//     frames tested, at the same period (within one sample at 8 kHz) from
//     one tested frame to the next (50 ms or more apart) in more than 60%
//     of them. Clean studio vowels can be nearly as periodic, but their
//     pitch keeps moving.
//
// Voicing is tested on at most 40 active frames at least 50 ms apart.
// Active frames (20 ms, every 10 ms) are those within 40 dB of the file's
// loudest frame and above -70 dBFS. Trimming keeps 50 ms before the first
// active frame and 100 ms after the last, and shortens every inactive
// stretch inside to 0.5 s; the generator puts its own pauses between clips.
const (
	screenFrame    = 320 // [samples] 20 ms
	screenHop      = 160 // [samples] 10 ms
	screenRelDB    = 40
	screenFloorDB  = -70
	screenMinSec   = 0.2
	screenMaxSec   = 30
	screenVoiced   = 0.6
	screenVoicedFr = 0.2
	screenTonal    = 0.99
	screenTonalFr  = 0.6
	screenMaxPause = 50 // [hops] 0.5 s
	screenLead     = 5  // [hops] 50 ms
	screenTail     = 10 // [hops] 100 ms
	screenVoicings = 40 // at most this many frames are tested for voicing
	screenApart    = 5  // [hops] at least this far apart
)

// screenSpeech trims x and returns it, or nil and the reason it is not
// taken for speech.
func screenSpeech(x []float32) ([]float32, string) {
	if float64(len(x))/coreRate > screenMaxSec {
		return nil, "longer than 30 s"
	}
	nFrames := (len(x) - screenFrame) / screenHop
	if nFrames < 1 {
		return nil, "shorter than 0.2 s"
	}
	energy := make([]float64, nFrames)
	for i := range energy {
		energy[i] = power(x[i*screenHop : i*screenHop+screenFrame])
	}
	floor := max(slices.Max(energy)*math.Pow(10, -screenRelDB/10.0), math.Pow(10, screenFloorDB/10.0))
	active := make([]bool, nFrames)
	var idx []int
	for i, e := range energy {
		if e >= floor {
			active[i] = true
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, "silent"
	}
	// Trim: keep the margins, cut long pauses inside.
	first := max(idx[0]-screenLead, 0)
	last := min(idx[len(idx)-1]+screenTail, nFrames-1)
	var out []float32
	run := 0
	for i := first; i <= last; i++ {
		if active[i] {
			run = 0
		} else {
			run++
		}
		if run <= screenMaxPause {
			out = append(out, x[i*screenHop:(i+1)*screenHop]...)
		}
	}
	if float64(len(out))/coreRate < screenMinSec {
		return nil, "shorter than 0.2 s"
	}
	out = append(make([]float32, 0, len(out)), out...) // exact size: the corpus holds hours of these
	// Voicing on at most screenVoicings active frames, evenly spread and at
	// least 50 ms apart, at 8 kHz (the average of sample pairs) to keep it
	// cheap.
	step := max(len(idx)/screenVoicings, screenApart)
	var tested, voiced, periodic, steady int
	prevLag := -10
	for k := 0; k < len(idx); k += step {
		r, lag := periodicity(x, idx[k]*screenHop)
		if math.IsNaN(r) {
			continue
		}
		tested++
		if r >= screenVoiced {
			voiced++
		}
		if r >= screenTonal {
			periodic++
		}
		if lag-prevLag >= -1 && lag-prevLag <= 1 {
			steady++
		}
		prevLag = lag
	}
	if tested == 0 || float64(voiced) < screenVoicedFr*float64(tested) {
		return nil, "unvoiced (noise or effect)"
	}
	if float64(periodic) > screenTonalFr*float64(tested) && float64(steady) > screenTonalFr*float64(tested-1) {
		return nil, "steady tone (beep or music)"
	}
	return out, ""
}

// periodicity returns the largest normalised autocorrelation of the 32 ms
// of x from start, at 8 kHz, over lags of 2.5 to 20 ms, and its lag [8 kHz
// samples]; NaN if x is too short there.
func periodicity(x []float32, start int) (float64, int) {
	const win, minLag, maxLag = 256, 20, 160 // at 8 kHz
	if start+2*(win+maxLag) > len(x) {
		start = len(x) - 2*(win+maxLag)
	}
	if start < 0 {
		return math.NaN(), 0
	}
	var d [win + maxLag]float64
	for i := range d {
		d[i] = float64(x[start+2*i]) + float64(x[start+2*i+1])
	}
	var e0 float64
	for _, v := range d[:win] {
		e0 += v * v
	}
	// The lag is the shortest within 0.02 of the best: a steady tone
	// correlates as well at every multiple of its period, and which of
	// them wins by rounding would change from frame to frame.
	var r [maxLag + 1]float64
	best := 0.0
	for lag := minLag; lag <= maxLag; lag++ {
		var c, e1 float64
		for i := range win {
			c += d[i] * d[i+lag]
			e1 += d[i+lag] * d[i+lag]
		}
		if e0 > 0 && e1 > 0 {
			r[lag] = c / math.Sqrt(e0*e1)
			best = max(best, r[lag])
		}
	}
	bestLag := minLag
	for lag := minLag; lag <= maxLag; lag++ {
		if r[lag] >= best-0.02 {
			bestLag = lag
			break
		}
	}
	return best, bestLag
}

// isNarrowband reports whether less than 1/3000 (-35 dB) of x's energy
// lies above 4.5 kHz: a recording made at 8 to 11 kHz, decoded at 16 kHz.
// Wideband speech holds 0.3 to 5% there. The high-pass is of the twelfth
// order (a fourth-order Butterworth three times), so that strong formants
// at 2 to 3 kHz do not leak past the threshold.
func isNarrowband(x []float32) bool {
	total := power(x)
	if total == 0 {
		return false
	}
	hi := append([]float32(nil), x...)
	for range 3 {
		degrade.BandPass(4500, coreRate, coreRate).Apply(hi)
	}
	return power(hi) < total/3000
}

// runSurvey screens the speech and prints, per source and per speaker,
// what it gives: files, files kept and why others were not, hours before
// and after trimming, and the share that is narrowband.
func runSurvey(o options) error {
	for _, part := range []struct{ title, root string }{{"training speech", o.Speech}, {"held-out voices (-devset only)", o.Heldout}} {
		_, results, err := loadScreened(part.root, o.Sources)
		if err != nil {
			return err
		}
		names, _, _ := speakerFiles(part.root, o.Sources)
		type agg struct {
			files, kept     int
			raw, trimmed    float64
			nb              float64
			speakers        []string
			reasons         map[string]int
			speakerSec      []float64
			speakerNarrowbd []bool
		}
		bySource := map[string]*agg{}
		var order []string
		for s, name := range names {
			src := name[:strings.Index(name, "/")]
			a := bySource[src]
			if a == nil {
				a = &agg{reasons: map[string]int{}}
				bySource[src] = a
				order = append(order, src)
			}
			var sec, nb float64
			for _, r := range results[s] {
				a.files++
				a.raw += r.raw
				if r.data == nil {
					a.reasons[r.reason]++
					continue
				}
				a.kept++
				d := float64(len(r.data)) / coreRate
				sec += d
				if r.narrowband {
					nb += d
				}
			}
			a.trimmed += sec
			a.nb += nb
			a.speakers = append(a.speakers, name[strings.Index(name, "/")+1:])
			a.speakerSec = append(a.speakerSec, sec)
			a.speakerNarrowbd = append(a.speakerNarrowbd, nb > sec/2)
		}
		fmt.Printf("## %s (%s)\n\n", part.title, part.root)
		fmt.Println("| source | speakers | files | kept | rejected | hours decoded | hours kept | narrowband |")
		fmt.Println("|---|---:|---:|---:|---|---:|---:|---:|")
		var tf, tk int
		var tr, tt, tn float64
		for _, src := range order {
			a := bySource[src]
			var rej []string
			for r, n := range a.reasons {
				rej = append(rej, fmt.Sprintf("%d %s", n, r))
			}
			sort.Strings(rej)
			fmt.Printf("| %s | %d | %d | %d | %s | %.2f | %.2f | %.0f%% |\n", src, len(a.speakers), a.files, a.kept,
				strings.Join(rej, "; "), a.raw/3600, a.trimmed/3600, 100*a.nb/max(a.trimmed, 1e-9))
			tf += a.files
			tk += a.kept
			tr += a.raw
			tt += a.trimmed
			tn += a.nb
		}
		fmt.Printf("| **total** | %d | %d | %d | | %.2f | %.2f | %.0f%% |\n\n", len(names), tf, tk, tr/3600, tt/3600, 100*tn/max(tt, 1e-9))
		fmt.Println("Speakers (minutes kept, N = narrowband):")
		for _, src := range order {
			a := bySource[src]
			var parts []string
			for i, s := range a.speakers {
				nb := ""
				if a.speakerNarrowbd[i] {
					nb = " N"
				}
				parts = append(parts, fmt.Sprintf("%s %.1f%s", s, a.speakerSec[i]/60, nb))
			}
			fmt.Printf("- %s: %s\n", src, strings.Join(parts, ", "))
		}
		fmt.Println()
	}
	return nil
}
