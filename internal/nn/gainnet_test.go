package nn

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const shippedWeights = "../learned/model/gainnet.bin"

func loadShipped(t testing.TB) *GainNet {
	t.Helper()
	b, err := os.ReadFile(shippedWeights)
	require.NoError(t, err)
	ts, err := ReadTensors(b)
	require.NoError(t, err)
	n, err := LoadGainNet(ts)
	require.NoError(t, err)
	return n
}

// writeTensors is the test's own writer of the format, to build files.
func writeTensors(names []string, ts map[string]Tensor) []byte {
	var buf bytes.Buffer
	buf.WriteString(fileMagic)
	binary.Write(&buf, binary.LittleEndian, uint32(len(names)))
	for _, name := range names {
		t := ts[name]
		binary.Write(&buf, binary.LittleEndian, uint16(len(name)))
		buf.WriteString(name)
		buf.WriteByte(byte(len(t.Shape)))
		for _, d := range t.Shape {
			binary.Write(&buf, binary.LittleEndian, uint32(d))
		}
		for _, v := range t.Data {
			binary.Write(&buf, binary.LittleEndian, math.Float32bits(v))
		}
	}
	return buf.Bytes()
}

func TestReadTensorsRoundTrip(t *testing.T) {
	ts := map[string]Tensor{
		"a": {Shape: []int{2, 3}, Data: []float32{1, 2, 3, 4, 5, 6}},
		"b": {Shape: []int{1}, Data: []float32{-0.5}},
	}
	got, err := ReadTensors(writeTensors([]string{"a", "b"}, ts))
	require.NoError(t, err)
	assert.Equal(t, ts, got)
}

func TestReadTensorsRejectsDamage(t *testing.T) {
	good := writeTensors([]string{"a"}, map[string]Tensor{"a": {Shape: []int{2, 2}, Data: []float32{1, 2, 3, 4}}})
	for name, b := range map[string][]byte{
		"empty":          nil,
		"wrong magic":    append([]byte("HUSHNN99"), good[8:]...),
		"truncated":      good[:len(good)-3],
		"trailing":       append(append([]byte{}, good...), 0),
		"huge count":     append(append([]byte(fileMagic), 0xff, 0xff, 0xff, 0x7f), good[12:]...),
		"huge shape":     bytes.Replace(good, []byte{2, 0, 0, 0, 2, 0, 0, 0}, []byte{0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0x0f}, 1),
		"zero dimension": bytes.Replace(good, []byte{2, 0, 0, 0, 2, 0, 0, 0}, []byte{0, 0, 0, 0, 2, 0, 0, 0}, 1),
	} {
		_, err := ReadTensors(b)
		assert.True(t, errors.Is(err, ErrWeights), "%s: %v", name, err)
	}
}

func TestLoadGainNetChecksShapes(t *testing.T) {
	b, err := os.ReadFile(shippedWeights)
	require.NoError(t, err)
	ts, err := ReadTensors(b)
	require.NoError(t, err)
	bad := map[string]Tensor{}
	for k, v := range ts {
		bad[k] = v
	}
	w := bad["gru2.weight_hh_l0"]
	bad["gru2.weight_hh_l0"] = Tensor{Shape: []int{w.Shape[0], w.Shape[1] - 1}, Data: w.Data[:w.Shape[0]*(w.Shape[1]-1)]}
	_, err = LoadGainNet(bad)
	assert.ErrorIs(t, err, ErrWeights)
	delete(bad, "gru2.weight_hh_l0")
	_, err = LoadGainNet(bad)
	assert.ErrorIs(t, err, ErrWeights)
}

func TestGainNetStepIsBoundedAndAllocatesNothing(t *testing.T) {
	n := loadShipped(t)
	s := n.NewState()
	x := make([]float32, n.Features)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	allocs := testing.AllocsPerRun(100, func() { n.Step(s, x) })
	assert.Zero(t, allocs)
	for _, g := range s.Gains {
		assert.True(t, g >= 0 && g <= 1, "gain %v", g)
	}
	assert.True(t, s.Speech >= 0 && s.Speech <= 1)
	// Reset forgets: the same input after Reset gives the same output as
	// a fresh state.
	s.Reset()
	n.Step(s, x)
	fresh := n.NewState()
	n.Step(fresh, x)
	assert.Equal(t, fresh.Gains, s.Gains)
}

