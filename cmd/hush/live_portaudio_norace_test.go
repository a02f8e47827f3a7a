//go:build portaudio && !race

package main

// raceEnabled is true under -race, where streams are not opened.
const raceEnabled = false
