package metrics

import "errors"

var (
	// ErrLength is wrapped by errors about signals of different lengths.
	ErrLength = errors.New("metrics: signals differ in length")
	// ErrTooShort is wrapped by errors about signals too short to score.
	ErrTooShort = errors.New("metrics: signal too short")
	// ErrSilent is wrapped by errors about a clean reference with no signal.
	ErrSilent = errors.New("metrics: clean reference is silent")
	// ErrRate is wrapped by errors about an unsupported sample rate.
	ErrRate = errors.New("metrics: unsupported sample rate")
)
