package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hushaudio/hush/dsp/resample"
	"github.com/hushaudio/hush/internal/degrade"
	"github.com/hushaudio/hush/internal/room"
	"github.com/hushaudio/hush/internal/wav"
)

// streamDesc says how one stream was made: one line of streams.tsv.
type streamDesc struct {
	index   int
	rate    int
	talkers []string
	level   float64 // [dBFS] speech level before the channel
	room    string
	rt60    float64
	dist    float64
	drr     float64
	target  string
	noise   []string
	snr     float64
	mic     string
	codec   string
	agc     string
	clip    string
}

const describeHeader = "stream\trate\ttalkers\tspeech_dbfs\troom_m\trt60_s\tdistance_m\tdrr_db\ttarget\tnoise\tsnr_db\tmic\tcodec\tagc\tclip"

func (d streamDesc) String() string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	num := func(v float64, format string) string {
		if math.IsNaN(v) || v == 0 {
			return "-"
		}
		return fmt.Sprintf(format, v)
	}
	return strings.Join([]string{
		fmt.Sprint(d.index), fmt.Sprint(d.rate), dash(strings.Join(d.talkers, "+")), num(d.level, "%.1f"),
		dash(d.room), num(d.rt60, "%.2f"), num(d.dist, "%.2f"), num(d.drr, "%.1f"), dash(d.target),
		dash(strings.Join(d.noise, "+")), num(d.snr, "%.1f"), dash(d.mic), dash(d.codec), dash(d.agc), dash(d.clip),
	}, "\t")
}

