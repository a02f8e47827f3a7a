package metrics

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
)

// vbdPair loads one clean/noisy VoiceBank+DEMAND pair of the shared data,
// skipping the test without it.
func vbdPair(t testing.TB, name string) (clean, noisy []float32, rate int) {
	t.Helper()
	dir := testaudio.SharedData(t, "dev16k/vbd_pairs")
	clean, rate = testaudio.ReadMono(t, filepath.Join(dir, "clean", name))
	noisy, nrate := testaudio.ReadMono(t, filepath.Join(dir, "noisy", name))
	require.Equal(t, rate, nrate)
	require.Len(t, noisy, len(clean))
	return clean, noisy, rate
}
