//go:build linux

package live

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hushaudio/hush/internal/pulse"
)

// Pulse is the Backend for PulseAudio and for PipeWire's pulse server
// (pipewire-pulse, the default on current Fedora and Ubuntu), spoken to
// natively over their unix socket, in pure Go. Every sink and source is a
// device, monitors of sinks included; the server converts rates and
// formats, so any rate the denoiser runs at opens.
type Pulse struct {
	c       *pulse.Conn
	hostAPI string
	devs    []pulseDevice // by DeviceInfo.Index
}

type pulseDevice struct {
	name   string
	source bool
}

// OpenPulse connects to the sound server. The error wraps
// pulse.ErrNoServer when none is running.
func OpenPulse() (*Pulse, error) {
	c, err := pulse.Dial(pulse.Options{ClientName: "hush", RealTime: true})
	if err != nil {
		return nil, err
	}
	info, err := c.ServerInfo()
	if err != nil {
		c.Close()
		return nil, err
	}
	p := &Pulse{c: c, hostAPI: "PulseAudio"}
	if info.IsPipeWire() {
		p.hostAPI = "PipeWire"
	}
	return p, nil
}

// Conn returns the connection, for what the Backend interface does not
// cover (such as loading the modules of a virtual microphone).
func (p *Pulse) Conn() *pulse.Conn { return p.c }

// Devices lists the sources, then the sinks. A device's index is its
// place in that list.
func (p *Pulse) Devices() ([]DeviceInfo, error) {
	info, err := p.c.ServerInfo()
	if err != nil {
		return nil, err
	}
	sources, err := p.c.Sources()
	if err != nil {
		return nil, err
	}
	sinks, err := p.c.Sinks()
	if err != nil {
		return nil, err
	}
	p.devs = p.devs[:0]
	var out []DeviceInfo
	add := func(d pulse.Device, source bool) {
		di := DeviceInfo{
			Index:             len(out),
			Name:              d.Name,
			Description:       d.Description,
			HostAPI:           p.hostAPI,
			DefaultSampleRate: float64(d.SampleSpec.Rate),
		}
		if source {
			di.MaxInputChannels = int(d.SampleSpec.Channels)
			di.DefaultInput = d.Name == info.DefaultSource
		} else {
			di.MaxOutputChannels = int(d.SampleSpec.Channels)
			di.DefaultOutput = d.Name == info.DefaultSink
		}
		out = append(out, di)
		p.devs = append(p.devs, pulseDevice{name: d.Name, source: source})
	}
	for _, d := range sources {
		add(d, true)
	}
	for _, d := range sinks {
		add(d, false)
	}
	return out, nil
}

// PulseQueue is how much denoised audio the playback stream keeps queued
// in the server: the slack for the audio goroutine, or the server, being
// late. 30 ms held the end-to-end test without a gap on a 2-core machine
// whose load average was 12; a stall longer than that loses audio but
// never moves the delay.
const PulseQueue = 30 * time.Millisecond

// OpenDuplex opens a record stream on the input and a playback stream on
// the output, float32 at cfg.SampleRate (the server resamples where a
// device runs at another rate). The callback runs on the connection's
// audio goroutine for every cfg.FramesPerBuffer frames recorded, and what
// it writes is queued for playback at once; both devices run on the same
// clock as long as the server drives them (null sinks, and devices of one
// card).
func (p *Pulse) OpenDuplex(cfg StreamConfig, cb Callback) (Stream, error) {
	if p.devs == nil {
		if _, err := p.Devices(); err != nil {
			return nil, err
		}
	}
	find := func(idx int, source bool) (string, error) {
		if idx < 0 || idx >= len(p.devs) || p.devs[idx].source != source {
			return "", fmt.Errorf("%w: there is no device %d any more", ErrNoDevice, idx)
		}
		return p.devs[idx].name, nil
	}
	in, err := find(cfg.Input, true)
	if err != nil {
		return nil, err
	}
	out, err := find(cfg.Output, false)
	if err != nil {
		return nil, err
	}
	if cfg.SampleRate < 1 || cfg.SampleRate > math.MaxInt32 || cfg.FramesPerBuffer < 1 {
		return nil, fmt.Errorf("%w: %d Hz, %d frames", ErrSampleRate, cfg.SampleRate, cfg.FramesPerBuffer)
	}
	s := &pulseStream{
		cb:      cb,
		inCh:    cfg.InputChannels,
		outCh:   cfg.OutputChannels,
		in:      make([]float32, cfg.FramesPerBuffer*cfg.InputChannels),
		out:     make([]float32, cfg.FramesPerBuffer*cfg.OutputChannels),
		inBytes: make([]byte, 4*cfg.FramesPerBuffer*cfg.InputChannels),
	}
	s.outBytes = make([]byte, 4*len(s.out))
	chunkOut := uint32(len(s.outBytes))
	// The queue in whole buffers, at least PulseQueue.
	queue := uint32(math.Ceil(PulseQueue.Seconds() * float64(cfg.SampleRate) / float64(cfg.FramesPerBuffer)))
	s.play, err = p.c.NewPlaybackStream(pulse.StreamConfig{
		Device: out,
		Name:   "hush live",
		Spec:   pulse.SampleSpec{Format: pulse.FormatFloat32LE, Channels: uint8(cfg.OutputChannels), Rate: uint32(cfg.SampleRate)},
		// Room for a burst after a stall, no more: beyond it the server
		// drops what comes, so the delay cannot creep up.
		MaxLength: (queue + 4) * chunkOut,
		Target:    queue * chunkOut,
		// No prebuffering: after an underflow the server keeps the stream's
		// clock running and drops what comes too late, so the delay stays
		// what it was at the start.
		Prebuf: 0,
		MinReq: chunkOut,
		Corked: true,
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoDevice, err)
	}
	s.slack = 2 * int(chunkOut)
	s.rec, err = p.c.NewRecordStream(pulse.StreamConfig{
		Device:    in,
		Name:      "hush live",
		Spec:      pulse.SampleSpec{Format: pulse.FormatFloat32LE, Channels: uint8(cfg.InputChannels), Rate: uint32(cfg.SampleRate)},
		MaxLength: pulse.Default,
		Target:    uint32(len(s.inBytes)),
		Corked:    true,
	}, s.onRecord)
	if err != nil {
		_ = s.play.Close()
		return nil, fmt.Errorf("%w: %v", ErrNoDevice, err)
	}
	return s, nil
}

