package wav

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/hushaudio/hush/internal/g711"
)

// Reader limits.
const (
	// maxFmtSize caps the fmt chunk: the largest real one is 40 bytes, so
	// anything past 1 KiB is a corrupt or hostile header, not audio.
	maxFmtSize = 1024
	// readChunkBytes is the size of the Reader's byte buffer: one read of
	// the underlying reader decodes at most this much.
	readChunkBytes = 16 << 10
	// sizeUnknown is what Reader.remaining holds when the data chunk runs to EOF.
	sizeUnknown = -1
)

// Reader streams samples out of a WAV file without needing Seek, so it works
// on pipes (stdin) as well as files. It does not close the underlying reader.
// A Reader is not safe for concurrent use.
type Reader struct {
	r         io.Reader
	format    Format
	frames    int64 // announced by the header, or -1
	remaining int64 // bytes of data chunk left, or sizeUnknown
	block     int   // bytes per frame
	buf       []byte
	err       error    // sticky: returned once the samples before it are out
	scratch   [40]byte // header fields; longer chunks are discarded past it
}

// NewReader parses the header of r up to the start of the data chunk. It
// accepts RIFF/WAVE (and RF64) files with PCM (8-bit unsigned, 16-, 24-,
// 32-bit signed), IEEE float (32-, 64-bit) or G.711 (A-law, µ-law)
// samples, plain or WAVE_FORMAT_EXTENSIBLE; chunks other than fmt, ds64 and data are skipped.
// A data size of 0 or 0xFFFFFFFF (as written by programs streaming into a
// pipe) means "until EOF". Errors about the file wrap ErrFormat; a file
// that ends inside the header also wraps io.ErrUnexpectedEOF.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{r: r, frames: -1, remaining: sizeUnknown}
	if err := rd.readHeader(); err != nil {
		return nil, err
	}
	return rd, nil
}

// Format returns the format read from the header. For an extensible file
// whose valid bits are fewer than its container bits, BitsPerSample is the
// container size: samples are decoded from the whole container, which is
// exact because the valid bits are left-justified in it.
func (r *Reader) Format() Format { return r.format }

// Frames returns the number of frames the header announces, or -1 when the
// size is unknown (streamed files with a data size of 0 or 0xFFFFFFFF). A
// truncated file yields fewer frames than announced.
func (r *Reader) Frames() int64 { return r.frames }

// header reads exactly len(p) bytes of header, with errors that say what
// was being read.
func (r *Reader) header(p []byte, what string) error {
	n, err := io.ReadFull(r.r, p)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: file ends inside the %s (%d of %d bytes): %w",
			ErrFormat, what, n, len(p), io.ErrUnexpectedEOF)
	default:
		return fmt.Errorf("wav: reading %s: %w", what, err)
	}
}

func (r *Reader) readHeader() error {
	var b [12]byte
	n, err := io.ReadFull(r.r, b[:])
	switch {
	case n == 0 && errors.Is(err, io.EOF):
		return fmt.Errorf("%w: empty file", ErrFormat)
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("wav: reading RIFF header: %w", err)
	case n < 4 || !isRIFF(b[:4]):
		return fmt.Errorf("%w: not a WAV file (starts with %q, want \"RIFF\")", ErrFormat, b[:min(n, 4)])
	case n < 12:
		return fmt.Errorf("%w: file ends inside the RIFF header (%d of 12 bytes): %w", ErrFormat, n, io.ErrUnexpectedEOF)
	case string(b[8:12]) != "WAVE":
		return fmt.Errorf("%w: RIFF file of type %q, want \"WAVE\"", ErrFormat, b[8:12])
	}
	rf64 := string(b[:4]) != "RIFF"

	var (
		haveFmt    bool
		dataSize64 int64 = -1 // from ds64, RF64 only
	)
	for {
		ch := r.scratch[:8]
		n, err := io.ReadFull(r.r, ch)
		if n == 0 && errors.Is(err, io.EOF) {
			if !haveFmt {
				return fmt.Errorf("%w: no fmt chunk", ErrFormat)
			}
			return fmt.Errorf("%w: no data chunk", ErrFormat)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%w: file ends inside a chunk header (%d of 8 bytes): %w", ErrFormat, n, err)
		}
		if err != nil {
			return fmt.Errorf("wav: reading chunk header: %w", err)
		}
		id := string(ch[:4])
		size := int64(binary.LittleEndian.Uint32(ch[4:]))
		switch id {
		case "fmt ":
			if size < 16 || size > maxFmtSize {
				return fmt.Errorf("%w: fmt chunk is %d bytes, want 16..%d", ErrFormat, size, maxFmtSize)
			}
			p, err := r.chunkPrefix(size, "fmt chunk")
			if err != nil {
				return err
			}
			f, err := parseFmt(p, size)
			if err != nil {
				return err
			}
			r.format, haveFmt = f, true
			continue
		case "ds64":
			if !rf64 {
				break // stray ds64 in a RIFF file: skip it like any other chunk
			}
			if size < 24 || size > maxFmtSize {
				return fmt.Errorf("%w: ds64 chunk is %d bytes, want 24..%d", ErrFormat, size, maxFmtSize)
			}
			p, err := r.chunkPrefix(size, "ds64 chunk")
			if err != nil {
				return err
			}
			if d := binary.LittleEndian.Uint64(p[8:16]); d < math.MaxInt64 {
				dataSize64 = int64(d)
			}
			continue
		case "data":
			if !haveFmt {
				return fmt.Errorf("%w: data chunk before fmt chunk", ErrFormat)
			}
			r.block = r.format.BytesPerFrame()
			switch {
			case rf64 && size == 0xFFFFFFFF && dataSize64 > 0:
				r.remaining = dataSize64
			case size == 0 || size == 0xFFFFFFFF:
				r.remaining = sizeUnknown
			default:
				r.remaining = size
			}
			if r.remaining != sizeUnknown {
				r.frames = r.remaining / int64(r.block)
			}
			return nil
		}
		// Skip by discarding, never by allocating: the size may be a lie.
		skip := size + size&1
		if k, err := io.CopyN(io.Discard, r.r, skip); err != nil {
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("%w: file ends inside the %q chunk (%d of %d bytes) before any data chunk: %w",
					ErrFormat, id, k, skip, io.ErrUnexpectedEOF)
			}
			return fmt.Errorf("wav: skipping %q chunk: %w", id, err)
		}
	}
}

