package denoise

import (
	"fmt"

	"github.com/hushaudio/hush/dsp"
	"github.com/hushaudio/hush/internal/learned"
)

// stages makes the noise estimator and gain rule of one channel's chain on
// grid g, for cfg (defaults filled in). New uses defaultStages; tests wrap
// or replace stages to observe or edit what passes through them.
type stages func(cfg Config, g *dsp.Grid) (dsp.NoiseEstimator, dsp.GainRule, error)

// defaultStages are the SPP noise tracker and cfg.Mode's gain rule: the
// classical OMLSA rule, or the learned rule running the embedded network.
func defaultStages(cfg Config, g *dsp.Grid) (dsp.NoiseEstimator, dsp.GainRule, error) {
	noise := dsp.NewSPPNoiseEstimator(g.Groups.Len())
	if cfg.Mode == ModeClassic {
		return noise, dsp.NewClassicGain(g, cfg.MaxAttenuation), nil
	}
	model, err := learned.NewModel()
	if err != nil {
		return nil, nil, fmt.Errorf("denoise: %w", err)
	}
	return noise, learned.NewGain(g, cfg.MaxAttenuation, model), nil
}

// newChannel wires one channel's signal chain: the stages on a dsp.Chain
// at the stream's rate, or, above 48 kHz, on one at a processing rate
// inside a dsp.Resampled.
func newChannel(cfg Config, st stages) (channel, error) {
	rate := cfg.SampleRate
	if rate <= nativeMaxRate {
		return newChain(cfg, rate, st)
	}
	chain, err := newChain(cfg, dsp.InnerRate(rate), st)
	if err != nil {
		return nil, err
	}
	r, err := dsp.NewResampled(rate, chain, cfg.MaxAttenuation)
	if err != nil {
		return nil, fmt.Errorf("denoise: %d Hz: %w", rate, err)
	}
	return r, nil
}

// newChain returns a chain of the stages at rate.
func newChain(cfg Config, rate int, st stages) (*dsp.Chain, error) {
	g, err := dsp.NewGrid(rate)
	if err != nil {
		return nil, fmt.Errorf("denoise: %d Hz: %w", rate, err)
	}
	noise, gain, err := st(cfg, g)
	if err != nil {
		return nil, err
	}
	return dsp.NewChain(g, noise, gain)
}
