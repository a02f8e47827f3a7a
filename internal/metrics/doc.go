// Package metrics scores enhanced speech against the clean reference with
// the objective measures used in the speech-enhancement literature:
//
//   - [SISDR], scale-invariant signal-to-distortion ratio [dB] (Le Roux et
//     al. 2019): overall fidelity, blind to the estimate's gain;
//   - [SegSNR], segmental SNR [dB]: the mean of per-frame SNRs, which
//     weighs quiet passages as much as loud ones;
//   - [STOI], short-time objective intelligibility (Taal et al. 2011),
//     0..1, and [ESTOI], its extension to modulated noise (Jensen & Taal
//     2016), which tracks listeners' word scores more closely.
//
// All take the clean reference first and the signal to score second, both
// mono float32 at the same rate and of the same length, time-aligned.
package metrics
