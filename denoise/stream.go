package denoise

import (
	"encoding/binary"
	"fmt"
	"io"
)

// streamChunk is the most frames a Reader or Writer converts at a time.
const streamChunk = 1024

// maxEmptyReads is how many reads in a row may return no bytes and no
// error before a Reader gives up with io.ErrNoProgress (as bufio does).
const maxEmptyReads = 100

// pcmStream is the state shared by Reader and Writer: a Denoiser, the
// bytes of an incomplete frame, and the delay still to drop.
type pcmStream struct {
	d          *Denoiser
	frameBytes int
	raw        []byte // input bytes, the first rawLen not yet denoised
	rawLen     int
	samples    []int16 // room for max(streamChunk, Latency()) frames
	out        []byte  // encoded output of one conversion
	skip       int     // frames of the delay still to drop
}

func newPCMStream(cfg Config) (pcmStream, error) {
	d, err := New(cfg)
	if err != nil {
		return pcmStream{}, err
	}
	channels := d.cfg.Channels
	frames := max(streamChunk, d.Latency())
	s := pcmStream{
		d:          d,
		frameBytes: 2 * channels,
		raw:        make([]byte, streamChunk*2*channels),
		samples:    make([]int16, frames*channels),
		out:        make([]byte, frames*2*channels),
	}
	s.reset()
	return s, nil
}

func (s *pcmStream) reset() {
	s.d.Reset()
	s.rawLen = 0
	s.skip = s.d.Latency()
}

// denoise converts the complete frames in raw, keeps the bytes of an
// incomplete one, and returns the encoded output (less the delay still
// to drop), in a buffer reused by the next call.
func (s *pcmStream) denoise() []byte {
	frames := s.rawLen / s.frameBytes
	x := s.samples[:frames*s.d.cfg.Channels]
	for i := range x {
		x[i] = int16(binary.LittleEndian.Uint16(s.raw[2*i:]))
	}
	s.d.ProcessInt16(x, x)
	used := frames * s.frameBytes
	s.rawLen = copy(s.raw, s.raw[used:s.rawLen])
	return s.encode(x)
}

// tail ends the stream and returns the encoded samples still held.
func (s *pcmStream) tail() []byte {
	n := s.d.DrainInt16(s.samples)
	return s.encode(s.samples[:n])
}

func (s *pcmStream) encode(x []int16) []byte {
	ch := s.d.cfg.Channels
	drop := min(s.skip, len(x)/ch)
	s.skip -= drop
	x = x[drop*ch:]
	out := s.out[:2*len(x)]
	for i, v := range x {
		binary.LittleEndian.PutUint16(out[2*i:], uint16(v))
	}
	return out
}

func (s *pcmStream) partialErr() error {
	return fmt.Errorf("%w (%w): %d stray bytes, frames are %d bytes", ErrPartialFrame, io.ErrUnexpectedEOF, s.rawLen, s.frameBytes)
}

// Reader denoises a stream of 16-bit little-endian PCM (interleaved when
// there are several channels) read from an io.Reader: what diago, sipgo
// and most telephony and pipe APIs hand over. It needs no Seek, so sockets
// and pipes work, and it does not close the underlying reader.
//
// The output is latency-compensated: byte for byte, it is the input
// denoised, aligned and of the same length. To get there, a Reader holds
// back the first Latency() frames and, when the underlying reader reports
// io.EOF, appends the denoised tail, then returns io.EOF. On a live stream
// the delay is the same as with a Filter (the first Read waits until
// Latency() frames have arrived); on a finite one the result can replace
// the input.
//
// Read returns data as soon as a whole frame has arrived; reads of any
// size work, even ones that split a sample. An error from the underlying
// reader is returned after the data denoised before it, and then by every
// later Read; a stream that ends inside a frame ends with an error wrapping
// ErrPartialFrame and io.ErrUnexpectedEOF instead of io.EOF. A Reader
// allocates nothing after NewReader and must not be used by two
// goroutines at once.
type Reader struct {
	s      pcmStream
	src    io.Reader
	out    []byte // output not yet read
	err    error  // returned once out is drained
	empty  int    // reads in a row that returned nothing
	eof    bool   // the source is done; the tail is due
	tailed bool   // the tail has been made
}

// NewReader returns a Reader that denoises the PCM16LE stream r, of
// cfg.Channels interleaved channels, with cfg. It returns the errors of
// New.
func NewReader(r io.Reader, cfg Config) (*Reader, error) {
	s, err := newPCMStream(cfg)
	if err != nil {
		return nil, err
	}
	return &Reader{s: s, src: r}, nil
}

// Denoiser returns the Denoiser in use: for its latency, its channels'
// speech probabilities, or to change the strength while streaming.
func (r *Reader) Denoiser() *Denoiser { return r.s.d }

// Reset makes the Reader read a new stream from src, forgetting all
// history, without allocating.
func (r *Reader) Reset(src io.Reader) {
	r.s.reset()
	r.src = src
	r.out = nil
	r.err = nil
	r.empty = 0
	r.eof, r.tailed = false, false
}

