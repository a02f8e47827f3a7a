package metrics

import "math"

// Limits of the per-frame SNR in [SegSNR] [dB]: frames of silence would
// otherwise dominate the mean with huge negative values, and near-perfect
// frames with huge positive ones (Quackenbush et al. 1988).
const (
	SegSNRMin = -10.0
	SegSNRMax = 35.0
)

// SegSNR returns the mean segmental SNR [dB] of est against clean: the
// signals are cut into non-overlapping 30 ms frames (a final partial frame
// is dropped; a signal shorter than one frame is one frame), the SNR of
// each frame is clamped to [SegSNRMin, SegSNRMax], and the clamped values
// are averaged. A frame where est equals clean scores SegSNRMax, silent
// ones included. Unlike [SISDR] it depends on est's gain. It panics if the
// lengths differ or sampleRate is not positive; it returns NaN for empty
// signals.
func SegSNR(clean, est []float32, sampleRate int) float64 {
	mustSameLength(clean, est)
	if sampleRate <= 0 {
		panic("metrics: SegSNR needs a positive sample rate")
	}
	if len(clean) == 0 {
		return math.NaN()
	}
	frame := sampleRate * 30 / 1000
	frames := len(clean) / frame
	if frames == 0 {
		frame, frames = len(clean), 1
	}
	sum := 0.0
	for f := range frames {
		c := clean[f*frame : (f+1)*frame]
		e := est[f*frame : (f+1)*frame]
		var sig, noise float64
		for i := range c {
			s := float64(c[i])
			d := float64(e[i]) - s
			sig += s * s
			noise += d * d
		}
		snr := SegSNRMax
		if noise > 0 {
			snr = min(max(10*math.Log10(sig/noise), SegSNRMin), SegSNRMax)
		}
		sum += snr
	}
	return sum / float64(frames)
}
