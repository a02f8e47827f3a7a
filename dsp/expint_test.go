package dsp

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExpIntKnownValues(t *testing.T) {
	// Reference values of E1 from Abramowitz & Stegun, table 5.1.
	for _, c := range []struct{ v, e1 float64 }{
		{0.01, 4.0379295765},
		{0.1, 1.8229239584},
		{0.5, 0.5597736},
		{1, 0.2193839344},
		{2, 0.04890051071},
		{5, 0.001148295591},
		{10, 4.156968929e-6},
	} {
		assert.InDelta(t, 1, expInt(c.v)/c.e1, 1e-6, "E1(%g)", c.v)
	}
}

func TestHalfExpIntTableAccuracy(t *testing.T) {
	for v := 1e-8; v < 40; v *= 1.01 {
		want := 0.5 * expInt(float64(float32(v)))
		got := float64(halfExpInt(float32(v)))
		assert.InDelta(t, want, got, 1e-4+6e-4*want, "v=%g", v)
	}
	assert.Equal(t, float32(0), halfExpInt(100))
	assert.False(t, math.IsInf(float64(halfExpInt(0)), 0))
	assert.Equal(t, halfExpInt(0), halfExpInt(float32(math.NaN())), "NaN must not index the table")
}

// halfExpInt is the first result of halfExpIntAndExp.
func halfExpInt(v float32) float32 {
	h, _ := halfExpIntAndExp(v)
	return h
}

func TestExpOfHalfExpIntTable(t *testing.T) {
	for v := 1e-9; v < 40; v *= 1.013 {
		_, e := halfExpIntAndExp(float32(v))
		want := math.Exp(0.5 * expInt(float64(float32(v))))
		assert.InDelta(t, 1, float64(e)/want, 2e-4, "v=%g", v)
	}
	half, e := halfExpIntAndExp(float32(math.NaN()))
	assert.False(t, math.IsNaN(float64(half)) || math.IsNaN(float64(e)))
}
