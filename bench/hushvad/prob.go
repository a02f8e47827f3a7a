package main

import (
	"fmt"

	"github.com/hushaudio/hush/denoise"
)

// The only file of the bench that uses package denoise: when its API
// changes, this is what to adapt.

// speechProbabilities runs x (mono, at rate) through a default hush
// denoiser and returns its SpeechProbability for each 10 ms frame of x,
// the last one partial, aligned like the RNNoise VADs in bench/rnnwasm:
// value k is the one given with the gains that write out input frame k.
// After input frame k the analysis window spans frames k-1 and k, and the
// overlap-add completes output frame k-1, so value k is the probability
// read after frame k+1 (x is padded with a frame of silence for the last).
func speechProbabilities(x []float32, rate int) ([]float32, error) {
	d, err := denoise.New(denoise.Config{SampleRate: rate})
	if err != nil {
		return nil, fmt.Errorf("hush at %d Hz: %w", rate, err)
	}
	hop := d.FrameSize()
	frames := (len(x) + hop - 1) / hop
	in := make([]float32, (frames+1)*hop)
	copy(in, x)
	out := make([]float32, hop)
	probs := make([]float32, frames)
	for k := range frames + 1 {
		d.Process(out, in[k*hop:(k+1)*hop])
		if k > 0 {
			probs[k-1] = d.SpeechProbability(0)
		}
	}
	return probs, nil
}
