package denoise_test

// Examples for the Go media stacks hush is used from. So that the module
// needs none of them, each is written against a small local type that
// mirrors the real API exactly; the comments name the real types. Swap the
// local names for the real ones and the code is the same.

import (
	"bytes"
	"fmt"
	"io"
	"math"

	"github.com/hushaudio/hush/denoise"
)

// --- pion/mediadevices -------------------------------------------------

// chunkInfo mirrors wave.ChunkInfo (github.com/pion/mediadevices/pkg/wave).
type chunkInfo struct{ Len, Channels, SamplingRate int }

// waveAudio mirrors the wave.Audio interface (reduced to what is used).
type waveAudio interface{ ChunkInfo() chunkInfo }

// int16Interleaved mirrors *wave.Int16Interleaved.
type int16Interleaved struct {
	Data []int16
	Size chunkInfo
}

func (a *int16Interleaved) ChunkInfo() chunkInfo { return a.Size }

// float32Interleaved mirrors *wave.Float32Interleaved.
type float32Interleaved struct {
	Data []float32
	Size chunkInfo
}

func (a *float32Interleaved) ChunkInfo() chunkInfo { return a.Size }

// audioReader mirrors audio.Reader (github.com/pion/mediadevices/pkg/io/audio).
type audioReader interface {
	Read() (chunk waveAudio, release func(), err error)
}

// audioReaderFunc mirrors audio.ReaderFunc.
type audioReaderFunc func() (chunk waveAudio, release func(), err error)

func (f audioReaderFunc) Read() (waveAudio, func(), error) { return f() }

// audioTransformFunc mirrors audio.TransformFunc.
type audioTransformFunc func(r audioReader) audioReader

// denoiseTransform is an audio.TransformFunc for mediadevices: add it to
// the track's constraints (c.AudioTransform = denoiseTransform(...)). The
// chunk size is the driver's (often 10 or 20 ms); the Multi takes any, and
// is rebuilt if the driver changes rate or channel count mid-stream. The
// audio comes out Latency() frames (20 ms up to 48 kHz) late, which in a
// call is simply part of the end-to-end delay.
func denoiseTransform(strength float64) audioTransformFunc {
	return func(r audioReader) audioReader {
		var m *denoise.Multi
		return audioReaderFunc(func() (waveAudio, func(), error) {
			chunk, release, err := r.Read()
			if err != nil {
				return chunk, release, err
			}
			info := chunk.ChunkInfo()
			if m == nil || m.SampleRate() != info.SamplingRate || m.Channels() != info.Channels {
				if m, err = denoise.NewMulti(denoise.Config{SampleRate: info.SamplingRate, MaxAttenuation: strength}, info.Channels); err != nil {
					return chunk, release, err
				}
			}
			switch c := chunk.(type) {
			case *int16Interleaved:
				m.ProcessInt16(c.Data, c.Data)
			case *float32Interleaved:
				m.Process(c.Data, c.Data)
			}
			return chunk, release, nil
		})
	}
}

// pion/mediadevices: denoise a microphone track with an audio transform.
func Example_mediadevices() {
	mic := audioReaderFunc(func() (waveAudio, func(), error) { // stands for the driver
		return &int16Interleaved{Data: make([]int16, 2*480), Size: chunkInfo{Len: 480, Channels: 2, SamplingRate: 48000}}, func() {}, nil
	})
	track := denoiseTransform(0)(mic)
	for range 50 {
		chunk, release, err := track.Read()
		if err != nil {
			panic(err)
		}
		_ = chunk // encode and send
		release()
	}
	fmt.Println("denoised 50 stereo chunks of 10 ms")
	// Output: denoised 50 stereo chunks of 10 ms
}

// --- LiveKit ----------------------------------------------------------

// pcm16Writer mirrors media.PCM16Writer (github.com/livekit/media-sdk,
// used by server-sdk-go/v2's PCMLocalTrack and NewPCMRemoteTrack): frames
// of media.PCM16Sample, which is []int16.
type pcm16Writer interface {
	WriteSample(sample []int16) error
}

// denoisingWriter denoises the frames on their way to next: wrap the
// PCMLocalTrack you publish (the agent's cleaned microphone), or the writer
// you give NewPCMRemoteTrack (a participant's audio before speech-to-text).
// LiveKit's frames are 10 or 20 ms; the Filter's 10 ms hop does not need
// them to match. Frames are copied first: the caller may reuse its buffer.
type denoisingWriter struct {
	next pcm16Writer
	f    *denoise.Filter
	buf  []int16
}

func (w *denoisingWriter) WriteSample(sample []int16) error {
	w.buf = append(w.buf[:0], sample...) // grows once, to the frame size
	w.f.ProcessInt16(w.buf, w.buf)
	return w.next.WriteSample(w.buf)
}

// countingTrack stands for a PCMLocalTrack.
type countingTrack struct{ samples int }

