package metrics

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/hushaudio/hush/dsp/resample"
)

// Constants of STOI and ESTOI, as in the papers and the authors' reference
// code.
const (
	stoiRate     = 10000 // [Hz] both signals are resampled to this
	stoiFrame    = 256   // analysis frame [samples at stoiRate]
	stoiHop      = stoiFrame / 2
	stoiFFT      = 512
	stoiBands    = 15    // one-third-octave bands
	stoiMinFreq  = 150.0 // centre of the lowest band [Hz]
	stoiSegment  = 30    // frames per intermediate measure (384 ms)
	stoiBeta     = -15.0 // lower bound of the signal-to-distortion ratio [dB]
	stoiDynRange = 40.0  // frames this far below the loudest are silent [dB]
)

// eps guards divisions by zero the way the reference code does.
const eps = 2.220446049250313e-16

// STOI returns the short-time objective intelligibility of est against
// clean (Taal, Hendriks, Heusdens, Jensen, IEEE TASLP 2011), in about
// 0..1: higher predicts more words understood. Following the reference
// implementation, both signals are resampled to 10 kHz, frames more than
// 40 dB below the loudest clean frame are removed, and the correlation of
// one-third-octave band envelopes over 384 ms segments is averaged, the
// estimate's envelope being normalised to the clean one and clipped at a
// signal-to-distortion ratio of -15 dB. It is invariant to est's gain.
//
// The signals must have the same length, at least 30 frames (about 0.4 s)
// of non-silent speech, and a rate in [resample.MinRate, resample.MaxRate].
func STOI(clean, est []float32, sampleRate int) (float64, error) {
	x, y, err := bandEnvelopes(clean, est, sampleRate)
	if err != nil {
		return 0, err
	}
	clip := 1 + math.Pow(10, -stoiBeta/20)
	frames := len(x[0])
	var yp [stoiSegment]float64
	sum := 0.0
	for m := stoiSegment; m <= frames; m++ {
		for j := range stoiBands {
			xs := x[j][m-stoiSegment : m]
			ys := y[j][m-stoiSegment : m]
			alpha := norm(xs) / (norm(ys) + eps)
			for i := range ys {
				yp[i] = min(alpha*ys[i], clip*xs[i])
			}
			sum += correlation(xs, yp[:])
		}
	}
	return sum / float64(stoiBands*(frames-stoiSegment+1)), nil
}

// ESTOI returns the extended short-time objective intelligibility of est
// against clean (Jensen & Taal, IEEE TASLP 2016), in about 0..1. It shares
// STOI's resampling, silent-frame removal and one-third-octave envelopes,
// but in each 384 ms segment normalises the band-by-frame envelope matrix
// first along time (each band zero-mean, unit-norm) and then across bands
// (each frame zero-mean, unit-norm), without clipping, and averages the
// correlation of the resulting spectral shapes. This makes it sensitive to
// the temporal modulation that fluctuating noise destroys. The
// requirements are those of [STOI].
func ESTOI(clean, est []float32, sampleRate int) (float64, error) {
	x, y, err := bandEnvelopes(clean, est, sampleRate)
	if err != nil {
		return 0, err
	}
	frames := len(x[0])
	var xs, ys [stoiBands][stoiSegment]float64
	sum := 0.0
	for m := stoiSegment; m <= frames; m++ {
		for j := range stoiBands {
			copy(xs[j][:], x[j][m-stoiSegment:m])
			copy(ys[j][:], y[j][m-stoiSegment:m])
		}
		normaliseRowsCols(&xs)
		normaliseRowsCols(&ys)
		d := 0.0
		for j := range stoiBands {
			for i := range stoiSegment {
				d += xs[j][i] * ys[j][i]
			}
		}
		sum += d / stoiSegment
	}
	return sum / float64(frames-stoiSegment+1), nil
}

// normaliseRowsCols makes each band (row) zero-mean with unit norm over the
// segment, then each frame (column) zero-mean with unit norm over bands.
func normaliseRowsCols(s *[stoiBands][stoiSegment]float64) {
	for j := range s {
		r := s[j][:]
		subtractMean(r)
		scale(r, 1/(norm(r)+eps))
	}
	var col [stoiBands]float64
	for i := range stoiSegment {
		for j := range s {
			col[j] = s[j][i]
		}
		subtractMean(col[:])
		g := 1 / (norm(col[:]) + eps)
		for j := range s {
			s[j][i] = col[j] * g
		}
	}
}

