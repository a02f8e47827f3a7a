// Command rnnwasm runs a WebAssembly build of RNNoise (bench/node, npm
// packages @jitsi/rnnoise-wasm and @shiguredo/rnnoise-wasm) over a folder
// of 48 kHz mono WAV files for bench/run: it measures the build's delay on
// a clean speech file, removes it, so that every output is aligned with
// its input and exactly as long, and writes the build's own voice activity
// value per 10 ms frame, aligned the same way. See bench/README.md.
//
// Usage:
//
//	rnnwasm --build jitsi|jitsi-2017|shiguredo --calibrate CLEAN48.wav [--vad DIR] [--jobs N] [--node-dir bench/node] IN_DIR OUT_DIR
//	rnnwasm --build ... --delay SAMPLES ...   (skip the measurement)
//	rnnwasm --build ... --calibrate CLEAN48.wav   (measure only: print the delay)
//
// It prints the delay it used. Outputs are 32-bit float WAV files of the
// same names; VAD files are DIR/NAME.vad, one value per line, line k for
// input samples [480k, 480k+480).
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/hushaudio/hush/bench/internal/nodeproc"
	"github.com/hushaudio/hush/internal/wav"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// rate is the only sample rate RNNoise runs at.
const rate = 48000

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rnnwasm", flag.ContinueOnError)
	fs.SetOutput(stderr)
	build := fs.String("build", "", "`BUILD`: jitsi (v0.2), jitsi-2017 or shiguredo (v0.2)")
	nodeDir := fs.String("node-dir", "bench/node", "`DIR` of rnnoise.mjs, with its npm packages installed")
	calibrate := fs.String("calibrate", "", "clean speech `WAV` (48 kHz mono) to measure the delay on")
	delay := fs.Int("delay", -1, "delay to remove [samples at 48 kHz] instead of measuring it")
	vadDir := fs.String("vad", "", "also write each file's VAD values to `DIR`/NAME.vad")
	jobs := fs.Int("jobs", runtime.NumCPU(), "files processed at once (one Node process each)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	measureOnly := fs.NArg() == 0 && *calibrate != "" && *delay < 0
	if *build == "" || (fs.NArg() != 2 && !measureOnly) || (*calibrate == "") == (*delay < 0) {
		fmt.Fprintln(stderr, "usage: rnnwasm --build BUILD (--calibrate CLEAN48.wav | --delay N) [--vad DIR] [--jobs N] IN_DIR OUT_DIR")
		fmt.Fprintln(stderr, "       rnnwasm --build BUILD --calibrate CLEAN48.wav   (prints the delay)")
		return 2
	}
	setup := nodeSetup{dir: *nodeDir, build: *build}
	if err := setup.check(); err != nil {
		fmt.Fprintln(stderr, "rnnwasm:", err)
		return 1
	}
	d := *delay
	if *calibrate != "" {
		speech, err := readMono48(*calibrate)
		if err != nil {
			fmt.Fprintln(stderr, "rnnwasm:", err)
			return 1
		}
		var corr float64
		err = withDenoiser(setup, func(den denoiser) error {
			var err error
			d, corr, err = measureDelay(den, speech)
			return err
		})
		if err != nil {
			fmt.Fprintf(stderr, "rnnwasm: %s: measuring the delay on %s: %v\n", *build, *calibrate, err)
			return 1
		}
		fmt.Fprintf(stderr, "rnnwasm: %s: delay %d samples (%.1f ms) measured on %s (correlation %.3f)\n",
			*build, d, 1000*float64(d)/rate, filepath.Base(*calibrate), corr)
		if measureOnly {
			fmt.Fprintln(stdout, d)
			return 0
		}
	}
	in, out := fs.Arg(0), fs.Arg(1)
	names, err := filepath.Glob(filepath.Join(in, "*.wav"))
	if err != nil || len(names) == 0 {
		fmt.Fprintf(stderr, "rnnwasm: no .wav files in %s\n", in)
		return 1
	}
	for _, dir := range []string{out, *vadDir} {
		if dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				fmt.Fprintln(stderr, "rnnwasm:", err)
				return 1
			}
		}
	}
	if err := processAll(setup, names, out, *vadDir, d, max(1, *jobs)); err != nil {
		fmt.Fprintln(stderr, "rnnwasm:", err)
		return 1
	}
	return 0
}

