package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	"github.com/hushaudio/hush/bench/internal/lag"
	"github.com/hushaudio/hush/internal/metrics"
	"github.com/hushaudio/hush/internal/mix"
)

// noisySystem names the unprocessed input, scored like a system.
const noisySystem = "noisy"

// metricCount is the number of metrics per file: SI-SDR, segSNR, STOI,
// ESTOI against the clean reference, then DNSMOS SIG, BAK and OVRL of the
// output alone.
const metricCount = 7

// firstDNSMOS is the index of DNSMOS SIG in scores; BAK and OVRL follow.
const firstDNSMOS = 4

// metricCols describes the metrics as table columns.
var metricCols = [metricCount]column{
	{title: "SI-SDR [dB]", digits: 2, best: 1},
	{title: "segSNR [dB]", digits: 2, best: 1},
	{title: "STOI", digits: 3, best: 1},
	{title: "ESTOI", digits: 3, best: 1},
	{title: "SIG", digits: 3, best: 1},
	{title: "BAK", digits: 3, best: 1},
	{title: "OVRL", digits: 3, best: 1},
}

// scores holds the metrics of one file; NaN where a metric failed.
type scores [metricCount]float64

// grouping splits a set's files into labelled groups (by SNR, by noise).
type grouping struct {
	title  string
	labels []string          // in column order
	of     map[string]string // file name -> label
}

// setResult gathers everything measured on one set.
type setResult struct {
	name, title string
	rate        int
	files       []string // base names, sorted
	clean       map[string][]float32
	seconds     float64 // total audio [s]
	systems     []string
	scores      map[string]map[string]scores // system -> file -> scores
	lags        map[string][]int             // system -> lags measured
	problems    map[string][]string          // system -> what went wrong
	groupings   []grouping
	times       map[string]float64   // system -> wall time [s]
	passSystems []string             // systems run on the clean files
	pass        map[string][]float64 // system -> SI-SDR per clean file
	vad         *vadSet              // voice activity, nil when no system gave any
}

// job is one file of one system to score.
type job struct {
	set    *setResult
	system string
	file   string
	path   string
	pass   bool // a clean-passthrough output: only SI-SDR
	lag    bool // also measure the alignment
}

// outcome is what a worker found for a job.
type outcome struct {
	s       scores
	sisdr   float64
	lag     int
	problem string
	est     []float32 // the output read, kept for DNSMOS until it is scored
}

// setTitles names the sets bench/run makes.
var setTitles = map[string]string{
	"vbd": "VoiceBank+DEMAND pairs",
	"mix": "dev mixtures (hush mix)",
}

