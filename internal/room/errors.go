package room

import "errors"

var (
	// ErrRoom reports a room that cannot be built: a size, position or
	// reverberation time out of range.
	ErrRoom = errors.New("room: invalid room")
	// ErrRate reports an unsupported sample rate.
	ErrRate = errors.New("room: unsupported sample rate")
)
