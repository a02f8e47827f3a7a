package spectrogram

import (
	"fmt"
	"math"

	"github.com/hushaudio/hush/dsp"
)

// DefaultMaxColumns bounds the number of time columns an Analyzer keeps
// when NewAnalyzer is given 0: more than any picture shows side by side.
const DefaultMaxColumns = 2048

// Analyzer computes the power spectrogram of a stream fed in pieces of any
// length, in memory bounded by its column limit whatever the stream's
// length: when the columns fill up, neighbouring pairs are averaged into
// one and each column covers twice the time from then on. Two Analyzers
// of the same rate fed streams of the same length produce the same grid,
// so their spectrograms can be divided cell by cell.
type Analyzer struct {
	rate      int
	size, hop int
	fft       dsp.RealFFT
	window    []float32
	frame     []float32 // the last size samples, oldest first
	fill      int       // new samples in frame since the last analysis
	work      []float32
	spec      []complex64
	scale     float32 // power of a full-scale sine's peak bin, to normalise to 1

	cols     [][]float32 // finished columns
	acc      []float32   // the column being averaged
	accN     int         // frames in acc
	perCol   int         // frames per column, a power of two
	maxCols  int
	frames   int // frames analysed
	fedTotal int // samples fed
}

// NewAnalyzer returns an Analyzer for audio at sampleRate [Hz] keeping at
// most maxColumns columns (0 means DefaultMaxColumns; at least 2). Its
// window is the power of two nearest 32 ms (512 samples at 16 kHz) with a
// quarter-window hop, a Hann window for clean side lobes.
func NewAnalyzer(sampleRate, maxColumns int) (*Analyzer, error) {
	if sampleRate < 1000 || sampleRate > 384000 {
		return nil, fmt.Errorf("%w: got %d Hz, want 1000..384000", ErrSampleRate, sampleRate)
	}
	if maxColumns == 0 {
		maxColumns = DefaultMaxColumns
	}
	if maxColumns < 2 {
		return nil, fmt.Errorf("%w: got %d columns, want at least 2", ErrSize, maxColumns)
	}
	size := 1 << int(math.Round(math.Log2(0.032*float64(sampleRate))))
	fft, err := dsp.NewRealFFT(size)
	if err != nil {
		return nil, err
	}
	window := make([]float32, size)
	var sum float64
	for i := range window {
		w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(size))
		window[i] = float32(w)
		sum += w
	}
	return &Analyzer{
		rate:    sampleRate,
		size:    size,
		hop:     size / 4,
		fft:     fft,
		window:  window,
		frame:   make([]float32, size),
		work:    make([]float32, size),
		spec:    make([]complex64, size/2+1),
		scale:   float32(sum * sum / 4),
		acc:     make([]float32, size/2+1),
		perCol:  1,
		maxCols: maxColumns,
	}, nil
}

// Write feeds the next samples of the stream (mono, nominally in [-1, 1]).
func (a *Analyzer) Write(x []float32) {
	a.fedTotal += len(x)
	for len(x) > 0 {
		n := min(a.hop-a.fill, len(x))
		copy(a.frame[a.size-a.hop+a.fill:], x[:n])
		a.fill += n
		x = x[n:]
		if a.fill == a.hop {
			a.analyze()
			copy(a.frame, a.frame[a.hop:])
			a.fill = 0
		}
	}
}

func (a *Analyzer) analyze() {
	for i, w := range a.window {
		v := a.frame[i]
		if v-v != 0 { // NaN or Inf
			v = 0
		}
		a.work[i] = v * w
	}
	a.fft.Forward(a.spec, a.work)
	for k, c := range a.spec {
		re, im := real(c), imag(c)
		a.acc[k] += (re*re + im*im) / a.scale
	}
	a.frames++
	a.accN++
	if a.accN == a.perCol {
		a.pushColumn()
	}
}

// pushColumn turns the running average into a column, halving the time
// resolution first if the columns are full.
func (a *Analyzer) pushColumn() {
	col := make([]float32, len(a.acc))
	inv := 1 / float32(a.accN)
	for k, p := range a.acc {
		col[k] = p * inv
	}
	clear(a.acc)
	a.accN = 0
	a.cols = append(a.cols, col)
	if len(a.cols) < a.maxCols {
		return
	}
	half := len(a.cols) / 2
	for i := range half {
		x, y := a.cols[2*i], a.cols[2*i+1]
		for k := range x {
			x[k] = (x[k] + y[k]) / 2
		}
		a.cols[i] = x
	}
	if len(a.cols)%2 == 1 {
		// An odd last column covers fewer frames than the merged ones:
		// carry it on as the start of the next, wider column.
		last := a.cols[len(a.cols)-1]
		for k, p := range last {
			a.acc[k] = p * float32(a.perCol)
		}
		a.accN = a.perCol
	}
	clear(a.cols[half:])
	a.cols = a.cols[:half]
	a.perCol *= 2
}

// Spectrogram returns the spectrogram of everything written so far. A
// partly filled last column is included if it holds at least half a
// column of frames. The Analyzer may be fed on afterwards.
func (a *Analyzer) Spectrogram() *Spectrogram {
	cols := a.cols
	if a.accN > 0 && 2*a.accN >= a.perCol {
		last := make([]float32, len(a.acc))
		inv := 1 / float32(a.accN)
		for k, p := range a.acc {
			last[k] = p * inv
		}
		cols = append(cols[:len(cols):len(cols)], last)
	}
	return &Spectrogram{
		SampleRate: a.rate,
		Power:      cols,
		ColumnTime: float64(a.hop*a.perCol) / float64(a.rate),
		Duration:   float64(a.fedTotal) / float64(a.rate),
	}
}
