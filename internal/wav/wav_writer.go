package wav

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/hushaudio/hush/internal/atomicfile"
	"github.com/hushaudio/hush/internal/g711"
)

// writeChunkBytes is the size of the Writer's byte buffer: larger inputs are
// encoded and written in pieces of this size.
const writeChunkBytes = 16 << 10

// streamedSize is the chunk size written when the real size is unknown.
const streamedSize = 0xFFFFFFFF

// maxRIFFSize is the largest size a RIFF header can state: 0xFFFFFFFF
// itself means "unknown". Data that would need more becomes RF64.
const maxRIFFSize = math.MaxUint32 - 1

// Header chunk sizes.
const (
	ds64BodySize = 28  // RIFF size, data size, sample count (8 bytes each), table length
	maxHeaderLen = 116 // RIFF(12) + JUNK/ds64(36) + fmt(8+40) + fact(12) + data(8)
)

// Writer streams samples into a WAV file. It writes the header at once and
// every WriteFloat32 goes straight to the underlying writer (no buffering,
// so a pipe sees audio as soon as it is written).
//
// The fmt chunk follows Format.Header: by default WAVE_FORMAT_EXTENSIBLE
// when the format has more than two channels or PCM of more than 16 bits,
// as the WAVE specification asks, and the plain form otherwise. Float and
// G.711 files get the fact chunk the specification asks of them where the
// destination can seek.
//
// Sizes: when the destination can seek (a file), Close writes the real
// sizes. If the data passed 4 GiB, the file becomes RF64 (EBU Tech 3306):
// the header holds a 36-byte JUNK chunk, reserved whenever the size is
// unknown or over the limit, which Close turns into the ds64 chunk that
// carries the 64-bit sizes. When the destination cannot seek (a pipe), the
// sizes are written up front: as 0xFFFFFFFF ("until the end of the
// stream", which this package, sox and ffmpeg read to the end) unless the
// caller announced more than 4 GiB of data with NewWriterFrames, in which
// case the header is RF64 with the announced sizes.
//
// A Writer is not safe for concurrent use. It does not close the
// underlying writer.
type Writer struct {
	w       io.Writer
	ws      io.WriteSeeker // nil when w cannot seek
	start   int64          // offset of the header in ws
	format  Format
	hdr     header
	limit   int64 // largest RIFF size; more makes the file RF64 (a field so tests can lower it)
	written int64 // data bytes written
	samples int64 // samples written, to catch a partial last frame
	buf     []byte
	err     error // sticky
}

// NewWriter validates f and writes a header for it to w, for data of a
// length not known in advance. The Format of a Reader can be passed through
// to keep a file's rate, channels, encoding and header form.
func NewWriter(w io.Writer, f Format) (*Writer, error) {
	return newWriter(w, f, -1, maxRIFFSize)
}

// NewWriterFrames is NewWriter for a caller that knows how many frames it
// will write (-1 if it does not). On a file the count only decides whether
// room for RF64 sizes is reserved, so a file whose length is known to stay
// under 4 GiB gets the plain 44-byte header that naive readers expect; on a
// pipe a count beyond 4 GiB of data makes the header RF64 with that count.
// Writing more than announced is no error, but past 4 GiB the sizes of a
// file that had no room reserved stay at 0xFFFFFFFF ("until the end").
func NewWriterFrames(w io.Writer, f Format, frames int64) (*Writer, error) {
	return newWriter(w, f, frames, maxRIFFSize)
}

func newWriter(w io.Writer, f Format, frames, limit int64) (*Writer, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	wr := &Writer{w: w, format: f, limit: limit}
	// Seekability is probed now, not at Close: an *os.File on a pipe is an
	// io.WriteSeeker whose Seek fails, and it must be treated as a stream.
	if ws, ok := w.(io.WriteSeeker); ok {
		if off, err := ws.Seek(0, io.SeekCurrent); err == nil {
			wr.ws, wr.start = ws, off
		}
	}
	var dataBytes int64 = -1
	if frames >= 0 && frames <= math.MaxInt64/int64(f.BytesPerFrame()) {
		dataBytes = frames * int64(f.BytesPerFrame())
	}
	huge := dataBytes < 0 || dataBytes > limit-maxHeaderLen
	nonPCM := f.Encoding != PCM
	switch {
	case wr.ws != nil:
		wr.hdr = newHeader(f, huge, nonPCM)
	case frames >= 0 && huge:
		wr.hdr = newHeader(f, true, nonPCM)
		wr.hdr.setSizes(dataBytes, frames, limit)
	default:
		wr.hdr = newHeader(f, false, false)
	}
	if _, err := w.Write(wr.hdr.bytes()); err != nil {
		return nil, fmt.Errorf("wav: writing header: %w", err)
	}
	return wr, nil
}

// header is a WAV header held in memory, so that the sizes can be filled in
// and the whole header written again at the end.
type header struct {
	b       [maxHeaderLen]byte
	n       int // length
	junkOff int // offset of the chunk reserved for ds64, or 0
	factOff int // offset of the fact chunk's sample count, or 0
	dataOff int // offset of the data chunk's size
}

