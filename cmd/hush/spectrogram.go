package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hushaudio/hush/internal/atomicfile"
	"github.com/hushaudio/hush/internal/spectrogram"
	"github.com/hushaudio/hush/internal/wav"
)

func init() {
	commands["spectrogram"] = command{
		summary: "draw a WAV file's spectrogram as a PNG picture",
		run: func(args []string, stdout, stderr io.Writer) int {
			return runSpectrogram(args, os.Stdin, stdout, stderr)
		},
	}
}

const spectrogramHelp = `Usage:
  hush spectrogram [flags] IN.wav -o OUT.png

Draws the spectrogram of a WAV file: time runs left to right, frequency
bottom to top, and the colour of each point is the sound level there, in dB
relative to full scale (the colour bar shows the scale). Speech shows as
stacks of horizontal stripes (the harmonics of the voice) that come and go
with the syllables; steady noise as an even haze behind them, hum as lines
that never stop, clicks as thin vertical lines. Channels are averaged. IN
may be - for standard input.

To see what "hush clean" removes, draw the input, output and gain mask in
one picture with "hush clean --plot OUT.png".

Examples:
  hush spectrogram interview.wav -o interview.png
  hush spectrogram --range 60 --width 1600 call.wav -o call.png

Flags:
  -o PATH
        the PNG file to write (required)
  --width PX, --height PX
        the picture size in pixels (default %[1]dx%[2]d)
  --range DB
        levels shown below the loudest point: quieter ones are black
        (default %[3]g)
  --force
        overwrite OUT.png if it exists
`

// Picture defaults, shared with "hush clean --plot".
const (
	plotWidth      = 1200
	plotPanelH     = 360 // height per panel [px]
	plotRangeDB    = 80
	plotFloorDB    = -150 // below anything a 24-bit file can hold
	plotMaxColumns = 2048
)

type spectrogramOptions struct {
	out           string
	width, height int
	rangeDB       float64
	force         bool
}

func runSpectrogram(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var opts spectrogramOptions
	flags := flag.NewFlagSet("spectrogram", flag.ContinueOnError)
	flags.SetOutput(io.Discard)
	flags.StringVar(&opts.out, "o", "", "")
	flags.IntVar(&opts.width, "width", plotWidth, "")
	flags.IntVar(&opts.height, "height", plotPanelH+40, "")
	flags.Float64Var(&opts.rangeDB, "range", plotRangeDB, "")
	flags.BoolVar(&opts.force, "force", false, "")
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "hush spectrogram: %s\nRun \"hush spectrogram --help\" for usage.\n", fmt.Sprintf(format, a...))
		return 2
	}
	pos, err := parseInterspersed(flags, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, spectrogramHelp, plotWidth, plotPanelH+40, float64(plotRangeDB))
		return 0
	}
	switch {
	case err != nil:
		return usageErr("%v", err)
	case len(pos) == 0:
		return usageErr("missing input: give one WAV file, or - for standard input")
	case len(pos) > 1:
		return usageErr("one input at a time, got %d: %s", len(pos), strings.Join(pos, " "))
	case opts.out == "":
		return usageErr("missing -o: name the PNG file to write")
	case opts.out == "-":
		return usageErr("-o -: a picture cannot go to standard output; name a .png file")
	case !(opts.rangeDB >= 10 && opts.rangeDB <= 150):
		return usageErr("--range %g: want 10 to 150 dB", opts.rangeDB)
	case opts.width < 300 || opts.width > 20000 || opts.height < 150 || opts.height > 20000:
		return usageErr("--width %d --height %d: want 300..20000 by 150..20000 pixels", opts.width, opts.height)
	}
	if err := spectrogramFile(pos[0], stdin, &opts); err != nil {
		fmt.Fprintf(stderr, "hush: %v\n", err)
		return 1
	}
	return 0
}

// parseInterspersed parses flags that may come before or after the
// positional arguments, and returns the positional ones.
func parseInterspersed(flags *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		rest := flags.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func spectrogramFile(in string, stdin io.Reader, opts *spectrogramOptions) error {
	var r io.Reader = stdin
	name := "standard input"
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return cleanFileErr(in, err)
		}
		defer f.Close()
		r, name = f, in
	}
	spec, err := spectrogramRead(r)
	if err != nil {
		return cleanFileErr(name, err)
	}
	title := "spectrogram of " + filepath.Base(name)
	if in == "-" {
		title = "spectrogram of standard input"
	}
	panel := levelPanel(title, spec, spec.MaxDB(plotFloorDB), opts.rangeDB)
	return writePlot(opts.out, opts.force, opts.width, opts.height, panel)
}

// spectrogramRead analyses a whole WAV stream, channels averaged.
func spectrogramRead(r io.Reader) (*spectrogram.Spectrogram, error) {
	wr, err := wav.NewReader(r)
	if err != nil {
		return nil, err
	}
	f := wr.Format()
	an, err := spectrogram.NewAnalyzer(f.SampleRate, plotMaxColumns)
	if err != nil {
		return nil, err
	}
	buf := make([]float32, cleanChunkFrames*f.Channels)
	mono := make([]float32, cleanChunkFrames)
	for {
		n, rerr := wr.ReadFloat32(buf)
		if n > 0 {
			an.Write(mixDown(mono, buf[:n], f.Channels))
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return nil, rerr
		}
	}
	spec := an.Spectrogram()
	if len(spec.Power) == 0 {
		return nil, fmt.Errorf("%w: %.3f s is too short for a picture", spectrogram.ErrEmpty, spec.Duration)
	}
	return spec, nil
}

// mixDown averages interleaved channels into dst and returns the used part.
func mixDown(dst, src []float32, channels int) []float32 {
	frames := len(src) / channels
	dst = dst[:frames]
	if channels == 1 {
		copy(dst, src)
		return dst
	}
	inv := 1 / float32(channels)
	for i := range dst {
		var s float32
		for _, v := range src[i*channels : (i+1)*channels] {
			s += v
		}
		dst[i] = s * inv
	}
	return dst
}

// levelPanel is a panel of levels in dBFS from topDB-rangeDB to topDB.
func levelPanel(title string, s *spectrogram.Spectrogram, topDB, rangeDB float64) spectrogram.Panel {
	// Round the top up to 10 dB so the colour bar ticks read well.
	top := 10*float64(int((topDB+1000)/10+0.999)) - 1000
	return spectrogram.Panel{
		Title:      title,
		Values:     s.DB(plotFloorDB),
		Duration:   float64(len(s.Power)) * s.ColumnTime,
		SampleRate: s.SampleRate,
		Min:        top - rangeDB,
		Max:        top,
		Unit:       "level [dBFS]",
	}
}

// writePlot renders panels into the PNG file path, atomically.
func writePlot(path string, force bool, width, height int, panels ...spectrogram.Panel) error {
	dst, err := atomicfile.Create(path, force)
	if errors.Is(err, atomicfile.ErrExists) {
		return cleanFileErr(path, errors.New("exists; use --force to overwrite it"))
	}
	if err != nil {
		return cleanFileErr(path, err)
	}
	defer dst.Abort()
	if err := spectrogram.Render(dst, width, height, panels...); err != nil {
		return cleanFileErr(path, err)
	}
	if err := dst.Commit(); err != nil {
		return cleanFileErr(path, err)
	}
	return nil
}
