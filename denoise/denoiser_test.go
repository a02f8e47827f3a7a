package denoise

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/learned"
	"github.com/hushaudio/hush/internal/testaudio"
)

func TestNewValidates(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want error
	}{
		{Config{SampleRate: 7999}, ErrSampleRate},
		{Config{SampleRate: 192001}, ErrSampleRate},
		{Config{SampleRate: -1}, ErrSampleRate},
		{Config{Channels: -1}, ErrChannels},
		{Config{Channels: MaxChannels + 1}, ErrChannels},
		{Config{MaxAttenuation: -3}, ErrMaxAttenuation},
		{Config{MaxAttenuation: math.NaN()}, ErrMaxAttenuation},
		{Config{MaxAttenuation: 1000}, ErrMaxAttenuation},
		{Config{Mode: 3}, ErrMode},
		{Config{Mode: -1}, ErrMode},
	} {
		_, err := New(c.cfg)
		assert.ErrorIs(t, err, c.want, "%+v", c.cfg)
	}
	d := newDenoiser(t, Config{})
	assert.Equal(t, Config{SampleRate: DefaultSampleRate, Channels: 1, MaxAttenuation: DefaultMaxAttenuation, Mode: ModeLearned}, d.Config())
	assert.Equal(t, 480, d.FrameSize())
	assert.Equal(t, 960, d.Latency())
	assert.Equal(t, 20*time.Millisecond, d.LatencyDuration())

	for _, m := range []Mode{ModeLearned, ModeClassic} {
		got, err := ParseMode(m.String())
		require.NoError(t, err)
		assert.Equal(t, m, got)
	}
	_, err := ParseMode("neural")
	assert.ErrorIs(t, err, ErrMode)
}

// With the gains held at 1 the chain must give back its input delayed by
// exactly Latency(), at every rate: natively it reconstructs perfectly,
// and through the resampled path the band below 21.6 kHz passes within
// the resamplers' ripple. Files cleaned through it stay aligned.
func TestUnityGainReconstructsInputDelayed(t *testing.T) {
	for _, rate := range allRates {
		d, err := newWith(Config{SampleRate: rate, Channels: 2}, unityStages)
		require.NoError(t, err)
		x := testaudio.SpeechLike(rate/2, rate, 6)
		y := channelOf(processAll(t, d, interleave(x, x), []int{480}), 1, 2)
		// The edges are left out: the abrupt start of the test signal has
		// energy above 24 kHz, which the resampled path band-limits.
		edge := rate / 100
		e := testaudio.ErrorDB(x[edge:len(x)-edge], y[edge:len(y)-edge])
		limit := -60.0
		if rate <= nativeMaxRate {
			limit = -100
		}
		assert.Less(t, e, limit, "%d Hz", rate)
		t.Logf("%6d Hz: latency %4d samples (%v), error %.0f dB", rate, d.Latency(), d.LatencyDuration(), e)
	}
}

func TestLatencyAtEveryRate(t *testing.T) {
	for rate, want := range map[int]int{8000: 160, 11025: 220, 44100: 882, 48000: 960, 96000: 2038} {
		assert.Equal(t, want, newDenoiser(t, Config{SampleRate: rate}).Latency(), "%d Hz", rate)
	}
}

func TestChunkingDoesNotChangeOutput(t *testing.T) {
	for _, c := range []struct{ rate, channels int }{
		{8000, 1}, {16000, 1}, {44100, 1}, {48000, 1}, {16000, 3}, {96000, 1}, {50000, 2},
	} {
		x := noiseSignal(c.rate*c.channels, 2)
		// A tone burst in the middle so gains vary over time.
		for i := len(x) / 3; i < len(x)*2/3; i++ {
			x[i] += 0.5 * float32(math.Sin(2*math.Pi*440*float64(i/c.channels)/float64(c.rate)))
		}
		cfg := Config{SampleRate: c.rate, Channels: c.channels}
		want := processAll(t, newDenoiser(t, cfg), x, []int{len(x)})
		for _, chunks := range [][]int{{1}, {7, 1, 960, 3}, {c.rate / 100}, {4096}, {333, 1, 0, 2}} {
			got := processAll(t, newDenoiser(t, cfg), x, chunks)
			require.Equal(t, want, got, "%+v chunks %v", c, chunks)
		}
	}
}

func TestInPlaceProcessing(t *testing.T) {
	for _, cfg := range []Config{{SampleRate: 16000}, {SampleRate: 16000, Channels: 2}, {SampleRate: 96000}} {
		x := noiseSignal(16000, 3)
		want := make([]float32, len(x))
		newDenoiser(t, cfg).Process(want, x)
		got := append([]float32(nil), x...)
		newDenoiser(t, cfg).Process(got, got)
		assert.Equal(t, want, got, "%+v", cfg)
	}
}

