package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/hushaudio/hush/denoise"
	"github.com/hushaudio/hush/internal/atomicfile"
	"github.com/hushaudio/hush/internal/cli"
	"github.com/hushaudio/hush/internal/wav"
)

func init() {
	commands["clean"] = command{
		summary: "remove background noise from a WAV file or a folder of them",
		run: func(args []string, stdout, stderr io.Writer) int {
			ctx, stop := cli.SignalContext(context.Background())
			defer stop()
			return runClean(ctx, args, cleanIO{stdin: cleanInterruptibleStdin(ctx), stdout: stdout, stderr: stderr})
		},
	}
}

// cleanHelp is the text of "hush clean --help"; the verbs are filled from
// the denoise package's defaults, limits and latency.
const cleanHelp = `Usage:
  hush clean [flags] IN.wav -o OUT.wav
  hush clean [flags] DIR -o OUTDIR
  hush clean [flags] - -o -        (standard input to standard output)

Removes background noise (hiss, hum, fans, traffic, rain, crowd murmur)
from speech in WAV files, keeping the voice. Each channel is cleaned on its
own. The output keeps the input's sample rate, channel count and sample
format (16-bit stays 16-bit, float stays float, A-law stays A-law); sample
rates from %[2]d to %[3]d Hz are supported.

WAV files read and written: 8-bit unsigned and 16-, 24-, 32-bit PCM, 32-
and 64-bit float, and G.711 A-law and mu-law (telephone and call-centre
recordings), with plain or WAVE_FORMAT_EXTENSIBLE headers (the output keeps
the input's form), RIFF or RF64. An output over 4 GiB is written as RF64
(with a ds64 chunk), which sox, ffmpeg and hush read whole; on standard
output its length must be known in advance for that (an input file, not a
stream), otherwise the header says "until the end of the stream", which
ffmpeg and hush read to the end but sox stops reading at 4 GiB. -o must
name a WAV file: names of other audio formats (.mp3, .flac, ...) are
refused. A file that ends before its header says is cleaned as far as it
goes, with a warning that gives both lengths.

The denoiser works on short overlapping blocks, so its raw output comes %[4]v
late; clean compensates: the output has exactly as many samples as the
input and lines up with it sample for sample, so it can replace the
original in an editing timeline.

Given a folder, clean processes every .wav file in it (not subfolders) into
OUTDIR, created if needed, under the same names, several files at a time. A
file that cannot be read (a symbolic link to nothing included) is reported
and skipped; the others are still cleaned. An output folder that cannot be
written (read-only, disk full) stops the run with one message. Outputs are
written to a temporary file (.NAME.wav.NUMBER.hush-tmp) and renamed when
complete, so an error, Ctrl-C, SIGTERM or SIGHUP never leaves a partial file
behind; after an interruption, run again with --skip-existing to carry on.
A run killed outright (kill -9, a crash, a power cut) leaves its temporary
file; the next run into that folder removes it and says so (it never
touches a temporary file another hush run is still writing, nor any other
file).

Examples:
  hush clean interview.wav -o interview-clean.wav
  hush clean recordings/ -o cleaned/
  hush clean recordings/ -o cleaned/ --skip-existing    (resume)
  cat noisy.wav | hush clean - -o - > clean.wav
  hush clean --strength gentle podcast.wav -o podcast-clean.wav
  hush clean --max-attenuation 30 call.wav -o call-clean.wav
  hush clean --noise-from 0s:0.5s lecture.wav -o lecture-clean.wav
  hush clean --noise fan-only.wav take3.wav -o take3-clean.wav
  hush clean --plot what-changed.png interview.wav -o interview-clean.wav
  hush clean --json recordings/ -o cleaned/ > report.jsonl
  hush clean archive/ -o cleaned/ --shard 3/8 --skip-existing   (one of 8 machines)

Flags:
  -o PATH
        where to write: a file, a folder, or - for standard output (required)
  --strength gentle|balanced|aggressive
        how far noise may be turned down:
          gentle      12 dB, most natural, some background left
          balanced    the library default (%[1]d dB)
          aggressive  40 dB, quietest background, more risk of artifacts
  --max-attenuation DB
        the same as a number of decibels, for fine control; use either
        this or --strength
  --mode learned|classic
        how noise is told from speech (default %[5]v):
          learned  a small recurrent network trained on speech and many
                   kinds of noise; best on babble, clatter and other noise
                   that changes, and on speech at low SNR
          classic  spectral gating from a running noise estimate; no
                   trained parts, about half the CPU, best suited to
                   steady noise
  --force
        overwrite outputs that already exist (the input is never
        overwritten)
  --skip-existing
        leave outputs that already exist alone and clean the rest
  --jobs N
        files cleaned at the same time in folder mode (default: the number
        of CPU cores)
  --quiet
        print nothing but errors and warnings; no progress display (it is
        drawn only when standard error is a terminal: a bar for files, the
        bytes and seconds of audio read and the time taken for standard
        input)
  --shard K/N
        clean only the K-th of N shares of a folder's files (K from 1 to
        N): the files sorted by name are dealt out in turn, so N runs with
        1/N .. N/N clean every file exactly once, on any machines that see
        the same folder. Combine with --skip-existing to retry a shard; see
        docs/batch.md for Kubernetes and Slurm

Noise profile (for steady noise: fans, hum, hiss, air conditioning, rain):
by default hush learns the noise as it goes, so the first second or so of
a recording is cleaned less well than the rest. If the recording has a
stretch with no speech, point hush at it and it starts with the noise
already known; it still keeps adapting afterwards.
  --noise-from START:END
        learn the noise from this part of the input itself, e.g. 0s:0.5s,
        0:500ms or 12.5:14 (plain numbers are seconds); it must lie inside
        the file (an END up to 1ms past the end counts as the end) and last
        at least 20ms. From standard input only ranges that start at 0
        work (they are held back, then cleaned as usual). With a folder,
        each file learns from its own range.
  --noise NOISE.wav
        learn the noise from a separate recording of the background alone,
        at the same sample rate as the input. A mono NOISE.wav serves every
        channel; otherwise it needs the input's channel count, and each
        channel learns from its own.

Reports and pictures:
  --json
        print figures for each file as one line of JSON on standard output
        (JSON Lines: in folder mode one line per cleaned file, as each
        finishes): input, output, sample_rate, channels, duration_s,
        processing_s, real_time_factor (processing time / duration),
        noise_level_dbfs (the denoiser's mean noise estimate; a full-scale
        square wave is 0 dBFS), removed_db (input power over output power),
        speech_fraction (share of 10 ms frames where speech is likely) and
        noise_profile, and warning for a file cut short. A file that fails
        gets a line too: input, output and error. With -o - the audio takes
        standard output, so the report goes to standard error instead.
  --plot OUT.png
        draw the input, the output and the gain the denoiser applied
        (time by frequency, in dB, on one colour scale for input and
        output) into a PNG picture: dark areas of the gain are what was
        removed. One file at a time; see also "hush spectrogram".

Exit status: 0 when everything was cleaned (warnings included), 1 when a
file failed, 2 for a usage error, 130 when interrupted (Ctrl-C, SIGTERM,
SIGHUP).
`

