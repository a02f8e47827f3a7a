package room

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// SpeedOfSound is the speed of sound in air at about 20 °C [m/s].
const SpeedOfSound = 343.0

// Room is a shoebox room with one talker and one microphone.
type Room struct {
	Size   [3]float64 // [m] length, width and height, each > 0
	RT60   float64    // [s] time the reverberant energy takes to fall by 60 dB, > 0
	Source [3]float64 // [m] talker position, inside the room
	Mic    [3]float64 // [m] microphone position, inside the room
	// HFRatio is the late reverberation's RT60 above the crossover
	// ([CrossoverHz]) as a fraction of RT60: furnishings and air absorb high
	// frequencies faster. 0 means 1 (the same decay at all frequencies);
	// otherwise 0 < HFRatio ≤ 1.
	HFRatio float64
}

// CrossoverHz is where the late reverberation's low and high bands meet
// [Hz] (at most 0.3 times the sample rate).
const CrossoverHz = 2000.0

const (
	// earlyHorizon is how long after the direct sound the image sources
	// are listed; past it the noise tail takes over.
	earlyHorizon = 0.1 // [s]
	// crossfade is the overlap of the image part and the noise tail.
	crossfade = 0.02 // [s]
	// sincHalf is the half-length of the windowed-sinc fractional delay.
	sincHalf = 8 // [samples]
	// decay60 is ln(10^6): energy falls by this many nepers over RT60.
	decay60 = 13.815510557964274
)

// Validate reports whether r describes a room Impulse can build.
func (r Room) Validate() error {
	for i, l := range r.Size {
		if !(l > 0) || math.IsInf(l, 0) {
			return fmt.Errorf("%w: size %v m", ErrRoom, r.Size)
		}
		if !(r.Source[i] > 0 && r.Source[i] < l) || !(r.Mic[i] > 0 && r.Mic[i] < l) {
			return fmt.Errorf("%w: source %v m or microphone %v m outside the room %v m", ErrRoom, r.Source, r.Mic, r.Size)
		}
	}
	if !(r.RT60 > 0) || r.RT60 > 10 {
		return fmt.Errorf("%w: RT60 %v s, want 0 < RT60 ≤ 10", ErrRoom, r.RT60)
	}
	if r.HFRatio < 0 || r.HFRatio > 1 || math.IsNaN(r.HFRatio) {
		return fmt.Errorf("%w: HF ratio %v, want 0 ≤ ratio ≤ 1", ErrRoom, r.HFRatio)
	}
	if r.Distance() == 0 {
		return fmt.Errorf("%w: source and microphone at the same point %v", ErrRoom, r.Mic)
	}
	return nil
}

// Distance returns the distance from the talker to the microphone [m].
func (r Room) Distance() float64 {
	return math.Sqrt(sq(r.Source[0]-r.Mic[0]) + sq(r.Source[1]-r.Mic[1]) + sq(r.Source[2]-r.Mic[2]))
}

// Volume returns the room's volume [m³].
func (r Room) Volume() float64 { return r.Size[0] * r.Size[1] * r.Size[2] }

// Surface returns the area of the room's walls, floor and ceiling [m²].
func (r Room) Surface() float64 {
	x, y, z := r.Size[0], r.Size[1], r.Size[2]
	return 2 * (x*y + y*z + x*z)
}

// Reflection returns the walls' pressure reflection coefficient, √(1−α),
// with the absorption α from Eyring's formula, RT60 = 0.161·V /
// (−S·ln(1−α)) (0.161 = 4·ln(10⁶) / c): the decay an image model's average
// reflection count gives.
func (r Room) Reflection() float64 {
	return math.Exp(-decay60 * 4 * r.Volume() / (SpeedOfSound * r.Surface() * r.RT60) / 2)
}

// Impulse is a room impulse response.
type Impulse struct {
	Samples []float32 // the response; the talker emits at sample 0
	Rate    int       // [Hz]
	Direct  float64   // [samples] arrival of the direct sound: distance / speed of sound · rate
}

