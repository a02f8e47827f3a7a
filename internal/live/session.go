package live

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/hushaudio/hush/denoise"
)

// Defaults for zero Options fields.
const (
	// DefaultBuffer is the callback buffer: short, since the denoiser's
	// 20 ms already make most of the latency budget of a call.
	DefaultBuffer = 5 * time.Millisecond
	// MinBuffer and MaxBuffer bound Options.Buffer.
	MinBuffer = 1 * time.Millisecond
	MaxBuffer = 200 * time.Millisecond
	// DefaultStallTimeout is how long the stream may deliver no audio
	// before Run gives up with ErrStalled.
	DefaultStallTimeout = 2 * time.Second
	// closeTimeout bounds how long Close waits for a stuck sound system.
	closeTimeout = 2 * time.Second
)

// Options configures a Session. The zero value uses the default devices at
// their own rate.
type Options struct {
	// Input and Output name the devices for SelectDevice: "" is the
	// system default, a number an index, else part of a name.
	Input, Output string
	// SampleRate [Hz]; 0 picks the input device's rate if the denoiser and
	// both devices support it, else the output device's, else 48000, else
	// 44100.
	SampleRate int
	// Buffer is the duration of one callback buffer; 0 means DefaultBuffer.
	Buffer time.Duration
	// MaxAttenuation is the starting strength [dB]; 0 means the default.
	MaxAttenuation float64
	// Mode is the denoiser's gain stage; 0 means the default.
	Mode denoise.Mode
	// StallTimeout: 0 means DefaultStallTimeout.
	StallTimeout time.Duration
}

// Session is an open duplex stream with its Engine.
type Session struct {
	stream       Stream
	engine       *Engine
	info         SessionInfo
	stallTimeout time.Duration
	closed       bool
}

// SessionInfo describes an open Session.
type SessionInfo struct {
	Input, Output                 DeviceInfo
	InputChannels, OutputChannels int
	SampleRate                    int // [Hz]
	FramesPerBuffer               int
	// DenoiserLatency is the denoiser's delay and BufferLatency one
	// callback buffer; their sum is what hush adds to the path.
	DenoiserLatency, BufferLatency time.Duration
	// DeviceInputLatency and DeviceOutputLatency are the sound system's
	// own buffering as it reports it, which the path has with or without
	// hush.
	DeviceInputLatency, DeviceOutputLatency time.Duration
}

// AddedLatency is the delay hush adds: the denoiser's plus one buffer.
func (i SessionInfo) AddedLatency() time.Duration { return i.DenoiserLatency + i.BufferLatency }

// Open picks the devices, rate and buffer for opts and opens a duplex
// stream on b, not yet started. Errors wrap ErrNoDevice,
// ErrAmbiguousDevice, ErrSampleRate, ErrBuffer or
// denoise.ErrMaxAttenuation, or come from the backend.
func Open(b Backend, opts Options) (*Session, error) {
	buffer := opts.Buffer
	if buffer == 0 {
		buffer = DefaultBuffer
	}
	if buffer < MinBuffer || buffer > MaxBuffer {
		return nil, fmt.Errorf("%w: %v, want %v to %v", ErrBuffer, buffer, MinBuffer, MaxBuffer)
	}
	devs, err := b.Devices()
	if err != nil {
		return nil, fmt.Errorf("listing devices: %w", err)
	}
	in, err := SelectDevice(devs, opts.Input, true)
	if err != nil {
		return nil, err
	}
	out, err := SelectDevice(devs, opts.Output, false)
	if err != nil {
		return nil, err
	}
	// A stereo microphone is mixed to mono; more channels than two are
	// rarely one microphone.
	cfg := StreamConfig{
		Input:          in.Index,
		Output:         out.Index,
		InputChannels:  min(in.MaxInputChannels, 2),
		OutputChannels: min(out.MaxOutputChannels, 2),
	}

	rates := []int{opts.SampleRate}
	if opts.SampleRate == 0 {
		rates = candidateRates(in, out)
	} else if opts.SampleRate < MinSampleRate || opts.SampleRate > MaxSampleRate {
		return nil, fmt.Errorf("%w: %d Hz; the denoiser runs at %d to %d Hz (44100 and 48000 suit most devices)",
			ErrSampleRate, opts.SampleRate, MinSampleRate, MaxSampleRate)
	}
	s := &Session{stallTimeout: opts.StallTimeout}
	if s.stallTimeout == 0 {
		s.stallTimeout = DefaultStallTimeout
	}
	var firstErr error
	for _, rate := range rates {
		cfg.SampleRate = rate
		cfg.FramesPerBuffer = max(1, int(math.Round(buffer.Seconds()*float64(rate))))
		e, err := NewEngine(EngineConfig{
			SampleRate:     rate,
			InputChannels:  cfg.InputChannels,
			OutputChannels: cfg.OutputChannels,
			MaxAttenuation: opts.MaxAttenuation,
			Mode:           opts.Mode,
		})
		if err != nil {
			return nil, err
		}
		stream, err := b.OpenDuplex(cfg, e.Process)
		if errors.Is(err, ErrSampleRate) {
			firstErr = firstOf(firstErr, err)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("opening %q → %q at %d Hz: %w", in.Name, out.Name, rate, err)
		}
		s.stream, s.engine = stream, e
		dIn, dOut := stream.DeviceLatency()
		s.info = SessionInfo{
			Input: in, Output: out,
			InputChannels:       cfg.InputChannels,
			OutputChannels:      cfg.OutputChannels,
			SampleRate:          rate,
			FramesPerBuffer:     cfg.FramesPerBuffer,
			DenoiserLatency:     e.LatencyDuration(),
			BufferLatency:       time.Duration(cfg.FramesPerBuffer) * time.Second / time.Duration(rate),
			DeviceInputLatency:  dIn,
			DeviceOutputLatency: dOut,
		}
		return s, nil
	}
	return nil, fmt.Errorf("%q → %q: %w; tried %v Hz; choose another with --rate (44100 or 48000 suit most devices)",
		in.Name, out.Name, firstErr, rates)
}

func firstOf(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// candidateRates lists the rates to try, best first: the devices' own
// (no resampling anywhere), then the common ones.
func candidateRates(in, out DeviceInfo) []int {
	var rates []int
	for _, r := range []int{int(math.Round(in.DefaultSampleRate)), int(math.Round(out.DefaultSampleRate)), 48000, 44100} {
		if r < MinSampleRate || r > MaxSampleRate {
			continue
		}
		dup := false
		for _, have := range rates {
			dup = dup || have == r
		}
		if !dup {
			rates = append(rates, r)
		}
	}
	return rates
}

// Info describes the session.
func (s *Session) Info() SessionInfo { return s.info }

// Engine returns the session's callback, for its meters and switches.
func (s *Session) Engine() *Engine { return s.engine }

// Start starts the stream.
func (s *Session) Start() error {
	if err := s.stream.Start(); err != nil {
		return fmt.Errorf("starting %q → %q: %w", s.info.Input.Name, s.info.Output.Name, err)
	}
	return nil
}

// Close stops and closes the stream. A sound system that does not let go
// within two seconds is left behind with an error rather than waited for.
func (s *Session) Close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	done := make(chan error, 1)
	go func() { done <- s.stream.Close() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("closing the stream: %w", err)
		}
		return nil
	case <-time.After(closeTimeout):
		return fmt.Errorf("%w: closing the stream did not finish within %v", ErrStalled, closeTimeout)
	}
}