func (t *countingTrack) WriteSample(s []int16) error { t.samples += len(s); return nil }

// LiveKit: a 48 kHz mono frame loop of 20 ms PCM16 frames.
func Example_livekit() {
	f, err := denoise.NewFilter(denoise.Config{SampleRate: 48000})
	if err != nil {
		panic(err)
	}
	track := &countingTrack{}
	w := &denoisingWriter{next: track, f: f}
	frame := make([]int16, 960) // 20 ms at 48 kHz
	for range 50 {
		// frame = the next 20 ms from the microphone or a remote track
		if err := w.WriteSample(frame); err != nil {
			panic(err)
		}
	}
	fmt.Printf("%d samples sent, %v behind the input\n", track.samples, f.LatencyDuration())
	// Output: 48000 samples sent, 20ms behind the input
}

// --- SIP (diago, sipgo) -----------------------------------------------

// SIP: in diago (built on sipgo) a call's audio arrives as an io.Reader of
// RTP payloads, dialog.AudioReader(), which audio.NewPCMDecoderReader
// (github.com/emiago/diago/audio) turns into PCM16LE: 8 kHz for G.711.
// A denoise.Reader goes on top; reads of any size work, even odd ones
// (RTP carries 20 ms, 160 samples), and its own reads from the decoder are
// 2 KiB, more than the media.RTPBufSize diago asks for. The output is
// latency-compensated: the first Read waits for 20 ms of input, and none
// of the call is shifted.
func Example_sip() {
	incoming := bytes.NewReader(make([]byte, 2*8000)) // stands for the PCMDecoderReader: 1 s
	r, err := denoise.NewReader(incoming, denoise.Config{SampleRate: 8000}, 1)
	if err != nil {
		panic(err)
	}
	var toSpeechToText bytes.Buffer // or a PCM encoder writer on dialog.AudioWriter()
	n, err := io.Copy(&toSpeechToText, r)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d bytes in, %d bytes out\n", incoming.Size(), n)
	// Output: 16000 bytes in, 16000 bytes out
}

// A denoise.Writer is the same for audio pushed to an io.Writer; Close
// writes the last 20 ms.
func Example_sipWriter() {
	var out bytes.Buffer // the next stage: audio.NewPCMEncoderWriter on dialog.AudioWriter(), a file
	w, err := denoise.NewWriter(&out, denoise.Config{SampleRate: 8000}, 1)
	if err != nil {
		panic(err)
	}
	payload := make([]byte, 320) // 20 ms of 8 kHz PCM16LE, as RTP carries it
	for range 50 {
		if _, err := w.Write(payload); err != nil {
			panic(err)
		}
	}
	fmt.Println("before Close:", out.Len())
	if err := w.Close(); err != nil {
		panic(err)
	}
	fmt.Println("after Close:", out.Len())
	// Output:
	// before Close: 15680
	// after Close: 16000
}

// --- PortAudio --------------------------------------------------------

// PortAudio (github.com/gordonklaus/portaudio): a duplex stream opened with
// portaudio.OpenDefaultStream(2, 2, 44100, 256, callback) calls
// callback(in, out []float32) with interleaved stereo buffers of the size
// it chose. A Multi takes them as they come and allocates nothing, as an
// audio callback must. The sound is Latency() frames (20 ms) plus the
// device's buffers late.
func Example_portaudio() {
	const channels = 2
	m, err := denoise.NewMulti(denoise.Config{SampleRate: 44100}, channels)
	if err != nil {
		panic(err)
	}
	callback := func(in, out []float32) { m.Process(out, in) }

	in := make([]float32, 256*channels) // what the device delivers
	out := make([]float32, len(in))
	for range 100 {
		for i := range in {
			in[i] = float32(0.1 * math.Sin(float64(i)))
		}
		callback(in, out)
	}
	fmt.Printf("latency %d frames (%v) plus the device's\n", m.Latency(), m.LatencyDuration())
	// Output: latency 882 frames (20ms) plus the device's
}

// --- any rate -----------------------------------------------------------

// Studio rates: a Filter takes 96 kHz (and anything from 8 to 192 kHz),
// denoising at 48 kHz inside and turning the band above 24 kHz down as
// noise. Its latency is exact, so a file stays aligned.
func ExampleNewFilter() {
	f, err := denoise.NewFilter(denoise.Config{SampleRate: 96000})
	if err != nil {
		panic(err)
	}
	x := make([]float32, 96000) // one second, read from a file
	out := make([]float32, len(x)+f.Latency())
	f.Process(out, x)
	f.Flush(out[len(x):])
	cleaned := out[f.Latency():] // aligned with x, as long as x

	fmt.Println(f.ProcessingRate(), f.Latency(), f.LatencyDuration(), len(cleaned) == len(x))
	// Output: 48000 2038 21.229ms true
}
