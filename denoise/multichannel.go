package denoise

import (
	"fmt"
	"time"
)

// MaxChannels is the most channels a Multi (and so a Reader or Writer)
// accepts.
const MaxChannels = 64

// multiChunk is the most frames a Multi de-interleaves at a time.
const multiChunk = 256

// Multi removes background noise from interleaved multichannel audio
// (L R L R ... for stereo), each channel with its own Filter and state, so
// channel c of the output is exactly what a mono Filter (or, up to 48 kHz,
// a Denoiser) makes of channel c alone. It takes any rate from
// MinSampleRate to MaxFilterSampleRate, any number of frames per call, and
// allocates nothing after NewMulti. It must not be used by two goroutines
// at once.
type Multi struct {
	chans    []*Filter
	planar   []float32 // multiChunk samples per channel
	planar16 []int16
}

// NewMulti returns a Multi for channels interleaved channels, each
// filtered with cfg (see NewFilter for the rates). It returns an error
// wrapping ErrChannels, ErrSampleRate or ErrMaxAttenuation.
func NewMulti(cfg Config, channels int) (*Multi, error) {
	if channels < 1 || channels > MaxChannels {
		return nil, fmt.Errorf("%w: got %d, want 1..%d", ErrChannels, channels, MaxChannels)
	}
	m := &Multi{
		chans:    make([]*Filter, channels),
		planar:   make([]float32, multiChunk*channels),
		planar16: make([]int16, multiChunk*channels),
	}
	for c := range m.chans {
		f, err := NewFilter(cfg)
		if err != nil {
			return nil, err
		}
		m.chans[c] = f
	}
	return m, nil
}

// Channels returns the number of interleaved channels.
func (m *Multi) Channels() int { return len(m.chans) }

// SampleRate returns the sample rate of the stream [Hz].
func (m *Multi) SampleRate() int { return m.chans[0].SampleRate() }

// Latency returns the delay of the output in frames (samples per
// channel); see Filter.Latency.
func (m *Multi) Latency() int { return m.chans[0].Latency() }

// LatencyDuration returns Latency as a duration.
func (m *Multi) LatencyDuration() time.Duration { return m.chans[0].LatencyDuration() }

// FrameSize returns the number of frames in 10 ms, the natural unit to
// feed; any other number works as well.
func (m *Multi) FrameSize() int { return m.chans[0].FrameSize() }

// Channel returns the Filter of channel c, for its SpeechProbability or to
// change its strength alone.
func (m *Multi) Channel(c int) *Filter { return m.chans[c] }

// SetMaxAttenuation changes the strength of every channel, as
// Denoiser.SetMaxAttenuation does.
func (m *Multi) SetMaxAttenuation(db float64) error {
	for _, f := range m.chans {
		if err := f.SetMaxAttenuation(db); err != nil {
			return err
		}
	}
	return nil
}

// Process denoises interleaved src into dst. len(src) must be a multiple
// of Channels() and dst at least as long; Process panics otherwise. dst and
// src may be the same slice. Frame i of dst is the denoised frame
// Latency() frames before frame i of src.
func (m *Multi) Process(dst, src []float32) {
	ch := m.check("Process", len(dst), len(src))
	if ch == 1 {
		m.chans[0].Process(dst, src)
		return
	}
	multiProcess(m.chans, m.planar, dst, src, (*Filter).Process)
}

// ProcessInt16 is Process for interleaved 16-bit PCM; each channel's
// output is exactly the mono Filter's ProcessInt16 output.
func (m *Multi) ProcessInt16(dst, src []int16) {
	ch := m.check("ProcessInt16", len(dst), len(src))
	if ch == 1 {
		m.chans[0].ProcessInt16(dst, src)
		return
	}
	multiProcess(m.chans, m.planar16, dst, src, (*Filter).ProcessInt16)
}

// multiProcess deinterleaves src into planar (multiChunk samples per
// channel), runs each channel's Filter with process and interleaves the
// result into dst, a chunk at a time.
func multiProcess[T float32 | int16](chans []*Filter, planar, dst, src []T, process func(*Filter, []T, []T)) {
	ch := len(chans)
	for len(src) > 0 {
		frames := min(len(src)/ch, multiChunk)
		// Every channel is read before any is written, so in place works.
		for c := range ch {
			p := planar[c*multiChunk : c*multiChunk+frames]
			for i := range p {
				p[i] = src[i*ch+c]
			}
		}
		for c, f := range chans {
			p := planar[c*multiChunk : c*multiChunk+frames]
			process(f, p, p)
			for i, v := range p {
				dst[i*ch+c] = v
			}
		}
		src, dst = src[frames*ch:], dst[frames*ch:]
	}
}

func (m *Multi) check(method string, dst, src int) int {
	ch := len(m.chans)
	if src%ch != 0 {
		panic(fmt.Sprintf("denoise: Multi.%s got %d samples, not a whole number of %d-channel frames", method, src, ch))
	}
	if dst < src {
		panic(fmt.Sprintf("denoise: Multi.%s got dst of %d samples for %d input samples", method, dst, src))
	}
	return ch
}

// Flush ends the stream: it writes the Latency() frames still held,
// interleaved, to dst (which must have room for Latency()·Channels()
// samples) and returns the number of samples written. Call Reset before
// another stream.
func (m *Multi) Flush(dst []float32) int {
	n := m.Latency() * len(m.chans)
	if len(dst) < n {
		panic(fmt.Sprintf("denoise: Multi.Flush needs %d samples of room, got %d", n, len(dst)))
	}
	clear(dst[:n])
	m.Process(dst[:n], dst[:n])
	return n
}

// FlushInt16 is Flush for 16-bit PCM.
func (m *Multi) FlushInt16(dst []int16) int {
	n := m.Latency() * len(m.chans)
	if len(dst) < n {
		panic(fmt.Sprintf("denoise: Multi.FlushInt16 needs %d samples of room, got %d", n, len(dst)))
	}
	clear(dst[:n])
	m.ProcessInt16(dst[:n], dst[:n])
	return n
}

// Reset makes the Multi ready for a new stream without allocating.
func (m *Multi) Reset() {
	for _, f := range m.chans {
		f.Reset()
	}
}
