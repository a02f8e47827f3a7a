package wav

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readAll drains r with a dst of the given number of frames.
func readAll(t testing.TB, r *Reader, frames int) []float32 {
	t.Helper()
	dst := make([]float32, frames*r.Format().Channels)
	var out []float32
	for {
		n, err := r.ReadFloat32(dst)
		out = append(out, dst[:n]...)
		if err == io.EOF {
			return out
		}
		require.NoError(t, err)
		require.Positive(t, n, "ReadFloat32 returned (0, nil)")
		require.Zero(t, n%r.Format().Channels, "partial frame returned")
	}
}

func TestRoundTripAllFormats(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, f := range allFormats() {
		for _, ch := range []int{1, 2, 6} {
			f := f
			f.Channels, f.SampleRate = ch, 48000
			t.Run(f.String(), func(t *testing.T) {
				want := exactSamples(rng, f, 1001*ch)
				var buf bytes.Buffer
				w, err := NewWriter(&buf, f)
				require.NoError(t, err)
				require.NoError(t, w.WriteFloat32(want))
				require.NoError(t, w.Close())

				tag := uint16(buf.Bytes()[20]) | uint16(buf.Bytes()[21])<<8
				if ch > 2 || (f.Encoding == PCM && f.BitsPerSample > 16) {
					assert.Equal(t, uint16(tagExtensible), tag)
				} else {
					assert.Equal(t, tagOf(f.Encoding), tag)
				}

				r, err := NewReader(&buf)
				require.NoError(t, err)
				assert.Equal(t, f, r.Format())
				assert.Equal(t, int64(-1), r.Frames(), "bytes.Buffer cannot seek, sizes stay streamed")
				got := readAll(t, r, 100)
				require.Len(t, got, len(want))
				assert.Equal(t, want, got, "round trip must be exact for representable values")
			})
		}
	}
}

func TestRoundTripPCM32WithinFloat32Precision(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	f := Format{SampleRate: 8000, Channels: 1, Encoding: PCM, BitsPerSample: 32}
	want := make([]float32, 4096)
	for i := range want {
		want[i] = float32(rng.Float64()*2 - 1)
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, f)
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32(want))
	require.NoError(t, w.Close())
	r, err := NewReader(&buf)
	require.NoError(t, err)
	got := readAll(t, r, 333)
	require.Len(t, got, len(want))
	for i := range want {
		require.InDelta(t, want[i], got[i], 0x1p-24, "sample %d", i)
	}
}

func TestReadHandMadePCM(t *testing.T) {
	// 8-bit is unsigned around 128; 24-bit is sign-extended.
	tests := []struct {
		name string
		fmt  []byte
		data []byte
		want []float32
	}{
		{"u8", fmtBody(tagPCM, 1, 8000, 1, 8), []byte{0, 128, 255, 192}, []float32{-1, 0, 127.0 / 128, 0.5}},
		{"s16", fmtBody(tagPCM, 1, 8000, 2, 16), pcm16(-32768, 0, 32767, 16384), []float32{-1, 0, 32767.0 / 32768, 0.5}},
		{"s24", fmtBody(tagPCM, 1, 8000, 3, 24), []byte{0, 0, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0x40},
			[]float32{-1, -1.0 / (1 << 23), float32(1<<23-1) / (1 << 23), 0.5}},
		{"s32", fmtBody(tagPCM, 1, 8000, 4, 32), append(le32(0x80000000), le32(0x40000000)...), []float32{-1, 0.5}},
		{"f32", fmtBody(tagFloat, 1, 8000, 4, 32), append(le32(math.Float32bits(1.5)), le32(math.Float32bits(float32(math.Inf(-1))))...),
			[]float32{1.5, float32(math.Inf(-1))}},
		{"f64 huge", fmtBody(tagFloat, 1, 8000, 8, 64), binaryF64(0.25, 1e300), []float32{0.25, float32(math.Inf(1))}},
		// Extensible 20 valid bits in a 24-bit container: left-justified, so
		// the container decodes exactly.
		{"ext 20-in-24", extFmtBody(tagPCM, 1, 8000, 3, 24, 20), []byte{0x00, 0x00, 0x40, 0xF0, 0xFF, 0xFF},
			[]float32{0.5, -16.0 / (1 << 23)}},
		{"ext float", extFmtBody(tagFloat, 1, 8000, 4, 32, 32), le32(math.Float32bits(-0.75)), []float32{-0.75}},
		{"ext valid 0", extFmtBody(tagPCM, 1, 8000, 2, 16, 0), pcm16(-16384), []float32{-0.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(riff(chunk("fmt ", tt.fmt), chunk("data", tt.data))))
			require.NoError(t, err)
			assert.Equal(t, int64(len(tt.want)), r.Frames())
			assert.Equal(t, tt.want, readAll(t, r, 3))
		})
	}
}

