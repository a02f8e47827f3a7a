package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/g711"
)

func TestHeaderLayout(t *testing.T) {
	le := binary.LittleEndian
	t.Run("plain PCM", func(t *testing.T) {
		var buf bytes.Buffer
		_, err := NewWriter(&buf, Format{SampleRate: 16000, Channels: 2, Encoding: PCM, BitsPerSample: 16})
		require.NoError(t, err)
		h := buf.Bytes()
		require.Len(t, h, 44)
		assert.Equal(t, "RIFF", string(h[:4]))
		assert.Equal(t, "WAVEfmt ", string(h[8:16]))
		assert.Equal(t, uint32(16), le.Uint32(h[16:]))
		assert.Equal(t, uint16(tagPCM), le.Uint16(h[20:]))
		assert.Equal(t, uint16(2), le.Uint16(h[22:]))
		assert.Equal(t, uint32(16000), le.Uint32(h[24:]))
		assert.Equal(t, uint32(64000), le.Uint32(h[28:]), "byte rate")
		assert.Equal(t, uint16(4), le.Uint16(h[32:]), "block align")
		assert.Equal(t, uint16(16), le.Uint16(h[34:]))
		assert.Equal(t, "data", string(h[36:40]))
		assert.Equal(t, uint32(0xFFFFFFFF), le.Uint32(h[4:]), "streamed RIFF size")
		assert.Equal(t, uint32(0xFFFFFFFF), le.Uint32(h[40:]), "streamed data size")
	})
	t.Run("extensible float 6 ch", func(t *testing.T) {
		var buf bytes.Buffer
		_, err := NewWriter(&buf, Format{SampleRate: 48000, Channels: 6, Encoding: Float, BitsPerSample: 32})
		require.NoError(t, err)
		h := buf.Bytes()
		require.Len(t, h, 68)
		assert.Equal(t, uint32(40), le.Uint32(h[16:]))
		assert.Equal(t, uint16(tagExtensible), le.Uint16(h[20:]))
		assert.Equal(t, uint16(24), le.Uint16(h[32:]), "block align")
		assert.Equal(t, uint16(22), le.Uint16(h[36:]), "cbSize")
		assert.Equal(t, uint16(32), le.Uint16(h[38:]), "valid bits")
		assert.Equal(t, uint32(0x3F), le.Uint32(h[40:]), "5.1 channel mask")
		assert.Equal(t, uint16(tagFloat), le.Uint16(h[44:]), "sub-format")
		assert.Equal(t, guidSuffix[:], h[46:60])
		assert.Equal(t, "data", string(h[60:64]))
	})
}

func TestWriterClipsAndRounds(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	in := []float32{0, 1, -1, 2, -2, nan, inf, -inf, 0.5 / 32768, -0.5 / 32768, 1.4 / 32768, 1.6 / 32768}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 16})
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32(in))
	require.NoError(t, w.Close())
	got := make([]int16, len(in))
	require.NoError(t, binary.Read(bytes.NewReader(buf.Bytes()[44:]), binary.LittleEndian, got))
	assert.Equal(t, []int16{0, 32767, -32768, 32767, -32768, 0, 32767, -32768, 1, -1, 1, 2}, got)

	buf.Reset()
	w, err = NewWriter(&buf, Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 8})
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32([]float32{0, 1, -1, nan, 0.5, -inf}))
	require.NoError(t, w.Close())
	assert.Equal(t, []byte{128, 255, 0, 128, 192, 0}, buf.Bytes()[44:])

	buf.Reset()
	w, err = NewWriter(&buf, Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 24})
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32([]float32{2, nan, -2}))
	require.NoError(t, w.Close())
	assert.Equal(t, []byte{0xFF, 0xFF, 0x7F, 0, 0, 0, 0, 0, 0x80}, buf.Bytes()[68:])

	buf.Reset()
	w, err = NewWriter(&buf, Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 32})
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32([]float32{inf, -inf, nan}))
	require.NoError(t, w.Close())
	assert.Equal(t, append(append(le32(0x7FFFFFFF), le32(0x80000000)...), le32(0)...), buf.Bytes()[68:])
}

