package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/denoise"
)

func TestPipeKeepsLengthAndDenoises(t *testing.T) {
	const rate = 8000
	in := make([]byte, 2*rate)
	for i := range rate {
		// A low tone under loud deterministic hiss.
		v := 3000*math.Sin(2*math.Pi*200*float64(i)/rate) + 4000*math.Sin(float64(i*i%977))
		binary.LittleEndian.PutUint16(in[2*i:], uint16(int16(v)))
	}
	var out bytes.Buffer
	require.NoError(t, run(bytes.NewReader(in), &out, denoise.Config{SampleRate: rate}))
	require.Equal(t, len(in), out.Len())
	// The hiss carries most of the input's power; the second half (the
	// denoiser has converged) must come out several dB quieter.
	half := func(b []byte) float64 {
		var p float64
		for i := len(b) / 2; i+1 < len(b); i += 2 {
			v := float64(int16(binary.LittleEndian.Uint16(b[i:])))
			p += v * v
		}
		return p
	}
	removed := 10 * math.Log10(half(in)/half(out.Bytes()))
	assert.Greater(t, removed, 8.0, "dB removed from tone plus hiss")
}

func TestPipeErrors(t *testing.T) {
	var out bytes.Buffer
	assert.ErrorIs(t, run(bytes.NewReader(nil), &out, denoise.Config{SampleRate: 1000}), denoise.ErrSampleRate)
	assert.ErrorIs(t, run(bytes.NewReader([]byte{1, 2, 3}), &out, denoise.Config{SampleRate: 8000}), denoise.ErrPartialFrame)
}