// chunkPrefix reads the first bytes of a chunk of the given size into
// r.scratch and discards the rest and the pad byte, so that a chunk body is
// never held in memory beyond the fields we parse.
func (r *Reader) chunkPrefix(size int64, what string) ([]byte, error) {
	p := r.scratch[:min(size, int64(len(r.scratch)))]
	if err := r.header(p, what); err != nil {
		return nil, err
	}
	rest := size - int64(len(p)) + size&1
	if k, err := io.CopyN(io.Discard, r.r, rest); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: file ends inside the %s (%d of %d bytes): %w",
				ErrFormat, what, int64(len(p))+k, size+size&1, io.ErrUnexpectedEOF)
		}
		return nil, fmt.Errorf("wav: reading %s: %w", what, err)
	}
	return p, nil
}

func isRIFF(id []byte) bool {
	s := string(id)
	return s == "RIFF" || s == "RF64" || s == "BW64"
}

// parseFmt decodes and validates a fmt chunk body of the given size, of
// which p holds the first 40 bytes at most.
func parseFmt(p []byte, size int64) (Format, error) {
	le := binary.LittleEndian
	tag := le.Uint16(p[0:])
	channels := int(le.Uint16(p[2:]))
	rate := int64(le.Uint32(p[4:]))
	blockAlign := int(le.Uint16(p[12:]))
	bits := int(le.Uint16(p[14:]))

	if tag == tagExtensible {
		if len(p) < 40 {
			return Format{}, fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE fmt chunk is %d bytes, want 40", ErrFormat, size)
		}
		valid := int(le.Uint16(p[18:]))
		sub := le.Uint16(p[24:])
		if [14]byte(p[26:40]) != guidSuffix {
			return Format{}, fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE sub-format GUID % x is not PCM or float",
				ErrFormat, p[24:40])
		}
		switch sub {
		case tagPCM, tagFloat, tagALaw, tagMuLaw:
		default:
			return Format{}, unsupportedTag(sub)
		}
		// Valid bits are left-justified in the container, so decoding the
		// whole container is exact; we only refuse nonsense. Zero means
		// "all of them" in files from some writers.
		if valid > bits {
			return Format{}, fmt.Errorf("%w: %d valid bits in a %d-bit container", ErrFormat, valid, bits)
		}
		if sub != tagPCM && valid != 0 && valid != bits {
			return Format{}, fmt.Errorf("%w: %d valid bits in %d-bit %s", ErrFormat, valid, bits, tagName(sub))
		}
		tag = sub
	}

	var f Format
	switch tag {
	case tagPCM:
		f.Encoding = PCM
	case tagFloat:
		f.Encoding = Float
	case tagALaw:
		f.Encoding = ALaw
	case tagMuLaw:
		f.Encoding = MuLaw
	default:
		return Format{}, unsupportedTag(tag)
	}
	f.Channels = channels
	f.BitsPerSample = bits
	if rate > MaxSampleRate { // checked before the int conversion matters on 32-bit
		return Format{}, fmt.Errorf("%w: sample rate %d Hz, want 1..%d", ErrFormat, rate, MaxSampleRate)
	}
	f.SampleRate = int(rate)
	if err := f.Validate(); err != nil {
		return Format{}, err
	}
	if blockAlign != f.BytesPerFrame() {
		return Format{}, fmt.Errorf("%w: block align %d bytes, want %d for %d channels of %d bits",
			ErrFormat, blockAlign, f.BytesPerFrame(), f.Channels, f.BitsPerSample)
	}
	// Record the header form only where HeaderAuto would not reproduce it.
	switch ext := le.Uint16(p[0:]) == tagExtensible; {
	case ext && !autoExtensible(f):
		f.Header = HeaderExtensible
	case !ext && autoExtensible(f):
		f.Header = HeaderPlain
	}
	return f, nil
}

