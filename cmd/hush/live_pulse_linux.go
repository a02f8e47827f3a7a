package main

import "github.com/hushaudio/hush/internal/live"

// openPulse connects to PulseAudio or PipeWire's pulse server.
func openPulse() (live.Backend, error) {
	return live.OpenPulse()
}
