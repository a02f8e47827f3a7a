// Package stacks holds runnable programs that denoise the audio of real
// call stacks with package denoise, compiled and tested against the real
// libraries: pion/mediadevices (./mediadevices), LiveKit's server SDK and
// media SDK (./livekit) and SIP with diago (./sip). It is a module of its
// own so that hush's module gains none of their dependencies; see
// README.md for how to run each.
//
// The snippets of docs/library.md are cut from these programs, between
// "// docs:begin NAME" and "// docs:end NAME" lines, and
// TestDocsExcerpts keeps the two equal.
package stacks
