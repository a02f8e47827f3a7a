//go:build portaudio

package main

import "github.com/hushaudio/hush/internal/live"

// portAudioBuilt says that this build links PortAudio.
const portAudioBuilt = true

// openPortAudio opens the sound system through PortAudio.
func openPortAudio() (live.Backend, error) {
	return live.OpenPortAudio()
}
