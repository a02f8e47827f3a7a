package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/hushaudio/hush/bench/internal/nodeproc"
)

// DNSMOS P.835 (Reddy et al., ICASSP 2022), run the way the challenge's
// reference scorer dnsmos_local.py runs it; ../shared/metrics/dnsmos/README.md
// gives the procedure and the figures TestDNSMOSMatchesReference checks.
// The model itself runs in Node (bench/node/dnsmos.mjs, onnxruntime-node):
// Go has no ONNX runtime, and the model stays out of the Go module.
const (
	dnsmosRate     = 16000
	dnsmosSeconds  = 9.01                                        // the reference's INPUT_LENGTH
	dnsmosWindow   = int(dnsmosSeconds * dnsmosRate)             // 144160 samples
	dnsmosHop      = dnsmosRate                                  // 1 s
	dnsmosRawBytes = 3 * 4                                       // a reply: three float32
	dnsmosModelRel = "../shared/metrics/dnsmos/sig_bak_ovr.onnx" // from the repository root
)

// dnsmosPoly maps the model's raw SIG, BAK and OVRL to the P.835 scale:
// numpy poly1d coefficients, highest power first (the non-personalised set).
var dnsmosPoly = [3][3]float64{
	{-0.08397278, 1.22083953, 0.0052439},
	{-0.13166888, 1.60915514, -0.39604546},
	{-0.06766283, 1.11546468, 0.04602535},
}

// dnsmosMap applies dnsmosPoly to one window's raw scores.
func dnsmosMap(raw [3]float64) [3]float64 {
	var out [3]float64
	for i, p := range dnsmosPoly {
		x := raw[i]
		out[i] = (p[0]*x+p[1])*x + p[2]
	}
	return out
}

// dnsmosWindows repeats x as the reference does (a clip shorter than a
// window is appended to itself until it is at least that long) and returns
// the repeated clip and the windows to score, as [start, end) pairs: one
// per second, num_hops = int(floor(len/16000) - 9.01) + 1 of them, window
// i spanning [i*16000, int((i+9.01)*16000)); a window that comes out short
// of 144160 samples is skipped, as the reference skips it.
func dnsmosWindows(x []float32) ([]float32, [][2]int) {
	if len(x) == 0 {
		return nil, nil
	}
	for len(x) < dnsmosWindow {
		x = append(x[:len(x):len(x)], x...)
	}
	hops := int(math.Floor(float64(len(x))/dnsmosRate)-dnsmosSeconds) + 1
	var w [][2]int
	for i := range max(hops, 0) {
		lo := i * dnsmosHop
		hi := min(int((float64(i)+dnsmosSeconds)*dnsmosRate), len(x))
		if hi-lo < dnsmosWindow {
			continue
		}
		w = append(w, [2]int{lo, hi})
	}
	return x, w
}

// dnsmos is one Node process running the model; not safe for concurrent
// use (the bench runs one per scoring worker).
type dnsmos struct {
	node *nodeproc.Process
	buf  []byte
}

// dnsmosSetup says where the Node side lives.
type dnsmosSetup struct {
	nodeDir string // bench/node, with node_modules installed
	model   string // sig_bak_ovr.onnx
}

// check reports what is missing to run DNSMOS, naming what to do.
func (s dnsmosSetup) check() error {
	if err := nodeproc.Installed(s.nodeDir, "onnxruntime-node"); err != nil {
		return fmt.Errorf("DNSMOS: %w", err)
	}
	if _, err := os.Stat(s.model); err != nil {
		return fmt.Errorf("DNSMOS model %s not found: it comes with ../shared (metrics/dnsmos)", s.model)
	}
	return nil
}

// start runs a Node process with the model loaded.
func (s dnsmosSetup) start() (*dnsmos, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	node, err := nodeproc.Start("DNSMOS", filepath.Join(s.nodeDir, "dnsmos.mjs"), s.model)
	if err != nil {
		return nil, err
	}
	return &dnsmos{node: node, buf: make([]byte, 4*dnsmosWindow)}, nil
}

// score returns the mean mapped SIG, BAK and OVRL of a 16 kHz clip.
func (d *dnsmos) score(x []float32) ([3]float64, error) {
	nan := [3]float64{math.NaN(), math.NaN(), math.NaN()}
	x, windows := dnsmosWindows(x)
	if len(windows) == 0 {
		return nan, errors.New("DNSMOS: empty clip")
	}
	// Send every window, then read the replies: a reply is 12 bytes, so
	// they fit the pipe and Node never blocks on its output meanwhile.
	for _, w := range windows {
		for i, v := range x[w[0] : w[0]+dnsmosWindow] {
			binary.LittleEndian.PutUint32(d.buf[4*i:], math.Float32bits(v))
		}
		if _, err := d.node.In.Write(d.buf); err != nil {
			return nan, d.node.End(err)
		}
	}
	var sum [3]float64
	var raw [dnsmosRawBytes]byte
	for range windows {
		if _, err := io.ReadFull(d.node.Out, raw[:]); err != nil {
			return nan, d.node.End(err)
		}
		var r [3]float64
		for i := range r {
			r[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		}
		for i, v := range dnsmosMap(r) {
			sum[i] += v
		}
	}
	for i := range sum {
		sum[i] /= float64(len(windows))
	}
	return sum, nil
}

// close ends the Node process.
func (d *dnsmos) close() error { return d.node.End(nil) }
