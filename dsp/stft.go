package dsp

import "fmt"

// STFT is a weighted overlap-add analyser and synthesiser with a
// square-root Hann window at 50% overlap: frames of Size() samples, hop
// Hop() = Size()/2. Analysing frames and synthesising their unmodified
// spectra reconstructs the input exactly, delayed by one frame.
// It allocates nothing after construction.
type STFT struct {
	size, hop int
	fft       RealFFT
	fused     windowedFFT // fft, when it can apply the window itself
	window    []float32
	work      []float32 // windowed frame, then inverse-transformed frame
	overlap   []float32 // second half of the previous synthesised frame
}

// NewSTFT returns an STFT with frames of size samples (even, >= 2).
func NewSTFT(size int) (*STFT, error) {
	fft, err := NewRealFFT(size)
	if err != nil {
		return nil, err
	}
	s := &STFT{
		size:    size,
		hop:     size / 2,
		fft:     fft,
		window:  SqrtHann(size),
		work:    make([]float32, size),
		overlap: make([]float32, size/2),
	}
	s.fused, _ = fft.(windowedFFT)
	return s, nil
}

// Size returns the frame length in samples.
func (s *STFT) Size() int { return s.size }

// Hop returns the number of new samples per frame.
func (s *STFT) Hop() int { return s.hop }

// Bins returns the number of spectrum bins per frame, Size()/2+1.
func (s *STFT) Bins() int { return s.size/2 + 1 }

// Analyze windows frame (Size() samples, oldest first) and writes its
// spectrum (Bins() values) to dst.
func (s *STFT) Analyze(dst []complex64, frame []float32) {
	if len(frame) != s.size {
		panic(fmt.Sprintf("dsp: STFT.Analyze got a frame of %d samples, want %d", len(frame), s.size))
	}
	if s.fused != nil {
		s.fused.forwardWindowed(dst, frame, s.window)
		return
	}
	for i, w := range s.window {
		s.work[i] = frame[i] * w
	}
	s.fft.Forward(dst, s.work)
}

// Synthesize inverse-transforms spec, windows it, overlap-adds it with the
// previous frame and writes the Hop() finished samples to out. spec is
// used as scratch and left undefined.
func (s *STFT) Synthesize(out []float32, spec []complex64) {
	if len(out) != s.hop {
		panic(fmt.Sprintf("dsp: STFT.Synthesize got %d output samples, want %d", len(out), s.hop))
	}
	h := s.hop
	if s.fused != nil {
		s.fused.inverseWindowed(s.work, spec, s.window)
	} else {
		s.fft.Inverse(s.work, spec)
		for i, w := range s.window {
			s.work[i] *= w
		}
	}
	for i := range h {
		out[i] = s.overlap[i] + s.work[i]
	}
	copy(s.overlap, s.work[h:])
}

// Reset clears the overlap so the next frame starts a new stream.
func (s *STFT) Reset() {
	clear(s.overlap)
}