// cleanChunkFrames is how many frames are read, denoised and written at a
// time: large enough that per-call overhead vanishes, small enough that
// memory stays flat whatever the file length.
const cleanChunkFrames = 4096

// cleanProgressMinBytes is the input size from which a single file gets a
// progress bar: a shorter one is done before a bar would be worth reading.
const cleanProgressMinBytes = 8 << 20

// cleanIO is where the clean command reads and writes; tests supply their
// own standard input through it.
type cleanIO struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// cleanOptions holds the parsed flags.
type cleanOptions struct {
	out            string
	maxAttenuation float64      // [dB]; 0 means the library default
	mode           denoise.Mode // 0 means the library default
	jobs           int
	force          bool
	skipExisting   bool
	quiet          bool

	noiseFrom *cleanNoiseRange // --noise-from, nil when absent
	noisePath string           // --noise
	noise     *cleanNoise      // --noise, read by runClean
	plot      string           // --plot PNG path
	json      bool
	reports   *cleanReporter // set by runClean with --json
	shard     *cleanShard    // --shard, nil when absent
	status    *cli.Status    // progress and messages, set by runClean
}

// denoiserConfig is the one place where options become a denoise.Config.
func (o *cleanOptions) denoiserConfig(sampleRate int) denoise.Config {
	return denoise.Config{SampleRate: sampleRate, MaxAttenuation: o.maxAttenuation, Mode: o.mode}
}

