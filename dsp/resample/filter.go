package resample

import (
	"fmt"
	"math"
)

// Quality selects the low-pass filter of a [Resampler]. The zero value is
// [QualityDefault].
type Quality int

const (
	// QualityDefault passes 0..0.90 of the lower Nyquist frequency and
	// attenuates everything above it by at least 100 dB.
	QualityDefault Quality = iota
	// QualityFast passes 0..0.85 of the lower Nyquist frequency and
	// attenuates by at least 70 dB, with about half the taps of the default.
	QualityFast
	// QualityBest passes 0..0.95 of the lower Nyquist frequency and
	// attenuates by at least 120 dB, with about 2.5 times the default's taps.
	QualityBest
)

// String returns the name of the quality.
func (q Quality) String() string {
	switch q {
	case QualityDefault:
		return "default"
	case QualityFast:
		return "fast"
	case QualityBest:
		return "best"
	}
	return fmt.Sprintf("Quality(%d)", int(q))
}

// filterSpec is a low-pass design target relative to the lower rate's
// Nyquist frequency: the passband ends at pass, the stopband starts at 1.
type filterSpec struct {
	pass  float64 // end of the passband, fraction of the lower Nyquist frequency
	atten float64 // stopband attenuation [dB]
}

func (q Quality) spec() (filterSpec, error) {
	switch q {
	case QualityDefault:
		return filterSpec{pass: 0.90, atten: 100}, nil
	case QualityFast:
		return filterSpec{pass: 0.85, atten: 70}, nil
	case QualityBest:
		return filterSpec{pass: 0.95, atten: 120}, nil
	}
	return filterSpec{}, fmt.Errorf("%w: %d", ErrQuality, int(q))
}

// kernel is the continuous windowed-sinc low-pass, in units of input
// samples, centred on center.
type kernel struct {
	fc     float64 // cutoff (-6 dB point) [cycles per input sample]
	half   float64 // half-width of the Kaiser window [input samples]
	beta   float64 // Kaiser shape
	i0Beta float64 // I0(beta), the window's normaliser
	center float64 // [input samples]
}

// newKernel designs the filter for converting from -> to with the given
// specification (Kaiser's formulas for beta and length).
func newKernel(from, to int, s filterSpec) kernel {
	low := min(from, to)
	perLow := float64(from) / float64(low) // input samples per lower-rate sample
	// Frequencies in cycles per lower-rate sample: Nyquist is 0.5.
	fc := 0.25 * (s.pass + 1)   // middle of the transition band
	width := 0.5 * (1 - s.pass) // transition band width
	var beta float64
	switch {
	case s.atten > 50:
		beta = 0.1102 * (s.atten - 8.7)
	case s.atten >= 21:
		beta = 0.5842*math.Pow(s.atten-21, 0.4) + 0.07886*(s.atten-21)
	}
	length := (s.atten-7.95)/(2.285*2*math.Pi*width) + 1 // [lower-rate samples]
	return kernel{
		fc:     fc / perLow,
		half:   0.5 * length * perLow,
		beta:   beta,
		i0Beta: besselI0(beta),
	}
}

// at evaluates the kernel at time t [input samples].
func (k kernel) at(t float64) float64 {
	x := t - k.center
	r := x / k.half
	if r <= -1 || r >= 1 {
		return 0
	}
	w := besselI0(k.beta*math.Sqrt(1-r*r)) / k.i0Beta
	a := 2 * k.fc * x
	s := 1.0
	if a != 0 {
		s = math.Sin(math.Pi*a) / (math.Pi * a)
	}
	return 2 * k.fc * s * w
}

// besselI0 is the modified Bessel function of the first kind, order 0, by
// its power series (converges quickly for the betas used here, < 15).
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	q := x * x / 4
	for k := 1; k < 200; k++ {
		term *= q / float64(k*k)
		sum += term
		if term < sum*1e-17 {
			break
		}
	}
	return sum
}
