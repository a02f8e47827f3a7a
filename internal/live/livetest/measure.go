package livetest

import (
	"math"
	"math/cmplx"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Delay returns the lag in samples, -maxLag to maxLag, by which late
// trails early (late[k] resembles early[k-lag]), and the normalized
// correlation at that lag (1 for an exact copy). It correlates through an
// FFT, so whole recordings of a minute cost well under a second.
func Delay(early, late []float32, maxLag int) (lag int, corr float64) {
	n := 1
	for n < len(early)+len(late)+2*maxLag {
		n *= 2
	}
	fft := fourier.NewFFT(n)
	a := make([]float64, n)
	b := make([]float64, n)
	for i, x := range early {
		a[i] = float64(x)
	}
	for i, x := range late {
		b[i] = float64(x)
	}
	ca := fft.Coefficients(nil, a)
	cb := fft.Coefficients(nil, b)
	for i := range ca {
		cb[i] *= cmplx.Conj(ca[i])
	}
	r := fft.Sequence(nil, cb)
	best := math.Inf(-1)
	for l := -maxLag; l <= maxLag; l++ {
		if v := r[(l+n)%n]; v > best {
			best, lag = v, l
		}
	}
	return lag, correlation(early, late, lag, 0, len(late))
}

// correlation is the normalized correlation of late[from:to] with early
// lag samples before; 0 where either is silent.
func correlation(early, late []float32, lag, from, to int) float64 {
	var ab, aa, bb float64
	for k := max(from, lag, 0); k < to && k-lag < len(early); k++ {
		x, y := float64(early[k-lag]), float64(late[k])
		ab += x * y
		aa += x * x
		bb += y * y
	}
	if aa == 0 || bb == 0 {
		return 0
	}
	return ab / math.Sqrt(aa*bb)
}

// WindowDelay is the lag found in one window of a recording.
type WindowDelay struct {
	Start int     // the window's first sample in late
	Lag   int     // samples
	Corr  float64 // normalized correlation at Lag
}

// WindowDelays finds the lag of late behind early in each window of
// window samples, searching lag±search, skipping windows where early is
// quieter than minRMS: it shows a delay that changes during a recording,
// as a dropout or an inserted gap makes it.
func WindowDelays(early, late []float32, lag, window, search int, minRMS float64) []WindowDelay {
	var out []WindowDelay
	for start := 0; start+window <= len(late); start += window {
		if start-lag-search < 0 || start+window-lag+search > len(early) {
			continue
		}
		var e float64
		for _, x := range early[start-lag : start+window-lag] {
			e += float64(x) * float64(x)
		}
		if math.Sqrt(e/float64(window)) < minRMS {
			continue
		}
		best := WindowDelay{Start: start, Corr: math.Inf(-1)}
		for l := lag - search; l <= lag+search; l++ {
			if c := correlation(early, late, l, start, start+window); c > best.Corr {
				best.Lag, best.Corr = l, c
			}
		}
		out = append(out, best)
	}
	return out
}

// SilentRuns finds the runs of at least minRun exact zeros in x[from:to],
// the gaps a sound server fills in when a stream runs dry, and returns
// where each starts in x. A run that starts less than apart samples after
// the last one ended counts with it, as one dropout: the server may fill
// one dropout in two pieces.
func SilentRuns(x []float32, from, to, minRun, apart int) []int {
	var starts []int
	run := 0
	lastEnd := -apart // index after the last run's last zero
	for i, v := range x[from:to] {
		if v != 0 {
			run = 0
			continue
		}
		if run++; run >= minRun {
			if run == minRun && i+1-run-lastEnd >= apart {
				starts = append(starts, from+i+1-run)
			}
			lastEnd = i + 1
		}
	}
	return starts
}