// runClean runs the clean command and returns its exit code; ctx is
// cancelled on SIGINT/SIGTERM.
func runClean(ctx context.Context, args []string, cio cleanIO) int {
	opts, in, code, ok := cleanParseArgs(args, cio)
	if !ok {
		return code
	}
	status := cli.NewStatus(cio.stderr, cli.ShowProgress(cio.stderr, opts.quiet))
	opts.status = status
	if code, ok := cleanPrepareExtras(&opts, in, cio, status); !ok {
		return code
	}
	if in != "-" {
		fi, err := os.Stat(in)
		if err != nil {
			status.Printf("hush: %v", cleanFileErr(in, err))
			return 1
		}
		if fi.IsDir() {
			if opts.plot != "" {
				status.Printf("hush: --plot draws one file; %s is a folder: give one of its files", in)
				return 2
			}
			return cleanDir(ctx, in, &opts, status)
		}
	}
	if opts.shard != nil {
		status.Printf("hush: --shard shares out the files of a folder; %s is one file", in)
		return 2
	}
	skipped, err := cleanOne(ctx, in, &opts, cio, status)
	switch {
	case err != nil && ctx.Err() != nil:
		status.Printf("hush: interrupted; no output was written")
		return 130
	case err != nil:
		status.Printf("hush: %v", err)
		cleanReportFailure(&opts, cleanInputName(in), opts.out, err)
		return 1
	case skipped && !opts.quiet:
		status.Printf("hush: the output exists; skipped (--skip-existing)")
	}
	return 0
}

// cleanParseArgs parses the flags, which may come before or after the
// input path. When ok is false the caller returns code.
func cleanParseArgs(args []string, cio cleanIO) (opts cleanOptions, in string, code int, ok bool) {
	flags := flag.NewFlagSet("clean", flag.ContinueOnError)
	flags.SetOutput(io.Discard) // errors are reported below, in one line
	var strength string
	flags.StringVar(&opts.out, "o", "", "")
	flags.StringVar(&strength, "strength", "", "")
	flags.Float64Var(&opts.maxAttenuation, "max-attenuation", 0, "")
	var mode string
	flags.StringVar(&mode, "mode", "", "")
	flags.BoolVar(&opts.force, "force", false, "")
	flags.BoolVar(&opts.skipExisting, "skip-existing", false, "")
	flags.IntVar(&opts.jobs, "jobs", runtime.GOMAXPROCS(0), "")
	flags.BoolVar(&opts.quiet, "quiet", false, "")
	var noiseFrom string
	flags.StringVar(&noiseFrom, "noise-from", "", "")
	flags.StringVar(&opts.noisePath, "noise", "", "")
	flags.StringVar(&opts.plot, "plot", "", "")
	flags.BoolVar(&opts.json, "json", false, "")
	var shard string
	flags.StringVar(&shard, "shard", "", "")

	usageErr := func(format string, a ...any) (cleanOptions, string, int, bool) {
		fmt.Fprintf(cio.stderr, "hush clean: %s\nRun \"hush clean --help\" for usage.\n", fmt.Sprintf(format, a...))
		return opts, "", 2, false
	}
	// The flag package stops at the first argument that is not a flag;
	// parse again after each one so that "IN -o OUT" works as well as
	// "-o OUT IN".
	var pos []string
	for {
		err := flags.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			var latency any = "slightly"
			mode := denoise.ModeLearned
			if d, err := denoise.New(denoise.Config{}); err == nil {
				latency, mode = d.LatencyDuration(), d.Config().Mode
			}
			fmt.Fprintf(cio.stdout, cleanHelp, denoise.DefaultMaxAttenuation, denoise.MinSampleRate, denoise.MaxSampleRate, latency, mode)
			return opts, "", 0, false
		}
		if err != nil {
			return usageErr("%v", err)
		}
		rest := flags.Args()
		if len(rest) == 0 {
			break
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}

	set := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case len(pos) == 0:
		return usageErr("missing input: give a WAV file, a folder, or - for standard input")
	case len(pos) > 1:
		return usageErr("one input at a time (got %d: %s); to clean many files, put them in a folder", len(pos), strings.Join(pos, " "))
	case opts.out == "":
		return usageErr("missing -o: say where to write the cleaned audio (a file, a folder, or - for standard output)")
	case set["strength"] && set["max-attenuation"]:
		return usageErr("--strength and --max-attenuation both set the strength; use one of them")
	case opts.force && opts.skipExisting:
		return usageErr("--force and --skip-existing contradict each other; use one of them")
	case opts.jobs < 1:
		return usageErr("--jobs %d: want at least 1", opts.jobs)
	case set["max-attenuation"] && !(opts.maxAttenuation > 0 && opts.maxAttenuation <= denoise.MaxMaxAttenuation):
		return usageErr("--max-attenuation %g: want a number of dB above 0 and at most %d, such as 12 or 30",
			opts.maxAttenuation, denoise.MaxMaxAttenuation)
	}
	if set["strength"] {
		db, err := cli.ParseStrength(strength)
		if err != nil {
			return usageErr("%v", err)
		}
		opts.maxAttenuation = db
	}
	if set["mode"] {
		m, err := denoise.ParseMode(mode)
		if err != nil {
			return usageErr("--mode %q: want learned or classic", mode)
		}
		opts.mode = m
	}
	if msg := cleanCheckExtraFlags(&opts, set, noiseFrom); msg != "" {
		return usageErr("%s", msg)
	}
	if msg := cleanCheckBatchFlags(&opts, set, shard); msg != "" {
		return usageErr("%s", msg)
	}
	return opts, pos[0], 0, true
}

