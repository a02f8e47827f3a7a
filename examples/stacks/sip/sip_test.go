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
// 3.46 -> 8.26 dB in each call, +4.8 dB, exactly the offline figure; a
// denoiser that did nothing would show +0 dB.
const minGainDB = 4

// inputSNR [dB] is the caller's recording: testdata/noisy_example.wav with
// its own noise raised from 16.8 dB to this signal-to-noise ratio.
const inputSNR = 3.5

// TestCallDenoisedEndToEnd places real SIP calls between two diago user
// agents over 127.0.0.1: the caller plays testdata/noisy_example.wav,
// resampled to 8 kHz, as G.711. Either the callee denoises what it decodes
// with denoise.NewReader (PCMU and PCMA), or the caller denoises what it
// sends with denoise.NewWriter in front of the encoder (PCMU), as the
// example does. The call must deliver all the audio, the Reader's output
// must line up with what arrived, the SI-SDR against
// testdata/clean_example.wav must rise by minGainDB, and the result must be
// the one the same audio gives offline, through the codec and the Reader
// or Writer.
func TestCallDenoisedEndToEnd(t *testing.T) {
	probe, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Skipf("cannot bind UDP on 127.0.0.1, which the calls need: %v", err)
	}
	probe.Close()

	for _, tc := range []struct {
		name           string
		codec          string
		callerDenoises bool // with a Writer; else the callee, with a Reader
	}{
		{"pcmu, callee's Reader", "pcmu", false},
		{"pcma, callee's Reader", "pcma", false},
		{"pcmu, caller's Writer", "pcmu", true},
	} {
		callerDenoises := tc.callerDenoises
		send := play
		if callerDenoises {
			send = playDenoised
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			codec, err := codecByName(tc.codec)
			require.NoError(t, err)
			rate := int(codec.SampleRate)
			clean, noisy := stackstest.NoisyRecording(t, rate, inputSNR)
			sent := clip.ToInt16(noisy)

			c := placeCall(t, codec, clip.PCM16LE(sent), send)
			require.Equal(t, rate, c.Rate, "the callee's rate is the codec's")
			received := clip.ToFloat32(clip.FromPCM16LE(c.Received))
			denoised := clip.ToFloat32(clip.FromPCM16LE(c.Denoised))

			// No audio lost on the way: at most a 20 ms frame less (the
			// playback drops a partial last frame), none extra.
			frame := rate / 50
			assert.LessOrEqual(t, len(received), len(sent), "samples received vs sent")
			assert.GreaterOrEqual(t, len(received), len(sent)-frame, "samples received vs sent")
			assert.Len(t, denoised, len(received), "the Reader's output is as long as its input")

			// The same audio offline: through the codec, and denoised by a
			// Reader after it or a Writer before it.
			coded := codecRoundTrip(t, codec, clip.PCM16LE(sent))
			want := denoiseReader(t, rate, coded)
			got := denoised
			if callerDenoises {
				want = codecRoundTrip(t, codec, denoiseWriter(t, rate, clip.PCM16LE(sent)))
				got = received
			}
			wantF := clip.ToFloat32(clip.FromPCM16LE(want))
			before := stackstest.SISDRAt(t, clean, clip.ToFloat32(clip.FromPCM16LE(coded)), 0)
			after := stackstest.Align(t, clean, got, rate)
			offline := stackstest.SISDRAt(t, clean, wantF, 0)

			t.Logf("%s at %d Hz: %d of %d samples arrived, %d late; SI-SDR %.2f -> %.2f dB (offline %.2f dB)",
				tc.name, rate, len(received), len(sent), after.Lag, before, after.SISDR, offline)
			assert.GreaterOrEqual(t, after.SISDR-before, float64(minGainDB), "SI-SDR gain [dB]")
			assert.InDelta(t, offline, after.SISDR, 0.5, "the call's SI-SDR is the offline one [dB]")
			if !callerDenoises {
				arrived := stackstest.Align(t, clean, received, rate)
				assert.Equal(t, arrived.Lag, after.Lag, "the Reader's output lines up with its input")
			}
			if len(received) == len(sent) && after.Lag == 0 {
				// Nothing lost, nothing late: the network is transparent
				// and the call's result is the offline one, sample for sample.
				assert.Equal(t, wantF, got, "the call's result vs offline")
			}
		})
	}
}

// placeCall runs a callee on a free port of 127.0.0.1 and a caller that
// plays pcm to it with send, and returns what the callee got.
func placeCall(t *testing.T, codec media.Codec, pcm []byte, send playFunc) *call {
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
	require.NoError(t, dial(ctx, caller, to, pcm, send))

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

// codecRoundTrip passes pcm (PCM16LE) through the codec's encoder and
// decoder, as a call does.
func codecRoundTrip(t *testing.T, codec media.Codec, pcm []byte) []byte {
	t.Helper()
	coded := make([]byte, len(pcm)/2)
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
	return decoded
}

// denoiseReader is pcm (PCM16LE) read through denoise.NewReader.
func denoiseReader(t *testing.T, rate int, pcm []byte) []byte {
	t.Helper()
	r, err := denoise.NewReader(bytes.NewReader(pcm), denoise.Config{SampleRate: rate})
	require.NoError(t, err)
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	return out
}

// denoiseWriter is pcm (PCM16LE) written through denoise.NewWriter.
func denoiseWriter(t *testing.T, rate int, pcm []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := denoise.NewWriter(&out, denoise.Config{SampleRate: rate})
	require.NoError(t, err)
	_, err = w.Write(pcm)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return out.Bytes()
}
