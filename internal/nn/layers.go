package nn

import (
	"math"

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

// apply writes W·x + b to y. Four rows at a time share each load of x
// and keep four independent sums in flight.
func (d *dense) apply(y, x []float32) {
	in := d.in
	x = x[:in]
	y = y[:d.out]
	o := 0
	for ; o+4 <= len(y); o += 4 {
		w0 := d.w[o*in : (o+1)*in][:len(x)]
		w1 := d.w[(o+1)*in : (o+2)*in][:len(x)]
		w2 := d.w[(o+2)*in : (o+3)*in][:len(x)]
		w3 := d.w[(o+3)*in : (o+4)*in][:len(x)]
		var s0, s1, s2, s3 float32
		for i, v := range x {
			s0 += w0[i] * v
			s1 += w1[i] * v
			s2 += w2[i] * v
			s3 += w3[i] * v
		}
		y[o] = d.b[o] + s0
		y[o+1] = d.b[o+1] + s1
		y[o+2] = d.b[o+2] + s2
		y[o+3] = d.b[o+3] + s3
	}
	for ; o < len(y); o++ {
		y[o] = d.b[o] + vec.Dot(d.w[o*in:(o+1)*in], x)
	}
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
	for i := range h[:n] {
		r := sigmoid(gi[i] + gh[i])
		z := sigmoid(gi[n+i] + gh[n+i])
		c := tanh(gi[2*n+i] + r*gh[2*n+i])
		h[i] = (1-z)*c + z*h[i]
	}
}

func sigmoid(x float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(x))))
}

func tanh(x float32) float32 {
	return float32(math.Tanh(float64(x)))
}