// Close disconnects from the server, which removes any stream left.
func (p *Pulse) Close() error { return p.c.Close() }

// pulseStream is a duplex stream made of a record and a playback stream.
// Everything but Start, DeviceLatency and Close runs on the connection's
// audio goroutine.
type pulseStream struct {
	cb          Callback
	inCh, outCh int
	rec         *pulse.RecordStream
	play        *pulse.PlaybackStream

	in, out           []float32
	inBytes, outBytes []byte
	have              int // bytes of inBytes filled
	underflows        uint64
	overflows         uint64
	dropped           uint64
	slack             int // bytes the queue may exceed its target by
	writeErr          error
}

// onRecord collects the recorded bytes into callback buffers.
func (s *pulseStream) onRecord(data []byte) {
	for len(data) > 0 {
		n := copy(s.inBytes[s.have:], data)
		s.have += n
		data = data[n:]
		if s.have == len(s.inBytes) {
			s.have = 0
			s.process()
		}
	}
}

// process runs the callback on one full buffer and queues its output.
func (s *pulseStream) process() {
	for i := range s.in {
		s.in[i] = math.Float32frombits(binary.LittleEndian.Uint32(s.inBytes[4*i:]))
	}
	var flags StreamFlags
	if u := s.play.Underflows(); u != s.underflows {
		s.underflows = u
		flags |= OutputUnderflow
	}
	if o := s.play.Overflows(); o != s.overflows {
		s.overflows = o
		flags |= OutputOverflow
	}
	if s.play.Writable() < len(s.outBytes)-s.slack {
		// The queue is full and more: the output device runs slower than
		// the input or stalled. Dropping this buffer keeps the delay where
		// it was.
		flags |= OutputOverflow
		s.dropped++
	}
	s.cb(s.in, s.out, flags)
	if flags&OutputOverflow != 0 {
		return
	}
	for i, x := range s.out {
		binary.LittleEndian.PutUint32(s.outBytes[4*i:], math.Float32bits(x))
	}
	if err := s.play.Write(s.outBytes); err != nil && s.writeErr == nil {
		// The connection is gone; the session's watchdog reports the
		// stall that follows.
		s.writeErr = err
	}
}

// Start queues the target amount of silence for playback, then starts
// both streams: the first buffer recorded then arrives with that much
// still queued ahead of it, which sets the delay.
func (s *pulseStream) Start() error {
	silence := make([]byte, s.play.Attr().Target)
	if err := s.play.Write(silence); err != nil {
		return err
	}
	if err := s.play.Cork(false); err != nil {
		return fmt.Errorf("starting to play: %w", err)
	}
	if err := s.rec.Cork(false); err != nil {
		return fmt.Errorf("starting to record: %w", err)
	}
	return nil
}

// DeviceLatency reports the source's latency as configured for the
// stream, and on the output side the playback queue plus the sink's.
func (s *pulseStream) DeviceLatency() (in, out time.Duration) {
	spec := s.play.Spec()
	queued := time.Duration(s.play.Attr().Target) * time.Second / time.Duration(4*int(spec.Channels)*int(spec.Rate))
	return s.rec.DeviceLatency(), queued + s.play.DeviceLatency()
}

func (s *pulseStream) Close() error {
	return errors.Join(s.rec.Close(), s.play.Close())
}
