package dsp

import (
	"fmt"
	"math"

	"github.com/hushaudio/hush/dsp/resample"
)

// resampledChunk is the most input samples a Resampled handles in one
// pass; longer inputs are cut into such pieces, so the buffers stay small.
const resampledChunk = 1024

// maxAlignPhases bounds the extra delay spent on aligning the resampled
// path to whole output samples: the processing rate is chosen so that its
// ratio to the stream's rate has a denominator of at most this many,
// which costs under 1 ms at 48 kHz (see InnerRate).
const maxAlignPhases = 48

// Resampled runs a Chain at a lower processing rate for a stream whose
// rate is above what the Chain's bands are made for (48 kHz): 96 kHz is
// denoised at 48 kHz, 88.2 kHz at 44.1 kHz. It is band-limited and
// streaming:
//
//	y = h·delay(x) + up(D(d) − h·delay_D(d)),  d = delay_pad(down(x))
//
// where D is the Chain, h the noise floor (10^(−MaxAttenuation/20)) and
// each delay aligns its term with the others. The band above the
// processing rate's Nyquist frequency carries no speech: it is turned
// down by the full MaxAttenuation, as a band holding only noise would be.
// The audible band is not resampled twice: only the change the Chain
// makes is upsampled and subtracted from the delayed input, so wherever
// the Chain leaves the audio alone the output is the input, within
// -70 dB. The resamplers use resample.QualityFast (flat to 20.4 kHz at a
// 48 kHz processing rate, 70 dB stopband): the default quality's sharper
// filters cost 65% more CPU and 1.5 ms more delay for no measurable
// difference here.
//
// Like a Chain it takes any chunking with identical output, delays the
// output by exactly Latency() samples at its own rate and allocates
// nothing after NewResampled.
type Resampled struct {
	chain    *Chain
	rate     int
	down, up *resample.Resampler
	floor    float32
	latency  int

	x       []float32   // a copy of the input chunk, so dst may be src
	d, e, u []float32   // downsampled, denoised change, upsampled change
	pad     delayLine   // inner samples that make the delay a whole number of outer samples
	bypass  delayLine   // d delayed by the Chain's latency
	xDelay  delayLine   // x delayed by the whole latency
	out     sampleQueue // upsampled output not yet due
	prefill int         // zeros at the head of out after Reset
}

