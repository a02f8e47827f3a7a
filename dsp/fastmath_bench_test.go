package dsp

import (
	"math"
	"testing"
)

var sinkF32 float32

func BenchmarkFastExp(b *testing.B) {
	var s float32
	x := float32(-3.7)
	for b.Loop() {
		s += fastExp(x)
		x += 1e-7
	}
	sinkF32 = s
}

func BenchmarkFastLog(b *testing.B) {
	var s float32
	x := float32(3.7)
	for b.Loop() {
		s += fastLog(x)
		x += 1e-7
	}
	sinkF32 = s
}

func BenchmarkMathExp(b *testing.B) {
	var s float64
	x := -3.7
	for b.Loop() {
		s += math.Exp(x)
		x += 1e-7
	}
	sinkF32 = float32(s)
}

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