func (h *header) bytes() []byte { return h.b[:h.n] }

// newHeader lays out a header for f with streamed sizes, with a JUNK chunk
// that can become ds64 if reserve is set, and a fact chunk if fact is set.
func newHeader(f Format, reserve, fact bool) header {
	le := binary.LittleEndian
	var h header
	p := h.b[:]
	copy(p[0:], "RIFF")
	le.PutUint32(p[4:], streamedSize)
	copy(p[8:], "WAVE")
	n := 12
	if reserve {
		h.junkOff = n
		copy(p[n:], "JUNK")
		le.PutUint32(p[n+4:], ds64BodySize)
		n += 8 + ds64BodySize // the body stays zero
	}
	fmtSize := 16
	switch {
	case f.extensible():
		fmtSize = 40
	case f.Encoding != PCM:
		fmtSize = 18 // with cbSize = 0, as the specification asks of non-PCM formats
	}
	copy(p[n:], "fmt ")
	le.PutUint32(p[n+4:], uint32(fmtSize))
	b := p[n+8:]
	if f.extensible() {
		le.PutUint16(b[0:], tagExtensible)
	} else {
		le.PutUint16(b[0:], tagOf(f.Encoding))
	}
	le.PutUint16(b[2:], uint16(f.Channels))
	le.PutUint32(b[4:], uint32(f.SampleRate))
	le.PutUint32(b[8:], uint32(f.SampleRate*f.BytesPerFrame()))
	le.PutUint16(b[12:], uint16(f.BytesPerFrame()))
	le.PutUint16(b[14:], uint16(f.BitsPerSample))
	if f.extensible() {
		le.PutUint16(b[16:], 22) // cbSize: bytes of extension that follow
		le.PutUint16(b[18:], uint16(f.BitsPerSample))
		le.PutUint32(b[20:], channelMask(f.Channels))
		le.PutUint16(b[24:], tagOf(f.Encoding))
		copy(b[26:40], guidSuffix[:])
	}
	n += 8 + fmtSize
	if fact {
		copy(p[n:], "fact")
		le.PutUint32(p[n+4:], 4)
		le.PutUint32(p[n+8:], streamedSize)
		h.factOff = n + 8
		n += 12
	}
	copy(p[n:], "data")
	le.PutUint32(p[n+4:], streamedSize)
	h.dataOff = n + 4
	h.n = n + 8
	return h
}

// setSizes fills in the sizes for data bytes of audio in frames frames: as
// RIFF when they fit under limit, else as RF64 when the header has room for
// ds64. It reports false, leaving the streamed sizes, when they fit neither.
func (h *header) setSizes(data, frames, limit int64) bool {
	le := binary.LittleEndian
	p := h.b[:]
	riff := int64(h.n) - 8 + data + data&1
	if riff <= limit {
		le.PutUint32(p[4:], uint32(riff))
		le.PutUint32(p[h.dataOff:], uint32(data))
		if h.factOff > 0 {
			le.PutUint32(p[h.factOff:], uint32(frames))
		}
		return true
	}
	if h.junkOff == 0 {
		return false
	}
	copy(p[0:], "RF64")
	le.PutUint32(p[4:], streamedSize)
	ds := p[h.junkOff:]
	copy(ds, "ds64")
	le.PutUint64(ds[8:], uint64(riff))
	le.PutUint64(ds[16:], uint64(data))
	le.PutUint64(ds[24:], uint64(frames))
	le.PutUint32(ds[32:], 0) // no table of other large chunks
	le.PutUint32(p[h.dataOff:], streamedSize)
	if h.factOff > 0 {
		le.PutUint32(p[h.factOff:], uint32(min(frames, streamedSize)))
	}
	return true
}

// WriteFloat32 encodes interleaved samples. For float formats the values
// are written as given (NaN and Inf included). For PCM they are clipped to
// [-1, 1] and rounded to the nearest step, +1 becoming the largest positive
// code, and NaN is written as 0 (silence), so a misbehaving stage upstream
// cannot wrap around into full-scale clicks. src need not hold whole frames,
// but by Close the total must be a whole number of frames.
//
// WriteFloat32 does not allocate after the first call (whose buffer is at
// most 16 KiB).
func (w *Writer) WriteFloat32(src []float32) error {
	if w.err != nil {
		return w.err
	}
	bps := w.format.BitsPerSample / 8
	for len(src) > 0 {
		n := min(len(src), writeChunkBytes/bps)
		if cap(w.buf) < n*bps {
			w.buf = make([]byte, n*bps)
		}
		p := w.buf[:n*bps]
		w.encode(p, src[:n])
		k, err := w.w.Write(p)
		w.written += int64(k)
		w.samples += int64(k / bps)
		if err != nil {
			w.err = fmt.Errorf("wav: writing samples: %w", err)
			return w.err
		}
		src = src[n:]
	}
	return nil
}

