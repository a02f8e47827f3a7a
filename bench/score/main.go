// Command score measures the outputs of a bench run against the clean
// references with internal/metrics (SI-SDR, segmental SNR, STOI, ESTOI),
// scores them with DNSMOS P.835 (SIG, BAK, OVRL; see dnsmos.go) and
// writes a markdown report. bench/run calls it; see bench/README.md.
//
// Usage:
//
//	go run ./bench/score --work DIR [--sets vbd,mix] [-o bench/RESULTS.md] [--per-file FILE.tsv] [--command TEXT] [--no-dnsmos]
//	go run ./bench/score lag REF.wav EST.wav   (print the delay of EST against REF)
//
// The work folder holds, for each set S: sets/S/clean/*.wav and
// sets/S/noisy/*.wav (same names; sets/S/manifest.tsv from hush mix, if
// any, groups results by SNR and noise type), out/S/SYSTEM/*.wav (each
// system's outputs for the noisy files), pass/S/SYSTEM/*.wav (its outputs
// for the clean files), plus times.tsv ("set system seconds" per line) and
// systems.tsv ("system description") written by bench/run.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hushaudio/hush/bench/internal/lag"
	"github.com/hushaudio/hush/internal/wav"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// config holds the command line.
type config struct {
	work       string
	sets       []string
	out        string
	perFile    string // optional TSV of every file's scores
	command    string
	revision   string
	workers    int
	lagFiles   int // files per system checked for alignment
	maxLagMS   float64
	dnsmos     *dnsmosSetup // nil: no DNSMOS
	dnsmosOnly []string     // if any, DNSMOS for these systems alone (see dnsmosWanted)
	statusLine io.Writer
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "lag" {
		return runLag(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("score", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	sets := "vbd,mix"
	fs.StringVar(&cfg.work, "work", "", "bench work folder `DIR`")
	fs.StringVar(&sets, "sets", sets, "comma-separated sets to score (folders under DIR/sets)")
	fs.StringVar(&cfg.out, "o", "bench/RESULTS.md", "markdown report `FILE`")
	fs.StringVar(&cfg.perFile, "per-file", "", "also write every file's scores, one line per set, system and file, to `TSV`")
	fs.StringVar(&cfg.command, "command", "", "command line recorded at the top of the report")
	fs.StringVar(&cfg.revision, "revision", "", "code revision recorded at the top of the report")
	fs.IntVar(&cfg.workers, "workers", runtime.NumCPU(), "files scored at once")
	fs.IntVar(&cfg.lagFiles, "lag-files", 4, "files per system and set checked for alignment")
	fs.Float64Var(&cfg.maxLagMS, "max-lag-ms", 40, "largest misalignment searched [ms]")
	dns := dnsmosSetup{}
	noDNSMOS := false
	fs.StringVar(&dns.nodeDir, "dnsmos-node", "bench/node", "`DIR` of dnsmos.mjs, with onnxruntime-node installed in its node_modules")
	fs.StringVar(&dns.model, "dnsmos-model", dnsmosModelRel, "DNSMOS P.835 model `FILE` (sig_bak_ovr.onnx)")
	fs.BoolVar(&noDNSMOS, "no-dnsmos", false, "skip DNSMOS (its columns show dashes)")
	only := ""
	fs.StringVar(&only, "dnsmos-systems", "", "DNSMOS for these systems alone, comma-separated: `SYSTEM` (every set), SET/SYSTEM or SET/* (every system of SET); default all")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if cfg.work == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "score: --work DIR is required and takes no arguments")
		return 2
	}
	for _, s := range strings.Split(sets, ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.sets = append(cfg.sets, s)
		}
	}
	if !noDNSMOS {
		cfg.dnsmos = &dns
	}
	for _, s := range strings.Split(only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			cfg.dnsmosOnly = append(cfg.dnsmosOnly, s)
		}
	}
	cfg.statusLine = stderr
	start := time.Now()
	rep, err := scoreAll(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "score: %v\n", err)
		return 1
	}
	rep.scoreTime = time.Since(start)
	for _, w := range rep.warnings {
		fmt.Fprintln(stderr, "score: warning:", w)
	}
	var b strings.Builder
	if err := rep.write(&b); err != nil {
		fmt.Fprintf(stderr, "score: %v\n", err)
		return 1
	}
	if err := writeFileAtomic(cfg.out, []byte(b.String())); err != nil {
		fmt.Fprintf(stderr, "score: %v\n", err)
		return 1
	}
	if cfg.perFile != "" {
		var t strings.Builder
		rep.writePerFile(&t)
		if err := writeFileAtomic(cfg.perFile, []byte(t.String())); err != nil {
			fmt.Fprintf(stderr, "score: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "score: wrote %s (%d files scored in %.0fs)\n", cfg.out, rep.scored, rep.scoreTime.Seconds())
	return 0
}

// runLag prints the delay of one file against another.
func runLag(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lag", flag.ContinueOnError)
	fs.SetOutput(stderr)
	maxMS := fs.Float64("max-ms", 60, "largest delay searched [ms]")
	if err := fs.Parse(args); err != nil || fs.NArg() != 2 {
		fmt.Fprintln(stderr, "usage: score lag [--max-ms MS] REF.wav EST.wav")
		return 2
	}
	ref, f, err := readMono(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "score:", err)
		return 1
	}
	est, g, err := readMono(fs.Arg(1))
	if err != nil {
		fmt.Fprintln(stderr, "score:", err)
		return 1
	}
	if f.SampleRate != g.SampleRate {
		fmt.Fprintf(stderr, "score: rates differ: %d and %d Hz\n", f.SampleRate, g.SampleRate)
		return 1
	}
	lag, corr := lag.Best(ref, est, int(*maxMS*float64(f.SampleRate)/1000))
	fmt.Fprintf(stdout, "lag %d samples (%.2f ms), correlation %.3f, lengths %d and %d\n",
		lag, 1000*float64(lag)/float64(f.SampleRate), corr, len(ref), len(est))
	return 0
}

// readMono reads a mono WAV file; other channel counts are an error, as no
// bench output should have them.
func readMono(path string) ([]float32, wav.Format, error) {
	x, f, err := wav.ReadFile(path)
	if err != nil {
		return nil, f, err
	}
	if f.Channels != 1 {
		return nil, f, fmt.Errorf("%s: %d channels, want mono", path, f.Channels)
	}
	return x, f, nil
}

// readTable reads a tab-separated file into rows of fields; a missing file
// is no error.
func readTable(path string) ([][]string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			rows = append(rows, strings.Split(line, "\t"))
		}
	}
	return rows, sc.Err()
}

// readTimes reads times.tsv: set, system, seconds.
func readTimes(path string) (map[[2]string]float64, error) {
	rows, err := readTable(path)
	if err != nil {
		return nil, err
	}
	times := map[[2]string]float64{}
	for _, r := range rows {
		if len(r) != 3 {
			continue
		}
		if v, err := strconv.ParseFloat(r[2], 64); err == nil {
			times[[2]string{r[0], r[1]}] = v
		}
	}
	return times, nil
}

// listSystems returns the subfolders of dir in report order: hush first,
// then the peers alphabetically.
func listSystems(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Slice(out, func(a, b int) bool { return systemLess(out[a], out[b]) })
	return out, nil
}

// systemLess orders "hush" before its variants before the peers.
func systemLess(a, b string) bool {
	rank := func(s string) int {
		switch {
		case s == "hush":
			return 0
		case strings.HasPrefix(s, "hush"):
			return 1
		}
		return 2
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra < rb
	}
	return a < b
}

// writeFileAtomic writes data to a temporary file beside path, then renames.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".score-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
