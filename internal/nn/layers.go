package nn

import (
	"github.com/hushaudio/hush/internal/vec"
)

// dense is y = W·x + b with W stored row-major (out × in), PyTorch's
// nn.Linear layout.
type dense struct {
	in, out int
	w, b    []float32
}

func loadDense(ts map[string]Tensor, name string, in, out int) (dense, error) {
	w, err := take(ts, name+".weight", out, in)
	if err != nil {
		return dense{}, err
	}
	b, err := take(ts, name+".bias", out)
	if err != nil {
		return dense{}, err
	}
	return dense{in: in, out: out, w: w, b: b}, nil
}

// apply writes W·x + b to y.
func (d *dense) apply(y, x []float32) {
	vec.MatVec(y[:d.out], d.w, x[:d.in], d.b)
}

// gru is one layer of PyTorch's nn.GRU (gate order r, z, n):
//
//	r = σ(W_ir x + b_ir + W_hr h + b_hr)
//	z = σ(W_iz x + b_iz + W_hz h + b_hz)
//	n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
//	h = (1 − z) ⊙ n + z ⊙ h
type gru struct {
	in, hidden int
	input      dense // W_i·, 3·hidden × in
	recurrent  dense // W_h·, 3·hidden × hidden
}

func loadGRU(ts map[string]Tensor, name string, in, hidden int) (gru, error) {
	g := gru{in: in, hidden: hidden}
	var err error
	wi, err := take(ts, name+".weight_ih_l0", 3*hidden, in)
	if err != nil {
		return g, err
	}
	wh, err := take(ts, name+".weight_hh_l0", 3*hidden, hidden)
	if err != nil {
		return g, err
	}
	bi, err := take(ts, name+".bias_ih_l0", 3*hidden)
	if err != nil {
		return g, err
	}
	bh, err := take(ts, name+".bias_hh_l0", 3*hidden)
	if err != nil {
		return g, err
	}
	g.input = dense{in: in, out: 3 * hidden, w: wi, b: bi}
	g.recurrent = dense{in: hidden, out: 3 * hidden, w: wh, b: bh}
	return g, nil
}

// step advances h by one frame of input x; gi and gh are scratch of
// 3·hidden values each.
func (g *gru) step(h, x, gi, gh []float32) {
	g.input.apply(gi, x)
	g.recurrent.apply(gh, h)
	n := g.hidden
	rz, c := gi[:2*n], gi[2*n:3*n]
	for i := range rz {
		rz[i] += gh[i]
	}
	vec.Sigmoid(rz, rz)
	r, z := rz[:n], rz[n:2*n]
	for i := range c {
		c[i] += r[i] * gh[2*n+i]
	}
	vec.Tanh(c, c)
	for i := range h[:n] {
		h[i] = (1-z[i])*c[i] + z[i]*h[i]
	}
}