// mixV2 builds one stream by the second recipe and returns the noisy
// stream and its target at the returned rate; n is the length at 16 kHz.
//
//  1. Talkers: 6% of streams have none; the rest one speaker (80%) or two
//     taking turns, drawn with weights ∝ √(duration); their clips follow
//     each other with pauses of 0 to 1.2 s, each ±4 dB, with a random tilt,
//     the whole at -38 to -18 dBFS.
//  2. Room (-reverb of the streams with speech): a synthetic shoebox
//     (see randomRoom). The microphone hears the full response; the target
//     keeps the direct sound and the first -early-ms (-reverb-target early)
//     or all of it (full).
//  3. Noise (see addNoiseV2): recordings, coloured noise, babble of other
//     voices, typing, transient events, in combinations; level changes in
//     30%; SNR (active speech over noise) uniform in -5 to 20 dB, 20 to 40
//     dB for a fifth of streams.
//  4. Channel: a microphone response (-mic), clipping (-clip), an AGC
//     (-agc), a band limit or G.711 codec (-codec, and always for
//     narrowband voices: speakers most of whose speech has nothing above
//     4.5 kHz, which would otherwise teach the network that speech never
//     reaches there). Linear stages apply to the target too; clipping
//     and the codec's quantisation to the input only; the AGC's gains to
//     both.
//  5. Rate: 16 kHz, 8 kHz (15%) or 48 kHz (20%), as in recipe 1.
func mixV2(rng *rand.Rand, o options, n int, m *material, d *streamDesc) (noisy, clean []float32, rate int, err error) {
	c := m.speech
	// 1. Talkers.
	clean = make([]float32, n)
	var talkers []int
	narrowband := false
	if rng.Float64() >= 0.06 {
		talkers = []int{c.pickSpeaker(rng.Float64(), nil)}
		if rng.Float64() < 0.2 {
			talkers = append(talkers, c.pickSpeaker(rng.Float64(), talkers))
		}
		pos := int(rng.Float64() * 0.8 * coreRate)
		for pos < n {
			sp := c.speakers[talkers[rng.IntN(len(talkers))]]
			cl := c.clips[sp.clips[rng.IntN(len(sp.clips))]]
			narrowband = narrowband || sp.narrowband
			g := float32(dbGain(rng.Float64()*8 - 4))
			for i, x := range cl.data {
				if pos+i >= n {
					break
				}
				clean[pos+i] += g * x
			}
			pos += len(cl.data) + int(rng.Float64()*1.2*coreRate)
		}
		tilt(clean, rng.Float64()*1.2-0.6)
		d.level = -38 + rng.Float64()*20
		normalize(clean, dbGain(d.level))
		for _, t := range talkers {
			d.talkers = append(d.talkers, c.speakers[t].name)
		}
	}
	// 2. Room.
	mic := clean // what reaches the microphone
	targetIsMic := true
	var rm *room.Room
	if len(talkers) > 0 && rng.Float64() < o.Reverb {
		r := randomRoom(rng, 0.3, 3)
		rm = &r
		im, err := r.Impulse(coreRate, rng.Uint64())
		if err != nil {
			return nil, nil, 0, err
		}
		out := room.Convolve(clean, im.Samples, im.Early(o.EarlyMs/1000, 0.005))
		mic = out[0]
		// The microphone signal takes the chosen level; the target keeps its
		// level relative to it.
		s := float32(dbGain(d.level) / math.Sqrt(power(mic)))
		for i := range mic {
			mic[i] *= s
		}
		d.target = "full"
		clean = mic
		if o.ReverbTarget == "early" {
			clean, targetIsMic = out[1], false
			for i := range clean {
				clean[i] *= s
			}
			d.target = fmt.Sprintf("early%gms", o.EarlyMs)
		}
		d.room = fmt.Sprintf("%.1fx%.1fx%.1f", r.Size[0], r.Size[1], r.Size[2])
		d.rt60, d.dist, d.drr = r.RT60, r.Distance(), directToReverberant(im)
	}
	// 3. Noise.
	noise := make([]float32, n)
	floorOnly, err := addNoiseV2(rng, noise, m, talkers, rm, d)
	if err != nil {
		return nil, nil, 0, err
	}
	if power(noise) > 0 && !floorOnly {
		ref := power(mic)
		if ref == 0 {
			ref = dbPower(-30 - rng.Float64()*20)
		} else {
			ref /= activeFraction(mic)
		}
		d.snr = -5 + rng.Float64()*25
		if rng.Float64() < 0.2 {
			d.snr = 20 + rng.Float64()*20
		}
		normalize(noise, math.Sqrt(ref/dbPower(d.snr)))
	}
	noisy = make([]float32, n)
	for i := range noisy {
		noisy[i] = mic[i] + noise[i]
	}
	if targetIsMic {
		clean = slices.Clone(mic) // the channel treats input and target apart
	}
	// 4. Channel.
	if noisy, clean, err = channel(rng, o, noisy, clean, narrowband, d); err != nil {
		return nil, nil, 0, err
	}
	// 5. Rate.
	rate = coreRate
	switch r := rng.Float64(); {
	case r < 0.15:
		rate = 8000
	case r < 0.35:
		rate = 48000
	}
	if rate != coreRate {
		if clean, err = resample.Resample(nil, clean, coreRate, rate); err != nil {
			return nil, nil, 0, err
		}
		if noisy, err = resample.Resample(nil, noisy, coreRate, rate); err != nil {
			return nil, nil, 0, err
		}
	}
	peak := float32(0)
	for _, v := range noisy {
		peak = max(peak, abs32(v))
	}
	if peak > 0.99 {
		s := 0.99 / peak
		for i := range noisy {
			noisy[i] *= s
			clean[i] *= s
		}
	}
	return noisy, clean, rate, nil
}

