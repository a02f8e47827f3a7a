package denoise_test

import (
	"fmt"
	"math"

	"github.com/hushaudio/hush/denoise"
)

// A call delivers 20 ms frames of 16-bit PCM at 48 kHz (LiveKit, Opus). Each
// frame is denoised in place; the output is 20 ms behind the input.
func Example_pcm16Frames() {
	d, err := denoise.New(denoise.Config{SampleRate: 48000})
	if err != nil {
		panic(err)
	}
	frame := make([]int16, 960) // 20 ms at 48 kHz
	for range 100 {             // two seconds of a call
		fillWithMicrophone(frame)
		d.ProcessInt16(frame, frame)
	}
	fmt.Printf("latency %v, %d samples\n", d.LatencyDuration(), d.Latency())
	// Output: latency 20ms, 960 samples
}

// An audio callback hands over float32 buffers of a size the device
// chose, here 256 samples at 44.1 kHz; Process accepts any length.
func Example_callback() {
	d, err := denoise.New(denoise.Config{SampleRate: 44100, MaxAttenuation: 30})
	if err != nil {
		panic(err)
	}
	callback := func(in, out []float32) { d.Process(out, in) }

	in := make([]float32, 256)
	out := make([]float32, 256)
	for range 200 {
		callback(in, out)
	}
	fmt.Printf("speech probability of silence: %.2f\n", d.SpeechProbability())
	// Output: speech probability of silence: 0.00
}

// A whole recording: drop the first Latency() samples of the output and
// append the tail from Flush, so the result lines up with the input.
func Example_file() {
	const rate = 16000
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
	d.Flush(out[len(noisy):])
	cleaned := out[d.Latency():]

	fmt.Println(len(cleaned) == len(noisy))
	// Output: true
}

func fillWithMicrophone(frame []int16) {
	for i := range frame {
		frame[i] = int16(1000 * math.Sin(float64(i)))
	}
}
