// Command hushvad prints hush's speech probability (denoise's
// SpeechProbability, default mode) for every 10 ms frame of a WAV file,
// one value per line, aligned with the input frames (see prob.go); with
// two folders it writes IN_DIR/NAME.wav's values to OUT_DIR/NAME.vad for
// every file, as bench/run does. See bench/README.md.
//
// Usage:
//
//	hushvad FILE.wav
//	hushvad [--jobs N] IN_DIR OUT_DIR
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/hushaudio/hush/internal/wav"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hushvad", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jobs := fs.Int("jobs", runtime.NumCPU(), "files processed at once")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	switch fs.NArg() {
	case 1:
		probs, err := fileProbabilities(fs.Arg(0))
		if err != nil {
			fmt.Fprintln(stderr, "hushvad:", err)
			return 1
		}
		if _, err := io.WriteString(stdout, format(probs)); err != nil {
			fmt.Fprintln(stderr, "hushvad:", err)
			return 1
		}
		return 0
	case 2:
		if err := runDir(fs.Arg(0), fs.Arg(1), max(1, *jobs)); err != nil {
			fmt.Fprintln(stderr, "hushvad:", err)
			return 1
		}
		return 0
	}
	fmt.Fprintln(stderr, "usage: hushvad FILE.wav | hushvad [--jobs N] IN_DIR OUT_DIR")
	return 2
}

// fileProbabilities reads a mono WAV file and returns its probabilities.
func fileProbabilities(path string) ([]float32, error) {
	x, f, err := wav.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if f.Channels != 1 {
		return nil, fmt.Errorf("%s: %d channels, want mono", path, f.Channels)
	}
	probs, err := speechProbabilities(x, f.SampleRate)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return probs, nil
}

// format writes one value per line.
func format(probs []float32) string {
	var b strings.Builder
	for _, p := range probs {
		b.WriteString(strconv.FormatFloat(float64(p), 'f', 4, 32))
		b.WriteByte('\n')
	}
	return b.String()
}

// runDir writes OUT/NAME.vad for every IN/NAME.wav, jobs files at once.
func runDir(in, out string, jobs int) error {
	names, err := filepath.Glob(filepath.Join(in, "*.wav"))
	if err != nil || len(names) == 0 {
		return fmt.Errorf("no .wav files in %s", in)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	next := make(chan string)
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range min(jobs, len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range next {
				err := writeProbabilities(name, filepath.Join(out, strings.TrimSuffix(filepath.Base(name), ".wav")+".vad"))
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for _, n := range names {
		next <- n
	}
	close(next)
	wg.Wait()
	return errors.Join(errs...)
}

func writeProbabilities(in, out string) error {
	probs, err := fileProbabilities(in)
	if err != nil {
		return err
	}
	return os.WriteFile(out, []byte(format(probs)), 0o644)
}
