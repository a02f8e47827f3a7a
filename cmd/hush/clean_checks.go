package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hushaudio/hush/internal/wav"
)

// cleanOtherAudioExts are the file name endings of audio formats other than
// WAV. hush writes only WAV, so "-o out.mp3" would give a WAV file under a
// misleading name: it is refused instead.
var cleanOtherAudioExts = []string{
	".mp3", ".flac", ".ogg", ".oga", ".opus", ".m4a", ".m4b", ".aac", ".mp4", ".webm", ".wma",
	".aif", ".aiff", ".aifc", ".caf", ".amr", ".au", ".snd", ".mka", ".ac3", ".gsm", ".raw", ".pcm",
}

// cleanCheckOutputName returns a usage message when out names an audio
// format hush does not write, or "".
func cleanCheckOutputName(out string) string {
	ext := strings.ToLower(filepath.Ext(out))
	for _, e := range cleanOtherAudioExts {
		if ext == e {
			return fmt.Sprintf("-o %s: hush writes WAV files only; name the output .wav and convert it afterwards if needed, e.g. ffmpeg -i %s %s",
				out, strings.TrimSuffix(out, filepath.Ext(out))+".wav", out)
		}
	}
	return ""
}

// cleanLengthWarning returns a warning when the input held fewer frames
// than its header announced, or none at all, and "" otherwise. found is
// the number of frames read.
func cleanLengthWarning(r *wav.Reader, found int, inName string) string {
	f := r.Format()
	claimed := r.Frames()
	unit := "samples"
	if f.Channels > 1 {
		unit = "samples per channel"
	}
	secs := func(n int64) string { return cleanFormatSeconds(float64(n) / float64(f.SampleRate)) }
	switch {
	case claimed >= 0 && int64(found) < claimed:
		return fmt.Sprintf("%s: warning: the file is cut short: its header announces %d %s (%s) but it holds %d (%s); cleaned what is there",
			inName, claimed, unit, secs(claimed), found, secs(int64(found)))
	case found == 0:
		return fmt.Sprintf("%s: warning: no audio: there is a WAV header but not one sample after it; the output is empty", inName)
	}
	return ""
}
