package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// SignalContext returns a context that is cancelled on SIGINT (Ctrl-C),
// SIGTERM or SIGHUP (the terminal closed, an ssh session dropped), so that
// long work can stop between chunks and clean up its temporary files. The first signal restores the default handling, so that
// a second Ctrl-C kills at once even if the work is stuck; call stop when
// the work is over.
func SignalContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	ctx, stop = signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	context.AfterFunc(ctx, stop)
	return ctx, stop
}
