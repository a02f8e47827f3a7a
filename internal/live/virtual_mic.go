package live

import "errors"

// VirtualMic is a pair of devices that makes hush's output a microphone:
// a null sink that hush plays into, and a source made from its monitor
// that call apps list as an ordinary microphone (Chrome and Zoom hide
// monitors).
type VirtualMic struct {
	// Sink is where hush plays; Source is what to choose in the call app.
	Sink, Source string
	// Modules are the indices of the modules loaded for it, for
	// "pactl unload-module" should hush not get to remove them; empty
	// when the devices were there already.
	Modules []uint32
	unload  func(module uint32) error
}

// Virtual-mic device names: the ones the docs' manual set-up uses too.
const (
	VirtualMicSink   = "hush_mic"
	VirtualMicSource = "hush_clean"
)

// Remove unloads the modules that made the virtual microphone, the
// source first.
func (vm *VirtualMic) Remove() error {
	var errs []error
	for i := len(vm.Modules) - 1; i >= 0; i-- {
		errs = append(errs, vm.unload(vm.Modules[i]))
	}
	vm.Modules = nil
	return errors.Join(errs...)
}