// randomRoom draws a furnished room of everyday size (3 to 10 m long, 2.5
// to 8 m wide, 2.4 to 4 m high) with an RT60 log-uniform in 0.15 to 1 s
// (dead booths to bare meeting rooms), high frequencies decaying in 0.5 to
// 1 times that, and a microphone 0.5 m or more from the walls, at desk
// height, with the talker at a distance log-uniform in [near, far] m (a
// headset boom to across the room) at standing or sitting mouth height.
func randomRoom(rng *rand.Rand, near, far float64) room.Room {
	var r room.Room
	r.Size[0] = 3 + rng.Float64()*7
	r.Size[1] = 2.5 + rng.Float64()*(min(r.Size[0], 8)-2.5)
	r.Size[2] = 2.4 + rng.Float64()*1.6
	r.RT60 = math.Exp(math.Log(0.15) + rng.Float64()*math.Log(1/0.15))
	r.HFRatio = 0.5 + rng.Float64()*0.5
	in := func(v float64, a int, margin float64) float64 {
		return min(max(v, margin), r.Size[a]-margin)
	}
	r.Mic = [3]float64{
		in(rng.Float64()*r.Size[0], 0, 0.5),
		in(rng.Float64()*r.Size[1], 1, 0.5),
		0.7 + rng.Float64()*0.9,
	}
	dist := math.Exp(math.Log(near) + rng.Float64()*math.Log(far/near))
	az := rng.Float64() * 2 * math.Pi
	r.Source = [3]float64{
		in(r.Mic[0]+dist*math.Cos(az), 0, 0.3),
		in(r.Mic[1]+dist*math.Sin(az), 1, 0.3),
		in(1.1+rng.Float64()*0.8, 2, 0.3),
	}
	if r.Distance() < 0.05 {
		r.Source[2] = in(r.Mic[2]+0.3, 2, 0.1)
	}
	return r
}

// directToReverberant returns the energy within 2.5 ms of the direct
// sound over the rest of the response [dB].
func directToReverberant(im room.Impulse) float64 {
	w := int(0.0025 * float64(im.Rate))
	c := int(math.Round(im.Direct))
	var direct, rest float64
	for i, v := range im.Samples {
		e := float64(v) * float64(v)
		if i >= c-w && i <= c+w {
			direct += e
		} else {
			rest += e
		}
	}
	return 10 * math.Log10(direct/max(rest, 1e-30))
}

// channel colours the mixture as a capture and transmission chain would.
// Order as in a device: microphone, converter clipping, AGC, then the
// network's band limit or codec.
func channel(rng *rand.Rand, o options, noisy, clean []float32, narrowband bool, d *streamDesc) ([]float32, []float32, error) {
	const fs = coreRate
	if rng.Float64() < o.Mic {
		var f degrade.Filter
		f, d.mic = micResponse(rng, fs)
		f.Apply(noisy)
		f.Apply(clean)
	}
	if rng.Float64() < o.Clip {
		peak := float32(0)
		for _, v := range noisy {
			peak = max(peak, abs32(v))
		}
		limit := peak * float32(0.25+rng.Float64()*0.5)
		if rng.Float64() < 0.6 {
			degrade.HardClip(noisy, limit)
			d.clip = fmt.Sprintf("hard@%.0fdB", 20*math.Log10(float64(limit/peak)))
		} else {
			degrade.SoftClip(noisy, limit)
			d.clip = fmt.Sprintf("soft@%.0fdB", 20*math.Log10(float64(limit/peak)))
		}
	}
	if rng.Float64() < o.AGC {
		a := degrade.AGC{
			Target:  -26 + rng.Float64()*8,
			MaxGain: 10 + rng.Float64()*20,
			Attack:  0.005 + rng.Float64()*0.015,
			Release: 0.2 + rng.Float64()*0.8,
		}
		g := a.Gains(noisy, fs)
		for i := range noisy {
			noisy[i] *= g[i]
			clean[i] *= g[i]
		}
		d.agc = fmt.Sprintf("%.0fdBFS/+%.0fdB", a.Target, a.MaxGain)
	}
	if !narrowband && rng.Float64() >= o.Codec {
		return noisy, clean, nil
	}
	kind := rng.Float64()
	if narrowband {
		kind *= 0.8 // no wideband limit for a narrowband voice
	}
	switch {
	case kind < 0.8:
		// Telephone band, carried at 8 kHz, then G.711 µ-law (35% of
		// codec streams), A-law (25%), or linear (20%).
		degrade.BandPass(300, 3400, fs).Apply(noisy)
		degrade.BandPass(300, 3400, fs).Apply(clean)
		n8, err := resample.Resample(nil, noisy, fs, 8000)
		if err != nil {
			return nil, nil, err
		}
		c8, err := resample.Resample(nil, clean, fs, 8000)
		if err != nil {
			return nil, nil, err
		}
		d.codec = "nb-linear"
		switch {
		case kind < 0.35:
			degrade.MuLaw.RoundTrip(n8)
			d.codec = "nb-mulaw"
		case kind < 0.6:
			degrade.ALaw.RoundTrip(n8)
			d.codec = "nb-alaw"
		}
		n16, err := resample.Resample(nil, n8, 8000, fs)
		if err != nil {
			return nil, nil, err
		}
		c16, err := resample.Resample(nil, c8, 8000, fs)
		if err != nil {
			return nil, nil, err
		}
		return n16[:len(noisy)], c16[:len(clean)], nil
	default:
		// Wideband telephony (G.722-like band, 50 Hz to 7 kHz).
		degrade.BandPass(50, 7000, fs).Apply(noisy)
		degrade.BandPass(50, 7000, fs).Apply(clean)
		d.codec = "wb-limit"
	}
	return noisy, clean, nil
}

