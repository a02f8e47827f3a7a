//go:build portaudio

package live_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/hushaudio/hush/internal/live"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nullALSA points ALSA at a configuration with only a "null" device,
// which accepts and produces audio (silence) without sound hardware.
func nullALSA(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "asound.conf")
	require.NoError(t, os.WriteFile(conf, []byte("pcm.hush_null {\n  type null\n}\npcm.!default hush_null\n"), 0o644))
	t.Setenv("ALSA_CONFIG_PATH", conf)
}

// openNull returns PortAudio with ALSA's null device, or skips the test
// where there is none (not Linux, or no ALSA in PortAudio).
func openNull(t *testing.T) *live.PortAudio {
	if runtime.GOOS != "linux" {
		t.Skip("the null device is ALSA's")
	}
	if raceEnabled {
		t.Skip("no PortAudio streams under -race: the binding's stream ids fail its pointer checks")
	}
	nullALSA(t)
	pa, err := live.OpenPortAudio()
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, pa.Close()) })
	devs, err := pa.Devices()
	require.NoError(t, err)
	for _, d := range devs {
		if d.Name == "hush_null" && d.MaxInputChannels > 0 && d.MaxOutputChannels > 0 {
			return pa
		}
	}
	t.Skipf("PortAudio lists no ALSA null device (devices: %v)", devs)
	return nil
}

// Half a second of audio goes through a real PortAudio duplex stream, and
// the Go side of the callback path allocates nothing while it runs.
func TestPortAudioNullStream(t *testing.T) {
	pa := openNull(t)
	for _, rate := range []int{48000, 44100} {
		s, err := live.Open(pa, live.Options{Input: "hush_null", Output: "hush_null", SampleRate: rate})
		require.NoError(t, err, "%d Hz", rate)
		info := s.Info()
		assert.Equal(t, rate, info.SampleRate)
		t.Logf("%d Hz: %d frames per buffer, added latency %v, device latency in %v out %v",
			rate, info.FramesPerBuffer, info.AddedLatency(), info.DeviceInputLatency, info.DeviceOutputLatency)

		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- s.Run(ctx, live.Console{Interval: 5 * time.Millisecond}) }()
		e := s.Engine()
		deadline := time.Now().Add(10 * time.Second)
		// No allocation in these loops: they run while mallocs are counted.
		waitFrames := func(frames uint64) {
			for e.Meters().Frames < frames {
				if time.Now().After(deadline) {
					t.Fatalf("%d frames did not stream in 10 s: %+v", frames, e.Meters())
				}
				time.Sleep(2 * time.Millisecond)
			}
		}
		waitFrames(1)
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		start := e.Meters()
		waitFrames(start.Frames + uint64(rate)/2)
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		end := e.Meters()
		cancel()
		require.NoError(t, <-errc)
		require.NoError(t, s.Close())

		callbacks := end.Callbacks - start.Callbacks
		mallocs := after.Mallocs - before.Mallocs
		t.Logf("%d Hz: %d mallocs in the whole process over %d callbacks (%d frames)",
			rate, mallocs, callbacks, end.Frames-start.Frames)
		assert.Greater(t, callbacks, uint64(10))
		// The whole process: the watch loop's timers and the test's polling
		// allocate a little; the callbacks themselves nothing.
		assert.Less(t, float64(mallocs), 0.05*float64(callbacks)+50)
	}
}

func TestPortAudioErrors(t *testing.T) {
	pa := openNull(t)
	_, err := live.Open(pa, live.Options{Input: "no such microphone"})
	assert.ErrorIs(t, err, live.ErrNoDevice)
	_, err = live.Open(pa, live.Options{Input: "hush_null", Output: "hush_null", SampleRate: 4000})
	assert.ErrorIs(t, err, live.ErrSampleRate)
}
