package dsp

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBinGroupsLayout(t *testing.T) {
	g := NewBinGroups(481, 50) // 48 kHz, 20 ms frames
	assert.Equal(t, 80+40+20+30+1, g.Len(), "single bins to 4 kHz, pairs to 8 kHz, fours to 12 kHz, eights above")
	g16 := NewBinGroups(161, 50)
	assert.Equal(t, 80+41, g16.Len())

	power := make([]float32, 481)
	for k := range power {
		power[k] = float32(k)
	}
	pooled := make([]float32, g.Len())
	g.Pool(pooled, power)
	assert.Equal(t, float32(79), pooled[79])
	assert.Equal(t, float32(80.5), pooled[80], "mean of bins 80 and 81")
	assert.Equal(t, float32(475.5), pooled[g.Len()-2], "mean of bins 472 to 479")
	assert.Equal(t, float32(480), pooled[g.Len()-1], "the Nyquist bin left over")
}

func TestBinGroupsExpandIsExactOnLinearGains(t *testing.T) {
	// Group gains sampled from a straight line come back as that line at
	// every bin between the first and last group centres.
	g := NewBinGroups(481, 50)
	line := func(x float32) float32 { return 0.1 + 0.001*x }
	groupGains := make([]float32, g.Len())
	for j := range groupGains {
		groupGains[j] = line(g.center[j])
	}
	gains := make([]float32, 481)
	g.Expand(gains, groupGains)
	for k := 0; float32(k) <= g.center[g.Len()-1]; k++ {
		require.InDelta(t, line(float32(k)), gains[k], 1e-6, "bin %d", k)
	}
	assert.Equal(t, groupGains[g.Len()-1], gains[480], "beyond the last centre the last gain holds")
}

func TestBinGroupsExpandMatchesSearch(t *testing.T) {
	// The segment walk must give exactly what looking up each bin's pair of
	// centres gives.
	rng := rand.New(rand.NewPCG(11, 12))
	for _, rate := range []int{8000, 16000, 44100, 48000} {
		size := rate / 50
		bins := size/2 + 1
		g := NewBinGroups(bins, float64(rate)/float64(size))
		gg := make([]float32, g.Len())
		for j := range gg {
			gg[j] = rng.Float32()
		}
		got := make([]float32, bins)
		g.Expand(got, gg)
		last := g.Len() - 1
		j := 0
		for k := range bins {
			x := float32(k)
			for j < last && g.center[j+1] <= x {
				j++
			}
			want := gg[last]
			if j < last {
				w := (x - g.center[j]) * g.invGap[j]
				want = gg[j] + w*(gg[j+1]-gg[j])
			}
			require.Equal(t, want, got[k], "%d Hz bin %d", rate, k)
		}
	}
}
