package denoise

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/nn"
)

// The Go network must compute what the PyTorch model computed on the same
// features: train/train.py writes 60 frames of its validation features and
// its outputs to model/parity.bin next to the weights it exports.
func TestLearnedNetworkMatchesPyTorch(t *testing.T) {
	b, err := os.ReadFile("model/parity.bin")
	require.NoError(t, err)
	ts, err := nn.ReadTensors(b)
	require.NoError(t, err)
	net, err := loadGainNet()
	require.NoError(t, err)
	feats, gains, speech := ts["features"], ts["gains"], ts["speech"]
	frames := feats.Shape[0]
	require.Equal(t, []int{frames, learnedFeatures}, feats.Shape)
	require.Equal(t, []int{frames, learnedBands}, gains.Shape)

	st := net.NewState()
	var worst float32
	for i := range frames {
		net.Step(st, feats.Data[i*learnedFeatures:(i+1)*learnedFeatures])
		for b, g := range st.Gains {
			worst = max(worst, abs32(g-gains.Data[i*learnedBands+b]))
		}
		worst = max(worst, abs32(st.Speech-speech.Data[i]))
	}
	assert.Less(t, worst, float32(2e-4), "largest difference from PyTorch over %d frames", frames)
	t.Logf("largest difference from PyTorch: %.2g over %d frames; %d parameters", worst, frames, net.Params())
}

func TestEmbeddedWeightsAreSmall(t *testing.T) {
	assert.LessOrEqual(t, len(gainNetFile), 1<<20, "the issue allows at most 1 MiB of weights")
}
