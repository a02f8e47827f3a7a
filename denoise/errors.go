package denoise

import "errors"

// Errors returned by New, wrapped with the offending value; test with errors.Is.
var (
	// ErrSampleRate means the sample rate is outside what the Denoiser handles.
	ErrSampleRate = errors.New("denoise: unsupported sample rate")
	// ErrMaxAttenuation means the strength is negative, not a number or absurdly large.
	ErrMaxAttenuation = errors.New("denoise: invalid maximum attenuation")
	// ErrMode means the mode is not one of the Mode constants.
	ErrMode = errors.New("denoise: unknown mode")
)