// BenchmarkGainNetStep is the network's cost per 10 ms frame.
func BenchmarkGainNetStep(b *testing.B) {
	n := loadShipped(b)
	s := n.NewState()
	x := make([]float32, n.Features)
	b.ReportAllocs()
	for b.Loop() {
		n.Step(s, x)
	}
}

// The shipped files say lookahead 0; a network that hears ahead would
// cost latency the API does not allow, so any other value is refused.
func TestLoadGainNetRefusesLookahead(t *testing.T) {
	b, err := os.ReadFile(shippedWeights)
	require.NoError(t, err)
	ts, err := ReadTensors(b)
	require.NoError(t, err)
	with := func(v ...float32) map[string]Tensor {
		out := map[string]Tensor{}
		for k, t := range ts {
			out[k] = t
		}
		delete(out, "lookahead")
		if len(v) > 0 {
			out["lookahead"] = Tensor{Shape: []int{len(v)}, Data: v}
		}
		return out
	}
	_, err = LoadGainNet(with())
	require.NoError(t, err, "a file without the tensor")
	_, err = LoadGainNet(with(0))
	require.NoError(t, err, "lookahead 0")
	for _, bad := range [][]float32{{1}, {2}, {-1}, {0.5}, {0, 0}} {
		_, err = LoadGainNet(with(bad...))
		assert.ErrorIs(t, err, ErrWeights, "lookahead %v", bad)
	}
}

// A network with deltas must compute what the same weights compute when
// the deltas are worked out by hand and passed in as ordinary features.
func TestGainNetDeltasMatchHandMadeInputs(t *testing.T) {
	b, err := os.ReadFile(shippedWeights)
	require.NoError(t, err)
	ts, err := ReadTensors(b)
	require.NoError(t, err)
	plain := loadShipped(t)
	const deltas = 5
	features := plain.Features
	inputs := features + deltas
	// Widen the input layer by deltas columns of made-up weights.
	w := ts["input.weight"]
	wide := make([]float32, plain.Hidden*inputs)
	for r := range plain.Hidden {
		copy(wide[r*inputs:], w.Data[r*features:(r+1)*features])
		for c := features; c < inputs; c++ {
			wide[r*inputs+c] = float32((r+3*c)%7-3) * 0.1
		}
	}
	widened := map[string]Tensor{}
	for k, v := range ts {
		widened[k] = v
	}
	delete(widened, "lookahead")
	widened["input.weight"] = Tensor{Shape: []int{plain.Hidden, inputs}, Data: wide}
	byHand, err := LoadGainNet(widened)
	require.NoError(t, err)
	widened["deltas"] = Tensor{Shape: []int{1}, Data: []float32{deltas}}
	withDeltas, err := LoadGainNet(widened)
	require.NoError(t, err)
	require.Equal(t, features, withDeltas.Features)
	require.Equal(t, deltas, withDeltas.Deltas)

	sa, sb := withDeltas.NewState(), byHand.NewState()
	f := make([]float32, features)
	ext := make([]float32, inputs)
	prev := make([]float32, deltas)
	for step := range 40 {
		if step == 20 { // a new stream: its first deltas are zero again
			sa.Reset()
			sb.Reset()
		}
		for i := range f {
			f[i] = float32(math.Sin(float64(step*7+i*3))) * 2
		}
		copy(ext, f)
		for i := range deltas {
			if step%20 != 0 {
				ext[features+i] = f[i] - prev[i]
			} else {
				ext[features+i] = 0
			}
			prev[i] = f[i]
		}
		withDeltas.Step(sa, f)
		byHand.Step(sb, ext)
		require.Equal(t, sb.Gains, sa.Gains, "step %d", step)
		require.Equal(t, sb.Speech, sa.Speech, "step %d", step)
	}
	widened["deltas"] = Tensor{Shape: []int{1}, Data: []float32{float32(inputs)}}
	_, err = LoadGainNet(widened)
	assert.ErrorIs(t, err, ErrWeights, "more deltas than features")
}
