//go:build linux

package pulse

import (
	"fmt"
	"maps"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// Buffer sizes in bytes; the server picks where a field is Default.
const Default = invalidIndex

// StreamConfig configures a playback or record stream.
type StreamConfig struct {
	// Device is the sink or source by name; "" is the server's default.
	Device string
	// Name is how the server lists the stream ("hush live").
	Name string
	Spec SampleSpec
	// MaxLength is the most the server buffers for the stream [bytes].
	MaxLength uint32
	// Target [bytes] is, for playback, the amount the server keeps queued
	// (tlength); for recording, the size of the packets it sends
	// (fragsize). Both set the device latency the server configures.
	Target uint32
	// Prebuf [bytes], playback only: the server starts playing, and after
	// an underflow starts again, once this much is queued.
	Prebuf uint32
	// MinReq [bytes], playback only: the smallest request the server makes.
	MinReq uint32
	// Corked streams start paused; Cork(false) starts them.
	Corked bool
}

// BufferAttr is what the server granted, in bytes.
type BufferAttr struct {
	MaxLength, Target, Prebuf, MinReq uint32
}

// streamFlags are the flags both kinds of stream send: no remapping, no
// fixed format, movable, and the device latency adjusted to the buffer.
func writeStreamFlags(w *tagWriter) {
	for range 7 { // no_remap, no_remix, fix_format, fix_rate, fix_channels, no_move, variable_rate
		w.boolean(false)
	}
}

// PlaybackStream plays audio to a sink.
type PlaybackStream struct {
	c        *Conn
	index    uint32
	attr     BufferAttr
	spec     SampleSpec
	device   string
	latency  time.Duration // the sink's, when created
	pkt      []byte        // a data packet, reused
	writable atomic.Int64  // bytes the server asked for and has not had
	underrun atomic.Uint64
	overrun  atomic.Uint64
	started  atomic.Bool
	killed   atomic.Bool
}

// NewPlaybackStream creates a playback stream.
func (c *Conn) NewPlaybackStream(cfg StreamConfig) (*PlaybackStream, error) {
	r, err := c.request(cmdCreatePlaybackStream, func(w *tagWriter) {
		w.sampleSpec(cfg.Spec)
		w.channelMap(cfg.Spec.Channels)
		w.u32(invalidIndex)
		w.str(cfg.Device)
		w.u32(cfg.MaxLength)
		w.boolean(cfg.Corked)
		w.u32(cfg.Target)
		w.u32(cfg.Prebuf)
		w.u32(cfg.MinReq)
		w.u32(0) // sync group
		w.cvolume(cfg.Spec.Channels)
		writeStreamFlags(w)
		w.boolean(false) // muted
		w.boolean(true)  // adjust latency
		w.propList(map[string]string{"media.name": cfg.Name, "media.role": "phone"})
		w.boolean(false) // volume set: leave it to the server
		w.boolean(false) // early requests
		w.boolean(false) // muted set
		w.boolean(false) // don't inhibit auto-suspend
		w.boolean(false) // fail on suspend
		w.boolean(false) // relative volume
		w.boolean(false) // passthrough
		w.u8(0)          // formats: the sample spec says it
	})
	if err != nil {
		return nil, fmt.Errorf("pulse: creating a playback stream on %q: %w", deviceName(cfg.Device, "sink"), err)
	}
	s := &PlaybackStream{c: c, spec: cfg.Spec}
	s.index = r.u32()
	r.u32() // sink input
	s.writable.Store(int64(r.u32()))
	s.attr = BufferAttr{MaxLength: r.u32(), Target: r.u32(), Prebuf: r.u32(), MinReq: r.u32()}
	s.spec = r.sampleSpec()
	r.channelMap()
	r.u32() // sink index
	s.device = r.str()
	r.boolean() // suspended
	s.latency = time.Duration(r.usec()) * time.Microsecond
	if r.err != nil {
		return nil, fmt.Errorf("pulse: creating a playback stream: %w", r.err)
	}
	c.mu.Lock()
	c.playback[s.index] = s
	c.mu.Unlock()
	return s, nil
}

func deviceName(name, what string) string {
	if name == "" {
		return "the default " + what
	}
	return name
}

// Attr returns the buffer sizes the server granted.
func (s *PlaybackStream) Attr() BufferAttr { return s.attr }

// Spec returns the stream's format.
func (s *PlaybackStream) Spec() SampleSpec { return s.spec }

// Device returns the sink's name.
func (s *PlaybackStream) Device() string { return s.device }

// DeviceLatency is the sink's own latency as configured for this stream.
func (s *PlaybackStream) DeviceLatency() time.Duration { return s.latency }

// Underflows counts the times the queue ran dry and the sink played
// silence; Overflows the times data was dropped for lack of room.
func (s *PlaybackStream) Underflows() uint64 { return s.underrun.Load() }

// Overflows counts the writes the server dropped for lack of room.
func (s *PlaybackStream) Overflows() uint64 { return s.overrun.Load() }

// Started reports whether the server has started playing.
func (s *PlaybackStream) Started() bool { return s.started.Load() }

// Killed reports whether the server removed the stream (its sink went
// away and it could not be moved).
func (s *PlaybackStream) Killed() bool { return s.killed.Load() }

func (s *PlaybackStream) event(cmd, bytes uint32) {
	switch cmd {
	case cmdRequest:
		s.writable.Add(int64(bytes))
	case cmdUnderflow:
		s.underrun.Add(1)
	case cmdOverflow:
		s.overrun.Add(1)
	case cmdStarted:
		s.started.Store(true)
	case cmdPlaybackStreamKilled:
		s.killed.Store(true)
	}
}

// Writable returns how many bytes the server has room for: what it asked
// for and has not been sent. Writing more than that grows the queue, and
// with it the latency, up to MaxLength; past that the server drops data.
func (s *PlaybackStream) Writable() int { return int(s.writable.Load()) }

// Write queues audio, whole frames in the stream's format. It reuses one
// packet buffer, so a steady stream of writes of one size allocates
// nothing; it must not be called from two goroutines at once.
func (s *PlaybackStream) Write(data []byte) error {
	if len(data) == 0 {
		return nil // an empty packet is a protocol error to the server
	}
	s.writable.Add(-int64(len(data)))
	if cap(s.pkt) < headerSize+len(data) {
		s.pkt = make([]byte, headerSize+len(data))
	}
	s.pkt = s.pkt[:headerSize+len(data)]
	copy(s.pkt[headerSize:], data)
	finishPacket(s.pkt, s.index)
	s.c.writeMu.Lock()
	err := s.c.writeAll(s.pkt)
	s.c.writeMu.Unlock()
	return err
}

// Cork pauses (true) or resumes the stream.
func (s *PlaybackStream) Cork(pause bool) error {
	_, err := s.c.request(cmdCorkPlaybackStream, func(w *tagWriter) {
		w.u32(s.index)
		w.boolean(pause)
	})
	return err
}

// PlaybackLatency is a snapshot of a playback stream's timing.
type PlaybackLatency struct {
	// Sink is the sink's latency: from the sink's buffer to the sound.
	Sink time.Duration
	// Written counts the bytes written to the stream since it was made,
	// Read those the sink has taken; Queued is their difference, what waits
	// in the server.
	Written, Read, Queued int64
	// Playing is false before the first start and while corked or
	// underflowing.
	Playing bool
	// At is the server's time of day when it took the positions. A client
	// on the same machine reads the same clock, so At dates positions of
	// two queries against each other however late either reply came.
	At time.Time
}

// Latency asks the server for the stream's timing.
func (s *PlaybackStream) Latency() (PlaybackLatency, error) {
	r, err := s.c.request(cmdGetPlaybackLatency, func(w *tagWriter) {
		w.u32(s.index)
		writeNow(w)
	})
	if err != nil {
		return PlaybackLatency{}, err
	}
	var l PlaybackLatency
	l.Sink = time.Duration(r.usec()) * time.Microsecond
	r.usec() // unused
	l.Playing = r.boolean()
	r.timeval() // ours, echoed
	l.At = r.timeval()
	l.Written, l.Read = r.s64(), r.s64()
	l.Queued = l.Written - l.Read
	return l, r.err
}

// writeNow writes the time of day, which the server echoes back.
func writeNow(w *tagWriter) {
	var tv unix.Timeval
	_ = unix.Gettimeofday(&tv)
	w.timeval(uint32(tv.Sec), uint32(tv.Usec))
}

// Close removes the stream: the server drops what is queued.
func (s *PlaybackStream) Close() error {
	s.c.mu.Lock()
	delete(s.c.playback, s.index)
	s.c.mu.Unlock()
	_, err := s.c.request(cmdDeletePlaybackStream, func(w *tagWriter) { w.u32(s.index) })
	return err
}

// RecordStream records from a source. Its handler runs on the
// connection's read goroutine for every packet of audio.
type RecordStream struct {
	c       *Conn
	index   uint32
	attr    BufferAttr
	spec    SampleSpec
	device  string
	latency time.Duration
	handle  func(data []byte)
	killed  atomic.Bool
}

// NewRecordStream creates a record stream that passes each packet of
// audio to handle, on the connection's read goroutine, which is the audio
// thread: handle must not block, and data is valid only during the call.
// Packets hold whole frames, in sizes the server chooses (near
// cfg.Target).
func (c *Conn) NewRecordStream(cfg StreamConfig, handle func(data []byte)) (*RecordStream, error) {
	r, err := c.request(cmdCreateRecordStream, func(w *tagWriter) {
		w.sampleSpec(cfg.Spec)
		w.channelMap(cfg.Spec.Channels)
		w.u32(invalidIndex)
		w.str(cfg.Device)
		w.u32(cfg.MaxLength)
		w.boolean(cfg.Corked)
		w.u32(cfg.Target)
		writeStreamFlags(w)
		w.boolean(false) // peak detect
		w.boolean(true)  // adjust latency
		w.propList(map[string]string{"media.name": cfg.Name, "media.role": "phone"})
		w.u32(invalidIndex) // direct on input
		w.boolean(false)    // early requests
		w.boolean(false)    // don't inhibit auto-suspend
		w.boolean(false)    // fail on suspend
		w.u8(0)             // formats
		w.cvolume(cfg.Spec.Channels)
		w.boolean(false) // muted
		w.boolean(false) // volume set
		w.boolean(false) // muted set
		w.boolean(false) // relative volume
		w.boolean(false) // passthrough
	})
	if err != nil {
		return nil, fmt.Errorf("pulse: creating a record stream on %q: %w", deviceName(cfg.Device, "source"), err)
	}
	s := &RecordStream{c: c, handle: handle}
	s.index = r.u32()
	r.u32() // source output
	s.attr = BufferAttr{MaxLength: r.u32(), Target: r.u32()}
	s.spec = r.sampleSpec()
	r.channelMap()
	r.u32() // source index
	s.device = r.str()
	r.boolean() // suspended
	s.latency = time.Duration(r.usec()) * time.Microsecond
	if r.err != nil {
		return nil, fmt.Errorf("pulse: creating a record stream: %w", r.err)
	}
	s.setRoute(true)
	return s, nil
}

// setRoute adds the stream to, or removes it from, the read loop's map.
func (s *RecordStream) setRoute(add bool) {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	m := maps.Clone(*s.c.records.Load())
	if add {
		m[s.index] = s
	} else {
		delete(m, s.index)
	}
	s.c.records.Store(&m)
}

func (s *RecordStream) deliver(p []byte) { s.handle(p) }

// Attr returns the buffer sizes the server granted.
func (s *RecordStream) Attr() BufferAttr { return s.attr }

// Spec returns the stream's format.
func (s *RecordStream) Spec() SampleSpec { return s.spec }

// Device returns the source's name.
func (s *RecordStream) Device() string { return s.device }

// DeviceLatency is the source's own latency as configured for this stream.
func (s *RecordStream) DeviceLatency() time.Duration { return s.latency }

// Killed reports whether the server removed the stream.
func (s *RecordStream) Killed() bool { return s.killed.Load() }

// Cork pauses (true) or resumes the stream.
func (s *RecordStream) Cork(pause bool) error {
	_, err := s.c.request(cmdCorkRecordStream, func(w *tagWriter) {
		w.u32(s.index)
		w.boolean(pause)
	})
	return err
}

// RecordLatency is a snapshot of a record stream's timing.
type RecordLatency struct {
	// Source is the source's latency: from the sound to the server.
	Source time.Duration
	// Written counts the bytes the source has put into the stream since it
	// was created; Queued those of them not yet sent to the client.
	Written, Queued int64
	// At is the server's time of day when it took the positions (see
	// PlaybackLatency.At).
	At time.Time
}

// Latency asks the server for the stream's timing.
func (s *RecordStream) Latency() (RecordLatency, error) {
	r, err := s.c.request(cmdGetRecordLatency, func(w *tagWriter) {
		w.u32(s.index)
		writeNow(w)
	})
	if err != nil {
		return RecordLatency{}, err
	}
	var l RecordLatency
	monitor := r.usec()
	l.Source = time.Duration(monitor+r.usec()) * time.Microsecond
	r.boolean()
	r.timeval() // ours, echoed
	l.At = r.timeval()
	l.Written = r.s64()
	l.Queued = l.Written - r.s64()
	return l, r.err
}

// Close removes the stream; its handler is not called again once Close
// returns.
func (s *RecordStream) Close() error {
	_, err := s.c.request(cmdDeleteRecordStream, func(w *tagWriter) { w.u32(s.index) })
	s.setRoute(false)
	return err
}
