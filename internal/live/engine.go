package live

import (
	"errors"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"github.com/hushaudio/hush/denoise"
)

// engineChunk is the most frames the Engine denoises at a time; a larger
// callback buffer is worked through in chunks of it. The denoiser's
// output does not depend on the chunking, so its size only bounds the
// scratch memory.
const engineChunk = 512

// bypassRamp is how long a bypass switch fades over [s], so that it
// clicks no more than the audio does.
const bypassRamp = 0.010

// meterTime is the time constant of the level meters [s]: slow enough to
// read, fast enough to follow syllables.
const meterTime = 0.3

// The rates a live stream runs at [Hz]. Live audio is denoised natively:
// above 48 kHz the denoiser's resampled path would cost twice the CPU and
// 1.3 ms more delay for a band no call carries.
const (
	MinSampleRate = 8000
	MaxSampleRate = 48000
)

// EngineConfig configures an Engine.
type EngineConfig struct {
	// SampleRate of the stream [Hz], 8000 to 48000.
	SampleRate int
	// InputChannels are averaged to mono before denoising; the mono
	// result goes to each of the OutputChannels. Both at least 1.
	InputChannels, OutputChannels int
	// MaxAttenuation is the starting strength [dB]; 0 means the denoiser's
	// default.
	MaxAttenuation float64
	// Mode is the denoiser's gain stage; 0 means its default.
	Mode denoise.Mode
}

// Engine is the audio callback of a live stream: it denoises a
// microphone. Process belongs to the audio thread; every other method may
// be called from any goroutine at any time: they share only atomics with
// Process.
type Engine struct {
	// Owned by the audio thread.
	den             *denoise.Denoiser
	inCh, outCh     int
	mono, clean     []float32 // engineChunk samples each
	dry             []float32 // delay line: the input as late as the denoised output
	dryPos          int
	wet             float32 // 1: denoised; 0: bypassed; in between while fading
	wetStep         float32 // fade per sample
	meterCoef       float32
	inPow, outPow   float32 // smoothed mean squares
	appliedStrength uint64  // float64 bits of the strength the denoiser has
	shared          engineShared
	latency         int
	sampleRate      int
	latencyDuration time.Duration
}

// engineShared holds what the audio thread and the other goroutines
// exchange, lock-free.
type engineShared struct {
	bypass    atomic.Bool
	strength  atomic.Uint64 // float64 bits [dB]
	inPow     atomic.Uint32 // float32 bits
	outPow    atomic.Uint32
	speech    atomic.Uint32
	callbacks atomic.Uint64
	frames    atomic.Uint64
	overflows atomic.Uint64
	underruns atomic.Uint64
}

// NewEngine returns an Engine for cfg, or an error wrapping
// ErrSampleRate, denoise.ErrMaxAttenuation or ErrBuffer.
func NewEngine(cfg EngineConfig) (*Engine, error) {
	if cfg.InputChannels < 1 || cfg.OutputChannels < 1 {
		return nil, fmt.Errorf("%w: %d input and %d output channels, want at least 1 each",
			ErrBuffer, cfg.InputChannels, cfg.OutputChannels)
	}
	if cfg.SampleRate < MinSampleRate || cfg.SampleRate > MaxSampleRate {
		return nil, fmt.Errorf("%w: %d Hz, want %d to %d", ErrSampleRate, cfg.SampleRate, MinSampleRate, MaxSampleRate)
	}
	den, err := denoise.New(denoise.Config{SampleRate: cfg.SampleRate, MaxAttenuation: cfg.MaxAttenuation, Mode: cfg.Mode})
	if err != nil {
		if errors.Is(err, denoise.ErrSampleRate) {
			return nil, fmt.Errorf("%w: %v", ErrSampleRate, err)
		}
		return nil, err
	}
	e := &Engine{
		den:             den,
		inCh:            cfg.InputChannels,
		outCh:           cfg.OutputChannels,
		mono:            make([]float32, engineChunk),
		clean:           make([]float32, engineChunk),
		dry:             make([]float32, den.Latency()),
		wet:             1,
		wetStep:         1 / float32(bypassRamp*float64(cfg.SampleRate)),
		meterCoef:       1 / float32(meterTime*float64(cfg.SampleRate)),
		latency:         den.Latency(),
		sampleRate:      den.Config().SampleRate,
		latencyDuration: den.LatencyDuration(),
	}
	e.appliedStrength = math.Float64bits(den.Config().MaxAttenuation)
	e.shared.strength.Store(e.appliedStrength)
	return e, nil
}

