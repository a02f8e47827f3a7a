package main

import (
	"fmt"
	"testing"

	"github.com/pion/mediadevices/pkg/io/audio"
	"github.com/pion/mediadevices/pkg/wave"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/denoise"
	"github.com/hushaudio/hush/examples/stacks/internal/clip"
	"github.com/hushaudio/hush/examples/stacks/internal/stackstest"
)

// minGainDB is the least SI-SDR gain the denoised track must show on the
// example recording at 3.5 dB SNR. Measured here: 3.46 -> 8.18 dB with
// float32 chunks, 8.15 dB with int16 ones; a chunk type passed through
// undenoised shows +0 dB, which is what the transform this example
// replaces did with float32 chunks.
const minGainDB = 4

// TestTrackDenoisedForEveryChunkType opens a real mediadevices track
// through GetUserMedia on the stand-in microphone, for each chunk type a
// driver can hand over, in stereo, installs the transform as the example
// does, and reads the track. Every type must be denoised (SI-SDR gain),
// both channels alike, and exactly as the Denoiser does it offline.
func TestTrackDenoisedForEveryChunkType(t *testing.T) {
	const rate, channels = 48000, 2
	clean, noisy := stackstest.NoisyRecording(t, rate, 3.5)
	offline := denoiseOffline(t, noisy, rate)
	offline16 := denoiseOffline(t, quantize(noisy), rate)

	for _, format := range sampleFormats {
		t.Run(string(format), func(t *testing.T) {
			m, err := newFileMic(noisy, rate, channels, format, false)
			require.NoError(t, err)
			id, err := m.register("hush-test-" + string(format))
			require.NoError(t, err)
			track, err := openDenoisedTrack(id, denoise.Config{})
			require.NoError(t, err)
			defer track.Close()

			x, info, chunkType, err := record(track, -1)
			require.NoError(t, err)
			require.Equal(t, fmt.Sprintf("%T", m.makeChunk(nil)), chunkType, "the chunk type the track delivered")
			require.Equal(t, wave.ChunkInfo{Len: info.Len, Channels: channels, SamplingRate: rate}, info)
			require.Len(t, x, len(noisy)*channels, "the whole recording came through")
			left, right := deinterleaveStereo(x)
			assert.Equal(t, left, right, "both channels, fed the same, come out the same")

			want, tolerance := offline, 0.0
			if format == int16Interleaved || format == int16NonInterleaved {
				want, tolerance = offline16, 1.0/32768 // one step of rounding on the way out
			}
			assert.InDeltaSlice(t, want, left, tolerance, "the track's output vs the Denoiser's offline")

			// The track's output trails its input by the Denoiser's latency.
			d, err := denoise.New(denoise.Config{SampleRate: rate})
			require.NoError(t, err)
			before := stackstest.SISDRAt(t, clean, noisy, 0)
			after := stackstest.SISDRAt(t, clean, left, d.Latency())
			t.Logf("%s: SI-SDR %.2f -> %.2f dB", format, before, after)
			assert.GreaterOrEqual(t, after-before, float64(minGainDB), "SI-SDR gain [dB]")
		})
	}
}

// TestTransformRefusesWhatItCannotDenoise: a chunk type it does not know,
// or one that does not say its rate, ends the track with an error instead
// of passing through undenoised.
func TestTransformRefusesWhatItCannotDenoise(t *testing.T) {
	for name, chunk := range map[string]wave.Audio{
		"unknown type": &otherAudio{info: wave.ChunkInfo{Len: 480, Channels: 1, SamplingRate: 48000}},
		"no rate":      wave.NewFloat32Interleaved(wave.ChunkInfo{Len: 480, Channels: 1}),
		"short data":   &wave.Int16Interleaved{Data: make([]int16, 100), Size: wave.ChunkInfo{Len: 480, Channels: 1, SamplingRate: 48000}},
		"short plane": &wave.Float32NonInterleaved{Data: [][]float32{make([]float32, 480), make([]float32, 10)},
			Size: wave.ChunkInfo{Len: 480, Channels: 2, SamplingRate: 48000}},
	} {
		t.Run(name, func(t *testing.T) {
			released := false
			src := audio.ReaderFunc(func() (wave.Audio, func(), error) {
				return chunk, func() { released = true }, nil
			})
			got, release, err := Denoise(denoise.Config{})(src).Read()
			require.Error(t, err)
			t.Log(err)
			assert.Nil(t, got, "no chunk with an error")
			assert.NotNil(t, release)
			assert.True(t, released, "the source's chunk is released")
			if name == "unknown type" {
				assert.ErrorIs(t, err, errChunkType)
				assert.Contains(t, err.Error(), "*main.otherAudio")
			}
		})
	}
}