func unsupportedTag(tag uint16) error {
	return fmt.Errorf("%w: encoding 0x%04X (%s) is not supported; convert to PCM with ffmpeg -i in.wav -c:a pcm_s16le out.wav",
		ErrFormat, tag, tagName(tag))
}

// ReadFloat32 fills dst with interleaved samples scaled to [-1, 1) and
// returns how many it wrote, always a whole number of frames. It reads
// until dst is full or the data ends, so on a pipe it blocks until
// len(dst)/channels frames have arrived; pass a small dst for low latency.
//
// Return patterns: (n > 0, nil) while there are samples; (0, io.EOF) after
// the last one; (0, err) once if the underlying reader failed, after the
// samples read before the failure have been returned. A trailing partial
// frame is dropped. Float samples are returned as stored, NaN, Inf and
// values beyond ±1 included (64-bit floats are rounded to float32). dst
// must hold at least one frame; a shorter dst returns io.ErrShortBuffer.
//
// ReadFloat32 allocates only when a call asks for more than any earlier
// call (up to 16 KiB of buffer); steady-state reading allocates nothing.
func (r *Reader) ReadFloat32(dst []float32) (int, error) {
	ch := r.format.Channels
	if len(dst) < ch {
		return 0, fmt.Errorf("wav: ReadFloat32 with room for %d samples, need at least one frame of %d: %w",
			len(dst), ch, io.ErrShortBuffer)
	}
	n := 0
	for r.err == nil && len(dst)-n >= ch {
		frames := (len(dst) - n) / ch
		frames = min(frames, readChunkBytes/r.block)
		if r.remaining != sizeUnknown {
			frames = int(min(int64(frames), r.remaining/int64(r.block)))
			if frames == 0 {
				r.err = io.EOF // any partial frame left in the chunk is dropped
				break
			}
		}
		want := frames * r.block
		if cap(r.buf) < want {
			r.buf = make([]byte, want)
		}
		p := r.buf[:want]
		got, err := io.ReadFull(r.r, p)
		whole := got / r.block * r.block
		r.decode(dst[n:], p[:whole])
		n += whole / r.block * ch
		if r.remaining != sizeUnknown {
			r.remaining -= int64(got)
		}
		switch {
		case err == nil:
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			r.err = io.EOF // the data chunk may be shorter than announced
		default:
			r.err = fmt.Errorf("wav: reading samples: %w", err)
		}
	}
	if n > 0 {
		return n, nil
	}
	err := r.err
	if err != io.EOF {
		r.err = io.EOF // report a read failure once, then behave as ended
	}
	return 0, err
}

// decode converts whole frames in p to float32 samples in dst.
func (r *Reader) decode(dst []float32, p []byte) {
	le := binary.LittleEndian
	switch r.format.Encoding {
	case PCM:
		switch r.format.BitsPerSample {
		case 8: // unsigned, offset by 128
			for i, v := range p {
				dst[i] = float32(int(v)-128) * (1.0 / 128)
			}
		case 16:
			for i := range len(p) / 2 {
				dst[i] = float32(int16(le.Uint16(p[2*i:]))) * (1.0 / 32768)
			}
		case 24:
			for i := range len(p) / 3 {
				b := p[3*i : 3*i+3]
				v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
				dst[i] = float32(v) * (1.0 / (1 << 23))
			}
		case 32:
			for i := range len(p) / 4 {
				dst[i] = float32(int32(le.Uint32(p[4*i:]))) * (1.0 / (1 << 31))
			}
		}
	case Float:
		switch r.format.BitsPerSample {
		case 32:
			for i := range len(p) / 4 {
				dst[i] = math.Float32frombits(le.Uint32(p[4*i:]))
			}
		case 64:
			for i := range len(p) / 8 {
				dst[i] = float32(math.Float64frombits(le.Uint64(p[8*i:])))
			}
		}
	case ALaw:
		for i, c := range p {
			dst[i] = float32(g711.DecodeALaw(c)) * (1.0 / 32768)
		}
	case MuLaw:
		for i, c := range p {
			dst[i] = float32(g711.DecodeMuLaw(c)) * (1.0 / 32768)
		}
	}
}
