package main

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/hushaudio/hush/internal/live"
	"github.com/hushaudio/hush/internal/pulse"
)

// openLiveBackend opens the sound system named by --backend: "pulse"
// (PulseAudio or PipeWire, native, Linux), "portaudio" (a build with the
// portaudio tag), or "" for the first of them that is there.
func openLiveBackend(name string) (live.Backend, error) {
	switch name {
	case "pulse":
		return openPulse()
	case "portaudio":
		return openPortAudio()
	case "":
	default:
		return nil, fmt.Errorf("--backend %q: want pulse or portaudio", name)
	}
	if runtime.GOOS != "linux" {
		return openPortAudio()
	}
	b, err := openPulse()
	if errors.Is(err, pulse.ErrNoServer) && portAudioBuilt {
		return openPortAudio()
	}
	return b, err
}
