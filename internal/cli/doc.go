// Package cli holds the plumbing that hush's subcommands share: a progress
// line that is drawn only on a terminal, cancellation on SIGINT, SIGTERM
// and SIGHUP, checks that keep a command from overwriting its own input,
// and the named strengths. Output files that appear whole or not at all
// come from internal/atomicfile.
//
// A subcommand typically does:
//
//	ctx, stop := cli.SignalContext(context.Background())
//	defer stop()
//	status := cli.NewStatus(stderr, cli.ShowProgress(stderr, quiet))
//	out, err := atomicfile.Create(path, force)
//	...             // write to out, checking ctx between chunks
//	err = out.Commit() // or out.Abort() on any error
package cli
