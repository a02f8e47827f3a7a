//go:build linux

package live

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"sync/atomic"
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

// DefaultAlias reports whether spec names the sound server's default
// device the way ALSA programs do ("pulse", "default"), as in
// "PULSE_SINK=hush_mic hush live --in pulse --out pulse".
func (p *Pulse) DefaultAlias(spec string) bool { return spec == "pulse" || spec == "default" }

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
	// As for programs built on libpulse, PULSE_SINK and PULSE_SOURCE name
	// the defaults.
	if v := os.Getenv("PULSE_SINK"); v != "" {
		info.DefaultSink = v
	}
	if v := os.Getenv("PULSE_SOURCE"); v != "" {
		info.DefaultSource = v
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
// late. A stall longer than that loses audio; on PulseAudio it leaves the
// delay where it was, and PipeWire has moved it by a block (5.3 ms).
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
	// One frame more than a buffer: the drift corrector may repeat one.
	s.outBytes = make([]byte, 4*(len(s.out)+cfg.OutputChannels))
	s.silence = make([]byte, 4*len(s.out))
	chunkOut := uint32(4 * len(s.out))
	// The queue in whole buffers, at least PulseQueue.
	queue := uint32(math.Ceil(PulseQueue.Seconds() * float64(cfg.SampleRate) / float64(cfg.FramesPerBuffer)))
	s.play, err = p.c.NewPlaybackStream(pulse.StreamConfig{
		Device: out,
		Name:   "hush live",
		Spec:   pulse.SampleSpec{Format: pulse.FormatFloat32LE, Channels: uint8(cfg.OutputChannels), Rate: uint32(cfg.SampleRate)},
		// Room for a second of drift or of a burst after a stall; the drift
		// corrector keeps the queue near its start long before that.
		MaxLength: queue*chunkOut + uint32(4*cfg.OutputChannels*cfg.SampleRate),
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
	s.rate = cfg.SampleRate
	s.queueBytes = int(queue * chunkOut)
	s.stop = make(chan struct{})
	s.drift = make(chan struct{})
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
	silence           []byte // a buffer of it, for the drift corrector
	have              int    // bytes of inBytes filled
	underflows        uint64
	overflows         uint64
	writeErr          error
	rate              int
	queueBytes        int // silence queued at the start; see Start
	// adjust is the drift corrector's order to the audio goroutine: frames
	// to leave out (positive) or repeat (negative), one per buffer, or a
	// whole buffer at a time where a buffer or more is to go or come.
	adjust      atomic.Int64
	removed     atomic.Int64  // frames left out, less those repeated
	stop, drift chan struct{} // Close closes stop; the corrector, drift
	started     bool
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
	s.cb(s.in, s.out, flags)
	for i, x := range s.out {
		binary.LittleEndian.PutUint32(s.outBytes[4*i:], math.Float32bits(x))
	}
	n := len(s.out)
	frames := int64(n / s.outCh)
	switch a := s.adjust.Load(); {
	case a >= frames: // far too much queued: leave out the buffer
		n = 0
		s.adjust.Add(-frames)
		s.removed.Add(frames)
	case a > 0: // the queue grew: leave out the last frame
		n -= s.outCh
		s.adjust.Add(-1)
		s.removed.Add(1)
	case a <= -frames: // far too little queued: play a buffer of silence first
		if err := s.play.Write(s.silence); err != nil && s.writeErr == nil {
			s.writeErr = err
		}
		s.adjust.Add(frames)
		s.removed.Add(-frames)
	case a < 0: // it shrank: play the last frame twice
		copy(s.outBytes[4*n:], s.outBytes[4*(n-s.outCh):4*n])
		n += s.outCh
		s.adjust.Add(1)
		s.removed.Add(-1)
	}
	if n == 0 {
		return
	}
	if err := s.play.Write(s.outBytes[:4*n]); err != nil && s.writeErr == nil {
		// The connection is gone; the session's watchdog reports the
		// stall that follows.
		s.writeErr = err
	}
}

// Drift correction: the microphone and the output device may run on two
// clocks (a USB microphone and a null sink driven by the system clock
// differ by up to about 100 ppm, 0.36 s an hour), and the playback queue
// then grows or shrinks. Once the streams have settled, the corrector
// measures the delay twice a second; when its mean over 8 s has moved by
// more than driftLimit from the first such mean, in two means running, the
// audio goroutine leaves out or repeats single frames, one per buffer,
// until it is back. A mean over a time in which the playback queue ran dry
// is thrown away: the sink's positions jump then, and one such reading
// would move the mean. Between devices of one clock, as PulseAudio's null
// sinks are, it never acts, and the delay never moves. A step of more than
// driftStep, seen twice running, is undone at once, a buffer at a time;
// so is a queue that is short (see driftShort).
const (
	driftInterval = 500 * time.Millisecond
	driftReadings = 16 // 8 s
	driftSettle   = time.Second
	// driftLimit lies above two of PipeWire's 256-frame blocks (10.7 ms):
	// its position reports move by about a block when nothing audible
	// does, and a 2 ms limit followed such a move. 100 ppm of real drift
	// takes two minutes to reach it.
	driftLimit = 12 * time.Millisecond
	// driftStep is how far the delay must jump to count as a step, acted
	// on after two readings (see driftJudge): half the queue, so that
	// neither the sink's blocks nor a host's stall set it off.
	driftStep = PulseQueue / 2
	// driftShort is how far below PulseQueue the delay must be, in
	// driftTopUpFor, for the queue to count as short and be topped up. On
	// PipeWire the streams settled between 0 and 6.4 ms below it where
	// they held, and 9.5 to 26.5 ms below it where the output then ran dry
	// every second or so for the whole run: PipeWire had read ahead of
	// hush's queue before the first recorded packet came. Later a top-up
	// would move the delay in the middle of a call; only a queue run out
	// is topped up then, and a step undone.
	driftShort    = PulseQueue / 4
	driftTopUpFor = 3 * time.Second
)

// correctDrift runs until Close.
func (s *pulseStream) correctDrift() {
	defer close(s.drift)
	t := time.NewTicker(driftInterval)
	defer t.Stop()
	start := time.Now()
	judge := driftJudge{
		limit:   driftLimit.Seconds() * float64(s.rate),
		step:    driftStep.Seconds() * float64(s.rate),
		nominal: float64(s.queueFrames()),
		short:   driftShort.Seconds() * float64(s.rate),
	}
	underflows := s.play.Underflows()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		path, _, _, err := s.MeasureLatency()
		u := s.play.Underflows()
		ran := u != underflows
		underflows = u
		if time.Since(start) >= driftTopUpFor {
			judge.short = 0
		}
		if err != nil || time.Since(start) < driftSettle || s.adjust.Load() != 0 {
			judge.skip()
			continue
		}
		if adjust := judge.add(path.Seconds()*float64(s.rate), ran); adjust != 0 {
			s.adjust.Store(adjust)
		}
	}
}

// driftJudge decides from delay readings [frames] when the delay has moved
// for good: slowly, by drift, or at once, by a step, or when the queue is
// too short to hold.
//
// A step is a jump no clock drift makes. On PipeWire, after the machine
// stalled, the sink once read past everything hush had queued (the delay
// measured 6 to 9 ms short of the frames' arrival): with no prebuffering
// the sink then keeps reading ahead of what hush writes, and the output
// stays silent for good. Two readings in a row a step away from the first
// mean, on the same side, are acted on at once.
//
// A short queue is one more than short below nominal in two readings in a
// row, or with short 0, one run out (below zero) in two readings in a row:
// it is topped up to nominal at once, since a stream that starts short
// stays short, and runs dry whenever a recorded packet comes late. The
// next mean is then the baseline.
type driftJudge struct {
	limit     float64 // [frames]
	step      float64 // [frames]; 0: no steps
	nominal   float64 // the delay queued at the start [frames]
	short     float64 // [frames]; 0: top-ups of a queue run out only
	readings  []float64
	baseline  float64
	haveBase  bool
	moved     int64   // the last mean's move beyond limit, 0 if none
	stepped   float64 // the last reading's move beyond step, 0 if none
	lastShort float64 // the last reading's shortfall if it was short, or 0
}

// add takes one reading, and whether the queue ran dry since the last; it
// returns the frames to leave out (positive) or repeat (negative), or 0.
func (j *driftJudge) add(reading float64, ranDry bool) int64 {
	if moved := j.stepFrom(reading); moved != 0 {
		j.skip()
		return moved
	}
	if moved := j.topUp(reading); moved != 0 {
		j.skip()
		j.haveBase, j.moved = false, 0
		return moved
	}
	if ranDry {
		j.discard()
		return 0
	}
	if j.readings = append(j.readings, reading); len(j.readings) < driftReadings {
		return 0
	}
	mean := 0.0
	for _, r := range j.readings {
		mean += r
	}
	mean /= float64(len(j.readings))
	j.readings = j.readings[:0]
	if !j.haveBase {
		j.baseline, j.haveBase = mean, true
		return 0
	}
	if math.Abs(mean-j.baseline) <= j.limit {
		j.moved = 0
		return 0
	}
	moved := int64(math.Round(mean - j.baseline))
	if j.moved == 0 || (moved > 0) != (j.moved > 0) {
		j.moved = moved // once is not yet drift
		return 0
	}
	j.moved = 0
	return moved
}

// stepFrom returns the move to undo when reading is the second in a row a
// step away from the first mean, on the same side.
func (j *driftJudge) stepFrom(reading float64) int64 {
	moved := reading - j.baseline
	if !j.haveBase || j.step <= 0 || math.Abs(moved) <= j.step {
		j.stepped = 0
		return 0
	}
	if j.stepped == 0 || (moved > 0) != (j.stepped > 0) {
		j.stepped = moved
		return 0
	}
	mean := (moved + j.stepped) / 2
	j.stepped = 0
	return int64(math.Round(mean))
}

// topUp returns the frames to repeat when reading is the second short one
// in a row.
func (j *driftJudge) topUp(reading float64) int64 {
	last := j.lastShort
	j.lastShort = 0
	floor := 0.0
	if j.short > 0 {
		floor = j.nominal - j.short
	}
	if reading >= floor {
		return 0
	}
	if last == 0 {
		j.lastShort = reading - j.nominal
		return 0
	}
	return int64(math.Round((reading - j.nominal + last) / 2))
}

// discard forgets the readings of the mean being taken.
func (j *driftJudge) discard() { j.readings = j.readings[:0] }

// skip forgets the readings of the mean being taken and those that a step
// or a top-up would follow on.
func (j *driftJudge) skip() {
	j.discard()
	j.stepped, j.lastShort = 0, 0
}

// Start queues PulseQueue of silence for playback, then starts both
// streams: the first buffer recorded then arrives with about that much
// still queued ahead of it, which sets the delay. It is hush's own queue,
// not the target the server granted: PulseAudio and PipeWire both granted
// about 20 ms of the 30 asked for, counting the rest as the sink's
// latency, and with 20 ms queued hush's output on PipeWire ran dry where a
// recorded packet came 5 ms late.
func (s *pulseStream) Start() error {
	silence := make([]byte, s.queueBytes)
	if err := s.play.Write(silence); err != nil {
		return err
	}
	if err := s.play.Cork(false); err != nil {
		return fmt.Errorf("starting to play: %w", err)
	}
	if err := s.rec.Cork(false); err != nil {
		return fmt.Errorf("starting to record: %w", err)
	}
	s.started = true
	go s.correctDrift()
	return nil
}

// latencyPairWithin is how close together MeasureLatency wants the
// server's answers to its two queries.
const latencyPairWithin = 5 * time.Millisecond

// MeasureLatency measures the delay from a frame's arrival in the record
// stream to the sink's taking of the output frame written for it, on the
// server's clock, from one latency query of each stream: input frame k
// becomes output frame k plus the silence queued at the start, less the
// frames the drift corrector left out; the record stream's write position
// and the playback stream's read position, each dated by the server's
// clock, date both. Devices move those positions in blocks, so one
// measurement is off by up to a block; the sink's and the source's own
// latencies, returned too, come on top.
func (s *pulseStream) MeasureLatency() (path, in, out time.Duration, err error) {
	var rl pulse.RecordLatency
	var pl pulse.PlaybackLatency
	// Queries answered close together, if three tries give such a pair:
	// the server may stall between taking positions and dating them, so
	// the less dating has to make up, the better.
	for range 3 {
		if rl, err = s.rec.Latency(); err != nil {
			return 0, 0, 0, err
		}
		if pl, err = s.play.Latency(); err != nil {
			return 0, 0, 0, err
		}
		if pl.At.Sub(rl.At) < latencyPairWithin {
			break
		}
	}
	frames := int64(s.queueFrames()) - s.removed.Load() + rl.Written/int64(4*s.inCh) - pl.Read/int64(4*s.outCh)
	// The two positions were taken at two moments, as far apart as this
	// goroutine was late between the queries (tens of milliseconds on a
	// loaded machine): date the write position to the read position's
	// moment, both on the server's clock.
	frames += int64(pl.At.Sub(rl.At).Seconds() * float64(s.rate))
	return time.Duration(frames) * time.Second / time.Duration(s.rate), rl.Source, pl.Sink, nil
}

// queueFrames is the silence queued at the start, in frames.
func (s *pulseStream) queueFrames() int { return s.queueBytes / (4 * s.outCh) }

// DeviceLatency reports the source's latency as configured for the
// stream, and on the output side the playback queue plus the sink's.
func (s *pulseStream) DeviceLatency() (in, out time.Duration) {
	queued := time.Duration(s.queueFrames()) * time.Second / time.Duration(s.rate)
	return s.rec.DeviceLatency(), queued + s.play.DeviceLatency()
}

func (s *pulseStream) Close() error {
	close(s.stop)
	err := errors.Join(s.rec.Close(), s.play.Close())
	if s.started {
		<-s.drift // its latency request has an answer or an error by now
	}
	return err
}
