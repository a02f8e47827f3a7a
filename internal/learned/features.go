package learned

import (
	"github.com/hushaudio/hush/dsp"
	"github.com/hushaudio/hush/internal/vec"
)

// Features computes the network's inputs for each frame from the chain's
// bin powers and the classical stage's per-group noise estimate and
// speech presence, pooled into the network's triangular bands.
type Features struct {
	// Values holds the features of the last Compute (FeatureCount values):
	// log10 band energy, log10 ratio of energy to noise (clamped to
	// [-3, 6]) and mean speech presence, Bands values each.
	Values []float32
	// BandPower holds the last frame's power per band, unscaled.
	BandPower []float32

	bands        *dsp.TriangleBands
	bandNoise    []float32
	bandPresence []float32
	groupToBand  sparseRows // the groups, expanded to bins and pooled into bands, in one step
	powerScale   float32    // 1/window size: band energies independent of the rate
}

// NewFeatures returns the feature computation for grid g.
func NewFeatures(g *dsp.Grid) *Features {
	bands := dsp.NewTriangleBands(bandCentersHz[:], g.Bins(), g.BinHz)
	f := &Features{
		Values:       make([]float32, FeatureCount),
		BandPower:    make([]float32, Bands),
		bands:        bands,
		bandNoise:    make([]float32, Bands),
		bandPresence: make([]float32, Bands),
		powerScale:   1 / float32(g.Size),
	}
	f.groupToBand = composeGroupsToBands(g.Groups, bands, make([]float32, g.Bins()), f.bandNoise)
	return f
}

// Bands returns the band layout at the grid's rate.
func (f *Features) Bands() *dsp.TriangleBands { return f.bands }

// PowerScale returns the factor that makes a band power independent of
// the rate (1/window size), as the features use it.
func (f *Features) PowerScale() float32 { return f.powerScale }

// Compute fills Values from the frame's bin powers and the classical
// stage's per-group noise estimate and presence probability.
func (f *Features) Compute(power, groupNoise, groupPresence []float32) {
	const tiny = 1e-10 // -100 dB: digital silence and absent bands
	f.bands.Pool(f.BandPower, power)
	f.groupToBand.apply(f.bandNoise, groupNoise)
	f.groupToBand.apply(f.bandPresence, groupPresence)
	nb := Bands
	v := f.Values
	for b := range nb {
		e := f.BandPower[b] * f.powerScale
		n := f.bandNoise[b] * f.powerScale
		v[b] = e + tiny
		v[nb+b] = (e + tiny) / (n + tiny)
	}
	vec.LogSlice(v[:2*nb], v[:2*nb])
	const log10e = 0.43429448190325182765
	for b := range nb {
		v[b] *= log10e
		v[nb+b] = min(max(v[nb+b]*log10e, -3), 6)
		if w := f.bands.Weight(b); w > 0 {
			v[2*nb+b] = f.bandPresence[b] / w
		} else {
			v[2*nb+b] = 0
		}
	}
}

// sparseRows is a linear map stored as one run of non-zero weights per
// output: out[r] = Σ_j weights[r][j] · in[first[r]+j].
type sparseRows struct {
	first   []int
	weights [][]float32
}

func (m *sparseRows) apply(out, in []float32) {
	for r, w := range m.weights {
		out[r] = vec.Dot(w, in[m.first[r]:])
	}
}

// composeGroupsToBands returns the map that BinGroups.Expand followed by
// TriangleBands.Pool computes: both are linear, so their product, found by
// pushing each group's unit vector through them, takes a few weights per
// band each frame instead of two passes over every bin. binScratch (bins
// values) and bandScratch (Len values) are work space; the first pass
// finds each band's run of groups and the second fills exactly that much,
// so that a stream keeps no slack.
func composeGroupsToBands(groups *dsp.BinGroups, bands *dsp.TriangleBands, binScratch, bandScratch []float32) sparseRows {
	ng, nb := groups.Len(), bands.Len()
	unit := make([]float32, ng)
	m := sparseRows{first: make([]int, nb), weights: make([][]float32, nb)}
	last := make([]int, nb)
	for b := range m.first {
		m.first[b], last[b] = -1, -1
	}
	each := func(fn func(j, b int, v float32)) {
		for j := range ng {
			unit[j] = 1
			groups.Expand(binScratch, unit)
			bands.Pool(bandScratch, binScratch)
			unit[j] = 0
			for b, v := range bandScratch[:nb] {
				if v != 0 {
					fn(j, b, v)
				}
			}
		}
	}
	each(func(j, b int, _ float32) {
		if m.first[b] < 0 {
			m.first[b] = j
		}
		last[b] = j
	})
	for b := range m.weights {
		if m.first[b] < 0 { // a band above the Nyquist frequency
			m.first[b] = 0
			continue
		}
		m.weights[b] = make([]float32, last[b]-m.first[b]+1)
	}
	each(func(j, b int, v float32) { m.weights[b][j-m.first[b]] = v })
	return m
}
