package live

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/hushaudio/hush/internal/cli"
)

// Action is what a key asks of a running session.
type Action int

// The actions keys map to.
const (
	ActionNone Action = iota
	ActionBypass
	ActionGentle
	ActionBalanced
	ActionAggressive
	ActionStronger
	ActionGentler
	ActionQuit
)

// KeyHelp is the one-line legend of the keys.
const KeyHelp = "keys: b or space = bypass on/off, 1/2/3 = gentle/balanced/aggressive, +/- = stronger/gentler, q or Ctrl-C = stop"

// KeyAction maps a key, as a raw terminal delivers it, to its action.
func KeyAction(key byte) Action {
	switch key {
	case 'b', 'B', ' ':
		return ActionBypass
	case '1', 'g', 'G':
		return ActionGentle
	case '2', 'm', 'M':
		return ActionBalanced
	case '3', 'a', 'A':
		return ActionAggressive
	case '+', '=':
		return ActionStronger
	case '-', '_':
		return ActionGentler
	case 'q', 'Q', 3, 4, 27: // Ctrl-C and Ctrl-D arrive as bytes in raw mode; Esc
		return ActionQuit
	}
	return ActionNone
}

// StrengthName describes a strength [dB]: "balanced (24 dB)", or "30 dB"
// for one between the named steps.
func StrengthName(db float64) string {
	for _, s := range cli.Strengths() {
		if s.DB == db {
			return fmt.Sprintf("%s (%g dB)", s.Name, db)
		}
	}
	return fmt.Sprintf("%g dB", db)
}

// nextStrength returns the named step above (or below) db, or db at the end.
func nextStrength(db float64, stronger bool) float64 {
	steps := cli.Strengths()
	if stronger {
		for _, s := range steps {
			if s.DB > db {
				return s.DB
			}
		}
		return db
	}
	for i := len(steps) - 1; i >= 0; i-- {
		if steps[i].DB < db {
			return steps[i].DB
		}
	}
	return db
}

// apply carries out a key's action on e; it reports whether to stop.
func apply(e *Engine, a Action) (quit bool) {
	steps := cli.Strengths()
	switch a {
	case ActionBypass:
		e.SetBypass(!e.Bypass())
	case ActionGentle, ActionBalanced, ActionAggressive:
		_ = e.SetStrength(steps[a-ActionGentle].DB) // the steps are valid
	case ActionStronger, ActionGentler:
		_ = e.SetStrength(nextStrength(e.Strength(), a == ActionStronger))
	case ActionQuit:
		return true
	}
	return false
}

// StatusLine formats the meters in one line of about 80 columns: input
// and output levels [dBFS], speech probability, noise removed, strength,
// and the counts of input overflows and output underflows ("xruns").
func StatusLine(m Meters) string {
	mode := m.strengthLabel()
	removed := fmt.Sprintf("removed %4.1f dB", m.RemovedDB())
	if m.Bypass {
		mode = "BYPASS"
		removed = "removed  off"
	}
	return fmt.Sprintf("in %5.1f dB  out %5.1f dB  speech %3.0f%%  %s  %s  xruns %d/%d",
		m.InputDB(), m.OutputDB(), 100*m.SpeechProbability, removed, mode, m.Overflows, m.Underflows)
}

// strengthLabel is the step's name, or the strength in dB between steps.
func (m Meters) strengthLabel() string {
	for _, s := range cli.Strengths() {
		if s.DB == m.Strength {
			return s.Name
		}
	}
	return fmt.Sprintf("%g dB", m.Strength)
}

// fit cuts s to width columns (runes), if width is positive, so that a
// redrawn line never wraps.
func fit(s string, width int) string {
	if width <= 0 {
		return s
	}
	r := []rune(s)
	if len(r) <= width {
		return s
	}
	return string(r[:width])
}

// sessionMemoryLimit is the heap size at which the garbage collector,
// off while a session runs, starts again.
const sessionMemoryLimit = 512 << 20

// sessionProcs is the least GOMAXPROCS while a session runs.
const sessionProcs = 8

// Console is where a running session shows its status and takes its keys.
type Console struct {
	// Keys delivers key presses, one byte each (a terminal in raw mode);
	// nil means no keys.
	Keys io.Reader
	// Status receives the status line, and Live says it is a terminal:
	// the line is redrawn in place every Interval. Otherwise a line is
	// written every LogInterval, and within an Interval of an overflow or
	// underflow, so that a log dates each dropout.
	Status io.Writer
	Live   bool
	// Width, if positive, is the terminal's width: a live line is cut to
	// one column less, since a wrapped line cannot be redrawn.
	Width int
	// Interval and LogInterval: 0 means 100 ms and 5 s.
	Interval, LogInterval time.Duration
}

