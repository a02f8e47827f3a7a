package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hushaudio/hush/internal/live"
	"github.com/hushaudio/hush/internal/live/livetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func liveDevices() []live.DeviceInfo {
	return []live.DeviceInfo{
		{Index: 0, Name: "USB Microphone", HostAPI: "ALSA", MaxInputChannels: 1, DefaultSampleRate: 48000, DefaultInput: true},
		{Index: 1, Name: "hush_mic", HostAPI: "ALSA", MaxOutputChannels: 2, DefaultSampleRate: 48000, DefaultOutput: true},
	}
}

// runLiveWith runs "hush live ARGS" on a fake sound system.
func runLiveWith(ctx context.Context, fake *livetest.Backend, args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = runLive(ctx, args, liveIO{stdin: strings.NewReader(""), stdout: &out, stderr: &errb},
		func(string) (live.Backend, error) { return fake, nil })
	return code, out.String(), errb.String()
}

func TestLiveHelpAndUsageErrors(t *testing.T) {
	code, out, _ := runLiveWith(context.Background(), nil, "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "The denoiser adds 20.0 ms and a buffer 5.0 ms")
	assert.Contains(t, out, "--list")
	assert.NotContains(t, out, "%!", "every verb is filled")

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--strength", "loud"}, `--strength "loud"`},
		{[]string{"--strength", "gentle", "--max-attenuation", "20"}, "use one of them"},
		{[]string{"--max-attenuation", "-3"}, "--max-attenuation -3"},
		{[]string{"--buffer", "0"}, "--buffer 0: want 1 to 200 ms"},
		{[]string{"--rate", "96000"}, "--rate 96000"},
		{[]string{"mic"}, `unexpected argument "mic"`},
		{[]string{"--bogus"}, "flag provided but not defined"},
	} {
		code, _, errOut := runLiveWith(context.Background(), nil, c.args...)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Contains(t, errOut, c.want, "%v", c.args)
	}
}

func TestLiveWithoutAudioSupport(t *testing.T) {
	var out, errb bytes.Buffer
	code := runLive(context.Background(), nil, liveIO{stdin: strings.NewReader(""), stdout: &out, stderr: &errb},
		func(string) (live.Backend, error) { return nil, fmt.Errorf("%w: test", live.ErrNoAudioSupport) })
	assert.Equal(t, 1, code)
	assert.Contains(t, errb.String(), "no audio device support")
	assert.Contains(t, errb.String(), "go build -tags portaudio ./cmd/hush")
	assert.Contains(t, errb.String(), "portaudio19-dev")
	assert.Contains(t, errb.String(), "brew install portaudio")
}

func TestLiveList(t *testing.T) {
	code, out, _ := runLiveWith(context.Background(), &livetest.Backend{DeviceList: liveDevices()}, "--list")
	require.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^0\s+in\s+USB Microphone\s+ALSA\s+48000\s+1\s+0$`, out)
	assert.Regexp(t, `(?m)^1\s+out\s+hush_mic\s+ALSA\s+48000\s+0\s+2$`, out)

	code, _, errOut := runLiveWith(context.Background(), &livetest.Backend{}, "--list")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no audio devices")
	code, _, errOut = runLiveWith(context.Background(), &livetest.Backend{DevicesErr: errors.New("server gone")}, "--list")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "server gone")
}

func TestLiveRunsAndStops(t *testing.T) {
	fake := &livetest.Backend{DeviceList: liveDevices(), Input: make([]float32, 48000), Chunks: []int{240, 100}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for fake.InputEnd() == nil {
			time.Sleep(time.Millisecond)
		}
		<-fake.InputEnd()
		cancel() // as Ctrl-C does
	}()
	code, _, errOut := runLiveWith(ctx, fake, "--strength", "aggressive", "--buffer", "10")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "USB Microphone (ALSA, 1 ch) → hush_mic (ALSA, 2 ch) at 48000 Hz, aggressive (40 dB)")
	assert.Contains(t, errOut, "latency of the denoiser 20.0 ms and a buffer 10.0 ms of 480 frames")
	assert.Contains(t, errOut, "hush live: stopped after")
	assert.Equal(t, 480, fake.Opened().FramesPerBuffer)
	assert.GreaterOrEqual(t, len(fake.Output()), 2*48000)
}

func TestLiveDeviceErrors(t *testing.T) {
	code, _, errOut := runLiveWith(context.Background(), &livetest.Backend{})
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "no default input device")

	code, _, errOut = runLiveWith(context.Background(), &livetest.Backend{DeviceList: liveDevices()}, "--in", "webcam")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, `no input device's name contains "webcam"`)

	code, _, errOut = runLiveWith(context.Background(), &livetest.Backend{DeviceList: liveDevices(), Rates: []int{16000}}, "--rate", "44100")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "unsupported sample rate")

	// A device that stops delivering audio ends the command with an error,
	// not a hang.
	fake := &livetest.Backend{DeviceList: liveDevices(), Input: make([]float32, 4800), Stall: true}
	done := make(chan int, 1)
	go func() {
		code, _, errOut = runLiveWith(context.Background(), fake)
		done <- code
	}()
	select {
	case code := <-done:
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "stopped delivering audio")
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled device hung hush live")
	}
}
