package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/hushaudio/hush/denoise"
	"github.com/hushaudio/hush/internal/cli"
	"github.com/hushaudio/hush/internal/live"
)

func init() {
	commands["live"] = command{
		summary: "denoise a microphone live, e.g. into a virtual mic for calls",
		run: func(args []string, stdout, stderr io.Writer) int {
			ctx, stop := cli.SignalContext(context.Background())
			defer stop()
			return runLive(ctx, args, liveIO{stdin: os.Stdin, stdout: stdout, stderr: stderr}, openLiveBackend)
		},
	}
}

// liveHelp is the text of "hush live --help".
const liveHelp = `Usage:
  hush live --list
  hush live [--virtual-mic] [--in DEVICE] [--out DEVICE] [--rate HZ] [--buffer MS] [--strength NAME] [--mode MODE]

Captures from a microphone, removes the background noise and plays the
result to an output device, live. For calls, run it with --virtual-mic and
choose "hush_clean" as the microphone in the call app; docs/live.md shows
the set-up by hand, and BlackHole (macOS) and VB-CABLE (Windows).

On Linux hush talks to PulseAudio or PipeWire's pulse server itself; a
build with the portaudio tag also has PortAudio (macOS, Windows, ALSA,
JACK). The denoiser adds %[1]v and a buffer %[2]v; the playback queue
and the devices come on top, and hush prints the whole delay it measures
about five seconds in, once the streams have settled. It runs at the
devices' own sample rate (%[3]d to %[4]d Hz); a stereo microphone is mixed
to mono and the denoised mono goes to every output channel.

While it runs, one status line shows the input and output levels, the
speech probability, how much noise is removed and the counts of overflows
and underflows (xruns); when stderr is not a terminal, a line is logged
every 5 s and at once after each overflow or underflow. Keys:
  b or space   bypass on/off, to hear the difference
  1 2 3        gentle, balanced, aggressive
  + -          one step stronger, gentler
  q or Ctrl-C  stop

Flags:
  --list
        list the input and output devices: index, name, host API, default
        rate, channels and description; the defaults are marked
  --virtual-mic
        play into a virtual microphone that hush makes (PulseAudio and
        PipeWire: a null sink "hush_mic" and the source "hush_clean" made
        from its monitor) and removes when it stops
  --in DEVICE, --out DEVICE
        the devices, by index or by part of the name or description
        (default: the system's default input and output)
  --backend pulse|portaudio
        the sound system (default: PulseAudio or PipeWire on Linux when one
        runs, else PortAudio where built in)
  --rate HZ
        the sample rate (default: the input device's own rate, else the
        output's, else 48000 or 44100)
  --buffer MS
        the audio buffer [ms] (default %[5]g); raise it if the status line
        counts xruns
  --strength gentle|balanced|aggressive
        how far noise may be turned down (12, %[6]d or 40 dB; default
        balanced)
  --max-attenuation DB
        the same as a number of decibels; use either this or --strength
  --mode learned|classic
        the learned stage (default %[7]v) or spectral gating alone, which
        costs about half the CPU; see "hush clean --help"

Exit status: 0 when stopped with q or Ctrl-C, 1 for a device error (none
found, unplugged, unsupported rate), 2 for a usage error.
`

// liveNoAudioHelp explains a build without audio device support.
const liveNoAudioHelp = `hush live: this build of hush has no audio device support here.
On Linux it talks to PulseAudio or PipeWire (pipewire-pulse) when one runs.
Elsewhere, live denoising needs the PortAudio library; install it and
build hush with the portaudio build tag:
  Debian, Ubuntu:  sudo apt-get install portaudio19-dev
  Fedora:          sudo dnf install portaudio-devel
  macOS:           brew install portaudio
  then:            go build -tags portaudio ./cmd/hush
`

// liveIO is where the live command reads keys and writes; tests supply
// their own.
type liveIO struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// liveOptions holds the parsed flags.
type liveOptions struct {
	list       bool
	backend    string
	virtualMic bool
	live.Options
}

