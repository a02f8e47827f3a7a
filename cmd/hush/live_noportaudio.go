//go:build !portaudio

package main

import (
	"fmt"

	"github.com/hushaudio/hush/internal/live"
)

// portAudioBuilt says that this build links PortAudio.
const portAudioBuilt = false

// openPortAudio reports that this build has no PortAudio: it is a C
// library, so it is linked only when asked for with the portaudio build
// tag, and the default build stays pure Go.
func openPortAudio() (live.Backend, error) {
	return nil, fmt.Errorf("%w: build with -tags portaudio", live.ErrNoAudioSupport)
}
