//go:build portaudio && !race

package live_test

// raceEnabled is true under -race, where streams are not opened.
const raceEnabled = false
