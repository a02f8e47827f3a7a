// Package clip reads and writes the WAV files the example programs play and
// record. It is file plumbing, kept apart so that each program shows only
// how a call stack hands audio to the denoiser.
package clip

import (
	"fmt"
	"math"

	"github.com/hushaudio/hush/dsp/resample"
	"github.com/hushaudio/hush/internal/wav"
)

// ReadMono reads a WAV file as mono (its channels averaged) at rate [Hz],
// resampling when the file has another rate.
func ReadMono(path string, rate int) ([]float32, error) {
	x, f, err := wav.ReadMonoFile(path)
	if err != nil {
		return nil, err
	}
	if f.SampleRate == rate {
		return x, nil
	}
	y, err := resample.Resample(nil, x, f.SampleRate, rate)
	if err != nil {
		return nil, fmt.Errorf("%s: resampling %d Hz to %d Hz: %w", path, f.SampleRate, rate, err)
	}
	return y, nil
}

// ReadMonoInt16 is ReadMono as 16-bit PCM.
func ReadMonoInt16(path string, rate int) ([]int16, error) {
	x, err := ReadMono(path, rate)
	if err != nil {
		return nil, err
	}
	return ToInt16(x), nil
}

// ToInt16 converts samples in [-1, 1] to 16-bit PCM with Int16.
func ToInt16(x []float32) []int16 {
	y := make([]int16, len(x))
	for i, v := range x {
		y[i] = Int16(v)
	}
	return y
}

// Int16 converts a sample in [-1, 1] to 16-bit PCM, rounding to the
// nearest step and saturating.
func Int16(v float32) int16 {
	return int16(max(-32768, min(32767, math.Round(float64(v)*32768))))
}

// ToFloat32 converts 16-bit PCM to samples in [-1, 1).
func ToFloat32(x []int16) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(v) / 32768
	}
	return y
}

// PCM16LE returns x as little-endian 16-bit PCM bytes, the form SIP stacks
// and pipes carry.
func PCM16LE(x []int16) []byte {
	b := make([]byte, 2*len(x))
	for i, v := range x {
		b[2*i] = byte(v)
		b[2*i+1] = byte(uint16(v) >> 8)
	}
	return b
}

// FromPCM16LE is the inverse of PCM16LE; a trailing odd byte is dropped.
func FromPCM16LE(b []byte) []int16 {
	x := make([]int16, len(b)/2)
	for i := range x {
		x[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
	}
	return x
}

// WriteMono writes x, mono at rate [Hz], as a 16-bit PCM WAV file.
func WriteMono(path string, x []float32, rate int) error {
	return Write(path, x, rate, 1)
}

// WriteMonoInt16 is WriteMono for 16-bit PCM.
func WriteMonoInt16(path string, x []int16, rate int) error {
	return WriteMono(path, ToFloat32(x), rate)
}

// Write writes x, interleaved channels at rate [Hz], as a 16-bit PCM WAV
// file.
func Write(path string, x []float32, rate, channels int) error {
	return wav.WriteFile(path, x, wav.Format{SampleRate: rate, Channels: channels, Encoding: wav.PCM, BitsPerSample: 16})
}
