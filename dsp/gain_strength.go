package dsp

// ln10 is the natural logarithm of 10, for converting decibels.
const ln10 = 2.302585092994046

// SetMaxAttenuation changes the floor G_min to maxAttenuationDB below unity
// gain, as if the rule had been made with that value, from the next
// Compute on. The rest of the state is kept, so a stream goes on without a
// gap: only how far noise-only bins are turned down changes. It allocates
// nothing, so it may be called between frames of a real-time stream; the
// caller validates the value.
func (g *OMLSAGain) SetMaxAttenuation(maxAttenuationDB float64) {
	g.lnFloor = float32(-maxAttenuationDB / 20 * ln10)
}
