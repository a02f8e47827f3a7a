// Package pulse is a small client of the PulseAudio native protocol, the
// one that PulseAudio and PipeWire's pulse server (pipewire-pulse) both
// speak over a unix socket. It does what a live denoiser needs and no more:
// list sinks and sources, record from one and play to another as float32
// streams, measure the streams' latency, and load and unload modules (the
// null sink of a virtual microphone).
//
// It is pure Go and uses neither cgo nor package net: the socket is made
// with golang.org/x/sys/unix, so programs that link it stay free of both.
// Audio travels inside the socket (no shared memory), which at a few
// hundred kilobytes a second costs nothing that matters.
//
// The wire format: every packet has a 20-byte header (payload length,
// channel, a 64-bit offset, flags), all big-endian. Channel 0xffffffff
// carries commands as a "tagstruct", a sequence of typed values each
// preceded by a one-byte tag; any other channel carries audio for the
// stream of that index.
package pulse