// quantize maps x to an integer step of size 1/scale, rounding to nearest
// and clipping to [lo, hi]; NaN maps to 0.
// It rounds half away from zero by truncating v±0.5, which is what
// math.Round does but several times cheaper in this per-sample loop.
func quantize(x float32, scale, lo, hi float64) int32 {
	if x != x {
		return 0
	}
	v := float64(x) * scale
	switch {
	case v >= hi:
		return int32(hi)
	case v <= lo:
		return int32(lo)
	case v >= 0:
		return int32(v + 0.5)
	}
	return int32(v - 0.5)
}

func (w *Writer) encode(p []byte, src []float32) {
	le := binary.LittleEndian
	switch w.format.Encoding {
	case PCM:
		switch w.format.BitsPerSample {
		case 8:
			for i, x := range src {
				p[i] = byte(quantize(x, 128, -128, 127) + 128)
			}
		case 16:
			for i, x := range src {
				le.PutUint16(p[2*i:], uint16(quantize(x, 32768, -32768, 32767)))
			}
		case 24:
			for i, x := range src {
				v := quantize(x, 1<<23, -(1 << 23), 1<<23-1)
				p[3*i], p[3*i+1], p[3*i+2] = byte(v), byte(v>>8), byte(v>>16)
			}
		case 32:
			for i, x := range src {
				le.PutUint32(p[4*i:], uint32(quantize(x, 1<<31, -(1<<31), 1<<31-1)))
			}
		}
	case Float:
		switch w.format.BitsPerSample {
		case 32:
			for i, x := range src {
				le.PutUint32(p[4*i:], math.Float32bits(x))
			}
		case 64:
			for i, x := range src {
				le.PutUint64(p[8*i:], math.Float64bits(float64(x)))
			}
		}
	case ALaw:
		for i, x := range src {
			p[i] = g711.EncodeALaw(int16(quantize(x, 32768, -32768, 32767)))
		}
	case MuLaw:
		for i, x := range src {
			p[i] = g711.EncodeMuLaw(int16(quantize(x, 32768, -32768, 32767)))
		}
	}
}

// Close finishes the file. When the destination can seek it adds the pad
// byte an odd-sized data chunk needs and writes the real sizes (RF64 past
// 4 GiB, see Writer); otherwise the sizes written up front stay. It reports
// a partial last frame as an error wrapping ErrFormat. It does not close
// the underlying writer. Calls after the first return ErrClosed.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.err = ErrClosed
	if w.ws != nil {
		if err := w.patch(); err != nil {
			return err
		}
	}
	if ch := int64(w.format.Channels); w.samples%ch != 0 {
		return fmt.Errorf("%w: %d samples written, not a whole number of %d-channel frames",
			ErrFormat, w.samples, ch)
	}
	return nil
}

func (w *Writer) patch() error {
	end := w.start + int64(w.hdr.n) + w.written
	if w.written&1 == 1 {
		if _, err := w.ws.Write([]byte{0}); err != nil {
			return fmt.Errorf("wav: writing pad byte: %w", err)
		}
		end++
	}
	if !w.hdr.setSizes(w.written, w.samples/int64(w.format.Channels), w.limit) {
		return nil // more than announced and no room for ds64: the streamed sizes stay
	}
	if _, err := w.ws.Seek(w.start, io.SeekStart); err != nil {
		return fmt.Errorf("wav: writing sizes: %w", err)
	}
	if _, err := w.ws.Write(w.hdr.bytes()); err != nil {
		return fmt.Errorf("wav: writing sizes: %w", err)
	}
	if _, err := w.ws.Seek(end, io.SeekStart); err != nil {
		return fmt.Errorf("wav: writing sizes: %w", err)
	}
	return nil
}

// ReadFile reads a whole file into memory as interleaved float32 samples.
// It is meant for tests and evaluation tools; the CLI streams with
// NewReader. Errors name the file.
func ReadFile(path string) ([]float32, Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Format{}, err
	}
	defer f.Close()
	r, err := NewReader(f)
	if err != nil {
		return nil, Format{}, fmt.Errorf("%s: %w", path, err)
	}
	format := r.Format()
	var samples []float32
	// Trust the header for the allocation only as far as the file size.
	if st, err := f.Stat(); err == nil && r.Frames() > 0 {
		frames := min(r.Frames(), st.Size()/int64(format.BytesPerFrame()))
		samples = make([]float32, 0, frames*int64(format.Channels))
	}
	chunk := make([]float32, 4096*format.Channels)
	for {
		n, err := r.ReadFloat32(chunk)
		samples = append(samples, chunk[:n]...)
		if err == io.EOF {
			return samples, format, nil
		}
		if err != nil {
			return nil, Format{}, fmt.Errorf("%s: %w", path, err)
		}
	}
}

// WriteFile writes a whole file atomically (internal/atomicfile): a
// failure never leaves a half-written file at path, and an existing file
// is replaced only when the new one is complete, keeping its mode (a new
// file gets 0644).
func WriteFile(path string, samples []float32, f Format) (err error) {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out, err := atomicfile.Create(path, true)
	if err != nil {
		return err
	}
	defer out.Abort() // removes the temporary file unless committed
	w, err := NewWriterFrames(out, f, int64(len(samples)/f.Channels))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.WriteFloat32(samples); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return out.Commit()
}
