package wav

import "errors"

// ErrFormat is wrapped by every error about a malformed or unsupported file.
// Errors that come from a file ending too early also wrap
// io.ErrUnexpectedEOF, and errors from the underlying reader or writer are
// wrapped as they are, so errors.Is works for all three.
var ErrFormat = errors.New("wav: unsupported or malformed file")

// ErrClosed is returned by Writer methods called after Close.
var ErrClosed = errors.New("wav: writer is closed")