// runLive runs the live command and returns its exit code; ctx is
// cancelled on SIGINT/SIGTERM. open opens the sound system that --backend
// names ("" for the default).
func runLive(ctx context.Context, args []string, lio liveIO, open func(backend string) (live.Backend, error)) int {
	opts, code, ok := liveParseArgs(args, lio)
	if !ok {
		return code
	}
	backend, err := open(opts.backend)
	if errors.Is(err, live.ErrNoAudioSupport) {
		fmt.Fprint(lio.stderr, liveNoAudioHelp)
		return 1
	}
	if err != nil {
		fmt.Fprintf(lio.stderr, "hush live: %v\n", err)
		return 1
	}
	closeBackend := true
	defer func() {
		if closeBackend {
			_ = backend.Close()
		}
	}()

	if opts.list {
		devs, err := backend.Devices()
		if err != nil {
			fmt.Fprintf(lio.stderr, "hush live: listing devices: %v\n", err)
			return 1
		}
		if len(devs) == 0 {
			fmt.Fprintln(lio.stderr, "hush live: the sound system lists no audio devices (no sound card, or no permission to use it)")
			return 1
		}
		if err := live.WriteDeviceList(lio.stdout, devs); err != nil {
			fmt.Fprintf(lio.stderr, "hush live: %v\n", err)
			return 1
		}
		return 0
	}

	if a, ok := backend.(interface{ DefaultAlias(string) bool }); ok {
		// ALSA's names for the sound server's default devices.
		if a.DefaultAlias(opts.Input) {
			opts.Input = ""
		}
		if a.DefaultAlias(opts.Output) {
			opts.Output = ""
		}
	}
	if opts.virtualMic {
		maker, ok := backend.(interface {
			AddVirtualMic() (*live.VirtualMic, error)
		})
		if !ok {
			fmt.Fprintln(lio.stderr, "hush live: --virtual-mic needs PulseAudio or PipeWire (--backend pulse); elsewhere make the device by hand, as docs/live.md shows")
			return 1
		}
		vm, err := maker.AddVirtualMic()
		if err != nil {
			fmt.Fprintf(lio.stderr, "hush live: %v\n", err)
			return 1
		}
		defer func() {
			if err := vm.Remove(); err != nil {
				fmt.Fprintf(lio.stderr, "hush live: removing the virtual microphone: %v; remove it with \"pactl unload-module\" and the module numbers above\n", err)
			}
		}()
		opts.Output = vm.Sink
		made := "made for this run, removed when hush stops"
		if len(vm.Modules) > 0 {
			made += fmt.Sprintf(" (modules %s)", joinUints(vm.Modules))
		} else {
			made = "there already, left as it is"
		}
		fmt.Fprintf(lio.stderr, "hush live: virtual microphone %q: choose it in the call app; %s\n", vm.Source, made)
	}

	s, err := live.Open(backend, opts.Options)
	if err != nil {
		fmt.Fprintf(lio.stderr, "hush live: %v\n", err)
		return 1
	}
	info := s.Info()
	fmt.Fprintf(lio.stderr, "hush live: %s (%s, %d ch) → %s (%s, %d ch) at %d Hz, %s\n",
		info.Input.Name, info.Input.HostAPI, info.InputChannels,
		info.Output.Name, info.Output.HostAPI, info.OutputChannels,
		info.SampleRate, live.StrengthName(s.Engine().Strength()))
	fmt.Fprintf(lio.stderr, "latency of the denoiser %s and a buffer %s of %d frames; the sound system reports %s in + %s out of its own\n",
		ms(info.DenoiserLatency), ms(info.BufferLatency), info.FramesPerBuffer,
		ms(info.DeviceInputLatency), ms(info.DeviceOutputLatency))
	fmt.Fprintln(lio.stderr, live.KeyHelp)

	console := live.Console{Keys: lio.stdin, Status: lio.stderr, Live: cli.IsTerminal(lio.stderr)}
	if f, ok := lio.stderr.(*os.File); ok && console.Live {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil {
			console.Width = w
		}
	}
	restore := func() {}
	if f, ok := lio.stdin.(*os.File); ok {
		r, _, err := live.RawTerminal(f)
		if err == nil {
			restore = r
		}
	}
	start := time.Now()
	runErr := s.Run(ctx, console)
	closeErr := s.Close()
	restore()
	if closeErr != nil {
		// A sound system that did not let go may not survive Terminate either.
		closeBackend = false
	}
	m := s.Engine().Meters()
	if runErr != nil {
		fmt.Fprintf(lio.stderr, "hush live: %v\n", runErr)
		return 1
	}
	if closeErr != nil {
		fmt.Fprintf(lio.stderr, "hush live: %v\n", closeErr)
		return 1
	}
	fmt.Fprintf(lio.stderr, "hush live: stopped after %s; %d input overflows, %d output underflows\n",
		time.Since(start).Round(100*time.Millisecond),
		m.Overflows, m.Underflows)
	return 0
}

