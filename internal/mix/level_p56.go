package mix

import (
	"fmt"
	"math"
)

// P.56 method B constants.
const (
	p56TimeConstant = 0.03 // [s] envelope smoothing
	p56Hangover     = 0.2  // [s] samples stay "active" this long after the envelope drops
	p56Margin       = 15.9 // [dB] active level sits this far above its threshold
	p56Rungs        = 21   // thresholds 2^-20 .. 2^0 of full scale, 6 dB apart
)

// ActiveLevel returns the active speech level of x as a mean power relative
// to full scale (1.0 is a full-scale square wave), measured after ITU-T P.56
// method B, and the activity factor: the fraction of samples counted as
// active speech. It returns ErrSilent when x holds no signal.
func ActiveLevel(x []float32, sampleRate int) (power, activity float64, err error) {
	if sampleRate <= 0 {
		return 0, 0, fmt.Errorf("%w: sample rate %d Hz", ErrOptions, sampleRate)
	}
	var thresholds [p56Rungs]float64
	for j := range thresholds {
		thresholds[j] = math.Ldexp(1, j-(p56Rungs-1))
	}
	var count [p56Rungs]int
	var hold [p56Rungs]int
	hang := int(math.Ceil(p56Hangover * float64(sampleRate)))
	g := math.Exp(-1 / (p56TimeConstant * float64(sampleRate)))
	var p, q, energy float64
	for _, v := range x {
		a := math.Abs(float64(v))
		energy += a * a
		p = g*p + (1-g)*a
		q = g*q + (1-g)*p
		for j, c := range thresholds {
			switch {
			case q >= c:
				count[j]++
				hold[j] = 0
			case hold[j] < hang:
				count[j]++
				hold[j]++
			}
		}
	}
	if energy == 0 {
		return 0, 0, fmt.Errorf("%w: %d samples of digital silence", ErrSilent, len(x))
	}
	// level[j] is the mean power of the samples counted at rung j, diff[j]
	// how far (dB) that sits above the rung; diff falls as the rung rises,
	// and the active level is where it crosses the margin.
	levelDB := func(j int) float64 { return 10 * math.Log10(energy/float64(count[j])) }
	prevLevel, prevDiff := 0.0, 0.0
	for j, c := range thresholds {
		if count[j] == 0 {
			// Nothing reaches this rung: the crossing lies below it.
			if j == 0 {
				break
			}
			return finishLevel(prevLevel, energy, len(x))
		}
		lv := levelDB(j)
		diff := lv - 20*math.Log10(c)
		if diff <= p56Margin {
			if j == 0 {
				return finishLevel(lv, energy, len(x))
			}
			t := (prevDiff - p56Margin) / (prevDiff - diff)
			return finishLevel(prevLevel+t*(lv-prevLevel), energy, len(x))
		}
		prevLevel, prevDiff = lv, diff
	}
	// Never crossed: the signal is so quiet that even the lowest rung
	// counts little; fall back to the last level measured.
	if count[0] == 0 {
		return 0, 0, fmt.Errorf("%w: envelope never reaches %.0f dBFS", ErrSilent, 20*math.Log10(thresholds[0]))
	}
	return finishLevel(prevLevel, energy, len(x))
}

// finishLevel turns an active level in dB into a power and derives the
// activity factor from the total energy.
func finishLevel(levelDB, energy float64, n int) (power, activity float64, err error) {
	power = math.Pow(10, levelDB/10)
	activity = energy / (power * float64(n))
	return power, min(activity, 1), nil
}

// meanPower returns the mean of the squared samples of x.
func meanPower(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	if len(x) == 0 {
		return 0
	}
	return s / float64(len(x))
}