// Run starts the session and runs it until ctx is done or a quit key,
// returning nil, or until the stream stalls, returning an error wrapping
// ErrStalled. The caller closes the session afterwards.
func (s *Session) Run(ctx context.Context, c Console) error {
	interval, logInterval := c.Interval, c.LogInterval
	if interval == 0 {
		interval = 100 * time.Millisecond
	}
	if logInterval == 0 {
		logInterval = 5 * time.Second
	}
	// The audio goroutine must not wait for the garbage collector, whose
	// pauses stretch to tens of milliseconds when the machine is loaded
	// and the collector's own threads wait for a core (measured: delivery
	// gaps of 380-510 ms with it, 40 ms without, at a load average of 12
	// on 2 cores). The audio path allocates nothing, so the collector is
	// off while the session runs; the memory limit brings it back should
	// the rest of the program ever grow the heap that far.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(sessionMemoryLimit))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	// Nor for a processor: returning from its blocking read, it needs one
	// of the runtime's Ps, and with as many Ps as cores those may all be
	// held by threads the OS has set aside for other work. Spare Ps cost
	// nothing while idle.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(runtime.GOMAXPROCS(0), sessionProcs)))
	actions := make(chan Action, 16)
	stopKeys := make(chan struct{})
	defer close(stopKeys)
	if c.Keys != nil {
		go readKeys(c.Keys, actions, stopKeys)
	}
	if err := s.Start(); err != nil {
		return err
	}

	t := time.NewTicker(interval)
	defer t.Stop()
	var measured chan string
	if m, ok := s.stream.(LatencyMeter); ok && c.Status != nil {
		measured = make(chan string, 1)
		stopMeasure := make(chan struct{})
		defer close(stopMeasure)
		go func() { measured <- s.measureLatency(m, stopMeasure) }()
	}
	logged := s.engine.Meters() // as of the last line logged
	last := logged.Callbacks
	lastChange, lastLog := time.Now(), time.Now()
	drawn := false
	endLine := func() {
		if drawn && c.Live {
			fmt.Fprint(c.Status, "\r\n")
		}
	}
	defer endLine()
	for {
		select {
		case <-ctx.Done():
			return nil
		case line := <-measured:
			if line != "" {
				endLine()
				drawn = false
				fmt.Fprintln(c.Status, line)
			}
		case a := <-actions:
			if apply(s.engine, a) {
				return nil
			}
		case now := <-t.C:
			m := s.engine.Meters()
			if m.Callbacks != last {
				last, lastChange = m.Callbacks, now
			} else if now.Sub(lastChange) >= s.stallTimeout {
				return fmt.Errorf("%w for %v (%q → %q): was a device unplugged or taken by another program?",
					ErrStalled, s.stallTimeout, s.info.Input.Name, s.info.Output.Name)
			}
			switch {
			case c.Status == nil:
			case c.Live:
				fmt.Fprintf(c.Status, "\r%s\x1b[K", fit(StatusLine(m), c.Width-1))
				drawn = true
			case now.Sub(lastLog) >= logInterval || m.Overflows != logged.Overflows || m.Underflows != logged.Underflows:
				fmt.Fprintln(c.Status, StatusLine(m))
				lastLog, logged = now, m
			}
		}
	}
}

// readKeys turns bytes from r into actions until r ends or stop closes.
func readKeys(r io.Reader, actions chan<- Action, stop <-chan struct{}) {
	var buf [16]byte
	for {
		n, err := r.Read(buf[:])
		for _, b := range buf[:n] {
			if a := KeyAction(b); a != ActionNone {
				select {
				case actions <- a:
				case <-stop:
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// The delay is measured once the streams have settled and the PulseAudio
// backend has topped up a queue that started short (by about 3.2 s; see
// driftShort), as the mean of several measurements, since each is off by
// up to a device's block.
const (
	latencyMeasureAfter = 3500 * time.Millisecond
	latencyMeasureEvery = 125 * time.Millisecond
	latencyMeasurements = 16
)

// measureLatency describes the delay m measures, or is "" when it cannot
// or stop closes first.
func (s *Session) measureLatency(m LatencyMeter, stop <-chan struct{}) string {
	var path, in, out time.Duration
	for i := range latencyMeasurements {
		wait := latencyMeasureEvery
		if i == 0 {
			wait = latencyMeasureAfter
		}
		select {
		case <-stop:
			return ""
		case <-time.After(wait):
		}
		p, di, do, err := m.MeasureLatency()
		if err != nil {
			return ""
		}
		path, in, out = path+p/latencyMeasurements, in+di/latencyMeasurements, out+do/latencyMeasurements
	}
	return fmt.Sprintf("measured latency: %.1f ms from the input to the output (denoiser %.1f ms, buffers and queue %.1f ms), plus the devices' own %.1f ms in and %.1f ms out",
		ms(s.info.DenoiserLatency+path), ms(s.info.DenoiserLatency), ms(path), ms(in), ms(out))
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
