//go:build !portaudio

package main

import (
	"fmt"

	"github.com/hushaudio/hush/internal/live"
)

// openLiveBackend reports that this build has no sound system: PortAudio
// is a C library, so it is linked only when asked for with the portaudio
// build tag, and the default build stays pure Go.
func openLiveBackend() (live.Backend, error) {
	return nil, fmt.Errorf("%w: build with -tags portaudio", live.ErrNoAudioSupport)
}
