package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// Status writes a progress bar and messages to one writer (usually stderr)
// from any number of goroutines. The bar is drawn only when the Status was
// made with show set (see ShowProgress) and a bar was started; messages are
// always written, on their own line, with the bar erased and redrawn around
// them so the two never mix. All methods are safe for concurrent use.
type Status struct {
	mu   sync.Mutex
	w    io.Writer
	show bool
	bar  *progressbar.ProgressBar
}

// NewStatus returns a Status writing to w; show says whether bars are drawn.
func NewStatus(w io.Writer, show bool) *Status {
	return &Status{w: w, show: show}
}

// StartBytes starts a bar for work measured in bytes, total of them (-1 if
// unknown), labelled with description. It replaces any previous bar and
// does nothing unless the Status shows progress.
func (s *Status) StartBytes(total int64, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.show {
		return
	}
	if s.bar != nil {
		_ = s.bar.Clear()
	}
	s.bar = progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(s.w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetWidth(20),
		progressbar.OptionSetPredictTime(true),
		// Redrawing at most ~15 times a second keeps a fast job from
		// spending its time on the terminal.
		progressbar.OptionThrottle(65*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
	)
}

// Add advances the bar by n bytes.
func (s *Status) Add(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bar != nil {
		_ = s.bar.Add64(n)
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
	if s.bar != nil {
		_ = s.bar.Clear()
	}
	_, _ = io.WriteString(s.w, msg)
	if s.bar != nil {
		_ = s.bar.RenderBlank()
	}
}

// Finish erases the bar, if any, leaving the line free for what follows.
func (s *Status) Finish() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bar != nil {
		_ = s.bar.Clear()
		s.bar = nil
	}
}

// Reader returns a reader that reads from r and advances the bar by every
// byte read.
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
