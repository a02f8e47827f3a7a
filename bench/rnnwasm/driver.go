package main

import (
	"errors"
	"fmt"

	"github.com/hushaudio/hush/bench/internal/lag"
)

// frameSize is RNNoise's frame: 10 ms at 48 kHz.
const frameSize = 480

// pcmScale is the sample scale rnnoise_process_frame works in: 16-bit PCM
// values held in floats.
const pcmScale = 32768

// denoiser runs a stream of whole frames through one RNNoise: it starts
// with fresh state, fills out (as long as in) with the output and vad with
// the value rnnoise_process_frame returned for each frame. Samples are in
// [-1, 1]; the implementation scales them.
type denoiser interface {
	stream(out, vad, in []float32) error
}

// runPadded runs x, followed by pad samples of silence and zeros up to a
// whole frame, through d and returns the output and the per-frame values.
func runPadded(d denoiser, x []float32, pad int) (out, vad []float32, err error) {
	frames := (len(x) + pad + frameSize - 1) / frameSize
	in := make([]float32, frames*frameSize)
	copy(in, x)
	out = make([]float32, len(in))
	vad = make([]float32, frames)
	if err := d.stream(out, vad, in); err != nil {
		return nil, nil, err
	}
	return out, vad, nil
}

// maxDelay bounds the delay measureDelay searches: 50 ms at 48 kHz.
const maxDelay = 2400

// measureDelay runs speech through d and returns how many samples its
// output lags its input, found by cross-correlation, and the correlation
// at that lag. Measure on clean speech, which RNNoise passes nearly
// unchanged, so that the peak is sharp.
func measureDelay(d denoiser, speech []float32) (delay int, corr float64, err error) {
	out, _, err := runPadded(d, speech, maxDelay)
	if err != nil {
		return 0, 0, err
	}
	delay, corr = lag.Between(speech, out, 0, maxDelay)
	if corr < 0.5 {
		return delay, corr, fmt.Errorf("no clear delay: best correlation %.2f at %d samples; measure on clean speech", corr, delay)
	}
	return delay, corr, nil
}

// errDelay reports a delay the alignment cannot use.
var errDelay = errors.New("delay out of range")

// denoiseAligned runs x through d and removes d's delay: y[i] is the
// output for input sample i, and y is exactly as long as x (the input is
// padded with delay samples of silence so that its tail comes out too).
// vad[k] is the value rnnoise_process_frame returned with the output that
// holds input frame k (input samples [480k, 480k+480)): the frame that was
// written out with the gains of the same network step. That is the call
// delay/480 frames later (rounded; the delay is whole frames for RNNoise),
// which keeps the VAD aligned with the audio it judged. There is one value
// per input frame, the last one partial.
func denoiseAligned(d denoiser, x []float32, delay int) (y, vad []float32, err error) {
	if delay < 0 || delay > maxDelay {
		return nil, nil, fmt.Errorf("%w: %d samples, want 0..%d", errDelay, delay, maxDelay)
	}
	shift := (delay + frameSize/2) / frameSize
	out, raw, err := runPadded(d, x, max(delay, shift*frameSize))
	if err != nil {
		return nil, nil, err
	}
	frames := (len(x) + frameSize - 1) / frameSize
	return out[delay : delay+len(x)], raw[shift : shift+frames], nil
}
