package denoise

import "errors"

// Errors of the multichannel and stream adapters (Multi, Reader, Writer).
var (
	// ErrChannels means a channel count below 1 or above MaxChannels.
	ErrChannels = errors.New("denoise: unsupported channel count")
	// ErrClosed is returned by writes to a Writer after Close.
	ErrClosed = errors.New("denoise: write to a closed Writer")
	// ErrPartialFrame means a PCM stream ended inside a frame: its length
	// in bytes is not a multiple of 2·channels.
	ErrPartialFrame = errors.New("denoise: stream ends inside a sample frame")
)
