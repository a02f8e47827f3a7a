package dsp

import "github.com/hushaudio/hush/internal/vec"

// OMLSAGain computes per-bin spectral gains with the optimally-modified
// log-spectral-amplitude rule (Cohen & Berdugo, "Speech enhancement for
// non-stationary noise environments", 2001):
//
//   - the a priori SNR ξ comes from decision-directed smoothing of the
//     previous frame's clean-speech estimate and the current a posteriori
//     SNR γ, which is what keeps gains steady and musical noise away;
//   - the speech-presence probability p of each bin combines the
//     likelihood of speech given ξ and γ with an a priori absence
//     probability q estimated from the smoothed ξ over a few bins (local),
//     a wide band (global) and the whole frame;
//   - the gain is the LSA gain where speech is present and the floor where
//     it is absent, interpolated geometrically: G = G_LSA^p · G_min^(1-p).
//
// The floor G_min is the strength: it is the most any bin is turned down.
// Two departures from the paper, chosen by measurement: in frames that hold
// speech the floor is raised (SpeechFloorRatio), held for a while after
// the speech so the background does not pump, and the noise estimate can
// be weighted (NoiseWeight) to trade residual noise for speech integrity.
// It works on whatever resolution it is given (bins or groups of bins) and
// allocates nothing after construction.
type OMLSAGain struct {
	lnFloor       float32   // ln G_min
	prevSpeech    []float32 // |Ŝ|²/σ² of the previous frame, G_H1²γ
	zeta          []float32 // recursively averaged a priori SNR
	zetaGlobal    []float32
	presence      []float32 // speech-presence probability per bin, last frame
	zetaPeak      float32
	zetaFrameLast float32
	started       bool

	// DecisionDirected is the weight α of the previous frame in the a priori SNR.
	DecisionDirected float32
	// MinPriorSNR bounds ξ from below (linear power ratio); it sets how
	// much residual noise is allowed to fluctuate.
	MinPriorSNR float32
	// MaxAbsence caps the a priori speech-absence probability q, so that
	// speech onsets in bins judged empty still get through.
	MaxAbsence float32
	// NoiseWeight scales the noise estimate before use: below 1 the rule
	// treats the noise as weaker than tracked and suppresses less, which
	// trades residual noise for less damage to weak speech.
	NoiseWeight float32
	// SpeechFloorRatio scales the floor, in dB, in frames that hold speech:
	// 0.5 turns bins down at most half as far there as in pauses.
	SpeechFloorRatio float32
	framePresence    float32 // of the current frame, from the smoothed ξ, held
	// PresenceRelease is how much of the previous frame's speech presence
	// the floor keeps per frame (0: none).
	PresenceRelease float32
}

const (
	omlsaZetaSmoothing   = 0.7    // β, time smoothing of ξ for the absence estimate
	omlsaZetaMin         = 0.1    // -10 dB: below, speech is taken as absent
	omlsaZetaMax         = 0.3162 // -5 dB: above, speech is taken as present
	omlsaPeakMin         = 1      // 0 dB
	omlsaPeakMax         = 10     // 10 dB
	omlsaGlobalHalf      = 15     // bins either side for the global average
	omlsaPresenceRelease = 0.93   // per frame: the speech floor lets go over ~150 ms
)

// NewOMLSAGain returns a gain rule for bins bins whose floor is maxAttenuationDB
// below unity gain.
func NewOMLSAGain(bins int, maxAttenuationDB float64) *OMLSAGain {
	return &OMLSAGain{
		lnFloor:          float32(-maxAttenuationDB / 20 * 2.302585092994046),
		prevSpeech:       make([]float32, bins),
		zeta:             make([]float32, bins),
		zetaGlobal:       make([]float32, bins),
		presence:         make([]float32, bins),
		DecisionDirected: 0.98,
		MinPriorSNR:      0.0031623, // -25 dB
		MaxAbsence:       0.95,
		SpeechFloorRatio: 1,
		NoiseWeight:      1,
		PresenceRelease:  omlsaPresenceRelease,
	}
}

// Presence returns the speech-presence probability of each bin in the last
// frame. The slice is owned by the rule.
func (g *OMLSAGain) Presence() []float32 { return g.presence }

// MinPresence returns the lowest speech-presence probability a bin can
// get: with the absence probability at its cap, ξ at its minimum and no
// evidence from γ.
func (g *OMLSAGain) MinPresence() float32 {
	q := g.MaxAbsence
	return 1 / (1 + q/(1-q)*(1+g.MinPriorSNR))
}

