package dsp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTriangleBandsPoolKeepsEnergyAndExpandInterpolates(t *testing.T) {
	centers := []float64{0, 50, 100, 200, 400, 800}
	tb := NewTriangleBands(centers, 21, 50) // bins 0..1000 Hz
	require.Equal(t, 6, tb.Len())
	require.Equal(t, 17, tb.Covered())

	power := make([]float32, 21)
	var total float32
	for k := range power {
		power[k] = float32(k + 1)
		if k < tb.Covered() {
			total += power[k]
		}
	}
	pooled := make([]float32, tb.Len())
	tb.Pool(pooled, power)
	var sum float32
	for _, e := range pooled {
		sum += e
	}
	assert.InDelta(t, total, sum, 1e-3, "pooling must neither lose nor add energy")
	// Bin 3 (150 Hz) lies halfway between the 100 and 200 Hz centres.
	assert.InDelta(t, 3+0.5*4, pooled[2], 1e-5) // bin 2 whole, half of bin 3

	gains := make([]float32, 21)
	tb.Expand(gains, []float32{0, 1, 0, 1, 0, 1})
	assert.InDelta(t, 0.5, gains[3], 1e-6)
	assert.InDelta(t, 1, gains[16], 1e-6)
	assert.InDelta(t, 0.125, gains[9], 1e-6) // 450 Hz: an eighth of the way from 400 Hz (0) to 800 Hz (1)
	assert.Zero(t, gains[17], "bins beyond the last centre are left alone")
}

func TestTriangleBandsAboveNyquistGetNothing(t *testing.T) {
	tb := NewTriangleBands([]float64{0, 1000, 2000, 4000, 6000}, 61, 50) // 3 kHz Nyquist
	assert.Equal(t, 61, tb.Covered())
	power := make([]float32, 61)
	for k := range power {
		power[k] = 1
	}
	pooled := make([]float32, tb.Len())
	tb.Pool(pooled, power)
	assert.Zero(t, pooled[4])
	assert.Zero(t, tb.Weight(4))
	assert.InDelta(t, 61, pooled[0]+pooled[1]+pooled[2]+pooled[3], 1e-4)
}
