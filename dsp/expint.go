package dsp

import (
	"math"

	"github.com/hushaudio/hush/internal/vec"
)

// The log-spectral-amplitude gain needs the exponential integral E1(v) for
// every bin of every frame. halfExpIntAndExp serves ½E1(v) and its
// exponential from tables indexed by the bits of v (32 steps per octave,
// linear in between), accurate to 1e-4 absolute (0.001 dB of gain), for a
// few nanoseconds.

const (
	expIntStepsLog2 = 5                    // 32 steps per octave
	expIntMinExp    = -20                  // table starts at v = 2^-20
	expIntMaxExp    = 5                    // and ends at v = 32, where E1 < 1e-15
	expIntSteps     = 1 << expIntStepsLog2 // per octave
	expIntLen       = (expIntMaxExp-expIntMinExp)*expIntSteps + 1
	eulerGamma      = 0.57721566490153286061
)

// expIntTable[i] = ½E1(v_i) with v_i = 2^(expIntMinExp + i/expIntSteps)
// in the mantissa-linear spacing that the float32 bits give. It is filled
// once and only ever read, so Denoisers on any goroutines share it safely.
var expIntTable = makeExpIntTable()

// expHalfExpIntTable[i] = e^(½E1(v_i)) on the same grid, so that the LSA
// gain ξ/(1+ξ)·e^(½E1(v)) needs no exponential per bin.
var expHalfExpIntTable = func() []float32 {
	t := make([]float32, expIntLen)
	for i, h := range expIntTable {
		t[i] = float32(math.Exp(float64(h)))
	}
	return t
}()

func makeExpIntTable() []float32 {
	t := make([]float32, expIntLen)
	for i := range t {
		oct := i / expIntSteps
		frac := float64(i%expIntSteps) / expIntSteps
		v := math.Ldexp(1+frac, expIntMinExp+oct)
		t[i] = float32(0.5 * expInt(v))
	}
	return t
}

// expInt computes E1(v) for v > 0 in float64, by its power series below 1
// and by a continued fraction above.
func expInt(v float64) float64 {
	if v < 1 {
		sum, term := 0.0, 1.0
		for k := 1; k < 60; k++ {
			term *= -v / float64(k)
			sum -= term / float64(k)
			if math.Abs(term) < 1e-18 {
				break
			}
		}
		return -eulerGamma - math.Log(v) + sum
	}
	// Lentz's evaluation of E1(v) = e^-v / (v + 1/(1 + 1/(v + 2/(1 + 2/(v + ...))))).
	b := v + 1
	c := 1e300
	d := 1 / b
	h := d
	for i := 1; i < 200; i++ {
		a := -float64(i * i)
		b += 2
		d = 1 / (a*d + b)
		c = b + a/c
		del := c * d
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return h * math.Exp(-v)
}

// halfExpIntAndExp returns ½E1(v) and e^(½E1(v)) for v >= 0, both from
// tables (NaN is taken as 0).
func halfExpIntAndExp(v float32) (half, exp float32) {
	const vMin = 1.0 / (1 << -expIntMinExp)
	if !(v >= vMin) { // also NaN
		if !(v > 1e-30) {
			v = 1e-30
		}
		// E1(v) ≈ -γ - ln v, so e^(½E1) = e^(-γ/2)/√v.
		half = 0.5 * (-eulerGamma - vec.Log(v))
		return half, 0.749306 / float32(math.Sqrt(float64(v)))
	}
	if v >= 1<<expIntMaxExp {
		return 0, 1
	}
	b := math.Float32bits(v)
	pos := (int32(b>>23)-127-expIntMinExp)<<expIntStepsLog2 | int32(b>>(23-expIntStepsLog2))&(expIntSteps-1)
	frac := float32(b&(1<<(23-expIntStepsLog2)-1)) * (1.0 / (1 << (23 - expIntStepsLog2)))
	lo, elo := expIntTable[pos], expHalfExpIntTable[pos]
	return lo + (expIntTable[pos+1]-lo)*frac, elo + (expHalfExpIntTable[pos+1]-elo)*frac
}
