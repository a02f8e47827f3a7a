package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/hushaudio/hush/internal/mix"
)

// Voice activity is scored per 10 ms frame against labels made from the
// clean reference: a frame is speech when its mean power is no more than
// vadMarginDB below the file's active speech level (ITU-T P.56 method B,
// internal/mix). 15.9 dB is the margin P.56 itself puts between the
// active level and the threshold of activity, and the mixtures' SNRs are
// set from that same level. The labels take no hangover: a pause between
// words is a pause.
const vadMarginDB = 15.9

// vadThreshold is the probability from which a frame counts as speech for
// F1, precision and recall.
const vadThreshold = 0.5

// vadMaxShift bounds the alignment check: scores are also computed with
// every system's values moved by up to this many frames.
const vadMaxShift = 3

// speechLabels labels each whole 10 ms frame of clean.
func speechLabels(clean []float32, rate int) ([]bool, error) {
	level, _, err := mix.ActiveLevel(clean, rate)
	if err != nil {
		return nil, err
	}
	threshold := level * math.Pow(10, -vadMarginDB/10)
	hop := rate / 100
	labels := make([]bool, len(clean)/hop)
	for k := range labels {
		var e float64
		for _, v := range clean[k*hop : (k+1)*hop] {
			e += float64(v) * float64(v)
		}
		labels[k] = e/float64(hop) >= threshold
	}
	return labels, nil
}

// readVAD reads a file of one probability per line.
func readVAD(path string) ([]float32, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	fields := strings.Fields(string(b))
	p := make([]float32, len(fields))
	for i, f := range fields {
		v, err := strconv.ParseFloat(f, 32)
		if err != nil || math.IsNaN(v) {
			return nil, fmt.Errorf("%s: line %d: %q is not a probability", path, i+1, f)
		}
		p[i] = float32(v)
	}
	return p, nil
}

// rocAUC returns the area under the ROC curve of scores p for labels y:
// the probability that a random speech frame scores above a random
// non-speech frame, ties counting one half (the Mann-Whitney statistic).
// NaN when either class is empty.
func rocAUC(p []float32, y []bool) float64 {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case p[a] < p[b]:
			return -1
		case p[a] > p[b]:
			return 1
		}
		return 0
	})
	// Sum the (1-based, tie-averaged) ranks of the speech frames.
	var rankSum float64
	var pos, neg int
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && p[idx[j]] == p[idx[i]] {
			j++
		}
		mid := float64(i+j+1) / 2 // mean of ranks i+1..j
		for _, k := range idx[i:j] {
			if y[k] {
				rankSum += mid
				pos++
			} else {
				neg++
			}
		}
		i = j
	}
	if pos == 0 || neg == 0 {
		return math.NaN()
	}
	return (rankSum - float64(pos)*float64(pos+1)/2) / (float64(pos) * float64(neg))
}

// vadCounts are the confusion counts at vadThreshold.
type vadCounts struct{ tp, fp, fn, tn int }

func countAt(p []float32, y []bool, threshold float32) vadCounts {
	var c vadCounts
	for i, v := range p {
		switch said := v >= threshold; {
		case said && y[i]:
			c.tp++
		case said:
			c.fp++
		case y[i]:
			c.fn++
		default:
			c.tn++
		}
	}
	return c
}

func (c vadCounts) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c vadCounts) recall() float64    { return ratio(c.tp, c.tp+c.fn) }

// f1 is the harmonic mean of precision and recall: 2tp / (2tp + fp + fn).
func (c vadCounts) f1() float64 { return ratio(2*c.tp, 2*c.tp+c.fp+c.fn) }

func ratio(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return float64(a) / float64(b)
}

// vadResult is one system's voice activity on one set: its values paired
// with the labels, file by file.
type vadResult struct {
	files map[string][]float32 // file -> values, one per label frame or more
}

// vadSet holds a set's labels and every VAD system's values.
type vadSet struct {
	labels  map[string][]bool // file -> labels
	systems []string
	results map[string]*vadResult
}

// loadVAD reads WORK/vad/SET/SYSTEM/NAME.vad for every system found and
// labels the set's files. Files with fewer values than labels are reported
// as problems and left out of that system's scores.
func loadVAD(work string, s *setResult) (*vadSet, error) {
	systems, err := listSystems(filepath.Join(work, "vad", s.name))
	if err != nil || len(systems) == 0 {
		return nil, err
	}
	v := &vadSet{labels: map[string][]bool{}, systems: systems, results: map[string]*vadResult{}}
	for _, f := range s.files {
		l, err := speechLabels(s.clean[f], s.rate)
		if errors.Is(err, mix.ErrSilent) {
			continue // nothing to detect
		}
		if err != nil {
			return nil, fmt.Errorf("set %s: %s: labels: %w", s.name, f, err)
		}
		v.labels[f] = l
	}
	for _, sys := range systems {
		r := &vadResult{files: map[string][]float32{}}
		v.results[sys] = r
		for f, l := range v.labels {
			path := filepath.Join(work, "vad", s.name, sys, strings.TrimSuffix(f, ".wav")+".vad")
			p, err := readVAD(path)
			if err == nil && len(p) < len(l) {
				err = fmt.Errorf("%d values for %d frames", len(p), len(l))
			}
			if err != nil {
				s.problems["VAD "+sys] = append(s.problems["VAD "+sys], fmt.Sprintf("%s: %v", f, err))
				continue
			}
			r.files[f] = p
		}
	}
	return v, nil
}

