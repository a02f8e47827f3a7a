package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"time"
)

// report is everything the markdown file shows.
type report struct {
	cfg          config
	sets         []*setResult
	descriptions [][]string // system, description (from systems.tsv)
	warnings     []string
	dnsmos       bool // DNSMOS was scored
	scored       int
	scoreTime    time.Duration
}

// write renders the report.
func (r *report) write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# hush quality bench\n\n")
	fmt.Fprintf(&b, "- Date: %s\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	if r.cfg.command != "" {
		fmt.Fprintf(&b, "- Command: `%s`\n", r.cfg.command)
	}
	if r.cfg.revision != "" {
		fmt.Fprintf(&b, "- Revision: %s\n", r.cfg.revision)
	}
	fmt.Fprintf(&b, "- Machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	fmt.Fprintf(&b, "- Metrics (internal/metrics, output against the clean reference): SI-SDR and segmental SNR in dB, STOI and ESTOI in 0..1. SIG, BAK, OVRL: DNSMOS P.835 (../shared/metrics/dnsmos, the challenge's reference procedure; of the output alone) on the 1..5 listening scale: speech quality, background intrusiveness, overall. Higher is better everywhere, best per column in **bold**. \"noisy\" is the unprocessed input.\n")
	if r.dnsmos && len(r.cfg.dnsmosOnly) > 0 {
		fmt.Fprintf(&b, "- DNSMOS was scored for these alone (`--dnsmos-systems`; dashes elsewhere): %s.\n", strings.Join(r.cfg.dnsmosOnly, ", "))
	}
	fmt.Fprintf(&b, "- Lag: median delay of the output against the clean reference found by cross-correlation on %d files (±%.0f ms); 0 means aligned.\n", r.cfg.lagFiles, r.cfg.maxLagMS)
	fmt.Fprintf(&b, "- Time: wall-clock seconds for the whole set as bench/run ran it (process start-up and format conversion included); RTF = time / audio duration.\n\n")
	if len(r.warnings) > 0 {
		b.WriteString("**Warnings**\n\n")
		for _, w := range r.warnings {
			fmt.Fprintf(&b, "- %s\n", w)
		}
		b.WriteString("\n")
	}
	if len(r.descriptions) > 0 {
		b.WriteString("## Systems\n\n| system | how it was run |\n|---|---|\n")
		for _, d := range r.descriptions {
			if len(d) >= 2 {
				fmt.Fprintf(&b, "| %s | %s |\n", d[0], strings.ReplaceAll(d[1], "|", "\\|"))
			}
		}
		b.WriteString("\n")
	}
	for _, s := range r.sets {
		fmt.Fprintf(&b, "## %s: %d files, %.0f s at %d Hz\n\n", s.title, len(s.files), s.seconds, s.rate)
		if err := s.overall().write(&b); err != nil {
			return err
		}
		b.WriteString("\n")
		if g, label, n := s.lowestSNR(); n > 0 {
			fmt.Fprintf(&b, "### The %s mixtures alone (%d files), every metric\n\n", label, n)
			if err := s.metricTable(func(f string) bool { return g.of[f] == label }).write(&b); err != nil {
				return err
			}
			b.WriteString("\n")
		}
		if s.vad != nil {
			if err := s.vad.write(&b, s); err != nil {
				return err
			}
		}
		for _, g := range s.groupings {
			for m, c := range metricCols {
				fmt.Fprintf(&b, "### %s, %s\n\n", c.title, g.title)
				if err := s.grouped(g, m).write(&b); err != nil {
					return err
				}
				b.WriteString("\n")
			}
		}
	}
	for _, s := range r.sets {
		if len(s.passSystems) == 0 {
			continue
		}
		fmt.Fprintf(&b, "## Clean passthrough: %s\n\n", s.title)
		b.WriteString("Each system run on the clean files; SI-SDR [dB] of its output against its input (higher means less harm to clean speech).\n\n")
		t := table{corner: "system", cols: []column{
			{title: "mean SI-SDR [dB]", digits: 2, best: 1},
			{title: "min SI-SDR [dB]", digits: 2, best: 1},
		}}
		for _, sys := range s.passSystems {
			v := s.pass[sys]
			lo := math.NaN()
			for _, x := range v {
				if !math.IsNaN(x) && !(x >= lo) {
					lo = x
				}
			}
			t.rows = append(t.rows, row{label: sys, vals: []float64{mean(v), lo}})
		}
		if err := t.write(&b); err != nil {
			return err
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Scored %d outputs in %.0f s.\n", r.scored, r.scoreTime.Seconds())
	_, err := io.WriteString(w, b.String())
	return err
}

// overall is the set's summary table: mean metrics, lag and time per system.
func (s *setResult) overall() *table {
	t := &table{corner: "system"}
	t.cols = append(t.cols, metricCols[:]...)
	t.cols = append(t.cols,
		column{title: "lag", digits: 0},
		column{title: "time [s]", digits: 1},
		column{title: "RTF", digits: 4})
	for _, sys := range s.systems {
		vals := make([]float64, 0, len(t.cols))
		for m := range metricCount {
			vals = append(vals, s.meanOf(sys, m, nil))
		}
		lag := math.NaN()
		if l := s.lags[sys]; len(l) > 0 {
			lag = float64(median(l))
		}
		tm, rtf := math.NaN(), math.NaN()
		if v, ok := s.times[sys]; ok {
			tm, rtf = v, v/s.seconds
		}
		vals = append(vals, lag, tm, rtf)
		t.rows = append(t.rows, row{label: sys, vals: vals})
	}
	return t
}

// lowestSNR returns the grouping by target SNR of a set of mixtures, its
// lowest SNR's label and how many files have it; n is 0 for sets without
// target SNRs (the VoiceBank pairs are binned by measured SNR instead).
func (s *setResult) lowestSNR() (g grouping, label string, n int) {
	for _, g := range s.groupings {
		if g.title != snrGroupingTitle || len(g.labels) == 0 {
			continue
		}
		for _, f := range s.files {
			if g.of[f] == g.labels[0] {
				n++
			}
		}
		return g, g.labels[0], n
	}
	return grouping{}, "", 0
}

// metricTable is the mean of every metric per system over the files keep
// accepts.
func (s *setResult) metricTable(keep func(string) bool) *table {
	t := &table{corner: "system", cols: metricCols[:]}
	for _, sys := range s.systems {
		vals := make([]float64, metricCount)
		for m := range vals {
			vals[m] = s.meanOf(sys, m, keep)
		}
		t.rows = append(t.rows, row{label: sys, vals: vals})
	}
	return t
}

// grouped is one metric per system and group.
func (s *setResult) grouped(g grouping, m int) *table {
	t := &table{corner: "system"}
	for _, l := range g.labels {
		t.cols = append(t.cols, column{title: l, digits: metricCols[m].digits, best: 1})
	}
	for _, sys := range s.systems {
		vals := make([]float64, len(g.labels))
		for k, l := range g.labels {
			vals[k] = s.meanOf(sys, m, func(f string) bool { return g.of[f] == l })
		}
		t.rows = append(t.rows, row{label: sys, vals: vals})
	}
	return t
}

// meanOf averages metric m of a system over the files keep accepts (all
// when keep is nil).
func (s *setResult) meanOf(sys string, m int, keep func(string) bool) float64 {
	var xs []float64
	for _, f := range s.files {
		if keep != nil && !keep(f) {
			continue
		}
		if sc, ok := s.scores[sys][f]; ok {
			xs = append(xs, sc[m])
		}
	}
	return mean(xs)
}

// writePerFile writes a header line, then one tab-separated line per set,
// system and file, with the file's metrics in metricCols order (NaN where
// one failed), for looking past the means: which files a system wins or
// loses.
func (r *report) writePerFile(w io.Writer) {
	fmt.Fprint(w, "set\tsystem\tfile")
	for _, c := range metricCols {
		fmt.Fprintf(w, "\t%s", c.title)
	}
	fmt.Fprintln(w)
	for _, s := range r.sets {
		for _, sys := range s.systems {
			for _, f := range s.files {
				sc, ok := s.scores[sys][f]
				if !ok {
					continue
				}
				fmt.Fprintf(w, "%s\t%s\t%s", s.name, sys, f)
				for m, c := range metricCols {
					fmt.Fprintf(w, "\t%.*f", c.digits+2, sc[m])
				}
				fmt.Fprintln(w)
			}
		}
	}
}
