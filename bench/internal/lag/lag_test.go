package lag

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBestLagFindsDelay(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ref := make([]float32, 4000)
	for i := range ref {
		ref[i] = float32(rng.NormFloat64())
	}
	for _, d := range []int{0, 1, 37, -25} {
		est := make([]float32, len(ref))
		for i := range est {
			if j := i - d; j >= 0 && j < len(ref) {
				est[i] = 0.3 * ref[j] // delayed by d and quieter
			}
		}
		lag, corr := Best(ref, est, 50)
		assert.Equal(t, d, lag)
		assert.Greater(t, corr, 0.95)
	}
}

func TestBetweenSearchesOnlyItsRange(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ref := make([]float32, 2000)
	for i := range ref {
		ref[i] = float32(rng.NormFloat64())
	}
	est := make([]float32, len(ref)+100)
	copy(est[30:], ref)
	lag, corr := Between(ref, est, 0, 100)
	assert.Equal(t, 30, lag)
	assert.Greater(t, corr, 0.95)
	lag, corr = Between(ref, est, 40, 100)
	assert.GreaterOrEqual(t, lag, 40)
	assert.Less(t, corr, 0.2)
}
