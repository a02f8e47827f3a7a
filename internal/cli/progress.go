package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress display settings.
const (
	// redrawEvery keeps a fast job from spending its time on the terminal:
	// at most about ten redraws a second.
	redrawEvery = 100 * time.Millisecond
	// rateAfter is how long a job must have run before a rate or a time
	// left is shown: the first moments (a buffer filled at once, files
	// skipped) say nothing about the speed to come.
	rateAfter = time.Second
	// barWidth is the width of the bar itself, in characters.
	barWidth = 20
	// eraseLine moves to the start of the line and clears it.
	eraseLine = "\r\x1b[K"
)

// Status writes a one-line progress display and messages to one writer
// (usually stderr) from any number of goroutines. The display is drawn
// only when the Status was made with show set (see ShowProgress) and
// progress was started; messages are always written, on their own line,
// with the display erased and redrawn around them so the two never mix.
// All methods are safe for concurrent use.
//
// With a known total the line shows a bar, the share done, the bytes done
// of the total, and from the first second on the rate and the time left.
// Without one (standard input) it shows the bytes read, the seconds of
// audio they hold (see SetBytesPerSecond), the time elapsed and, from the
// first second on, the rate.
type Status struct {
	mu    sync.Mutex
	w     io.Writer
	show  bool
	now   func() time.Time // time.Now; tests set their own clock
	label string
	total int64 // -1 when unknown
	done  int64
	start time.Time
	drawn time.Time // when the line was last drawn
	audio float64   // bytes per second of audio, 0 when unknown
	on    bool      // progress started and not finished
	line  bool      // a progress line is on the screen
}

// NewStatus returns a Status writing to w; show says whether progress is
// drawn.
func NewStatus(w io.Writer, show bool) *Status {
	return &Status{w: w, show: show, now: time.Now}
}

// StartBytes starts a display for work measured in bytes, total of them
// (-1 if unknown), labelled with description. It replaces any previous
// display and does nothing unless the Status shows progress.
func (s *Status) StartBytes(total int64, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.show {
		return
	}
	s.erase()
	s.label, s.total, s.done, s.audio = description, total, 0, 0
	s.start = s.now()
	s.on = true
	s.draw()
}

// SetBytesPerSecond tells a display of unknown total how many bytes make a
// second of audio, so that it can show the seconds processed.
func (s *Status) SetBytesPerSecond(rate float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.audio = rate
}

// Add advances the display by n bytes.
func (s *Status) Add(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.on {
		return
	}
	s.done += n
	if s.now().Sub(s.drawn) >= redrawEvery {
		s.draw()
	}
}

// Printf writes a message as one line (a newline is added if missing).
func (s *Status) Printf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if len(msg) == 0 || msg[len(msg)-1] != '\n' {
		msg += "\n"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.erase()
	_, _ = io.WriteString(s.w, msg)
	if s.on {
		s.draw()
	}
}

// Finish erases the display, if any, leaving the line free for what follows.
func (s *Status) Finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.erase()
	s.on = false
}

func (s *Status) erase() {
	if s.line {
		_, _ = io.WriteString(s.w, eraseLine)
		s.line = false
	}
}

func (s *Status) draw() {
	now := s.now()
	s.drawn = now
	_, _ = io.WriteString(s.w, eraseLine+progressLine(s.label, s.done, s.total, now.Sub(s.start), s.audio))
	s.line = true
}

// progressLine is the text of the display after done bytes of total (-1:
// unknown) in elapsed time; audio is the bytes per second of audio, or 0.
func progressLine(label string, done, total int64, elapsed time.Duration, audio float64) string {
	var b strings.Builder
	b.WriteString(label)
	rate := 0.0
	if elapsed >= rateAfter {
		rate = float64(done) / elapsed.Seconds()
	}
	if total > 0 {
		frac := min(float64(done)/float64(total), 1)
		fill := int(frac * barWidth)
		fmt.Fprintf(&b, " [%s%s] %3.0f%% %s / %s", strings.Repeat("=", fill), strings.Repeat(" ", barWidth-fill),
			100*frac, formatBytes(done), formatBytes(total))
		if rate > 0 {
			left := time.Duration(float64(total-done) / rate * float64(time.Second))
			fmt.Fprintf(&b, ", %s/s, %s left", formatBytes(int64(rate)), formatClock(left))
		}
		return b.String()
	}
	fmt.Fprintf(&b, ": %s read", formatBytes(done))
	if audio > 0 {
		fmt.Fprintf(&b, " (%s of audio)", formatClock(time.Duration(float64(done)/audio*float64(time.Second))))
	}
	fmt.Fprintf(&b, " in %s", formatClock(elapsed))
	if rate > 0 {
		fmt.Fprintf(&b, ", %s/s", formatBytes(int64(rate)))
	}
	return b.String()
}

// formatBytes writes a byte count in decimal units, as file managers and
// disk makers do: 999 B, 12.3 kB, 4.5 MB, 1.2 GB.
func formatBytes(n int64) string {
	const units = "kMGTPE"
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	v := float64(n)
	i := -1
	for v >= 999.95 && i < len(units)-1 {
		v /= 1000
		i++
	}
	return fmt.Sprintf("%.1f %cB", v, units[i])
}

// formatClock writes a duration as M:SS or H:MM:SS, rounded down to the
// second.
func formatClock(d time.Duration) string {
	sec := int64(max(d, 0) / time.Second)
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

// Reader returns a reader that reads from r and advances the display by
// every byte read.
func (s *Status) Reader(r io.Reader) io.Reader {
	if !s.show {
		return r
	}
	return &statusReader{r: r, s: s}
}

type statusReader struct {
	r io.Reader
	s *Status
}

func (c *statusReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.s.Add(int64(n))
	}
	return n, err
}
