package metrics

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// vbdDir holds the VoiceBank+DEMAND pairs, relative to this package.
const vbdDir = "../../../shared/data/dev16k/vbd_pairs"

// readPCM16 reads a mono 16-bit PCM WAV file; the tests carry their own
// minimal reader so that they do not depend on internal/wav.
func readPCM16(path string) ([]float32, int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, fmt.Errorf("%s: not a RIFF/WAVE file", path)
	}
	rate := 0
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8 : min(p+8+size, len(b))]
		switch id {
		case "fmt ":
			if binary.LittleEndian.Uint16(body[0:2]) != 1 || binary.LittleEndian.Uint16(body[2:4]) != 1 ||
				binary.LittleEndian.Uint16(body[14:16]) != 16 {
				return nil, 0, fmt.Errorf("%s: not mono 16-bit PCM", path)
			}
			rate = int(binary.LittleEndian.Uint32(body[4:8]))
		case "data":
			s := make([]float32, len(body)/2)
			for i := range s {
				s[i] = float32(int16(binary.LittleEndian.Uint16(body[2*i:]))) / 32768
			}
			return s, rate, nil
		}
		p += 8 + size + size%2
	}
	return nil, 0, fmt.Errorf("%s: no data chunk", path)
}

// vbdPair loads one clean/noisy pair, skipping the test without the data.
func vbdPair(t testing.TB, name string) (clean, noisy []float32, rate int) {
	t.Helper()
	if _, err := os.Stat(vbdDir); err != nil {
		t.Skipf("no VBD data at %s", vbdDir)
	}
	clean, rate, err := readPCM16(filepath.Join(vbdDir, "clean", name))
	require.NoError(t, err)
	noisy, nrate, err := readPCM16(filepath.Join(vbdDir, "noisy", name))
	require.NoError(t, err)
	require.Equal(t, rate, nrate)
	require.Len(t, noisy, len(clean))
	return clean, noisy, rate
}
