package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTableMarksBestPerColumn(t *testing.T) {
	tb := table{
		corner: "system",
		cols: []column{
			{title: "SI-SDR", digits: 2, best: 1},
			{title: "lag", digits: 0, best: -1},
			{title: "time", digits: 1},
		},
		rows: []row{
			{label: "noisy", vals: []float64{4.081, 3, 1}},
			{label: "a", vals: []float64{9.084, 0, 2}},
			{label: "b", vals: []float64{9.0799, math.NaN(), 3}}, // ties with a at two decimals
			{label: "c", vals: []float64{math.NaN()}},            // short row: dashes
		},
	}
	var b strings.Builder
	require.NoError(t, tb.write(&b))
	want := `| system | SI-SDR | lag | time |
|---|---:|---:|---:|
| noisy | 4.08 | 3 | 1.0 |
| a | **9.08** | **0** | 2.0 |
| b | **9.08** | – | 3.0 |
| c | – | – | – |
`
	assert.Equal(t, want, b.String())
}

func TestTableWithoutValuesHasNoBold(t *testing.T) {
	tb := table{corner: "x", cols: []column{{title: "v", digits: 1, best: 1}},
		rows: []row{{label: "r", vals: []float64{math.NaN()}}}}
	var b strings.Builder
	require.NoError(t, tb.write(&b))
	assert.NotContains(t, b.String(), "**")
}

func TestSystemOrder(t *testing.T) {
	s := []string{"speex", "hush-gentle", "afftdn", "hush"}
	for i := range s {
		for j := range s {
			assert.Equal(t, i < j, systemLess([]string{"hush", "hush-gentle", "afftdn", "speex"}[i], []string{"hush", "hush-gentle", "afftdn", "speex"}[j]))
		}
	}
}

func TestMeanAndMedian(t *testing.T) {
	assert.Equal(t, 2.0, mean([]float64{1, math.NaN(), 3}))
	assert.True(t, math.IsNaN(mean([]float64{math.NaN()})))
	assert.Equal(t, 2, median([]int{5, 2, 1, 2}))
	assert.Equal(t, 0, median([]int{0}))
}

func TestTableShowsInfinity(t *testing.T) {
	tb := table{corner: "x", cols: []column{{title: "v", digits: 1, best: 1}},
		rows: []row{{label: "r", vals: []float64{math.Inf(1)}}, {label: "s", vals: []float64{3}}}}
	var b strings.Builder
	require.NoError(t, tb.write(&b))
	assert.Contains(t, b.String(), "| r | **∞** |\n| s | 3.0 |")
}
