package wav

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// RF64 output. The 4 GiB limit is a parameter of newWriter so that these
// tests cross it with a few kilobytes; one test crosses the real limit
// without storing the data.

// rf64Sizes holds what a ds64 chunk says.
type rf64Sizes struct{ riff, data, frames uint64 }

// readDS64 checks that file is RF64 with a ds64 chunk first and returns
// its sizes.
func readDS64(t *testing.T, file []byte) rf64Sizes {
	t.Helper()
	le := binary.LittleEndian
	require.Equal(t, "RF64", string(file[:4]))
	require.Equal(t, uint32(0xFFFFFFFF), le.Uint32(file[4:]), "RIFF size is in ds64")
	require.Equal(t, "WAVEds64", string(file[8:16]))
	require.Equal(t, uint32(28), le.Uint32(file[16:]))
	return rf64Sizes{le.Uint64(file[20:]), le.Uint64(file[28:]), le.Uint64(file[36:])}
}

// checkReaders reads file with our Reader, and with sox and ffmpeg where
// they are installed, and checks that all three give want.
func checkReaders(t *testing.T, file []byte, f Format, want []float32) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, f, r.Format())
	assert.Equal(t, want, readAll(t, r, 100))
	if testing.Short() {
		return
	}
	path := filepath.Join(t.TempDir(), "x.wav")
	require.NoError(t, os.WriteFile(path, file, 0o644))
	for _, tool := range []string{"sox", "ffmpeg"} {
		if _, err := exec.LookPath(tool); err != nil {
			continue
		}
		var raw []byte
		if tool == "sox" {
			raw = runOut(t, "sox", path, "-t", "f32", "-")
		} else {
			raw = runOut(t, "ffmpeg", "-v", "error", "-i", path, "-f", "f32le", "-")
		}
		got := make([]float32, len(raw)/4)
		require.NoError(t, binary.Read(bytes.NewReader(raw), binary.LittleEndian, got))
		assert.Equal(t, want, got, "%s reads the file as we do", tool)
	}
}

func TestRF64OnFileWhenDataPassesLimit(t *testing.T) {
	for _, f := range []Format{
		{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 16},
		{SampleRate: 8000, Channels: 3, Encoding: PCM, BitsPerSample: 24},
		{SampleRate: 8000, Channels: 1, Encoding: MuLaw, BitsPerSample: 8},
	} {
		t.Run(f.String(), func(t *testing.T) {
			const limit = 4000
			want := exactSamples(randFor(t), f, 5001*f.Channels) // over the limit in every format, odd for 8-bit
			path := filepath.Join(t.TempDir(), "big.wav")
			file, err := os.Create(path)
			require.NoError(t, err)
			defer file.Close()
			w, err := newWriter(file, f, -1, limit)
			require.NoError(t, err)
			require.NoError(t, w.WriteFloat32(want))
			require.NoError(t, w.Close())
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			data := int64(len(want) * f.BitsPerSample / 8)
			ds := readDS64(t, b)
			assert.Equal(t, uint64(len(b)-8), ds.riff)
			assert.Equal(t, uint64(data), ds.data)
			assert.Equal(t, uint64(5001), ds.frames)
			assert.Equal(t, uint32(0xFFFFFFFF), binary.LittleEndian.Uint32(b[len(b)-int(data+data&1)-4:]), "data size is in ds64")
			checkReaders(t, b, f, want)
		})
	}
}

func TestRF64StaysRIFFUnderLimit(t *testing.T) {
	// The same writer with data that fits: a RIFF file whose reserved
	// room is a JUNK chunk that every reader skips.
	f := Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 16}
	want := exactSamples(randFor(t), f, 1000)
	path := filepath.Join(t.TempDir(), "small.wav")
	file, err := os.Create(path)
	require.NoError(t, err)
	defer file.Close()
	w, err := newWriter(file, f, -1, 4000)
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32(want))
	require.NoError(t, w.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "RIFF", string(b[:4]))
	assert.Equal(t, "JUNK", string(b[12:16]))
	assert.Equal(t, uint32(len(b)-8), binary.LittleEndian.Uint32(b[4:]))
	checkReaders(t, b, f, want)
}

