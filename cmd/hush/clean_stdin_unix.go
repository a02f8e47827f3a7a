//go:build unix

package main

import (
	"context"
	"io"
	"os"
	"syscall"
)

// cleanInterruptibleStdin returns standard input such that a cancelled ctx
// (Ctrl-C, SIGTERM) ends a read that is waiting for data, so that hush
// can clean up and exit even while its producer is stalled. A pipe is set
// non-blocking so that Go's poller serves it and closing it wakes the
// read; anything else (a file, a terminal) is returned as it is, since
// reads from a file do not stall and a terminal must stay blocking for the
// shell that owns it.
func cleanInterruptibleStdin(ctx context.Context) io.Reader {
	fi, err := os.Stdin.Stat()
	if err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return os.Stdin
	}
	if err := syscall.SetNonblock(int(os.Stdin.Fd()), true); err != nil {
		return os.Stdin
	}
	f := os.NewFile(uintptr(syscall.Stdin), "/dev/stdin")
	context.AfterFunc(ctx, func() { _ = f.Close() })
	return f
}
