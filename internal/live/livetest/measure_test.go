package livetest

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func noise(n int, seed uint64) []float32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * 0.1)
	}
	return x
}

func TestDelayFindsTheLag(t *testing.T) {
	early := noise(20000, 1)
	for _, lag := range []int{0, 7, 480, -300} {
		late := make([]float32, len(early))
		for k := range late {
			if j := k - lag; j >= 0 && j < len(early) {
				late[k] = 0.5 * early[j] // a scaled copy correlates fully
			}
		}
		got, corr := Delay(early, late, 1000)
		assert.Equal(t, lag, got)
		assert.InDelta(t, 1, corr, 1e-6, "lag %d", lag)
	}
	_, corr := Delay(early, noise(20000, 2), 1000)
	assert.Less(t, corr, 0.1, "unrelated signals")
}

func TestWindowDelaysSeeAShift(t *testing.T) {
	early := noise(48000, 3)
	// late trails by 100 samples, then by 148 from sample 24000 on: a
	// 48-sample gap inserted there.
	late := make([]float32, len(early))
	for k := range late {
		lag := 100
		if k >= 24000 {
			lag = 148
		}
		if k-lag >= 0 {
			late[k] = early[k-lag]
		}
	}
	ws := WindowDelays(early, late, 100, 4000, 100, 0.01)
	require.NotEmpty(t, ws)
	for _, w := range ws {
		want := 100
		if w.Start >= 24000 {
			want = 148
		}
		assert.Equal(t, want, w.Lag, "window at %d", w.Start)
	}
	// Quiet windows are left out.
	assert.Empty(t, WindowDelays(make([]float32, 48000), late, 100, 4000, 100, 0.01))
}

func TestSilentRuns(t *testing.T) {
	x := noise(1000, 4)
	clear(x[100:148]) // 48 zeros: a run
	clear(x[500:520]) // 20: too short
	clear(x[900:1000])
	assert.Equal(t, []int{100, 900}, SilentRuns(x, 0, len(x), 48, 1))
	assert.Equal(t, []int{100}, SilentRuns(x, 0, 800, 48, 1))
	assert.Empty(t, SilentRuns(x, 200, 800, 48, 1))
	assert.Equal(t, []int{920}, SilentRuns(x, 920, len(x), 48, 1), "a run cut by from starts there")
	// Runs less than apart samples after the last one are the same dropout.
	clear(x[200:260])
	assert.Equal(t, []int{100, 200, 900}, SilentRuns(x, 0, len(x), 48, 1))
	assert.Equal(t, []int{100, 900}, SilentRuns(x, 0, len(x), 48, 53), "200 is 52 after 148")
	assert.Equal(t, []int{100, 200, 900}, SilentRuns(x, 0, len(x), 48, 52))
	assert.Equal(t, []int{100}, SilentRuns(x, 0, len(x), 48, 1000))
}
