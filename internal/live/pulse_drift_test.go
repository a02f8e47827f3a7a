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
	assert.Zero(t, feedJudge(&j, 2, 5000, true), "before the first mean there is nothing to step from")
	assert.Zero(t, feedJudge(&j, driftReadings, 1000, false), "the first mean is the baseline")
	assert.Zero(t, j.add(2000, false), "one reading is not yet a step")
	assert.Zero(t, j.add(500, false), "a step the other way is not the same step")
	assert.Zero(t, j.add(1100, false), "back")
	assert.Zero(t, j.add(1900, false))
	assert.Equal(t, int64(920), j.add(1940, false), "leave out what it gained")
	assert.Zero(t, j.add(200, true))
	assert.Equal(t, int64(-810), j.add(180, true), "repeat what it lost")
}

func TestDriftJudgeTopsUpAShortStartAtOnce(t *testing.T) {
	j := driftJudge{limit: 96, nominal: 1440, short: 360}
	assert.Zero(t, feedJudge(&j, 3, 1200, false), "short of the nominal delay, but by less than short")
	assert.Zero(t, j.add(900, false), "one short reading is not yet a short queue")
	assert.Zero(t, j.add(1300, false), "the next was not short")
	assert.Zero(t, j.add(980, false))
	assert.Equal(t, int64(-480), j.add(940, false), "two short readings in a row, run dry or not: repeat what is missing")
	assert.Zero(t, j.add(-300, false))
	assert.Equal(t, int64(-1750), j.add(-320, false), "a queue run out for good is short too")
}

func TestDriftJudgeTopsUpOnlyWhileAllowed(t *testing.T) {
	j := driftJudge{limit: 96, nominal: 1440, short: 360}
	assert.Zero(t, j.add(1000, true))
	j.short = 0 // as correctDrift does after driftTopUpFor
	assert.Zero(t, feedJudge(&j, 4, 1000, true), "short, but the time for top-ups is over")
	assert.Zero(t, j.add(-300, true))
	assert.Equal(t, int64(-1750), j.add(-320, true), "but for a queue run out")
	assert.Zero(t, feedJudge(&j, driftReadings, 1000, false), "the first mean is the baseline")
	assert.Zero(t, feedJudge(&j, driftReadings, 1000, false))
}

func TestDriftJudgeWithoutAStepLimitTakesNoSteps(t *testing.T) {
	j := driftJudge{limit: 96}
	feedJudge(&j, driftReadings, 1000, false)
	assert.Zero(t, feedJudge(&j, 3, 5000, false))
}
