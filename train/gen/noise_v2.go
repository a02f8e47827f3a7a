package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/hushaudio/hush/internal/room"
)

// transientKinds are the recorded categories whose clips serve as sudden
// events over the background: steps and doors, kitchen clatter, key
// presses, microphone handling, animal calls (barks), tools.
var transientKinds = []string{"foley_door_steps", "household_kitchen", "keyboard_typing", "mic_handling", "animals", "workshop_tools"}

// addNoiseV2 adds the second recipe's noise to dst and names its parts in
// d. It returns true for a studio-quiet floor, which takes no SNR.
//
// The base, by share of streams: a -100 to -80 dBFS floor alone (6%; clean
// speech must pass untouched), one recorded category, sometimes two (40%),
// coloured noise (10%), babble (16%), a recording and babble (12%), typing
// over a quiet bed (8%), a recording and coloured noise (8%). Over it,
// transient events (15%) and typing (10%). Typing and events are
// reverberated in the talker's room in half the streams that have one.
// 30% of noises change level over the stream.
func addNoiseV2(rng *rand.Rand, dst []float32, m *material, talkers []int, rm *room.Room, d *streamDesc) (bool, error) {
	recorded := func(g float64) {
		k := m.kinds[rng.IntN(len(m.kinds))]
		addRecorded(rng, dst, m.noiseByKind[k], g)
		d.noise = append(d.noise, k)
	}
	coloured := func(g float64) {
		tmp := make([]float32, len(dst))
		addColoured(rng, tmp)
		addScaled(dst, tmp, 1, g)
		d.noise = append(d.noise, "coloured")
	}
	babble := func(g float64) error {
		tmp, desc, err := babbleV2(rng, len(dst), m.speech, talkers)
		if err != nil {
			return err
		}
		addScaled(dst, tmp, 0.1, g)
		d.noise = append(d.noise, desc)
		return nil
	}
	pointSource := func(layer []float32, name string) ([]float32, error) {
		if rm != nil && rng.Float64() < 0.5 {
			var err error
			if layer, err = reverberateNear(rng, layer, *rm); err != nil {
				return nil, err
			}
			name += "(room)"
		}
		d.noise = append(d.noise, name)
		return layer, nil
	}
	typing := func(g float64) error {
		keys := m.noiseByKind["keyboard_typing"]
		if len(keys) == 0 {
			recorded(g)
			return nil
		}
		tmp, err := pointSource(typingLayer(rng, len(dst), keys), "typing")
		if err != nil {
			return err
		}
		addScaled(dst, tmp, 0.1, g)
		return nil
	}
	r := rng.Float64()
	var err error
	switch {
	case r < 0.06:
		for i := range dst {
			dst[i] = float32(rng.NormFloat64() * dbGain(-100+rng.Float64()*20))
		}
		d.noise = []string{"floor"}
		return true, nil
	case r < 0.46:
		recorded(1)
		if rng.Float64() < 0.25 {
			recorded(dbGain(-rng.Float64() * 10))
		}
	case r < 0.56:
		coloured(1)
	case r < 0.72:
		err = babble(1)
	case r < 0.84:
		recorded(1)
		err = babble(dbGain(-6 + rng.Float64()*6))
	case r < 0.92:
		if err = typing(1); err == nil {
			if rng.Float64() < 0.5 {
				recorded(dbGain(-15 + rng.Float64()*10))
			} else {
				coloured(dbGain(-15 + rng.Float64()*10))
			}
		}
	default:
		recorded(1)
		coloured(dbGain(-10 + rng.Float64()*10))
	}
	if err != nil {
		return false, err
	}
	if rng.Float64() < 0.15 {
		if tmp, name := eventLayer(rng, len(dst), m); tmp != nil {
			if tmp, err = pointSource(tmp, name); err != nil {
				return false, err
			}
			addScaled(dst, tmp, math.Sqrt(power(dst)), dbGain(-6+rng.Float64()*12))
		}
	}
	if rng.Float64() < 0.1 && !slices.ContainsFunc(d.noise, func(s string) bool { return len(s) >= 6 && s[:6] == "typing" }) {
		if err := typing(dbGain(-10 + rng.Float64()*10)); err != nil {
			return false, err
		}
	}
	if rng.Float64() < 0.3 {
		modulate(rng, dst)
		d.noise = append(d.noise, "level-change")
	}
	return false, nil
}

// addScaled adds layer to dst at an RMS of rms·g.
func addScaled(dst, layer []float32, rms, g float64) {
	p := power(layer)
	if p == 0 || rms == 0 {
		return
	}
	s := float32(rms * g / math.Sqrt(p))
	for i, v := range layer {
		dst[i] += s * v
	}
}

