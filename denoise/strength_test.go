package denoise

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Raising the strength mid-stream turns steady noise down further at once,
// to where a Denoiser made with that strength has it, and without a jump:
// no output sample after the change exceeds the largest before it.
func TestSetMaxAttenuationMidStream(t *testing.T) {
	const rate = 16000
	x := noiseSignal(3*rate, 5)
	d, err := New(Config{SampleRate: rate, MaxAttenuation: 12})
	require.NoError(t, err)
	ref, err := New(Config{SampleRate: rate, MaxAttenuation: 36})
	require.NoError(t, err)
	y := make([]float32, len(x))
	half := len(x) / 2
	d.Process(y[:half], x[:half])
	require.NoError(t, d.SetMaxAttenuation(36))
	d.Process(y[half:], x[half:])
	yRef := make([]float32, len(x))
	ref.Process(yRef, x)

	rms := func(s []float32) float64 {
		var e float64
		for _, v := range s {
			e += float64(v) * float64(v)
		}
		return math.Sqrt(e / float64(len(s)))
	}
	settle := d.Latency() + rate/10
	gentle := rms(y[half-rate/2 : half])
	strong := rms(y[half+settle:])
	want := rms(yRef[half+settle:])
	assert.Less(t, 20*math.Log10(strong/gentle), -2.0, "gentle %.4f, strong %.4f", gentle, strong)
	assert.InDelta(t, 0, 20*math.Log10(strong/want), 0.5, "strong %.4f, made strong %.4f", strong, want)

	var peakBefore, peakAfter float32
	for _, v := range y[rate/2 : half] {
		peakBefore = max(peakBefore, abs32(v))
	}
	for _, v := range y[half:] {
		peakAfter = max(peakAfter, abs32(v))
	}
	assert.LessOrEqual(t, peakAfter, peakBefore)

	assert.Zero(t, testing.AllocsPerRun(100, func() { _ = d.SetMaxAttenuation(20) }))
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}
