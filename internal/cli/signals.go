package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// SignalContext returns a context that is cancelled on SIGINT (Ctrl-C) or
// SIGTERM, so that long work can stop between chunks and clean up its
// temporary files. Call stop as soon as the work is over: it restores the
// default handling, so that a second Ctrl-C during cleanup still kills.
func SignalContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
}
