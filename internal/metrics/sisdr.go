package metrics

import (
	"fmt"
	"math"
)

// SISDR returns the scale-invariant signal-to-distortion ratio [dB] of est
// against the reference clean (Le Roux et al., "SDR – half-baked or well
// done?", ICASSP 2019). Both signals are made zero-mean, clean is scaled to
// best match est, and the ratio of that target's energy to the energy of
// what is left is returned. Scaling est by any non-zero factor does not
// change the result. It is +Inf when est is an exact scaled copy of clean,
// and NaN when clean is silent (constant). It panics if the lengths differ.
func SISDR(clean, est []float32) float64 {
	mustSameLength(clean, est)
	n := len(clean)
	if n == 0 {
		return math.NaN()
	}
	var mc, me float64
	for i := range clean {
		mc += float64(clean[i])
		me += float64(est[i])
	}
	mc /= float64(n)
	me /= float64(n)
	var cc, ce float64
	for i := range clean {
		c := float64(clean[i]) - mc
		cc += c * c
		ce += c * (float64(est[i]) - me)
	}
	if cc == 0 {
		return math.NaN()
	}
	alpha := ce / cc
	var target, noise float64
	for i := range clean {
		t := alpha * (float64(clean[i]) - mc)
		d := float64(est[i]) - me - t
		target += t * t
		noise += d * d
	}
	return 10 * math.Log10(target/noise)
}

func mustSameLength(clean, est []float32) {
	if len(clean) != len(est) {
		panic(fmt.Sprintf("metrics: clean has %d samples, est %d; they must be equal", len(clean), len(est)))
	}
}
