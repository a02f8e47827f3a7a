package dsp

import "fmt"

// Grid is the time-frequency layout of a Chain at one sample rate: 10 ms
// hops, 20 ms windows, so that bins are 50 Hz apart at every rate, and
// the bins pooled into BinGroups. Stages are built for a Grid.
type Grid struct {
	// Rate is the sample rate [Hz].
	Rate int
	// Hop is the number of new samples per frame (10 ms, rounded).
	Hop int
	// Size is the analysis window in samples, 2·Hop.
	Size int
	// BinHz is the spacing of the bins [Hz].
	BinHz float64
	// Groups pools the bins for noise tracking and gains.
	Groups *BinGroups
}

// NewGrid returns the Grid for rate [Hz], which must give a hop of at
// least one sample (rate ≥ 50).
func NewGrid(rate int) (*Grid, error) {
	hop := (rate + 50) / 100
	if hop < 1 {
		return nil, fmt.Errorf("%w: %d Hz gives no 10 ms hop", ErrFFTLength, rate)
	}
	size := 2 * hop
	binHz := float64(rate) / float64(size)
	return &Grid{
		Rate:   rate,
		Hop:    hop,
		Size:   size,
		BinHz:  binHz,
		Groups: NewBinGroups(size/2+1, binHz),
	}, nil
}

// Bins returns the number of STFT bins per frame, Size/2+1.
func (g *Grid) Bins() int { return g.Size/2 + 1 }
