// Package degrade colours audio the way the capture and transmission chain
// of a call does, for making training mixtures: microphone and loudspeaker
// responses (biquad filters), the band limits of narrowband and wideband
// telephony, G.711 µ-law and A-law round trips, automatic gain control and
// clipping. Everything is plain Go and deterministic; nothing here is on a
// real-time path, so the functions allocate freely.
//
// Linear parts (filters, band limits) can be applied to the speech and the
// noise of a mixture separately and give the same as applying them to the
// sum, so a training target can share them; the nonlinear parts (codecs,
// clipping) are applied to the mixture alone, and [AGC.Gains] returns the
// gain curve so that the target can follow it.
package degrade