func binaryF64(v ...float64) []byte {
	var out []byte
	for _, x := range v {
		out = append(out, le32(uint32(math.Float64bits(x)))...)
		out = append(out, le32(uint32(math.Float64bits(x)>>32))...)
	}
	return out
}

func TestNaNReadAsIs(t *testing.T) {
	nan := math.Float32frombits(0x7FC00001)
	r, err := NewReader(bytes.NewReader(riff(chunk("fmt ", fmtBody(tagFloat, 1, 8000, 4, 32)),
		chunk("data", le32(math.Float32bits(nan))))))
	require.NoError(t, err)
	got := readAll(t, r, 1)
	require.Len(t, got, 1)
	assert.Equal(t, uint32(0x7FC00001), math.Float32bits(got[0]))
}

func TestSkipsUnknownChunks(t *testing.T) {
	data := pcm16(1000, -1000, 2000)
	file := riff(
		chunk("JUNK", make([]byte, 28)),
		chunk("bext", []byte("odd")), // 3 bytes + pad
		mono16(),
		chunk("LIST", []byte("INFOISFT\x05\x00\x00\x00hush\x00")), // odd size, pad
		chunk("fact", le32(3)),
		chunk("ds64", make([]byte, 28)), // stray in a RIFF file: skipped
		chunk("data", data),
		chunk("id3 ", []byte("trailing")),
	)
	r, err := NewReader(bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, int64(3), r.Frames())
	assert.Equal(t, []float32{1000.0 / 32768, -1000.0 / 32768, 2000.0 / 32768}, readAll(t, r, 16))
}

func TestOddFmtChunkWithPad(t *testing.T) {
	body := append(fmtBody(tagPCM, 1, 8000, 2, 16), 0, 0, 0) // 19 bytes, odd
	r, err := NewReader(bytes.NewReader(riff(chunk("fmt ", body), chunk("data", pcm16(7)))))
	require.NoError(t, err)
	assert.Equal(t, []float32{7.0 / 32768}, readAll(t, r, 1))
}

func TestStreamedAndOversizedDataReadToEOF(t *testing.T) {
	samples := pcm16(1, 2, 3, 4, 5)
	for _, tt := range []struct {
		name       string
		size       uint32
		wantFrames int64
	}{
		{"size 0", 0, -1},
		{"size 0xFFFFFFFF", 0xFFFFFFFF, -1},
		{"larger than file", 1000, 500},
	} {
		t.Run(tt.name, func(t *testing.T) {
			file := riff(mono16(), chunkSized("data", tt.size, samples))
			r, err := NewReader(bytes.NewReader(file))
			require.NoError(t, err)
			assert.Equal(t, tt.wantFrames, r.Frames())
			got := readAll(t, r, 2)
			assert.Len(t, got, 5)
		})
	}
}

