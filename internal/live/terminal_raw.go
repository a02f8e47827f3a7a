package live

import (
	"os"

	"golang.org/x/term"
)

// RawTerminal puts the terminal f in raw mode, so that single key presses
// arrive at once and unechoed, and returns the function that restores it.
// When f is not a terminal it changes nothing and returns ok false. In raw
// mode Ctrl-C arrives as a byte (KeyAction maps it to ActionQuit), and
// output needs "\r\n" to start a new line.
func RawTerminal(f *os.File) (restore func(), ok bool, err error) {
	fd := int(f.Fd())
	if !term.IsTerminal(fd) {
		return func() {}, false, nil
	}
	old, err := term.MakeRaw(fd)
	if err != nil {
		return func() {}, false, err
	}
	return func() { _ = term.Restore(fd, old) }, true, nil
}
