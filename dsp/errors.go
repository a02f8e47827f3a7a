package dsp

import "errors"

// ErrFFTLength is wrapped by errors about an FFT length that is not supported.
var ErrFFTLength = errors.New("dsp: unsupported FFT length")