func TestTrailingPartialFrameDropped(t *testing.T) {
	stereo := chunk("fmt ", fmtBody(tagPCM, 2, 8000, 4, 16))
	tests := map[string][]byte{
		"streamed":         riff(stereo, chunkSized("data", 0xFFFFFFFF, append(pcm16(1, 2, 3, 4, 5), 0x7F))),
		"size not aligned": riff(stereo, chunk("data", append(pcm16(1, 2, 3, 4, 5), 0x7F))),
	}
	for name, file := range tests {
		t.Run(name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(file))
			require.NoError(t, err)
			got := readAll(t, r, 7)
			assert.Equal(t, []float32{1.0 / 32768, 2.0 / 32768, 3.0 / 32768, 4.0 / 32768}, got)
		})
	}
}

func TestStopsAtDataChunkEnd(t *testing.T) {
	// Trailing chunks after data must not be decoded as audio.
	file := riff(mono16(), chunk("data", pcm16(9)), chunk("LIST", make([]byte, 100)))
	r, err := NewReader(bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, []float32{9.0 / 32768}, readAll(t, r, 64))
	n, err := r.ReadFloat32(make([]float32, 4))
	assert.Zero(t, n)
	assert.Equal(t, io.EOF, err, "EOF stays EOF")
}

func TestRF64(t *testing.T) {
	ds64 := append(le32(0), le32(0)...)      // RIFF size 64
	ds64 = append(ds64, le32(6)...)          // data size low
	ds64 = append(ds64, le32(0)...)          // data size high
	ds64 = append(ds64, make([]byte, 12)...) // sample count, table length
	file := riff(chunk("ds64", ds64), mono16(), chunkSized("data", 0xFFFFFFFF, pcm16(1, 2, 3, 4)))
	copy(file, "RF64")
	r, err := NewReader(bytes.NewReader(file))
	require.NoError(t, err)
	assert.Equal(t, int64(3), r.Frames())
	assert.Len(t, readAll(t, r, 10), 3, "ds64 data size bounds the read")
}

func TestChunkSizesDoNotChangeOutput(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	f := Format{SampleRate: 16000, Channels: 3, Encoding: PCM, BitsPerSample: 24}
	want := exactSamples(rng, f, 3*20000)
	var buf bytes.Buffer
	w, err := NewWriter(&buf, f)
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32(want))
	require.NoError(t, w.Close())
	for _, frames := range []int{1, 7, 480, 100000} {
		for name, wrap := range map[string]func(io.Reader) io.Reader{
			"plain": func(r io.Reader) io.Reader { return r },
			"1byte": iotest.OneByteReader,
			"half":  iotest.HalfReader,
			"eof":   iotest.DataErrReader,
		} {
			t.Run(fmt.Sprintf("%d frames %s", frames, name), func(t *testing.T) {
				r, err := NewReader(wrap(bytes.NewReader(buf.Bytes())))
				require.NoError(t, err)
				assert.Equal(t, want, readAll(t, r, frames))
			})
		}
	}
}

func TestShortDst(t *testing.T) {
	r, err := NewReader(bytes.NewReader(riff(chunk("fmt ", fmtBody(tagPCM, 2, 8000, 4, 16)), chunk("data", pcm16(1, 2)))))
	require.NoError(t, err)
	n, err := r.ReadFloat32(make([]float32, 1))
	assert.Zero(t, n)
	assert.ErrorIs(t, err, io.ErrShortBuffer)
	// A dst that is not a multiple of the channels is fine.
	got := make([]float32, 3)
	n, err = r.ReadFloat32(got)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
}

func TestUnderlyingErrorsPassedUp(t *testing.T) {
	boom := errors.New("disk on fire")
	t.Run("in header", func(t *testing.T) {
		_, err := NewReader(io.MultiReader(bytes.NewReader(riff()), iotest.ErrReader(boom)))
		assert.ErrorIs(t, err, boom)
		assert.NotErrorIs(t, err, ErrFormat)
	})
	t.Run("in data", func(t *testing.T) {
		head := riff(mono16(), chunkSized("data", 0xFFFFFFFF, pcm16(1, 2, 3)))
		r, err := NewReader(io.MultiReader(bytes.NewReader(head), iotest.ErrReader(boom)))
		require.NoError(t, err)
		dst := make([]float32, 10)
		n, err := r.ReadFloat32(dst)
		assert.Equal(t, 3, n, "samples before the failure come first")
		assert.NoError(t, err)
		_, err = r.ReadFloat32(dst)
		assert.ErrorIs(t, err, boom)
		_, err = r.ReadFloat32(dst)
		assert.Equal(t, io.EOF, err)
	})
}

