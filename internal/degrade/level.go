package degrade

import (
	"math"
)

// AGC is an automatic gain control of the kind phones and conferencing
// software run on the microphone: it follows the signal's short-term level
// (mean power over about 20 ms) and moves the gain towards what brings it
// to the target, fast when it must fall and slowly when it may rise, so
// that noise in the pauses is pulled up.
type AGC struct {
	Target  float64 // [dBFS] RMS level it aims for
	MaxGain float64 // [dB] most it amplifies (it may always attenuate, down to -MaxGain)
	Attack  float64 // [s] time constant when the level rises
	Release float64 // [s] time constant when the level falls
}

// Gains returns the gain the AGC applies to each sample of x, at sample
// rate fs [Hz]. Multiplying x (or, since the gains depend only on x, the
// parts x is the sum of) by them gives the AGC's output.
func (a AGC) Gains(x []float32, fs float64) []float32 {
	g := make([]float32, len(x))
	att := 1 - math.Exp(-1/(a.Attack*fs))
	rel := 1 - math.Exp(-1/(a.Release*fs))
	smooth := 1 - math.Exp(-1/(0.02*fs)) // the level: mean power over about 20 ms
	target := math.Pow(10, a.Target/10)  // power
	maxG := math.Pow(10, a.MaxGain/20)
	// The power envelope starts at the target, so the gain starts at 1.
	env := target
	gain := 1.0
	for i, v := range x {
		env += smooth * (float64(v)*float64(v) - env)
		want := min(max(math.Sqrt(target/max(env, 1e-20)), 1/maxG), maxG)
		// The gain itself moves at the attack rate down and the release
		// rate up, so it does not follow every syllable.
		if want < gain {
			gain += att * (want - gain)
		} else {
			gain += rel * (want - gain)
		}
		g[i] = float32(gain)
	}
	return g
}

// HardClip limits x in place to ±limit, as an overdriven converter does.
func HardClip(x []float32, limit float32) {
	for i, v := range x {
		x[i] = max(min(v, limit), -limit)
	}
}

// SoftClip passes x in place through limit·tanh(x/limit), as an overdriven
// analogue stage does: nearly linear well below limit, never beyond it.
func SoftClip(x []float32, limit float32) {
	l := float64(limit)
	for i, v := range x {
		x[i] = float32(l * math.Tanh(float64(v)/l))
	}
}
