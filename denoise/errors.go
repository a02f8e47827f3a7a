package denoise

import (
	"errors"

	"github.com/hushaudio/hush/dsp"
)

// Errors of the package, wrapped with the offending values; test with
// errors.Is.
var (
	// ErrSampleRate means a sample rate outside MinSampleRate..MaxSampleRate.
	ErrSampleRate = errors.New("denoise: unsupported sample rate")
	// ErrChannels means a channel count outside 1..MaxChannels.
	ErrChannels = errors.New("denoise: unsupported channel count")
	// ErrMaxAttenuation means a strength that is negative, not a number
	// or above MaxMaxAttenuation.
	ErrMaxAttenuation = errors.New("denoise: invalid maximum attenuation")
	// ErrMode means a mode that is not one of the Mode constants.
	ErrMode = errors.New("denoise: unknown mode")
	// ErrNoiseTooShort is returned by LearnNoise when the noise sample
	// holds no whole 20 ms window free of NaN and infinite values.
	ErrNoiseTooShort = dsp.ErrNoiseTooShort
	// ErrPartialFrame means samples or bytes that end inside a frame: a
	// length that is not a whole number of frames of Channels samples.
	ErrPartialFrame = errors.New("denoise: data ends inside a sample frame")
	// ErrClosed is returned by a Writer's methods after Close.
	ErrClosed = errors.New("denoise: write to a closed Writer")
)
