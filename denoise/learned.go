package denoise

import (
	_ "embed"
	"fmt"
	"math"
	"sync"

	"github.com/hushaudio/hush/dsp"
	"github.com/hushaudio/hush/internal/nn"
	"github.com/hushaudio/hush/internal/vec"
)

// learnedBandCentersHz are the centres of the learned stage's bands: 50 Hz
// apart up to 400 Hz, 100 Hz to 1 kHz, then widening by about an eighth
// each, to 8 kHz. Every rate's bins are 50 Hz apart (20 ms window), so the
// same layout serves all rates; at 8 kHz the bands above 4 kHz stay empty,
// as they were in training.
var learnedBandCentersHz = [...]float64{
	0, 50, 100, 150, 200, 250, 300, 350, 400, 500, 600, 700, 800, 900, 1000,
	1150, 1300, 1450, 1650, 1850, 2100, 2350, 2650, 3000, 3350, 3750, 4200,
	4700, 5300, 6000, 6800, 8000,
}

const learnedBands = len(learnedBandCentersHz)

// learnedFeatures is the number of network inputs per frame: per band, the
// log energy, the log ratio of energy to the classical noise estimate, and
// the classical speech-presence probability.
const learnedFeatures = 3 * learnedBands

//go:embed model/gainnet.bin
var gainNetFile []byte

// loadGainNet parses the embedded weights once per process. The network is
// read-only after that and shared by every Denoiser; each keeps its own
// recurrent state.
var loadGainNet = sync.OnceValues(func() (*nn.GainNet, error) {
	ts, err := nn.ReadTensors(gainNetFile)
	if err != nil {
		return nil, err
	}
	net, err := nn.LoadGainNet(ts)
	if err != nil {
		return nil, err
	}
	if net.Features != learnedFeatures || net.Bands != learnedBands {
		return nil, fmt.Errorf("%w: network has %d inputs and %d bands, want %d and %d",
			nn.ErrWeights, net.Features, net.Bands, learnedFeatures, learnedBands)
	}
	return net, nil
})

// learnedStage computes the network's features from the classical stage's
// spectrum, noise estimate and presence, runs the network, and turns its
// band gains into bin gains.
type learnedStage struct {
	net   *nn.GainNet // nil when only features are wanted (training data)
	state *nn.GainNetState
	bands *dsp.TriangleBands

	features     []float32
	bandPower    []float32
	bandNoise    []float32
	bandPresence []float32
	groupToBand  sparseRows // the classical groups, expanded to bins and pooled into bands, in one step

	powerScale float32 // 1/window size: band energies independent of the rate

	classic []float32 // the classical bin gains, kept while the network's are expanded

	// With a network that hears one frame ahead, the spectrum and the
	// classical bin gains of the frame before the newest wait here for the
	// network's verdict on them; nil without lookahead.
	heldSpec  []complex64
	heldGains []float32

	netExp     float32 // exponent of the network's band gains
	classicExp float32 // exponent of the classical bin gains
	gate       float32 // gains are scaled by the speech probability to this power
	boost      float32 // gains are scaled by this, then limited to 1
}

// newLearnedStage builds the stage for len(binScratch) bins spaced binHz
// apart and frames of size samples; binScratch is work space during
// construction only.
func newLearnedStage(net *nn.GainNet, groups *dsp.BinGroups, binScratch []float32, binHz float64, size int) *learnedStage {
	bins := len(binScratch)
	bands := dsp.NewTriangleBands(learnedBandCentersHz[:], bins, binHz)
	l := &learnedStage{
		net:          net,
		bands:        bands,
		features:     make([]float32, learnedFeatures),
		bandPower:    make([]float32, learnedBands),
		bandNoise:    make([]float32, learnedBands),
		bandPresence: make([]float32, learnedBands),
		classic:      make([]float32, bands.Covered()),
		powerScale:   1 / float32(size),
	}
	l.groupToBand = composeGroupsToBands(groups, bands, binScratch, l.bandNoise)
	if net != nil {
		l.state = net.NewState()
		if net.Lookahead > 0 {
			l.heldSpec = make([]complex64, bins)
			l.heldGains = make([]float32, bins)
		}
	}
	return l
}

func (l *learnedStage) reset() {
	if l.state != nil {
		l.state.Reset()
	}
	clear(l.heldSpec)
	clear(l.heldGains)
}

