package resample

import (
	"fmt"
	"math"

	"github.com/hushaudio/hush/internal/vec"
)

// Sample rates a Resampler accepts [Hz].
const (
	MinRate = 8000
	MaxRate = 192000
)

const (
	// maxExactPhases is the largest reduced numerator whose polyphase
	// branches are all stored; above it the table is interpolated.
	maxExactPhases = 1024
	// tablePhases is the number of tabulated phases per input sample when
	// interpolating; linear interpolation between them errs by < -100 dB.
	tablePhases = 512
)

// Resampler converts a stream of mono samples from one rate to another.
// It keeps the filter's history between calls to [Resampler.Process], so a
// stream may be fed in chunks of any size and gives the same output as in
// one piece. It allocates nothing after [New]. A Resampler is not safe for
// concurrent use; use one per channel.
type Resampler struct {
	from, to int
	l, m     int  // output/input = l/m, reduced
	exact    bool // one table row per phase, else interpolated rows
	identity bool // from == to: samples are copied
	taps     int
	coef     []float32 // rows of taps, each reversed: oldest sample first
	hist     []float32 // ring of taps samples, stored twice so any window is contiguous
	pos      int       // index in hist of the oldest sample
	p0       int       // phase numerator of the first output
	ahead0   int       // inputs needed before the first output
	p        int       // phase numerator of the next output, 0..l-1
	ahead    int       // inputs still needed before the next output
	latency  int       // [output samples]
}

// New returns a Resampler from rate from to rate to [Hz], both in
// [MinRate, MaxRate], with filter quality q (the zero value is
// [QualityDefault]).
func New(from, to int, q Quality) (*Resampler, error) {
	if err := checkRate("input", from); err != nil {
		return nil, err
	}
	if err := checkRate("output", to); err != nil {
		return nil, err
	}
	s, err := q.spec()
	if err != nil {
		return nil, err
	}
	g := gcd(from, to)
	r := &Resampler{from: from, to: to, l: to / g, m: from / g}
	if from == to {
		r.identity = true
		return r, nil
	}
	k := newKernel(from, to, s)
	// The kernel's centre sits on the grid of output phases (a multiple of
	// 1/l input samples), so that an output lands exactly on time k/to
	// after a whole number of output samples of delay.
	h := int(math.Ceil(k.half * float64(r.l)))
	k.center = float64(h) / float64(r.l)
	r.taps = int(math.Floor(k.center+k.half)) + 1
	r.exact = r.l <= maxExactPhases
	rows, den := r.l, r.l
	if !r.exact {
		rows, den = tablePhases+1, tablePhases
	}
	r.coef = make([]float32, rows*r.taps)
	for row := range rows {
		c := r.coef[row*r.taps : (row+1)*r.taps]
		phi := float64(row) / float64(den)
		sum := 0.0
		for j := range r.taps {
			v := k.at(phi + float64(j))
			c[r.taps-1-j] = float32(v)
			sum += v
		}
		// Each branch sums to 1, so that DC passes without a ripple at the
		// phase period.
		for j := range c {
			c[j] = float32(float64(c[j]) / sum)
		}
	}
	r.hist = make([]float32, 2*r.taps)
	// The first output is at upsampled time h mod m, i.e. the aligned
	// output number h/m: that many outputs of latency.
	u0 := h % r.m
	r.latency = h / r.m
	r.p0, r.ahead0 = u0%r.l, u0/r.l+1
	r.Reset()
	return r, nil
}

func checkRate(which string, rate int) error {
	if rate < MinRate || rate > MaxRate {
		return fmt.Errorf("%w: %s rate %d Hz, want %d..%d", ErrRate, which, rate, MinRate, MaxRate)
	}
	return nil
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Reset clears the history so that the Resampler can start a new stream.
func (r *Resampler) Reset() {
	clear(r.hist)
	r.pos = 0
	r.p, r.ahead = r.p0, r.ahead0
}

// Latency returns the delay of the stream [output samples]: output sample
// Latency()+k is the input at time k/to. It is 0 when the rates are equal.
func (r *Resampler) Latency() int { return r.latency }

// Ratio returns the reduced conversion ratio: l output samples for every m
// input samples.
func (r *Resampler) Ratio() (l, m int) { return r.l, r.m }

// MaxOutput returns the most output samples that n more input samples can
// produce, so that a dst of that size lets [Resampler.Process] consume
// all of its src in one call.
func (r *Resampler) MaxOutput(n int) int {
	if r.identity {
		return n
	}
	return (n*r.l+r.m-1)/r.m + 1
}

// Process resamples src into dst and returns how many samples it wrote to
// dst and how many it consumed from src. It stops when src is consumed or
// dst is full, whichever comes first; samples it did not consume must be
// passed again. dst and src must not overlap. Process never allocates.
func (r *Resampler) Process(dst, src []float32) (written, consumed int) {
	if r.identity {
		n := copy(dst, src)
		return n, n
	}
	for {
		for r.ahead <= 0 {
			if written == len(dst) {
				return written, consumed
			}
			dst[written] = r.output()
			written++
			r.p += r.m
			r.ahead += r.p / r.l
			r.p %= r.l
		}
		if consumed == len(src) {
			return written, consumed
		}
		x := src[consumed]
		r.hist[r.pos] = x
		r.hist[r.pos+r.taps] = x
		r.pos++
		if r.pos == r.taps {
			r.pos = 0
		}
		consumed++
		r.ahead--
	}
}

// output computes the sample at the current phase from the newest taps
// inputs.
func (r *Resampler) output() float32 {
	w := r.hist[r.pos : r.pos+r.taps]
	if r.exact {
		return vec.Dot(r.coef[r.p*r.taps:(r.p+1)*r.taps], w)
	}
	num := r.p * tablePhases
	row := num / r.l
	frac := float32(num%r.l) / float32(r.l)
	a := vec.Dot(r.coef[row*r.taps:(row+1)*r.taps], w)
	b := vec.Dot(r.coef[(row+1)*r.taps:(row+2)*r.taps], w)
	return a + frac*(b-a)
}
