// Package mix builds reproducible noisy-speech test sets: it adds recorded
// noise to clean speech at chosen signal-to-noise ratios and writes the
// clean, noise and noisy signals plus a manifest that says how each mixture
// was made.
//
// # SNR definition
//
// The SNR of a mixture is the active speech level over the noise level:
//
//	SNR = 10·log10(active speech power / mean noise power)  [dB]
//
// The active speech level follows ITU-T P.56 method B: the speech envelope
// (two cascaded one-pole smoothers, 30 ms time constant) is compared with a
// ladder of thresholds 6 dB apart with a 200 ms hangover; the active level
// is where the level of the samples counted active sits 15.9 dB above the
// threshold that counted them (linear interpolation between rungs). Pauses
// and leading or trailing silence therefore do not lower the speech level,
// so "10 dB" means the same for a short clipped prompt as for a long
// sentence with gaps. The noise level is the mean power of the exact noise
// segment added (the file looped or cut to the speech length).
//
// Options.Lead puts silence before each utterance, so that a mixture can
// start with noise alone as real recordings do.
//
// # Reproducibility
//
// All random choices come from one math/rand/v2 PCG generator seeded with
// Options.Seed, drawn in a fixed order before any audio is rendered, and
// files are listed in sorted order, so the same inputs and seed give
// byte-identical outputs whatever the number of workers.
//
// # Headroom
//
// If the noisy mixture, the clean speech or the scaled noise would peak
// above 0.99 of full scale, all three are scaled by the same factor
// (recorded as the manifest's gain) so that nothing clips and the three
// files stay consistent: noisy = clean + noise, sample for sample, to
// within the 16-bit rounding of the written files.
package mix
