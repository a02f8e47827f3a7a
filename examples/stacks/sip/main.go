// Command sip denoises the audio of SIP calls with diago: one user agent
// answers and denoises what it hears, another calls and plays a recording.
//
//	go run ./sip answer -listen 127.0.0.1:5090 -out denoised.wav
//	go run ./sip call -to sip:hush@127.0.0.1:5090 -play ../../testdata/noisy_example.wav
//
// The callee decodes the call's G.711 (PCMU or PCMA, 8 kHz) to PCM16 with
// diago's decoder and reads it through denoise.NewReader. The caller
// resamples the recording to 8 kHz and plays it, with -denoise through a
// denoise.Writer in front of diago's encoder; it hangs up when done.
// sip_test.go runs the two over 127.0.0.1 and scores the result.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/sipgo/sip"

	"github.com/hushaudio/hush/examples/stacks/internal/clip"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch os.Args[1] {
	case "answer":
		err = runAnswer(ctx, os.Args[2:])
	case "call":
		err = runCall(ctx, os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: sip answer [-listen HOST:PORT] [-out FILE.wav] [-received FILE.wav] [-codec pcmu|pcma]\n       sip call [-to SIP-URI] [-play FILE.wav] [-codec pcmu|pcma] [-denoise]")
	os.Exit(2)
}

func logger(verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// runAnswer answers one call, denoises it and writes the result.
func runAnswer(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("answer", flag.ExitOnError)
	listen := fs.String("listen", "127.0.0.1:5090", "UDP `address` to listen on")
	out := fs.String("out", "denoised.wav", "WAV `file` for the denoised call")
	received := fs.String("received", "", "WAV `file` for the call as received, before the denoiser (optional)")
	codecName := fs.String("codec", "pcmu", "codec to accept: pcmu or pcma")
	verbose := fs.Bool("v", false, "log diago's debug messages")
	_ = fs.Parse(args)
	codec, err := codecByName(*codecName)
	if err != nil {
		return fmt.Errorf("-codec: %w", err)
	}
	host, port, err := splitHostPort(*listen)
	if err != nil {
		return fmt.Errorf("-listen %q: %w", *listen, err)
	}
	u, err := newUserAgent(host, port, codec, logger(*verbose))
	if err != nil {
		return err
	}
	defer u.Close()

	type result struct {
		c   *call
		err error
	}
	done := make(chan result, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	err = u.dg.ServeBackground(ctx, func(in *diago.DialogServerSession) {
		c, err := answer(in)
		select {
		case done <- result{c, err}:
		default: // a second call while the first is being written: ignored
		}
	})
	if err != nil {
		return fmt.Errorf("sip: listening on %s: %w", *listen, err)
	}
	fmt.Fprintf(os.Stderr, "waiting for a call on sip:hush@%s (%s)\n", *listen, codec.Name)
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return ctx.Err()
	}
	if r.c == nil {
		return r.err
	}
	c := r.c
	if err := clip.WriteMonoInt16(*out, clip.FromPCM16LE(c.Denoised), c.Rate); err != nil {
		return err
	}
	if *received != "" {
		if err := clip.WriteMonoInt16(*received, clip.FromPCM16LE(c.Received), c.Rate); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "%s at %d Hz: %.2f s denoised to %s\n", c.Codec, c.Rate,
		float64(len(c.Denoised)/2)/float64(c.Rate), *out)
	return r.err
}

// runCall calls, plays a recording and hangs up.
func runCall(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("call", flag.ExitOnError)
	to := fs.String("to", "sip:hush@127.0.0.1:5090", "SIP `URI` to call")
	playFile := fs.String("play", "../../testdata/noisy_example.wav", "WAV `file` to play (any rate; resampled to the codec's)")
	codecName := fs.String("codec", "pcmu", "codec to offer: pcmu or pcma")
	bind := fs.String("bind", "127.0.0.1", "`host` to send from")
	denoiseOut := fs.Bool("denoise", false, "denoise what it sends (a Writer in front of the encoder)")
	verbose := fs.Bool("v", false, "log diago's debug messages")
	_ = fs.Parse(args)
	codec, err := codecByName(*codecName)
	if err != nil {
		return fmt.Errorf("-codec: %w", err)
	}
	var uri sip.Uri
	if err := sip.ParseUri(*to, &uri); err != nil {
		return fmt.Errorf("-to %q: %w", *to, err)
	}
	x, err := clip.ReadMonoInt16(*playFile, int(codec.SampleRate))
	if err != nil {
		return err
	}
	u, err := newUserAgent(*bind, 0, codec, logger(*verbose))
	if err != nil {
		return err
	}
	defer u.Close()
	ctx, cancel := context.WithTimeout(ctx, time.Duration(len(x))*time.Second/time.Duration(codec.SampleRate)+30*time.Second)
	defer cancel()
	send := play
	if *denoiseOut {
		send = playDenoised
	}
	if err := dial(ctx, u, uri, clip.PCM16LE(x), send); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("%w: is anyone answering at %s?", err, *to)
		}
		return err
	}
	return nil
}
