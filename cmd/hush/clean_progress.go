package main

import (
	"os"
	"path/filepath"

	"github.com/hushaudio/hush/internal/cli"
)

// cleanStartProgress starts the progress display for one input, if it is
// worth one, and returns the function that ends it. A file gets a bar from
// cleanProgressMinBytes on; standard input, whose length is unknown, always
// gets the bytes read, the seconds of audio and the time elapsed, since it
// may be a live stream that runs for hours.
func cleanStartProgress(in string, status *cli.Status) (finish func()) {
	if in == "-" {
		status.StartBytes(-1, "standard input")
		return status.Finish
	}
	if fi, err := os.Stat(in); err == nil && fi.Size() >= cleanProgressMinBytes {
		status.StartBytes(fi.Size(), filepath.Base(in))
		return status.Finish
	}
	return func() {}
}

// cleanInputName is how messages name an input: its path, or "standard
// input" for "-".
func cleanInputName(in string) string {
	if in == "-" {
		return "standard input"
	}
	return in
}
