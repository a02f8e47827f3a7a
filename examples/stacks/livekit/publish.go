package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/livekit/media-sdk"
	lkmedia "github.com/livekit/server-sdk-go/v2/pkg/media"
	"github.com/pion/webrtc/v4"

	"github.com/hushaudio/hush/denoise"
)

// rate is the rate of the example's audio [Hz]: Opus's and LiveKit's.
const rate = 48000

// boundTrack is a PCMLocalTrack that says when a PeerConnection has bound
// it: until then WriteSample drops what it is given, without an error.
type boundTrack struct {
	*lkmedia.PCMLocalTrack
	once  sync.Once
	bound chan struct{}
}

// signalBind wraps track to say when it is bound; publish the wrapper.
func signalBind(track *lkmedia.PCMLocalTrack) *boundTrack {
	return &boundTrack{PCMLocalTrack: track, bound: make(chan struct{})}
}

// Bind is the PCMLocalTrack's, and marks the track bound.
func (t *boundTrack) Bind(ctx webrtc.TrackLocalContext) (webrtc.RTPCodecParameters, error) {
	p, err := t.PCMLocalTrack.Bind(ctx)
	if err == nil {
		t.once.Do(func() { close(t.bound) })
	}
	return p, err
}

// waitBound waits until a PeerConnection has bound t.
func (t *boundTrack) waitBound(ctx context.Context) error {
	select {
	case <-t.bound:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("livekit: the track was never bound to a connection: %w", ctx.Err())
	}
}

// sendFunc sends the frames of mic on a track until mic is closed.
type sendFunc func(track *lkmedia.PCMLocalTrack, mic <-chan media.PCM16Sample) error

// sendDenoised denoises the frames of mic, 10 or 20 ms of 48 kHz mono
// PCM16 each, and writes them to the track; when mic is closed it waits
// until the track has taken them all.
func sendDenoised(track *lkmedia.PCMLocalTrack, mic <-chan media.PCM16Sample) error {
	// docs:begin livekit
	d, err := denoise.New(denoise.Config{SampleRate: 48000}) // one per track
	if err != nil {
		return err
	}
	for frame := range mic { // media.PCM16Sample, 10 or 20 ms
		d.ProcessInt16(frame, frame)                     // in place; the output is 20 ms late
		if err := track.WriteSample(frame); err != nil { // the track copies it
			return err
		}
	}
	track.WaitForPlayout() // until the track has taken the last frame
	// docs:end livekit
	return nil
}

// frames hands x over in frames of frameDur on a channel, at real-time
// pace like a microphone when realtime is set, then closes it.
func frames(ctx context.Context, x []int16, frameDur time.Duration, realtime bool) <-chan media.PCM16Sample {
	n := int(int64(rate) * int64(frameDur) / int64(time.Second))
	ch := make(chan media.PCM16Sample, 8)
	go func() {
		defer close(ch)
		tick := time.NewTicker(frameDur)
		defer tick.Stop()
		for start := 0; start < len(x); start += n {
			frame := make(media.PCM16Sample, n) // the last one padded with silence
			copy(frame, x[start:])
			select {
			case ch <- frame:
			case <-ctx.Done():
				return
			}
			if realtime {
				select {
				case <-tick.C:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return ch
}
