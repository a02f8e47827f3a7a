//go:build portaudio && !unix

package live

// quietStderr runs fn; only Unix sound systems need quieting.
func quietStderr(fn func()) { fn() }
