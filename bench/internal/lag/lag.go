// Package lag finds how far one signal is shifted against another, for the
// bench's alignment checks and delay measurements.
package lag

import "math"

// Best returns the shift k in [-maxLag, maxLag] that maximises the
// normalised cross-correlation of est[n+k] with ref[n], and that
// correlation. A positive k means est lags behind ref (is delayed).
func Best(ref, est []float32, maxLag int) (lag int, corr float64) {
	return Between(ref, est, -maxLag, maxLag)
}

// Between is Best searching the shifts in [lo, hi] only.
func Between(ref, est []float32, lo, hi int) (lag int, corr float64) {
	n := min(len(ref), len(est))
	corr = math.Inf(-1)
	for k := lo; k <= hi; k++ {
		var s, ee, rr float64
		for i := max(0, -k); i < n && i+k < n; i++ {
			r, e := float64(ref[i]), float64(est[i+k])
			s += r * e
			ee += e * e
			rr += r * r
		}
		c := 0.0
		if ee > 0 && rr > 0 {
			c = s / math.Sqrt(ee*rr)
		}
		if c > corr {
			lag, corr = k, c
		}
	}
	return lag, corr
}
