package live

import (
	"bytes"
	"fmt"
	"io"
	"text/tabwriter"
)

// WriteDeviceList writes devs as a table: index, name, host API, default
// rate, channel counts and description, with the default input and
// output marked.
func WriteDeviceList(w io.Writer, devs []DeviceInfo) error {
	var table bytes.Buffer
	tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "INDEX\tDEFAULT\tNAME\tHOST API\tRATE (Hz)\tIN\tOUT\tDESCRIPTION")
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
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%g\t%d\t%d\t%s\n", d.Index, mark, d.Name, d.HostAPI,
			d.DefaultSampleRate, d.MaxInputChannels, d.MaxOutputChannels, d.Description)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// A device without a description leaves the padding of the column
	// before it at the end of its line.
	for line := range bytes.Lines(table.Bytes()) {
		if _, err := w.Write(append(bytes.TrimRight(line, " \n"), '\n')); err != nil {
			return err
		}
	}
	return nil
}
