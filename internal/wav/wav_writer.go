package wav

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// writeChunkBytes is the size of the Writer's byte buffer: larger inputs are
// encoded and written in pieces of this size.
const writeChunkBytes = 16 << 10

// streamedSize is the chunk size written when the real size is unknown.
const streamedSize = 0xFFFFFFFF

// Writer streams samples into a WAV file. It writes the header at once and
// every WriteFloat32 goes straight to the underlying writer (no buffering,
// so a pipe sees audio as soon as it is written).
//
// The header is WAVE_FORMAT_EXTENSIBLE when the format has more than two
// channels or more than 16 bits per sample, as the WAVE specification asks,
// and plain WAVE_FORMAT_PCM otherwise. Sizes are written as 0xFFFFFFFF
// ("until EOF", accepted by this package, ffmpeg and sox) and patched by
// Close when the destination can seek.
//
// A Writer is not safe for concurrent use. It does not close the
// underlying writer.
type Writer struct {
	w       io.Writer
	ws      io.WriteSeeker // nil when w cannot seek
	start   int64          // offset of the header in ws
	format  Format
	dataOff int   // offset of the data size field in the header
	hdrLen  int   // header length in bytes
	written int64 // data bytes written
	samples int64 // samples written, to catch a partial last frame
	buf     []byte
	err     error // sticky
}

// NewWriter validates f and writes a header for it to w. The Format of a
// Reader can be passed through to keep a file's rate, channels and format.
func NewWriter(w io.Writer, f Format) (*Writer, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	wr := &Writer{w: w, format: f}
	// Seekability is probed now, not at Close: an *os.File on a pipe is an
	// io.WriteSeeker whose Seek fails, and it must be treated as a stream.
	if ws, ok := w.(io.WriteSeeker); ok {
		if off, err := ws.Seek(0, io.SeekCurrent); err == nil {
			wr.ws, wr.start = ws, off
		}
	}
	var hdr [68]byte
	wr.hdrLen, wr.dataOff = encodeHeader(hdr[:], f)
	if _, err := w.Write(hdr[:wr.hdrLen]); err != nil {
		return nil, fmt.Errorf("wav: writing header: %w", err)
	}
	return wr, nil
}

// extensible reports whether f needs a WAVE_FORMAT_EXTENSIBLE header.
func extensible(f Format) bool { return f.Channels > 2 || f.BitsPerSample > 16 }

// encodeHeader writes a RIFF header with streamed sizes for f into p (68
// bytes at least) and returns its length and the offset of the data size.
func encodeHeader(p []byte, f Format) (n, dataOff int) {
	le := binary.LittleEndian
	tag := uint16(tagPCM)
	if f.Encoding == Float {
		tag = tagFloat
	}
	fmtSize := 16
	if extensible(f) {
		fmtSize = 40
	}
	copy(p[0:], "RIFF")
	le.PutUint32(p[4:], streamedSize)
	copy(p[8:], "WAVEfmt ")
	le.PutUint32(p[16:], uint32(fmtSize))
	b := p[20:]
	if extensible(f) {
		le.PutUint16(b[0:], tagExtensible)
	} else {
		le.PutUint16(b[0:], tag)
	}
	le.PutUint16(b[2:], uint16(f.Channels))
	le.PutUint32(b[4:], uint32(f.SampleRate))
	le.PutUint32(b[8:], uint32(f.SampleRate*f.BytesPerFrame()))
	le.PutUint16(b[12:], uint16(f.BytesPerFrame()))
	le.PutUint16(b[14:], uint16(f.BitsPerSample))
	if extensible(f) {
		le.PutUint16(b[16:], 22) // cbSize: bytes of extension that follow
		le.PutUint16(b[18:], uint16(f.BitsPerSample))
		le.PutUint32(b[20:], channelMask(f.Channels))
		le.PutUint16(b[24:], tag)
		copy(b[26:40], guidSuffix[:])
	}
	n = 20 + fmtSize
	copy(p[n:], "data")
	le.PutUint32(p[n+4:], streamedSize)
	return n + 8, n + 4
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
	}
}

// Close finishes the file. When the destination can seek it adds the pad
// byte an odd-sized data chunk needs and patches the RIFF and data sizes
// (left at 0xFFFFFFFF if the data exceeds 4 GiB); otherwise the streamed
// sizes stay. It reports a partial last frame as an error wrapping
// ErrFormat. It does not close the underlying writer. Calls after the first
// return ErrClosed.
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
	end := w.start + int64(w.hdrLen) + w.written
	if w.written&1 == 1 {
		if _, err := w.ws.Write([]byte{0}); err != nil {
			return fmt.Errorf("wav: writing pad byte: %w", err)
		}
		end++
	}
	riff := end - w.start - 8
	if riff > math.MaxUint32-1 {
		return nil // too big for RIFF sizes: keep the streamed ones
	}
	var b [4]byte
	for _, f := range []struct {
		off  int64
		size int64
	}{{4, riff}, {int64(w.dataOff), w.written}} {
		binary.LittleEndian.PutUint32(b[:], uint32(f.size))
		if _, err := w.ws.Seek(w.start+f.off, io.SeekStart); err != nil {
			return fmt.Errorf("wav: patching sizes: %w", err)
		}
		if _, err := w.ws.Write(b[:]); err != nil {
			return fmt.Errorf("wav: patching sizes: %w", err)
		}
	}
	if _, err := w.ws.Seek(end, io.SeekStart); err != nil {
		return fmt.Errorf("wav: patching sizes: %w", err)
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

// WriteFile writes a whole file atomically: it writes a temporary file in
// the same directory and renames it over path, so a failure never leaves a
// half-written file at path. The file gets mode 0644.
func WriteFile(path string, samples []float32, f Format) (err error) {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w, err := NewWriter(tmp, f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.WriteFloat32(samples); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
