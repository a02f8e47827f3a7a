// Package atomicfile writes output files that appear whole or not at all:
// each is written to a locked temporary file beside its final name and
// renamed when complete, and RemoveStale clears the temporary files of a
// run that was killed before it could clean up. The command line and the
// WAV writer share it.
package atomicfile

import "errors"

// ErrExists is returned when an output file exists and overwriting was not
// asked for.
var ErrExists = errors.New("output exists")