// bandEnvelopes runs the common front end of STOI and ESTOI and returns the
// one-third-octave band magnitudes [band][frame] of both signals.
func bandEnvelopes(clean, est []float32, sampleRate int) (x, y [][]float64, err error) {
	if len(clean) != len(est) {
		return nil, nil, fmt.Errorf("%w: clean has %d samples, estimate %d", ErrLength, len(clean), len(est))
	}
	if sampleRate < resample.MinRate || sampleRate > resample.MaxRate {
		return nil, nil, fmt.Errorf("%w: %d Hz, want %d..%d", ErrRate, sampleRate, resample.MinRate, resample.MaxRate)
	}
	r, err := resample.New(sampleRate, stoiRate, resample.QualityDefault)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrRate, err)
	}
	xc := r.Whole(nil, clean)
	yc := r.Whole(nil, est)
	xs, ys, err := removeSilentFrames(xc, yc)
	if err != nil {
		return nil, nil, err
	}
	bands := thirdOctaveBands()
	x = stft(xs, bands)
	y = stft(ys, bands)
	if n := len(x[0]); n < stoiSegment {
		return nil, nil, fmt.Errorf("%w: %d non-silent frames after silence removal, need %d (about %.2f s of speech)",
			ErrTooShort, n, stoiSegment, float64((stoiSegment+1)*stoiHop)/stoiRate)
	}
	return x, y, nil
}

// hann returns the window the reference code uses (MATLAB's hanning(n),
// which excludes the zero end points).
func hann(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 0.5 - 0.5*math.Cos(2*math.Pi*float64(i+1)/float64(n+1))
	}
	return w
}

// frameCount returns how many frames the reference code takes from n
// samples: those starting at 0, hop, ... strictly before n-frame.
func frameCount(n int) int {
	if n <= stoiFrame {
		return 0
	}
	return (n-stoiFrame-1)/stoiHop + 1
}

// removeSilentFrames drops the frames whose clean energy is more than
// stoiDynRange below the loudest clean frame, from both signals, and
// overlap-adds the windowed frames that remain.
func removeSilentFrames(x, y []float32) (xs, ys []float64, err error) {
	frames := frameCount(len(x))
	if frames == 0 {
		return nil, nil, fmt.Errorf("%w: %d samples at 10 kHz, need more than %d", ErrTooShort, len(x), stoiFrame)
	}
	w := hann(stoiFrame)
	energy := make([]float64, frames)
	loudest := math.Inf(-1)
	for f := range energy {
		e := 0.0
		for i, wi := range w {
			v := wi * float64(x[f*stoiHop+i])
			e += v * v
		}
		energy[f] = 10 * math.Log10(e)
		loudest = max(loudest, energy[f])
	}
	if math.IsInf(loudest, -1) {
		return nil, nil, ErrSilent
	}
	xs = make([]float64, (frames-1)*stoiHop+stoiFrame)
	ys = make([]float64, len(xs))
	kept := 0
	for f, e := range energy {
		if e <= loudest-stoiDynRange {
			continue
		}
		in, out := f*stoiHop, kept*stoiHop
		for i, wi := range w {
			xs[out+i] += wi * float64(x[in+i])
			ys[out+i] += wi * float64(y[in+i])
		}
		kept++
	}
	n := (kept-1)*stoiHop + stoiFrame
	return xs[:n], ys[:n], nil
}

// band is a range of FFT bins [lo, hi).
type band struct{ lo, hi int }

// thirdOctaveBands maps the one-third-octave bands to FFT bins: each edge
// goes to the nearest bin (the first of two equally near).
func thirdOctaveBands() [stoiBands]band {
	nearest := func(f float64) int {
		best, bestD := 0, math.Inf(1)
		for k := 0; k <= stoiFFT/2; k++ {
			d := float64(k)*stoiRate/stoiFFT - f
			if d*d < bestD {
				best, bestD = k, d*d
			}
		}
		return best
	}
	var b [stoiBands]band
	for k := range b {
		lo := stoiMinFreq * math.Pow(2, float64(2*k-1)/6)
		hi := stoiMinFreq * math.Pow(2, float64(2*k+1)/6)
		b[k] = band{nearest(lo), nearest(hi)}
	}
	return b
}

// stft returns the band magnitudes [band][frame] of the Hann-windowed,
// zero-padded 512-point spectra of s.
func stft(s []float64, bands [stoiBands]band) [][]float64 {
	frames := frameCount(len(s))
	out := make([][]float64, stoiBands)
	for j := range out {
		out[j] = make([]float64, frames)
	}
	w := hann(stoiFrame)
	fft := fourier.NewFFT(stoiFFT)
	buf := make([]float64, stoiFFT)
	spec := make([]complex128, stoiFFT/2+1)
	for f := range frames {
		for i, wi := range w {
			buf[i] = wi * s[f*stoiHop+i]
		}
		fft.Coefficients(spec, buf)
		for j, b := range bands {
			e := 0.0
			for _, c := range spec[b.lo:b.hi] {
				e += real(c)*real(c) + imag(c)*imag(c)
			}
			out[j][f] = math.Sqrt(e)
		}
	}
	return out
}

func norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

func subtractMean(v []float64) {
	m := 0.0
	for _, x := range v {
		m += x
	}
	m /= float64(len(v))
	for i := range v {
		v[i] -= m
	}
}

func scale(v []float64, g float64) {
	for i := range v {
		v[i] *= g
	}
}

// correlation returns the sample correlation coefficient of a and b.
func correlation(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var ab, aa, bb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		ab += da * db
		aa += da * da
		bb += db * db
	}
	return ab / (math.Sqrt(aa)*math.Sqrt(bb) + eps)
}