// badInput is a broken or unsupported file and what NewReader must say.
type badInput struct {
	name     string
	file     []byte
	eof      bool   // also wraps io.ErrUnexpectedEOF
	contains string // in the message
}

// badInputs is the catalogue of files NewReader must refuse; the fuzz seed
// corpus holds them too.
func badInputs() []badInput {
	fmt16 := fmtBody(tagPCM, 1, 8000, 2, 16)
	data := chunk("data", pcm16(1, 2))
	return []badInput{
		{"empty file", nil, false, "empty"},
		{"text file", []byte("hello, I am a text file\n"), false, "not a WAV"},
		{"two bytes", []byte("RI"), false, "not a WAV"},
		{"truncated RIFF header", []byte("RIFF\x10\x00\x00\x00WA"), true, "RIFF header"},
		{"not WAVE", append([]byte("RIFF\x04\x00\x00\x00"), "AVI "...), false, "AVI"},
		{"truncated chunk header", append(riff(), "fmt \x10"...), true, "chunk header"},
		{"truncated fmt", append(riff(), chunkSized("fmt ", 16, fmt16[:6])...), true, "fmt chunk"},
		{"fmt too small", riff(chunk("fmt ", fmt16[:8]), data), false, "8 bytes"},
		{"fmt near 4 GiB", riff(chunkSized("fmt ", 0xFFFFFFF0, fmt16), data), false, "4294967280 bytes"},
		{"no fmt chunk", riff(), false, "no fmt"},
		{"no data chunk", riff(chunk("fmt ", fmt16)), false, "no data"},
		{"data before fmt", riff(data, chunk("fmt ", fmt16)), false, "before fmt"},
		{"LIST near 4 GiB", riff(chunk("fmt ", fmt16), chunkSized("LIST", 0xFFFFFFFF, []byte("INFO"))), true, "LIST"},
		{"0 channels", riff(chunk("fmt ", fmtBody(tagPCM, 0, 8000, 0, 16)), data), false, "0 channels"},
		{"65535 channels", riff(chunk("fmt ", fmtBody(tagPCM, 65535, 8000, 65534, 16)), data), false, "65535 channels"},
		{"rate 0", riff(chunk("fmt ", fmtBody(tagPCM, 1, 0, 2, 16)), data), false, "sample rate 0"},
		{"rate 4e9", riff(chunk("fmt ", fmtBody(tagPCM, 1, 4_000_000_000, 2, 16)), data), false, "4000000000"},
		{"block align mismatch", riff(chunk("fmt ", fmtBody(tagPCM, 2, 8000, 2, 16)), data), false, "block align 2"},
		{"24-bit in 4 bytes plain", riff(chunk("fmt ", fmtBody(tagPCM, 1, 8000, 4, 24)), data), false, "block align 4"},
		{"ADPCM", riff(chunk("fmt ", fmtBody(0x0002, 1, 8000, 256, 4)), data), false, "0x0002 (Microsoft ADPCM)"},
		{"IMA ADPCM", riff(chunk("fmt ", fmtBody(0x0011, 1, 8000, 256, 4)), data), false, "IMA ADPCM"},
		{"16-bit A-law", riff(chunk("fmt ", fmtBody(tagALaw, 1, 8000, 2, 16)), data), false, "16-bit A-law, want 8 bits"},
		{"mu-law block align", riff(chunk("fmt ", fmtBody(tagMuLaw, 2, 8000, 1, 8)), data), false, "block align 1"},
		{"G.722", riff(chunk("fmt ", fmtBody(0x0065, 1, 16000, 1, 4)), data), false, "0x0065 (G.722 ADPCM) is not supported; convert"},
		{"MP3", riff(chunk("fmt ", fmtBody(0x0055, 2, 44100, 1, 0)), data), false, "MPEG Layer 3"},
		{"12-bit PCM", riff(chunk("fmt ", fmtBody(tagPCM, 1, 8000, 2, 12)), data), false, "12-bit PCM"},
		{"16-bit float", riff(chunk("fmt ", fmtBody(tagFloat, 1, 8000, 2, 16)), data), false, "16-bit float"},
		{"ext too short", riff(chunk("fmt ", extFmtBody(tagPCM, 1, 8000, 2, 16, 16)[:24]), data), false, "24 bytes"},
		{"ext A-law 4 valid bits", riff(chunk("fmt ", extFmtBody(tagALaw, 1, 8000, 1, 8, 4)), data), false, "4 valid bits in 8-bit A-law"},
		{"ext GSM", riff(chunk("fmt ", extFmtBody(0x0031, 1, 8000, 65, 0, 0)), data), false, "GSM 6.10"},
		{"ext bad GUID", riff(chunk("fmt ", append(extFmtBody(tagPCM, 1, 8000, 2, 16, 16)[:39], 0x72)), data), false, "GUID"},
		{"ext valid > container", riff(chunk("fmt ", extFmtBody(tagPCM, 1, 8000, 2, 16, 17)), data), false, "17 valid bits"},
		{"ext 12-bit container", riff(chunk("fmt ", extFmtBody(tagPCM, 1, 8000, 2, 12, 12)), data), false, "12-bit PCM"},
		{"truncated ds64", append(rf64(riff()), chunkSized("ds64", 28, make([]byte, 5))...), true, "ds64"},
	}
}