// Impulse builds r's impulse response at rate [Hz] (8000 to 192000), long
// enough for the reverberation to fall by 60 dB after the direct sound.
// seed draws the late reverberation's noise.
func (r Room) Impulse(rate int, seed uint64) (Impulse, error) {
	if err := r.Validate(); err != nil {
		return Impulse{}, err
	}
	if rate < 8000 || rate > 192000 {
		return Impulse{}, fmt.Errorf("%w: %d Hz, want 8000..192000", ErrRate, rate)
	}
	fs := float64(rate)
	direct := r.Distance() / SpeedOfSound * fs
	n := int(math.Ceil(direct+r.RT60*fs)) + sincHalf
	ir := make([]float64, n)
	// The image part reaches to the horizon; the tail starts a crossfade
	// before it.
	horizon := direct + earlyHorizon*fs
	fade := crossfade * fs
	r.addImages(ir, fs, horizon+sincHalf)
	blockDC(ir, fs)
	for i := range ir {
		ir[i] *= 1 - rise(float64(i), horizon-fade, fade)
	}
	r.addTail(ir, fs, horizon-fade, fade, seed)
	out := make([]float32, n)
	for i, v := range ir {
		out[i] = float32(v)
	}
	return Impulse{Samples: out, Rate: rate, Direct: direct}, nil
}

// addImages adds every image source that arrives before sample limit.
func (r Room) addImages(ir []float64, fs, limit float64) {
	beta := r.Reflection()
	reach := limit / fs * SpeedOfSound // [m]
	var kmax [3]int
	for a := range 3 {
		kmax[a] = int(math.Ceil(reach/r.Size[a])) + 1
	}
	// Along one axis, image k of a source at s in a room of length L sits
	// at k·L + s for even k and (k+1)·L − s for odd k, after |k|
	// reflections.
	pos := func(a, k int) float64 {
		if k%2 == 0 {
			return float64(k)*r.Size[a] + r.Source[a]
		}
		return float64(k+1)*r.Size[a] - r.Source[a]
	}
	for kx := -kmax[0]; kx <= kmax[0]; kx++ {
		dx := pos(0, kx) - r.Mic[0]
		for ky := -kmax[1]; ky <= kmax[1]; ky++ {
			dy := pos(1, ky) - r.Mic[1]
			if dx*dx+dy*dy > reach*reach {
				continue
			}
			for kz := -kmax[2]; kz <= kmax[2]; kz++ {
				dz := pos(2, kz) - r.Mic[2]
				d := math.Sqrt(dx*dx + dy*dy + dz*dz)
				t := d / SpeedOfSound * fs
				if t >= limit {
					continue
				}
				order := abs(kx) + abs(ky) + abs(kz)
				amp := math.Pow(beta, float64(order)) / (4 * math.Pi * d)
				placeSinc(ir, t, amp)
			}
		}
	}
}

// blockDC high-passes x in place at 50 Hz (one pole, one zero at DC). The
// image sources all arrive with positive amplitude, which gives the image
// part a low-frequency bias no real room has; Allen and Berkley high-pass
// their responses for the same reason. It leaves the first nonzero sample
// as it is.
func blockDC(x []float64, fs float64) {
	pole := math.Exp(-2 * math.Pi * 50 / fs)
	var prevIn, prevOut float64
	for i, v := range x {
		y := v - prevIn + pole*prevOut
		prevIn, prevOut = v, y
		x[i] = y
	}
}

// placeSinc adds an impulse of amplitude amp at fractional sample t, with a
// Hann-windowed sinc.
func placeSinc(ir []float64, t, amp float64) {
	c := int(math.Floor(t))
	for i := c - sincHalf + 1; i <= c+sincHalf; i++ {
		if i < 0 || i >= len(ir) {
			continue
		}
		x := float64(i) - t
		w := 0.5 + 0.5*math.Cos(math.Pi*x/sincHalf)
		ir[i] += amp * w * sinc(x)
	}
}

