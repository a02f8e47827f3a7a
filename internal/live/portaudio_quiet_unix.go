//go:build portaudio && unix

package live

import (
	"os"

	"golang.org/x/sys/unix"
)

// quietStderr runs fn with the standard error file descriptor sent to
// /dev/null: ALSA and JACK print pages of probing messages ("Unknown PCM
// cards.pcm.rear", "jack server is not running") while PortAudio looks for
// devices, none of which matter to the user. Set HUSH_AUDIO_DEBUG=1 to see
// them.
func quietStderr(fn func()) {
	if os.Getenv("HUSH_AUDIO_DEBUG") != "" {
		fn()
		return
	}
	saved, err := unix.Dup(2)
	if err != nil {
		fn()
		return
	}
	defer unix.Close(saved)
	null, err := unix.Open(os.DevNull, unix.O_WRONLY, 0)
	if err != nil {
		fn()
		return
	}
	defer unix.Close(null)
	if err := unix.Dup2(null, 2); err != nil {
		fn()
		return
	}
	defer unix.Dup2(saved, 2)
	fn()
}
