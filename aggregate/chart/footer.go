package chart

import (
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// footer is the small print under a chart: the date of the last poll
// drawn and the credit line, left-aligned under the data area, where a
// reader looks for the source.
//
// gonum has no place for text below the tick labels except the x-axis
// label, which it centres. So the chart reserves that place with a blank
// x-axis label as tall as the footer (and the axis label it had, if
// any), and footer draws the text there itself, at the left edge of the
// data area, when it knows where that is: it finds the bottom of the
// plot by undoing gonum's layout, the glyph padding of the data area and
// then the height of the x axis.
type footer struct {
	text  string
	style text.Style
	// The x-axis label the footer displaced, drawn by footer above the
	// small print, centred as gonum would.
	label      string
	labelStyle text.Style
	labelPad   vg.Length
}

// footerGap separates the footer from the tick labels above it, points.
const footerGap = 5

// lastPollFormat is how the footer dates the last poll: day, month
// name, year, the least ambiguous form across languages.
const lastPollFormat = "2 January 2006"

// addFooter adds the footer to p: "last poll: DATE" when lastPoll is not
// zero, and o.Credit. Both go on one line when it fits the width the
// data area is expected to have, else each on lines of their own,
// wrapped at spaces.
func (o Options) addFooter(p *plot.Plot, lastPoll time.Time) {
	var parts []string
	if !lastPoll.IsZero() {
		parts = append(parts, "last poll: "+lastPoll.Format(lastPollFormat))
	}
	if c := strings.TrimSpace(o.Credit); c != "" {
		parts = append(parts, c)
	}
	if len(parts) == 0 {
		return
	}
	sty := textStyle(p, footerSize, grey(footerGrey))
	sty.YAlign = draw.YBottom
	avail := o.dataWidth()
	lines := []string{strings.Join(parts, "  ·  ")}
	if sty.Width(lines[0]) > avail {
		lines = nil
		for _, s := range parts {
			for _, l := range wrap(s, sty, avail) {
				lines = append(lines, truncate(l, sty, avail))
			}
		}
	}
	f := &footer{text: strings.Join(lines, "\n"), style: sty,
		label: p.X.Label.Text, labelStyle: p.X.Label.TextStyle, labelPad: p.X.Label.Padding}
	// The blank label reserves the footer's height below the tick
	// labels: its own line, then padding for the other lines, the gap
	// and the displaced axis label.
	h := sty.Height(f.text) + footerGap
	if f.label != "" {
		h += f.labelStyle.Height(f.label) + f.labelPad
	}
	p.X.Label.Text = " "
	p.X.Label.TextStyle = sty
	p.X.Label.Padding = h - sty.Height(" ")
	p.Add(f)
}

// Plot implements plot.Plotter.
func (f *footer) Plot(c draw.Canvas, p *plot.Plot) {
	// gonum shrinks the data area so that glyphs near its bottom edge
	// stay clear of the axis; the lowest glyph marks where the axis
	// begins.
	bottom := c.Min.Y
	for _, b := range p.GlyphBoxes(p) {
		if b.Size().Y > 0 {
			bottom = min(bottom, c.Y(b.Y)+b.Min.Y)
		}
	}
	bottom -= axisHeight(p.X)
	c.FillText(f.style, vg.Point{X: c.Min.X, Y: bottom + f.style.FontExtents().Descent}, f.text)
	if f.label != "" {
		y := bottom + f.style.Height(f.text) + footerGap
		c.FillText(f.labelStyle, vg.Point{X: c.Center().X, Y: y + f.labelStyle.FontExtents().Descent}, f.label)
	}
}

// axisHeight is the height gonum gives a horizontal axis: its label and
// the label's padding, the tick marks and labels, half the axis line and
// the padding between the axis and the data (plot's horizontalAxis.size,
// which is unexported).
func axisHeight(a plot.Axis) vg.Length {
	var h vg.Length
	if a.Label.Text != "" {
		h += a.Label.TextStyle.Height(a.Label.Text) + a.Label.Padding
	}
	if marks := a.Tick.Marker.Ticks(a.Min, a.Max); len(marks) > 0 {
		if a.Tick.Width > 0 && a.Tick.Length > 0 {
			h += a.Tick.Length
		}
		var lh vg.Length
		for _, t := range marks {
			if !t.IsMinor() {
				r := a.Tick.Label.Rectangle(t.Label)
				lh = max(lh, r.Max.Y-r.Min.Y)
			}
		}
		h += lh
	}
	return h + a.Width/2 + a.Padding
}
