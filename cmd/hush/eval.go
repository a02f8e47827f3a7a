package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hushaudio/hush/internal/metrics"
	"github.com/hushaudio/hush/internal/wav"
)

func init() {
	commands["eval"] = command{
		summary: "score enhanced speech against clean references (SI-SDR, segSNR, STOI, ESTOI)",
		run:     runEval,
	}
}

// evalLengthSlack is how much longer or shorter [s] an enhanced or noisy
// file may be than its clean reference: denoisers often pad to whole
// frames or keep a latency tail. Beyond it the files are taken to be
// different recordings.
const evalLengthSlack = 0.1

const evalUsage = `Usage: hush eval --clean DIR --enhanced DIR [--noisy DIR] [--json]

Scores enhanced (denoised) speech against the clean originals. Files are
matched by name: DIR/x.wav in --enhanced is scored against DIR/x.wav in
--clean. All files must be mono WAV; each pair must share its sample rate
and be time-aligned (a denoiser's delay must be compensated). A length
difference of up to 0.1 s is tolerated: the common part is scored and a
warning printed. Files present in only one folder are skipped with a
warning.

Metrics (higher is better for all four):
  SI-SDR  scale-invariant signal-to-distortion ratio [dB] (Le Roux 2019):
          energy of the clean speech in the output over everything else,
          whatever the output's gain. Speech with white noise at 10 dB SNR
          scores about 10 dB; +inf means identical up to gain.
  SegSNR  segmental SNR [dB]: the SNR of each 30 ms frame, clamped to
          [-10, 35] dB, averaged. Weighs quiet passages as much as loud
          ones and, unlike SI-SDR, punishes a change of gain.
  STOI    short-time objective intelligibility (Taal 2011), 0..1: how well
          the band envelopes over 384 ms windows follow the clean ones;
          predicts the fraction of words understood. Needs at least about
          0.4 s of speech.
  ESTOI   extended STOI (Jensen & Taal 2016), 0..1: the same with spectral
          shapes instead of clipped envelopes; better for fluctuating noise,
          and lower than STOI (the 23 noisy VoiceBank+DEMAND pairs in
          shared/data score 0.62 ESTOI, 0.84 STOI, 4.1 dB SI-SDR).

With --noisy DIR the unprocessed inputs are scored too, and the table shows
noisy, enhanced and delta (enhanced - noisy) for every metric: a positive
delta is an improvement.

Example:
  hush eval --clean data/clean --enhanced out/ --noisy data/noisy
  hush eval --clean data/clean --enhanced out/ --json > scores.json

Exit status: 0 on success, 1 if no file could be scored or a file is
unusable (multichannel, rate mismatch, very different length), 2 on bad
flags.

Flags:
`

// evalScores holds the four metrics of one signal against its reference.
type evalScores struct {
	SISDR  evalFloat `json:"si_sdr_db"`
	SegSNR evalFloat `json:"seg_snr_db"`
	STOI   evalFloat `json:"stoi"`
	ESTOI  evalFloat `json:"estoi"`
}

func (s evalScores) values() [4]float64 {
	return [4]float64{float64(s.SISDR), float64(s.SegSNR), float64(s.STOI), float64(s.ESTOI)}
}

func evalScoresOf(v [4]float64) evalScores {
	return evalScores{evalFloat(v[0]), evalFloat(v[1]), evalFloat(v[2]), evalFloat(v[3])}
}

// evalFloat is a score that encodes infinities (SI-SDR of a perfect
// output) and NaN as JSON null, which has no other way to say them.
type evalFloat float64

// MarshalJSON implements json.Marshaler.
func (f evalFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'f', 4, 64), nil
}

// evalFile is the result for one file.
type evalFile struct {
	Name       string      `json:"name"`
	SampleRate int         `json:"sample_rate"`
	Seconds    float64     `json:"seconds"` // scored length
	Enhanced   evalScores  `json:"enhanced"`
	Noisy      *evalScores `json:"noisy,omitempty"`
	Delta      *evalScores `json:"delta,omitempty"`
}

// evalReport is what --json prints.
type evalReport struct {
	Files []evalFile `json:"files"`
	Mean  struct {
		Enhanced evalScores  `json:"enhanced"`
		Noisy    *evalScores `json:"noisy,omitempty"`
		Delta    *evalScores `json:"delta,omitempty"`
	} `json:"mean"`
	Skipped []string `json:"skipped"`
}

