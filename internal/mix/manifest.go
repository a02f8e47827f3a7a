package mix

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Entry describes how one mixture was made: one line of the manifest.
type Entry struct {
	Name        string  // file name in clean/, noisy/ and noise/
	Speech      string  // speech file, slash-separated, relative to the speech folder
	Noise       string  // noise file, slash-separated, relative to the noise folder
	NoiseOffset int     // [samples] where in the noise file the segment starts
	SNR         float64 // [dB] target SNR (active speech level over noise power)
	SpeechStart int     // [samples] silence before the speech (Options.Lead)
	Samples     int     // length of each of the three files [samples]
	SpeechLevel float64 // [dB re full scale] active speech level of the speech file as read
	NoiseGain   float64 // linear factor applied to the noise file to reach the SNR
	Gain        float64 // linear factor (≤ 1) applied to all three signals to avoid clipping
}

// NoiseType returns the noise file's base name without extension, such as
// "rain" for "blanket/rain.wav": the label results are grouped by.
func (e Entry) NoiseType() string {
	b := e.Noise[strings.LastIndex(e.Noise, "/")+1:]
	return strings.TrimSuffix(b, filepath.Ext(b))
}

// manifestHeader names the manifest's tab-separated columns, in order.
var manifestHeader = []string{"name", "speech", "noise", "noise_offset", "snr_db", "speech_start", "samples", "speech_level_db", "noise_gain", "gain"}

// WriteManifest writes entries as tab-separated values with a header line.
func WriteManifest(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, strings.Join(manifestHeader, "\t"))
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, e := range entries {
		fmt.Fprintln(bw, strings.Join([]string{
			e.Name, e.Speech, e.Noise, strconv.Itoa(e.NoiseOffset), g(e.SNR),
			strconv.Itoa(e.SpeechStart), strconv.Itoa(e.Samples), g(e.SpeechLevel), g(e.NoiseGain), g(e.Gain),
		}, "\t"))
	}
	return bw.Flush()
}

// ReadManifest parses what WriteManifest wrote.
func ReadManifest(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	line := 0
	var out []Entry
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if line == 1 {
			if strings.Join(f, "\t") != strings.Join(manifestHeader, "\t") {
				return nil, fmt.Errorf("%w: line 1: header %q, want %q", ErrManifest, sc.Text(), strings.Join(manifestHeader, "\t"))
			}
			continue
		}
		if len(f) != len(manifestHeader) {
			return nil, fmt.Errorf("%w: line %d: %d fields, want %d", ErrManifest, line, len(f), len(manifestHeader))
		}
		e := Entry{Name: f[0], Speech: f[1], Noise: f[2]}
		var errs [7]error
		e.NoiseOffset, errs[0] = strconv.Atoi(f[3])
		e.SNR, errs[1] = strconv.ParseFloat(f[4], 64)
		e.SpeechStart, errs[2] = strconv.Atoi(f[5])
		e.Samples, errs[3] = strconv.Atoi(f[6])
		e.SpeechLevel, errs[4] = strconv.ParseFloat(f[7], 64)
		e.NoiseGain, errs[5] = strconv.ParseFloat(f[8], 64)
		e.Gain, errs[6] = strconv.ParseFloat(f[9], 64)
		for i, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("%w: line %d, column %s: %v", ErrManifest, line, manifestHeader[i+3], err)
			}
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if line == 0 {
		return nil, fmt.Errorf("%w: empty", ErrManifest)
	}
	return out, nil
}

// ReadManifestFile reads the manifest at path.
func ReadManifestFile(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := ReadManifest(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return entries, nil
}

// writeManifestFile writes the manifest atomically: a temporary file in the
// same folder, then a rename.
func writeManifestFile(path string, entries []Entry) error {
	var buf bytes.Buffer
	if err := WriteManifest(&buf, entries); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".manifest-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
