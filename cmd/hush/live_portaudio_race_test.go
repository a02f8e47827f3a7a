//go:build portaudio && race

package main

// raceEnabled: the binding passes each stream's id to C as a pointer, and
// the race detector's pointer checks stop the process at the second stream
// (id 1 is no valid pointer), so streams are not opened under -race.
const raceEnabled = true
