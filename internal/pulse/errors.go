package pulse

import (
	"errors"
	"fmt"
)

// Errors returned by the package, wrapped with the details; test with
// errors.Is.
var (
	// ErrNoServer means no sound server listens where one was looked for.
	ErrNoServer = errors.New("no PulseAudio or PipeWire server found")
	// ErrClosed means the connection was closed, by Close or by the server.
	ErrClosed = errors.New("the connection to the sound server is closed")
	// ErrTimeout means the server did not answer a request in time.
	ErrTimeout = errors.New("the sound server did not answer")
	// ErrNoEntity is the server's answer for a sink, source or module that
	// does not exist.
	ErrNoEntity = errors.New("no such entity")
	// errProtocol means the server sent something this client cannot read.
	errProtocol = errors.New("malformed message from the sound server")
)

// ServerError is an error code the server answered a request with.
type ServerError uint32

// serverErrorNames are PulseAudio's names for its error codes (pa_strerror).
var serverErrorNames = [...]string{
	1: "access denied", 2: "unknown command", 3: "invalid argument", 4: "entity exists",
	5: "no such entity", 6: "connection refused", 7: "protocol error", 8: "timeout",
	9: "no authentication key", 10: "internal error", 11: "connection terminated",
	12: "entity killed", 13: "invalid server", 14: "module initialization failed",
	15: "bad state", 16: "no data", 17: "incompatible protocol version", 18: "too large",
	19: "not supported",
}

func (e ServerError) Error() string {
	if int(e) < len(serverErrorNames) && serverErrorNames[e] != "" {
		return "sound server: " + serverErrorNames[e]
	}
	return fmt.Sprintf("sound server: error %d", uint32(e))
}

// Is makes errors.Is(err, ErrNoEntity) true for the server's code 5.
func (e ServerError) Is(target error) bool { return target == ErrNoEntity && e == 5 }
