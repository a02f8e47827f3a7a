package dsp

import "math"

// ClassicGain is hush's classical gain rule: spectral gating with an
// OMLSAGain on the bin groups, interpolated back to the bins. Its speech
// probability is the mean speech presence between 150 Hz and 4 kHz. It has
// no trained parts; the learned stage builds on it.
type ClassicGain struct {
	// OMLSA is the rule on the groups, with the settings hush measured
	// best (see NewClassicGain); tests may change its fields.
	OMLSA *OMLSAGain

	groups             *BinGroups
	groupGains         []float32
	speechLo, speechHi int // groups averaged for the frame speech probability
	speech             float32
}

// NewClassicGain returns the classical rule for grid g with its floor
// maxAttenuationDB below unity gain.
func NewClassicGain(g *Grid, maxAttenuationDB float64) *ClassicGain {
	n := g.Groups.Len()
	o := NewOMLSAGain(n, maxAttenuationDB)
	// Chosen by measurement on the development data (the VoiceBank pairs
	// and the bench's mixtures): a faster decision-directed estimate, half
	// the floor in frames that hold speech, and the noise taken 2 dB
	// weaker than tracked, which trades a little residual noise for
	// intact weak speech.
	o.DecisionDirected = 0.93
	o.MinPriorSNR = float32(math.Pow(10, -25.0/10))
	o.SpeechFloorRatio = 0.5
	o.NoiseWeight = 0.61
	return &ClassicGain{
		OMLSA:      o,
		groups:     g.Groups,
		groupGains: make([]float32, n),
		// Groups below 4 kHz are single bins, so bin and group indices agree.
		speechLo: int(150/g.BinHz + 0.5),
		speechHi: min(int(4000/g.BinHz+0.5), n-1),
	}
}

// Gains computes the frame's gains per group and interpolates them to the
// bins in dst.
func (c *ClassicGain) Gains(dst []float32, f *Frame) {
	c.OMLSA.Compute(c.groupGains, f.GroupPower, f.Noise)
	c.groups.Expand(dst, c.groupGains)
	var sum float32
	for _, p := range c.OMLSA.Presence()[c.speechLo : c.speechHi+1] {
		sum += p
	}
	// Rescaled so that a frame with no evidence of speech reads 0: the
	// presence probability of a group never falls below its value for q at
	// its cap and ξ at its minimum.
	floor := c.OMLSA.MinPresence()
	mean := sum / float32(c.speechHi-c.speechLo+1)
	c.speech = max(0, (mean-floor)/(1-floor))
}

// Presence returns the speech-presence probability of each group in the
// last frame; the slice is the rule's.
func (c *ClassicGain) Presence() []float32 { return c.OMLSA.Presence() }

// SpeechProbability returns the speech probability of the last frame.
func (c *ClassicGain) SpeechProbability() float32 { return c.speech }

// SetMaxAttenuation changes the floor from the next frame on.
func (c *ClassicGain) SetMaxAttenuation(db float64) { c.OMLSA.SetMaxAttenuation(db) }

// Reset forgets all history.
func (c *ClassicGain) Reset() {
	c.OMLSA.Reset()
	c.speech = 0
}
