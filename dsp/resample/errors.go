package resample

import "errors"

var (
	// ErrRate is wrapped by the errors about a sample rate outside
	// [MinRate, MaxRate].
	ErrRate = errors.New("resample: unsupported sample rate")
	// ErrQuality is wrapped by the error about an unknown [Quality].
	ErrQuality = errors.New("resample: unknown quality")
)
