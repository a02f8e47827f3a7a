package learned

import (
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/dsp"
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
	net, err := embeddedNet()
	require.NoError(t, err)
	feats, gains, speech := ts["features"], ts["gains"], ts["speech"]
	frames := feats.Shape[0]
	require.Equal(t, []int{frames, FeatureCount}, feats.Shape)
	require.Equal(t, []int{frames, Bands}, gains.Shape)

	m := newNetModel(net)
	var worst float32
	for i := range frames {
		m.Step(feats.Data[i*FeatureCount : (i+1)*FeatureCount])
		for b, g := range m.Gains() {
			worst = max(worst, abs32(g-gains.Data[i*Bands+b]))
		}
		worst = max(worst, abs32(m.Speech()-speech.Data[i]))
	}
	assert.Less(t, worst, float32(2e-4), "largest difference from PyTorch over %d frames", frames)
	t.Logf("largest difference from PyTorch: %.2g over %d frames; %d parameters", worst, frames, net.Params())
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func TestEmbeddedWeightsAreSmall(t *testing.T) {
	assert.LessOrEqual(t, WeightsSize(), 4<<20, "at most 4 MiB of weights may be embedded")
}

// The features pool the classical noise and presence, kept per group,
// straight into bands; that must equal expanding them to bins and pooling
// the bins.
func TestGroupToBandMatchesExpandThenPool(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100, 48000} {
		g, err := dsp.NewGrid(rate)
		require.NoError(t, err)
		f := NewFeatures(g)
		rng := rand.New(rand.NewPCG(uint64(rate), 7))
		in := make([]float32, g.Groups.Len())
		for i := range in {
			in[i] = rng.Float32()
		}
		binVals := make([]float32, g.Bins())
		g.Groups.Expand(binVals, in)
		want := make([]float32, Bands)
		f.Bands().Pool(want, binVals)
		got := make([]float32, Bands)
		f.groupToBand.apply(got, in)
		for b := range want {
			assert.InDelta(t, want[b], got[b], 1e-5*max(1, float64(want[b])), "%d Hz band %d", rate, b)
		}
		assert.NotZero(t, got[3], "%d Hz: a low band must hold something", rate)
	}
}

// A model whose outputs are all 1 with certain speech, and a classical
// rule left alone, must give the gain law's bound: no bin above 1 or
// below the floor, and the classical gains' square root times the boost
// where that stays under 1.
func TestGainLawBounds(t *testing.T) {
	g, err := dsp.NewGrid(16000)
	require.NoError(t, err)
	l := NewGain(g, 24, &constModel{gain: 1, speech: 1})
	dst := make([]float32, g.Bins())
	for k := range dst {
		dst[k] = float32(k) / float32(len(dst)) // stands for classical gains
	}
	l.apply(dst)
	floor := float32(0.063095734) // -24 dB
	for k, v := range dst {
		require.LessOrEqual(t, v, float32(1), "bin %d", k)
		require.GreaterOrEqual(t, v, floor, "bin %d", k)
	}
	k := 10
	want := max(min(1.55*sqrt32(float32(k)/float32(len(dst))), 1), floor)
	assert.InDelta(t, want, dst[k], 1e-6)
}

func sqrt32(x float32) float32 { return pow01(x, 0.5) }

// constModel is a Model with fixed outputs.
type constModel struct {
	gain, speech float32
	gains        [Bands]float32
}

func (m *constModel) Step([]float32) {
	for b := range m.gains {
		m.gains[b] = m.gain
	}
}
func (m *constModel) Gains() []float32 { m.Step(nil); return m.gains[:] }
func (m *constModel) Speech() float32  { return m.speech }
func (m *constModel) Reset()           {}
