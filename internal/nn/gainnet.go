package nn

import (
	"fmt"

	"github.com/hushaudio/hush/internal/vec"
)

// GainNet is the learned gain stage's network: per frame it maps a
// feature vector to one gain per band and a speech probability.
//
//	x  = tanh(W_in·[features deltas] + b_in)   (Hidden)
//	h1 = GRU1(x, h1)                           (Hidden)
//	h2 = GRU2(h1, h2)                          (Hidden)
//	gains = σ(W_g·[x h1 h2] + b_g)             (Bands)
//	speech = σ(W_v·[x h1 h2] + b_v)            (1)
//
// where deltas are the first Deltas features minus their values at the
// previous Step (zero at the first Step of a stream). Feature
// normalisation is folded into W_in by the exporter. A GainNet is
// read-only after loading and may be shared by any number of streams; the
// per-stream part is a GainNetState.
type GainNet struct {
	Features, Hidden, Bands int

	// Deltas is how many leading features also enter as their change
	// since the previous frame.
	Deltas int

	in         dense
	gru1, gru2 gru
	gain, vad  dense
}

// LoadGainNet builds the network from a weights file's tensors, checking
// every shape.
func LoadGainNet(ts map[string]Tensor) (*GainNet, error) {
	inW, ok := ts["input.weight"]
	if !ok || len(inW.Shape) != 2 {
		return nil, fmt.Errorf("%w: no 2-D tensor %q", ErrWeights, "input.weight")
	}
	hidden, inputs := inW.Shape[0], inW.Shape[1]
	gw, ok := ts["gain.weight"]
	if !ok || len(gw.Shape) != 2 {
		return nil, fmt.Errorf("%w: no 2-D tensor %q", ErrWeights, "gain.weight")
	}
	// Each delta is of a feature that is also an input: at most half the inputs.
	deltas, err := loadCount(ts, "deltas", inputs/2)
	if err != nil {
		return nil, err
	}
	features := inputs - deltas
	n := &GainNet{Features: features, Hidden: hidden, Bands: gw.Shape[0], Deltas: deltas}
	if n.in, err = loadDense(ts, "input", inputs, hidden); err != nil {
		return nil, err
	}
	if n.gru1, err = loadGRU(ts, "gru1", hidden, hidden); err != nil {
		return nil, err
	}
	if n.gru2, err = loadGRU(ts, "gru2", hidden, hidden); err != nil {
		return nil, err
	}
	if n.gain, err = loadDense(ts, "gain", 3*hidden, n.Bands); err != nil {
		return nil, err
	}
	if n.vad, err = loadDense(ts, "vad", 3*hidden, 1); err != nil {
		return nil, err
	}
	// A network that hears frames ahead of the one it gains would add a
	// hop (10 ms) of delay per frame, which the 20 ms latency leaves no
	// room for; files that ask for it are refused.
	if _, err := loadCount(ts, "lookahead", 0); err != nil {
		return nil, err
	}
	return n, nil
}

// loadCount reads an optional one-value tensor holding a whole number
// from 0 to most; a file without it means 0.
func loadCount(ts map[string]Tensor, name string, most int) (int, error) {
	if _, ok := ts[name]; !ok {
		return 0, nil
	}
	v, err := take(ts, name, 1)
	if err != nil {
		return 0, err
	}
	c := int(v[0])
	if float32(c) != v[0] || c < 0 || c > most {
		return 0, fmt.Errorf("%w: %s is %v, want a whole number from 0 to %d", ErrWeights, name, v[0], most)
	}
	return c, nil
}

// Params returns the number of weights and biases.
func (n *GainNet) Params() int {
	c := 0
	for _, d := range []*dense{&n.in, &n.gru1.input, &n.gru1.recurrent, &n.gru2.input, &n.gru2.recurrent, &n.gain, &n.vad} {
		c += len(d.w) + len(d.b)
	}
	return c
}

// GainNetState is one stream's recurrent state and scratch.
type GainNetState struct {
	input  []float32 // [features deltas], when there are deltas
	prev   []float32 // the leading features of the previous Step
	begun  bool      // whether prev holds anything
	concat []float32 // [x h1 h2]
	gi, gh []float32
	// Gains holds the band gains of the last Step, in [0, 1].
	Gains []float32
	// Speech is the speech probability of the last Step.
	Speech float32
}

// NewState returns a zeroed state for n.
func (n *GainNet) NewState() *GainNetState {
	s := &GainNetState{
		concat: make([]float32, 3*n.Hidden),
		gi:     make([]float32, 3*n.Hidden),
		gh:     make([]float32, 3*n.Hidden),
		Gains:  make([]float32, n.Bands),
	}
	if n.Deltas > 0 {
		s.input = make([]float32, n.Features+n.Deltas)
		s.prev = make([]float32, n.Deltas)
	}
	return s
}

// Reset zeroes the recurrent state.
func (s *GainNetState) Reset() {
	s.begun = false
	clear(s.concat)
	clear(s.Gains)
	s.Speech = 0
}

// Step runs one frame: features (Features values) in, s.Gains and s.Speech out.
func (n *GainNet) Step(s *GainNetState, features []float32) {
	h := n.Hidden
	x, h1, h2 := s.concat[:h], s.concat[h:2*h], s.concat[2*h:]
	if n.Deltas > 0 {
		if !s.begun {
			copy(s.prev, features)
			s.begun = true
		}
		copy(s.input, features)
		for i, p := range s.prev {
			s.input[n.Features+i] = features[i] - p
		}
		copy(s.prev, features)
		features = s.input
	}
	n.in.apply(x, features)
	vec.Tanh(x, x)
	n.gru1.step(h1, x, s.gi, s.gh)
	n.gru2.step(h2, h1, s.gi, s.gh)
	n.gain.apply(s.Gains, s.concat)
	vec.Sigmoid(s.Gains, s.Gains)
	var v [1]float32
	n.vad.apply(v[:], s.concat)
	vec.Sigmoid(v[:], v[:])
	s.Speech = v[0]
}
