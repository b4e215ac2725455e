// Package chart draws the charts of the report pages as server-rendered SVG (no JavaScript):
// horizontal bars (one or two series), a funnel with the drop at each stage, and columns for a
// per-day series with an optional marked day (a deadline). Every chart is a figure with its
// numbers as a table beside it, so a screen reader and a phone user read the same figures. The
// drawing is sized in a viewBox a phone's width wide and scales with its container, never past
// it.
package chart

import (
	"strconv"
	"strings"
)

// Width is the viewBox width of every chart: about a phone's width, so text is drawn at its
// natural size on a phone and the chart grows with its container up to the CSS max-width.
const Width = 360

// Series is one named series of values (a legend entry).
type Series struct {
	Name   string
	Values []float64
}

// Bars is a horizontal bar chart: one row per label, one bar per series.
type Bars struct {
	// ID makes the ids of the figure unique on the page.
	ID      string
	Title   string
	Labels  []string
	Series  []Series
	Caption string // column header of the labels in the table
	// Percent shows values as percentages (0-100).
	Percent bool
}

// Stage is one step of a funnel.
type Stage struct {
	Label string
	Value int64
}

// Funnel is a funnel: each stage's count and the drop from the stage before it.
type Funnel struct {
	ID     string
	Title  string
	Stages []Stage
	// Heads are the table's column headers: stage, count, drop, share of the first stage.
	Heads [4]string
}

// Columns is a per-day series drawn as columns, with an optional marked column (Mark ≥ 0).
type Columns struct {
	ID      string
	Title   string
	Labels  []string // one per column, e.g. "26/04"
	Values  []float64
	Mark    int    // index of the marked column (-1 for none)
	MarkTag string // text at the mark, e.g. "batas"
	MaxTag  string // text before the largest value at the top, e.g. "maks."
	Heads   [2]string
}

// geometry of the bar rows
const (
	labelH = 16
	barH   = 12
	gapH   = 10
	left   = 0
	right  = 48 // room for the value after the longest bar
)

// Rect is a bar as drawn.
type Rect struct {
	X, Y, W, H float64
	Class      string
	Value      string
	TX, TY     float64 // where the value is written
}

// Row is one label with its bars.
type Row struct {
	Label string
	LY    float64
	Bars  []Rect
}

// num formats a value for display: integers without decimals, others with one.
func num(v float64, percent bool) string {
	var s string
	if v == float64(int64(v)) {
		s = strconv.FormatInt(int64(v), 10)
	} else {
		s = strings.Replace(strconv.FormatFloat(v, 'f', 1, 64), ".", ",", 1)
	}
	if percent {
		s += "%"
	}
	return s
}