// TestTransformAllocatesNothingPerChunk: after the first chunk, which
// makes the Denoiser and the scratch buffers, denoising a chunk allocates
// nothing, as an audio path must not.
func TestTransformAllocatesNothingPerChunk(t *testing.T) {
	info := wave.ChunkInfo{Len: 960, Channels: 2, SamplingRate: 48000}
	for _, chunk := range []wave.Audio{
		wave.NewInt16Interleaved(info), wave.NewFloat32Interleaved(info),
		wave.NewInt16NonInterleaved(info), wave.NewFloat32NonInterleaved(info),
	} {
		t.Run(fmt.Sprintf("%T", chunk), func(t *testing.T) {
			c := &chunkDenoiser{}
			require.NoError(t, c.denoise(chunk))
			allocs := testing.AllocsPerRun(50, func() {
				if err := c.denoise(chunk); err != nil {
					t.Fatal(err)
				}
			})
			assert.Zero(t, allocs, "allocations per chunk")
		})
	}
}

// TestTransformFollowsAFormatChange: a chunk of another rate starts a new
// stream with a Denoiser for that rate rather than denoising it as if it
// had the old one.
func TestTransformFollowsAFormatChange(t *testing.T) {
	c := &chunkDenoiser{}
	require.NoError(t, c.denoise(wave.NewFloat32Interleaved(wave.ChunkInfo{Len: 480, Channels: 1, SamplingRate: 48000})))
	require.Equal(t, 48000, c.d.Config().SampleRate)
	require.NoError(t, c.denoise(wave.NewFloat32Interleaved(wave.ChunkInfo{Len: 160, Channels: 2, SamplingRate: 16000})))
	assert.Equal(t, 16000, c.d.Config().SampleRate)
	assert.Equal(t, 2, c.d.Config().Channels)
}

// otherAudio is a chunk type the transform does not know.
type otherAudio struct{ info wave.ChunkInfo }

func (a *otherAudio) SampleFormat() wave.SampleFormat { return wave.Float32SampleFormat }
func (a *otherAudio) ChunkInfo() wave.ChunkInfo       { return a.info }
func (a *otherAudio) At(i, ch int) wave.Sample        { return wave.Float32Sample(0) }

// denoiseOffline is the Denoiser's output for x, mono, in one call: what
// the track must deliver, its first Latency() samples silent.
func denoiseOffline(t *testing.T, x []float32, rate int) []float32 {
	t.Helper()
	d, err := denoise.New(denoise.Config{SampleRate: rate})
	require.NoError(t, err)
	y := make([]float32, len(x))
	d.Process(y, x)
	return y
}

// quantize rounds x to 16-bit steps, as the stand-in microphone's int16
// chunks do, and back.
func quantize(x []float32) []float32 {
	y := make([]float32, len(x))
	for i, v := range x {
		y[i] = float32(clip.Int16(v)) / 32768
	}
	return y
}

func deinterleaveStereo(x []float32) (left, right []float32) {
	left, right = make([]float32, len(x)/2), make([]float32, len(x)/2)
	for i := range left {
		left[i], right[i] = x[2*i], x[2*i+1]
	}
	return left, right
}