// babbleV2 returns babble of 3 to 10 talkers, each a different voice and
// none of the stream's own talkers, each talking on with pauses of up to
// 0.3 s at its own level (±4 dB); in 60% of streams the crowd is heard
// through a room 1.5 to 5 m away, as in a café.
func babbleV2(rng *rand.Rand, n int, c *corpus, exclude []int) ([]float32, string, error) {
	out := make([]float32, n)
	count := 3 + rng.IntN(8)
	used := slices.Clone(exclude)
	for range count {
		s := c.pickSpeaker(rng.Float64(), used)
		used = append(used, s)
		sp := c.speakers[s]
		g := float32(dbGain(rng.Float64()*8 - 4))
		pos := -rng.IntN(coreRate)
		for pos < n {
			cl := c.clips[sp.clips[rng.IntN(len(sp.clips))]].data
			for i, x := range cl {
				if j := pos + i; j >= 0 && j < n {
					out[j] += g * x
				}
			}
			pos += len(cl) + int(rng.Float64()*0.3*coreRate)
		}
	}
	name := fmt.Sprintf("babble%d", count)
	if rng.Float64() < 0.6 {
		r := randomRoom(rng, 1.5, 5)
		im, err := r.Impulse(coreRate, rng.Uint64())
		if err != nil {
			return nil, "", err
		}
		out = room.Convolve(out, im.Samples)[0]
		name += "(room)"
	}
	return out, name, nil
}

// typingLayer returns typing from single key presses: bursts of 0.5 to 4 s
// at 3 to 12 keys per second (intervals 0.08 to 0.33 s), each key ±4 dB,
// separated by 0.3 to 3 s of thought.
func typingLayer(rng *rand.Rand, n int, keys []clip) []float32 {
	out := make([]float32, n)
	pos := int(rng.Float64() * coreRate)
	for pos < n {
		end := pos + int((0.5+rng.Float64()*3.5)*coreRate)
		for pos < end && pos < n {
			k := keys[rng.IntN(len(keys))].data
			g := float32(dbGain(rng.Float64()*8 - 4))
			for i, x := range k {
				if pos+i >= n {
					break
				}
				out[pos+i] += g * x
			}
			pos += int((0.08 + rng.Float64()*0.25) * coreRate)
		}
		pos += int((0.3 + rng.Float64()*2.7) * coreRate)
	}
	return out
}

// eventLayer returns sudden events from the transient categories at hand:
// 0.15 to 1 per second at random (exponential) intervals, each at most 2 s
// of one clip with 10 ms fades, ±6 dB. nil if no such category is in use.
func eventLayer(rng *rand.Rand, n int, m *material) ([]float32, string) {
	var kinds []string
	for _, k := range transientKinds {
		if len(m.noiseByKind[k]) > 0 {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return nil, ""
	}
	out := make([]float32, n)
	rate := 0.15 + rng.Float64()*0.85
	pos := int(rng.ExpFloat64() / rate * coreRate)
	fade := coreRate / 100
	for pos < n {
		clips := m.noiseByKind[kinds[rng.IntN(len(kinds))]]
		c := clips[rng.IntN(len(clips))].data
		off := 0
		if len(c) > 2*coreRate {
			off = rng.IntN(len(c) - 2*coreRate)
		}
		c = c[off:min(len(c), off+2*coreRate)]
		g := dbGain(rng.Float64()*12 - 6)
		for i, x := range c {
			if pos+i >= n {
				break
			}
			w := min(1, float64(i)/float64(fade), float64(len(c)-1-i)/float64(fade))
			out[pos+i] += float32(g * w * float64(x))
		}
		pos += len(c) + int(rng.ExpFloat64()/rate*coreRate)
	}
	return out, "events"
}

// reverberateNear plays layer from another point of the talker's room,
// 0.5 to 2 m from the microphone (a keyboard, a door).
func reverberateNear(rng *rand.Rand, layer []float32, rm room.Room) ([]float32, error) {
	dist := 0.5 + rng.Float64()*1.5
	az := rng.Float64() * 2 * math.Pi
	in := func(v float64, a int) float64 { return min(max(v, 0.2), rm.Size[a]-0.2) }
	rm.Source = [3]float64{in(rm.Mic[0]+dist*math.Cos(az), 0), in(rm.Mic[1]+dist*math.Sin(az), 1), in(0.4+rng.Float64()*1.5, 2)}
	if rm.Distance() < 0.05 {
		rm.Source[2] = in(rm.Mic[2]+0.5, 2)
	}
	im, err := rm.Impulse(coreRate, rng.Uint64())
	if err != nil {
		return nil, err
	}
	return room.Convolve(layer, im.Samples)[0], nil
}
