//go:build !unix

package main

import (
	"context"
	"io"
	"os"
)

// cleanInterruptibleStdin returns standard input as it is: outside Unix a
// pipe cannot be handed to Go's poller this way, so a read from a stalled
// producer ends only with the producer (or a second Ctrl-C).
func cleanInterruptibleStdin(context.Context) io.Reader { return os.Stdin }
