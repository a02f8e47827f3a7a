package denoise

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFilterLearnNoise(t *testing.T) {
	// Natively, the Filter's profile is the Denoiser's.
	noise := noiseSignal(8000, 60)
	f, err := NewFilter(Config{SampleRate: 16000})
	require.NoError(t, err)
	d, err := New(Config{SampleRate: 16000})
	require.NoError(t, err)
	require.NoError(t, f.LearnNoise(noise))
	require.NoError(t, d.LearnNoise(noise))
	assert.Equal(t, d.NoiseLevel(), f.NoiseLevel())

	// Resampled, white noise of RMS 0.1 reads about -20 dBFS minus the
	// half of its power above 24 kHz: about -23 dBFS.
	f, err = NewFilter(Config{SampleRate: 96000})
	require.NoError(t, err)
	assert.Equal(t, -120.0, f.NoiseLevel())
	require.NoError(t, f.LearnNoise(noiseSignal(48000, 61)))
	assert.InDelta(t, -23, f.NoiseLevel(), 1)

	err = f.LearnNoise(make([]float32, 100))
	assert.ErrorIs(t, err, ErrNoiseTooShort)
}
