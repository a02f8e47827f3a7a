package main

import (
	"errors"
	"fmt"

	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/wave"

	"github.com/hushaudio/hush/denoise"
)

// errChunkType means a chunk in a sample format the transform does not
// know, which it refuses rather than pass on undenoised.
var errChunkType = errors.New("hush: audio chunk type not denoised")

// docs:begin mediadevices-transform
// Denoise returns a mediadevices audio transform that denoises every chunk
// of a track in place with one Denoiser, made for the rate and channels the
// chunks have (a new one if they change). It handles the four chunk types package wave has
// (int16 and float32, interleaved or not); any other type ends the track
// with an error wrapping errChunkType, so that no audio passes undenoised
// without a word.
func Denoise(cfg denoise.Config) audio.TransformFunc {
	return func(r audio.Reader) audio.Reader {
		c := &chunkDenoiser{cfg: cfg}
		return audio.ReaderFunc(func() (wave.Audio, func(), error) {
			chunk, release, err := r.Read()
			if err != nil {
				return nil, func() {}, err
			}
			if err := c.denoise(chunk); err != nil {
				release()
				return nil, func() {}, err
			}
			return chunk, release, nil
		})
	}
}

// docs:end mediadevices-transform

// chunkDenoiser denoises the chunks of one track.
type chunkDenoiser struct {
	cfg  denoise.Config
	d    *denoise.Denoiser
	info wave.ChunkInfo // rate and channels d was made for

	// Interleaved scratch for the non-interleaved types, grown to the
	// largest chunk seen.
	i16 []int16
	f32 []float32
}

// denoise denoises chunk in place, making or remaking the Denoiser when
// the chunk's rate or channels differ from the last one's (a new stream).
func (c *chunkDenoiser) denoise(chunk wave.Audio) error {
	info := chunk.ChunkInfo()
	if err := c.prepare(info); err != nil {
		return err
	}
	n := info.Len * info.Channels
	switch a := chunk.(type) {
	case *wave.Int16Interleaved:
		if len(a.Data) < n {
			return shortChunk(a, len(a.Data), n)
		}
		c.d.ProcessInt16(a.Data[:n], a.Data[:n])
	case *wave.Float32Interleaved:
		if len(a.Data) < n {
			return shortChunk(a, len(a.Data), n)
		}
		c.d.Process(a.Data[:n], a.Data[:n])
	case *wave.Int16NonInterleaved:
		if err := checkPlanes(a, a.Data, info); err != nil {
			return err
		}
		c.i16 = grow(c.i16, n)
		interleave(c.i16[:n], a.Data, info.Len)
		c.d.ProcessInt16(c.i16[:n], c.i16[:n])
		deinterleave(a.Data, c.i16[:n], info.Len)
	case *wave.Float32NonInterleaved:
		if err := checkPlanes(a, a.Data, info); err != nil {
			return err
		}
		c.f32 = grow(c.f32, n)
		interleave(c.f32[:n], a.Data, info.Len)
		c.d.Process(c.f32[:n], c.f32[:n])
		deinterleave(a.Data, c.f32[:n], info.Len)
	default:
		return fmt.Errorf("%w: %T (%d Hz, %d channels); convert the track to int16 or float32 samples before this transform",
			errChunkType, chunk, info.SamplingRate, info.Channels)
	}
	return nil
}

// prepare makes sure c.d fits chunks of info's rate and channels.
func (c *chunkDenoiser) prepare(info wave.ChunkInfo) error {
	if c.d != nil && info.SamplingRate == c.info.SamplingRate && info.Channels == c.info.Channels {
		return nil
	}
	if info.SamplingRate <= 0 || info.Channels <= 0 {
		// A zero rate would silently mean the Denoiser's default, 48 kHz.
		return fmt.Errorf("hush: audio chunk of %d Hz and %d channels: the source must say its rate and channels", info.SamplingRate, info.Channels)
	}
	cfg := c.cfg
	cfg.SampleRate, cfg.Channels = info.SamplingRate, info.Channels
	d, err := denoise.New(cfg)
	if err != nil {
		return fmt.Errorf("hush: audio chunk of %d Hz and %d channels: %w", info.SamplingRate, info.Channels, err)
	}
	c.d, c.info = d, info
	return nil
}

func shortChunk(chunk wave.Audio, have, want int) error {
	return fmt.Errorf("hush: %T holds %d samples, its ChunkInfo says %d", chunk, have, want)
}

// checkPlanes checks that a non-interleaved chunk has a plane of info.Len
// samples for each channel.
func checkPlanes[T any](chunk wave.Audio, planes [][]T, info wave.ChunkInfo) error {
	if len(planes) != info.Channels {
		return fmt.Errorf("hush: %T has %d channels, its ChunkInfo says %d", chunk, len(planes), info.Channels)
	}
	for ch, p := range planes {
		if len(p) < info.Len {
			return fmt.Errorf("hush: channel %d of %T holds %d samples, its ChunkInfo says %d", ch, chunk, len(p), info.Len)
		}
	}
	return nil
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// interleave writes frames of planes into dst as L R L R ...
func interleave[T any](dst []T, planes [][]T, frames int) {
	channels := len(planes)
	for ch, p := range planes {
		for i, v := range p[:frames] {
			dst[i*channels+ch] = v
		}
	}
}

// deinterleave is the inverse of interleave.
func deinterleave[T any](planes [][]T, src []T, frames int) {
	channels := len(planes)
	for ch, p := range planes {
		for i := range p[:frames] {
			p[i] = src[i*channels+ch]
		}
	}
}
