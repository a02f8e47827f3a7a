package dsp

import "math"

// TriangleBands pools the bins of a spectrum into overlapping triangular
// bands and spreads per-band gains back over the bins with the same
// triangles. Band b rises from the centre of band b-1 to its own centre and
// falls to the centre of band b+1, so every bin between the first and the
// last centre has weights that sum to one: pooling loses no energy and
// expanding interpolates the gains linearly between centres.
//
// Centres are given in Hz, so one layout fits every sample rate whose bins
// have the same spacing; bands above the Nyquist frequency of a low rate
// simply receive nothing.
type TriangleBands struct {
	center  []int     // centre of each band, in bins (may exceed the bins present)
	weight  []float32 // total weight of each band's bins that exist
	bins    int
	covered int // bins up to and including the last centre that exist
}

// NewTriangleBands returns the layout for centres at centersHz (strictly
// increasing once rounded to bins), over bins bins spaced binHz apart.
func NewTriangleBands(centersHz []float64, bins int, binHz float64) *TriangleBands {
	t := &TriangleBands{bins: bins, center: make([]int, len(centersHz)), weight: make([]float32, len(centersHz))}
	for b, hz := range centersHz {
		t.center[b] = int(math.Round(hz / binHz))
		if b > 0 && t.center[b] <= t.center[b-1] {
			t.center[b] = t.center[b-1] + 1
		}
	}
	t.covered = min(t.center[len(t.center)-1]+1, bins)
	// The weights are Pool of a spectrum of ones, summed in the same order,
	// without allocating that spectrum.
	for b := 0; b+1 < len(t.center); b++ {
		lo, hi := t.center[b], min(t.center[b+1], t.covered)
		inv := 1 / float32(t.center[b+1]-lo)
		var sumLo, sumHi float32
		for k := lo; k < hi; k++ {
			frac := float32(k-lo) * inv
			sumLo += 1 - frac
			sumHi += frac
		}
		t.weight[b] += sumLo
		t.weight[b+1] += sumHi
	}
	if last := t.center[len(t.center)-1]; last < t.bins {
		t.weight[len(t.center)-1]++
	}
	return t
}

// Len returns the number of bands.
func (t *TriangleBands) Len() int { return len(t.center) }

// Covered returns how many bins, from bin 0, lie within the bands; Expand
// writes exactly these.
func (t *TriangleBands) Covered() int { return t.covered }

// Weight returns the total weight of band b's bins: the number of bins it
// effectively spans at this rate (0 for a band beyond the Nyquist frequency).
func (t *TriangleBands) Weight(b int) float32 { return t.weight[b] }

// Pool writes the weighted sum of power over each band to dst (Len values).
func (t *TriangleBands) Pool(dst, power []float32) {
	clear(dst[:len(t.center)])
	for b := 0; b+1 < len(t.center); b++ {
		lo, hi := t.center[b], min(t.center[b+1], t.covered)
		inv := 1 / float32(t.center[b+1]-lo)
		var sumLo, sumHi float32
		for k := lo; k < hi; k++ {
			frac := float32(k-lo) * inv
			p := power[k]
			sumLo += p * (1 - frac)
			sumHi += p * frac
		}
		dst[b] += sumLo
		dst[b+1] += sumHi
	}
	if last := t.center[len(t.center)-1]; last < t.bins {
		dst[len(t.center)-1] += power[last]
	}
}

// Expand writes a gain for each of the first Covered() bins of dst,
// interpolated linearly between the band centres.
func (t *TriangleBands) Expand(dst, bandGains []float32) {
	for b := 0; b+1 < len(t.center); b++ {
		lo, hi := t.center[b], min(t.center[b+1], t.covered)
		inv := 1 / float32(t.center[b+1]-lo)
		g0, g1 := bandGains[b], bandGains[b+1]
		for k := lo; k < hi; k++ {
			dst[k] = g0 + float32(k-lo)*inv*(g1-g0)
		}
	}
	if last := t.center[len(t.center)-1]; last < t.bins {
		dst[last] = bandGains[len(t.center)-1]
	}
}
