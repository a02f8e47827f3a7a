// Command pcmpipe denoises raw 16-bit little-endian PCM from standard input
// to standard output: the shape of a SIP or telephony pipeline, where audio
// arrives as an io.Reader of PCM16LE bytes, and a handy filter between
// ffmpeg or sox and a player:
//
//	ffmpeg -i call.mp3 -f s16le -ac 1 -ar 8000 - |
//	    go run ./examples/pcmpipe -rate 8000 |
//	    ffplay -f s16le -ar 8000 -ch_layout mono -
//
// Any rate from 8 to 192 kHz and up to 64 interleaved channels work. The
// output is exactly as long as the input and aligned with it (the denoise
// Reader holds back its 20 ms of latency and appends the tail at the end).
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/hushaudio/hush/denoise"
)

func main() {
	rate := flag.Int("rate", 16000, "sample rate [Hz], 8000..192000")
	channels := flag.Int("channels", 1, "interleaved channels")
	strength := flag.Float64("max-attenuation", 0, "strength [dB]; 0 means the library default")
	modeName := flag.String("mode", denoise.ModeLearned.String(), "gain stage: learned or classic")
	flag.Parse()
	mode, err := denoise.ParseMode(*modeName)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pcmpipe:", err)
		os.Exit(2)
	}
	if err := run(os.Stdin, os.Stdout, denoise.Config{SampleRate: *rate, Channels: *channels, MaxAttenuation: *strength, Mode: mode}); err != nil {
		fmt.Fprintln(os.Stderr, "pcmpipe:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, cfg denoise.Config) error {
	r, err := denoise.NewReader(in, cfg)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	if _, err := io.Copy(w, r); err != nil {
		if errors.Is(err, denoise.ErrPartialFrame) {
			return fmt.Errorf("%w: is the input really %d-channel 16-bit PCM?", err, r.Denoiser().Config().Channels)
		}
		return err
	}
	return w.Flush()
}
