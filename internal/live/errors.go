package live

import "errors"

// Errors returned by the package, wrapped with the details; test with errors.Is.
var (
	// ErrNoDevice means no device fits: there is none of the asked
	// direction, no default one, or none with the given index or name.
	ErrNoDevice = errors.New("no audio device")
	// ErrAmbiguousDevice means a device name matches several devices.
	ErrAmbiguousDevice = errors.New("device name matches several devices")
	// ErrSampleRate means the devices or the denoiser cannot run at the
	// sample rate.
	ErrSampleRate = errors.New("unsupported sample rate")
	// ErrBuffer means the buffer size is out of range.
	ErrBuffer = errors.New("unsupported buffer size")
	// ErrStalled means the stream stopped delivering audio, as when a device
	// is unplugged.
	ErrStalled = errors.New("the audio device stopped delivering audio")
	// ErrNoAudioSupport means the program was built without a sound-system
	// backend.
	ErrNoAudioSupport = errors.New("this build of hush has no audio device support")
)
