package denoise_test

import (
	"bytes"
	"fmt"
	"io"
	"math"

	"github.com/hushaudio/hush/denoise"
)

// A call delivers 20 ms frames of 16-bit PCM at 48 kHz (LiveKit, Opus). Each
// frame is denoised in place; the output is 20 ms behind the input.
func Example_pcm16Frames() {
	d, err := denoise.New(denoise.Config{SampleRate: 48000}) // one per participant
	if err != nil {
		panic(err)
	}
	frame := make([]int16, 960) // 20 ms at 48 kHz
	for range 100 {             // two seconds of a call
		fillWithMicrophone(frame)
		d.ProcessInt16(frame, frame)
	}
	fmt.Printf("latency %v, %d samples; speech %.2f\n", d.LatencyDuration(), d.Latency(), d.SpeechProbability(0))
	// Output: latency 20ms, 960 samples; speech 0.00
}

// An audio callback (PortAudio, for one) hands over interleaved float32
// buffers of a size the device chose, here stereo at 44.1 kHz in 256-frame
// buffers; Process accepts any number of frames and allocates nothing, as
// an audio callback must. Each channel is denoised on its own.
func Example_callback() {
	d, err := denoise.New(denoise.Config{SampleRate: 44100, Channels: 2, MaxAttenuation: 30})
	if err != nil {
		panic(err)
	}
	callback := func(in, out []float32) { d.Process(out, in) }

	in := make([]float32, 256*2)
	out := make([]float32, len(in))
	for range 200 {
		callback(in, out)
	}
	fmt.Printf("latency %d frames (%v) plus the device's\n", d.Latency(), d.LatencyDuration())
	// Output: latency 882 frames (20ms) plus the device's
}

// A whole recording: drop the first Latency() frames of the output and
// append the tail from Drain, so the result lines up with the input. Any
// rate from 8 to 192 kHz works; above 48 kHz the noise is removed at 48 or
// 44.1 kHz inside and the band above is turned down as noise.
func Example_file() {
	const rate = 96000
	noisy := make([]float32, 3*rate) // stands for samples read from a file
	for i := range noisy {
		noisy[i] = 0.3 * float32(math.Sin(2*math.Pi*220*float64(i)/rate))
	}

	d, err := denoise.New(denoise.Config{SampleRate: rate})
	if err != nil {
		panic(err)
	}
	out := make([]float32, len(noisy)+d.Latency())
	d.Process(out, noisy)
	d.Drain(out[len(noisy):])
	cleaned := out[d.Latency():]

	fmt.Println(len(cleaned) == len(noisy), d.LatencyDuration())
	// Output: true 21.229ms
}

// SIP stacks (diago, sipgo) hand a call's audio over as an io.Reader of
// PCM16LE, 8 kHz for G.711. A Reader on top denoises it; reads of any size
// work, and the output is latency-compensated: as long as the input, and
// aligned with it.
func ExampleNewReader() {
	incoming := bytes.NewReader(make([]byte, 2*8000)) // stands for the decoded call: 1 s
	r, err := denoise.NewReader(incoming, denoise.Config{SampleRate: 8000})
	if err != nil {
		panic(err)
	}
	var toSpeechToText bytes.Buffer
	n, err := io.Copy(&toSpeechToText, r)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d bytes in, %d bytes out\n", incoming.Size(), n)
	// Output: 16000 bytes in, 16000 bytes out
}

// A Writer denoises audio pushed to an io.Writer. Flush is like
// compress/flate's: the stream goes on, so flushing after every packet
// changes nothing; Close writes the last 20 ms.
func ExampleWriter_Flush() {
	var out bytes.Buffer // the next stage: an RTP packetiser, a file
	w, err := denoise.NewWriter(&out, denoise.Config{SampleRate: 8000})
	if err != nil {
		panic(err)
	}
	payload := make([]byte, 320) // 20 ms of 8 kHz PCM16LE
	for range 50 {
		if _, err := w.Write(payload); err != nil {
			panic(err)
		}
		if err := w.Flush(); err != nil {
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

// A noise profile from the second before the speech gives the Denoiser a
// head start, as in sox or Audacity; it keeps tracking the noise after.
func ExampleDenoiser_LearnNoise() {
	d, err := denoise.New(denoise.Config{SampleRate: 16000})
	if err != nil {
		panic(err)
	}
	noise := make([]float32, 16000) // the background alone
	for i := range noise {
		noise[i] = 0.01 * float32(math.Sin(float64(i*i)))
	}
	if err := d.LearnNoise(noise); err != nil {
		panic(err)
	}
	fmt.Printf("noise at %.0f dBFS\n", d.NoiseLevel(0))
	// Output: noise at -43 dBFS
}

// The strength can change while a stream runs, from a slider or a key,
// without a gap: from the next 10 ms frame on.
func ExampleDenoiser_SetMaxAttenuation() {
	d, err := denoise.New(denoise.Config{SampleRate: 48000})
	if err != nil {
		panic(err)
	}
	if err := d.SetMaxAttenuation(40); err != nil {
		panic(err)
	}
	fmt.Println(d.Config().MaxAttenuation)
	// Output: 40
}

func fillWithMicrophone(frame []int16) {
	for i := range frame {
		frame[i] = int16(1000 * math.Sin(float64(i)))
	}
}