func TestResetStartsANewStream(t *testing.T) {
	for _, cfg := range []Config{{SampleRate: 16000}, {SampleRate: 96000, Channels: 2}} {
		x := noiseSignal(16000, 4)
		d := newDenoiser(t, cfg)
		first := processAll(t, d, x, []int{160})
		d.Process(make([]float32, 5000), noiseSignal(5000, 5))
		d.Reset()
		assert.Equal(t, first, processAll(t, d, x, []int{160}), "%+v", cfg)
	}
}

func TestProcessInt16MatchesFloat(t *testing.T) {
	for _, cfg := range []Config{{SampleRate: 16000}, {SampleRate: 16000, Channels: 2}, {SampleRate: 96000}} {
		x := noiseSignal(16000, 6)
		in16 := make([]int16, len(x))
		xf := make([]float32, len(x))
		for i, v := range x {
			in16[i] = floatToInt16(v)
			xf[i] = float32(in16[i]) / 32768
		}
		want := make([]float32, len(x))
		newDenoiser(t, cfg).Process(want, xf)
		b := newDenoiser(t, cfg)
		got := make([]int16, len(x))
		for pos := 0; pos < len(in16); pos += 320 {
			end := min(pos+320, len(in16))
			b.ProcessInt16(got[pos:end], in16[pos:end])
		}
		for i := range got {
			require.Equal(t, floatToInt16(want[i]), got[i], "%+v sample %d", cfg, i)
		}
		tail := make([]int16, b.Latency()*b.Config().Channels)
		assert.Equal(t, len(tail), b.DrainInt16(tail))
	}
}

func TestInt16Saturates(t *testing.T) {
	assert.Equal(t, int16(32767), floatToInt16(1.5))
	assert.Equal(t, int16(-32768), floatToInt16(-1.5))
	assert.Equal(t, int16(16384), floatToInt16(0.5))
	assert.Equal(t, int16(-16384), floatToInt16(-0.5))
}

func TestBadSamplesDoNotPoisonTheStream(t *testing.T) {
	x := noiseSignal(16000, 8)
	for i := 4000; i < 4100; i++ {
		x[i] = float32(math.NaN())
	}
	x[5000] = float32(math.Inf(1))
	x[5001] = float32(math.Inf(-1))
	x[6000] = 1e30
	out := processAll(t, newDenoiser(t, Config{SampleRate: 16000}), x, []int{160})
	for i, v := range out {
		require.False(t, math.IsNaN(float64(v)) || math.IsInf(float64(v), 0), "sample %d is %v", i, v)
	}
	// Two frames after the bad samples, the output is as for clean input.
	want := processAll(t, newDenoiser(t, Config{SampleRate: 16000}), noiseSignal(16000, 8), []int{160})
	var diff float64
	for i := 12000; i < 16000; i++ {
		diff = math.Max(diff, math.Abs(float64(out[i]-want[i])))
	}
	assert.Less(t, diff, 0.05, "the stream should recover from bad samples")
}

func TestProcessDoesNotAllocate(t *testing.T) {
	for _, cfg := range []Config{
		{SampleRate: 8000}, {SampleRate: 16000}, {SampleRate: 48000}, {SampleRate: 48000, Mode: ModeClassic},
		{SampleRate: 16000, Channels: 2}, {SampleRate: 96000}, {SampleRate: 50000, Channels: 2},
	} {
		d := newDenoiser(t, cfg)
		ch := cfg.Channels
		if ch == 0 {
			ch = 1
		}
		x := noiseSignal(d.FrameSize()*10*ch, 9)
		out := make([]float32, len(x))
		x16 := make([]int16, 333*ch)
		out16 := make([]int16, 333*ch)
		drain := make([]float32, d.Latency()*ch)
		noise := noiseSignal(4*d.FrameSize(), 10)
		allocs := testing.AllocsPerRun(20, func() {
			d.Process(out, x)
			d.Process(out[:7*ch], x[:7*ch])
			d.ProcessInt16(out16, x16)
			_ = d.SpeechProbability(ch - 1)
			_ = d.NoiseLevel(0)
			_ = d.SetMaxAttenuation(30)
			d.Drain(drain)
			d.Reset()
			if ch == 1 && cfg.SampleRate <= nativeMaxRate {
				_ = d.LearnNoise(noise) // documented to allocate otherwise
			}
		})
		assert.Zero(t, allocs, "%+v", cfg)
	}
}

func TestMisuseMessages(t *testing.T) {
	d := newDenoiser(t, Config{Channels: 2})
	assert.PanicsWithValue(t, "denoise: Process got dst of 2 samples for 4 input samples",
		func() { d.Process(make([]float32, 2), make([]float32, 4)) })
	assert.PanicsWithValue(t, "denoise: Process got 3 samples, not a whole number of 2-channel frames",
		func() { d.Process(make([]float32, 3), make([]float32, 3)) })
	assert.PanicsWithValue(t, "denoise: Drain needs 1920 samples of room, got 10",
		func() { d.Drain(make([]float32, 10)) })
	assert.PanicsWithValue(t, "denoise: channel 2 of a 2-channel Denoiser",
		func() { d.SpeechProbability(2) })
}