// micResponse draws the frequency response of an everyday microphone:
//   - headset: high-pass at 80 to 150 Hz, a presence rise of 2 to 6 dB at
//     2.5 to 5 kHz, roll-off from 6.5 kHz;
//   - laptop: a small capsule behind a slot: high-pass at 200 to 400 Hz
//     (fourth order), one or two resonances of ±3 to 8 dB at 1 to 6 kHz,
//     high frequencies 3 to 8 dB down;
//   - phone: high-pass at 150 to 300 Hz, a rise of 3 to 6 dB at 1 to 3 kHz,
//     roll-off from 3.8 to 7 kHz;
//   - other: high-pass at 50 to 200 Hz and one to three bells of ±6 dB
//     anywhere from 200 Hz to 6 kHz.
func micResponse(rng *rand.Rand, fs float64) (degrade.Filter, string) {
	u := func(a, b float64) float64 { return a + rng.Float64()*(b-a) }
	sign := func() float64 {
		if rng.Float64() < 0.5 {
			return -1
		}
		return 1
	}
	switch rng.IntN(4) {
	case 0:
		return degrade.Filter{
			degrade.HighPass(u(80, 150), math.Sqrt2/2, fs),
			degrade.Peaking(u(2500, 5000), u(1, 2), u(2, 6), fs),
			degrade.LowPass(u(6500, 7800), math.Sqrt2/2, fs),
		}, "headset"
	case 1:
		f := degrade.BandPass(u(200, 400), fs, fs)
		for range 1 + rng.IntN(2) {
			f = append(f, degrade.Peaking(u(1000, 6000), u(1, 4), sign()*u(3, 8), fs))
		}
		return append(f, degrade.HighShelf(5000, -u(3, 8), fs)), "laptop"
	case 2:
		return degrade.Filter{
			degrade.HighPass(u(150, 300), math.Sqrt2/2, fs),
			degrade.Peaking(u(1000, 3000), u(0.7, 1.5), u(3, 6), fs),
			degrade.LowPass(u(3800, 7000), math.Sqrt2/2, fs),
		}, "phone"
	default:
		f := degrade.Filter{degrade.HighPass(u(50, 200), math.Sqrt2/2, fs)}
		for range 1 + rng.IntN(3) {
			f = append(f, degrade.Peaking(u(200, 6000), u(0.7, 3), u(-6, 6), fs))
		}
		return f, "other"
	}
}

// writeListen writes a stream's input and target as 16-bit WAV, for ears.
func writeListen(out string, i, rate int, noisy, clean []float32) error {
	f := wav.Format{SampleRate: rate, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}
	for _, w := range []struct {
		name string
		x    []float32
	}{{"noisy", noisy}, {"target", clean}} {
		if err := wav.WriteFile(filepath.Join(out, "listen", fmt.Sprintf("%05d_%s.wav", i, w.name)), w.x, f); err != nil {
			return err
		}
	}
	return nil
}
