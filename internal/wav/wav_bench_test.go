package wav

import (
	"bytes"
	"io"
	"math"
	"testing"
)

// benchSeconds of 16 kHz mono 16-bit audio per benchmark operation, read or
// written in 10 ms frames as the CLI does.
const (
	benchSeconds = 10
	benchRate    = 16000
	benchFrame   = benchRate / 100
)

func benchSignal() []float32 {
	s := make([]float32, benchSeconds*benchRate)
	for i := range s {
		s[i] = float32(0.5 * math.Sin(2*math.Pi*440*float64(i)/benchRate))
	}
	return s
}

func BenchmarkReadFloat32PCM16(b *testing.B) {
	f := Format{SampleRate: benchRate, Channels: 1, Encoding: PCM, BitsPerSample: 16}
	var file bytes.Buffer
	w, err := NewWriter(&file, f)
	if err != nil {
		b.Fatal(err)
	}
	if err := w.WriteFloat32(benchSignal()); err != nil {
		b.Fatal(err)
	}
	src := bytes.NewReader(file.Bytes())
	dst := make([]float32, benchFrame)
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	for b.Loop() {
		src.Reset(file.Bytes())
		r, err := NewReader(src)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.ReadFloat32(dst); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/benchSeconds, "rtf")
}

func BenchmarkWriteFloat32PCM16(b *testing.B) {
	f := Format{SampleRate: benchRate, Channels: 1, Encoding: PCM, BitsPerSample: 16}
	signal := benchSignal()
	b.SetBytes(int64(len(signal) * 2))
	b.ReportAllocs()
	for b.Loop() {
		w, err := NewWriter(io.Discard, f)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(signal); i += benchFrame {
			if err := w.WriteFloat32(signal[i : i+benchFrame]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/benchSeconds, "rtf")
}
