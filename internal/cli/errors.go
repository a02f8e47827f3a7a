package cli

import "errors"

var (
	// ErrSameFile is returned when an output path names the input file.
	ErrSameFile = errors.New("output is the input file")
)
