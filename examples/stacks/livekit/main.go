// Command livekit denoises the audio a LiveKit participant publishes: 48 kHz
// mono PCM16 in frames of 10 or 20 ms, each denoised in place before it is
// written to a PCMLocalTrack (server-sdk-go's, on media-sdk), which encodes
// it to Opus.
//
//	go run ./livekit -in ../../testdata/noisy_example.wav -out received.wav
//	go run ./livekit -url wss://HOST -api-key KEY -api-secret SECRET -room ROOM -in speech.wav
//
// Without -url it needs no server: it sends the track over a WebRTC
// connection to a second one in the same process, on 127.0.0.1, which
// decodes it with a PCMRemoteTrack, and writes what arrived to -out. With
// -url it joins the room and publishes the denoised track there. Opus and
// the resampler are C libraries (cgo): libopus-dev, libopusfile-dev and
// libsoxr-dev on Debian.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/livekit/protocol/logger"
	lksdk "github.com/livekit/server-sdk-go/v2"
	lkmedia "github.com/livekit/server-sdk-go/v2/pkg/media"

	"github.com/hushaudio/hush/examples/stacks/internal/clip"
)

func main() {
	in := flag.String("in", "../../testdata/noisy_example.wav", "WAV `file` to send (any rate; resampled to 48 kHz)")
	out := flag.String("out", "received.wav", "without -url: WAV `file` for what the receiving end decoded")
	frame := flag.Duration("frame", 20*time.Millisecond, "frame length: 10ms or 20ms")
	url := flag.String("url", "", "LiveKit server to publish to (without: a loopback connection in this process)")
	apiKey := flag.String("api-key", os.Getenv("LIVEKIT_API_KEY"), "with -url: API key")
	apiSecret := flag.String("api-secret", os.Getenv("LIVEKIT_API_SECRET"), "with -url: API secret")
	room := flag.String("room", "hush", "with -url: room to join")
	identity := flag.String("identity", "hush-denoised", "with -url: participant identity")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if *url == "" {
		err = runLoopback(ctx, *in, *out, *frame)
	} else {
		err = runRoom(ctx, *in, *frame, *url, lksdk.ConnectInfo{
			APIKey: *apiKey, APISecret: *apiSecret, RoomName: *room, ParticipantIdentity: *identity,
		})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func checkFrame(frame time.Duration) error {
	if frame != 10*time.Millisecond && frame != 20*time.Millisecond {
		return fmt.Errorf("-frame %v: want 10ms or 20ms", frame)
	}
	return nil
}

// runLoopback sends the recording over a loopback connection, real-time
// paced, and writes what the other end decoded.
func runLoopback(ctx context.Context, in, out string, frame time.Duration) error {
	if err := checkFrame(frame); err != nil {
		return err
	}
	x, err := clip.ReadMonoInt16(in, rate)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(len(x))*time.Second/rate+30*time.Second)
	defer cancel()
	got, err := loopback(ctx, x, frame, true, sendDenoised)
	if err != nil {
		return err
	}
	if err := clip.WriteMonoInt16(out, got, rate); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "sent %.2f s denoised, received %.2f s: %s\n",
		float64(len(x))/rate, float64(len(got))/rate, out)
	return nil
}

// runRoom joins a LiveKit room, publishes the denoised recording as a
// microphone track, real-time paced, and leaves.
func runRoom(ctx context.Context, in string, frame time.Duration, url string, info lksdk.ConnectInfo) error {
	if err := checkFrame(frame); err != nil {
		return err
	}
	x, err := clip.ReadMonoInt16(in, rate)
	if err != nil {
		return err
	}
	// docs:begin livekit-publish
	track, err := lkmedia.NewPCMLocalTrack(48000, 1, logger.GetLogger()) // mono PCM16 in, Opus out
	if err != nil {
		return err
	}
	defer track.Close() // sends what is still queued, then ends the track
	room, err := lksdk.ConnectToRoom(url, info, &lksdk.RoomCallback{})
	if err != nil {
		return err
	}
	defer room.Disconnect()
	bound := signalBind(track) // WriteSample drops samples, without an error, until bound
	if _, err := room.LocalParticipant.PublishTrack(bound, &lksdk.TrackPublicationOptions{Name: "microphone (denoised)"}); err != nil {
		return err
	}
	// docs:end livekit-publish

	if err := bound.waitBound(ctx); err != nil {
		return err
	}
	logger.Infow("publishing", "room", info.RoomName, "seconds", float64(len(x))/rate)
	return sendDenoised(track, frames(ctx, x, frame, true))
}
