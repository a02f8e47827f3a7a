// Package livetest provides a fake sound system for testing code built on
// package live without sound hardware.
package livetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hushaudio/hush/internal/live"
)

// Backend is a fake live.Backend whose duplex stream plays Input into the
// callback in buffers of the sizes in Chunks (cycled) and records what the
// callback writes. Set its fields before opening a stream.
type Backend struct {
	// DeviceList is what Devices returns; DevicesErr, if set, is returned
	// instead.
	DeviceList []live.DeviceInfo
	DevicesErr error
	// Rates, if not empty, are the only sample rates OpenDuplex accepts;
	// others fail with an error wrapping live.ErrSampleRate.
	Rates []int
	// Input is the interleaved input, as many channels as the stream opens.
	Input []float32
	// Chunks are the callback sizes in frames, cycled; empty means the
	// stream's FramesPerBuffer.
	Chunks []int
	// Flags, if not nil, gives the flags of the i-th callback.
	Flags func(i int) live.StreamFlags
	// Stall: after the input, stop calling back, as an unplugged device
	// does; otherwise the stream goes on with silence until closed.
	Stall bool
	// Pace, if not zero, waits between callbacks.
	Pace time.Duration

	mu       sync.Mutex
	opened   live.StreamConfig
	output   []float32
	inputEnd chan struct{}
	closed   bool
}

// Devices returns DeviceList.
func (b *Backend) Devices() ([]live.DeviceInfo, error) {
	if b.DevicesErr != nil {
		return nil, b.DevicesErr
	}
	return slices.Clone(b.DeviceList), nil
}

// OpenDuplex returns a fake stream.
func (b *Backend) OpenDuplex(cfg live.StreamConfig, cb live.Callback) (live.Stream, error) {
	if len(b.Rates) > 0 && !slices.Contains(b.Rates, cfg.SampleRate) {
		return nil, fmt.Errorf("%w: fake device: %d Hz", live.ErrSampleRate, cfg.SampleRate)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.opened = cfg
	b.output = nil
	b.inputEnd = make(chan struct{})
	return &stream{b: b, cfg: cfg, cb: cb, stop: make(chan struct{}), done: make(chan struct{})}, nil
}

// Close marks the backend closed.
func (b *Backend) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}

// Opened returns the configuration of the last stream opened.
func (b *Backend) Opened() live.StreamConfig {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.opened
}

// Output returns a copy of what the callback wrote so far, interleaved,
// for the callbacks that carried input (the silence after it is not kept).
func (b *Backend) Output() []float32 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.output)
}

// InputEnd is closed when the whole input has gone through the callback.
func (b *Backend) InputEnd() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.inputEnd
}

type stream struct {
	b          *Backend
	cfg        live.StreamConfig
	cb         live.Callback
	stop, done chan struct{}
	started    bool
}

func (s *stream) Start() error {
	if s.started {
		return errors.New("fake stream: already started")
	}
	s.started = true
	go s.run()
	return nil
}

func (s *stream) DeviceLatency() (in, out time.Duration) {
	return 3 * time.Millisecond, 4 * time.Millisecond
}

func (s *stream) Close() error {
	if s.started {
		close(s.stop)
		<-s.done
	}
	return nil
}

// run plays the input through the callback, like a sound system's thread:
// the buffers are reused, as real ones are.
func (s *stream) run() {
	defer close(s.done)
	inCh, outCh := s.cfg.InputChannels, s.cfg.OutputChannels
	chunks := s.b.Chunks
	if len(chunks) == 0 {
		chunks = []int{s.cfg.FramesPerBuffer}
	}
	maxChunk := slices.Max(chunks)
	in := make([]float32, maxChunk*inCh)
	out := make([]float32, maxChunk*outCh)
	input := s.b.Input
	for i := 0; ; i++ {
		select {
		case <-s.stop:
			return
		default:
		}
		if len(input) == 0 && s.b.Stall {
			s.endInput()
			<-s.stop
			return
		}
		n := chunks[i%len(chunks)]
		k := copy(in[:n*inCh], input)
		clear(in[k : n*inCh])
		input = input[k:]
		var flags live.StreamFlags
		if s.b.Flags != nil {
			flags = s.b.Flags(i)
		}
		s.cb(in[:n*inCh], out[:n*outCh], flags)
		if k > 0 {
			s.b.mu.Lock()
			s.b.output = append(s.b.output, out[:n*outCh]...)
			s.b.mu.Unlock()
			if len(input) == 0 {
				s.endInput()
			}
		}
		if s.b.Pace > 0 {
			time.Sleep(s.b.Pace)
		}
	}
}

func (s *stream) endInput() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	select {
	case <-s.b.inputEnd:
	default:
		close(s.b.inputEnd)
	}
}
