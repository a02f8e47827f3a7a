package degrade

import (
	"math"
	"math/cmplx"
)

// Biquad is one second-order section, y = (b0 + b1·z⁻¹ + b2·z⁻²) /
// (1 + a1·z⁻¹ + a2·z⁻²) · x, designed after R. Bristow-Johnson's audio EQ
// cookbook.
type Biquad struct {
	B0, B1, B2, A1, A2 float64
}

// HighPass returns a second-order high-pass at fc [Hz] with quality q, for
// sample rate fs [Hz]; q = 1/√2 is Butterworth.
func HighPass(fc, q, fs float64) Biquad {
	w, alpha := omega(fc, q, fs)
	c := math.Cos(w)
	return normalise((1+c)/2, -(1 + c), (1+c)/2, 1+alpha, -2*c, 1-alpha)
}

// LowPass returns a second-order low-pass at fc [Hz] with quality q.
func LowPass(fc, q, fs float64) Biquad {
	w, alpha := omega(fc, q, fs)
	c := math.Cos(w)
	return normalise((1-c)/2, 1-c, (1-c)/2, 1+alpha, -2*c, 1-alpha)
}

// Peaking returns a bell filter at fc [Hz] with quality q and gain [dB] at
// its centre.
func Peaking(fc, q, gainDB, fs float64) Biquad {
	w, alpha := omega(fc, q, fs)
	c := math.Cos(w)
	a := math.Pow(10, gainDB/40)
	return normalise(1+alpha*a, -2*c, 1-alpha*a, 1+alpha/a, -2*c, 1-alpha/a)
}

// HighShelf returns a shelf (slope 1) that changes frequencies above fc
// [Hz] by gain [dB].
func HighShelf(fc, gainDB, fs float64) Biquad {
	a := math.Pow(10, gainDB/40)
	w := 2 * math.Pi * fc / fs
	c, s := math.Cos(w), math.Sin(w)
	alpha := s / 2 * math.Sqrt2
	sq := 2 * math.Sqrt(a) * alpha
	return normalise(
		a*((a+1)+(a-1)*c+sq), -2*a*((a-1)+(a+1)*c), a*((a+1)+(a-1)*c-sq),
		(a+1)-(a-1)*c+sq, 2*((a-1)-(a+1)*c), (a+1)-(a-1)*c-sq)
}

func omega(fc, q, fs float64) (w, alpha float64) {
	w = 2 * math.Pi * fc / fs
	return w, math.Sin(w) / (2 * q)
}

func normalise(b0, b1, b2, a0, a1, a2 float64) Biquad {
	return Biquad{b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0}
}

// Response returns the section's complex gain at frequency f [Hz].
func (b Biquad) Response(f, fs float64) complex128 {
	z := cmplx.Exp(complex(0, -2*math.Pi*f/fs)) // z⁻¹
	num := complex(b.B0, 0) + complex(b.B1, 0)*z + complex(b.B2, 0)*z*z
	den := 1 + complex(b.A1, 0)*z + complex(b.A2, 0)*z*z
	return num / den
}

// Filter is a cascade of biquads.
type Filter []Biquad

// Apply filters x in place, starting from silence.
func (f Filter) Apply(x []float32) {
	for _, b := range f {
		var x1, x2, y1, y2 float64
		for i, v := range x {
			in := float64(v)
			y := b.B0*in + b.B1*x1 + b.B2*x2 - b.A1*y1 - b.A2*y2
			x2, x1 = x1, in
			y2, y1 = y1, y
			x[i] = float32(y)
		}
	}
}

// Gain returns the cascade's magnitude response at f [Hz] [dB].
func (f Filter) Gain(freq, fs float64) float64 {
	g := complex(1, 0)
	for _, b := range f {
		g *= b.Response(freq, fs)
	}
	return 20 * math.Log10(cmplx.Abs(g))
}

// butterworthQ are the section qualities of a fourth-order Butterworth
// filter made of two biquads.
var butterworthQ = [2]float64{0.5411961001461971, 1.3065629648763766}

// BandPass returns a fourth-order Butterworth high-pass at low [Hz] and
// fourth-order Butterworth low-pass at high [Hz] (24 dB per octave each
// side): the band limit of a telephone channel. A limit at or above fs/2 is
// left out.
func BandPass(low, high, fs float64) Filter {
	var f Filter
	if low > 0 {
		for _, q := range butterworthQ {
			f = append(f, HighPass(low, q, fs))
		}
	}
	if high < fs/2 {
		for _, q := range butterworthQ {
			f = append(f, LowPass(high, q, fs))
		}
	}
	return f
}
