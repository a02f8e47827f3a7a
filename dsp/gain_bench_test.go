package dsp

import "testing"

func BenchmarkOMLSACompute481(b *testing.B) {
	g := NewOMLSAGain(481, 24)
	g.SpeechFloorRatio = 0.5
	power := make([]float32, 481)
	noise := make([]float32, 481)
	gains := make([]float32, 481)
	for k := range power {
		power[k] = float32(1 + k%7)
		noise[k] = 2
	}
	for b.Loop() {
		g.Compute(gains, power, noise)
	}
}

func BenchmarkSPPUpdate481(b *testing.B) {
	e := NewSPPNoiseEstimator(481)
	power := make([]float32, 481)
	for k := range power {
		power[k] = float32(1 + k%7)
	}
	for b.Loop() {
		e.Update(power)
	}
}
