package cli

import "errors"

var (
	// ErrExists is returned when an output file exists and overwriting was
	// not asked for.
	ErrExists = errors.New("output exists")
	// ErrSameFile is returned when an output path names the input file.
	ErrSameFile = errors.New("output is the input file")
)
