package dsp

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

func sppTestNoise(rng *rand.Rand, bins int, level float32) []float32 {
	p := make([]float32, bins)
	for k := range p {
		// Periodogram of Gaussian noise: exponentially distributed power.
		p[k] = level * float32(rng.ExpFloat64())
	}
	return p
}

func TestSPPTracksSteadyNoiseLevel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	e := NewSPPNoiseEstimator(64)
	for range 300 {
		e.Update(sppTestNoise(rng, 64, 2))
	}
	var mean float32
	for _, n := range e.Noise() {
		mean += n / 64
	}
	// The estimate of a steady noise of mean power 2 stays close to it.
	assert.InDelta(t, 2, mean, 0.5)
}

func TestSPPSkipsDigitalSilence(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	e := NewSPPNoiseEstimator(64)
	for range 100 {
		e.Update(sppTestNoise(rng, 64, 1))
	}
	before := append([]float32(nil), e.Noise()...)
	for range 500 {
		e.Update(make([]float32, 64))
	}
	assert.Equal(t, before, e.Noise(), "silence must leave the estimate alone")
}

func TestSPPSetNoiseSurvivesTheNextFrame(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	e := NewSPPNoiseEstimator(64)
	profile := make([]float32, 64)
	for k := range profile {
		profile[k] = 4
	}
	e.SetNoise(profile)
	e.Update(sppTestNoise(rng, 64, 4))
	for k, n := range e.Noise() {
		assert.Greater(t, n, float32(0.5), "bin %d fell to %g right after SetNoise", k, n)
	}
}
