//go:build linux

package pulse

import (
	"fmt"
	"strings"
)

// Sample formats (PA_SAMPLE_*).
const (
	FormatS16LE     = 3
	FormatFloat32LE = 5
)

// SampleSpec is a stream's or device's sample format, channels and rate.
type SampleSpec struct {
	Format, Channels uint8
	Rate             uint32 // [Hz]
}

// ServerInfo describes the server.
type ServerInfo struct {
	// Name is "pulseaudio", or "PulseAudio (on PipeWire 1.0.5)" and the
	// like for PipeWire's pulse server; Version its version.
	Name, Version string
	// DefaultSink and DefaultSource name the default devices.
	DefaultSink, DefaultSource string
	// SampleSpec is the server's default format.
	SampleSpec SampleSpec
}

// IsPipeWire reports whether the server is PipeWire's.
func (s ServerInfo) IsPipeWire() bool { return strings.Contains(s.Name, "PipeWire") }

// ServerInfo asks the server about itself.
func (c *Conn) ServerInfo() (ServerInfo, error) {
	r, err := c.request(cmdGetServerInfo, nil)
	if err != nil {
		return ServerInfo{}, fmt.Errorf("pulse: server info: %w", err)
	}
	var s ServerInfo
	s.Name = r.str()
	s.Version = r.str()
	r.str() // user name
	r.str() // host name
	s.SampleSpec = r.sampleSpec()
	s.DefaultSink = r.str()
	s.DefaultSource = r.str()
	return s, r.err
}

// Device is a sink (output) or source (input).
type Device struct {
	Index uint32
	// Name identifies the device to the server ("alsa_output.pci-...",
	// "hush_mic"); Description is the one people read.
	Name, Description string
	SampleSpec        SampleSpec
	// Module is the index of the module that made the device.
	Module uint32
	// MonitorOf is, for a source that is a sink's monitor, the sink's
	// name; empty for other sources and for sinks.
	MonitorOf string
	// Latency is the device's current latency [µs].
	Latency uint64
}

// Sinks lists the output devices.
func (c *Conn) Sinks() ([]Device, error) { return c.devices(cmdGetSinkInfoList, true) }

// Sources lists the input devices, monitors of sinks included.
func (c *Conn) Sources() ([]Device, error) { return c.devices(cmdGetSourceInfoList, false) }

// devices reads a sink or source list; both have one layout, which
// depends on the protocol version.
func (c *Conn) devices(cmd uint32, sinks bool) ([]Device, error) {
	what := "sources"
	if sinks {
		what = "sinks"
	}
	r, err := c.request(cmd, nil)
	if err != nil {
		return nil, fmt.Errorf("pulse: listing %s: %w", what, err)
	}
	var devs []Device
	for len(r.buf) > 0 && r.err == nil {
		var d Device
		d.Index = r.u32()
		d.Name = r.str()
		d.Description = r.str()
		d.SampleSpec = r.sampleSpec()
		r.channelMap()
		d.Module = r.u32()
		r.cvolume()
		r.boolean() // muted
		r.u32()     // the monitor source, or the sink monitored
		monitorName := r.str()
		if !sinks {
			d.MonitorOf = monitorName
		}
		d.Latency = r.usec()
		r.str() // driver
		r.u32() // flags
		if c.version >= 13 {
			r.propList()
			r.usec() // requested latency
		}
		if c.version >= 15 {
			r.volume() // base volume
			r.u32()    // state
			r.u32()    // volume steps
			r.u32()    // card
		}
		if c.version >= 16 {
			ports := r.u32()
			for i := uint32(0); i < ports && r.err == nil; i++ {
				r.str() // name
				r.str() // description
				r.u32() // priority
				if c.version >= 24 {
					r.u32() // available
				}
			}
			r.str() // active port
		}
		if c.version >= 21 {
			formats := r.u8()
			for i := uint8(0); i < formats && r.err == nil; i++ {
				r.formatInfo()
			}
		}
		if r.err == nil {
			devs = append(devs, d)
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("pulse: listing %s: %w", what, r.err)
	}
	return devs, nil
}

// Module is a loaded module.
type Module struct {
	Index      uint32
	Name, Args string
}

// Modules lists the loaded modules.
func (c *Conn) Modules() ([]Module, error) {
	r, err := c.request(cmdGetModuleInfoList, nil)
	if err != nil {
		return nil, fmt.Errorf("pulse: listing modules: %w", err)
	}
	var mods []Module
	for len(r.buf) > 0 && r.err == nil {
		var m Module
		m.Index = r.u32()
		m.Name = r.str()
		m.Args = r.str()
		r.u32() // users
		if c.version >= 15 {
			r.propList()
		} else {
			r.boolean() // autoload
		}
		if r.err == nil {
			mods = append(mods, m)
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("pulse: listing modules: %w", r.err)
	}
	return mods, nil
}

// LoadModule loads a module (such as "module-null-sink") with its
// arguments and returns its index, for UnloadModule.
func (c *Conn) LoadModule(name, args string) (uint32, error) {
	r, err := c.request(cmdLoadModule, func(w *tagWriter) {
		w.str(name)
		w.str(args)
	})
	if err != nil {
		return 0, fmt.Errorf("pulse: loading %s %s: %w", name, args, err)
	}
	idx := r.u32()
	return idx, r.err
}

// UnloadModule unloads the module with that index.
func (c *Conn) UnloadModule(index uint32) error {
	if _, err := c.request(cmdUnloadModule, func(w *tagWriter) { w.u32(index) }); err != nil {
		return fmt.Errorf("pulse: unloading module %d: %w", index, err)
	}
	return nil
}

// SetDefaultSource makes the named source the default microphone.
func (c *Conn) SetDefaultSource(name string) error {
	if _, err := c.request(cmdSetDefaultSource, func(w *tagWriter) { w.str(name) }); err != nil {
		return fmt.Errorf("pulse: making %q the default source: %w", name, err)
	}
	return nil
}