func runEval(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cleanDir, enhDir, noisyDir string
	var asJSON bool
	fs.StringVar(&cleanDir, "clean", "", "folder of clean reference `DIR` (*.wav)")
	fs.StringVar(&enhDir, "enhanced", "", "folder of enhanced `DIR` (*.wav) with the same file names")
	fs.StringVar(&noisyDir, "noisy", "", "optional folder of unprocessed noisy `DIR`, to report the improvement")
	fs.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	fs.Usage = func() {
		fmt.Fprint(stderr, evalUsage)
		printFlags(stderr, fs)
	}
	if code, ok := parseNoArgs(fs, args, "eval", stderr); !ok {
		return code
	}
	if cleanDir == "" || enhDir == "" {
		fmt.Fprintln(stderr, "hush eval: --clean and --enhanced are required (see hush eval --help)")
		return 2
	}
	warn := func(format string, a ...any) {
		fmt.Fprintf(stderr, "hush eval: warning: "+format+"\n", a...)
	}
	names, skipped, err := evalMatch(cleanDir, enhDir, noisyDir, warn)
	if err != nil {
		fmt.Fprintf(stderr, "hush eval: %v\n", err)
		return 1
	}
	var rep evalReport
	rep.Skipped = append([]string{}, skipped...) // [] rather than null in JSON
	for _, name := range names {
		f, err := evalOne(name, cleanDir, enhDir, noisyDir, warn)
		if errors.Is(err, metrics.ErrTooShort) || errors.Is(err, metrics.ErrSilent) {
			warn("skipping %s: %v", name, err)
			rep.Skipped = append(rep.Skipped, name)
			continue
		}
		if err != nil {
			fmt.Fprintf(stderr, "hush eval: %v\n", err)
			return 1
		}
		rep.Files = append(rep.Files, f)
	}
	if len(rep.Files) == 0 {
		fmt.Fprintf(stderr, "hush eval: no file could be scored (%d skipped)\n", len(rep.Skipped))
		return 1
	}
	evalMeans(&rep)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "hush eval: %v\n", err)
			return 1
		}
		return 0
	}
	evalTable(stdout, &rep)
	return 0
}

// evalMatch returns the sorted names of the WAV files in all the given
// folders, and warns about and lists those missing from any of them.
func evalMatch(cleanDir, enhDir, noisyDir string, warn func(string, ...any)) (names, skipped []string, err error) {
	dirs := []string{cleanDir, enhDir}
	if noisyDir != "" {
		dirs = append(dirs, noisyDir)
	}
	sets := make([]map[string]bool, len(dirs))
	all := map[string]bool{}
	for i, d := range dirs {
		entries, err := os.ReadDir(d)
		if err != nil {
			return nil, nil, err
		}
		sets[i] = map[string]bool{}
		for _, e := range entries {
			if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".wav") {
				sets[i][e.Name()] = true
				all[e.Name()] = true
			}
		}
	}
	for n := range all {
		var missing []string
		for i, d := range dirs {
			if !sets[i][n] {
				missing = append(missing, d)
			}
		}
		if len(missing) > 0 {
			warn("skipping %s: not in %s", n, strings.Join(missing, ", "))
			skipped = append(skipped, n)
			continue
		}
		names = append(names, n)
	}
	sort.Strings(names)
	sort.Strings(skipped)
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("no WAV file name is in every one of %s", strings.Join(dirs, ", "))
	}
	return names, skipped, nil
}

// evalRead reads a mono WAV file.
func evalRead(path string) ([]float32, int, error) {
	s, f, err := wav.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if f.Channels != 1 {
		return nil, 0, fmt.Errorf("%s: %d channels; eval needs mono files (e.g. ffmpeg -i in.wav -ac 1 out.wav)", path, f.Channels)
	}
	return s, f.SampleRate, nil
}

// evalOne scores one enhanced file (and its noisy input) against its clean
// reference.
func evalOne(name, cleanDir, enhDir, noisyDir string, warn func(string, ...any)) (evalFile, error) {
	cleanPath := filepath.Join(cleanDir, name)
	clean, rate, err := evalRead(cleanPath)
	if err != nil {
		return evalFile{}, err
	}
	paths := []string{filepath.Join(enhDir, name)}
	if noisyDir != "" {
		paths = append(paths, filepath.Join(noisyDir, name))
	}
	sigs := make([][]float32, len(paths))
	n := len(clean)
	for i, p := range paths {
		s, r, err := evalRead(p)
		if err != nil {
			return evalFile{}, err
		}
		if r != rate {
			return evalFile{}, fmt.Errorf("%s: %d Hz but %s is %d Hz; resample one of them first", p, r, cleanPath, rate)
		}
		if d := math.Abs(float64(len(s)-len(clean))) / float64(rate); d > evalLengthSlack {
			return evalFile{}, fmt.Errorf("%s: %.3f s long but %s is %.3f s; not the same recording?",
				p, float64(len(s))/float64(rate), cleanPath, float64(len(clean))/float64(rate))
		}
		if len(s) != len(clean) {
			warn("%s: %d samples, clean has %d; scoring the first %d", p, len(s), len(clean), min(len(s), len(clean)))
		}
		sigs[i] = s
		n = min(n, len(s))
	}
	f := evalFile{Name: name, SampleRate: rate, Seconds: float64(n) / float64(rate)}
	for i, s := range sigs {
		v, err := evalScore(clean[:n], s[:n], rate)
		if err != nil {
			return evalFile{}, fmt.Errorf("%s: %w", paths[i], err)
		}
		if i == 0 {
			f.Enhanced = v
		} else {
			f.Noisy = &v
		}
	}
	if f.Noisy != nil {
		d := evalDelta(f.Enhanced, *f.Noisy)
		f.Delta = &d
	}
	return f, nil
}