func TestWriterFloatPassesValuesThrough(t *testing.T) {
	in := []float32{float32(math.NaN()), float32(math.Inf(-1)), 3.5, -1e30}
	for _, bits := range []int{32, 64} {
		var buf bytes.Buffer
		w, err := NewWriter(&buf, Format{SampleRate: 8000, Channels: 1, Encoding: Float, BitsPerSample: bits})
		require.NoError(t, err)
		require.NoError(t, w.WriteFloat32(in))
		require.NoError(t, w.Close())
		r, err := NewReader(&buf)
		require.NoError(t, err)
		got := readAll(t, r, 8)
		require.Len(t, got, 4)
		assert.True(t, math.IsNaN(float64(got[0])))
		assert.Equal(t, in[1:], got[1:])
	}
}

func TestWriterPatchesSizesWhenSeekable(t *testing.T) {
	le := binary.LittleEndian
	f8 := Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 8}
	for _, c := range []struct {
		name    string
		frames  int64 // announced; -1 for NewWriter
		hdrLen  int
		junkOff int // 0: no JUNK chunk reserved
	}{
		{"length known", 3, 44, 0},
		{"length unknown: room for ds64 reserved", -1, 80, 12},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out.wav")
			f, err := os.Create(path)
			require.NoError(t, err)
			defer f.Close()
			prefix := []byte("XYZ") // the WAV need not start at offset 0
			_, err = f.Write(prefix)
			require.NoError(t, err)

			w, err := NewWriterFrames(f, f8, c.frames)
			require.NoError(t, err)
			require.NoError(t, w.WriteFloat32([]float32{0.5, -0.5}))
			require.NoError(t, w.WriteFloat32([]float32{0.25})) // 3 bytes: odd, needs a pad byte
			require.NoError(t, w.Close())
			_, err = f.Write([]byte("END")) // Close leaves the offset at the end
			require.NoError(t, err)

			all, err := os.ReadFile(path)
			require.NoError(t, err)
			file := all[len(prefix) : len(all)-3]
			require.Len(t, file, c.hdrLen+3+1)
			assert.Equal(t, "RIFF", string(file[:4]))
			assert.Equal(t, uint32(len(file)-8), le.Uint32(file[4:]), "RIFF size")
			assert.Equal(t, uint32(3), le.Uint32(file[c.hdrLen-4:]), "data size")
			assert.Equal(t, byte(0), file[len(file)-1], "pad byte")
			if c.junkOff > 0 {
				assert.Equal(t, "JUNK", string(file[c.junkOff:c.junkOff+4]), "unused room stays JUNK")
			}

			r, err := NewReader(bytes.NewReader(file))
			require.NoError(t, err)
			assert.Equal(t, int64(3), r.Frames())
			assert.Equal(t, []float32{0.5, -0.5, 0.25}, readAll(t, r, 10))
		})
	}
}

func TestWriterOnPipeLeavesStreamedSizes(t *testing.T) {
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pr.Close()
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(pr)
		done <- b
	}()
	w, err := NewWriter(pw, Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 8})
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32([]float32{0.5, -0.5, 0}))
	require.NoError(t, w.Close(), "a pipe is an *os.File whose Seek fails: not an error")
	require.NoError(t, pw.Close())
	file := <-done
	require.Len(t, file, 44+3, "no pad byte when the size is unknown")
	assert.Equal(t, uint32(0xFFFFFFFF), binary.LittleEndian.Uint32(file[40:]))
	r, err := NewReader(bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, []float32{0.5, -0.5, 0}, readAll(t, r, 10))
}

