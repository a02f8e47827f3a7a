package live

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteDeviceList writes devs as a table: index, name, host API, default
// rate and channel counts, with the default input and output marked.
func WriteDeviceList(w io.Writer, devs []DeviceInfo) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INDEX\tDEFAULT\tNAME\tHOST API\tRATE (Hz)\tIN\tOUT")
	for _, d := range devs {
		mark := ""
		switch {
		case d.DefaultInput && d.DefaultOutput:
			mark = "in+out"
		case d.DefaultInput:
			mark = "in"
		case d.DefaultOutput:
			mark = "out"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%g\t%d\t%d\n", d.Index, mark, d.Name, d.HostAPI,
			d.DefaultSampleRate, d.MaxInputChannels, d.MaxOutputChannels)
	}
	return tw.Flush()
}
