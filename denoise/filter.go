package denoise

import (
	"fmt"
	"time"

	"github.com/hushaudio/hush/dsp/resample"
)

// MaxFilterSampleRate is the highest rate NewFilter accepts [Hz]. Rates
// above MaxSampleRate are denoised through a band-limited resampler.
const MaxFilterSampleRate = resample.MaxRate

// filterChunk is the most input samples a resampling Filter handles in one
// pass; longer inputs are cut into such pieces, so the buffers stay small.
const filterChunk = 1024

// maxAlignPhases bounds the extra delay spent on aligning the resampled
// path to whole output samples: a processing rate is chosen whose ratio to
// the stream's rate has a denominator of at most this many, which costs
// less than 1 ms at 48 kHz (see innerRate).
const maxAlignPhases = 48

// Filter removes background noise from one mono stream at any sample rate
// from MinSampleRate (8 kHz) to MaxFilterSampleRate (192 kHz). Up to
// MaxSampleRate (48 kHz) it is a Denoiser working natively, with identical
// output and latency. Above, it resamples to a processing rate of at most
// 48 kHz (48 kHz itself for 64, 96 and 192 kHz; 44.1 kHz for 88.2 and
// 176.4 kHz), denoises there and resamples back, all band-limited and
// streaming.
//
// The band above the processing rate's Nyquist frequency (24 kHz at 96
// kHz) carries no speech: hush treats it as noise and turns it down by the
// full MaxAttenuation, exactly what the Denoiser does to a band where it
// finds only noise. The audible band is not resampled twice: the Filter
// upsamples only the change the Denoiser makes and subtracts it from the
// delayed input, so wherever the Denoiser leaves the audio alone the output
// is the input, within -70 dB. The resamplers use resample.QualityFast
// (flat to 20.4 kHz at a 48 kHz processing rate, 70 dB stopband): the
// default quality's sharper filters cost 65% more CPU and 1.5 ms more delay
// for no measurable difference here (see BenchmarkFilter and
// TestFilterImprovesAtEveryRate).
//
// Like a Denoiser, a Filter accepts any chunking with identical output,
// delays the output by exactly Latency() samples at its own rate, and
// allocates nothing after NewFilter. It must not be used by two goroutines
// at once.
type Filter struct {
	rate  int
	den   *Denoiser
	chain *resampledChain // nil when the Denoiser runs at rate itself
	conv  []float32       // int16 conversion buffer of the resampled path
}

// resampledChain is the path of a Filter above MaxSampleRate:
//
//	y = h·delay(x) + up(D(d) − h·delay_D(d)),  d = delay_pad(down(x))
//
// where D is the Denoiser, h the noise floor (10^(−MaxAttenuation/20)) and
// each delay aligns its term with the others.
type resampledChain struct {
	inner    int
	down, up *resample.Resampler
	floor    float32
	latency  int

	x       []float32   // a copy of the input chunk, so dst may be src
	d, e, u []float32   // downsampled, denoised change, upsampled change
	pad     delayLine   // inner samples that make the delay a whole number of outer samples
	bypass  delayLine   // d delayed by the Denoiser's latency
	xDelay  delayLine   // x delayed by the Filter's latency
	out     sampleQueue // upsampled output not yet due
	prefill int         // zeros at the head of out after Reset
}

// NewFilter returns a Filter for cfg, where cfg.SampleRate may be anything
// from MinSampleRate to MaxFilterSampleRate (0 means DefaultSampleRate). It
// returns an error wrapping ErrSampleRate or ErrMaxAttenuation if cfg is
// out of range.
func NewFilter(cfg Config) (*Filter, error) {
	if cfg.SampleRate == 0 {
		cfg.SampleRate = DefaultSampleRate
	}
	rate := cfg.SampleRate
	if rate < MinSampleRate || rate > MaxFilterSampleRate {
		return nil, fmt.Errorf("%w: got %d Hz, want %d..%d", ErrSampleRate, rate, MinSampleRate, MaxFilterSampleRate)
	}
	f := &Filter{rate: rate}
	if rate <= MaxSampleRate {
		d, err := New(cfg)
		if err != nil {
			return nil, err
		}
		f.den = d
		return f, nil
	}
	inner := innerRate(rate)
	cfg.SampleRate = inner
	d, err := New(cfg)
	if err != nil {
		return nil, err
	}
	c, err := newResampledChain(rate, inner, d)
	if err != nil {
		return nil, fmt.Errorf("denoise: %d Hz: %w", rate, err)
	}
	f.den, f.chain = d, c
	f.conv = make([]float32, 256)
	return f, nil
}

