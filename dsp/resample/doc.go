// Package resample converts audio between sample rates with a band-limited
// (windowed-sinc, Kaiser window) polyphase filter.
//
// The conversion ratio is the exact rational number to/from reduced by
// their greatest common divisor, so 44100 -> 48000 is 160/147 and
// 16000 -> 10000 is 5/8; no rounding drift accumulates however long the
// stream. When the reduced numerator is small (every pair of the usual
// rates from 8 kHz to 192 kHz) each polyphase branch is computed exactly;
// for odd ratios with thousands of phases (44100 -> 47999, say) the filter
// is tabulated at 512 phases per input sample and interpolated linearly
// between them, which stays below -100 dB of error.
//
// The low-pass filter is set by the lower of the two rates (its Nyquist
// frequency, fN). With the default quality, [QualityDefault]:
//
//   - passband 0 .. 0.90·fN, ripple below ±0.001 dB;
//   - stopband from fN up, attenuated by at least 100 dB, so that nothing
//     above the output's Nyquist frequency folds back when downsampling
//     and no image of the input spectrum is left when upsampling;
//   - linear phase, with the delay compensated by [Resample] and reported
//     by [Resampler.Latency] for streams.
//
// [QualityFast] (0.85·fN, 70 dB) and [QualityBest] (0.95·fN, 120 dB) trade
// cost for bandwidth and attenuation.
//
// Use [Resample] for whole signals held in memory, and a [Resampler] for
// streams: it allocates nothing after [New] and gives identical output
// whatever the sizes of the chunks fed to it.
package resample
