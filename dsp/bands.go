package dsp

import "math"

// BinGroups pools STFT bins into groups whose width grows with frequency,
// so that noise tracking and gains work at a resolution that matches
// hearing instead of the FFT's: every bin up to 4 kHz on its own (speech
// harmonics are resolved there), pairs of bins up to 8 kHz, groups of
// four up to 12 kHz and of eight above (400 Hz at 20 ms frames, still
// finer than the ear's bands there). At 48 kHz this turns 481 bins into
// 161 groups, which cuts the per-frame cost of everything after the FFT by
// two thirds; the gains are interpolated back to the bins so they stay
// smooth across frequency.
type BinGroups struct {
	bins   int
	starts []int32   // first bin of each group, then bins
	center []float32 // centre of each group, in bins
	invGap []float32 // 1/(center[j+1]-center[j]), for interpolation
	segEnd []int32   // first bin at or above center[j+1], for j < Len()-1
}

// NewBinGroups returns the grouping of bins bins spaced binHz apart.
func NewBinGroups(bins int, binHz float64) *BinGroups {
	// Two passes, counting then filling, so that a Denoiser's tables are
	// allocated once at their final size (state per stream is budgeted).
	next := func(k int) int {
		switch f := float64(k) * binHz; {
		case f < 4000:
			return k + 1
		case f < 8000:
			return k + 2
		case f < 12000:
			return k + 4
		}
		return k + 8
	}
	groups := 0
	for k := 0; k < bins; k = next(k) {
		groups++
	}
	g := &BinGroups{
		bins:   bins,
		starts: make([]int32, 0, groups+1),
		center: make([]float32, groups),
		invGap: make([]float32, groups),
		segEnd: make([]int32, groups-1),
	}
	for k := 0; k < bins; k = next(k) {
		g.starts = append(g.starts, int32(k))
	}
	g.starts = append(g.starts, int32(bins))
	for j := range g.center {
		g.center[j] = float32(g.starts[j]+g.starts[j+1]-1) / 2
	}
	for j := range groups - 1 {
		g.invGap[j] = 1 / (g.center[j+1] - g.center[j])
		g.segEnd[j] = int32(min(int(math.Ceil(float64(g.center[j+1]))), bins))
	}
	return g
}

// Len returns the number of groups.
func (g *BinGroups) Len() int { return len(g.center) }

// Pool writes the mean power of each group's bins to dst (Len values).
func (g *BinGroups) Pool(dst, power []float32) {
	for j := range g.center {
		lo, hi := int(g.starts[j]), int(g.starts[j+1])
		if hi-lo == 1 {
			dst[j] = power[lo]
			continue
		}
		var sum float32
		for _, p := range power[lo:hi] {
			sum += p
		}
		dst[j] = sum / float32(hi-lo)
	}
}

// Expand writes a gain for every bin (Bins values) from the gains of the
// groups, interpolated linearly between group centres: a bin that is a
// group of its own gets its group's gain, bins of wider groups a blend of
// their group's and its neighbour's. Beyond the last centre the last gain holds.
func (g *BinGroups) Expand(dst, groupGains []float32) {
	dst = dst[:g.bins]
	last := len(g.center) - 1
	k := 0
	// Segment j serves the bins below centre j+1 (segEnd[j] is the first
	// bin at or above it), so each bin is visited once, without a search.
	for j, end := range g.segEnd[:last] {
		c, inv := g.center[j], g.invGap[j]
		g0, g1 := groupGains[j], groupGains[j+1]
		for ; k < int(end); k++ {
			w := (float32(k) - c) * inv
			dst[k] = g0 + w*(g1-g0)
		}
	}
	for ; k < len(dst); k++ {
		dst[k] = groupGains[last]
	}
}
