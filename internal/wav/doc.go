// Package wav reads and writes WAV files as streams of interleaved float32
// samples, for the hush CLI, tests and evaluation tools.
//
// # What is supported
//
// Reading: RIFF/WAVE and RF64 (and BW64) files whose fmt chunk is
// WAVE_FORMAT_PCM (8-bit unsigned, 16-, 24- and 32-bit signed),
// WAVE_FORMAT_IEEE_FLOAT (32- and 64-bit), WAVE_FORMAT_ALAW or
// WAVE_FORMAT_MULAW (ITU-T G.711, at any sample rate), or
// WAVE_FORMAT_EXTENSIBLE with one of those sub-formats. For extensible
// files the container size decides the layout; valid bits fewer than the
// container are fine because they are left-justified, so decoding the
// container is exact. Every other chunk (LIST, fact, bext, JUNK, ...) is
// skipped, odd-sized ones with their pad byte. A data size of 0 or
// 0xFFFFFFFF, as written by programs streaming into a pipe, or one larger
// than the file, means "read to EOF"; a partial frame at EOF is dropped.
// Compressed encodings (ADPCM, GSM, MP3, ...) and odd sample sizes (12-,
// 20-bit PCM) are refused with an error that says what was found and how
// to convert it with ffmpeg. G.711 codes decode to the values sox and
// ffmpeg give (package internal/g711).
//
// Writing: the same formats. The fmt chunk keeps the form the Format's
// Header asks for; by default (and for files whose form was the usual one)
// it is WAVE_FORMAT_EXTENSIBLE for more than two channels or PCM of more
// than 16 bits, as the specification asks, and the plain form otherwise,
// so a Format passed from a Reader to a Writer keeps the file's form. PCM
// and G.711 output is rounded to the nearest step and clipped to [-1, 1];
// NaN becomes 0. Float output is written as given. Sizes are written on
// Close when the destination can seek; data past 4 GiB makes the file RF64
// with a ds64 chunk (EBU Tech 3306). A pipe gets 0xFFFFFFFF sizes ("until
// the end"), or an RF64 header with the announced sizes when the caller
// announced more than 4 GiB (NewWriterFrames). See Writer for the details
// and for what readers do with each.
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
