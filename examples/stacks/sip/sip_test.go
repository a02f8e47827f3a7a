package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/emiago/diago"
	"github.com/emiago/diago/audio"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo/sip"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/denoise"
	"github.com/hushaudio/hush/examples/stacks/internal/clip"
	"github.com/hushaudio/hush/examples/stacks/internal/stackstest"
)

// minGainDB is the least SI-SDR gain a call must show. Measured here:
// 3.46 -> 8.26 dB with PCMU and with PCMA, +4.8 dB, exactly the offline
// figure; a denoiser that did nothing would show +0 dB, one bypassed for
// half the call about +2.
const minGainDB = 4

// inputSNR [dB] is the caller's recording: testdata/noisy_example.wav with
// its own noise raised from 16.8 dB to this signal-to-noise ratio.
const inputSNR = 3.5

// TestCallDenoisedEndToEnd places real SIP calls between two diago user
// agents over 127.0.0.1: the caller plays testdata/noisy_example.wav,
// resampled to 8 kHz, as G.711; the callee decodes it and denoises it with
// denoise.NewReader, as the example does. The call must deliver all the
// audio, the denoiser's output must line up with what arrived, and the
// SI-SDR against testdata/clean_example.wav must rise by minGainDB, as much
// as the same audio denoised offline.
func TestCallDenoisedEndToEnd(t *testing.T) {
	probe, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Skipf("cannot bind UDP on 127.0.0.1, which the calls need: %v", err)
	}
	probe.Close()

	for _, name := range []string{"pcmu", "pcma"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			codec, err := codecByName(name)
			require.NoError(t, err)
			rate := int(codec.SampleRate)
			clean, noisy := stackstest.NoisyRecording(t, rate, inputSNR)
			sent := clip.ToInt16(noisy)

			c := placeCall(t, codec, clip.PCM16LE(sent))
			require.Equal(t, rate, c.Rate, "the callee's rate is the codec's")
			received := clip.ToFloat32(clip.FromPCM16LE(c.Received))
			denoised := clip.ToFloat32(clip.FromPCM16LE(c.Denoised))

			// No audio lost on the way: at most a 20 ms frame less (the
			// playback drops a partial last frame), none extra.
			frame := rate / 50
			assert.LessOrEqual(t, len(received), len(sent), "samples received vs sent")
			assert.GreaterOrEqual(t, len(received), len(sent)-frame, "samples received vs sent")
			assert.Len(t, denoised, len(received), "the Reader's output is as long as its input")

			before := stackstest.Align(t, clean, received, rate)
			after := stackstest.Align(t, clean, denoised, rate)
			assert.Equal(t, before.Lag, after.Lag, "the Reader's output lines up with its input")

			// The same audio through the codec and the Reader, offline.
			offline := denoiseOffline(t, codec, sent)
			offlineSISDR := stackstest.SISDRAt(t, clean, offline, 0)

			t.Logf("%s at %d Hz: %d of %d samples arrived, %d late; SI-SDR %.2f -> %.2f dB (offline %.2f dB)",
				name, rate, len(received), len(sent), before.Lag, before.SISDR, after.SISDR, offlineSISDR)
			assert.GreaterOrEqual(t, after.SISDR-before.SISDR, float64(minGainDB), "SI-SDR gain [dB]")
			assert.InDelta(t, offlineSISDR, after.SISDR, 0.5, "the call's SI-SDR is the offline one [dB]")
			if len(received) == len(sent) && before.Lag == 0 {
				// Nothing lost, nothing late: the network is transparent
				// and the call's output is the offline one, sample for sample.
				assert.Equal(t, offline, denoised, "denoised call vs offline")
			}
		})
	}
}

// placeCall runs a callee on a free port of 127.0.0.1 and a caller that
// plays pcm to it, and returns what the callee got.
func placeCall(t *testing.T, codec media.Codec, pcm []byte) *call {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	type result struct {
		c   *call
		err error
	}
	answered := make(chan result, 1)
	handler := func(in *diago.DialogServerSession) {
		c, err := answer(in)
		answered <- result{c, err}
	}
	port := serveOnFreePort(t, ctx, codec, log, handler)

	caller, err := newUserAgent("127.0.0.1", 0, codec, log)
	require.NoError(t, err)
	defer caller.Close()
	to := sip.Uri{User: "hush", Host: "127.0.0.1", Port: port}
	require.NoError(t, dial(ctx, caller, to, pcm))

	select {
	case r := <-answered:
		require.NoError(t, r.err)
		return r.c
	case <-ctx.Done():
		t.Fatal("the callee did not finish the call within 60 s")
		return nil
	}
}

// serveOnFreePort starts a callee on a port of 127.0.0.1 that was free a
// moment ago, trying again if another process took it meanwhile, and
// returns the port.
func serveOnFreePort(t *testing.T, ctx context.Context, codec media.Codec, log *slog.Logger, handler func(*diago.DialogServerSession)) int {
	t.Helper()
	var lastErr error
	for range 5 {
		probe, err := net.ListenPacket("udp4", "127.0.0.1:0")
		require.NoError(t, err)
		port := probe.LocalAddr().(*net.UDPAddr).Port
		probe.Close()

		callee, err := newUserAgent("127.0.0.1", port, codec, log)
		require.NoError(t, err)
		t.Cleanup(func() { callee.Close() })
		if lastErr = callee.dg.ServeBackground(ctx, handler); lastErr == nil {
			return port
		}
	}
	t.Fatalf("no callee could listen on 127.0.0.1: %v", lastErr)
	return 0
}

// denoiseOffline passes x through the codec's encoder and decoder and
// denoise.NewReader, as the call does, without the network.
func denoiseOffline(t *testing.T, codec media.Codec, x []int16) []float32 {
	t.Helper()
	pcm := clip.PCM16LE(x)
	coded := make([]byte, len(x))
	decoded := make([]byte, len(pcm))
	var err error
	switch codec.PayloadType {
	case media.CodecAudioUlaw.PayloadType:
		_, err = audio.EncodeUlawTo(coded, pcm)
		require.NoError(t, err)
		_, err = audio.DecodeUlawTo(decoded, coded)
	case media.CodecAudioAlaw.PayloadType:
		_, err = audio.EncodeAlawTo(coded, pcm)
		require.NoError(t, err)
		_, err = audio.DecodeAlawTo(decoded, coded)
	default:
		t.Fatalf("no offline path for codec %s", codec.Name)
	}
	require.NoError(t, err)
	r, err := denoise.NewReader(bytes.NewReader(decoded), denoise.Config{SampleRate: int(codec.SampleRate)})
	require.NoError(t, err)
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	return clip.ToFloat32(clip.FromPCM16LE(out))
}