// Read reads denoised PCM16LE bytes into p; see the type's doc.
func (r *Reader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for len(r.out) == 0 {
		switch {
		case r.eof && !r.tailed:
			// The tail comes after the last samples read, which shared
			// its buffer, so only once those are consumed.
			r.out = r.s.tail()
			r.tailed = true
		case r.err != nil:
			return 0, r.err
		default:
			r.fill()
		}
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// fill reads once from the source and makes r.out the denoised result,
// or sets r.err.
func (r *Reader) fill() {
	s := &r.s
	n, err := r.src.Read(s.raw[s.rawLen:])
	if n < 0 || n > len(s.raw)-s.rawLen {
		r.err = fmt.Errorf("denoise: the underlying reader returned %d bytes for a buffer of %d", n, len(s.raw)-s.rawLen)
		return
	}
	s.rawLen += n
	r.out = s.denoise()
	switch {
	case err == io.EOF:
		r.eof = true
		r.err = io.EOF
		if s.rawLen > 0 {
			r.err = s.partialErr()
		}
	case err != nil:
		r.err = err
	case n == 0:
		r.empty++
		if r.empty >= maxEmptyReads {
			r.err = io.ErrNoProgress
		}
	default:
		r.empty = 0
	}
}

// Writer denoises 16-bit little-endian PCM (interleaved when there are
// several channels) on its way to an io.Writer, for pipelines that push
// audio: a call's outgoing stream, a recorder, a pipe. It needs no Seek
// and does not close the underlying writer.
//
// Like a Reader, its output is latency-compensated: the first Latency()
// frames written produce no output, and Close writes the denoised tail,
// so that everything written comes out denoised, aligned and of the same
// length. Writes of any size work, even ones that split a sample; whole
// frames are denoised and passed on at once. An error from the underlying
// writer is returned and sticks: every later Write, Flush or Close
// returns it. A Writer allocates nothing after NewWriter and must not be
// used by two goroutines at once.
type Writer struct {
	s      pcmStream
	dst    io.Writer
	err    error
	closed bool
}

// NewWriter returns a Writer that denoises PCM16LE of cfg.Channels
// interleaved channels with cfg into w. It returns the errors of New.
func NewWriter(w io.Writer, cfg Config) (*Writer, error) {
	s, err := newPCMStream(cfg)
	if err != nil {
		return nil, err
	}
	return &Writer{s: s, dst: w}, nil
}

// Denoiser returns the Denoiser in use: for its latency, its channels'
// speech probabilities, or to change the strength while streaming.
func (w *Writer) Denoiser() *Denoiser { return w.s.d }

// Reset discards all state, including an error or a Close, and makes the
// Writer write a new stream to dst, without allocating. Nothing held is
// written: call Close first to keep the tail.
func (w *Writer) Reset(dst io.Writer) {
	w.s.reset()
	w.dst = dst
	w.err = nil
	w.closed = false
}

// Write denoises the PCM bytes in p and writes the result on. It returns
// len(p) and nil, or the number of bytes handled before an error of the
// underlying writer and that error.
func (w *Writer) Write(p []byte) (n int, err error) {
	if w.closed {
		return 0, ErrClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	s := &w.s
	for len(p) > 0 {
		k := copy(s.raw[s.rawLen:], p)
		s.rawLen += k
		if s.rawLen >= s.frameBytes {
			if err := w.pass(s.denoise()); err != nil {
				return n, err
			}
		}
		n += k
		p = p[k:]
	}
	return n, nil
}

// pass writes b to the underlying writer; an error sticks.
func (w *Writer) pass(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	n, err := w.dst.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = err
	}
	return err
}

// Flush writes to the underlying writer everything that can be written so
// far, and the stream goes on, as with compress/flate and bufio: flushing
// after every packet gives exactly the bytes of never flushing. Write
// already passes on every whole frame at once, so what is left is the
// Latency() frames the Denoiser holds back, which only Close can give
// (a stream cannot be denoised ahead of its input), and the bytes of an
// incomplete frame, which wait for the rest of it. Flush returns the
// underlying writer's first error, if any, or ErrClosed after Close.
func (w *Writer) Flush() error {
	if w.closed {
		return ErrClosed
	}
	return w.err
}

// Close ends the stream: it writes the denoised tail (Latency() frames, or
// fewer if less than that was written) and marks the Writer closed, so
// that later writes return ErrClosed. A stream that ended inside a frame
// loses the stray bytes, and Close returns an error wrapping
// ErrPartialFrame after writing the tail. Close does not close the
// underlying writer; Reset makes the Writer ready for another stream.
// Closing twice returns ErrClosed.
func (w *Writer) Close() error {
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	var partial error
	if w.s.rawLen > 0 {
		partial = w.s.partialErr()
	}
	if err := w.pass(w.s.tail()); err != nil {
		return err
	}
	return partial
}
