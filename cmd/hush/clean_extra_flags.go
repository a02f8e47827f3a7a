package main

import (
	"fmt"
	"os"

	"github.com/hushaudio/hush/internal/cli"
)

// The glue between clean's core and its optional features: the noise
// profile (--noise-from, --noise), reports (--json) and pictures (--plot).

// cleanCheckExtraFlags validates the optional features' flags and returns
// a usage message, or "" when they are fine.
func cleanCheckExtraFlags(opts *cleanOptions, set map[string]bool, noiseFrom string) string {
	if set["noise-from"] && set["noise"] {
		return "--noise-from and --noise both give the noise profile; use one of them"
	}
	if set["noise-from"] {
		rng, err := cleanParseNoiseRange(noiseFrom)
		if err != nil {
			return err.Error()
		}
		opts.noiseFrom = &rng
	}
	if set["noise"] && opts.noisePath == "" {
		return "--noise: name a WAV file that holds only the background noise"
	}
	if set["plot"] {
		switch {
		case opts.plot == "" || opts.plot == "-":
			return "--plot: name the PNG file to draw into"
		case opts.plot == opts.out:
			return "--plot and -o name the same file; the picture needs its own, such as clean.png"
		}
	}
	return ""
}

// cleanPrepareExtras reads the --noise file and decides where --json
// reports go, before any input is touched; when ok is false the caller
// returns code.
func cleanPrepareExtras(opts *cleanOptions, in string, cio cleanIO, status *cli.Status) (code int, ok bool) {
	if opts.json {
		// With the audio on standard output, reports go to standard error
		// so that they cannot corrupt the WAV stream.
		w := cio.stdout
		if opts.out == "-" {
			w = cio.stderr
		}
		opts.reports = &cleanReporter{w: w}
	}
	if opts.plot != "" && !opts.force {
		if _, err := os.Stat(opts.plot); err == nil {
			status.Printf("hush: %s: exists; use --force to overwrite it (and the audio output)", opts.plot)
			return 1, false
		}
	}
	if opts.plot != "" && in != "-" {
		if same, err := cli.SameFile(in, opts.plot); err == nil && same {
			status.Printf("hush: --plot %s is the input; choose another file for the picture", opts.plot)
			return 2, false
		}
	}
	if opts.noisePath != "" {
		n, err := cleanLoadNoise(opts.noisePath)
		if err != nil {
			status.Printf("hush: --noise %v", err)
			return 1, false
		}
		opts.noise = n
	}
	return 0, true
}

// cleanFinishExtras writes the report and the picture of a cleaned stream;
// warning (a file cut short) goes into the report.
func cleanFinishExtras(ch *cleanChannels, opts *cleanOptions, inName, outName string, rate, frames int, warning string) error {
	if ch.meter == nil {
		return nil
	}
	if opts.reports != nil {
		rep := ch.meter.report(opts, inName, outName, rate, frames)
		rep.Warning = warning
		if err := opts.reports.write(rep); err != nil {
			return fmt.Errorf("writing the --json report: %w", err)
		}
	}
	if opts.plot != "" {
		return ch.meter.plot(opts.plot, opts.force, inName, ch.den.Config().MaxAttenuation)
	}
	return nil
}
