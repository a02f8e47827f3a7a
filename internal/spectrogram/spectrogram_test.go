package spectrogram

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
)

// A full-scale sine reads 0 dBFS in its bin, whatever the chunking.
func TestAnalyzerLevelAndChunking(t *testing.T) {
	x := testaudio.Sine(16000, 16000, 1000, 1)
	whole, err := NewAnalyzer(16000, 0)
	require.NoError(t, err)
	whole.Write(x)
	pieces, err := NewAnalyzer(16000, 0)
	require.NoError(t, err)
	for i := 0; i < len(x); i += 37 {
		pieces.Write(x[i:min(i+37, len(x))])
	}
	s := whole.Spectrogram()
	assert.Equal(t, s, pieces.Spectrogram())
	assert.Equal(t, 257, s.Bins())
	assert.InDelta(t, 1.0, s.Duration, 1e-9)
	mid := s.Power[len(s.Power)/2]
	k := int(1000.0 / (16000.0 / 512))
	assert.InDelta(t, 0, 10*math.Log10(float64(max(mid[k], mid[k+1]))), 1.5, "peak bin near 0 dBFS")
	assert.Less(t, 10*math.Log10(float64(mid[k+20])), -60.0, "Hann side lobes stay low")
	assert.InDelta(t, 0, s.MaxDB(-150), 1.5)
}

// Memory stays bounded: columns merge in pairs, and the time they cover
// doubles, so the whole stream is still shown.
func TestAnalyzerMergesColumns(t *testing.T) {
	a, err := NewAnalyzer(8000, 10)
	require.NoError(t, err)
	a.Write(make([]float32, 8000*3))
	s := a.Spectrogram()
	assert.LessOrEqual(t, len(s.Power), 10)
	assert.GreaterOrEqual(t, len(s.Power), 5)
	assert.InDelta(t, 3.0, float64(len(s.Power))*s.ColumnTime, 0.5)

	_, err = NewAnalyzer(100, 0)
	assert.ErrorIs(t, err, ErrSampleRate)
	_, err = NewAnalyzer(16000, 1)
	assert.ErrorIs(t, err, ErrSize)
}

func TestGainDB(t *testing.T) {
	in := &Spectrogram{SampleRate: 8000, Power: [][]float32{{1, 1, 0, 1}}}
	out := &Spectrogram{SampleRate: 8000, Power: [][]float32{{0.1, 2, 0, 0}}}
	g, err := GainDB(out, in, -30)
	require.NoError(t, err)
	assert.InDeltaSlice(t, []float32{-10, 0, 0, -30}, g[0], 1e-4)
	_, err = GainDB(&Spectrogram{SampleRate: 8000}, in, -30)
	assert.ErrorIs(t, err, ErrMismatch)
}

func TestRender(t *testing.T) {
	a, err := NewAnalyzer(16000, 0)
	require.NoError(t, err)
	x := testaudio.Sine(16000, 16000, 440, 0.5)
	for i := range x {
		x[i] += float32(0.01 * math.Sin(float64(i)*1.7))
	}
	a.Write(x)
	s := a.Spectrogram()
	p := Panel{Title: "t", Values: s.DB(-150), Duration: s.Duration, SampleRate: 16000, Min: -80, Max: 0, Unit: "dB"}
	var buf bytes.Buffer
	require.NoError(t, Render(&buf, 640, 400, p, p))
	img, err := png.Decode(&buf)
	require.NoError(t, err)
	assert.Equal(t, image.Rect(0, 0, 640, 400), img.Bounds())
	seen := map[uint32]bool{}
	for y := 0; y < 400; y += 3 {
		for x := 0; x < 640; x += 3 {
			r, g, b, _ := img.At(x, y).RGBA()
			seen[r<<16|g<<8|b] = true
		}
	}
	assert.Greater(t, len(seen), 10, "more than a flat picture")

	assert.ErrorIs(t, Render(&buf, 100, 100, p), ErrSize)
	assert.ErrorIs(t, Render(&buf, 640, 400), ErrEmpty)
	p.Max = p.Min
	assert.ErrorIs(t, Render(&buf, 640, 400, p), ErrSize)
}
