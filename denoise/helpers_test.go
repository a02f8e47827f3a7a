package denoise

import (
	"testing"

	"github.com/hushaudio/hush/dsp"
	"github.com/hushaudio/hush/internal/testaudio"
)

// nativeRates are the rates denoised natively; allRates adds resampled
// ones, one with an awkward ratio (50 kHz) among them.
var (
	nativeRates = []int{8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000}
	allRates    = append(append([]int(nil), nativeRates...), 50000, 64000, 88200, 96000, 176400, 192000)
)

// noiseSignal is white noise of RMS 0.1.
var noiseSignal = testaudio.Noise

// processAll runs a whole interleaved signal through d in chunks of the
// given numbers of frames (cycled) and returns its output,
// latency-compensated and of the same length.
func processAll(t testing.TB, d *Denoiser, x []float32, chunks []int) []float32 {
	t.Helper()
	ch := d.Config().Channels
	out := make([]float32, len(x)+d.Latency()*ch)
	pos, c := 0, 0
	for pos < len(x) {
		n := min(chunks[c%len(chunks)]*ch, len(x)-pos)
		d.Process(out[pos:pos+n], x[pos:pos+n])
		pos += n
		c++
	}
	if n := d.Drain(out[len(x):]); n != d.Latency()*ch {
		t.Fatalf("Drain wrote %d samples, want %d", n, d.Latency()*ch)
	}
	return out[d.Latency()*ch:]
}

// newDenoiser is New that fails the test on error.
func newDenoiser(t testing.TB, cfg Config) *Denoiser {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// interleave interleaves equally long channels.
func interleave(chans ...[]float32) []float32 {
	out := make([]float32, len(chans)*len(chans[0]))
	for c, x := range chans {
		for i, v := range x {
			out[i*len(chans)+c] = v
		}
	}
	return out
}

// channelOf returns channel c of interleaved x.
func channelOf(x []float32, c, channels int) []float32 {
	out := make([]float32, len(x)/channels)
	for i := range out {
		out[i] = x[i*channels+c]
	}
	return out
}

// unityGain is a gain rule that keeps every bin, to test that the rest of
// the chain reconstructs its input.
type unityGain struct{}

func (unityGain) Gains(dst []float32, _ *dsp.Frame) {
	for k := range dst {
		dst[k] = 1
	}
}
func (unityGain) SpeechProbability() float32 { return 0 }
func (unityGain) SetMaxAttenuation(float64)  {}
func (unityGain) Reset()                     {}

func unityStages(_ Config, g *dsp.Grid) (dsp.NoiseEstimator, dsp.GainRule, error) {
	return dsp.NewSPPNoiseEstimator(g.Groups.Len()), unityGain{}, nil
}
