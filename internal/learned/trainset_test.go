package learned

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/dsp"
	"github.com/hushaudio/hush/internal/testaudio"
)

// recordingModel records the features a Gain feeds it.
type recordingModel struct {
	constModel
	seen []float32
}

func (m *recordingModel) Step(f []float32) { m.seen = append(m.seen, f...) }

// The training set must hold exactly what the learned stage feeds its
// network in use, frame for frame; where the noisy signal is all speech,
// the ideal gains are 1.
func TestTrainingFramesSeeWhatTheStageSees(t *testing.T) {
	for _, rate := range []int{8000, 16000, 48000} {
		noisy := testaudio.SpeechLike(rate, rate, 1)
		for i, v := range testaudio.Noise(rate, 2) {
			noisy[i] += 0.3 * v
		}
		feat, gain, energy, err := TrainingFrames(rate, noisy, noisy, nil, nil, nil)
		require.NoError(t, err)
		g, err := dsp.NewGrid(rate)
		require.NoError(t, err)
		frames := len(noisy) / g.Hop
		require.Len(t, energy, frames)
		require.Len(t, gain, frames*Bands)

		m := &recordingModel{constModel: constModel{gain: 1, speech: 1}}
		chain, err := dsp.NewChain(g, dsp.NewSPPNoiseEstimator(g.Groups.Len()), NewGain(g, 24, m))
		require.NoError(t, err)
		chain.Process(make([]float32, frames*g.Hop), noisy[:frames*g.Hop])
		require.Equal(t, m.seen, feat, "%d Hz", rate)

		for i, v := range gain {
			if v != -1 {
				require.InDelta(t, 1, v, 1e-5, "%d Hz value %d", rate, i)
			}
		}
		assert.Greater(t, energy[frames/2], float32(0))
	}
}
