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

func TestDriftJudgeUndoesAStepAtOnce(t *testing.T) {
	j := driftJudge{limit: 96, step: 720, nominal: 1440}
	// Before the first mean only a queue run out for good is a step: the
	// delay the stream settles at may be well below the nominal one.
	assert.Zero(t, feedJudge(&j, 3, 500, false), "short of the nominal delay, but not below zero")
	assert.Zero(t, j.add(-300, false), "one reading is not yet a step")
	assert.Equal(t, int64(-1750), j.add(-320, true), "the second is, underflow or not: repeat the frames it lost")
	assert.Zero(t, feedJudge(&j, driftReadings, 1000, false), "the first mean is the baseline")
	assert.Zero(t, j.add(2000, false))
	assert.Zero(t, j.add(500, false), "a step the other way is not the same step")
	assert.Zero(t, j.add(1100, false), "back")
	assert.Zero(t, j.add(1900, false))
	assert.Equal(t, int64(920), j.add(1940, false), "leave out what it gained")
}

func TestDriftJudgeWithoutAStepLimitTakesNoSteps(t *testing.T) {
	j := driftJudge{limit: 96}
	assert.Zero(t, feedJudge(&j, 3, -5000, false))
}
