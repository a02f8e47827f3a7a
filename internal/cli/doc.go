// Package cli holds the plumbing that hush's subcommands share: output
// files that appear whole or not at all, a progress line that is drawn only
// on a terminal, cancellation on SIGINT, SIGTERM and SIGHUP, removal of the
// temporary files of killed runs (RemoveStaleTemps), and checks that keep a
// command from overwriting its own input.
//
// A subcommand typically does:
//
//	ctx, stop := cli.SignalContext(context.Background())
//	defer stop()
//	status := cli.NewStatus(stderr, cli.ShowProgress(stderr, quiet))
//	out, err := cli.CreateAtomic(path, force)
//	...             // write to out, checking ctx between chunks
//	err = out.Commit() // or out.Abort() on any error
package cli
