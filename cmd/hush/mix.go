package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/hushaudio/hush/internal/mix"
)

func init() {
	commands["mix"] = command{
		summary: "make reproducible noisy-speech test sets at chosen SNRs",
		run:     runMix,
	}
}

func runMix(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		opts   mix.Options
		snrs   = "0,5,10,15"
		minSec float64
		lead   float64
		quiet  bool
	)
	fs.StringVar(&opts.SpeechDir, "speech", "", "folder of clean speech `DIR` (searched recursively for *.wav)")
	fs.StringVar(&opts.NoiseDir, "noise", "", "folder of noise recordings `DIR` (searched recursively for *.wav)")
	fs.StringVar(&opts.OutDir, "o", "", "output folder `DIR`: clean/, noisy/, noise/ and manifest.tsv")
	fs.StringVar(&snrs, "snr", snrs, "comma-separated target SNRs `DB` (active speech level over noise power)")
	fs.Uint64Var(&opts.Seed, "seed", 1, "random seed `N`; the same seed and inputs give byte-identical output")
	fs.IntVar(&opts.Count, "count", 0, "number of mixtures `N` (0: one per noise file and SNR)")
	fs.Float64Var(&minSec, "min-seconds", 0, "skip speech files shorter than `S` seconds")
	fs.Float64Var(&lead, "lead-seconds", 0, "silence of `S` seconds put before each utterance, so mixtures start with noise alone")
	fs.BoolVar(&opts.Force, "force", false, "write into an output folder that already holds a set")
	fs.BoolVar(&quiet, "quiet", false, "print nothing on success")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: hush mix --speech DIR --noise DIR -o DIR [--snr 0,5,10,15] [--seed N] [--count N] [--lead-seconds S]

Adds noise to clean speech at the given SNRs. Mixture i uses the i-th SNR
(cycling) and the noise files in turn, with a random speech file (each used
once before any repeats) and a random noise offset; the noise is looped or
cut to the speech length. The SNR is the active speech level (ITU-T P.56
method B) over the mean noise power. Mixtures that would peak above 0.99
are scaled down together with their clean and noise files (manifest "gain").
All inputs must share one sample rate. Outputs are 16-bit mono WAV.

Flags:
`)
		printFlags(stderr, fs)
	}
	if code, ok := parseNoArgs(fs, args, "mix", stderr); !ok {
		return code
	}
	if opts.SpeechDir == "" || opts.NoiseDir == "" || opts.OutDir == "" {
		fmt.Fprintln(stderr, "hush mix: --speech, --noise and -o are required")
		return 2
	}
	var err error
	if opts.SNRs, err = parseSNRs(snrs); err != nil {
		fmt.Fprintf(stderr, "hush mix: --snr: %v\n", err)
		return 2
	}
	opts.MinSpeech = time.Duration(minSec * float64(time.Second))
	opts.Lead = time.Duration(lead * float64(time.Second))
	start := time.Now()
	entries, err := mix.Generate(opts)
	if err != nil {
		fmt.Fprintf(stderr, "hush mix: %s\n", mixMessage(err))
		return 1
	}
	if !quiet {
		scaled := 0
		for _, e := range entries {
			if e.Gain < 1 {
				scaled++
			}
		}
		fmt.Fprintf(stdout, "wrote %d mixtures to %s in %.1fs (%d scaled down to avoid clipping)\n",
			len(entries), opts.OutDir, time.Since(start).Seconds(), scaled)
	}
	return 0
}

// parseSNRs parses a comma-separated list of numbers such as "0,5,-2.5".
func parseSNRs(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", f)
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no SNR in %q", s)
	}
	return out, nil
}

// mixMessage is err's text without the "mix: " that the package's errors
// start with, which would repeat the "hush mix: " before it.
func mixMessage(err error) string {
	msg := err.Error()
	for _, e := range []error{mix.ErrNoFiles, mix.ErrSampleRate, mix.ErrSilent, mix.ErrOptions, mix.ErrOutput, mix.ErrManifest} {
		if errors.Is(err, e) {
			msg = strings.Replace(msg, e.Error(), strings.TrimPrefix(e.Error(), "mix: "), 1)
		}
	}
	return msg
}
