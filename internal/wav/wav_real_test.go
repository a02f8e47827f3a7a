package wav_test

import (
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hushaudio/hush/internal/testaudio"
	"github.com/hushaudio/hush/internal/wav"
)

// Real recordings of the shared data (skipped without it) read the same
// streamed in small pieces as whole, with the sizes and levels they have.
func TestReadRealFiles(t *testing.T) {
	files := testaudio.WAVFiles(t, testaudio.SharedData(t, "dev16k/vbd_pairs/noisy"))[:3]
	files = append(files, testaudio.WAVFiles(t, testaudio.SharedData(t, "noise48k"))[:2]...)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			f, err := os.Open(path)
			require.NoError(t, err)
			defer f.Close()
			r, err := wav.NewReader(f)
			require.NoError(t, err)
			format := r.Format()
			assert.Contains(t, []int{16000, 48000}, format.SampleRate)
			assert.Equal(t, wav.Format{SampleRate: format.SampleRate, Channels: 1, Encoding: wav.PCM, BitsPerSample: 16}, format)
			var got []float32
			buf := make([]float32, 480)
			for {
				n, err := r.ReadFloat32(buf)
				got = append(got, buf[:n]...)
				if err == io.EOF {
					break
				}
				require.NoError(t, err)
			}
			assert.Equal(t, r.Frames(), int64(len(got)))
			assert.Greater(t, len(got), format.SampleRate/2, "at least half a second")
			var peak float64
			for _, v := range got {
				peak = max(peak, math.Abs(float64(v)))
			}
			assert.LessOrEqual(t, peak, 1.0)
			assert.Greater(t, peak, 0.001, "not silence")

			again, format2, err := wav.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, format, format2)
			assert.Equal(t, got, again)
		})
	}
}