func TestSilenceStaysSilentAndSpeechProbabilityLow(t *testing.T) {
	for _, mode := range []Mode{ModeLearned, ModeClassic} {
		d := newDenoiser(t, Config{SampleRate: 16000, Mode: mode})
		out := make([]float32, 16000)
		d.Process(out, make([]float32, 16000))
		for _, v := range out {
			require.Zero(t, v)
		}
		assert.Less(t, d.SpeechProbability(0), float32(0.2), "%v", mode)
	}
}

// The strength set on a running stream reaches every stage it controls:
// setting it before the first sample equals asking for it in New.
func TestSetMaxAttenuationMatchesNew(t *testing.T) {
	for _, cfg := range []Config{{SampleRate: 16000}, {SampleRate: 16000, Mode: ModeClassic}, {SampleRate: 96000}} {
		x := noiseSignal(cfg.SampleRate, 11)
		set := newDenoiser(t, Config{SampleRate: cfg.SampleRate, Mode: cfg.Mode, MaxAttenuation: 12})
		require.NoError(t, set.SetMaxAttenuation(40))
		assert.Equal(t, 40.0, set.Config().MaxAttenuation)
		made := newDenoiser(t, Config{SampleRate: cfg.SampleRate, Mode: cfg.Mode, MaxAttenuation: 40})
		assert.Equal(t, processAll(t, made, x, []int{160}), processAll(t, set, x, []int{97, 333}), "%+v", cfg)
	}
}

func TestSetMaxAttenuationValidates(t *testing.T) {
	d := newDenoiser(t, Config{SampleRate: 16000, MaxAttenuation: 12})
	for _, db := range []float64{-1, math.NaN(), MaxMaxAttenuation + 1} {
		assert.ErrorIs(t, d.SetMaxAttenuation(db), ErrMaxAttenuation, "%g dB", db)
	}
	assert.Equal(t, 12.0, d.Config().MaxAttenuation, "a rejected value changes nothing")
	require.NoError(t, d.SetMaxAttenuation(0))
	assert.Equal(t, float64(DefaultMaxAttenuation), d.Config().MaxAttenuation)
}

// Each channel of a multichannel Denoiser is exactly a mono Denoiser's
// output for that channel alone, in float and in int16, natively and
// resampled: channels share nothing.
func TestChannelsAreIndependent(t *testing.T) {
	for _, rate := range []int{16000, 96000} {
		a, b, c := noiseSignal(rate/2, 20), testaudio.SpeechLike(rate/2, rate, 21), make([]float32, rate/2)
		for i := range c {
			c[i] = 0.5*b[i] + 0.3*a[i]
		}
		multi := processAll(t, newDenoiser(t, Config{SampleRate: rate, Channels: 3}), interleave(a, b, c), []int{77, 480})
		for i, x := range [][]float32{a, b, c} {
			mono := processAll(t, newDenoiser(t, Config{SampleRate: rate}), x, []int{1000})
			require.Equal(t, mono, channelOf(multi, i, 3), "%d Hz channel %d", rate, i)
		}
	}
}

func TestSpeechProbabilityAndNoiseLevelPerChannel(t *testing.T) {
	const rate = 16000
	quiet, loud := noiseSignal(rate, 22), noiseSignal(rate, 23)
	for i := range quiet {
		quiet[i] *= 0.1
	}
	d := newDenoiser(t, Config{SampleRate: rate, Channels: 2})
	d.Process(make([]float32, 2*rate), interleave(quiet, loud))
	// RMS 0.01 and 0.1 read about -40 and -20 dBFS.
	assert.InDelta(t, -40, d.NoiseLevel(0), 3)
	assert.InDelta(t, -20, d.NoiseLevel(1), 3)
	assert.Less(t, d.SpeechProbability(1), float32(0.5), "steady noise is not speech")
}

// The network is loaded once and shared: per-stream state must be small.
// The state per stream grows with the rate (10 ms frames) and stays under
// 64 KiB at 48 kHz in either mode.
func TestMemoryPerStream(t *testing.T) {
	for _, mode := range []Mode{ModeClassic, ModeLearned} {
		prev := uint64(0)
		for _, rate := range []int{8000, 16000, 48000} {
			b := newBytes(t, Config{SampleRate: rate, Mode: mode})
			t.Logf("%v, %d Hz: %d bytes per Denoiser", mode, rate, b)
			assert.Greater(t, b, prev, "more state at a higher rate")
			assert.LessOrEqual(t, b, uint64(64<<10))
			prev = b
		}
	}
	assert.LessOrEqual(t, learned.WeightsSize(), 1<<20, "embedded weights")
}
