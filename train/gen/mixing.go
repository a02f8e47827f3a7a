package main

import (
	"math"
	"math/rand/v2"
	"slices"
)

// addRecorded adds clips of one noise kind, from random offsets, end to end
// with short gaps for the short ones (clicks, steps), scaled by g.
func addRecorded(rng *rand.Rand, dst []float32, clips []clip, g float64) {
	tmp := make([]float32, len(dst))
	pos := 0
	for pos < len(tmp) {
		c := clips[rng.IntN(len(clips))].data
		off := 0
		if len(c) > coreRate {
			off = rng.IntN(len(c) / 2)
		}
		m := copy(tmp[pos:], c[off:])
		pos += m
		if len(c) < 2*coreRate {
			pos += int(rng.Float64() * 0.3 * coreRate)
		}
	}
	normalize(tmp, 0.1*g)
	for i, x := range tmp {
		dst[i] += x
	}
}

// addColoured adds stationary noise with a random spectral slope, and
// sometimes a mains hum with harmonics.
func addColoured(rng *rand.Rand, dst []float32) {
	a := rng.Float64()*1.9 - 0.95 // one-pole: >0 low-pass (brown-ish), <0 high-pass
	var y float64
	tmp := make([]float32, len(dst))
	for i := range tmp {
		y = a*y + rng.NormFloat64()
		tmp[i] = float32(y)
	}
	normalize(tmp, 0.1)
	if rng.Float64() < 0.3 {
		f0 := []float64{50, 60}[rng.IntN(2)]
		for h := 1; h <= 6; h++ {
			amp := 0.05 * rng.Float64() / float64(h)
			ph := rng.Float64() * 2 * math.Pi
			for i := range tmp {
				tmp[i] += float32(amp * math.Sin(2*math.Pi*f0*float64(h)*float64(i)/coreRate+ph))
			}
		}
	}
	for i, x := range tmp {
		dst[i] += x
	}
}

// addBabble adds 4 to 8 talkers from the training speech, each talking
// without pauses.
func addBabble(rng *rand.Rand, dst []float32, speech []clip) {
	tmp := make([]float32, len(dst))
	talkers := 4 + rng.IntN(5)
	for range talkers {
		pos := -rng.IntN(coreRate)
		for pos < len(tmp) {
			c := speech[rng.IntN(len(speech))].data
			for i, x := range c {
				if j := pos + i; j >= 0 && j < len(tmp) {
					tmp[j] += x
				}
			}
			pos += len(c)
		}
	}
	normalize(tmp, 0.1)
	for i, x := range tmp {
		dst[i] += x
	}
}

// modulate makes the noise change level: a step of up to ±12 dB at a random
// time, ramped over 0.5 s, or a slow swell.
func modulate(rng *rand.Rand, x []float32) {
	if rng.Float64() < 0.5 {
		at := rng.IntN(len(x))
		step := rng.Float64()*24 - 12
		ramp := coreRate / 2
		for i := range x {
			t := min(max(float64(i-at)/float64(ramp), 0), 1)
			x[i] *= float32(dbGain(step * t))
		}
		return
	}
	period := (2 + rng.Float64()*6) * coreRate
	depth := rng.Float64() * 10
	for i := range x {
		x[i] *= float32(dbGain(depth * math.Sin(2*math.Pi*float64(i)/period)))
	}
}

// tilt applies y[n] = x[n] + a·x[n-1]: a gentle random EQ.
func tilt(x []float32, a float64) {
	prev := float32(0)
	for i, v := range x {
		x[i] = v + float32(a)*prev
		prev = v
	}
}

func activeFraction(x []float32) float64 {
	const frame = coreRate / 100
	var energies []float64
	for i := 0; i+frame <= len(x); i += frame {
		var e float64
		for _, v := range x[i : i+frame] {
			e += float64(v) * float64(v)
		}
		energies = append(energies, e)
	}
	if len(energies) == 0 {
		return 1
	}
	peak := slices.Max(energies)
	active := 0
	for _, e := range energies {
		if e > peak*1e-3 {
			active++
		}
	}
	return max(float64(active)/float64(len(energies)), 0.05)
}

func normalize(x []float32, rms float64) {
	p := power(x)
	if p == 0 {
		return
	}
	s := float32(rms / math.Sqrt(p))
	for i := range x {
		x[i] *= s
	}
}

func power(x []float32) float64 {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	return s / float64(max(len(x), 1))
}

func dbGain(db float64) float64  { return math.Pow(10, db/20) }
func dbPower(db float64) float64 { return math.Pow(10, db/10) }

func abs32(x float32) float32 { return float32(math.Abs(float64(x))) }