// Compute writes the gain of each bin to gains, given the frame's power
// spectrum and the current noise power estimate.
func (g *OMLSAGain) Compute(gains, power, noise []float32) {
	n := len(power)
	gains = gains[:n]
	noise = noise[:n]
	prev := g.prevSpeech[:n]
	zeta := g.zeta[:n]
	alpha := g.DecisionDirected
	xiMin := g.MinPriorSNR

	// A priori SNR (decision-directed) and its time-smoothed version; the
	// absence probability uses last frame's smoothed ξ, as in the paper.
	invWeight := 1 / g.NoiseWeight
	for k := range power {
		gamma := min(power[k]/noise[k]*invWeight, 1e4)
		var xi float32
		if g.started {
			xi = alpha*prev[k] + (1-alpha)*max(gamma-1, 0)
		} else {
			xi = max(gamma-1, 0)
		}
		xi = max(xi, xiMin)
		gains[k] = xi // temporarily: ξ
		prev[k] = gamma
	}
	g.started = true

	g.absenceFromZeta(n)

	// In frames that hold speech the floor is raised (SpeechFloorRatio of
	// it, in dB): residual noise there is masked by the voice, while deep
	// cuts between and under speech components cost intelligibility.
	lnFloor := g.lnFloor
	lnFloor += g.framePresence * (g.SpeechFloorRatio - 1) * lnFloor
	// Three passes, so that the two exponentials per bin run eight bins at
	// a time (vec.ExpSlice). zetaGlobal is free scratch once
	// absenceFromZeta is done; presence holds q, then the odds, then p;
	// gains holds ξ, then ln G_H1, then ln G.
	negV := g.zetaGlobal[:n]
	odds := g.presence[:n]
	for k := range power {
		xi := gains[k]
		gamma := prev[k]
		r := xi / (1 + xi)
		v := r * gamma
		// G_H1 = ξ/(1+ξ) e^(½E1(v)), never above unity gain.
		half, expHalf := halfExpIntAndExp(v)
		gH1 := min(r*expHalf, 1)
		prev[k] = gH1 * gH1 * gamma
		// p = 1 / (1 + q/(1-q) (1+ξ) e^-v)
		q := odds[k]
		if q < 1e-6 || v > 30 {
			odds[k] = 0 // (1+ξ)e^-v < 1e-8 (ξ <= 1e4): the odds cannot matter
		} else {
			odds[k] = q / (1 - q) * (1 + xi)
		}
		negV[k] = -v
		gains[k] = min(vec.Log(r)+half, 0)
		zeta[k] = omlsaZetaSmoothing*zeta[k] + (1-omlsaZetaSmoothing)*xi
	}
	vec.ExpSlice(negV, negV)
	for k, lnGH1 := range gains {
		p := 1 / (1 + odds[k]*negV[k])
		g.presence[k] = p
		gains[k] = p*lnGH1 + (1-p)*lnFloor
	}
	vec.ExpSlice(gains, gains)
}

// absenceFromZeta estimates the a priori speech absence probability q of
// each bin from the smoothed a priori SNR and leaves it in g.presence.
func (g *OMLSAGain) absenceFromZeta(n int) {
	zeta := g.zeta[:n]
	global := g.zetaGlobal[:n]
	q := g.presence[:n]

	// Local: a 3-bin Hann window (below); global: a box of 2*15+1 bins or
	// groups (a running sum).
	var sum float32
	lo, hi := 0, min(omlsaGlobalHalf, n-1)
	for k := lo; k <= hi; k++ {
		sum += zeta[k]
	}
	var frameSum float32
	for k := range zeta {
		global[k] = sum / float32(hi-lo+1)
		frameSum += zeta[k]
		if k+omlsaGlobalHalf+1 < n {
			hi++
			sum += zeta[hi]
		}
		if k-omlsaGlobalHalf >= 0 {
			sum -= zeta[lo]
			lo++
		}
	}
	frame := frameSum / float32(n)

	// Frame presence: 1 while the frame's ξ rises; as it falls, relative
	// to the recent peak, so speech tails keep a chance.
	var pFrame float32
	if frame > omlsaZetaMin {
		if frame > g.zetaFrameLast {
			pFrame = 1
			g.zetaPeak = min(max(frame, omlsaPeakMin), omlsaPeakMax)
		} else {
			pFrame = zetaLikelihood(frame, g.zetaPeak*omlsaZetaMin, g.zetaPeak*omlsaZetaMax, invLnZetaRange)
		}
	}
	g.zetaFrameLast = frame
	// The floor follows the frame's speech presence at once when speech
	// starts but lets go over about 150 ms: switching between the speech
	// and pause floors frame by frame makes the background pump.
	g.framePresence = max(pFrame, g.PresenceRelease*g.framePresence)
	if g.framePresence < 1e-6 {
		g.framePresence = 0 // rather than decay into subnormal numbers
	}

	// The local and global likelihoods (zetaLikelihood, below) with their
	// logarithms taken eight bins at a time: ln of the ratio to
	// omlsaZetaMin, clamped to [1, ratioMax] first, which keeps the
	// logarithm's input finite and its result at exactly 0 below
	// omlsaZetaMin; ratioMax lies above omlsaZetaMax/omlsaZetaMin, so
	// min(..., 1) makes it exactly 1 above omlsaZetaMax. q holds the local
	// ratio until it is overwritten.
	const ratioMax = 4
	for k := range q {
		local := 0.25*zeta[max(k-1, 0)] + 0.5*zeta[k] + 0.25*zeta[min(k+1, n-1)]
		q[k] = min(max(local*(1/omlsaZetaMin), 1), ratioMax)
		global[k] = min(max(global[k]*(1/omlsaZetaMin), 1), ratioMax)
	}
	vec.LogSlice(q, q)
	vec.LogSlice(global, global)
	for k, lnLocal := range q {
		pl := min(lnLocal*invLnZetaRange, 1)
		pg := min(global[k]*invLnZetaRange, 1)
		q[k] = min(1-pl*pg*pFrame, g.MaxAbsence)
	}
}

// invLnZetaRange is 1/ln(omlsaZetaMax/omlsaZetaMin); the frame test uses
// the same ratio around its peak.
const invLnZetaRange = 0.86858896 // 1/ln(10^0.5)

// zetaLikelihood maps a smoothed a priori SNR to [0, 1]: 0 at or below lo,
// 1 at or above hi, log-linear in between (invLnRange = 1/ln(hi/lo)).
func zetaLikelihood(z, lo, hi, invLnRange float32) float32 {
	switch {
	case z <= lo:
		return 0
	case z >= hi:
		return 1
	}
	return vec.Log(z/lo) * invLnRange
}

// Reset forgets all history.
func (g *OMLSAGain) Reset() {
	clear(g.prevSpeech)
	clear(g.zeta)
	clear(g.zetaGlobal)
	clear(g.presence)
	g.zetaPeak = 0
	g.zetaFrameLast = 0
	g.framePresence = 0
	g.started = false
}
