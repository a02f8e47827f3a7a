//go:build portaudio

package live

import (
	"errors"
	"fmt"
	"time"

	"github.com/gordonklaus/portaudio"
)

// PortAudio is the Backend for the PortAudio library (ALSA, PulseAudio
// and PipeWire through ALSA, JACK, Core Audio, WASAPI, ...). It is built
// with the build tag "portaudio" and needs the library installed
// (portaudio19-dev on Debian and Ubuntu, brew install portaudio on macOS).
type PortAudio struct {
	devs []*portaudio.DeviceInfo
}

// OpenPortAudio initializes PortAudio. Close the backend when done with it.
func OpenPortAudio() (*PortAudio, error) {
	var err error
	quietStderr(func() { err = portaudio.Initialize() })
	if err != nil {
		return nil, fmt.Errorf("starting PortAudio: %w", err)
	}
	return &PortAudio{}, nil
}

// Devices lists PortAudio's devices.
func (p *PortAudio) Devices() ([]DeviceInfo, error) {
	devs, err := portaudio.Devices()
	if err != nil {
		return nil, fmt.Errorf("PortAudio: %w", err)
	}
	p.devs = devs
	// No default device is not an error here: SelectDevice reports it
	// only if the user relies on the default.
	defIn, _ := portaudio.DefaultInputDevice()
	defOut, _ := portaudio.DefaultOutputDevice()
	out := make([]DeviceInfo, len(devs))
	for i, d := range devs {
		out[i] = DeviceInfo{
			Index:             d.Index,
			Name:              d.Name,
			MaxInputChannels:  d.MaxInputChannels,
			MaxOutputChannels: d.MaxOutputChannels,
			DefaultSampleRate: d.DefaultSampleRate,
			DefaultInput:      defIn != nil && defIn.Index == d.Index,
			DefaultOutput:     defOut != nil && defOut.Index == d.Index,
		}
		if d.HostApi != nil {
			out[i].HostAPI = d.HostApi.Name
		}
	}
	return out, nil
}

// OpenDuplex opens a float32, interleaved duplex stream at the devices'
// low-latency settings.
func (p *PortAudio) OpenDuplex(cfg StreamConfig, cb Callback) (Stream, error) {
	if p.devs == nil {
		if _, err := p.Devices(); err != nil {
			return nil, err
		}
	}
	find := func(idx int) (*portaudio.DeviceInfo, error) {
		for _, d := range p.devs {
			if d.Index == idx {
				return d, nil
			}
		}
		return nil, fmt.Errorf("%w: there is no device %d any more", ErrNoDevice, idx)
	}
	in, err := find(cfg.Input)
	if err != nil {
		return nil, err
	}
	out, err := find(cfg.Output)
	if err != nil {
		return nil, err
	}
	params := portaudio.StreamParameters{
		Input:           portaudio.StreamDeviceParameters{Device: in, Channels: cfg.InputChannels, Latency: in.DefaultLowInputLatency},
		Output:          portaudio.StreamDeviceParameters{Device: out, Channels: cfg.OutputChannels, Latency: out.DefaultLowOutputLatency},
		SampleRate:      float64(cfg.SampleRate),
		FramesPerBuffer: cfg.FramesPerBuffer,
	}
	// The binding calls this through reflection with the buffers it owns;
	// it adds nothing to cb's cost but a flag conversion.
	call := func(inBuf, outBuf []float32, _ portaudio.StreamCallbackTimeInfo, f portaudio.StreamCallbackFlags) {
		cb(inBuf, outBuf, streamFlags(f))
	}
	var s *portaudio.Stream
	quietStderr(func() { s, err = portaudio.OpenStream(params, call) })
	if err != nil {
		return nil, paOpenErr(err, cfg, in, out)
	}
	return &paStream{s: s}, nil
}

// paOpenErr explains an error from opening a stream.
func paOpenErr(err error, cfg StreamConfig, in, out *portaudio.DeviceInfo) error {
	switch {
	case errors.Is(err, portaudio.InvalidSampleRate):
		return fmt.Errorf("%w: %q or %q cannot run at %d Hz (PortAudio: %v)", ErrSampleRate, in.Name, out.Name, cfg.SampleRate, err)
	case errors.Is(err, portaudio.DeviceUnavailable):
		return fmt.Errorf("%w: %q or %q is unavailable, in use by another program or unplugged (PortAudio: %v)",
			ErrNoDevice, in.Name, out.Name, err)
	case errors.Is(err, portaudio.InvalidDevice):
		return fmt.Errorf("%w: PortAudio: %v", ErrNoDevice, err)
	}
	return fmt.Errorf("PortAudio: %w", err)
}

func streamFlags(f portaudio.StreamCallbackFlags) StreamFlags {
	var s StreamFlags
	if f&portaudio.InputOverflow != 0 {
		s |= InputOverflow
	}
	if f&portaudio.InputUnderflow != 0 {
		s |= InputUnderflow
	}
	if f&portaudio.OutputUnderflow != 0 {
		s |= OutputUnderflow
	}
	if f&portaudio.OutputOverflow != 0 {
		s |= OutputOverflow
	}
	return s
}

// Close terminates PortAudio.
func (p *PortAudio) Close() error {
	if err := portaudio.Terminate(); err != nil {
		return fmt.Errorf("stopping PortAudio: %w", err)
	}
	return nil
}

type paStream struct {
	s       *portaudio.Stream
	started bool
}

func (p *paStream) Start() error {
	if err := p.s.Start(); err != nil {
		return fmt.Errorf("PortAudio: %w", err)
	}
	p.started = true
	return nil
}

func (p *paStream) DeviceLatency() (in, out time.Duration) {
	info := p.s.Info()
	if info == nil {
		return 0, 0
	}
	return info.InputLatency, info.OutputLatency
}

// Close aborts rather than stops: a stop plays out what is queued, which
// on a vanished device may never end.
func (p *paStream) Close() error {
	var abortErr error
	if p.started {
		abortErr = p.s.Abort()
	}
	if err := p.s.Close(); err != nil {
		return fmt.Errorf("PortAudio: %w", err)
	}
	if abortErr != nil {
		return fmt.Errorf("PortAudio: %w", abortErr)
	}
	return nil
}