// f formats an SVG coordinate.
func f(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func maxOf(vs ...[]float64) float64 {
	m := 0.0
	for _, s := range vs {
		for _, v := range s {
			m = max(m, v)
		}
	}
	return m
}

// Layout places the bars: every bar fits within the viewBox (0..Width, 0..Height).
func (b Bars) Layout() (rows []Row, height float64) {
	var all [][]float64
	for _, s := range b.Series {
		all = append(all, s.Values)
	}
	m := maxOf(all...)
	if b.Percent {
		m = max(m, 100)
	}
	if m <= 0 {
		m = 1
	}
	span := float64(Width - left - right)
	y := 0.0
	for i, l := range b.Labels {
		r := Row{Label: clip(l, 52), LY: y + 12}
		y += labelH
		for k, s := range b.Series {
			v := 0.0
			if i < len(s.Values) {
				v = s.Values[i]
			}
			w := span * v / m
			r.Bars = append(r.Bars, Rect{X: left, Y: y, W: w, H: barH, Class: "s" + strconv.Itoa(k),
				Value: num(v, b.Percent), TX: left + w + 4, TY: y + barH - 2})
			y += barH + 2
		}
		y += gapH
		rows = append(rows, r)
	}
	return rows, max(y, 1)
}

// Cell is one value of a table row.
func (b Bars) Cell(series, i int) string {
	if series >= len(b.Series) || i >= len(b.Series[series].Values) {
		return ""
	}
	return num(b.Series[series].Values[i], b.Percent)
}

// FunnelStep is a funnel stage as drawn and tabled.
type FunnelStep struct {
	Label string
	Value string
	Drop  string // "−12,5%" from the stage before ("" for the first)
	Share string // of the first stage
	Bar   Rect
	LY    float64
}

// Layout places the funnel's bars centred, each as wide as its share of the first stage.
func (fu Funnel) Layout() (steps []FunnelStep, height float64) {
	first := int64(0)
	if len(fu.Stages) > 0 {
		first = fu.Stages[0].Value
	}
	y := 0.0
	for i, st := range fu.Stages {
		share := 0.0
		if first > 0 {
			share = float64(st.Value) / float64(first)
		}
		w := max(float64(Width)*share, 2)
		s := FunnelStep{Label: clip(st.Label, 40), Value: strconv.FormatInt(st.Value, 10), Share: num(round1(share*100), true), LY: y + 12}
		if i > 0 {
			prev := fu.Stages[i-1].Value
			if prev > 0 {
				s.Drop = "−" + num(round1(100*float64(prev-st.Value)/float64(prev)), true)
			} else {
				s.Drop = "–"
			}
		}
		y += labelH
		s.Bar = Rect{X: (Width - w) / 2, Y: y, W: w, H: 18, Class: "s0", Value: s.Value, TX: Width / 2, TY: y + 13}
		y += 18 + gapH
		steps = append(steps, s)
	}
	return steps, max(y, 1)
}

// clip shortens a label drawn in the chart (the table keeps it whole).
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func round1(v float64) float64 { return float64(int64(v*10+0.5)) / 10 }

// Col is a column as drawn.
type Col struct {
	Rect
	Label string // x-axis label, only on some columns so they do not overlap
}

// ColumnsHeight is the drawing height of a column chart.
const ColumnsHeight = 160

// Layout places the columns over the width; labels every few columns so at most about 6 show.
func (c Columns) Layout() (cols []Col, maxLabel string) {
	n := len(c.Values)
	if n == 0 {
		return nil, "0"
	}
	m := maxOf(c.Values)
	if m <= 0 {
		m = 1
	}
	const top, bottom = 14.0, 18.0
	plot := ColumnsHeight - top - bottom
	step := float64(Width) / float64(n)
	every := max(1, (n+5)/6)
	for i, v := range c.Values {
		h := plot * v / m
		col := Col{Rect: Rect{X: float64(i)*step + step*0.1, Y: top + plot - h, W: step * 0.8, H: h, Class: "s0",
			Value: num(v, false)}}
		if i == c.Mark {
			col.Class = "mark"
		}
		if i%every == 0 && i < len(c.Labels) {
			col.Label = c.Labels[i]
			col.TX = float64(i)*step + step/2
			col.TY = ColumnsHeight - 4
		}
		cols = append(cols, col)
	}
	return cols, num(m, false)
}

// Cell is the table value of column i.
func (c Columns) Cell(i int) string { return num(c.Values[i], false) }

// MarkX is the x of the marked column's centre.
func (c Columns) MarkX() float64 {
	n := len(c.Values)
	if n == 0 || c.Mark < 0 || c.Mark >= n {
		return -1
	}
	step := float64(Width) / float64(n)
	return float64(c.Mark)*step + step/2
}

// anchor keeps a text inside the drawing: text near the right edge is end-anchored.
func anchor(x float64) string {
	if x > Width-30 {
		return "end"
	}
	if x < 30 {
		return "start"
	}
	return "middle"
}

func viewBox(h float64) string { return "0 0 " + strconv.Itoa(Width) + " " + f(h) }

// valueX keeps a bar's value inside the viewBox: past the right margin it is written inside
// the bar's end instead.
func valueX(r Rect) (string, string) {
	if r.TX > Width-right+4 {
		return f(r.X + r.W - 4), "end"
	}
	return f(r.TX), "start"
}

// RowLabel is the table label of column i: the marked one carries the mark's text.
func (c Columns) RowLabel(i int, l string) string {
	if i == c.Mark && c.MarkTag != "" {
		return l + " (" + c.MarkTag + ")"
	}
	return l
}

// Caption is the stage's label in the drawing, with its drop.
func (s FunnelStep) Caption() string {
	if s.Drop == "" {
		return s.Label
	}
	return s.Label + " (" + s.Drop + ")"
}
