//go:build linux

package live

import (
	"errors"
	"fmt"
	"slices"

	"github.com/hushaudio/hush/internal/pulse"
)

// AddVirtualMic makes the devices of a virtual microphone, or uses the
// ones there (from an earlier set-up by hand); Remove takes away only
// what this call made.
func (p *Pulse) AddVirtualMic() (*VirtualMic, error) {
	vm := &VirtualMic{Sink: VirtualMicSink, Source: VirtualMicSource, unload: p.c.UnloadModule}
	sinks, err := p.c.Sinks()
	if err != nil {
		return nil, err
	}
	sources, err := p.c.Sources()
	if err != nil {
		return nil, err
	}
	named := func(devs []pulse.Device, name string) bool {
		return slices.ContainsFunc(devs, func(d pulse.Device) bool { return d.Name == name })
	}
	load := func(module, args string) error {
		idx, err := p.c.LoadModule(module, args)
		if err != nil {
			return err
		}
		vm.Modules = append(vm.Modules, idx)
		return nil
	}
	if !named(sinks, vm.Sink) {
		// Mono at 48 kHz: what hush plays, so the server converts nothing.
		err = load("module-null-sink", fmt.Sprintf("sink_name=%s rate=48000 channels=1 channel_map=mono sink_properties=device.description=%s", vm.Sink, vm.Sink))
	}
	if err == nil && !named(sources, vm.Source) {
		err = load("module-remap-source", fmt.Sprintf("master=%s.monitor source_name=%s source_properties=device.description=%s", vm.Sink, vm.Source, vm.Source))
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("making the virtual microphone: %w", err), vm.Remove())
	}
	p.devs = nil // the device list changed
	return vm, nil
}