// lookahead returns the frames by which the stage delays the audio.
func (l *learnedStage) lookahead() int {
	if l == nil || l.net == nil {
		return 0
	}
	return l.net.Lookahead
}

// computeFeatures fills l.features from the frame's bin powers and the
// classical stage's per-group noise estimate and presence probability.
func (l *learnedStage) computeFeatures(power, groupNoise, groupPresence []float32) {
	const tiny = 1e-10 // -100 dB: digital silence and absent bands
	l.bands.Pool(l.bandPower, power)
	l.groupToBand.apply(l.bandNoise, groupNoise)
	l.groupToBand.apply(l.bandPresence, groupPresence)
	nb := learnedBands
	f := l.features
	for b := range nb {
		e := l.bandPower[b] * l.powerScale
		n := l.bandNoise[b] * l.powerScale
		f[b] = e + tiny
		f[nb+b] = (e + tiny) / (n + tiny)
	}
	vec.LogSlice(f[:2*nb], f[:2*nb])
	const log10e = 0.43429448190325182765
	for b := range nb {
		f[b] *= log10e
		f[nb+b] = min(max(f[nb+b]*log10e, -3), 6)
		if w := l.bands.Weight(b); w > 0 {
			f[2*nb+b] = l.bandPresence[b] / w
		} else {
			f[2*nb+b] = 0
		}
	}
}

// applyGains writes the bin gains from the network's last step, given
// the classical gains in gains. Up to 8 kHz, each bin's gain is
//
//	boost · speech^gate · G · C^classicExp,  at most 1,
//
// where G is the network's band gains raised to netExp and interpolated to
// the bins, C the classical gain (which keeps per-bin detail below 4 kHz,
// where harmonics are resolved) and speech the network's speech
// probability; boost makes up for the network hedging a little below 1 on
// clean speech. Above 8 kHz: the classical gains, pulled down to the floor
// as the speech probability falls. No gain goes below floor, the
// strength's limit.
func (l *learnedStage) applyGains(gains []float32, floor float32) {
	covered := l.bands.Covered()
	speech := l.state.Speech
	for k := covered; k < len(gains); k++ {
		gains[k] = floor + (gains[k]-floor)*speech
	}
	classic := l.classic[:covered]
	copy(classic, gains)
	// The network's output is free to change until its next step.
	bandGains := l.state.Gains
	if l.netExp != 1 { // g^e = exp(e·ln g), a slice at a time
		vec.LogSlice(bandGains, bandGains)
		for b, lg := range bandGains {
			bandGains[b] = lg * l.netExp
		}
		vec.ExpSlice(bandGains, bandGains)
	}
	l.bands.Expand(gains, bandGains)
	scale := l.boost
	switch {
	case l.gate == 1:
		scale *= speech
	case l.gate > 0:
		scale *= pow01(speech, l.gate)
	}
	switch {
	case l.classicExp == 0.5: // one square root per bin
		for k, g := range gains[:covered] {
			g *= float32(math.Sqrt(float64(classic[k])))
			gains[k] = max(min(g*scale, 1), floor)
		}
	case l.classicExp > 0:
		for k, g := range gains[:covered] {
			g *= pow01(classic[k], l.classicExp)
			gains[k] = max(min(g*scale, 1), floor)
		}
	default:
		for k, g := range gains[:covered] {
			gains[k] = max(min(g*scale, 1), floor)
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
// so that a Denoiser keeps no slack.
func composeGroupsToBands(groups *dsp.BinGroups, bands *dsp.TriangleBands, binScratch, bandScratch []float32) sparseRows {
	ng, nb := groups.Len(), bands.Len()
	unit := make([]float32, ng)
	m := sparseRows{first: make([]int, nb), weights: make([][]float32, nb)}
	last := make([]int, nb)
	for b := range m.first {
		m.first[b], last[b] = -1, -1
	}
	each := func(f func(j, b int, v float32)) {
		for j := range ng {
			unit[j] = 1
			groups.Expand(binScratch, unit)
			bands.Pool(bandScratch, binScratch)
			unit[j] = 0
			for b, v := range bandScratch[:nb] {
				if v != 0 {
					f(j, b, v)
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

// pow01 returns x^p for x in [0, 1].
func pow01(x, p float32) float32 {
	if x <= 0 {
		return 0
	}
	return float32(math.Exp(float64(p) * math.Log(float64(x))))
}
