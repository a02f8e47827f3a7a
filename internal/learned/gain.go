package learned

import (
	"math"

	"github.com/hushaudio/hush/dsp"
	"github.com/hushaudio/hush/internal/vec"
)

// Gain is the learned gain rule (a dsp.GainRule): each frame it runs the
// classical rule, computes the features from the frame and the classical
// noise estimate and presence, steps the Model, and combines the model's
// band gains with the classical bin gains. Up to 8 kHz, each bin's gain is
//
//	Boost · speech^Gate · G^NetExp · C^ClassicExp,  at most 1,
//
// where G is the model's band gains interpolated to the bins, C the
// classical gain (which keeps per-bin detail below 4 kHz, where harmonics
// are resolved) and speech the model's speech probability; Boost makes up
// for the model hedging a little below 1 on clean speech. Above 8 kHz:
// the classical gains, pulled down to the floor as the speech probability
// falls. No gain goes below the floor, the strength's limit.
type Gain struct {
	// The gain law's constants, chosen by measurement on the development
	// data (NewGain sets them); tests may change them.
	NetExp, ClassicExp, Gate, Boost float32

	classic  *dsp.ClassicGain
	features *Features
	model    Model
	floor    float32
	classicG []float32 // the classical bin gains, kept while the model's are expanded
}

// NewGain returns the learned rule for grid g with its floor
// maxAttenuationDB below unity gain, running model.
func NewGain(g *dsp.Grid, maxAttenuationDB float64, model Model) *Gain {
	f := NewFeatures(g)
	l := &Gain{
		NetExp:     1,
		ClassicExp: 0.5,
		Gate:       0.7,
		Boost:      1.55,
		classic:    dsp.NewClassicGain(g, maxAttenuationDB),
		features:   f,
		model:      model,
		classicG:   make([]float32, f.bands.Covered()),
	}
	l.SetMaxAttenuation(maxAttenuationDB)
	return l
}

// Classic returns the classical rule the learned one builds on.
func (l *Gain) Classic() *dsp.ClassicGain { return l.classic }

// Gains computes the frame's bin gains into dst.
func (l *Gain) Gains(dst []float32, f *dsp.Frame) {
	l.classic.Gains(dst, f)
	l.features.Compute(f.Power, f.Noise, l.classic.Presence())
	l.model.Step(l.features.Values)
	l.apply(dst)
}

// apply turns the model's last output and the classical gains in gains
// into the bin gains, in place.
func (l *Gain) apply(gains []float32) {
	floor := l.floor
	covered := l.features.bands.Covered()
	speech := l.model.Speech()
	for k := covered; k < len(gains); k++ {
		gains[k] = floor + (gains[k]-floor)*speech
	}
	classic := l.classicG[:covered]
	copy(classic, gains)
	bandGains := l.model.Gains()
	if l.NetExp != 1 { // g^e = exp(e·ln g), a slice at a time
		vec.LogSlice(bandGains, bandGains)
		for b, lg := range bandGains {
			bandGains[b] = lg * l.NetExp
		}
		vec.ExpSlice(bandGains, bandGains)
	}
	l.features.bands.Expand(gains, bandGains)
	scale := l.Boost
	switch {
	case l.Gate == 1:
		scale *= speech
	case l.Gate > 0:
		scale *= pow01(speech, l.Gate)
	}
	switch {
	case l.ClassicExp == 0.5: // one square root per bin
		for k, g := range gains[:covered] {
			g *= float32(math.Sqrt(float64(classic[k])))
			gains[k] = max(min(g*scale, 1), floor)
		}
	case l.ClassicExp > 0:
		for k, g := range gains[:covered] {
			g *= pow01(classic[k], l.ClassicExp)
			gains[k] = max(min(g*scale, 1), floor)
		}
	default:
		for k, g := range gains[:covered] {
			gains[k] = max(min(g*scale, 1), floor)
		}
	}
}

// SpeechProbability returns the model's speech probability for the last
// frame.
func (l *Gain) SpeechProbability() float32 { return l.model.Speech() }

// SetMaxAttenuation changes the floor of both rules from the next frame.
func (l *Gain) SetMaxAttenuation(db float64) {
	l.classic.SetMaxAttenuation(db)
	l.floor = float32(math.Pow(10, -db/20))
}

// Reset forgets all history.
func (l *Gain) Reset() {
	l.classic.Reset()
	l.model.Reset()
}

// pow01 returns x^p for x in [0, 1].
func pow01(x, p float32) float32 {
	if x <= 0 {
		return 0
	}
	return float32(math.Exp(float64(p) * math.Log(float64(x))))
}
