//go:build portaudio

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withNullALSA points ALSA at a configuration whose only device is the
// "null" one, so that PortAudio can stream without sound hardware.
func withNullALSA(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the null device is ALSA's")
	}
	if raceEnabled {
		t.Skip("no PortAudio streams under -race: the binding's stream ids fail its pointer checks")
	}
	conf := filepath.Join(t.TempDir(), "asound.conf")
	require.NoError(t, os.WriteFile(conf, []byte("pcm.hush_null {\n  type null\n}\npcm.!default hush_null\n"), 0o644))
	t.Setenv("ALSA_CONFIG_PATH", conf)
}

func runLivePortAudio(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = runLive(ctx, args, liveIO{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}, openLiveBackend)
	return code, out.String(), errb.String()
}

func TestLivePortAudioNullDevice(t *testing.T) {
	withNullALSA(t)
	code, out, errOut := runLivePortAudio(context.Background(), "--list")
	require.Equal(t, 0, code, errOut)
	if !strings.Contains(out, "hush_null") {
		t.Skipf("PortAudio lists no ALSA null device:\n%s", out)
	}
	assert.Regexp(t, `(?m)^INDEX\s+DEFAULT\s+NAME`, out)

	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	code, _, errOut = runLivePortAudio(ctx, "--in", "hush_null", "--out", "hush_null", "--rate", "48000")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "hush_null (ALSA, 2 ch) → hush_null (ALSA, 2 ch) at 48000 Hz")
	assert.Contains(t, errOut, "latency of the denoiser 20.0 ms and a buffer 5.0 ms")
	assert.Contains(t, errOut, "hush live: stopped after")

	code, _, errOut = runLivePortAudio(context.Background(), "--in", "no such microphone")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `no input device's name contains "no such microphone"`)
}