// cleanOne cleans one input (a file or "-") into opts.out (a file, a
// folder or "-").
func cleanOne(ctx context.Context, in string, opts *cleanOptions, cio cleanIO, status *cli.Status) (skipped bool, err error) {
	inName := in
	if in == "-" {
		inName = "standard input"
	}
	out := opts.out
	if out == "-" {
		if in != "-" {
			if fo := cli.StatOf(cio.stdout); fo != nil {
				if fi, err := os.Stat(in); err == nil && os.SameFile(fi, fo) {
					return false, cleanFileErr(in, fmt.Errorf("%w: standard output is redirected to it", cli.ErrSameFile))
				}
			}
		}
		r, closeIn, err := cleanOpenInput(in, cio)
		if err != nil {
			return false, err
		}
		defer closeIn()
		defer cleanStartProgress(in, status)()
		return false, cleanStream(ctx, status.Reader(r), cio.stdout, opts, inName, "standard output")
	}
	if fi, err := os.Stat(out); err == nil && fi.IsDir() {
		if in == "-" {
			return false, cleanFileErr(out, errors.New("is a folder; name the output file"))
		}
		out = filepath.Join(out, filepath.Base(in))
	}
	if in == "-" {
		if fi := cli.StatOf(cio.stdin); fi != nil {
			if fo, err := os.Stat(out); err == nil && os.SameFile(fi, fo) {
				return false, cleanFileErr(out, fmt.Errorf("%w: standard input comes from it; choose another output", cli.ErrSameFile))
			}
		}
	}
	defer cleanStartProgress(in, status)()
	if fi, err := os.Stat(out); err != nil || fi.Mode().IsRegular() { // not /dev/null or a FIFO
		cleanRemoveStale(filepath.Dir(out), filepath.Base(out), opts, status)
	}
	return cleanFile(ctx, in, out, opts, cio, status)
}

// cleanFile cleans in (a path or "-") into the file out, through a
// temporary file that is renamed only on success.
func cleanFile(ctx context.Context, in, out string, opts *cleanOptions, cio cleanIO, status *cli.Status) (skipped bool, err error) {
	inName := in
	if in == "-" {
		inName = "standard input"
	} else {
		same, err := cli.SameFile(in, out)
		if err != nil {
			return false, cleanFileErr(out, err)
		}
		if same {
			return false, cleanFileErr(out, fmt.Errorf("%w: choose another output (hush never overwrites its input)", cli.ErrSameFile))
		}
	}
	dst, err := atomicfile.Create(out, opts.force)
	switch {
	case errors.Is(err, atomicfile.ErrExists) && opts.skipExisting:
		return true, nil
	case errors.Is(err, atomicfile.ErrExists):
		return false, cleanFileErr(out, errors.New("output exists; use --force to overwrite it, or --skip-existing to keep it"))
	case err != nil:
		return false, cleanFileErr(out, err)
	}
	defer dst.Abort() // removes the temporary file unless committed

	r, closeIn, err := cleanOpenInput(in, cio)
	if err != nil {
		return false, err
	}
	defer closeIn()
	if err := cleanStream(ctx, status.Reader(r), dst, opts, inName, out); err != nil {
		return false, err
	}
	if err := dst.Commit(); err != nil {
		return false, cleanFileErr(out, err)
	}
	return false, nil
}

