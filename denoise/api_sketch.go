package denoise

// This file fixes the package's API so that other packages can be written
// against it while it is being implemented. It is replaced by the real code.

import "errors"

// Config configures a Denoiser; zero values mean the documented defaults.
type Config struct {
	SampleRate     int     // [Hz] 8000..48000; 0 means 48000
	MaxAttenuation float64 // [dB] strength: the most noise is turned down; 0 means 24 dB
}

var ErrSampleRate = errors.New("denoise: unsupported sample rate")

// Denoiser removes noise from one mono stream.
type Denoiser struct{}

// New validates cfg and returns a ready Denoiser.
func New(cfg Config) (*Denoiser, error) { panic("unimplemented") }

// Process denoises src into dst (len(dst) >= len(src); may be the same slice).
// dst[i] is the output for input sample i-Latency().
func (d *Denoiser) Process(dst, src []float32) { panic("unimplemented") }

// ProcessInt16 is Process for 16-bit PCM.
func (d *Denoiser) ProcessInt16(dst, src []int16) { panic("unimplemented") }

// Flush writes the Latency() samples still held (the end of the stream, as
// if silence followed) into dst, which needs len(dst) >= Latency(), and
// returns how many it wrote. Call Reset before reusing for a new stream.
func (d *Denoiser) Flush(dst []float32) int { panic("unimplemented") }

// Latency returns the delay of the output in samples.
func (d *Denoiser) Latency() int { panic("unimplemented") }

// SpeechProbability returns the probability that the most recent frame holds speech.
func (d *Denoiser) SpeechProbability() float32 { panic("unimplemented") }

// Reset forgets the stream so the Denoiser can start a new one.
func (d *Denoiser) Reset() { panic("unimplemented") }
