package denoise

import (
	"fmt"
	"math"
)

// Limits and defaults of Config.
const (
	// DefaultSampleRate is used when Config.SampleRate is 0 [Hz]; it is the
	// rate of WebRTC, Opus and most call stacks.
	DefaultSampleRate = 48000
	// MinSampleRate and MaxSampleRate bound Config.SampleRate [Hz].
	MinSampleRate = 8000
	MaxSampleRate = 192000
	// MaxChannels bounds Config.Channels.
	MaxChannels = 64
	// DefaultMaxAttenuation is used when Config.MaxAttenuation is 0 [dB].
	// It keeps a little of the background, which sounds natural in calls
	// and protects quiet speech; raise it for a more aggressive result.
	DefaultMaxAttenuation = 24
	// MaxMaxAttenuation bounds Config.MaxAttenuation [dB]; beyond it the
	// floor is below anything audible.
	MaxMaxAttenuation = 100
)

// nativeMaxRate is the highest rate denoised natively; above it a stream
// is resampled to a processing rate of at most this (dsp.Resampled).
const nativeMaxRate = 48000

// Config configures a Denoiser. The zero value is a valid configuration:
// every zero field means its documented default.
type Config struct {
	// SampleRate of the audio [Hz], from 8000 to 192000; 0 means 48000.
	// Up to 48 kHz the Denoiser works natively, with 10 ms frames (rounded
	// to whole samples) and a 20 ms window; above, it denoises at 48 or
	// 44.1 kHz through a band-limited resampler.
	SampleRate int

	// Channels is the number of interleaved channels, from 1 to
	// MaxChannels; 0 means 1. Each channel is denoised on its own.
	Channels int

	// MaxAttenuation is the strength [dB]: the most the Denoiser turns any
	// part of the spectrum down, where it finds only noise. 0 means
	// DefaultMaxAttenuation (24 dB); 12 is gentle, 40 aggressive.
	MaxAttenuation float64

	// Mode selects how the gains are found; 0 means ModeLearned.
	Mode Mode
}

// Mode selects the Denoiser's gain stage.
type Mode int

const (
	// ModeLearned finds the gains with a small recurrent network, trained
	// in train/, from features of the classical stage: it separates speech
	// from non-stationary noise (babble, clatter, keys) that classical
	// gating cannot tell apart. It is the default.
	ModeLearned Mode = iota + 1
	// ModeClassic uses spectral gating alone: a noise tracker and an
	// optimally-modified log-spectral-amplitude gain. It costs about half
	// the CPU and has no trained parts.
	ModeClassic
)

// String returns the mode's name as the command line spells it.
func (m Mode) String() string {
	switch m {
	case ModeLearned:
		return "learned"
	case ModeClassic:
		return "classic"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode returns the Mode named s ("learned" or "classic").
func ParseMode(s string) (Mode, error) {
	switch s {
	case "learned":
		return ModeLearned, nil
	case "classic":
		return ModeClassic, nil
	}
	return 0, fmt.Errorf("%w: %q, want learned or classic", ErrMode, s)
}

// withDefaults validates c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	if c.SampleRate == 0 {
		c.SampleRate = DefaultSampleRate
	}
	if c.SampleRate < MinSampleRate || c.SampleRate > MaxSampleRate {
		return c, fmt.Errorf("%w: got %d Hz, want %d..%d", ErrSampleRate, c.SampleRate, MinSampleRate, MaxSampleRate)
	}
	if c.Channels == 0 {
		c.Channels = 1
	}
	if c.Channels < 1 || c.Channels > MaxChannels {
		return c, fmt.Errorf("%w: got %d, want 1..%d", ErrChannels, c.Channels, MaxChannels)
	}
	if c.Mode == 0 {
		c.Mode = ModeLearned
	}
	if c.Mode != ModeLearned && c.Mode != ModeClassic {
		return c, fmt.Errorf("%w: %v", ErrMode, c.Mode)
	}
	db, err := checkMaxAttenuation(c.MaxAttenuation)
	if err != nil {
		return c, err
	}
	c.MaxAttenuation = db
	return c, nil
}

// checkMaxAttenuation returns db, or the default for 0, or an error
// wrapping ErrMaxAttenuation.
func checkMaxAttenuation(db float64) (float64, error) {
	if db == 0 {
		return DefaultMaxAttenuation, nil
	}
	if math.IsNaN(db) || db < 0 || db > MaxMaxAttenuation {
		return 0, fmt.Errorf("%w: got %g dB, want 0..%d", ErrMaxAttenuation, db, MaxMaxAttenuation)
	}
	return db, nil
}

// hopSize returns the number of samples in 10 ms at rate, rounded.
func hopSize(rate int) int {
	return (rate + 50) / 100
}