func TestRF64OnPipeWhenAnnounced(t *testing.T) {
	// A pipe cannot be patched: a length announced beyond the limit makes
	// the header RF64 from the start, with the announced sizes.
	f := Format{SampleRate: 8000, Channels: 2, Encoding: PCM, BitsPerSample: 16}
	want := exactSamples(randFor(t), f, 2*1500)
	var pipe bytes.Buffer // not an io.Seeker
	w, err := newWriter(&pipe, f, 1500, 4000)
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32(want))
	require.NoError(t, w.Close())
	b := pipe.Bytes()
	ds := readDS64(t, b)
	assert.Equal(t, rf64Sizes{uint64(len(b) - 8), 6000, 1500}, ds)
	r, err := NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, int64(1500), r.Frames())
	checkReaders(t, b, f, want)
}

func TestRF64PipeOfUnknownLengthStreams(t *testing.T) {
	// Unknown length on a pipe: RIFF with 0xFFFFFFFF sizes, whatever the
	// length turns out to be; readers read to the end of the stream.
	f := Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 16}
	want := exactSamples(randFor(t), f, 3000)
	var pipe bytes.Buffer
	w, err := newWriter(&pipe, f, -1, 4000)
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32(want))
	require.NoError(t, w.Close())
	b := pipe.Bytes()
	assert.Equal(t, "RIFF", string(b[:4]))
	assert.Equal(t, uint32(0xFFFFFFFF), binary.LittleEndian.Uint32(b[4:]))
	assert.Equal(t, 44+6000, len(b))
	checkReaders(t, b, f, want)
}

func TestRF64FileLongerThanAnnounced(t *testing.T) {
	// A file announced short gets no room for ds64; if the data then
	// passes the limit the sizes stay "until the end", which readers
	// still read whole.
	f := Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 16}
	want := exactSamples(randFor(t), f, 3000)
	path := filepath.Join(t.TempDir(), "x.wav")
	file, err := os.Create(path)
	require.NoError(t, err)
	defer file.Close()
	w, err := newWriter(file, f, 10, 4000)
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32(want))
	require.NoError(t, w.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "RIFF", string(b[:4]))
	assert.Equal(t, uint32(0xFFFFFFFF), binary.LittleEndian.Uint32(b[40:]))
	checkReaders(t, b, f, want)
}

// sparseFile is an io.WriteSeeker that keeps only the first bytes written
// (the header) and counts the rest, so that a test can write more than
// 4 GiB without storing it.
type sparseFile struct {
	head [256]byte
	pos  int64
	size int64
}

func (s *sparseFile) Write(p []byte) (int, error) {
	if s.pos < int64(len(s.head)) {
		copy(s.head[s.pos:], p)
	}
	s.pos += int64(len(p))
	s.size = max(s.size, s.pos)
	return len(p), nil
}

func (s *sparseFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		s.pos = off
	case io.SeekCurrent:
		s.pos += off
	case io.SeekEnd:
		s.pos = s.size + off
	}
	return s.pos, nil
}

func TestRF64PastTheReal4GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes 4 GiB of samples")
	}
	f := Format{SampleRate: 48000, Channels: 1, Encoding: Float, BitsPerSample: 64}
	var file sparseFile
	w, err := NewWriter(&file, f)
	require.NoError(t, err)
	chunk := make([]float32, 1<<20)
	frames := int64(math.MaxUint32/8) + 1<<20 // just past 4 GiB of data
	for left := frames; left > 0; left -= int64(len(chunk)) {
		require.NoError(t, w.WriteFloat32(chunk[:min(left, int64(len(chunk)))]))
	}
	require.NoError(t, w.Close())
	ds := readDS64(t, file.head[:])
	assert.Equal(t, uint64(frames*8), ds.data)
	assert.Equal(t, uint64(frames), ds.frames)
	assert.Equal(t, uint64(file.size-8), ds.riff)
	assert.Greater(t, ds.data, uint64(math.MaxUint32))

	// Our Reader takes its sizes from ds64.
	hdrLen := file.size - int64(ds.data)
	r, err := NewReader(bytes.NewReader(file.head[:hdrLen]))
	require.NoError(t, err)
	assert.Equal(t, frames, r.Frames())
	assert.Equal(t, int64(12+36+26+12+8), hdrLen, "RIFF, ds64, fmt with cbSize, fact, data")
}
