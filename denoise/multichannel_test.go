package denoise

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func interleave(chans [][]float32) []float32 {
	out := make([]float32, len(chans)*len(chans[0]))
	for c, x := range chans {
		for i, v := range x {
			out[i*len(chans)+c] = v
		}
	}
	return out
}

func channelOf(x []float32, c, channels int) []float32 {
	out := make([]float32, len(x)/channels)
	for i := range out {
		out[i] = x[i*channels+c]
	}
	return out
}

func TestNewMultiValidates(t *testing.T) {
	for _, ch := range []int{-1, 0, MaxChannels + 1} {
		_, err := NewMulti(Config{}, ch)
		assert.ErrorIs(t, err, ErrChannels, "%d channels", ch)
	}
	_, err := NewMulti(Config{SampleRate: 4000}, 2)
	assert.ErrorIs(t, err, ErrSampleRate)
}

// Each channel of a Multi is exactly the mono Filter on that channel,
// whatever the chunking, in place or not, natively and resampled.
func TestMultiEqualsMonoPerChannel(t *testing.T) {
	for _, tc := range []struct{ rate, channels int }{{48000, 2}, {16000, 3}, {96000, 2}, {8000, 1}} {
		chans := make([][]float32, tc.channels)
		for c := range chans {
			chans[c] = noiseSignal(tc.rate/4, uint64(20+c))
		}
		m, err := NewMulti(Config{SampleRate: tc.rate}, tc.channels)
		require.NoError(t, err)
		x := interleave(chans)
		out := make([]float32, len(x)+m.Latency()*tc.channels)
		copy(out, x)
		// In place, in chunks of 1, 7 and 300 frames.
		for pos, k := 0, 0; pos < len(x); k++ {
			n := min([]int{1, 7, 300}[k%3]*tc.channels, len(x)-pos)
			m.Process(out[pos:pos+n], out[pos:pos+n])
			pos += n
		}
		require.Equal(t, m.Latency()*tc.channels, m.Flush(out[len(x):]))
		for c := range chans {
			f, err := NewFilter(Config{SampleRate: tc.rate})
			require.NoError(t, err)
			want := filterAll(t, f, chans[c], []int{480})
			got := channelOf(out[m.Latency()*tc.channels:], c, tc.channels)
			assert.Equal(t, want, got, "%d Hz, channel %d of %d", tc.rate, c, tc.channels)
		}
	}
}

func TestMultiInt16EqualsMonoPerChannel(t *testing.T) {
	const rate, channels = 48000, 2
	x := make([]int16, rate/2*channels)
	for i, v := range noiseSignal(len(x), 30) {
		x[i] = floatToInt16(v)
	}
	m, err := NewMulti(Config{SampleRate: rate}, channels)
	require.NoError(t, err)
	out := make([]int16, len(x)+m.Latency()*channels)
	m.ProcessInt16(out, x)
	m.FlushInt16(out[len(x):])
	for c := range channels {
		d, err := New(Config{SampleRate: rate})
		require.NoError(t, err)
		mono := make([]int16, len(x)/channels+d.Latency())
		for i := range len(x) / channels {
			mono[i] = x[i*channels+c]
		}
		d.ProcessInt16(mono, mono[:len(x)/channels])
		d.FlushInt16(mono[len(x)/channels:])
		for i, v := range mono {
			require.Equal(t, v, out[i*channels+c], "channel %d sample %d", c, i)
		}
	}
}

func TestMultiPanicsOnPartialFrames(t *testing.T) {
	m, err := NewMulti(Config{SampleRate: 16000}, 2)
	require.NoError(t, err)
	assert.Panics(t, func() { m.Process(make([]float32, 4), make([]float32, 3)) })
	assert.Panics(t, func() { m.ProcessInt16(make([]int16, 2), make([]int16, 4)) })
	assert.Panics(t, func() { m.Flush(make([]float32, m.Latency())) })
}

func TestMultiDoesNotAllocate(t *testing.T) {
	for _, rate := range []int{48000, 96000} {
		m, err := NewMulti(Config{SampleRate: rate}, 2)
		require.NoError(t, err)
		x := noiseSignal(2*1000, 31)
		y := make([]float32, 2*(1000+m.Latency()))
		x16 := make([]int16, 2*333)
		allocs := testing.AllocsPerRun(10, func() {
			m.Process(y, x)
			m.ProcessInt16(x16, x16)
			m.Flush(y)
			m.Reset()
		})
		assert.Zero(t, allocs, "%d Hz", rate)
	}
}