// InnerRate returns the rate at which a stream at rate (above 48 kHz) is
// denoised: 48 or 44.1 kHz, whichever has the simpler ratio to rate, as
// long as that ratio, reduced, has a denominator of at most 48 (this
// covers 50, 64, 88.2, 96, 176.4 and 192 kHz); for other rates the highest
// rate from 48 kHz down to 32 kHz with such a ratio, or 48 kHz if none has
// one (rates no equipment uses, which pay up to 1 s of extra latency).
func InnerRate(rate int) int {
	const top = 48000
	phases := func(inner int) int { return inner / gcd(rate, inner) }
	best := top
	if phases(44100) < phases(best) {
		best = 44100
	}
	if phases(best) <= maxAlignPhases {
		return best
	}
	for inner := top; inner >= 32000; inner-- {
		if phases(inner) <= maxAlignPhases {
			return inner
		}
	}
	return top
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// NewResampled returns a Resampled for a stream at rate around chain,
// which runs at a lower rate; maxAttenuationDB is the strength, as given
// to the chain's gain rule.
func NewResampled(rate int, chain *Chain, maxAttenuationDB float64) (*Resampled, error) {
	inner := chain.Grid().Rate
	down, err := resample.New(rate, inner, resample.QualityFast)
	if err != nil {
		return nil, err
	}
	up, err := resample.New(inner, rate, resample.QualityFast)
	if err != nil {
		return nil, err
	}
	g := gcd(rate, inner)
	l, m := rate/g, inner/g // rate/inner = l/m
	// Inner sample n of the change signal stands for the input at outer
	// time (n − down − D − pad)·l/m; pad makes that a whole number of
	// outer samples.
	lag := down.Latency() + chain.Latency()
	pad := (m - lag%m) % m
	aligned := up.Latency() + (lag+pad)/m*l

	r := &Resampled{
		chain:  chain,
		rate:   rate,
		down:   down,
		up:     up,
		x:      make([]float32, resampledChunk),
		pad:    newDelayLine(pad),
		bypass: newDelayLine(chain.Latency()),
	}
	r.setFloor(maxAttenuationDB)
	nd := down.MaxOutput(resampledChunk)
	r.d = make([]float32, nd)
	r.e = make([]float32, nd)
	r.u = make([]float32, up.MaxOutput(nd))

	// The resamplers emit their outputs a little unevenly; queueing a few
	// zeros ahead of the upsampled output lets every call return as many
	// samples as it was given. How many is found by counting: the pattern
	// repeats every l input samples (two periods are counted, to cover the
	// start of the stream as well).
	late, early := r.countUnevenness(2 * l)
	r.prefill = late
	r.latency = aligned + late
	r.xDelay = newDelayLine(r.latency)
	r.out = newSampleQueue(late + early + len(r.u) + 1)
	r.Reset()
	return r, nil
}

// countUnevenness feeds samples single samples through the resamplers
// and returns by how many samples their combined output falls behind, and
// runs ahead of, the input at worst.
func (r *Resampled) countUnevenness(samples int) (late, early int) {
	var one [1]float32
	produced := 0
	for n := 1; n <= samples; n++ {
		w, _ := r.down.Process(r.d, one[:])
		u, _ := r.up.Process(r.u, r.d[:w])
		produced += u
		late = max(late, n-produced)
		early = max(early, produced-n)
	}
	return late, early
}

func (r *Resampled) setFloor(db float64) {
	r.floor = float32(math.Pow(10, -db/20))
}

// Chain returns the chain at the processing rate.
func (r *Resampled) Chain() *Chain { return r.chain }

// Latency returns the delay of the output in samples at the stream's
// rate; the resampling filters add about 1.3 ms to the chain's (96 kHz:
// 2038 samples, 21.2 ms).
func (r *Resampled) Latency() int { return r.latency }

// SpeechProbability returns the chain's speech probability.
func (r *Resampled) SpeechProbability() float32 { return r.chain.SpeechProbability() }

// NoiseLevel returns the chain's noise level [dBFS]: measured at the
// processing rate, it leaves out noise above that rate's Nyquist frequency.
func (r *Resampled) NoiseLevel() float64 { return r.chain.NoiseLevel() }

// SetMaxAttenuation changes the strength of the chain and of the band
// above it, from the next frame on, without allocating.
func (r *Resampled) SetMaxAttenuation(db float64) {
	r.chain.SetMaxAttenuation(db)
	r.setFloor(db)
}

// LearnNoise resamples noise to the processing rate and gives it to the
// chain's LearnNoise. Unlike the chain's, it allocates (set-up, not the
// hot path).
func (r *Resampled) LearnNoise(noise []float32) error {
	inner := r.chain.Grid().Rate
	x, err := resample.Resample(nil, noise, r.rate, inner)
	if err != nil {
		return fmt.Errorf("resampling the noise sample from %d to %d Hz: %w", r.rate, inner, err)
	}
	if err := r.chain.LearnNoise(x); err != nil {
		return fmt.Errorf("%w (resampled from %d samples at %d Hz)", err, len(noise), r.rate)
	}
	return nil
}

// Reset makes the Resampled ready for a new stream without allocating.
func (r *Resampled) Reset() {
	r.chain.Reset()
	r.down.Reset()
	r.up.Reset()
	r.pad.reset()
	r.bypass.reset()
	r.xDelay.reset()
	r.out.reset()
	r.out.pushZeros(r.prefill)
}

// Process denoises src into dst with the contract of Chain.Process.
func (r *Resampled) Process(dst, src []float32) {
	if len(dst) < len(src) {
		panic(fmt.Sprintf("dsp: Resampled.Process got dst of %d samples for %d input samples", len(dst), len(src)))
	}
	for len(src) > 0 {
		n := min(len(src), resampledChunk)
		r.process(dst[:n], src[:n])
		dst, src = dst[n:], src[n:]
	}
}

// process runs one chunk (at most resampledChunk samples) through.
func (r *Resampled) process(dst, src []float32) {
	x := r.x[:len(src)]
	copy(x, src)
	nd, _ := r.down.Process(r.d, x) // r.d holds every output of a chunk
	d, e := r.d[:nd], r.e[:nd]
	r.pad.process(d)
	r.chain.Process(e, d)
	r.bypass.process(d)
	for i, v := range d {
		e[i] -= r.floor * v
	}
	nu, _ := r.up.Process(r.u, e)
	r.out.push(r.u[:nu])
	r.out.pop(dst[:len(x)])
	r.xDelay.process(x)
	for i, v := range x {
		dst[i] += r.floor * v
	}
}

// delayLine delays a signal by a fixed number of samples.
type delayLine struct {
	ring []float32
	pos  int
}

func newDelayLine(n int) delayLine { return delayLine{ring: make([]float32, n)} }

func (l *delayLine) reset() {
	clear(l.ring)
	l.pos = 0
}

// process replaces buf with the signal delayed.
func (l *delayLine) process(buf []float32) {
	if len(l.ring) == 0 {
		return
	}
	for i, v := range buf {
		buf[i] = l.ring[l.pos]
		l.ring[l.pos] = v
		l.pos++
		if l.pos == len(l.ring) {
			l.pos = 0
		}
	}
}

// sampleQueue is a fixed-capacity first-in first-out queue of samples.
type sampleQueue struct {
	buf       []float32
	head, len int
}

func newSampleQueue(capacity int) sampleQueue {
	return sampleQueue{buf: make([]float32, capacity)}
}

func (q *sampleQueue) reset() { q.head, q.len = 0, 0 }

func (q *sampleQueue) pushZeros(n int) {
	for range n {
		q.pushOne(0)
	}
}

func (q *sampleQueue) push(src []float32) {
	if q.len+len(src) > len(q.buf) {
		panic("dsp: internal error: resampled output queue overflow")
	}
	for _, v := range src {
		q.pushOne(v)
	}
}

func (q *sampleQueue) pushOne(v float32) {
	i := q.head + q.len
	if i >= len(q.buf) {
		i -= len(q.buf)
	}
	q.buf[i] = v
	q.len++
}

func (q *sampleQueue) pop(dst []float32) {
	if len(dst) > q.len {
		panic("dsp: internal error: resampled output queue underflow")
	}
	for i := range dst {
		dst[i] = q.buf[q.head]
		q.head++
		if q.head == len(q.buf) {
			q.head = 0
		}
	}
	q.len -= len(dst)
}
