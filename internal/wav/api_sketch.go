package wav

// This file fixes the package's API so that other packages can be written
// against it while it is being implemented. The implementer replaces it.

import (
	"errors"
	"io"
)

// Encoding is how samples are stored in the data chunk.
type Encoding int

const (
	// PCM is linear integer PCM (WAVE_FORMAT_PCM, or EXTENSIBLE with the PCM sub-format).
	PCM Encoding = iota + 1
	// Float is IEEE floating point (WAVE_FORMAT_IEEE_FLOAT, or EXTENSIBLE with the float sub-format).
	Float
)

// Format describes the audio in a WAV file.
type Format struct {
	SampleRate    int      // [Hz]
	Channels      int      // interleaved channels per frame
	Encoding      Encoding // PCM or Float
	BitsPerSample int      // 8, 16, 24, 32 for PCM; 32, 64 for Float
}

// ErrFormat is wrapped by every error about a malformed or unsupported file.
var ErrFormat = errors.New("wav: unsupported or malformed file")

// Reader streams samples out of a WAV file without needing Seek.
type Reader struct{}

// NewReader parses the header of r up to the start of the data chunk.
func NewReader(r io.Reader) (*Reader, error) { panic("unimplemented") }

// Format returns the format read from the header.
func (r *Reader) Format() Format { panic("unimplemented") }

// Frames returns the number of frames the header announces, or -1 when the
// size is unknown (streamed files with a data size of 0 or 0xFFFFFFFF).
func (r *Reader) Frames() int64 { panic("unimplemented") }

// ReadFloat32 fills dst with interleaved samples scaled to [-1, 1) and
// returns how many it wrote (always a whole number of frames); io.EOF after
// the last sample.
func (r *Reader) ReadFloat32(dst []float32) (int, error) { panic("unimplemented") }

// Writer streams samples into a WAV file.
type Writer struct{}

// NewWriter writes a header for f to w.
func NewWriter(w io.Writer, f Format) (*Writer, error) { panic("unimplemented") }

// WriteFloat32 encodes interleaved samples in [-1, 1] (clipped for integer formats).
func (w *Writer) WriteFloat32(src []float32) error { panic("unimplemented") }

// Close finishes the file: it patches the sizes when the destination is an
// io.WriteSeeker. It does not close the underlying writer.
func (w *Writer) Close() error { panic("unimplemented") }

// ReadFile reads a whole file into memory as interleaved float32 samples.
func ReadFile(path string) ([]float32, Format, error) { panic("unimplemented") }

// WriteFile writes a whole file atomically (temporary file, then rename).
func WriteFile(path string, samples []float32, f Format) error { panic("unimplemented") }
