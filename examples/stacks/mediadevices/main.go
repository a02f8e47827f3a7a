// Command mediadevices denoises a pion/mediadevices audio track: it asks
// GetUserMedia for a microphone, installs the Denoise transform on the
// track, reads the denoised chunks and writes them to a WAV file.
//
//	go run ./mediadevices -in ../../testdata/noisy_example.wav -out denoised.wav -format float32
//	go run -tags microphone ./mediadevices -mic -seconds 10 -out denoised.wav
//
// MediaTrackConstraints has no field for an audio transform; a track from
// GetUserMedia is an *mediadevices.AudioTrack, whose Transform method
// installs one for every reader of the track (a PeerConnection's encoder
// included). By default the microphone is a driver that plays a recording
// (filemic.go), so the program runs without sound hardware or cgo; the
// microphone build tag adds mediadevices' own driver (miniaudio through
// malgo, which needs cgo), and -mic picks the system's default microphone.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/pion/mediadevices"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"

	"github.com/hushaudio/hush/denoise"
	"github.com/hushaudio/hush/examples/stacks/internal/clip"
)

func main() {
	in := flag.String("in", "../../testdata/noisy_example.wav", "WAV `file` the stand-in microphone plays")
	format := flag.String("format", string(float32Interleaved), fmt.Sprintf("chunk type of the stand-in microphone: one of %v", sampleFormats))
	channels := flag.Int("channels", 1, "channels of the stand-in microphone (each a copy of the recording)")
	rate := flag.Int("rate", 48000, "sample rate of the stand-in microphone [Hz]")
	realtime := flag.Bool("realtime", false, "hand the recording over at a microphone's pace")
	mic := flag.Bool("mic", false, "use the system's default microphone (build with -tags microphone)")
	seconds := flag.Float64("seconds", 10, "with -mic, how long to record [s]")
	strength := flag.Float64("strength", 0, "the most the denoiser turns noise down [dB] (0: 24)")
	out := flag.String("out", "denoised.wav", "WAV `file` for the denoised track")
	flag.Parse()

	if err := run(*in, sampleFormat(*format), *channels, *rate, *realtime, *mic, *seconds, *strength, *out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(in string, format sampleFormat, channels, rate int, realtime, mic bool, seconds, strength float64, out string) error {
	deviceID := ""
	maxFrames := -1 // until the stand-in microphone's recording ends
	if mic {
		if !haveMicrophone {
			return errors.New("-mic: this build has no microphone driver; build with -tags microphone (cgo and a C compiler)")
		}
		maxFrames = int(seconds * 48000) // mediadevices' microphone driver runs at 48 kHz
	} else {
		x, err := clip.ReadMono(in, rate)
		if err != nil {
			return err
		}
		m, err := newFileMic(x, rate, channels, format, realtime)
		if err != nil {
			return fmt.Errorf("-format, -channels: %w", err)
		}
		if deviceID, err = m.register("hush-file-mic"); err != nil {
			return err
		}
	}

	track, err := openDenoisedTrack(deviceID, denoise.Config{MaxAttenuation: strength})
	if err != nil {
		return err
	}
	defer track.Close()
	x, info, chunkType, err := record(track, maxFrames)
	if err != nil {
		return err
	}
	if err := clip.Write(out, x, info.SamplingRate, info.Channels); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%.2f s of %d Hz, %d channels in %s chunks, denoised to %s\n",
		float64(len(x)/info.Channels)/float64(info.SamplingRate), info.SamplingRate, info.Channels, chunkType, out)
	return nil
}

// openDenoisedTrack asks GetUserMedia for the microphone deviceID (""
// for the default one) and installs the Denoise transform on its track.
func openDenoisedTrack(deviceID string, cfg denoise.Config) (*mediadevices.AudioTrack, error) {
	// docs:begin mediadevices
	stream, err := mediadevices.GetUserMedia(mediadevices.MediaStreamConstraints{
		Audio: func(c *mediadevices.MediaTrackConstraints) {
			if deviceID != "" {
				c.DeviceID = prop.StringExact(deviceID)
			}
		},
	})
	if err != nil {
		return nil, err
	}
	track, ok := stream.GetAudioTracks()[0].(*mediadevices.AudioTrack)
	if !ok {
		return nil, fmt.Errorf("mediadevices gave a %T, not an audio track", stream.GetAudioTracks()[0])
	}
	// Before any reader, a PeerConnection included, takes audio from it.
	// Rate and channels come from the track's chunks.
	track.Transform(Denoise(cfg))
	// docs:end mediadevices
	return track, nil
}

// record reads the track's chunks until it ends or maxFrames frames
// (maxFrames < 0: no limit) and returns them as interleaved float32, with
// the last chunk's size and its type.
func record(track *mediadevices.AudioTrack, maxFrames int) ([]float32, wave.ChunkInfo, string, error) {
	r := track.NewReader(false)
	var x []float32
	var info wave.ChunkInfo
	chunkType := ""
	start := time.Now()
	for maxFrames < 0 || len(x) < maxFrames*max(1, info.Channels) {
		chunk, release, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return x, info, chunkType, fmt.Errorf("mediadevices track, %.1f s in: %w", time.Since(start).Seconds(), err)
		}
		info, chunkType = chunk.ChunkInfo(), fmt.Sprintf("%T", chunk)
		x, err = appendInterleaved(x, chunk)
		release()
		if err != nil {
			return x, info, chunkType, err
		}
	}
	if info.Channels == 0 {
		return nil, info, chunkType, errors.New("mediadevices track ended before its first chunk")
	}
	return x, info, chunkType, nil
}

// appendInterleaved appends chunk's samples to x as interleaved float32.
func appendInterleaved(x []float32, chunk wave.Audio) ([]float32, error) {
	info := chunk.ChunkInfo()
	switch a := chunk.(type) {
	case *wave.Int16Interleaved:
		for _, v := range a.Data[:info.Len*info.Channels] {
			x = append(x, float32(v)/32768)
		}
	case *wave.Float32Interleaved:
		x = append(x, a.Data[:info.Len*info.Channels]...)
	case *wave.Int16NonInterleaved:
		for i := range info.Len {
			for ch := range info.Channels {
				x = append(x, float32(a.Data[ch][i])/32768)
			}
		}
	case *wave.Float32NonInterleaved:
		for i := range info.Len {
			for ch := range info.Channels {
				x = append(x, a.Data[ch][i])
			}
		}
	default:
		return x, fmt.Errorf("cannot record a %T chunk", chunk)
	}
	return x, nil
}