// pairs returns the values and labels of the files keep accepts (all when
// keep is nil), each value moved shift frames: label k is paired with
// value k+shift, where there is one.
func (v *vadSet) pairs(sys string, shift int, keep func(string) bool) ([]float32, []bool) {
	var p []float32
	var y []bool
	for f, vals := range v.results[sys].files {
		if keep != nil && !keep(f) {
			continue
		}
		for k, l := range v.labels[f] {
			if j := k + shift; j >= 0 && j < len(vals) {
				p = append(p, vals[j])
				y = append(y, l)
			}
		}
	}
	return p, y
}

// bestShift returns the shift in [-vadMaxShift, vadMaxShift] at which the
// system's ROC-AUC is highest, and that AUC: the detector's own timing
// (lookahead, sluggishness), and its score with timing set aside. A
// misaligned system shows here too, as a shift of several frames.
func (v *vadSet) bestShift(sys string) (shift int, auc float64) {
	auc = math.Inf(-1)
	for s := -vadMaxShift; s <= vadMaxShift; s++ {
		if a := rocAUC(v.pairs(sys, s, nil)); a > auc {
			shift, auc = s, a
		}
	}
	return shift, auc
}

// write renders the set's voice activity tables.
func (v *vadSet) write(b *strings.Builder, s *setResult) error {
	var frames, speech int
	for _, l := range v.labels {
		frames += len(l)
		for _, x := range l {
			if x {
				speech++
			}
		}
	}
	fmt.Fprintf(b, "### Voice activity: each system's own speech probability against the clean reference\n\n")
	fmt.Fprintf(b, "%d frames of 10 ms, %.0f%% labelled speech (clean frame power within %.1f dB of the file's P.56 active speech level). "+
		"ROC-AUC over all frames of the set; F1, precision and recall calling a frame speech at probability ≥ %.1f; "+
		"the mean probability in speech and in the other frames. Each value is placed at the 10 ms frame that its system writes out with the gains of the same step (its delay removed, as for the audio). "+
		"Best shift: how many frames later a system's values would have to be read to score their highest ROC-AUC (that AUC beside it): its own timing, "+
		"negative where it hears ahead (RNNoise v0.2's network takes one frame of lookahead), positive where it is slow to follow.\n\n",
		frames, 100*float64(speech)/float64(max(frames, 1)), vadMarginDB, vadThreshold)
	t := table{corner: "system", cols: []column{
		{title: "ROC-AUC", digits: 3, best: 1},
		{title: "F1", digits: 3, best: 1},
		{title: "precision", digits: 3, best: 1},
		{title: "recall", digits: 3, best: 1},
		{title: "mean p, speech", digits: 2},
		{title: "mean p, other", digits: 2},
		{title: "best shift", digits: 0},
		{title: "AUC there", digits: 3},
	}}
	for _, sys := range v.systems {
		p, y := v.pairs(sys, 0, nil)
		c := countAt(p, y, vadThreshold)
		var ps, po []float64
		for i, x := range p {
			if y[i] {
				ps = append(ps, float64(x))
			} else {
				po = append(po, float64(x))
			}
		}
		shift, auc := v.bestShift(sys)
		t.rows = append(t.rows, row{label: sys, vals: []float64{
			rocAUC(p, y), c.f1(), c.precision(), c.recall(), mean(ps), mean(po), float64(shift), auc}})
	}
	if err := t.write(b); err != nil {
		return err
	}
	b.WriteString("\n")
	for _, g := range s.groupings {
		for _, m := range []struct {
			title string
			of    func(p []float32, y []bool) float64
		}{
			{"VAD ROC-AUC", rocAUC},
			{"VAD F1", func(p []float32, y []bool) float64 { return countAt(p, y, vadThreshold).f1() }},
		} {
			fmt.Fprintf(b, "### %s, %s\n\n", m.title, g.title)
			t := table{corner: "system"}
			for _, l := range g.labels {
				t.cols = append(t.cols, column{title: l, digits: 3, best: 1})
			}
			for _, sys := range v.systems {
				vals := make([]float64, len(g.labels))
				for k, l := range g.labels {
					vals[k] = m.of(v.pairs(sys, 0, func(f string) bool { return g.of[f] == l }))
				}
				t.rows = append(t.rows, row{label: sys, vals: vals})
			}
			if err := t.write(b); err != nil {
				return err
			}
			b.WriteString("\n")
		}
	}
	return nil
}
