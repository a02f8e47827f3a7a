package mix

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
)

func db(p float64) float64 { return 10 * math.Log10(p) }

func TestActiveLevelContinuousSineIsItsPower(t *testing.T) {
	const rate = 16000
	p, act, err := ActiveLevel(testaudio.Sine(2*rate, rate, 440, 0.5), rate)
	require.NoError(t, err)
	assert.InDelta(t, db(0.125), db(p), 0.2)
	assert.Greater(t, act, 0.95)
}

func TestActiveLevelIgnoresSilence(t *testing.T) {
	const rate = 16000
	// 2 s of tone then 6 s of silence: the mean power is 6 dB below the
	// tone, the active level only by the 0.2 s hangover and the envelope's
	// decay (about 0.6 dB).
	x := append(testaudio.Sine(2*rate, rate, 300, 0.3), make([]float32, 6*rate)...)
	p, act, err := ActiveLevel(x, rate)
	require.NoError(t, err)
	assert.InDelta(t, db(0.045), db(p), 1.0)
	assert.Greater(t, db(p)-db(meanPower(x)), 5.0)
	assert.InDelta(t, 0.28, act, 0.03)
}

func TestActiveLevelScalesWithGain(t *testing.T) {
	const rate = 16000
	x := speechLike(3*rate, rate, 7)
	p1, _, err := ActiveLevel(x, rate)
	require.NoError(t, err)
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = v / 4
	}
	p2, _, err := ActiveLevel(y, rate)
	require.NoError(t, err)
	assert.InDelta(t, 20*math.Log10(4), db(p1)-db(p2), 0.1)
}

func TestActiveLevelSilenceIsAnError(t *testing.T) {
	_, _, err := ActiveLevel(make([]float32, 1000), 16000)
	assert.ErrorIs(t, err, ErrSilent)
	_, _, err = ActiveLevel([]float32{0.1}, 0)
	assert.ErrorIs(t, err, ErrOptions)
}
