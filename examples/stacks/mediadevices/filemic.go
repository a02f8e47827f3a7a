package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"

	"github.com/hushaudio/hush/examples/stacks/internal/clip"
)

// sampleFormat is how a microphone driver hands its samples over: the four
// chunk types of package wave.
type sampleFormat string

const (
	int16Interleaved      sampleFormat = "int16"
	float32Interleaved    sampleFormat = "float32"
	int16NonInterleaved   sampleFormat = "int16-planar"
	float32NonInterleaved sampleFormat = "float32-planar"
)

var sampleFormats = []sampleFormat{int16Interleaved, float32Interleaved, int16NonInterleaved, float32NonInterleaved}

// fileMic is a mediadevices microphone driver that plays a recording
// instead of capturing one, so that the example runs, and is tested,
// without sound hardware. It hands the recording over the way a real
// driver does: in chunks of Latency, of the chunk type its format names,
// with every channel a copy of the mono recording.
type fileMic struct {
	samples  []float32 // mono, in [-1, 1]
	rate     int       // [Hz]
	channels int
	format   sampleFormat
	chunk    time.Duration
	realtime bool // hand chunks over at the pace of a microphone

	mu     sync.Mutex
	closed chan struct{}
}

func newFileMic(samples []float32, rate, channels int, format sampleFormat, realtime bool) (*fileMic, error) {
	switch format {
	case int16Interleaved, float32Interleaved, int16NonInterleaved, float32NonInterleaved:
	default:
		return nil, fmt.Errorf("sample format %q: want one of %v", format, sampleFormats)
	}
	if channels < 1 {
		return nil, fmt.Errorf("%d channels: want 1 or more", channels)
	}
	return &fileMic{samples: samples, rate: rate, channels: channels, format: format,
		chunk: 20 * time.Millisecond, realtime: realtime}, nil
}

// register adds m to mediadevices' drivers under label and returns the
// device ID that GetUserMedia's constraints select it by.
func (m *fileMic) register(label string) (string, error) {
	if err := driver.GetManager().Register(m, driver.Info{Label: label, DeviceType: driver.Microphone}); err != nil {
		return "", err
	}
	for _, d := range driver.GetManager().Query(driver.FilterAudioRecorder()) {
		if d.Info().Label == label {
			return d.ID(), nil
		}
	}
	return "", fmt.Errorf("mediadevices did not list the driver %q just registered", label)
}

func (m *fileMic) Open() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = make(chan struct{})
	return nil
}

func (m *fileMic) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed != nil {
		close(m.closed)
		m.closed = nil
	}
	return nil
}

func (m *fileMic) Properties() []prop.Media {
	size := 2
	if m.format == float32Interleaved || m.format == float32NonInterleaved {
		size = 4
	}
	return []prop.Media{{Audio: prop.Audio{
		ChannelCount:  m.channels,
		SampleRate:    m.rate,
		Latency:       m.chunk,
		SampleSize:    size,
		IsFloat:       size == 4,
		IsInterleaved: m.format == int16Interleaved || m.format == float32Interleaved,
	}}}
}

func (m *fileMic) AudioRecord(p prop.Media) (audio.Reader, error) {
	m.mu.Lock()
	closed := m.closed
	m.mu.Unlock()
	frames := int(int64(m.rate) * int64(m.chunk) / int64(time.Second))
	next := time.Now()
	pos := 0
	return audio.ReaderFunc(func() (wave.Audio, func(), error) {
		select {
		case <-closed:
			return nil, func() {}, io.EOF
		default:
		}
		if pos >= len(m.samples) {
			return nil, func() {}, io.EOF
		}
		if m.realtime {
			time.Sleep(time.Until(next))
			next = next.Add(m.chunk)
		}
		x := m.samples[pos:min(pos+frames, len(m.samples))]
		pos += len(x)
		return m.makeChunk(x), func() {}, nil
	}), nil
}

// makeChunk returns x, copied to every channel, as a chunk of m's type.
func (m *fileMic) makeChunk(x []float32) wave.Audio {
	info := wave.ChunkInfo{Len: len(x), Channels: m.channels, SamplingRate: m.rate}
	var a wave.EditableAudio
	switch m.format {
	case int16Interleaved:
		a = wave.NewInt16Interleaved(info)
	case float32Interleaved:
		a = wave.NewFloat32Interleaved(info)
	case int16NonInterleaved:
		a = wave.NewInt16NonInterleaved(info)
	default: // float32NonInterleaved, checked by newFileMic
		a = wave.NewFloat32NonInterleaved(info)
	}
	isInt16 := m.format == int16Interleaved || m.format == int16NonInterleaved
	for i, v := range x {
		// A sample of the chunk's own type, which Set stores as it is.
		var s wave.Sample = wave.Float32Sample(v)
		if isInt16 {
			s = wave.Int16Sample(clip.Int16(v))
		}
		for ch := range m.channels {
			a.Set(i, ch, s)
		}
	}
	return a
}
