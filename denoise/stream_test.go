package denoise

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pcmBytes encodes samples as PCM16LE.
func pcmBytes(x []int16) []byte {
	b := make([]byte, 2*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	}
	return b
}

func pcmNoise(n int, seed uint64) []int16 {
	x := make([]int16, n)
	for i, v := range noiseSignal(n, seed) {
		x[i] = floatToInt16(v)
	}
	return x
}

// referencePCM is what the stream adapters must produce: x through
// ProcessInt16 and DrainInt16, the first Latency() frames dropped.
func referencePCM(t *testing.T, x []int16, cfg Config) []byte {
	t.Helper()
	d := newDenoiser(t, cfg)
	ch := d.Config().Channels
	out := make([]int16, len(x)+d.Latency()*ch)
	d.ProcessInt16(out, x)
	d.DrainInt16(out[len(x):])
	return pcmBytes(out[d.Latency()*ch:])
}

// chunkReader returns the bytes of b in reads of the given sizes, cycled.
type chunkReader struct {
	b     []byte
	sizes []int
	k     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.sizes[r.k%len(r.sizes)], len(r.b))
	r.k++
	copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// readAllIn reads r to the end in reads of the given sizes, cycled.
func readAllIn(r io.Reader, sizes []int) ([]byte, error) {
	var out []byte
	for k := 0; ; k++ {
		buf := make([]byte, sizes[k%len(sizes)])
		n, err := r.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			return out, err
		}
	}
}

var streamCases = []struct {
	rate, channels int
}{{8000, 1}, {48000, 2}, {96000, 1}, {16000, 3}}

func TestReaderMatchesProcessInt16(t *testing.T) {
	for _, tc := range streamCases {
		cfg := Config{SampleRate: tc.rate, Channels: tc.channels}
		x := pcmNoise(tc.rate/5*tc.channels, 40)
		want := referencePCM(t, x, cfg)
		for _, sizes := range [][]int{{1 << 16}, {1}, {3, 5, 7}, {333}} {
			for _, rsizes := range [][]int{{4096}, {1}, {5, 2}} {
				r, err := NewReader(&chunkReader{b: pcmBytes(x), sizes: sizes}, cfg)
				require.NoError(t, err)
				got, err := readAllIn(r, rsizes)
				assert.ErrorIs(t, err, io.EOF)
				require.Equal(t, want, got, "%d Hz × %d, source reads %v, reads %v", tc.rate, tc.channels, sizes, rsizes)
			}
		}
	}
}

func TestReaderWithStandardReaders(t *testing.T) {
	cfg := Config{SampleRate: 16000}
	x := pcmNoise(5000, 41)
	want := referencePCM(t, x, cfg)
	for name, src := range map[string]io.Reader{
		"one byte": iotest.OneByteReader(bytes.NewReader(pcmBytes(x))),
		"half":     iotest.HalfReader(bytes.NewReader(pcmBytes(x))),
		"data+EOF": iotest.DataErrReader(bytes.NewReader(pcmBytes(x))),
	} {
		r, err := NewReader(src, cfg)
		require.NoError(t, err)
		got, err := io.ReadAll(r)
		require.NoError(t, err, name)
		assert.Equal(t, want, got, name)
	}
	r, err := NewReader(bytes.NewReader(pcmBytes(x)), cfg)
	require.NoError(t, err)
	require.NoError(t, iotest.TestReader(r, want))
}

// Streams shorter than the latency, and empty ones, come out as long as
// they went in.
func TestReaderShortStreams(t *testing.T) {
	cfg := Config{SampleRate: 48000}
	for _, n := range []int{0, 1, 10, 959, 960, 961} {
		x := pcmNoise(n, 42)
		r, err := NewReader(bytes.NewReader(pcmBytes(x)), cfg)
		require.NoError(t, err)
		got, err := io.ReadAll(r)
		require.NoError(t, err)
		assert.Equal(t, referencePCM(t, x, cfg), got, "%d samples", n)
	}
}

func TestReaderPartialFrameAtEnd(t *testing.T) {
	cfg := Config{SampleRate: 16000, Channels: 2}
	x := pcmNoise(2*100, 43)
	b := pcmBytes(x)[:400-3] // 99 stereo frames and 1 byte
	r, err := NewReader(bytes.NewReader(b), cfg)
	require.NoError(t, err)
	got, err := io.ReadAll(r)
	assert.ErrorIs(t, err, ErrPartialFrame)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, referencePCM(t, x[:198], cfg), got, "whole frames still come out, tail included")
}

type failingReader struct {
	b   []byte
	err error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, r.err
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func TestReaderPropagatesErrors(t *testing.T) {
	boom := errors.New("connection reset")
	cfg := Config{SampleRate: 8000}
	x := pcmNoise(1000, 44)
	r, err := NewReader(&failingReader{b: pcmBytes(x), err: boom}, cfg)
	require.NoError(t, err)
	got, err := io.ReadAll(r)
	assert.ErrorIs(t, err, boom)
	want := referencePCM(t, x, cfg)
	assert.Equal(t, want[:len(want)-2*r.Denoiser().Latency()], got, "data before the error, without the tail")
	_, err = r.Read(make([]byte, 10))
	assert.ErrorIs(t, err, boom, "the error sticks")

	r, err = NewReader(iotest.ErrReader(nil), cfg) // 0, nil forever
	require.NoError(t, err)
	_, err = r.Read(make([]byte, 10))
	assert.ErrorIs(t, err, io.ErrNoProgress)

	r.Reset(bytes.NewReader(pcmBytes(x)))
	got, err = io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, want, got, "Reset starts afresh")
}

