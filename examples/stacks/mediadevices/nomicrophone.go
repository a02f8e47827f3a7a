//go:build !microphone

package main

// haveMicrophone tells whether -mic can work in this build: without the
// microphone build tag, only the stand-in microphone of filemic.go.
const haveMicrophone = false
