package spectrogram

import "errors"

// Errors returned by this package, wrapped with the offending values.
var (
	// ErrSampleRate means NewAnalyzer got an unusable sample rate.
	ErrSampleRate = errors.New("spectrogram: unsupported sample rate")
	// ErrSize means a column count or picture size is too small.
	ErrSize = errors.New("spectrogram: invalid size")
	// ErrMismatch means two spectrograms to compare have different grids.
	ErrMismatch = errors.New("spectrogram: spectrograms do not match")
	// ErrEmpty means there is nothing to draw.
	ErrEmpty = errors.New("spectrogram: no audio to draw")
)
