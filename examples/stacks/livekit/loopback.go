package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/livekit/media-sdk"
	"github.com/livekit/protocol/logger"
	lkmedia "github.com/livekit/server-sdk-go/v2/pkg/media"
	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
)

// loopback sends x (48 kHz mono PCM16) in frames of frameDur with send on
// a PCMLocalTrack over a PeerConnection to a second one in this process,
// which decodes it with a PCMRemoteTrack, and returns what arrived. It is
// the path between two LiveKit participants without the server in the
// middle: the same tracks, Opus, RTP and jitter buffer, over 127.0.0.1.
func loopback(ctx context.Context, x []int16, frameDur time.Duration, realtime bool, send sendFunc) ([]int16, error) {
	api := loopbackAPI()
	pub, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, fmt.Errorf("livekit loopback: %w", err)
	}
	defer pub.Close()
	sub, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, fmt.Errorf("livekit loopback: %w", err)
	}
	defer sub.Close()

	pcm, err := lkmedia.NewPCMLocalTrack(rate, 1, logger.GetLogger())
	if err != nil {
		return nil, fmt.Errorf("livekit loopback: %w", err)
	}
	defer pcm.Close()
	track := signalBind(pcm)
	sender, err := pub.AddTrack(track)
	if err != nil {
		return nil, fmt.Errorf("livekit loopback: adding the track: %w", err)
	}
	go drainRTCP(sender)

	rec := &recorder{}
	remoteErr := make(chan error, 1)
	var remote *lkmedia.PCMRemoteTrack
	var remoteMu sync.Mutex
	sub.OnTrack(func(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
		r, err := lkmedia.NewPCMRemoteTrack(t, rec, lkmedia.WithTargetSampleRate(rate))
		remoteMu.Lock()
		remote = r
		remoteMu.Unlock()
		remoteErr <- err
	})
	defer func() {
		remoteMu.Lock()
		defer remoteMu.Unlock()
		if remote != nil {
			remote.Close()
		}
	}()

	if err := connect(pub, sub); err != nil {
		return nil, err
	}
	if err := track.waitBound(ctx); err != nil {
		return nil, err
	}
	// Bound, the track sends silence until it is given audio; the other
	// end makes its PCMRemoteTrack on the first packet. Audio sent before
	// that would be lost to the join, as a late subscriber misses the
	// start of a room's track.
	select {
	case err := <-remoteErr:
		if err != nil {
			return nil, fmt.Errorf("livekit loopback: receiving: %w", err)
		}
	case <-ctx.Done():
		return nil, fmt.Errorf("livekit loopback: no track arrived: %w", ctx.Err())
	}
	if err := send(track.PCMLocalTrack, frames(ctx, x, frameDur, realtime)); err != nil {
		return nil, fmt.Errorf("livekit loopback: sending: %w", err)
	}
	// The track has handed its last frame to the encoder. Until closed it
	// would go on sending silence; what is in flight arrives within the
	// jitter buffer's delay.
	track.Close()
	rec.waitQuiet(ctx, 300*time.Millisecond)
	got := rec.samples()
	if len(got) == 0 {
		return nil, errNoAudio
	}
	return got, nil
}

// loopbackAPI is a WebRTC API whose connections use 127.0.0.1 alone: no
// other interface, no mDNS, no STUN.
func loopbackAPI() *webrtc.API {
	var m webrtc.MediaEngine
	if err := m.RegisterDefaultCodecs(); err != nil {
		panic(err) // the default codecs always register
	}
	var s webrtc.SettingEngine
	s.SetIncludeLoopbackCandidate(true)
	s.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	return webrtc.NewAPI(webrtc.WithMediaEngine(&m), webrtc.WithSettingEngine(s))
}

// connect negotiates pub's offer with sub's answer, all candidates
// gathered first (no trickle: both ends are here).
func connect(pub, sub *webrtc.PeerConnection) error {
	offer, err := pub.CreateOffer(nil)
	if err != nil {
		return fmt.Errorf("livekit loopback: offer: %w", err)
	}
	gathered := webrtc.GatheringCompletePromise(pub)
	if err := pub.SetLocalDescription(offer); err != nil {
		return fmt.Errorf("livekit loopback: offer: %w", err)
	}
	<-gathered
	if err := sub.SetRemoteDescription(*pub.LocalDescription()); err != nil {
		return fmt.Errorf("livekit loopback: offer: %w", err)
	}
	answer, err := sub.CreateAnswer(nil)
	if err != nil {
		return fmt.Errorf("livekit loopback: answer: %w", err)
	}
	gathered = webrtc.GatheringCompletePromise(sub)
	if err := sub.SetLocalDescription(answer); err != nil {
		return fmt.Errorf("livekit loopback: answer: %w", err)
	}
	<-gathered
	if err := pub.SetRemoteDescription(*sub.LocalDescription()); err != nil {
		return fmt.Errorf("livekit loopback: answer: %w", err)
	}
	return nil
}

// drainRTCP reads the RTCP the receiver sends back, as a sender must for
// its interceptors to run.
func drainRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}

// recorder keeps the PCM16 a PCMRemoteTrack writes to it.
type recorder struct {
	mu   sync.Mutex
	x    []int16
	last time.Time
}

func (r *recorder) WriteSample(s media.PCM16Sample) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.x = append(r.x, s...)
	r.last = time.Now()
	return nil
}

func (r *recorder) Close() error { return nil }

func (r *recorder) samples() []int16 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]int16(nil), r.x...)
}

// waitQuiet waits until nothing has been written for quiet, or ctx ends.
func (r *recorder) waitQuiet(ctx context.Context, quiet time.Duration) {
	for {
		r.mu.Lock()
		since := time.Since(r.last)
		r.mu.Unlock()
		if since >= quiet {
			return
		}
		select {
		case <-time.After(quiet - since):
		case <-ctx.Done():
			return
		}
	}
}

var errNoAudio = errors.New("livekit: no audio arrived")
