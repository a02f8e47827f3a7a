package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// column is one numeric column of a markdown table.
type column struct {
	title  string
	digits int // decimals shown
	// best marks the best value in bold: +1 the highest, -1 the lowest,
	// 0 none (for columns such as run time where "best" means nothing).
	best int
}

// row is one labelled line of numbers; NaN shows as a dash.
type row struct {
	label string
	vals  []float64
}

// table is a markdown table with a label column and numeric columns.
type table struct {
	corner string // header of the label column
	cols   []column
	rows   []row
}

// cell formats v the way the column shows it.
func (c column) cell(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 1):
		return "∞" // e.g. the SI-SDR of a bit-exact copy
	case math.IsInf(v, -1):
		return "-∞"
	}
	return strconv.FormatFloat(v, 'f', c.digits, 64)
}

// bestCells returns, per column, the displayed text of the best value, so
// that values equal at the shown precision are all bold.
func (t *table) bestCells() []string {
	best := make([]string, len(t.cols))
	for j, c := range t.cols {
		if c.best == 0 {
			continue
		}
		have := false
		var bv float64
		for _, r := range t.rows {
			if j >= len(r.vals) || math.IsNaN(r.vals[j]) {
				continue
			}
			v := r.vals[j]
			if !math.IsInf(v, 0) {
				v, _ = strconv.ParseFloat(c.cell(v), 64) // compare at shown precision
			}
			if !have || (c.best > 0 && v > bv) || (c.best < 0 && v < bv) {
				bv, have = v, true
			}
		}
		if have {
			best[j] = c.cell(bv)
		}
	}
	return best
}

// write renders the table as GitHub-flavoured markdown.
func (t *table) write(w io.Writer) error {
	var b strings.Builder
	b.WriteString("| " + t.corner + " |")
	for _, c := range t.cols {
		b.WriteString(" " + c.title + " |")
	}
	b.WriteString("\n|---|")
	for range t.cols {
		b.WriteString("---:|")
	}
	b.WriteString("\n")
	best := t.bestCells()
	for _, r := range t.rows {
		b.WriteString("| " + r.label + " |")
		for j, c := range t.cols {
			v := math.NaN()
			if j < len(r.vals) {
				v = r.vals[j]
			}
			s := c.cell(v)
			if best[j] != "" && s == best[j] {
				s = "**" + s + "**"
			}
			b.WriteString(" " + s + " |")
		}
		b.WriteString("\n")
	}
	_, err := fmt.Fprint(w, b.String())
	return err
}
