package resample

// OutputLen returns the number of samples [Resample] makes from n samples
// at rate from: ceil(n·to/from).
func OutputLen(n, from, to int) int {
	return int((int64(n)*int64(to) + int64(from) - 1) / int64(from))
}

// Resample converts a whole signal from rate from to rate to [Hz] with
// [QualityDefault], compensating the filter's delay: output sample k is the
// input at time k/to, and there are [OutputLen] of them. The signal is
// taken as silent before its start and after its end. The result is
// written into dst's storage when it is large enough (dst and src must not
// overlap) and returned.
func Resample(dst, src []float32, from, to int) ([]float32, error) {
	r, err := New(from, to, QualityDefault)
	if err != nil {
		return nil, err
	}
	return r.Whole(dst, src), nil
}

// Whole resets r and converts a whole signal as [Resample] does, with r's
// quality: delay compensated, [OutputLen] samples, written into dst's
// storage when it is large enough (dst and src must not overlap). Reusing
// one Resampler for many signals saves designing the filter each time.
func (r *Resampler) Whole(dst, src []float32) []float32 {
	r.Reset()
	n := OutputLen(len(src), r.from, r.to)
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	if r.identity {
		copy(dst, src)
		return dst
	}
	// Drop the first Latency outputs, then flush the tail with silence.
	var trash [64]float32
	var zeros [256]float32
	skip := r.latency
	out, in := dst, src
	for len(out) > 0 {
		if len(in) == 0 {
			in = zeros[:]
		}
		if skip > 0 {
			w, c := r.Process(trash[:min(skip, len(trash))], in)
			skip -= w
			in = in[c:]
			continue
		}
		w, c := r.Process(out, in)
		out, in = out[w:], in[c:]
	}
	return dst
}
