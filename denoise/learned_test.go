package denoise

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

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

func TestGroupToBandMatchesExpandThenPool(t *testing.T) {
	for _, rate := range []int{8000, 16000, 44100, 48000} {
		size := 2 * hopSize(rate)
		bins := size/2 + 1
		binHz := float64(rate) / float64(size)
		groups := dsp.NewBinGroups(bins, binHz)
		l := newLearnedStage(nil, groups, make([]float32, bins), binHz, size)
		rng := rand.New(rand.NewPCG(uint64(rate), 7))
		in := make([]float32, groups.Len())
		for i := range in {
			in[i] = rng.Float32()
		}
		binVals := make([]float32, bins)
		groups.Expand(binVals, in)
		want := make([]float32, learnedBands)
		l.bands.Pool(want, binVals)
		got := make([]float32, learnedBands)
		l.groupToBand.apply(got, in)
		for b := range want {
			assert.InDelta(t, want[b], got[b], 1e-5*max(1, float64(want[b])), "%d Hz band %d", rate, b)
		}
		assert.NotZero(t, got[3], "%d Hz: a low band must hold something", rate)
	}
}

// loadEdited returns the embedded network's tensors changed by edit and
// loaded, for tests of how the stage uses a network.
func loadEdited(t *testing.T, edit func(map[string]nn.Tensor)) *nn.GainNet {
	t.Helper()
	ts, err := nn.ReadTensors(gainNetFile)
	require.NoError(t, err)
	edit(ts)
	net, err := nn.LoadGainNet(ts)
	require.NoError(t, err)
	return net
}

// A network that hears one frame ahead delays its verdict, and the stage
// must hold each frame's spectrum and classical gains back to meet it. With
// a network whose outputs ignore its inputs (all weights zero, biases
// kept), the verdicts no longer depend on timing, so the stage with
// lookahead must give exactly the output of the stage without, one hop
// later: any mispairing of a spectrum with another frame's gains shows.
func TestLookaheadHoldsFramesBackOneHop(t *testing.T) {
	constant := func(lookahead float32) *nn.GainNet {
		return loadEdited(t, func(ts map[string]nn.Tensor) {
			for name, x := range ts {
				if strings.Contains(name, "weight") { // every tensor but the biases and counts
					x.Data = make([]float32, len(x.Data))
					ts[name] = x
				}
			}
			ts["lookahead"] = nn.Tensor{Shape: []int{1}, Data: []float32{lookahead}}
		})
	}
	x, _ := readMono(t, "../testdata/noisy_example.wav")
	for _, rate := range []int{16000, 48000} {
		tunNow, tunLate := defaultTuning(), defaultTuning()
		tunNow.net, tunLate.net = constant(0), constant(1)
		now, err := newTuned(Config{SampleRate: rate}, tunNow)
		require.NoError(t, err)
		late, err := newTuned(Config{SampleRate: rate}, tunLate)
		require.NoError(t, err)
		require.Equal(t, now.Latency()+now.FrameSize(), late.Latency(), "%d Hz", rate)
		require.Equal(t, 30*time.Millisecond, late.LatencyDuration(), "%d Hz", rate)
		a := processAll(t, now, x, []int{4096})
		b := processAll(t, late, x, []int{4096})
		require.Equal(t, a, b, "%d Hz", rate)
		// And after Reset, a second stream starts as cleanly as the first.
		late.Reset()
		require.Equal(t, b, processAll(t, late, x, []int{333, 1, 4000}), "%d Hz after Reset", rate)
	}
}
