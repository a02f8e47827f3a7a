package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a clock that tests move by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time      { return c.t }
func (c *fakeClock) add(d time.Duration) { c.t = c.t.Add(d) }
func newShownStatus(buf *bytes.Buffer) (*Status, *fakeClock) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	s := NewStatus(buf, true)
	s.now = clock.now
	return s, clock
}

// lastLine returns the text of the last redraw of the display.
func lastLine(out string) string {
	i := strings.LastIndex(out, eraseLine)
	if i < 0 {
		return ""
	}
	return out[i+len(eraseLine):]
}

func TestProgressShowsNoRateAtFirst(t *testing.T) {
	// A gigabyte arriving in the first millisecond (a buffer filled at
	// once) must not show as a rate of a terabyte a second.
	var buf bytes.Buffer
	s, clock := newShownStatus(&buf)
	s.StartBytes(4e9, "cleaning 3 files")
	clock.add(time.Millisecond + redrawEvery)
	s.Add(1e9)
	line := lastLine(buf.String())
	assert.Equal(t, "cleaning 3 files [=====               ]  25% 1.0 GB / 4.0 GB", line)
	assert.NotContains(t, line, "/s")

	clock.add(2 * time.Second)
	s.Add(1e9)
	line = lastLine(buf.String())
	// 2 GB in 2.101 s: 951.9 MB/s, and 2 GB left take 2.1 s.
	assert.Equal(t, "cleaning 3 files [==========          ]  50% 2.0 GB / 4.0 GB, 951.9 MB/s, 0:02 left", line)
	s.Finish()
	assert.True(t, strings.HasSuffix(buf.String(), eraseLine), "Finish erases the line")
}

func TestProgressOfUnknownTotal(t *testing.T) {
	// Standard input: bytes read, seconds of audio, elapsed time, rate.
	var buf bytes.Buffer
	s, clock := newShownStatus(&buf)
	s.StartBytes(-1, "standard input")
	s.SetBytesPerSecond(32000) // 16 kHz, 16-bit mono
	clock.add(500 * time.Millisecond)
	s.Add(320000)
	assert.Equal(t, "standard input: 320.0 kB read (0:10 of audio) in 0:00", lastLine(buf.String()))
	clock.add(64 * time.Second)
	s.Add(64e6) // 64.32 MB in 64.5 s: 997.2 kB/s, 2010 s of audio
	assert.Equal(t, "standard input: 64.3 MB read (33:30 of audio) in 1:04, 997.2 kB/s", lastLine(buf.String()))
	clock.add(time.Hour)
	s.Add(1)
	assert.Contains(t, lastLine(buf.String()), " in 1:01:04,") // 64.5 s + 1 h
}

func TestProgressRedrawsAtMostTenTimesASecond(t *testing.T) {
	var buf bytes.Buffer
	s, clock := newShownStatus(&buf)
	s.StartBytes(1000, "x")
	for range 100 {
		clock.add(10 * time.Millisecond)
		s.Add(1)
	}
	draws := strings.Count(buf.String(), eraseLine)
	assert.InDelta(t, 11, draws, 1, "one draw at the start and one every 100 ms of 1 s")
}

func TestProgressMessagesOnTheirOwnLine(t *testing.T) {
	var buf bytes.Buffer
	s, clock := newShownStatus(&buf)
	s.StartBytes(100, "work")
	clock.add(time.Second)
	s.Add(50)
	s.Printf("hush: a.wav: warning")
	out := buf.String()
	i := strings.Index(out, "hush: a.wav: warning\n")
	require.Positive(t, i)
	assert.True(t, strings.HasSuffix(out[:i], eraseLine), "the display is erased before a message")
	assert.Contains(t, out[i:], "work [", "and drawn again after it")
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 999949: "999.9 kB", 999999: "1.0 MB", 12_345_678: "12.3 MB", 5e12: "5.0 TB"} {
		assert.Equal(t, want, formatBytes(n), "%d", n)
	}
}
