package dsp

// The stages of a Chain. Each is a small interface so that a stage can be
// swapped (the classical and the learned gain rules are two
// implementations of GainRule) and so that tests can wrap a stage to
// observe or edit what passes through it, without hooks in the hot path.

// Frame is one 10 ms analysis frame as it passes from stage to stage. The
// Chain owns its slices and rewrites them every frame; a stage may read
// them during the call it is given them in, and must not keep them.
type Frame struct {
	// Spectrum holds the frame's STFT bins (Grid.Bins values).
	Spectrum []complex64
	// Power is |Spectrum|², per bin.
	Power []float32
	// GroupPower is Power pooled into the Grid's bin groups (the mean of
	// each group's bins): the resolution of noise tracking and gains.
	GroupPower []float32
	// Noise is the noise estimate per group, after this frame's update.
	Noise []float32
}

// NoiseEstimator tracks the power spectrum of the noise, one value per
// bin group, from frame to frame. SPPNoiseEstimator implements it.
type NoiseEstimator interface {
	// Update folds in the power of the next frame, per group.
	Update(groupPower []float32)
	// Noise returns the current estimate per group; the slice is the
	// estimator's and changes with each Update.
	Noise() []float32
	// SetNoise replaces the estimate with a profile (per group) learnt
	// from noise alone; tracking goes on from there.
	SetNoise(profile []float32)
	// Reset forgets all history.
	Reset()
}

// GainRule decides, frame by frame, how much of each bin to keep.
// ClassicGain and the learned stage implement it.
type GainRule interface {
	// Gains writes one gain per bin (Grid.Bins values, in [floor, 1]) for
	// the frame to dst. The rule may keep state from frame to frame.
	Gains(dst []float32, f *Frame)
	// SpeechProbability returns the probability, in [0, 1], that the last
	// frame given to Gains held speech.
	SpeechProbability() float32
	// SetMaxAttenuation sets the floor: the most any bin is turned down
	// [dB], from the next frame on. It allocates nothing.
	SetMaxAttenuation(db float64)
	// Reset forgets all history.
	Reset()
}
