// Package wav reads and writes WAV files as streams of interleaved float32
// samples, for the hush CLI, tests and evaluation tools.
//
// # What is supported
//
// Reading: RIFF/WAVE and RF64 files whose fmt chunk is WAVE_FORMAT_PCM
// (8-bit unsigned, 16-, 24- and 32-bit signed), WAVE_FORMAT_IEEE_FLOAT (32-
// and 64-bit) or WAVE_FORMAT_EXTENSIBLE with the PCM or float sub-format.
// For extensible files the container size decides the layout; valid bits
// fewer than the container are fine because they are left-justified, so
// decoding the container is exact. Every other chunk (LIST, fact, bext,
// JUNK, ...) is skipped, odd-sized ones with their pad byte. A data size of
// 0 or 0xFFFFFFFF, as written by programs streaming into a pipe, or one
// larger than the file, means "read to EOF"; a partial frame at EOF is
// dropped. Compressed encodings (ADPCM, A-law, mu-law, MP3, ...) and odd
// sample sizes (12-, 20-bit PCM) are refused with an error that says what
// was found and how to convert it with ffmpeg.
//
// Writing: the same PCM and float formats. The header is plain
// WAVE_FORMAT_PCM for mono or stereo up to 16 bits and
// WAVE_FORMAT_EXTENSIBLE otherwise (as the specification asks for more
// than two channels or more than 16 bits), float included. PCM output is
// rounded to the nearest step and clipped to [-1, 1]; NaN becomes 0. Float
// output is written as given. Sizes are patched on Close when the
// destination can seek and left at 0xFFFFFFFF otherwise.
//
// # Why our own
//
// The CLI must stream from stdin to stdout, so nothing here needs
// io.Seeker. go-audio/wav needs io.ReadSeeker/io.WriteSeeker, reads float
// WAVs wrongly and allocates per buffer. This package parses the header
// with fixed-size buffers, skips unknown chunks by discarding rather than
// allocating (a hostile size of 4 GiB costs nothing), and decodes into the
// caller's slice through one byte buffer of at most 16 KiB, so steady-state
// reading and writing allocate nothing.
//
// # Errors
//
// Every error about the file's content wraps ErrFormat with the numbers
// involved; a file that ends inside its header also wraps
// io.ErrUnexpectedEOF; errors from the underlying reader or writer are
// wrapped as they are.
package wav
