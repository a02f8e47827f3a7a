package live_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hushaudio/hush/denoise"
	"github.com/hushaudio/hush/dsp/resample"
	"github.com/hushaudio/hush/internal/live"
	"github.com/hushaudio/hush/internal/live/livetest"
	"github.com/hushaudio/hush/internal/wav"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// devices is a small sound system: a stereo USB microphone at 48 kHz, a
// built-in card at 44.1 kHz and a virtual sink.
func devices() []live.DeviceInfo {
	return []live.DeviceInfo{
		{Index: 0, Name: "Built-in Audio Analog Stereo", HostAPI: "ALSA", MaxInputChannels: 2, MaxOutputChannels: 2, DefaultSampleRate: 44100},
		{Index: 1, Name: "USB Microphone", HostAPI: "ALSA", MaxInputChannels: 2, DefaultSampleRate: 48000, DefaultInput: true},
		{Index: 2, Name: "hush_mic (null sink)", HostAPI: "ALSA", MaxOutputChannels: 2, DefaultSampleRate: 48000, DefaultOutput: true},
		{Index: 3, Name: "USB Headset", HostAPI: "ALSA", MaxInputChannels: 1, MaxOutputChannels: 2, DefaultSampleRate: 16000},
		{Index: 4, Name: "alsa_input.pci-0000_00_1f.3.analog-stereo", Description: "Webcam Mic", HostAPI: "PulseAudio", MaxInputChannels: 2, DefaultSampleRate: 48000},
	}
}

// recording returns the example noisy recording at rate.
func recording(t *testing.T, rate int) []float32 {
	t.Helper()
	x, f, err := wav.ReadFile("../../testdata/noisy_example.wav")
	require.NoError(t, err)
	require.Equal(t, 1, f.Channels)
	if f.SampleRate == rate {
		return x
	}
	y, err := resample.Resample(nil, x, f.SampleRate, rate)
	require.NoError(t, err)
	return y
}

// runUntilInputEnd runs s until the fake has played all its input.
func runUntilInputEnd(t *testing.T, s *live.Session, fake *livetest.Backend, c live.Console) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx, c) }()
	// The stream opens before Run starts it; wait for the input to end.
	for fake.InputEnd() == nil {
		time.Sleep(time.Millisecond)
	}
	select {
	case <-fake.InputEnd():
	case err := <-errc:
		t.Fatalf("Run returned before the input ended: %v", err)
	case <-time.After(20 * time.Second):
		t.Fatal("the input did not go through in 20 s")
	}
	cancel()
	require.NoError(t, <-errc)
	require.NoError(t, s.Close())
}

// The live loop, device to denoiser to device, gives exactly what offline
// processing of the same recording gives, whatever the callback sizes, at
// the devices' own rates.
func TestLiveLoopMatchesOffline(t *testing.T) {
	for _, c := range []struct {
		name     string
		in, out  string
		rate     int
		inCh     int
		chunks   []int
		strength float64
	}{
		{"48k stereo mic", "", "", 48000, 2, []int{240, 17, 512, 1000, 1, 256}, 0},
		{"44.1k built-in", "Built-in", "Built-in", 44100, 2, []int{221, 441, 3}, 40},
		{"16k headset", "USB Headset", "2", 16000, 1, []int{80, 160, 7, 333}, 12},
	} {
		t.Run(c.name, func(t *testing.T) {
			x := recording(t, c.rate)
			fake := &livetest.Backend{DeviceList: devices(), Input: interleaveSame(x, c.inCh), Chunks: c.chunks}
			s, err := live.Open(fake, live.Options{Input: c.in, Output: c.out, MaxAttenuation: c.strength})
			require.NoError(t, err)
			info := s.Info()
			require.Equal(t, c.rate, info.SampleRate, "the device's own rate, no resampling")
			require.Equal(t, c.inCh, info.InputChannels)
			require.Equal(t, 2, info.OutputChannels)

			runUntilInputEnd(t, s, fake, live.Console{})

			ref, err := denoise.New(denoise.Config{SampleRate: c.rate, MaxAttenuation: c.strength})
			require.NoError(t, err)
			want := make([]float32, len(x))
			ref.Process(want, x)
			out := fake.Output()
			// The last callback may run past the input, padded with silence.
			require.GreaterOrEqual(t, len(out), 2*len(x))
			for i := range x {
				if out[2*i] != want[i] || out[2*i+1] != want[i] {
					t.Fatalf("sample %d of %d: live %g, %g; offline %g", i, len(x), out[2*i], out[2*i+1], want[i])
				}
			}
			assert.Greater(t, rms(want[len(want)/2:]), 1e-3, "the comparison is of real audio")
		})
	}
}

func rms(x []float32) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return math.Sqrt(e / float64(len(x)))
}

func interleaveSame(x []float32, ch int) []float32 {
	out := make([]float32, len(x)*ch)
	for i, v := range x {
		for c := range ch {
			out[i*ch+c] = v
		}
	}
	return out
}