// joinUints formats module numbers as "12 13".
func joinUints(v []uint32) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatUint(uint64(x), 10)
	}
	return strings.Join(s, " ")
}

// ms formats a duration in milliseconds with one decimal.
func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// liveParseArgs parses the flags. When ok is false the caller returns code.
func liveParseArgs(args []string, lio liveIO) (opts liveOptions, code int, ok bool) {
	flags := flag.NewFlagSet("live", flag.ContinueOnError)
	flags.SetOutput(io.Discard) // errors are reported below, in one line
	var strength string
	var bufferMS float64
	flags.BoolVar(&opts.list, "list", false, "")
	flags.StringVar(&opts.backend, "backend", "", "")
	flags.BoolVar(&opts.virtualMic, "virtual-mic", false, "")
	flags.StringVar(&opts.Input, "in", "", "")
	flags.StringVar(&opts.Output, "out", "", "")
	flags.IntVar(&opts.SampleRate, "rate", 0, "")
	flags.Float64Var(&bufferMS, "buffer", float64(live.DefaultBuffer)/float64(time.Millisecond), "")
	flags.StringVar(&strength, "strength", "", "")
	flags.Float64Var(&opts.MaxAttenuation, "max-attenuation", 0, "")
	var mode string
	flags.StringVar(&mode, "mode", "", "")

	usageErr := func(format string, a ...any) (liveOptions, int, bool) {
		fmt.Fprintf(lio.stderr, "hush live: %s\nRun \"hush live --help\" for usage.\n", fmt.Sprintf(format, a...))
		return opts, 2, false
	}
	err := flags.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		latency := "20ms"
		mode := denoise.ModeLearned
		if d, err := denoise.New(denoise.Config{}); err == nil {
			latency, mode = ms(d.LatencyDuration()), d.Config().Mode
		}
		fmt.Fprintf(lio.stdout, liveHelp, latency, ms(live.DefaultBuffer),
			live.MinSampleRate, live.MaxSampleRate, float64(live.DefaultBuffer)/float64(time.Millisecond),
			denoise.DefaultMaxAttenuation, mode)
		return opts, 0, false
	}
	if err != nil {
		return usageErr("%v", err)
	}
	if flags.NArg() > 0 {
		return usageErr("unexpected argument %q; name devices with --in and --out", flags.Arg(0))
	}
	set := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { set[f.Name] = true })
	minMS, maxMS := float64(live.MinBuffer)/float64(time.Millisecond), float64(live.MaxBuffer)/float64(time.Millisecond)
	switch {
	case set["strength"] && set["max-attenuation"]:
		return usageErr("--strength and --max-attenuation both set the strength; use one of them")
	case set["max-attenuation"] && !(opts.MaxAttenuation > 0 && opts.MaxAttenuation <= denoise.MaxMaxAttenuation):
		return usageErr("--max-attenuation %g: want a number of dB above 0 and at most %d, such as 12 or 30",
			opts.MaxAttenuation, denoise.MaxMaxAttenuation)
	case opts.backend != "" && opts.backend != "pulse" && opts.backend != "portaudio":
		return usageErr("--backend %q: want pulse or portaudio", opts.backend)
	case opts.virtualMic && opts.Output != "":
		return usageErr("--virtual-mic plays into its own device; leave out --out")
	case set["rate"] && (opts.SampleRate < live.MinSampleRate || opts.SampleRate > live.MaxSampleRate):
		return usageErr("--rate %d: want %d to %d Hz, such as 44100 or 48000", opts.SampleRate, live.MinSampleRate, live.MaxSampleRate)
	case math.IsNaN(bufferMS) || bufferMS < minMS || bufferMS > maxMS:
		return usageErr("--buffer %g: want %g to %g ms", bufferMS, minMS, maxMS)
	}
	opts.Buffer = time.Duration(bufferMS * float64(time.Millisecond))
	if set["mode"] {
		m, err := denoise.ParseMode(mode)
		if err != nil {
			return usageErr("--mode %q: want learned or classic", mode)
		}
		opts.Mode = m
	}
	if set["strength"] {
		db, err := cli.ParseStrength(strength)
		if err != nil {
			return usageErr("%v", err)
		}
		opts.MaxAttenuation = db
	}
	return opts, 0, true
}