func TestWriterMisuse(t *testing.T) {
	_, err := NewWriter(io.Discard, Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 12})
	assert.ErrorIs(t, err, ErrFormat)
	_, err = NewWriter(io.Discard, Format{SampleRate: 0, Channels: 1, Encoding: PCM, BitsPerSample: 16})
	assert.ErrorIs(t, err, ErrFormat)
	_, err = NewWriter(io.Discard, Format{SampleRate: 8000, Channels: 1, BitsPerSample: 16})
	assert.ErrorIs(t, err, ErrFormat, "zero Encoding")

	w, err := NewWriter(io.Discard, Format{SampleRate: 8000, Channels: 2, Encoding: PCM, BitsPerSample: 16})
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32([]float32{1, 2, 3}))
	assert.ErrorIs(t, w.Close(), ErrFormat, "partial last frame")
	assert.ErrorIs(t, w.Close(), ErrClosed)
	assert.ErrorIs(t, w.WriteFloat32([]float32{1}), ErrClosed)
}

// failingWriter accepts limit bytes, then fails.
type failingWriter struct {
	limit int
	err   error
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n := f.limit
		f.limit = 0
		return n, f.err
	}
	f.limit -= len(p)
	return len(p), nil
}

func TestWriterErrorsPassedUp(t *testing.T) {
	boom := errors.New("disk full")
	f := Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 16}
	_, err := NewWriter(&failingWriter{limit: 10, err: boom}, f)
	assert.ErrorIs(t, err, boom)

	w, err := NewWriter(&failingWriter{limit: 50, err: boom}, f)
	require.NoError(t, err)
	assert.ErrorIs(t, w.WriteFloat32(make([]float32, 10)), boom)
	assert.ErrorIs(t, w.WriteFloat32(make([]float32, 1)), boom, "sticky")
	assert.ErrorIs(t, w.Close(), boom)
}

func TestWriteFloat32DoesNotAllocate(t *testing.T) {
	w, err := NewWriter(io.Discard, Format{SampleRate: 48000, Channels: 2, Encoding: PCM, BitsPerSample: 24})
	require.NoError(t, err)
	src := make([]float32, 960)
	require.NoError(t, w.WriteFloat32(src))
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		if err := w.WriteFloat32(src); err != nil {
			t.Fatal(err)
		}
	}))
}

func TestWriteFileReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.wav")
	f := Format{SampleRate: 22050, Channels: 2, Encoding: PCM, BitsPerSample: 24}
	want := []float32{0.5, -0.5, 0.25, -0.25, 0, 1.0 / (1 << 23)}
	require.NoError(t, os.WriteFile(path, []byte("old contents"), 0o600))
	require.NoError(t, WriteFile(path, want, f))
	got, gotF, err := ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, f, gotF)
	assert.Equal(t, want, got)
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the mode of the file replaced")
	fresh := filepath.Join(t.TempDir(), "new.wav")
	require.NoError(t, WriteFile(fresh, want, f))
	st, err = os.Stat(fresh)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm(), "a new file")

	// A failed write leaves the old file and no temporary behind.
	err = WriteFile(path, want, Format{SampleRate: 8000, Channels: 2, Encoding: PCM, BitsPerSample: 16})
	require.NoError(t, err)
	err = WriteFile(path, []float32{1, 2, 3}, Format{SampleRate: 8000, Channels: 2, Encoding: PCM, BitsPerSample: 16})
	assert.ErrorIs(t, err, ErrFormat)
	assert.Contains(t, err.Error(), path)
	got, gotF, err = ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 16, gotF.BitsPerSample, "previous file intact")
	assert.Len(t, got, len(want))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary files left")

	_, _, err = ReadFile(filepath.Join(dir, "missing.wav"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.wav"), []byte("nope"), 0o644))
	_, _, err = ReadFile(filepath.Join(dir, "bad.wav"))
	assert.ErrorIs(t, err, ErrFormat)
	assert.Contains(t, err.Error(), "bad.wav")
	assert.Error(t, WriteFile(filepath.Join(dir, "no/such/dir.wav"), want, f))
}

// TestFFmpegAgrees checks our files against an independent implementation:
// ffmpeg must decode what we write, and we must decode what ffmpeg writes,
// both sample for sample.
func TestFFmpegAgrees(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg not installed")
	}
	if testing.Short() {
		t.Skip("runs ffmpeg")
	}
	dir := t.TempDir()
	// Each encoding once, with the channel counts spread over them, to keep
	// the ffmpeg runs few.
	codecs := map[Format]string{
		{SampleRate: 16000, Channels: 1, Encoding: PCM, BitsPerSample: 8}:    "pcm_u8",
		{SampleRate: 16000, Channels: 2, Encoding: PCM, BitsPerSample: 16}:   "pcm_s16le",
		{SampleRate: 16000, Channels: 6, Encoding: PCM, BitsPerSample: 24}:   "pcm_s24le",
		{SampleRate: 16000, Channels: 1, Encoding: PCM, BitsPerSample: 32}:   "pcm_s32le",
		{SampleRate: 16000, Channels: 6, Encoding: Float, BitsPerSample: 32}: "pcm_f32le",
		{SampleRate: 16000, Channels: 2, Encoding: Float, BitsPerSample: 64}: "pcm_f64le",
		{SampleRate: 8000, Channels: 1, Encoding: ALaw, BitsPerSample: 8}:    "pcm_alaw",
		{SampleRate: 16000, Channels: 3, Encoding: MuLaw, BitsPerSample: 8}:  "pcm_mulaw",
	}
	for f, codec := range codecs {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			want := make([]float32, 200*f.Channels)
			for i := range want {
				want[i] = float32(i%64-32) / 64 // exact in every linear format
				switch f.Encoding {             // G.711: every code in turn
				case ALaw:
					want[i] = float32(g711.DecodeALaw(byte(i))) / 32768
				case MuLaw:
					want[i] = float32(g711.DecodeMuLaw(byte(i))) / 32768
				}
			}
			ours := filepath.Join(dir, codec+f.String()+".wav")
			require.NoError(t, WriteFile(ours, want, f))
			// ffmpeg decodes ours to raw float.
			raw, err := exec.Command(ffmpeg, "-v", "error", "-i", ours, "-f", "f32le", "-c:a", "pcm_f32le", "-").Output()
			require.NoError(t, err)
			got := make([]float32, len(raw)/4)
			require.NoError(t, binary.Read(bytes.NewReader(raw), binary.LittleEndian, got))
			assert.Equal(t, want, got, "ffmpeg decoding our file")

			// ffmpeg encodes raw float into its own WAV, streamed to a pipe
			// (sizes unknown) with a LIST chunk of metadata.
			rawIn := filepath.Join(dir, codec+".f32")
			require.NoError(t, os.WriteFile(rawIn, raw, 0o644))
			cmd := exec.Command(ffmpeg, "-v", "error", "-f", "f32le", "-ar", strconv.Itoa(f.SampleRate), "-ac", strconv.Itoa(f.Channels),
				"-i", rawIn, "-metadata", "title=hush", "-c:a", codec, "-f", "wav", "-")
			theirs, err := cmd.Output()
			require.NoError(t, err)
			r, err := NewReader(bytes.NewReader(theirs))
			require.NoError(t, err)
			gotF := r.Format()
			if f.Encoding == Float && !autoExtensible(f) {
				// ffmpeg writes every float file as EXTENSIBLE: a Reader
				// says so, to keep that form when the file is passed on.
				assert.Equal(t, HeaderExtensible, gotF.Header)
				gotF.Header = HeaderAuto
			}
			assert.Equal(t, f, gotF)
			assert.Equal(t, want, readAll(t, r, 64), "our decoding of ffmpeg's file")
		})
	}
}
