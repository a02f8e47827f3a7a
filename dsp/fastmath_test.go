package dsp

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestFastLogMatchesMathLog(t *testing.T) {
	for x := 1e-30; x < 1e30; x *= 1.137 {
		got := float64(fastLog(float32(x)))
		want := math.Log(float64(float32(x)))
		assert.InDelta(t, want, got, 2e-6*math.Max(1, math.Abs(want)), "x=%g", x)
	}
	assert.InDelta(t, -88.03, float64(fastLog(0)), 0.01, "zero gives a large negative finite value")
}

func TestFastExpMatchesMathExp(t *testing.T) {
	for x := -87.0; x < 87.5; x += 0.0137 {
		got := float64(fastExp(float32(x)))
		want := math.Exp(float64(float32(x)))
		// float32 rounding of x*log2(e) dominates for large |x|.
		assert.InDelta(t, 1, got/want, 1e-5, "x=%g", x)
	}
	assert.Less(t, fastExp(-200), float32(2e-38), "underflow gives about the smallest normal")
	assert.False(t, math.IsInf(float64(fastExp(200)), 0))
}
