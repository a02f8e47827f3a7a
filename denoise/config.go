package denoise

import (
	"fmt"
	"math"
)

// Defaults used for zero Config fields.
const (
	// DefaultSampleRate is used when Config.SampleRate is 0 [Hz]; it is the
	// rate of WebRTC, Opus and most call stacks.
	DefaultSampleRate = 48000
	// DefaultMaxAttenuation is used when Config.MaxAttenuation is 0 [dB]. It
	// keeps a little of the background, which sounds natural in calls and
	// protects quiet speech; raise it for a more aggressive result.
	DefaultMaxAttenuation = 24
	// MinSampleRate and MaxSampleRate bound Config.SampleRate [Hz].
	MinSampleRate = 8000
	MaxSampleRate = 48000
	// MaxMaxAttenuation bounds Config.MaxAttenuation [dB]; beyond it the
	// floor is below anything audible.
	MaxMaxAttenuation = 100
)

// Config configures a Denoiser. The zero value is a valid configuration: every
// zero field means its documented default.
type Config struct {
	// SampleRate of the audio [Hz], from 8000 to 48000; 0 means 48000. The
	// Denoiser works natively at the given rate with 10 ms frames (rounded
	// to whole samples) and a 20 ms analysis window.
	SampleRate int

	// MaxAttenuation is the strength [dB]: the most the Denoiser turns any
	// part of the spectrum down, where it finds only noise. 0 means
	// DefaultMaxAttenuation (24 dB); 12 is gentle, 40 aggressive.
	MaxAttenuation float64

	// Mode selects how the gains are found: 0 means DefaultMode.
	Mode Mode
}

// Mode selects the Denoiser's gain stage.
type Mode int

const (
	// ModeLearned finds the gains with a small recurrent network, trained
	// in train/, from features of the classical stage: it separates speech
	// from non-stationary noise (babble, clatter, keys) that classical
	// gating cannot tell apart.
	ModeLearned Mode = iota + 1
	// ModeClassic uses spectral gating alone: a noise tracker and an
	// optimally-modified log-spectral-amplitude gain. It costs less CPU
	// and has no trained parts.
	ModeClassic
)

// DefaultMode is used when Config.Mode is 0.
const DefaultMode = ModeLearned

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
	if c.Mode == 0 {
		c.Mode = DefaultMode
	}
	if c.Mode != ModeLearned && c.Mode != ModeClassic {
		return c, fmt.Errorf("%w: %v", ErrMode, c.Mode)
	}
	if c.MaxAttenuation == 0 {
		c.MaxAttenuation = DefaultMaxAttenuation
	}
	if math.IsNaN(c.MaxAttenuation) || c.MaxAttenuation < 0 || c.MaxAttenuation > MaxMaxAttenuation {
		return c, fmt.Errorf("%w: got %g dB, want 0..%d", ErrMaxAttenuation, c.MaxAttenuation, MaxMaxAttenuation)
	}
	return c, nil
}

// hopSize returns the number of samples in 10 ms at rate, rounded.
func hopSize(rate int) int {
	return (rate + 50) / 100
}
