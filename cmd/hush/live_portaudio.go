//go:build portaudio

package main

import "github.com/hushaudio/hush/internal/live"

// openLiveBackend opens the sound system through PortAudio.
func openLiveBackend() (live.Backend, error) {
	return live.OpenPortAudio()
}
