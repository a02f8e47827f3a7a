package dsp

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noiseFrames returns frames of exponentially distributed power, the
// periodogram of white noise, around unit noise power.
func noiseFrames(frames, bins int) [][]float32 {
	rng := rand.New(rand.NewPCG(3, 4))
	out := make([][]float32, frames)
	for f := range out {
		out[f] = make([]float32, bins)
		for k := range out[f] {
			out[f][k] = float32(rng.ExpFloat64())
		}
	}
	return out
}

func TestSetMaxAttenuationMatchesConstructor(t *testing.T) {
	const bins = 161
	noise := make([]float32, bins)
	for k := range noise {
		noise[k] = 1
	}
	set := NewOMLSAGain(bins, 12)
	set.SetMaxAttenuation(40)
	made := NewOMLSAGain(bins, 40)
	gs, gm := make([]float32, bins), make([]float32, bins)
	for _, power := range noiseFrames(50, bins) {
		set.Compute(gs, power, noise)
		made.Compute(gm, power, noise)
		require.Equal(t, gm, gs)
	}
}

func TestSetMaxAttenuationMidStream(t *testing.T) {
	const bins = 161
	noise := make([]float32, bins)
	for k := range noise {
		noise[k] = 1
	}
	frames := noiseFrames(200, bins)
	gains := make([]float32, bins)
	// meanDB returns the mean gain [dB] that g gives the frames.
	meanDB := func(g *OMLSAGain, frames [][]float32) float64 {
		var sum float64
		for _, power := range frames {
			g.Compute(gains, power, noise)
			for _, x := range gains {
				sum += 20 * math.Log10(float64(x))
			}
		}
		return sum / float64(len(frames)*bins)
	}
	g := NewOMLSAGain(bins, 12)
	ref := NewOMLSAGain(bins, 30)
	gentle := meanDB(g, frames[:100])
	meanDB(ref, frames[:100])

	g.SetMaxAttenuation(30)
	strong := meanDB(g, frames[100:])
	want := meanDB(ref, frames[100:])
	// On noise alone the gains sit near the floor, so they drop with it at
	// once, to where a rule made with the new floor has them.
	assert.Less(t, strong, gentle-10, "gentle %.1f dB, strong %.1f dB", gentle, strong)
	assert.InDelta(t, want, strong, 0.5)

	assert.Zero(t, testing.AllocsPerRun(100, func() { g.SetMaxAttenuation(18) }))
}
