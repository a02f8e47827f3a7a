// Package g711 converts between 16-bit linear PCM and the ITU-T G.711
// companded codes, A-law and µ-law, one byte per sample: the encodings of
// telephone networks, SIP/RTP (PCMA, PCMU) and most call recordings.
//
// Decoding gives the reconstruction value of each code in 16-bit scale
// (A-law up to ±32256, µ-law up to ±32124), the values sox, ffmpeg and the
// ITU-T G.191 reference code give. Encoding follows G.711's decision
// levels after rounding the input to the law's 13 (A-law) or 14 (µ-law)
// bits, as sox does (the reference truncates instead): it agrees byte for
// byte with sox for every 16-bit value, and it is the inverse of decoding
// (every decoded value encodes back to its own code; µ-law's two codes for
// zero both decode to 0, which encodes as 0xFF).
//
// The decoding tables are computed once, when the package is initialised,
// and never written; encoding needs no table. Nothing here allocates, so
// the functions can sit in a per-sample loop.
package g711
