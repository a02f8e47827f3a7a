//go:build !linux

package main

import (
	"fmt"

	"github.com/hushaudio/hush/internal/live"
)

// openPulse reports that the native PulseAudio client is built on Linux
// only; elsewhere PortAudio serves.
func openPulse() (live.Backend, error) {
	return nil, fmt.Errorf("%w: the PulseAudio backend is built on Linux only; use PortAudio (-tags portaudio)", live.ErrNoAudioSupport)
}
