package learned

import (
	_ "embed"
	"fmt"
	"sync"

	"github.com/hushaudio/hush/internal/nn"
)

// Model predicts, frame by frame, one gain per band and a speech
// probability from a frame's features. Each stream needs its own: a Model
// keeps recurrent state.
type Model interface {
	// Step takes one frame's features (FeatureCount values).
	Step(features []float32)
	// Gains returns the band gains of the last Step (Bands values, in
	// [0, 1]). The slice is the model's; the caller may change it in place
	// until the next Step.
	Gains() []float32
	// Speech returns the speech probability of the last Step.
	Speech() float32
	// Reset forgets all history.
	Reset()
}

//go:embed model/gainnet.bin
var weightsFile []byte

// WeightsSize returns the size of the embedded weights file in bytes.
func WeightsSize() int { return len(weightsFile) }

// embeddedNet parses the embedded weights once per process. The network
// is read-only after that and shared by every stream; each keeps its own
// state.
var embeddedNet = sync.OnceValues(func() (*nn.GainNet, error) {
	ts, err := nn.ReadTensors(weightsFile)
	if err != nil {
		return nil, err
	}
	return checkNet(nn.LoadGainNet(ts))
})

// checkNet checks that a network fits the features and bands of this
// package.
func checkNet(net *nn.GainNet, err error) (*nn.GainNet, error) {
	if err != nil {
		return nil, err
	}
	if net.Features != FeatureCount || net.Bands != Bands {
		return nil, fmt.Errorf("%w: network has %d inputs and %d bands, want %d and %d",
			nn.ErrWeights, net.Features, net.Bands, FeatureCount, Bands)
	}
	return net, nil
}

// NewModel returns a Model for one stream that runs the embedded network.
func NewModel() (Model, error) {
	net, err := embeddedNet()
	if err != nil {
		return nil, fmt.Errorf("learned stage: %w", err)
	}
	return newNetModel(net), nil
}

// netModel runs an nn.GainNet with one stream's state.
type netModel struct {
	net   *nn.GainNet
	state *nn.GainNetState
}

func newNetModel(net *nn.GainNet) *netModel {
	return &netModel{net: net, state: net.NewState()}
}

func (m *netModel) Step(features []float32) { m.net.Step(m.state, features) }
func (m *netModel) Gains() []float32        { return m.state.Gains }
func (m *netModel) Speech() float32         { return m.state.Speech }
func (m *netModel) Reset()                  { m.state.Reset() }