// cleanOpenInput opens a path, or returns standard input for "-".
func cleanOpenInput(in string, cio cleanIO) (r io.Reader, closeFn func(), err error) {
	if in == "-" {
		return cio.stdin, func() {}, nil
	}
	f, err := os.Open(in)
	if err != nil {
		return nil, nil, cleanFileErr(in, err)
	}
	return f, func() { _ = f.Close() }, nil
}

// cleanStream denoises the WAV stream in into out, chunk by chunk, so that
// memory use does not depend on the length. Errors name inName or outName,
// whichever side failed. It stops with ctx.Err() when ctx is cancelled.
func cleanStream(ctx context.Context, in io.Reader, out io.Writer, opts *cleanOptions, inName, outName string) error {
	r, err := wav.NewReader(in)
	if err != nil {
		return cleanFileErr(inName, err)
	}
	f := r.Format()
	ch, err := newCleanChannels(f, opts.denoiserConfig(f.SampleRate), cleanChunkFrames)
	if errors.Is(err, denoise.ErrSampleRate) {
		return cleanFileErr(inName, fmt.Errorf("%w; resample it first, e.g. ffmpeg -i IN.wav -ar %d OUT.wav",
			err, min(max(f.SampleRate, denoise.MinSampleRate), denoise.MaxSampleRate)))
	}
	if err != nil {
		return cleanFileErr(inName, err)
	}
	pending, err := cleanLearnNoise(ch, r, opts, inName, inName == "standard input")
	if err != nil {
		return err
	}
	if opts.json || opts.plot != "" {
		if ch.meter, err = newCleanMeter(f.Channels, f.SampleRate, cleanChunkFrames, opts.plot != ""); err != nil {
			return cleanFileErr(inName, err)
		}
	}
	if opts.status != nil {
		opts.status.SetBytesPerSecond(float64(f.SampleRate * f.BytesPerFrame()))
	}
	// The output is as long as the input: announcing the length lets a file
	// keep the plain 44-byte header and a pipe get RF64 past 4 GiB.
	w, err := wav.NewWriterFrames(out, f, r.Frames())
	if err != nil {
		return cleanFileErr(outName, err)
	}
	frames := 0
	for len(pending) > 0 { // input read ahead to learn the noise from
		n := min(len(pending), cleanChunkFrames*f.Channels)
		frames += n / f.Channels
		if err := w.WriteFloat32(ch.process(pending[:n])); err != nil {
			return cleanFileErr(outName, err)
		}
		pending = pending[n:]
	}
	buf := make([]float32, cleanChunkFrames*f.Channels)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := r.ReadFloat32(buf)
		if n > 0 {
			frames += n / f.Channels
			if err := w.WriteFloat32(ch.process(buf[:n])); err != nil {
				return cleanFileErr(outName, err)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return cleanFileErr(inName, rerr)
		}
	}
	if err := w.WriteFloat32(ch.flush()); err != nil {
		return cleanFileErr(outName, err)
	}
	if err := w.Close(); err != nil {
		return cleanFileErr(outName, err)
	}
	warning := cleanLengthWarning(r, frames, inName)
	if warning != "" && opts.status != nil {
		opts.status.Printf("hush: %s", warning)
	}
	return cleanFinishExtras(ch, opts, inName, outName, f.SampleRate, frames, warning)
}