func TestOpenPicksRateAndBuffer(t *testing.T) {
	devs := devices()
	devs[1].DefaultSampleRate = 96000 // beyond the denoiser: 48 kHz is next
	fake := &livetest.Backend{DeviceList: devs}
	s, err := live.Open(fake, live.Options{})
	require.NoError(t, err)
	info := s.Info()
	assert.Equal(t, 48000, info.SampleRate)
	assert.Equal(t, 240, info.FramesPerBuffer, "5 ms")
	assert.Equal(t, 20*time.Millisecond, info.DenoiserLatency)
	assert.Equal(t, 5*time.Millisecond, info.BufferLatency)
	assert.Equal(t, 25*time.Millisecond, info.AddedLatency())
	assert.Equal(t, 3*time.Millisecond, info.DeviceInputLatency)
	assert.Equal(t, "USB Microphone", info.Input.Name)
	assert.Equal(t, "hush_mic (null sink)", info.Output.Name)
	require.NoError(t, s.Close())

	// A device that only does 44.1 kHz: the next candidate is taken.
	fake = &livetest.Backend{DeviceList: devices(), Rates: []int{44100}}
	s, err = live.Open(fake, live.Options{Buffer: 10 * time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, 44100, s.Info().SampleRate)
	assert.Equal(t, 441, fake.Opened().FramesPerBuffer)
	require.NoError(t, s.Close())

	// An explicit rate is not second-guessed.
	_, err = live.Open(fake, live.Options{SampleRate: 48000})
	require.ErrorIs(t, err, live.ErrSampleRate)
	assert.Contains(t, err.Error(), "--rate")
	_, err = live.Open(fake, live.Options{SampleRate: 96000})
	require.ErrorIs(t, err, live.ErrSampleRate)
	_, err = live.Open(fake, live.Options{Buffer: time.Second})
	require.ErrorIs(t, err, live.ErrBuffer)
}

func TestOpenDeviceErrors(t *testing.T) {
	_, err := live.Open(&livetest.Backend{}, live.Options{})
	require.ErrorIs(t, err, live.ErrNoDevice)
	assert.Contains(t, err.Error(), "--list")

	boom := errors.New("sound server gone")
	_, err = live.Open(&livetest.Backend{DevicesErr: boom}, live.Options{})
	require.ErrorIs(t, err, boom)

	_, err = live.Open(&livetest.Backend{DeviceList: devices()}, live.Options{Input: "USB"})
	require.ErrorIs(t, err, live.ErrAmbiguousDevice)
	assert.Contains(t, err.Error(), "1 (USB Microphone), 3 (USB Headset)")
}

func TestSelectDevice(t *testing.T) {
	devs := devices()
	for _, c := range []struct {
		spec  string
		input bool
		want  int
		err   error
	}{
		{"", true, 1, nil},
		{"", false, 2, nil},
		{"3", true, 3, nil},
		{"0", false, 0, nil},
		{"2", true, 0, live.ErrNoDevice}, // output only
		{"9", true, 0, live.ErrNoDevice},
		{"hush_mic", false, 2, nil},
		{"usb microphone", true, 1, nil},
		{"usb", false, 3, nil}, // the only USB device that plays
		{"usb", true, 0, live.ErrAmbiguousDevice},
		{"bluetooth", true, 0, live.ErrNoDevice},
		{"webcam", true, 4, nil},     // by part of its description
		{"Webcam Mic", true, 4, nil}, // by all of it
		{"pci-0000", true, 4, nil},   // by part of its name
	} {
		d, err := live.SelectDevice(devs, c.spec, c.input)
		if c.err != nil {
			assert.ErrorIs(t, err, c.err, "%q input=%v", c.spec, c.input)
			continue
		}
		if assert.NoError(t, err, "%q", c.spec) {
			assert.Equal(t, c.want, d.Index, "%q input=%v", c.spec, c.input)
		}
	}
	// Exact names win over partial matches.
	devs = append(devs, live.DeviceInfo{Index: 7, Name: "USB Microphone 2", MaxInputChannels: 1})
	d, err := live.SelectDevice(devs, "USB Microphone", true)
	require.NoError(t, err)
	assert.Equal(t, 1, d.Index)
}

// A device that stops calling back (unplugged) ends Run with ErrStalled
// instead of a hang.
func TestRunStalled(t *testing.T) {
	fake := &livetest.Backend{DeviceList: devices(), Input: make([]float32, 4800), Stall: true}
	s, err := live.Open(fake, live.Options{StallTimeout: 200 * time.Millisecond})
	require.NoError(t, err)
	start := time.Now()
	err = s.Run(context.Background(), live.Console{Interval: 20 * time.Millisecond})
	require.ErrorIs(t, err, live.ErrStalled)
	assert.Contains(t, err.Error(), "unplugged")
	assert.Less(t, time.Since(start), 5*time.Second)
	require.NoError(t, s.Close())
}

// Keys switch bypass and strength while the stream runs, and q stops it.
func TestRunKeys(t *testing.T) {
	fake := &livetest.Backend{DeviceList: devices(), Pace: time.Millisecond}
	s, err := live.Open(fake, live.Options{})
	require.NoError(t, err)
	defer s.Close()
	keys, press := io.Pipe()
	var status bytes.Buffer
	errc := make(chan error, 1)
	go func() {
		errc <- s.Run(context.Background(), live.Console{Keys: keys, Status: &syncWriter{w: &status}, Live: true, Interval: 5 * time.Millisecond})
	}()
	e := s.Engine()
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for !cond() {
			require.True(t, time.Now().Before(deadline), "timed out waiting for %s", what)
			time.Sleep(time.Millisecond)
		}
	}
	_, _ = press.Write([]byte("b"))
	waitFor("bypass", e.Bypass)
	_, _ = press.Write([]byte("3"))
	waitFor("aggressive", func() bool { return e.Strength() == 40 })
	_, _ = press.Write([]byte("--"))
	waitFor("gentle", func() bool { return e.Strength() == 12 })
	_, _ = press.Write([]byte(" +"))
	waitFor("balanced, bypass off", func() bool { return e.Strength() == 24 && !e.Bypass() })
	waitFor("a few callbacks", func() bool { return e.Meters().Callbacks > 10 })
	_, _ = press.Write([]byte{3}) // Ctrl-C in raw mode
	select {
	case err := <-errc:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Ctrl-C did not stop Run")
	}
	out := status.String()
	assert.Contains(t, out, "\r")
	assert.Contains(t, out, "in ")
	assert.True(t, strings.HasSuffix(out, "\r\n"), "the status line is ended on exit")
}

