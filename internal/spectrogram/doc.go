// Package spectrogram computes spectrograms of audio streams in bounded
// memory and draws them, with gain masks, as labelled PNG pictures for
// "hush spectrogram" and "hush clean --plot".
//
// An Analyzer is fed samples as they stream by and keeps at most a fixed
// number of time columns, averaging neighbours as the stream grows; two
// Analyzers fed the input and the (latency-compensated) output of a
// denoiser give cell-aligned spectrograms, and GainDB divides them into the
// gain mask the denoiser applied. Render draws any number of Panels, one
// above the other, each with time and frequency axes and a colour bar.
package spectrogram
