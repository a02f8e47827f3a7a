package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"

	"github.com/emiago/diago"
	"github.com/emiago/diago/audio"
	"github.com/emiago/diago/media"
	"github.com/emiago/sipgo"
	"github.com/emiago/sipgo/sip"

	"github.com/hushaudio/hush/denoise"
)

// codecByName returns the G.711 codec of an SDP name, pcmu or pcma.
func codecByName(name string) (media.Codec, error) {
	switch name {
	case "pcmu":
		return media.CodecAudioUlaw, nil
	case "pcma":
		return media.CodecAudioAlaw, nil
	}
	return media.Codec{}, fmt.Errorf("codec %q: want pcmu or pcma", name)
}

// userAgent is one diago user agent on UDP at host:port (port 0: any).
type userAgent struct {
	ua *sipgo.UserAgent
	dg *diago.Diago
}

func newUserAgent(host string, port int, codec media.Codec, log *slog.Logger) (*userAgent, error) {
	ua, err := sipgo.NewUA(sipgo.WithUserAgent("hush-example"))
	if err != nil {
		return nil, fmt.Errorf("sip: creating a user agent: %w", err)
	}
	dg := diago.NewDiago(ua,
		diago.WithLogger(log),
		diago.WithTransport(diago.Transport{Transport: "udp", BindHost: host, BindPort: port}),
		diago.WithMediaConfig(diago.MediaConfig{Codecs: []media.Codec{codec}}),
	)
	return &userAgent{ua: ua, dg: dg}, nil
}

func (u *userAgent) Close() error { return u.ua.Close() }

// call is one answered call's audio as the callee got it.
type call struct {
	Rate     int    // [Hz], the codec's
	Codec    string // the codec's SDP name
	Received []byte // the decoded PCM16LE, before the denoiser
	Denoised []byte // the same, denoised: as long and aligned with it
}

// answer answers an incoming call and denoises what the caller sends until
// they hang up. Each call gets its own Denoiser, inside denoise.NewReader.
func answer(in *diago.DialogServerSession) (*call, error) {
	if err := in.Trying(); err != nil {
		return nil, fmt.Errorf("sip: sending 100 Trying: %w", err)
	}
	// docs:begin sip-answer
	med, err := in.Answer(diago.AnswerOptions{}) // med is the call's *diago.DialogMedia
	if err != nil {
		return nil, err
	}
	defer med.Close()

	var props diago.MediaProps // AudioReader fills it in with the codec the SDP settled on
	rtp, err := med.AudioReader(diago.WithAudioReaderMediaProps(&props))
	if err != nil {
		return nil, err
	}
	// G.711 payloads in, PCM16LE at the codec's rate (8 kHz) out
	pcm, err := audio.NewPCMDecoderReader(props.Codec.PayloadType, rtp)
	if err != nil {
		return nil, err
	}
	// docs:end sip-answer

	c := &call{Rate: int(props.Codec.SampleRate), Codec: props.Codec.Name}
	received := bytes.NewBuffer(nil)
	decoded := io.TeeReader(pcm, received) // the caller's audio as it arrived, to compare
	var denoised bytes.Buffer

	// docs:begin sip-denoise
	r, err := denoise.NewReader(decoded, denoise.Config{SampleRate: int(props.Codec.SampleRate)})
	if err != nil {
		return nil, err
	}
	_, err = io.Copy(&denoised, r) // or to a recorder, speech-to-text, a bridge
	// docs:end sip-denoise

	// diago's RTP reader turns the socket closed by the hang-up into
	// io.EOF, on which the Reader appends the denoised tail and io.Copy
	// returns nil: any error here cut the call short.
	c.Received, c.Denoised = received.Bytes(), denoised.Bytes()
	if err != nil {
		return c, fmt.Errorf("sip: reading the call's audio: %w", err)
	}
	return c, nil
}

// playFunc sends pcm, PCM16LE at the codec's rate, on an answered call.
type playFunc func(med *diago.DialogMedia, pcm []byte) error

// dial calls to, plays pcm with play and hangs up.
func dial(ctx context.Context, u *userAgent, to sip.Uri, pcm []byte, play playFunc) error {
	dialog, med, err := u.dg.Invite(ctx, to, diago.InviteOptions{}) // med: the *diago.DialogMedia
	if err != nil {
		return fmt.Errorf("sip: calling %s: %w", to.String(), err)
	}
	defer dialog.Close()
	defer med.Close()
	if err := play(med, pcm); err != nil {
		return fmt.Errorf("sip: playing to %s: %w", to.String(), err)
	}
	if err := dialog.Hangup(ctx); err != nil {
		return fmt.Errorf("sip: hanging up: %w", err)
	}
	return nil
}

// play sends pcm as it is: diago's playback encodes it to the codec and
// paces it at 20 ms a packet.
func play(med *diago.DialogMedia, pcm []byte) error {
	pb, err := med.PlaybackCreate()
	if err != nil {
		return err
	}
	_, err = pb.Play(bytes.NewReader(pcm), "audio/pcm")
	return err
}

// playDenoised denoises pcm on its way out: a Writer in front of diago's
// encoder, for a caller that cleans what it sends rather than leave it to
// the other end.
func playDenoised(med *diago.DialogMedia, pcm []byte) error {
	// docs:begin sip-send
	var props diago.MediaProps // AudioWriter fills it in with the codec the SDP settled on
	rtp, err := med.AudioWriter(diago.WithAudioWriterMediaProps(&props))
	if err != nil {
		return err
	}
	// PCM16LE at the codec's rate in, G.711 payloads out, one per write
	enc, err := audio.NewPCMEncoderWriter(props.Codec.PayloadType, rtp)
	if err != nil {
		return err
	}
	w, err := denoise.NewWriter(enc, denoise.Config{SampleRate: int(props.Codec.SampleRate)})
	if err != nil {
		return err
	}
	frame := 2 * int(props.Codec.SampleRate) / 50 // bytes in 20 ms: one RTP packet
	for len(pcm) > 0 {
		n := min(frame, len(pcm))
		if _, err := w.Write(pcm[:n]); err != nil { // paced by the RTP writer
			return err
		}
		pcm = pcm[n:]
	}
	return w.Close() // sends the last 20 ms, which the Denoiser held
	// docs:end sip-send
}

// splitHostPort parses "host:port" with a numeric port.
func splitHostPort(hostport string) (string, int, error) {
	host, p, err := net.SplitHostPort(hostport)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, fmt.Errorf("port %q is not a number", p)
	}
	return host, port, nil
}