// cleanChannels denoises interleaved audio with the library's
// multichannel Denoiser and removes its delay, so that output sample i
// belongs to input sample i and the output is as long as the input.
type cleanChannels struct {
	den      *denoise.Denoiser
	channels int
	buf      []float32   // interleaved output: max(chunk, latency) frames
	skip     int         // delayed frames still to drop from the front
	meter    *cleanMeter // measures for --json and --plot; nil without them
}

func newCleanChannels(f wav.Format, cfg denoise.Config, chunk int) (*cleanChannels, error) {
	cfg.Channels = f.Channels
	d, err := denoise.New(cfg)
	if err != nil {
		return nil, err
	}
	return &cleanChannels{
		den:      d,
		channels: f.Channels,
		buf:      make([]float32, max(chunk, d.Latency())*f.Channels), // Drain needs room for Latency() frames
		skip:     d.Latency(),
	}, nil
}

// process denoises interleaved samples (at most chunk frames) and returns
// the interleaved output that is ready, in a buffer reused by the next call.
func (c *cleanChannels) process(in []float32) []float32 {
	out := c.buf[:len(in)]
	if c.meter != nil {
		c.meter.input(in)
		c.meter.process(c.den, out, in)
	} else {
		c.den.Process(out, in)
	}
	return c.ready(len(in) / c.channels)
}

// flush returns the samples the Denoiser still holds, minus any delay not
// yet dropped (when the input was shorter than the latency).
func (c *cleanChannels) flush() []float32 {
	return c.ready(c.den.Drain(c.buf) / c.channels)
}

// ready drops what remains of the delay from the front of the first frames
// frames of the output buffer and returns the rest.
func (c *cleanChannels) ready(frames int) []float32 {
	drop := min(c.skip, frames)
	c.skip -= drop
	out := c.buf[drop*c.channels : frames*c.channels]
	if c.meter != nil {
		c.meter.output(out)
	}
	return out
}

// cleanDir cleans every .wav file in dir into the folder opts.out with
// opts.jobs files at a time, and returns the exit code.
func cleanDir(ctx context.Context, dir string, opts *cleanOptions, status *cli.Status) int {
	outDir := opts.out
	if outDir == "-" {
		status.Printf("hush: %s is a folder: its files cannot all go to standard output; give -o OUTDIR", dir)
		return 2
	}
	same, err := cli.SameFile(dir, outDir)
	if err != nil {
		status.Printf("hush: %v", cleanFileErr(outDir, err))
		return 1
	}
	if same {
		status.Printf("hush: %s: output folder is the input folder; choose another (hush never overwrites its input)", outDir)
		return 1
	}
	if fi, err := os.Stat(outDir); err == nil && !fi.IsDir() {
		status.Printf("hush: %s: the input is a folder, so the output must be a folder, but this is a file", outDir)
		return 1
	}
	inputs, err := cleanListWAVs(dir)
	if err != nil {
		status.Printf("hush: %v", cleanFileErr(dir, err))
		return 1
	}
	if len(inputs) == 0 {
		status.Printf("hush: %s: no .wav files in this folder", dir)
		return 1
	}
	all := len(inputs)
	if opts.shard != nil {
		inputs = opts.shard.take(inputs)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		status.Printf("hush: %v", cleanFileErr(outDir, err))
		return 1
	}
	if err := cleanProbeOutputDir(outDir); err != nil {
		status.Printf("hush: %s: cannot write into the output folder: %v", outDir, errors.Unwrap(err))
		return 1
	}
	cleanRemoveStale(outDir, "", opts, status)

	var total int64
	for _, in := range inputs {
		total += in.size
	}
	status.StartBytes(total, fmt.Sprintf("cleaning %d files", len(inputs)))
	// A folder that cannot take any more output (disk full, read-only)
	// stops the whole run, reported once by cleanSummary.
	dirCtx, stopDir := context.WithCancelCause(ctx)
	defer stopDir(nil)
	results := make([]cleanResult, len(inputs)) // each worker writes only its own entries
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.jobs, len(inputs)) {
		wg.Go(func() {
			for i := range next {
				in, out := filepath.Join(dir, inputs[i].name), filepath.Join(outDir, inputs[i].name)
				skipped, err := cleanFile(dirCtx, in, out, opts, cleanIO{}, status)
				results[i] = cleanResult{done: true, skipped: skipped, err: err}
				switch {
				case skipped:
					status.Add(inputs[i].size)
				case err != nil && cleanOutputUnusable(err, out):
					results[i].unusable = true
					stopDir(err)
					cleanReportFailure(opts, in, out, err)
				case err != nil && dirCtx.Err() == nil:
					status.Printf("hush: %v", err)
					cleanReportFailure(opts, in, out, err)
				}
			}
		})
	}