// innerRate returns the rate at which a stream at rate (above
// MaxSampleRate) is denoised. It is 48 or 44.1 kHz, whichever has the
// simpler ratio to rate, as long as that ratio, reduced, has a denominator
// of at most maxAlignPhases, so that aligning the output costs under 1 ms
// (this covers 50, 64, 88.2, 96, 176.4 and 192 kHz). For other rates it is
// the highest rate from 48 kHz down to 32 kHz with such a ratio, or 48 kHz
// if there is none (rates with no useful common factor, which no equipment
// uses, pay up to 1 s of extra latency).
func innerRate(rate int) int {
	phases := func(inner int) int { return inner / gcd(rate, inner) }
	best := MaxSampleRate
	if phases(44100) < phases(best) {
		best = 44100
	}
	if phases(best) <= maxAlignPhases {
		return best
	}
	for inner := MaxSampleRate; inner >= 32000; inner-- {
		if phases(inner) <= maxAlignPhases {
			return inner
		}
	}
	return MaxSampleRate
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func newResampledChain(rate, inner int, d *Denoiser) (*resampledChain, error) {
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
	lag := down.Latency() + d.Latency()
	pad := (m - lag%m) % m
	aligned := up.Latency() + (lag+pad)/m*l

	c := &resampledChain{
		inner:  inner,
		down:   down,
		up:     up,
		x:      make([]float32, filterChunk),
		pad:    newDelayLine(pad),
		bypass: newDelayLine(d.Latency()),
	}
	c.setFloor(d.MaxAttenuation())
	nd := down.MaxOutput(filterChunk)
	c.d = make([]float32, nd)
	c.e = make([]float32, nd)
	c.u = make([]float32, up.MaxOutput(nd))

	// The resamplers emit their outputs a little unevenly; queueing a
	// few zeros ahead of the upsampled output lets every call return as
	// many samples as it was given. How many is found by counting: the
	// pattern repeats every l input samples (two periods are counted, to
	// cover the start of the stream as well).
	late, early := c.countUnevenness(2 * l)
	c.prefill = late
	c.latency = aligned + late
	c.xDelay = newDelayLine(c.latency)
	c.out = newSampleQueue(late + early + len(c.u) + 1)
	c.reset()
	return c, nil
}

// countUnevenness feeds n single samples through the
// resamplers and returns by how many samples their combined output falls
// behind, and runs ahead of, the input at worst.
func (c *resampledChain) countUnevenness(samples int) (late, early int) {
	var one [1]float32
	produced := 0
	for n := 1; n <= samples; n++ {
		w, _ := c.down.Process(c.d, one[:])
		u, _ := c.up.Process(c.u, c.d[:w])
		produced += u
		late = max(late, n-produced)
		early = max(early, produced-n)
	}
	return late, early
}

func (c *resampledChain) setFloor(db float64) {
	c.floor = attenuationFloor(db)
}

func (c *resampledChain) reset() {
	c.down.Reset()
	c.up.Reset()
	c.pad.reset()
	c.bypass.reset()
	c.xDelay.reset()
	c.out.reset()
	c.out.pushZeros(c.prefill)
}

// process runs one chunk (at most filterChunk samples) through the chain.
func (c *resampledChain) process(den *Denoiser, dst, src []float32) {
	x := c.x[:len(src)]
	copy(x, src)
	nd, _ := c.down.Process(c.d, x) // c.d holds every output of a chunk
	d, e := c.d[:nd], c.e[:nd]
	c.pad.process(d)
	den.Process(e, d)
	c.bypass.process(d)
	for i, v := range d {
		e[i] -= c.floor * v
	}
	nu, _ := c.up.Process(c.u, e)
	c.out.push(c.u[:nu])
	c.out.pop(dst[:len(x)])
	c.xDelay.process(x)
	for i, v := range x {
		dst[i] += c.floor * v
	}
}

// SampleRate returns the sample rate of the stream [Hz].
func (f *Filter) SampleRate() int { return f.rate }

// ProcessingRate returns the rate at which the noise is removed [Hz]: the
// stream's own rate up to MaxSampleRate, a lower one above.
func (f *Filter) ProcessingRate() int { return f.den.SampleRate() }

// MaxAttenuation returns the strength in use [dB].
func (f *Filter) MaxAttenuation() float64 { return f.den.MaxAttenuation() }

// SetMaxAttenuation changes the strength of the running stream, as
// Denoiser.SetMaxAttenuation does; it allocates nothing.
func (f *Filter) SetMaxAttenuation(db float64) error {
	if err := f.den.SetMaxAttenuation(db); err != nil {
		return err
	}
	if f.chain != nil {
		f.chain.setFloor(f.den.MaxAttenuation())
	}
	return nil
}

// FrameSize returns the number of samples in 10 ms at the stream's rate,
// the natural unit to feed; any other length works as well.
func (f *Filter) FrameSize() int {
	if f.chain == nil {
		return f.den.FrameSize()
	}
	return hopSize(f.rate)
}

// Latency returns the delay of the output in samples at the stream's rate:
// output sample i is the denoised input sample i−Latency(). Up to 48 kHz it
// is the Denoiser's 20 ms; above, the resampling filters add about 1.3 ms
// (96 kHz: 2038 samples, 21.2 ms).
func (f *Filter) Latency() int {
	if f.chain == nil {
		return f.den.Latency()
	}
	return f.chain.latency
}

// LatencyDuration returns Latency as a duration, rounded to the microsecond.
func (f *Filter) LatencyDuration() time.Duration {
	d := time.Duration(f.Latency()) * time.Second / time.Duration(f.rate)
	return d.Round(time.Microsecond)
}

// SpeechProbability returns the probability that the most recent 10 ms of
// the stream that the Denoiser has analysed held speech; see
// Denoiser.SpeechProbability.
func (f *Filter) SpeechProbability() float32 { return f.den.SpeechProbability() }

// Process denoises src into dst with the contract of Denoiser.Process: dst
// must be at least as long as src (it panics otherwise), they may be the
// same slice, any length is accepted with identical results, and dst[i]
// is the denoised input Latency() samples before src[i].
func (f *Filter) Process(dst, src []float32) {
	if f.chain == nil {
		f.den.Process(dst, src)
		return
	}
	if len(dst) < len(src) {
		panic(fmt.Sprintf("denoise: Process got dst of %d samples for %d input samples", len(dst), len(src)))
	}
	for len(src) > 0 {
		n := min(len(src), filterChunk)
		f.chain.process(f.den, dst[:n], src[:n])
		dst, src = dst[n:], src[n:]
	}
}

// ProcessInt16 is Process for 16-bit PCM samples (full scale ±32768); the
// output saturates at full scale.
func (f *Filter) ProcessInt16(dst, src []int16) {
	if f.chain == nil {
		f.den.ProcessInt16(dst, src)
		return
	}
	if len(dst) < len(src) {
		panic(fmt.Sprintf("denoise: ProcessInt16 got dst of %d samples for %d input samples", len(dst), len(src)))
	}
	for len(src) > 0 {
		n := min(len(src), len(f.conv))
		buf := f.conv[:n]
		for i, s := range src[:n] {
			buf[i] = float32(s) * (1.0 / 32768)
		}
		f.Process(buf, buf)
		for i, x := range buf {
			dst[i] = floatToInt16(x)
		}
		dst, src = dst[n:], src[n:]
	}
}

// Flush ends the stream: it writes the Latency() samples still held to dst
// (which must have room for them) and returns how many it wrote. Call Reset
// before starting another stream.
func (f *Filter) Flush(dst []float32) int {
	n := f.Latency()
	if len(dst) < n {
		panic(fmt.Sprintf("denoise: Flush needs %d samples of room, got %d", n, len(dst)))
	}
	clear(dst[:n])
	f.Process(dst[:n], dst[:n])
	return n
}

// FlushInt16 is Flush for 16-bit PCM.
func (f *Filter) FlushInt16(dst []int16) int {
	n := f.Latency()
	if len(dst) < n {
		panic(fmt.Sprintf("denoise: FlushInt16 needs %d samples of room, got %d", n, len(dst)))
	}
	clear(dst[:n])
	f.ProcessInt16(dst[:n], dst[:n])
	return n
}

// Reset makes the Filter ready for a new stream without allocating.
func (f *Filter) Reset() {
	f.den.Reset()
	if f.chain != nil {
		f.chain.reset()
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
		panic("denoise: internal error: resampled output queue overflow")
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
		panic("denoise: internal error: resampled output queue underflow")
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
