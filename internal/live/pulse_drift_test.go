package live

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// feedJudge gives j n readings of value and returns the last non-zero order.
func feedJudge(j *driftJudge, n int, value float64, ranDry bool) int64 {
	var order int64
	for range n {
		if a := j.add(value, ranDry); a != 0 {
			order = a
		}
	}
	return order
}

func TestDriftJudgeActsOnADelayThatStaysMoved(t *testing.T) {
	j := driftJudge{limit: 96}
	assert.Zero(t, feedJudge(&j, driftReadings, 1000, false), "the first mean is the baseline")
	assert.Zero(t, feedJudge(&j, driftReadings, 1050, false), "within the limit")
	assert.Zero(t, feedJudge(&j, driftReadings, 1200, false), "one mean beyond the limit is not yet drift")
	assert.Equal(t, int64(210), feedJudge(&j, driftReadings, 1210, false), "the second is: leave out the frames it moved by")
	// The other way: the queue shrank, so frames are repeated.
	assert.Zero(t, feedJudge(&j, driftReadings, 880, false))
	assert.Equal(t, int64(-120), feedJudge(&j, driftReadings, 880, false))
}

func TestDriftJudgeIgnoresOneOffMoves(t *testing.T) {
	j := driftJudge{limit: 96}
	feedJudge(&j, driftReadings, 1000, false)
	assert.Zero(t, feedJudge(&j, driftReadings, 1200, false))
	assert.Zero(t, feedJudge(&j, driftReadings, 1000, false), "back within the limit")
	assert.Zero(t, feedJudge(&j, driftReadings, 1200, false), "beyond it again, once")
	assert.Zero(t, feedJudge(&j, driftReadings, 800, false), "and then the other way: not the same move")
}

func TestDriftJudgeDiscardsMeansOverUnderflows(t *testing.T) {
	j := driftJudge{limit: 96}
	feedJudge(&j, driftReadings, 1000, false)
	feedJudge(&j, driftReadings, 1200, false)
	// A mean that would confirm the move, but the queue ran dry during it:
	// the sink's positions jumped, so its readings are not to be trusted.
	assert.Zero(t, feedJudge(&j, driftReadings-1, 1200, false))
	assert.Zero(t, j.add(1200, true))
	assert.Zero(t, feedJudge(&j, driftReadings-1, 1200, false), "the mean starts again after the underflow")
	assert.Equal(t, int64(200), j.add(1200, false))
}
