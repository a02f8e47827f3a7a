// Package dsp holds hush's signal chain and its building blocks.
//
// A Chain denoises one mono stream at one rate, frame by frame on a Grid
// (10 ms hops, 20 ms windows, bins 50 Hz apart at every rate):
//
//	analysis (STFT) → noise estimate (NoiseEstimator) →
//	gain rule (GainRule) → synthesis (overlap-add)
//
// The stages are small interfaces. SPPNoiseEstimator tracks the noise
// with speech-presence-controlled averaging; ClassicGain gates the
// spectrum with an OMLSAGain; the learned rule of hush's denoise package
// (internal/learned) implements GainRule too, on top of ClassicGain.
// Resampled runs a Chain for streams above 48 kHz. The blocks beneath
// them (RealFFT, STFT, BinGroups, TriangleBands) are usable alone.
//
// Everything here allocates only on construction, and nothing is shared
// between values: one Chain per stream.
package dsp
