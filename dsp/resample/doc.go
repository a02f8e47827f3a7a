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
//   - passband 0 .. 0.90·fN, ripple below ±0.001 dB (measured ±0.0001 dB);
//   - stopband from fN up, attenuated by at least 100 dB (measured 103 dB
//     at worst for 48 -> 16 kHz), so that nothing
//     above the output's Nyquist frequency folds back when downsampling
//     and no image of the input spectrum is left when upsampling;
//   - linear phase, with the delay compensated by [Resample] and reported
//     by [Resampler.Latency] for streams.
//
// [QualityFast] (0.85·fN, 70 dB, ripple ±0.003 dB, about half the taps)
// and [QualityBest] (0.95·fN, 120 dB, about 2.4 times the taps) trade cost
// for bandwidth and attenuation. The taps per output sample grow with the
// ratio of the input rate to the lower rate: the default uses 130 for
// 44.1 -> 48 kHz, 207 for 16 -> 10 kHz and 388 for 48 -> 16 kHz.
//
// Use [Resample] for whole signals held in memory, and a [Resampler] for
// streams: it allocates nothing after [New] and gives identical output
// whatever the sizes of the chunks fed to it.
package resample