feed:
	for i, in := range inputs {
		if in.err != nil { // not a file that can be opened: reported, not cleaned
			results[i] = cleanResult{done: true, err: in.err}
			status.Printf("hush: %v", in.err)
			cleanReportFailure(opts, filepath.Join(dir, in.name), filepath.Join(outDir, in.name), in.err)
			continue
		}
		select {
		case next <- i:
		case <-dirCtx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	status.Finish()
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = in.name
	}
	return cleanSummary(ctx, names, results, outDir, opts, status, all)
}

// cleanResult is what happened to one file of a folder.
type cleanResult struct {
	done     bool // false for files never started because of an interruption
	skipped  bool
	unusable bool // failed because the output folder cannot be written
	err      error
}

// cleanSummary reports a folder run and returns its exit code; all is the
// number of files in the folder, of which names are this run's share.
func cleanSummary(ctx context.Context, names []string, results []cleanResult, outDir string, opts *cleanOptions, status *cli.Status, all int) int {
	var cleaned, skipped int
	var failed []string
	var unusable error
	for i, r := range results {
		switch {
		case !r.done:
		case r.skipped:
			skipped++
		case r.err == nil:
			cleaned++
		case r.unusable:
			if unusable == nil {
				unusable = r.err
			}
		case !errors.Is(r.err, context.Canceled):
			failed = append(failed, names[i])
		}
	}
	if ctx.Err() != nil {
		status.Printf("hush: interrupted after cleaning %d of %d files; unfinished outputs were removed. "+
			"Run the same command with --skip-existing to carry on.", cleaned, len(names))
		return 130
	}
	if unusable != nil {
		var fe *cleanFileError
		reason := unusable
		if errors.As(unusable, &fe) {
			reason = fe.err
		}
		status.Printf("hush: %s: cannot write into the output folder (%v); stopped after cleaning %d of %d files. "+
			"Make room or choose another folder, then run the same command with --skip-existing to carry on.",
			outDir, cleanErrnoText(reason), cleaned, len(names))
		return 1
	}
	msg := fmt.Sprintf("cleaned %d of %d files into %s", cleaned, len(names), outDir)
	if opts.shard != nil {
		msg = fmt.Sprintf("shard %v: cleaned %d of its %d files (of %d in the folder) into %s", opts.shard, cleaned, len(names), all, outDir)
	}
	if skipped > 0 {
		msg += fmt.Sprintf("; skipped %d whose output exists", skipped)
	}
	if len(failed) > 0 {
		status.Printf("hush: %s; %d failed: %s", msg, len(failed), strings.Join(failed, ", "))
		return 1
	}
	if !opts.quiet {
		status.Printf("hush: %s", msg)
	}
	return 0
}

// cleanFileError ties an error to the file the user named, so that every
// message reads "FILE: reason" with no temporary path in it.
type cleanFileError struct {
	path string
	err  error
}

func cleanFileErr(path string, err error) error {
	var fe *cleanFileError
	if errors.As(err, &fe) {
		return err // already names its file
	}
	return &cleanFileError{path: path, err: err}
}

func (e *cleanFileError) Error() string {
	msg := e.err.Error()
	// os errors repeat the path, which may be a temporary file's; the
	// message already starts with the name the user knows.
	var pe *fs.PathError
	if errors.As(e.err, &pe) {
		op := pe.Op + ": "
		if pe.Op == "open" || pe.Op == "stat" || pe.Op == "lstat" {
			op = "" // "no such file or directory" says it all
		}
		msg = strings.Replace(msg, pe.Op+" "+pe.Path+": ", op, 1)
	}
	var le *os.LinkError
	if errors.As(e.err, &le) {
		msg = strings.Replace(msg, le.Op+" "+le.Old+" "+le.New+": ", le.Op+": ", 1)
	}
	return e.path + ": " + msg
}

func (e *cleanFileError) Unwrap() error { return e.err }
