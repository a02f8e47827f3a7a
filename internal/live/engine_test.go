package live

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hushaudio/hush/denoise"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/cli"
)

func noise(n int, level float64, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(level * rng.NormFloat64())
	}
	return x
}

// interleave repeats a mono signal on ch channels, scaled per channel.
func interleave(x []float32, gains ...float32) []float32 {
	out := make([]float32, len(x)*len(gains))
	for i, v := range x {
		for c, g := range gains {
			out[i*len(gains)+c] = v * g
		}
	}
	return out
}

// runEngine feeds in through e in callbacks of the given frame counts
// (cycled) and returns the output.
func runEngine(e *Engine, in []float32, frames []int) []float32 {
	out := make([]float32, len(in)/e.inCh*e.outCh)
	pos, i := 0, 0
	for pos < len(in)/e.inCh {
		n := min(frames[i%len(frames)], len(in)/e.inCh-pos)
		e.Process(in[pos*e.inCh:(pos+n)*e.inCh], out[pos*e.outCh:(pos+n)*e.outCh], 0)
		pos += n
		i++
	}
	return out
}

func TestEngineProcessDoesNotAllocate(t *testing.T) {
	for _, c := range []struct{ rate, frames, inCh, outCh int }{
		{48000, 240, 1, 2}, {48000, 256, 2, 2}, {44100, 221, 2, 1}, {16000, 80, 1, 1}, {48000, 2048, 1, 2},
	} {
		e, err := NewEngine(EngineConfig{SampleRate: c.rate, InputChannels: c.inCh, OutputChannels: c.outCh})
		require.NoError(t, err)
		in := noise(c.frames*c.inCh, 0.1, 1)
		out := make([]float32, c.frames*c.outCh)
		steps := cli.Strengths()
		i := 0
		allocs := testing.AllocsPerRun(200, func() {
			// Switches from another goroutine land between callbacks; here
			// they come every few, so the fades and strength changes run too.
			if i%7 == 0 {
				e.SetBypass(!e.Bypass())
			}
			if i%5 == 0 {
				require.NoError(t, e.SetStrength(steps[i%3].DB))
			}
			e.Process(in, out, OutputUnderflow)
			i++
		})
		assert.Zero(t, allocs, "%+v", c)
	}
}

// With no switch touched, the output is exactly the denoiser's, on every
// output channel, whatever the callback sizes; a stereo microphone is
// denoised as the mean of its channels.
func TestEngineIsTheDenoiser(t *testing.T) {
	const rate = 16000
	x := noise(rate, 0.05, 2)
	ref, err := denoise.New(denoise.Config{SampleRate: rate, MaxAttenuation: 30})
	require.NoError(t, err)
	want := make([]float32, len(x))
	ref.Process(want, x)

	e, err := NewEngine(EngineConfig{SampleRate: rate, InputChannels: 2, OutputChannels: 3, MaxAttenuation: 30})
	require.NoError(t, err)
	// 1.5x and 0.5x average to 1x exactly in float32.
	out := runEngine(e, interleave(x, 1.5, 0.5), []int{160, 1, 999, 37})
	for c := range 3 {
		got := make([]float32, len(x))
		for i := range got {
			got[i] = out[i*3+c]
		}
		require.Equal(t, want, got, "channel %d", c)
	}
}

// Bypass plays the input unchanged, as late as the denoised output, after
// a short fade.
func TestEngineBypass(t *testing.T) {
	const rate = 16000
	x := noise(rate/2, 0.05, 3)
	e, err := NewEngine(EngineConfig{SampleRate: rate, InputChannels: 1, OutputChannels: 1})
	require.NoError(t, err)
	e.SetBypass(true)
	assert.True(t, e.Bypass())
	out := runEngine(e, x, []int{128})
	lat := e.Latency()
	fade := int(bypassRamp*rate) + 1
	assert.Equal(t, x[fade:len(x)-lat], out[lat+fade:])

	// Back on, the denoiser has been listening all along: after the fade
	// the output is what it would have been without the bypass.
	ref, err := denoise.New(denoise.Config{SampleRate: rate})
	require.NoError(t, err)
	y := noise(rate/2, 0.05, 4)
	want := make([]float32, len(x)+len(y))
	ref.Process(want, append(append([]float32{}, x...), y...))
	e.SetBypass(false)
	out = runEngine(e, y, []int{128})
	assert.Equal(t, want[len(x)+fade:], out[fade:])
}