// addTail adds the late reverberation from sample start on, faded in over
// fade samples: Gaussian noise whose energy decays by 60 dB in RT60 below
// the crossover and in HFRatio·RT60 above it. Each band starts at the
// energy density the image sources have in that band just before start
// (over the preceding 30 ms, with the decay taken out), so that the
// response runs on without a step in level or colour.
func (r Room) addTail(ir []float64, fs, start, fade float64, seed uint64) {
	first := max(int(math.Floor(start)), 0)
	if first >= len(ir) {
		return
	}
	// The bands: a linear-phase low-pass at the crossover (a Hann-windowed
	// sinc 4 ms long) and what it leaves, so that low + high is the
	// signal itself and either band leaks into the other only by the
	// filter's stopband.
	half := int(0.002 * fs)
	fc := min(CrossoverHz, 0.3*fs) / fs
	taps := make([]float64, 2*half+1)
	for k := range taps {
		x := float64(k - half)
		taps[k] = 2 * fc * sinc(2*fc*x) * (0.5 + 0.5*math.Cos(math.Pi*x/float64(half+1)))
	}
	lowAt := func(x []float64, i int) float64 {
		var low float64
		for k, h := range taps {
			if j := i + k - half; j >= 0 && j < len(x) {
				low += h * x[j]
			}
		}
		return low
	}
	decay := func(t, rt60 float64) float64 { return math.Exp(-decay60 * t / rt60) } // energy at t [s]
	tJoin := start / fs
	// The images' density in each band, referred to the join.
	from := max(first-int(0.03*fs), 0)
	var dLow, dHigh float64
	for i := from; i < first; i++ {
		low := lowAt(ir, i)
		// Referred to the join: what decays until then.
		toJoin := decay(tJoin-float64(i)/fs, r.RT60)
		dLow += low * low * toJoin
		dHigh += (ir[i] - low) * (ir[i] - low) * toJoin
	}
	if n := float64(first - from); n > 0 {
		dLow /= n
		dHigh /= n
	}
	if dLow+dHigh == 0 {
		// No image in the window (a very large room): the diffuse field's
		// density, c/(4π·V) per second, shared out as white noise would.
		d := SpeedOfSound / (4 * math.Pi * r.Volume() * fs) * decay(tJoin, r.RT60)
		dLow, dHigh = d*2*fc, d*(1-2*fc)
	}
	// White noise of unit variance holds 2·fc of it below the crossover.
	dLow /= 2 * fc
	dHigh /= 1 - 2*fc
	hf := r.HFRatio
	if hf == 0 {
		hf = 1
	}
	rng := rand.New(rand.NewPCG(seed, 0x726f6f6d)) // "room"
	noise := make([]float64, len(ir)-first)
	for i := range noise {
		noise[i] = rng.NormFloat64()
	}
	for i, n := range noise {
		low := lowAt(noise, i)
		dt := float64(first+i)/fs - tJoin
		sLow := math.Sqrt(dLow * decay(dt, r.RT60))
		sHigh := math.Sqrt(dHigh * decay(dt, r.RT60*hf))
		ir[first+i] += rise(float64(first+i), start, fade) * (sLow*low + sHigh*(n-low))
	}
}

// rise goes from 0 at x = start to 1 at start+width along a raised cosine.
func rise(x, start, width float64) float64 {
	switch {
	case x <= start:
		return 0
	case x >= start+width:
		return 1
	}
	return 0.5 - 0.5*math.Cos(math.Pi*(x-start)/width)
}

// Early returns the response up to window seconds after the direct sound,
// then faded out along a raised cosine over fade seconds: what convolving
// with it leaves is the direct sound and the early reflections.
func (im Impulse) Early(window, fade float64) []float32 {
	fs := float64(im.Rate)
	cut := im.Direct + window*fs
	width := fade * fs
	n := min(int(math.Ceil(cut+width))+1, len(im.Samples))
	out := make([]float32, n)
	for i := range out {
		out[i] = im.Samples[i] * float32(1-rise(float64(i), cut, width))
	}
	return out
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

func sq(x float64) float64 { return x * x }

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}