// Process is the Callback: it denoises in into out. in holds frames of
// InputChannels interleaved samples and out frames of OutputChannels; if
// they disagree on the number of frames, the output past the shorter is
// silence. It never allocates, locks or blocks.
func (e *Engine) Process(in, out []float32, flags StreamFlags) {
	s := &e.shared
	if flags&(InputOverflow|OutputOverflow) != 0 {
		s.overflows.Add(1)
	}
	if flags&(OutputUnderflow|InputUnderflow) != 0 {
		s.underruns.Add(1)
	}
	if want := s.strength.Load(); want != e.appliedStrength {
		// Validated by SetStrength, so this cannot fail.
		_ = e.den.SetMaxAttenuation(math.Float64frombits(want))
		e.appliedStrength = want
	}
	var target float32 = 1
	if s.bypass.Load() {
		target = 0
	}

	frames := min(len(in)/e.inCh, len(out)/e.outCh)
	clear(out[frames*e.outCh:])
	inPow, outPow := e.inPow, e.outPow
	c := e.meterCoef
	for done := 0; done < frames; {
		n := min(engineChunk, frames-done)
		mono, clean := e.mono[:n], e.clean[:n]
		src := in[done*e.inCh : (done+n)*e.inCh]
		if e.inCh == 1 {
			copy(mono, src)
		} else {
			scale := 1 / float32(e.inCh)
			for i := range mono {
				var sum float32
				for _, x := range src[i*e.inCh : (i+1)*e.inCh] {
					sum += x
				}
				mono[i] = sum * scale
			}
		}
		for _, x := range mono {
			inPow += c * (x*x - inPow)
		}
		e.den.Process(clean, mono)

		// The input, delayed like the denoised output, is what bypass plays.
		for i, x := range mono {
			mono[i] = e.dry[e.dryPos]
			e.dry[e.dryPos] = x
			if e.dryPos++; e.dryPos == len(e.dry) {
				e.dryPos = 0
			}
		}
		switch {
		case e.wet == 1 && target == 1:
			// clean as it is: the output is exactly the denoiser's.
		case e.wet == 0 && target == 0:
			copy(clean, mono)
		default:
			for i := range clean {
				if e.wet < target {
					e.wet = min(e.wet+e.wetStep, 1)
				} else if e.wet > target {
					e.wet = max(e.wet-e.wetStep, 0)
				}
				clean[i] = e.wet*clean[i] + (1-e.wet)*mono[i]
			}
		}

		dst := out[done*e.outCh : (done+n)*e.outCh]
		for i, y := range clean {
			outPow += c * (y*y - outPow)
			for ch := range e.outCh {
				dst[i*e.outCh+ch] = y
			}
		}
		done += n
	}
	e.inPow, e.outPow = inPow, outPow
	s.inPow.Store(math.Float32bits(inPow))
	s.outPow.Store(math.Float32bits(outPow))
	s.speech.Store(math.Float32bits(e.den.SpeechProbability(0)))
	s.frames.Add(uint64(frames))
	s.callbacks.Add(1)
}

// SampleRate returns the stream's sample rate [Hz].
func (e *Engine) SampleRate() int { return e.sampleRate }

// Latency returns the delay the denoiser adds, in samples.
func (e *Engine) Latency() int { return e.latency }

// LatencyDuration returns Latency as a duration.
func (e *Engine) LatencyDuration() time.Duration { return e.latencyDuration }

// SetBypass switches between the denoised output (false) and the input
// played through unchanged (true), to compare. The switch fades over
// 10 ms; the input is delayed like the denoised output, so the timing does
// not jump, and the denoiser keeps listening so that it is converged when
// switched back.
func (e *Engine) SetBypass(on bool) { e.shared.bypass.Store(on) }

// Bypass reports whether the input is played unchanged.
func (e *Engine) Bypass() bool { return e.shared.bypass.Load() }

// SetStrength changes the strength [dB] with the meaning of
// denoise.Config.MaxAttenuation (0: the default); the audio thread applies
// it at its next callback, without a gap. The error wraps
// denoise.ErrMaxAttenuation.
func (e *Engine) SetStrength(db float64) error {
	if db == 0 {
		db = denoise.DefaultMaxAttenuation
	}
	if math.IsNaN(db) || db < 0 || db > denoise.MaxMaxAttenuation {
		return fmt.Errorf("%w: got %g dB, want 0..%d", denoise.ErrMaxAttenuation, db, denoise.MaxMaxAttenuation)
	}
	e.shared.strength.Store(math.Float64bits(db))
	return nil
}

// Strength returns the strength asked for last [dB].
func (e *Engine) Strength() float64 { return math.Float64frombits(e.shared.strength.Load()) }

// Meters is a snapshot of the Engine's levels and counters.
type Meters struct {
	// InputPower and OutputPower are the mean squares of the mono input and
	// the output, smoothed over about 0.3 s (1 is a full-scale square wave).
	InputPower, OutputPower float64
	// SpeechProbability is the denoiser's, for the last 10 ms frame.
	SpeechProbability float64
	// Callbacks and Frames count the buffers and frames processed.
	Callbacks, Frames uint64
	// Overflows counts callbacks whose input or output had data dropped;
	// Underflows those with a gap (padding or silence played).
	Overflows, Underflows uint64
	// Bypass and Strength [dB] are the current settings.
	Bypass   bool
	Strength float64
}

// Meters returns the current levels and counters.
func (e *Engine) Meters() Meters {
	s := &e.shared
	return Meters{
		InputPower:        float64(math.Float32frombits(s.inPow.Load())),
		OutputPower:       float64(math.Float32frombits(s.outPow.Load())),
		SpeechProbability: float64(math.Float32frombits(s.speech.Load())),
		Callbacks:         s.callbacks.Load(),
		Frames:            s.frames.Load(),
		Overflows:         s.overflows.Load(),
		Underflows:        s.underruns.Load(),
		Bypass:            s.bypass.Load(),
		Strength:          e.Strength(),
	}
}

// InputDB and OutputDB return the levels [dBFS], at least -120.
func (m Meters) InputDB() float64 { return powerDB(m.InputPower) }

// OutputDB returns the output level [dBFS], at least -120.
func (m Meters) OutputDB() float64 { return powerDB(m.OutputPower) }

// RemovedDB returns how much quieter the output is than the input [dB]:
// the noise removed, while no one speaks.
func (m Meters) RemovedDB() float64 {
	if m.InputPower <= 1e-12 {
		return 0
	}
	return max(m.InputDB()-m.OutputDB(), 0)
}

func powerDB(p float64) float64 {
	return max(10*math.Log10(p+1e-12), -120)
}
