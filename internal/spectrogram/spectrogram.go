package spectrogram

import (
	"fmt"
	"math"
)

// Spectrogram is a power spectrogram: Power[column][bin], normalised so
// that a full-scale sine wave reads 1 (0 dBFS) in its bin. Bins are evenly
// spaced from 0 Hz to half the sample rate.
type Spectrogram struct {
	SampleRate int         // [Hz]
	Power      [][]float32 // [column][bin], linear power re full-scale sine
	ColumnTime float64     // time each column covers [s]
	Duration   float64     // length of the audio analysed [s]
}

// Bins returns the number of frequency bins per column (0 when empty).
func (s *Spectrogram) Bins() int {
	if len(s.Power) == 0 {
		return 0
	}
	return len(s.Power[0])
}

// DB returns the spectrogram in dB re full scale, with zero power mapped
// to floorDB.
func (s *Spectrogram) DB(floorDB float64) [][]float32 {
	out := make([][]float32, len(s.Power))
	for i, col := range s.Power {
		c := make([]float32, len(col))
		for k, p := range col {
			c[k] = float32(powerDB(float64(p), floorDB))
		}
		out[i] = c
	}
	return out
}

// MaxDB returns the loudest cell in dB re full scale, or floorDB when the
// spectrogram is empty or silent.
func (s *Spectrogram) MaxDB(floorDB float64) float64 {
	m := 0.0
	for _, col := range s.Power {
		for _, p := range col {
			m = max(m, float64(p))
		}
	}
	return powerDB(m, floorDB)
}

func powerDB(p, floorDB float64) float64 {
	if !(p > 0) {
		return floorDB
	}
	return max(10*math.Log10(p), floorDB)
}

// GainDB returns the gain that turns in into out, cell by cell, in dB,
// clipped to [minDB, 0]: where the output is as loud as the input (or
// louder) it reads 0, where the denoiser removed everything it reads
// minDB. The two spectrograms must come from Analyzers of the same rate
// fed the same number of samples. Cells where the input is digital silence
// read 0: nothing was there to remove.
func GainDB(out, in *Spectrogram, minDB float64) ([][]float32, error) {
	if out.SampleRate != in.SampleRate || len(out.Power) != len(in.Power) || out.Bins() != in.Bins() {
		return nil, fmt.Errorf("%w: output %d Hz %dx%d, input %d Hz %dx%d", ErrMismatch,
			out.SampleRate, len(out.Power), out.Bins(), in.SampleRate, len(in.Power), in.Bins())
	}
	g := make([][]float32, len(in.Power))
	for i, col := range in.Power {
		c := make([]float32, len(col))
		for k, p := range col {
			db := 0.0
			if p > 1e-20 {
				db = 10 * math.Log10(float64(out.Power[i][k])/float64(p))
			}
			if math.IsNaN(db) {
				db = 0
			}
			c[k] = float32(min(max(db, minDB), 0))
		}
		g[i] = c
	}
	return g, nil
}
