package dsp

import "errors"

var (
	// ErrFFTLength is wrapped by errors about an FFT length that is not supported.
	ErrFFTLength = errors.New("dsp: unsupported FFT length")
	// ErrNoiseTooShort is returned by LearnNoise, wrapped with the numbers,
	// when the noise sample holds no usable analysis window.
	ErrNoiseTooShort = errors.New("noise sample too short")
)