func TestEngineStrengthAndMeters(t *testing.T) {
	const rate = 16000
	e, err := NewEngine(EngineConfig{SampleRate: rate, InputChannels: 1, OutputChannels: 1, MaxAttenuation: 12})
	require.NoError(t, err)
	assert.ErrorIs(t, e.SetStrength(-1), denoise.ErrMaxAttenuation)
	assert.ErrorIs(t, e.SetStrength(math.NaN()), denoise.ErrMaxAttenuation)
	assert.Equal(t, 12.0, e.Strength())

	x := noise(2*rate, 0.05, 5)
	runEngine(e, x[:rate], []int{160})
	gentle := e.Meters()
	require.NoError(t, e.SetStrength(40))
	runEngine(e, x[rate:], []int{160})
	strong := e.Meters()

	assert.InDelta(t, 20*math.Log10(0.05), gentle.InputDB(), 1, "input level of 0.05 RMS noise")
	assert.Greater(t, gentle.RemovedDB(), 3.0)
	assert.Greater(t, strong.RemovedDB(), gentle.RemovedDB()+3, "gentle %.1f dB, strong %.1f dB", gentle.RemovedDB(), strong.RemovedDB())
	assert.Less(t, strong.SpeechProbability, 0.5, "noise is not speech")
	assert.Equal(t, uint64(2*rate), strong.Frames)
	assert.Equal(t, uint64(2*rate/160), strong.Callbacks)
	assert.Equal(t, 40.0, strong.Strength)

	e.Process(x[:160], x[:160], InputOverflow)
	e.Process(x[:160], x[:160], OutputUnderflow|InputOverflow)
	m := e.Meters()
	assert.Equal(t, uint64(2), m.Overflows)
	assert.Equal(t, uint64(1), m.Underflows)
}

// A callback whose input and output disagree on the frame count is filled
// as far as both go, and the rest of the output is silence.
func TestEngineMismatchedBuffers(t *testing.T) {
	e, err := NewEngine(EngineConfig{SampleRate: 16000, InputChannels: 1, OutputChannels: 1})
	require.NoError(t, err)
	out := make([]float32, 100)
	for i := range out {
		out[i] = 1
	}
	e.Process(make([]float32, 60), out, 0)
	assert.Equal(t, make([]float32, 100), out)
	assert.Equal(t, uint64(60), e.Meters().Frames)
}

func TestNewEngineValidates(t *testing.T) {
	_, err := NewEngine(EngineConfig{SampleRate: 96000, InputChannels: 1, OutputChannels: 1})
	assert.ErrorIs(t, err, ErrSampleRate)
	_, err = NewEngine(EngineConfig{SampleRate: 48000, InputChannels: 0, OutputChannels: 1})
	assert.ErrorIs(t, err, ErrBuffer)
	_, err = NewEngine(EngineConfig{SampleRate: 48000, InputChannels: 1, OutputChannels: 1, MaxAttenuation: -2})
	assert.ErrorIs(t, err, denoise.ErrMaxAttenuation)
}

func BenchmarkEngineProcess(b *testing.B) {
	const rate, frames = 48000, 240
	e, err := NewEngine(EngineConfig{SampleRate: rate, InputChannels: 2, OutputChannels: 2})
	require.NoError(b, err)
	in := noise(frames*2, 0.05, 6)
	out := make([]float32, frames*2)
	b.ReportAllocs()
	b.SetBytes(frames * 2 * 4)
	for b.Loop() {
		e.Process(in, out, 0)
	}
	perCallback := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(perCallback/(float64(frames)/rate), "rtf")
}