// writeAllIn writes b to w in writes of the given sizes, cycled.
func writeAllIn(t *testing.T, w io.Writer, b []byte, sizes []int) {
	t.Helper()
	for k := 0; len(b) > 0; k++ {
		n := min(sizes[k%len(sizes)], len(b))
		m, err := w.Write(b[:n])
		require.NoError(t, err)
		require.Equal(t, n, m)
		b = b[n:]
	}
}

func TestWriterMatchesProcessInt16(t *testing.T) {
	for _, tc := range streamCases {
		cfg := Config{SampleRate: tc.rate, Channels: tc.channels}
		x := pcmNoise(tc.rate/5*tc.channels, 45)
		want := referencePCM(t, x, cfg)
		for _, sizes := range [][]int{{1 << 16}, {1}, {3, 5, 7}, {961}} {
			var out bytes.Buffer
			w, err := NewWriter(&out, cfg)
			require.NoError(t, err)
			writeAllIn(t, w, pcmBytes(x), sizes)
			require.NoError(t, w.Close())
			require.Equal(t, want, out.Bytes(), "%d Hz × %d, writes %v", tc.rate, tc.channels, sizes)
		}
	}
}

// Flush is compress/flate's: the stream goes on. A call app that flushes
// after every 20 ms packet gets exactly the bytes of one that never
// flushes, so the quality is the same; after each Flush, everything but
// the Latency() frames held back has been written.
func TestWriterFlushKeepsTheStreamGoing(t *testing.T) {
	cfg := Config{SampleRate: 16000}
	x := pcmBytes(pcmNoise(16000, 46))
	want := referencePCM(t, pcmNoise(16000, 46), cfg)
	var out bytes.Buffer
	w, err := NewWriter(&out, cfg)
	require.NoError(t, err)
	const packet = 2 * 320 // 20 ms
	for i := 0; i < len(x); i += packet {
		writeAllIn(t, w, x[i:i+packet], []int{packet})
		require.NoError(t, w.Flush())
		written := max(0, i+packet-2*w.Denoiser().Latency())
		require.Equal(t, want[:written], append([]byte{}, out.Bytes()...), "after the packet at byte %d", i)
	}
	require.NoError(t, w.Close())
	assert.Equal(t, want, out.Bytes())

	_, err = w.Write([]byte{1, 2})
	assert.ErrorIs(t, err, ErrClosed)
	assert.ErrorIs(t, w.Flush(), ErrClosed)
	assert.ErrorIs(t, w.Close(), ErrClosed)
	out.Reset()
	w.Reset(&out)
	writeAllIn(t, w, x[:10], []int{7})
	require.NoError(t, w.Close(), "Reset reopens")
	assert.Equal(t, referencePCM(t, pcmNoise(16000, 46)[:5], cfg), out.Bytes(), "a new stream")
}

func TestWriterPartialFrame(t *testing.T) {
	cfg := Config{SampleRate: 8000, Channels: 2}
	x := pcmNoise(2*50, 48)
	var out bytes.Buffer
	w, err := NewWriter(&out, cfg)
	require.NoError(t, err)
	writeAllIn(t, w, pcmBytes(x)[:200-1], []int{13})
	err = w.Close()
	assert.ErrorIs(t, err, ErrPartialFrame)
	assert.Equal(t, referencePCM(t, x[:98], cfg), out.Bytes())
}

// limitedWriter accepts n bytes, then fails or writes short.
type limitedWriter struct {
	n     int
	err   error
	short bool
}

func (w *limitedWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	k := w.n
	w.n = 0
	if w.short {
		return k, nil
	}
	return k, w.err
}

func TestWriterPropagatesErrors(t *testing.T) {
	boom := errors.New("disk full")
	cfg := Config{SampleRate: 8000}
	x := pcmBytes(pcmNoise(8000, 49))
	for _, lw := range []*limitedWriter{{n: 1000, err: boom}, {n: 1000, short: true}} {
		w, err := NewWriter(lw, cfg)
		require.NoError(t, err)
		n, err := w.Write(x)
		require.Error(t, err)
		assert.Less(t, n, len(x))
		if lw.short {
			assert.ErrorIs(t, err, io.ErrShortWrite)
		} else {
			assert.ErrorIs(t, err, boom)
		}
		_, err2 := w.Write(x[:2])
		assert.Equal(t, err, err2, "the error sticks")
		assert.Equal(t, err, w.Close())
	}
}

func TestStreamsDoNotAllocate(t *testing.T) {
	cfg := Config{SampleRate: 48000}
	src := bytes.NewReader(pcmBytes(pcmNoise(48000, 50)))
	r, err := NewReader(src, cfg)
	require.NoError(t, err)
	w, err := NewWriter(io.Discard, cfg)
	require.NoError(t, err)
	buf := make([]byte, 1920)
	allocs := testing.AllocsPerRun(20, func() {
		src.Seek(0, io.SeekStart)
		r.Reset(src)
		for {
			n, err := r.Read(buf)
			w.Write(buf[:n])
			if err != nil {
				break
			}
		}
		w.Flush()
	})
	assert.Zero(t, allocs)
}

func TestStreamsValidate(t *testing.T) {
	_, err := NewReader(bytes.NewReader(nil), Config{Channels: -1})
	assert.ErrorIs(t, err, ErrChannels)
	_, err = NewWriter(io.Discard, Config{SampleRate: 500000})
	assert.ErrorIs(t, err, ErrSampleRate)
}
