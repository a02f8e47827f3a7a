package cli

import (
	"io"
	"os"

	"golang.org/x/term"
)

// IsTerminal reports whether w is a file attached to a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// ShowProgress reports whether progress should be drawn on w: only on a
// terminal (a log file or a pipe would fill with bar redraws) and not when
// the user asked for quiet.
func ShowProgress(w io.Writer, quiet bool) bool {
	return !quiet && IsTerminal(w)
}
