// Package nn runs the small recurrent network of the learned gain stage:
// a weights-file reader and an allocation-free, frame-by-frame forward pass
// that matches the PyTorch model in train/ (train/model.py).
package nn

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// fileMagic starts every weights file; the digits are the format version.
const fileMagic = "HUSHNN01"

// ErrWeights is wrapped by every error about a malformed weights file.
var ErrWeights = errors.New("nn: bad weights file")

// Tensor is one named array of a weights file, row-major.
type Tensor struct {
	Shape []int
	Data  []float32
}

// ReadTensors parses a weights file: the magic, a uint32 tensor count, then
// per tensor a uint16 name length and name, a uint8 rank, uint32
// dimensions and the float32 values, all little-endian.
func ReadTensors(b []byte) (map[string]Tensor, error) {
	r := reader{b: b}
	if string(r.bytes(len(fileMagic))) != fileMagic {
		return nil, fmt.Errorf("%w: no %s header", ErrWeights, fileMagic)
	}
	count := int(r.u32())
	if r.err != nil || count > 1024 {
		return nil, fmt.Errorf("%w: tensor count", ErrWeights)
	}
	out := make(map[string]Tensor, count)
	for range count {
		name := string(r.bytes(int(r.u16())))
		rank := int(r.u8())
		if r.err != nil || rank == 0 || rank > 4 {
			return nil, fmt.Errorf("%w: tensor %q: rank", ErrWeights, name)
		}
		shape := make([]int, rank)
		n := 1
		for i := range shape {
			shape[i] = int(r.u32())
			n *= shape[i]
			if shape[i] == 0 || n > len(b)/4 {
				return nil, fmt.Errorf("%w: tensor %q: shape", ErrWeights, name)
			}
		}
		raw := r.bytes(4 * n)
		if r.err != nil {
			return nil, fmt.Errorf("%w: tensor %q: truncated", ErrWeights, name)
		}
		data := make([]float32, n)
		for i := range data {
			data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		out[name] = Tensor{Shape: shape, Data: data}
	}
	if len(r.b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrWeights, len(r.b))
	}
	return out, nil
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) bytes(n int) []byte {
	if r.err != nil || n > len(r.b) {
		r.err = ErrWeights
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() uint8 {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.bytes(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.bytes(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// take returns tensor name from ts if it has the given shape.
func take(ts map[string]Tensor, name string, shape ...int) ([]float32, error) {
	t, ok := ts[name]
	if !ok {
		return nil, fmt.Errorf("%w: no tensor %q", ErrWeights, name)
	}
	if len(t.Shape) != len(shape) {
		return nil, fmt.Errorf("%w: tensor %q has shape %v, want %v", ErrWeights, name, t.Shape, shape)
	}
	for i := range shape {
		if t.Shape[i] != shape[i] {
			return nil, fmt.Errorf("%w: tensor %q has shape %v, want %v", ErrWeights, name, t.Shape, shape)
		}
	}
	return t.Data, nil
}
