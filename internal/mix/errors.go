package mix

import "errors"

var (
	// ErrNoFiles is wrapped when a speech or noise folder holds no usable WAV file.
	ErrNoFiles = errors.New("mix: no input files")
	// ErrSampleRate is wrapped when the inputs do not all share one sample rate.
	ErrSampleRate = errors.New("mix: sample rates differ")
	// ErrSilent is wrapped when a speech or noise signal has no measurable level.
	ErrSilent = errors.New("mix: signal is silent")
	// ErrOptions is wrapped when Options or Mix arguments are invalid.
	ErrOptions = errors.New("mix: invalid options")
	// ErrOutput is wrapped when the output folder already holds a mixture set.
	ErrOutput = errors.New("mix: output folder not empty")
	// ErrManifest is wrapped when a manifest cannot be parsed.
	ErrManifest = errors.New("mix: malformed manifest")
)
