package live

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DeviceInfo describes one audio device as the sound system reports it.
type DeviceInfo struct {
	// Index identifies the device to the backend; it is stable while the
	// set of devices does not change.
	Index int
	// Name is the device's name, and HostAPI the sound system that serves
	// it (PulseAudio, PipeWire, ALSA, JACK, Core Audio, WASAPI, ...).
	Name, HostAPI string
	// Description is a longer name for people, where the sound system has
	// one ("Built-in Audio Analog Stereo" for "alsa_output.pci-...").
	Description string
	// MaxInputChannels and MaxOutputChannels are 0 for a device that does
	// not capture or play.
	MaxInputChannels, MaxOutputChannels int
	// DefaultSampleRate is the device's own rate [Hz].
	DefaultSampleRate float64
	// DefaultInput and DefaultOutput mark the system's default devices.
	DefaultInput, DefaultOutput bool
}

// StreamFlags reports trouble in the buffers of one callback.
type StreamFlags uint8

// The flags a backend may pass to a Callback.
const (
	// InputOverflow: input was dropped before this buffer (the callback or
	// the system was too slow).
	InputOverflow StreamFlags = 1 << iota
	// InputUnderflow: the input buffer was padded with silence.
	InputUnderflow
	// OutputUnderflow: a gap was played before this buffer.
	OutputUnderflow
	// OutputOverflow: output will be dropped.
	OutputOverflow
)

// Callback is called by the sound system's real-time thread with the
// interleaved input of one buffer and the interleaved output to fill, both
// for the same number of frames. It must not allocate, lock or block.
type Callback func(in, out []float32, flags StreamFlags)

// StreamConfig says what duplex stream to open.
type StreamConfig struct {
	// Input and Output are the devices' indices.
	Input, Output int
	// InputChannels and OutputChannels are the channels opened on each.
	InputChannels, OutputChannels int
	// SampleRate [Hz] and FramesPerBuffer, per callback, are shared by both
	// directions.
	SampleRate, FramesPerBuffer int
}

// Backend is a sound system. It is not safe for concurrent use.
type Backend interface {
	// Devices lists the input and output devices.
	Devices() ([]DeviceInfo, error)
	// OpenDuplex opens, without starting, a stream that calls cb for each
	// buffer. An unsupported sample rate gives an error wrapping
	// ErrSampleRate.
	OpenDuplex(cfg StreamConfig, cb Callback) (Stream, error)
	// Close releases the sound system; streams must be closed first.
	Close() error
}

// Stream is an open duplex stream.
type Stream interface {
	// Start starts calling the callback.
	Start() error
	// DeviceLatency is what the sound system reports for its own input and
	// output buffering, on top of the stream's buffer.
	DeviceLatency() (in, out time.Duration)
	// Close stops the stream at once, dropping what is queued, and closes
	// it; after it returns the callback is not called again.
	Close() error
}

// LatencyMeter is a Stream that can measure its delay while it runs.
type LatencyMeter interface {
	// MeasureLatency returns the delay from a frame's arrival at the
	// stream's input to the playing of the frame the callback wrote for it
	// (the callback's own delay not included), and the devices' own
	// latencies as the sound system reports them.
	MeasureLatency() (path, in, out time.Duration, err error)
}

// SelectDevice picks the device named by spec from devs for input or
// output: "" means the system default, a number the device with that
// index, anything else the device whose name or description contains it
// (ignoring case; an exact name or description wins over partial matches). The error wraps ErrNoDevice
// or ErrAmbiguousDevice and says what to do.
func SelectDevice(devs []DeviceInfo, spec string, input bool) (DeviceInfo, error) {
	dir, flag := "output", "--out"
	if input {
		dir, flag = "input", "--in"
	}
	usable := func(d DeviceInfo) bool {
		if input {
			return d.MaxInputChannels > 0
		}
		return d.MaxOutputChannels > 0
	}
	if spec == "" {
		for _, d := range devs {
			if usable(d) && (input && d.DefaultInput || !input && d.DefaultOutput) {
				return d, nil
			}
		}
		return DeviceInfo{}, fmt.Errorf("%w: the system has no default %s device; run \"hush live --list\" and choose one with %s",
			ErrNoDevice, dir, flag)
	}
	if idx, err := strconv.Atoi(spec); err == nil {
		for _, d := range devs {
			if d.Index != idx {
				continue
			}
			if !usable(d) {
				return DeviceInfo{}, fmt.Errorf("%w: device %d (%s) has no %s channels; run \"hush live --list\"",
					ErrNoDevice, idx, d.Name, dir)
			}
			return d, nil
		}
		return DeviceInfo{}, fmt.Errorf("%w: there is no device %d; run \"hush live --list\"", ErrNoDevice, idx)
	}
	var matches []DeviceInfo
	for _, d := range devs {
		if !usable(d) {
			continue
		}
		if strings.EqualFold(d.Name, spec) || strings.EqualFold(d.Description, spec) {
			return d, nil
		}
		lower := strings.ToLower(spec)
		if strings.Contains(strings.ToLower(d.Name), lower) || strings.Contains(strings.ToLower(d.Description), lower) {
			matches = append(matches, d)
		}
	}
	switch len(matches) {
	case 0:
		return DeviceInfo{}, fmt.Errorf("%w: no %s device's name contains %q; run \"hush live --list\"", ErrNoDevice, dir, spec)
	case 1:
		return matches[0], nil
	}
	names := make([]string, len(matches))
	for i, d := range matches {
		names[i] = fmt.Sprintf("%d (%s)", d.Index, d.Name)
	}
	return DeviceInfo{}, fmt.Errorf("%w: %q matches %s devices %s; give the index with %s",
		ErrAmbiguousDevice, spec, dir, strings.Join(names, ", "), flag)
}