// processAll denoises every file, jobs at a time, each worker with a Node
// process of its own.
func processAll(setup nodeSetup, names []string, out, vadDir string, delay, jobs int) error {
	next := make(chan string)
	errs := make(chan error, jobs)
	var wg sync.WaitGroup
	for range min(jobs, len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- withDenoiser(setup, func(den denoiser) error {
				var first error
				for name := range next {
					if first != nil {
						continue // drain, so that the feeder never blocks
					}
					first = processFile(den, name, out, vadDir, delay)
				}
				return first
			})
		}()
	}
	for _, n := range names {
		next <- n
	}
	close(next)
	wg.Wait()
	close(errs)
	return errors.Join(collect(errs)...)
}

func collect(errs <-chan error) []error {
	var all []error
	for err := range errs {
		if err != nil {
			all = append(all, err)
		}
	}
	return all
}

// processFile denoises one file and writes its output and VAD values.
func processFile(den denoiser, name, out, vadDir string, delay int) error {
	x, err := readMono48(name)
	if err != nil {
		return err
	}
	y, vad, err := denoiseAligned(den, x, delay)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	base := filepath.Base(name)
	if err := wav.WriteFile(filepath.Join(out, base), y, wav.Format{SampleRate: rate, Channels: 1, Encoding: wav.Float, BitsPerSample: 32}); err != nil {
		return err
	}
	if vadDir == "" {
		return nil
	}
	var b strings.Builder
	for _, v := range vad {
		b.WriteString(strconv.FormatFloat(float64(v), 'f', 4, 32))
		b.WriteByte('\n')
	}
	return os.WriteFile(filepath.Join(vadDir, strings.TrimSuffix(base, ".wav")+".vad"), []byte(b.String()), 0o644)
}

// readMono48 reads a 48 kHz mono WAV file.
func readMono48(path string) ([]float32, error) {
	x, f, err := wav.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if f.Channels != 1 || f.SampleRate != rate {
		return nil, fmt.Errorf("%s: %v, want 48000 Hz mono (resample first)", path, f)
	}
	return x, nil
}

// nodeSetup says which build to run and where bench/node is.
type nodeSetup struct {
	dir, build string
}

// check reports what is missing to run the build, naming what to do.
func (s nodeSetup) check() error {
	switch s.build {
	case "jitsi", "jitsi-2017", "shiguredo":
	default:
		return fmt.Errorf("unknown build %q: want jitsi, jitsi-2017 or shiguredo", s.build)
	}
	pkg := "@jitsi/rnnoise-wasm"
	if s.build == "shiguredo" {
		pkg = "@shiguredo/rnnoise-wasm"
	}
	return nodeproc.Installed(s.dir, pkg)
}

// withDenoiser starts a Node process for the build, calls f with it and
// ends the process.
func withDenoiser(s nodeSetup, f func(denoiser) error) error {
	node, err := nodeproc.Start(s.build, filepath.Join(s.dir, "rnnoise.mjs"), s.build)
	if err != nil {
		return err
	}
	return node.End(f(&nodeDenoiser{in: node.In, out: node.Out}))
}

// nodeDenoiser talks to bench/node/rnnoise.mjs: per frame, a flag (1 at
// the first frame of a stream: fresh state) and 480 samples out; the VAD
// value and 480 samples back, float32 little-endian.
type nodeDenoiser struct {
	in  io.Writer
	out *bufio.Reader
}

const msgFloats = frameSize + 1

func (n *nodeDenoiser) stream(out, vad, in []float32) error {
	if len(in)%frameSize != 0 || len(out) != len(in) || len(vad) != len(in)/frameSize {
		panic(fmt.Sprintf("rnnwasm: stream of %d samples, %d outputs, %d VAD values", len(in), len(out), len(vad)))
	}
	// Write from another goroutine: the replies are as large as the
	// requests, and Node stops reading while its output is not read.
	werr := make(chan error, 1)
	go func() {
		w := bufio.NewWriterSize(n.in, 64<<10)
		var msg [4 * msgFloats]byte
		for k := range len(vad) {
			flag := float32(0)
			if k == 0 {
				flag = 1
			}
			binary.LittleEndian.PutUint32(msg[:], math.Float32bits(flag))
			for i, v := range in[k*frameSize : (k+1)*frameSize] {
				binary.LittleEndian.PutUint32(msg[4+4*i:], math.Float32bits(v*pcmScale))
			}
			if _, err := w.Write(msg[:]); err != nil {
				werr <- err
				return
			}
		}
		werr <- w.Flush()
	}()
	var msg [4 * msgFloats]byte
	for k := range vad {
		if _, err := io.ReadFull(n.out, msg[:]); err != nil {
			return errors.Join(err, <-werr)
		}
		vad[k] = math.Float32frombits(binary.LittleEndian.Uint32(msg[:]))
		for i := range frameSize {
			out[k*frameSize+i] = math.Float32frombits(binary.LittleEndian.Uint32(msg[4+4*i:])) / pcmScale
		}
	}
	return <-werr
}
