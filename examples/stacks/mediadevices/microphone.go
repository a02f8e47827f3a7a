//go:build microphone

package main

// mediadevices' own microphone driver: miniaudio through malgo, built
// with cgo. It registers the system's capture devices when the program
// starts.
import _ "github.com/pion/mediadevices/pkg/driver/microphone"

// haveMicrophone tells whether -mic can work in this build.
const haveMicrophone = true