// scoreAll loads every set and scores every output with a worker pool.
func scoreAll(cfg config) (*report, error) {
	rep := &report{cfg: cfg}
	times, err := readTimes(filepath.Join(cfg.work, "times.tsv"))
	if err != nil {
		return nil, err
	}
	desc, err := readTable(filepath.Join(cfg.work, "systems.tsv"))
	if err != nil {
		return nil, err
	}
	rep.descriptions = desc
	var jobs []job
	for _, name := range cfg.sets {
		s, err := loadSet(cfg.work, name)
		if err != nil {
			return nil, err
		}
		s.times = map[string]float64{}
		for k, v := range times {
			if k[0] == name {
				s.times[k[1]] = v
			}
		}
		rep.sets = append(rep.sets, s)
		jobs = append(jobs, setJobs(cfg, s)...)
	}
	if cfg.dnsmos != nil {
		if err := cfg.dnsmos.check(); err != nil {
			rep.warnings = append(rep.warnings, fmt.Sprintf("DNSMOS not scored: %v", err))
			cfg.dnsmos = nil
		}
	}
	rep.dnsmos = cfg.dnsmos != nil
	results := make([]outcome, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, cfg.workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each worker has a Node process of its own for DNSMOS,
			// started at its first file and again after a failure.
			var model *dnsmos
			defer func() {
				if model != nil {
					model.close()
				}
			}()
			for i := range next {
				results[i] = scoreJob(jobs[i], cfg.maxLagMS)
				if cfg.dnsmos == nil || jobs[i].pass || results[i].est == nil || !cfg.dnsmosWanted(jobs[i].set.name, jobs[i].system) {
					results[i].est = nil
					continue
				}
				var err error
				if model == nil {
					model, err = cfg.dnsmos.start()
				}
				var s [3]float64
				if err == nil {
					s, err = scoreDNSMOS(model, jobs[i], results[i].est)
					if err != nil {
						model.close()
						model = nil
					}
				}
				copy(results[i].s[firstDNSMOS:], s[:])
				if err != nil && results[i].problem == "" {
					results[i].problem = fmt.Sprintf("%s: %v", jobs[i].file, err)
				}
				results[i].est = nil
			}
		}()
	}
	for i := range jobs {
		if i%200 == 0 && cfg.statusLine != nil {
			fmt.Fprintf(cfg.statusLine, "\rscore: %d/%d", i, len(jobs))
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if cfg.statusLine != nil {
		fmt.Fprintf(cfg.statusLine, "\rscore: %d/%d\n", len(jobs), len(jobs))
	}
	for i, j := range jobs {
		r := results[i]
		s := j.set
		if r.problem != "" {
			s.problems[j.system] = append(s.problems[j.system], r.problem)
		}
		if j.pass {
			s.pass[j.system] = append(s.pass[j.system], r.sisdr)
			continue
		}
		s.scores[j.system][j.file] = r.s
		if j.lag && r.problem == "" {
			s.lags[j.system] = append(s.lags[j.system], r.lag)
		}
		rep.scored++
	}
	for _, s := range rep.sets {
		if s.vad, err = loadVAD(cfg.work, s); err != nil {
			return nil, err
		}
	}
	rep.collectWarnings()
	return rep, nil
}

// loadSet reads a set's clean references, its file list and groupings.
func loadSet(work, name string) (*setResult, error) {
	dir := filepath.Join(work, "sets", name)
	names, err := filepath.Glob(filepath.Join(dir, "noisy", "*.wav"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("set %s: no noisy files in %s", name, filepath.Join(dir, "noisy"))
	}
	s := &setResult{
		name: name, title: setTitles[name],
		clean:    map[string][]float32{},
		scores:   map[string]map[string]scores{},
		lags:     map[string][]int{},
		problems: map[string][]string{},
		pass:     map[string][]float64{},
	}
	if s.title == "" {
		s.title = name
	}
	inputSNR := map[string]float64{}
	for _, p := range names {
		f := filepath.Base(p)
		c, fm, err := readMono(filepath.Join(dir, "clean", f))
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", name, err)
		}
		n, _, err := readMono(p)
		if err != nil {
			return nil, fmt.Errorf("set %s: %w", name, err)
		}
		if len(n) != len(c) {
			return nil, fmt.Errorf("set %s: %s: noisy has %d samples, clean %d", name, f, len(n), len(c))
		}
		if s.rate == 0 {
			s.rate = fm.SampleRate
		} else if s.rate != fm.SampleRate {
			return nil, fmt.Errorf("set %s: %s is %d Hz, others %d Hz", name, f, fm.SampleRate, s.rate)
		}
		s.files = append(s.files, f)
		s.clean[f] = c
		s.seconds += float64(len(c)) / float64(fm.SampleRate)
		inputSNR[f] = snrDB(c, n)
	}
	sort.Strings(s.files)

	if entries, err := mix.ReadManifestFile(filepath.Join(dir, mix.ManifestName)); err == nil {
		s.groupings = manifestGroupings(entries)
	} else if !os.IsNotExist(err) {
		return nil, err
	} else {
		s.groupings = []grouping{snrBins(inputSNR)}
	}

	systems, err := listSystems(filepath.Join(work, "out", name))
	if err != nil {
		return nil, err
	}
	s.systems = append([]string{noisySystem}, systems...)
	for _, sys := range s.systems {
		s.scores[sys] = map[string]scores{}
	}
	if s.passSystems, err = listSystems(filepath.Join(work, "pass", name)); err != nil {
		return nil, err
	}
	return s, nil
}

// setJobs lists the jobs of one set: every system on every file, a few
// files per system also checked for alignment, and the passthrough runs.
func setJobs(cfg config, s *setResult) []job {
	dir := filepath.Join(cfg.work, "sets", s.name)
	lagAt := map[string]bool{}
	for k := range min(cfg.lagFiles, len(s.files)) {
		lagAt[s.files[k*len(s.files)/min(cfg.lagFiles, len(s.files))]] = true
	}
	var jobs []job
	for _, sys := range s.systems {
		for _, f := range s.files {
			p := filepath.Join(cfg.work, "out", s.name, sys, f)
			if sys == noisySystem {
				p = filepath.Join(dir, "noisy", f)
			}
			jobs = append(jobs, job{set: s, system: sys, file: f, path: p, lag: lagAt[f]})
		}
	}
	for _, sys := range s.passSystems {
		for _, f := range s.files {
			jobs = append(jobs, job{set: s, system: sys, file: f, pass: true,
				path: filepath.Join(cfg.work, "pass", s.name, sys, f)})
		}
	}
	return jobs
}

// scoreJob reads one output and measures it against its clean reference.
func scoreJob(j job, maxLagMS float64) outcome {
	nan := math.NaN()
	out := outcome{sisdr: nan}
	for m := range out.s {
		out.s[m] = nan
	}
	clean := j.set.clean[j.file]
	est, f, err := readMono(j.path)
	if err != nil {
		out.problem = fmt.Sprintf("%s: %v", j.file, err)
		return out
	}
	if f.SampleRate != j.set.rate {
		out.problem = fmt.Sprintf("%s: %d Hz, want %d Hz", j.file, f.SampleRate, j.set.rate)
		return out
	}
	if len(est) != len(clean) {
		// Score what there is, but say so: every output should be
		// aligned with its input and exactly as long.
		out.problem = fmt.Sprintf("%s: %d samples, want %d", j.file, len(est), len(clean))
		fixed := make([]float32, len(clean))
		copy(fixed, est)
		est = fixed
	}
	if j.pass {
		out.sisdr = metrics.SISDR(clean, est)
		return out
	}
	out.s[0] = metrics.SISDR(clean, est)
	out.s[1] = metrics.SegSNR(clean, est, j.set.rate)
	if v, err := metrics.STOI(clean, est, j.set.rate); err == nil {
		out.s[2] = v
	} else if out.problem == "" {
		out.problem = fmt.Sprintf("%s: STOI: %v", j.file, err)
	}
	if v, err := metrics.ESTOI(clean, est, j.set.rate); err == nil {
		out.s[3] = v
	} else if out.problem == "" {
		out.problem = fmt.Sprintf("%s: ESTOI: %v", j.file, err)
	}
	if j.lag {
		out.lag, _ = lag.Best(clean, est, int(maxLagMS*float64(j.set.rate)/1000))
	}
	out.est = est
	return out
}

// dnsmosWanted reports whether --dnsmos-systems asks for DNSMOS on a
// system's outputs in a set: every system when it is empty.
func (cfg config) dnsmosWanted(set, system string) bool {
	if len(cfg.dnsmosOnly) == 0 {
		return true
	}
	for _, w := range cfg.dnsmosOnly {
		if w == system || w == set+"/"+system || w == set+"/*" {
			return true
		}
	}
	return false
}

// scoreDNSMOS scores one output with DNSMOS, which takes 16 kHz audio only.
func scoreDNSMOS(model *dnsmos, j job, est []float32) ([3]float64, error) {
	if j.set.rate != dnsmosRate {
		nan := math.NaN()
		return [3]float64{nan, nan, nan}, fmt.Errorf("DNSMOS takes %d Hz, the set is %d Hz", dnsmosRate, j.set.rate)
	}
	return model.score(est)
}

// snrDB returns the SNR of noisy against clean [dB].
func snrDB(clean, noisy []float32) float64 {
	var s, n float64
	for i := range clean {
		d := float64(noisy[i]) - float64(clean[i])
		s += float64(clean[i]) * float64(clean[i])
		n += d * d
	}
	return 10 * math.Log10(s/n)
}

// snrBins groups files by their measured input SNR, in 5 dB bins.
func snrBins(snr map[string]float64) grouping {
	g := grouping{title: "by input SNR (measured, 5 dB bins)", of: map[string]string{}}
	labels := []string{"< 5 dB", "5–10 dB", "10–15 dB", "≥ 15 dB"}
	used := map[string]bool{}
	for f, v := range snr {
		b := int(math.Floor(v / 5))
		b = max(0, min(b, len(labels)-1))
		g.of[f] = labels[b]
		used[labels[b]] = true
	}
	for _, l := range labels {
		if used[l] {
			g.labels = append(g.labels, l)
		}
	}
	return g
}

// snrGroupingTitle names the grouping of mixtures by their target SNR.
const snrGroupingTitle = "by SNR (active speech level over noise)"

// manifestGroupings groups mixtures by their target SNR and noise type.
func manifestGroupings(entries []mix.Entry) []grouping {
	bySNR := grouping{title: snrGroupingTitle, of: map[string]string{}}
	byNoise := grouping{title: "by noise", of: map[string]string{}}
	var snrs []float64
	seenSNR, seenNoise := map[float64]bool{}, map[string]bool{}
	for _, e := range entries {
		l := strconv.FormatFloat(e.SNR, 'f', -1, 64) + " dB"
		bySNR.of[e.Name] = l
		if !seenSNR[e.SNR] {
			seenSNR[e.SNR] = true
			snrs = append(snrs, e.SNR)
		}
		nt := e.NoiseType()
		byNoise.of[e.Name] = nt
		if !seenNoise[nt] {
			seenNoise[nt] = true
			byNoise.labels = append(byNoise.labels, nt)
		}
	}
	sort.Float64s(snrs)
	for _, v := range snrs {
		bySNR.labels = append(bySNR.labels, strconv.FormatFloat(v, 'f', -1, 64)+" dB")
	}
	sort.Strings(byNoise.labels)
	byKind := grouping{title: "by whether the learned stage trained on the kind of noise", of: map[string]string{}}
	for _, e := range entries {
		byKind.of[e.Name] = kindLabel(e.NoiseType())
	}
	for _, l := range []string{kindHeard, kindHeldOut} {
		for _, e := range entries {
			if byKind.of[e.Name] == l {
				byKind.labels = append(byKind.labels, l)
				break
			}
		}
	}
	return []grouping{bySNR, byNoise, byKind}
}

// The learned stage never trains on the dev noise recordings; its training
// also leaves out whole categories (train/gen: fire and water), and these
// dev noises belong to them.
var heldOutNoises = map[string]bool{"fireplace": true, "waves": true, "boat": true, "running_tap": true}

const (
	kindHeard   = "kinds trained on (other recordings)"
	kindHeldOut = "kinds held out of training (fireplace, waves, boat, running tap)"
)

func kindLabel(noiseType string) string {
	if heldOutNoises[noiseType] {
		return kindHeldOut
	}
	return kindHeard
}

// mean averages the non-NaN values; NaN when there are none.
func mean(xs []float64) float64 {
	var s float64
	n := 0
	for _, x := range xs {
		if !math.IsNaN(x) {
			s += x
			n++
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

// median returns the middle value of xs (the lower one for even counts).
func median(xs []int) int {
	s := append([]int(nil), xs...)
	sort.Ints(s)
	return s[(len(s)-1)/2]
}

// collectWarnings turns problems and misalignments into warnings.
func (r *report) collectWarnings() {
	for _, s := range r.sets {
		for sys, p := range s.problems {
			if len(p) > 0 {
				r.warnings = append(r.warnings, fmt.Sprintf("set %s, %s: %d problems, first: %s", s.name, sys, len(p), p[0]))
			}
		}
		for _, sys := range s.systems {
			lags := s.lags[sys]
			if len(lags) == 0 {
				continue
			}
			if m := median(lags); m != 0 {
				r.warnings = append(r.warnings, fmt.Sprintf("set %s, %s: output is misaligned by %d samples (%.1f ms; lags found %v): fix its delay compensation",
					s.name, sys, m, 1000*float64(m)/float64(s.rate), lags))
			}
		}
	}
	sort.Strings(r.warnings)
}