// syncWriter lets the test read what Run wrote from another goroutine.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func TestStatusLineAndList(t *testing.T) {
	m := live.Meters{InputPower: 0.01, OutputPower: 0.001, SpeechProbability: 0.25, Strength: 24, Overflows: 2, Underflows: 1}
	line := live.StatusLine(m)
	assert.Equal(t, "in -20.0 dB  out -30.0 dB  speech  25%  removed 10.0 dB  balanced  xruns 2/1", line)
	assert.Less(t, len(line), 80)
	m.Bypass = true
	assert.Contains(t, live.StatusLine(m), "BYPASS")

	var b bytes.Buffer
	require.NoError(t, live.WriteDeviceList(&b, devices()))
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	require.Len(t, lines, 6)
	assert.Regexp(t, `^INDEX\s+DEFAULT\s+NAME\s+HOST API\s+RATE \(Hz\)\s+IN\s+OUT\s+DESCRIPTION$`, lines[0])
	assert.Regexp(t, `^1\s+in\s+USB Microphone\s+ALSA\s+48000\s+2\s+0$`, lines[2], "no description, no trailing blanks")
	assert.Regexp(t, `^2\s+out\s+hush_mic \(null sink\)\s+ALSA\s+48000\s+0\s+2$`, lines[3])
	assert.Regexp(t, `^4\s+alsa_input\S+\s+PulseAudio\s+48000\s+2\s+0\s+Webcam Mic$`, lines[5])
}

func TestRawTerminalOnAFile(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "keys")
	require.NoError(t, err)
	defer f.Close()
	restore, ok, err := live.RawTerminal(f)
	require.NoError(t, err)
	assert.False(t, ok, "a file is no terminal")
	restore()
}

// Written to a log, the status comes every LogInterval, and at once after
// an underflow.
func TestRunLogsEachUnderflow(t *testing.T) {
	fake := &livetest.Backend{
		DeviceList: devices(),
		Pace:       time.Millisecond,
		Flags: func(i int) live.StreamFlags {
			if i == 100 {
				return live.OutputUnderflow
			}
			return 0
		},
	}
	s, err := live.Open(fake, live.Options{})
	require.NoError(t, err)
	defer s.Close()
	var status bytes.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- s.Run(ctx, live.Console{Status: &syncWriter{w: &status}, Interval: 5 * time.Millisecond, LogInterval: time.Hour})
	}()
	deadline := time.Now().Add(5 * time.Second)
	for s.Engine().Meters().Callbacks < 300 {
		require.True(t, time.Now().Before(deadline), "timed out waiting for callbacks")
		time.Sleep(time.Millisecond)
	}
	cancel()
	require.NoError(t, <-errc)
	lines := strings.Split(strings.TrimSpace(status.String()), "\n")
	var logged []string
	for _, l := range lines {
		if strings.HasPrefix(l, "in ") {
			logged = append(logged, l)
		}
	}
	require.Len(t, logged, 1, "one line, for the underflow: %q", lines)
	assert.True(t, strings.HasSuffix(logged[0], "xruns 0/1"), logged[0])
}