func evalScore(clean, est []float32, rate int) (evalScores, error) {
	st, err := metrics.STOI(clean, est, rate)
	if err != nil {
		return evalScores{}, err
	}
	es, err := metrics.ESTOI(clean, est, rate)
	if err != nil {
		return evalScores{}, err
	}
	return evalScoresOf([4]float64{metrics.SISDR(clean, est), metrics.SegSNR(clean, est, rate), st, es}), nil
}

func evalDelta(enh, noisy evalScores) evalScores {
	e, n := enh.values(), noisy.values()
	var d [4]float64
	for i := range d {
		d[i] = e[i] - n[i]
	}
	return evalScoresOf(d)
}

// evalMeans fills in the means over the scored files.
func evalMeans(rep *evalReport) {
	var enh, noisy [4]float64
	k := float64(len(rep.Files))
	for _, f := range rep.Files {
		for i, v := range f.Enhanced.values() {
			enh[i] += v / k
		}
		if f.Noisy != nil {
			for i, v := range f.Noisy.values() {
				noisy[i] += v / k
			}
		}
	}
	rep.Mean.Enhanced = evalScoresOf(enh)
	if rep.Files[0].Noisy != nil {
		n := evalScoresOf(noisy)
		d := evalDelta(rep.Mean.Enhanced, n)
		rep.Mean.Noisy, rep.Mean.Delta = &n, &d
	}
}

// evalTable prints the report as a table with aligned columns.
func evalTable(w io.Writer, rep *evalReport) {
	metricsHead := [4]string{"SI-SDR dB", "SegSNR dB", "STOI", "ESTOI"}
	decimals := [4]int{2, 2, 3, 3}
	withNoisy := rep.Mean.Noisy != nil
	meanName := fmt.Sprintf("mean of %d", len(rep.Files))
	nameW := len(meanName)
	for _, f := range rep.Files {
		nameW = max(nameW, len(f.Name))
	}
	const colW = 9
	cell := func(v float64, dec int, signed bool) string {
		switch {
		case math.IsInf(v, 1):
			return fmt.Sprintf("%*s", colW, "inf")
		case math.IsInf(v, -1):
			return fmt.Sprintf("%*s", colW, "-inf")
		case signed:
			return fmt.Sprintf("%+*.*f", colW, dec, v)
		}
		return fmt.Sprintf("%*.*f", colW, dec, v)
	}
	var b strings.Builder
	if withNoisy {
		fmt.Fprintf(&b, "%-*s", nameW, "")
		var groups strings.Builder
		for _, h := range metricsHead {
			left := (3*colW - len(h) + 1) / 2
			fmt.Fprintf(&groups, " %*s%-*s", left, "", 3*colW-left, h)
		}
		b.WriteString(strings.TrimRight(groups.String(), " "))
		b.WriteString("\n")
		fmt.Fprintf(&b, "%-*s", nameW, "file")
		for range metricsHead {
			fmt.Fprintf(&b, " %*s%*s%*s", colW, "noisy", colW, "enhanced", colW, "delta")
		}
	} else {
		fmt.Fprintf(&b, "%-*s", nameW, "file")
		for _, h := range metricsHead {
			fmt.Fprintf(&b, " %*s", colW, h)
		}
	}
	b.WriteString("\n")
	row := func(name string, enh evalScores, noisy, delta *evalScores) {
		fmt.Fprintf(&b, "%-*s", nameW, name)
		e := enh.values()
		for i := range e {
			b.WriteString(" ")
			if noisy != nil {
				b.WriteString(cell(noisy.values()[i], decimals[i], false))
			}
			b.WriteString(cell(e[i], decimals[i], false))
			if delta != nil {
				b.WriteString(cell(delta.values()[i], decimals[i], true))
			}
		}
		b.WriteString("\n")
	}
	for _, f := range rep.Files {
		row(f.Name, f.Enhanced, f.Noisy, f.Delta)
	}
	row(meanName, rep.Mean.Enhanced, rep.Mean.Noisy, rep.Mean.Delta)
	io.WriteString(w, b.String())
}
