package mix

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestManifestRoundTrip(t *testing.T) {
	in := []Entry{
		{Name: "0001_rain_a_snr0.wav", Speech: "cmu/a.wav", Noise: "blanket/rain.wav", NoiseOffset: 17, SNR: 0, SpeechStart: 8000, Samples: 48000, SpeechLevel: -23.5, NoiseGain: 0.75, Gain: 1},
		{Name: "0002_rain_b_snr-2.5.wav", Speech: "b.wav", Noise: "blanket/rain.wav", NoiseOffset: 0, SNR: -2.5, Samples: 1, SpeechLevel: -40.125, NoiseGain: 3.5, Gain: 0.5},
	}
	var buf bytes.Buffer
	require.NoError(t, WriteManifest(&buf, in))
	assert.Equal(t, 3, strings.Count(buf.String(), "\n"))
	out, err := ReadManifest(&buf)
	require.NoError(t, err)
	assert.Equal(t, in, out)
	assert.Equal(t, "rain", out[0].NoiseType())
}

func TestManifestRejectsMalformed(t *testing.T) {
	for name, text := range map[string]string{
		"empty":      "",
		"header":     "a\tb\n",
		"short line": strings.Join(manifestHeader, "\t") + "\nx\ty\n",
		"bad number": strings.Join(manifestHeader, "\t") + "\nn\ts\tn\tX\t0\t0\t1\t0\t1\t1\n",
	} {
		_, err := ReadManifest(strings.NewReader(text))
		assert.ErrorIs(t, err, ErrManifest, name)
	}
}