func TestBadInputs(t *testing.T) {
	tests := badInputs()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewReader(bytes.NewReader(tt.file))
			require.Error(t, err)
			assert.Nil(t, r)
			assert.ErrorIs(t, err, ErrFormat)
			if tt.eof {
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
			}
			assert.Contains(t, err.Error(), tt.contains)
			assert.True(t, strings.HasPrefix(err.Error(), "wav: "), err.Error())
		})
	}
}

func rf64(file []byte) []byte {
	copy(file, "RF64")
	return file
}

// allocatedBytes measures how many bytes fn allocates.
func allocatedBytes(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestHostileSizesDoNotAllocate(t *testing.T) {
	fmt16 := chunk("fmt ", fmtBody(tagPCM, 1, 8000, 2, 16))
	files := map[string][]byte{
		"fmt 4 GiB":  riff(chunkSized("fmt ", 0xFFFFFFFE, nil)),
		"LIST 4 GiB": riff(fmt16, chunkSized("LIST", 0xFFFFFFFE, make([]byte, 100))),
		"data 4 GiB": riff(fmt16, chunkSized("data", 0xFFFFFFFE, pcm16(1, 2, 3))),
		"ds64 huge":  rf64(riff(chunk("ds64", bytes.Repeat([]byte{0xFF}, 28)), fmt16, chunkSized("data", 0xFFFFFFFF, pcm16(1)))),
	}
	for name, file := range files {
		t.Run(name, func(t *testing.T) {
			dst := make([]float32, 1<<16)
			n := allocatedBytes(func() {
				r, err := NewReader(bytes.NewReader(file))
				if err != nil {
					return
				}
				for {
					if _, err := r.ReadFloat32(dst); err != nil {
						return
					}
				}
			})
			assert.Less(t, n, uint64(64<<10), "allocated %d bytes", n)
		})
	}
}

// zeros is an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func TestReadFloat32DoesNotAllocate(t *testing.T) {
	head := riff(chunk("fmt ", fmtBody(tagPCM, 2, 48000, 4, 16)), chunkSized("data", 0xFFFFFFFF, nil))
	r, err := NewReader(io.MultiReader(bytes.NewReader(head), zeros{}))
	require.NoError(t, err)
	dst := make([]float32, 960)
	_, err = r.ReadFloat32(dst) // first call sizes the buffer
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := r.ReadFloat32(dst); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
}
