package denoise

import (
	"fmt"

	"github.com/hushaudio/hush/dsp/resample"
)

// LearnNoise gives the Filter a head start on steady noise, as
// Denoiser.LearnNoise does: noise holds at least 20 ms of the background
// alone, at the Filter's rate. Above MaxSampleRate the sample is first
// resampled to the processing rate, which allocates a copy (this is
// set-up, not the hot path); otherwise LearnNoise allocates nothing. It
// returns an error wrapping ErrNoiseTooShort if noise is too short.
func (f *Filter) LearnNoise(noise []float32) error {
	if f.chain == nil {
		return f.den.LearnNoise(noise)
	}
	inner := f.chain.inner
	x, err := resample.Resample(nil, noise, f.rate, inner)
	if err != nil {
		return fmt.Errorf("denoise: resampling the noise sample from %d to %d Hz: %w", f.rate, inner, err)
	}
	if err := f.den.LearnNoise(x); err != nil {
		return fmt.Errorf("%w (resampled from %d samples at %d Hz)", err, len(noise), f.rate)
	}
	return nil
}

// NoiseLevel returns the level of the noise the Filter currently
// estimates [dBFS], as Denoiser.NoiseLevel does. Above MaxSampleRate it is
// measured at the processing rate, so it leaves out whatever noise lies
// above that rate's Nyquist frequency.
func (f *Filter) NoiseLevel() float64 { return f.den.NoiseLevel() }
