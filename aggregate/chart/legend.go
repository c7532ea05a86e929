package chart

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// key is a chart's legend, drawn by the chart itself. gonum's
// plot.Legend can only sit inside the data area, at a corner fixed in
// advance, where it hides data or makes callers pad the axis to clear a
// space for it. key is drawn, by default, above the data area, between
// the title and the data, in rows laid out when the chart is built; the
// room it needs is claimed as a glyph box at the top of the data area
// (the mechanism gonum uses to keep glyphs from being clipped), so the
// axis limits never change and, in a stack of charts, the data areas
// stay aligned. The inside placements ("best" and the corners) list the
// entries in one column on a translucent white backdrop, as gonum does.
type key struct {
	place   string
	style   text.Style
	entries []keyEntry
	newRow  bool          // the next entry starts a row
	rows    [][]keyEntry  // the rows above the data area, from layout
	avoid   []plotter.XYs // data an inside legend should not hide ("best")
}

type keyEntry struct {
	label  string
	thumbs []plot.Thumbnailer
	newRow bool // the first entry of a group: starts a row above the data
}

// Legend geometry, in points.
const (
	thumbWidth = 18 // the sample of a line, band or glyph
	thumbGap   = 4  // between the sample and its label
	entryGap   = 14 // between entries in a row
	rowPad     = 4  // added to the text height for each row
	thumbInset = 2  // between a band's sample and the row's edges
	keyBelow   = 6  // between the legend and the data area
	keyAbove   = 4  // between the title and the legend
	insetPad   = 4  // inside the backdrop of an inside legend
)

// newKey returns the legend of p for the placement o.Legend (checked by
// Options.check).
func (o Options) newKey(p *plot.Plot) *key {
	place := o.Legend
	if place == "" {
		place = LegendAbove
	}
	return &key{place: place, style: textStyle(p, keySize, color.Black)}
}

// add appends an entry: a label and the plotters whose thumbnails show
// what it labels, drawn on top of each other (a band and its line).
func (k *key) add(label string, thumbs ...plot.Thumbnailer) {
	k.entries = append(k.entries, keyEntry{label: label, thumbs: thumbs, newRow: k.newRow})
	k.newRow = false
}

// group makes the next entry start a new row above the data area, so
// that, e.g., the polls' colours are listed apart from the trend's line
// and bands.
func (k *key) group() { k.newRow = len(k.entries) > 0 }

// rowHeight is the height of one entry.
func (k *key) rowHeight() vg.Length { return k.style.Height("Ág") + rowPad }

func (k *key) width(e keyEntry) vg.Length {
	return thumbWidth + thumbGap + k.style.Width(e.label)
}

// layout flows the entries into rows no wider than avail (the width the
// data area is expected to have), left to right, each group on a new
// row. A label too long for a row on its own is shortened with an
// ellipsis rather than drawn past the edge.
func (k *key) layout(avail vg.Length) {
	k.rows = nil
	if k.place != LegendAbove {
		return
	}
	var row []keyEntry
	var w vg.Length
	for _, e := range k.entries {
		e.label = truncate(e.label, k.style, avail-thumbWidth-thumbGap)
		ew := k.width(e)
		if len(row) > 0 && (e.newRow || w+entryGap+ew > avail) {
			k.rows = append(k.rows, row)
			row, w = nil, 0
		}
		if len(row) > 0 {
			w += entryGap
		}
		row = append(row, e)
		w += ew
	}
	if len(row) > 0 {
		k.rows = append(k.rows, row)
	}
}

// GlyphBoxes implements plot.GlyphBoxer: it claims the room above the
// data area for a legend placed there. The box has no width, so it
// changes only the vertical layout.
func (k *key) GlyphBoxes(*plot.Plot) []plot.GlyphBox {
	if len(k.rows) == 0 {
		return nil
	}
	h := keyBelow + vg.Length(len(k.rows))*k.rowHeight() + keyAbove
	return []plot.GlyphBox{{X: 0.5, Y: 1, Rectangle: vg.Rectangle{Max: vg.Point{Y: h}}}}
}

// Plot implements plot.Plotter; it must be added after the data.
func (k *key) Plot(c draw.Canvas, p *plot.Plot) {
	if len(k.entries) == 0 || k.place == LegendNone {
		return
	}
	if len(k.rows) > 0 && k.drawAbove(c) {
		return
	}
	k.drawInside(c, p)
}

// drawAbove draws the rows above the data area c, centred on it, and
// reports false, drawing nothing, when the widest row does not fit (a
// chart rendered narrower than Options.Width): the caller then draws the
// legend inside.
func (k *key) drawAbove(c draw.Canvas) bool {
	widths := make([]vg.Length, len(k.rows))
	var block vg.Length
	for i, row := range k.rows {
		for j, e := range row {
			if j > 0 {
				widths[i] += entryGap
			}
			widths[i] += k.width(e)
		}
		block = max(block, widths[i])
	}
	if block > c.Size().X {
		return false
	}
	rh := k.rowHeight()
	x0 := c.Min.X + (c.Size().X-block)/2
	top := c.Max.Y + keyBelow + vg.Length(len(k.rows))*rh
	for i, row := range k.rows {
		x := x0
		for _, e := range row {
			k.drawEntry(c, e, x, top-vg.Length(i+1)*rh, top-vg.Length(i)*rh)
			x += k.width(e) + entryGap
		}
	}
	return true
}

// drawInside lists the entries in one column in a corner of the data
// area: the corner Options.Legend names, or ("best", and when the rows
// do not fit above) the one that hides the fewest data points, ties
// going to bottom right (gonum's default), top right, top left, bottom
// left.
func (k *key) drawInside(c draw.Canvas, p *plot.Plot) {
	entries := make([]keyEntry, len(k.entries))
	var w vg.Length
	for i, e := range k.entries {
		e.label = truncate(e.label, k.style, c.Size().X-2*insetPad-thumbWidth-thumbGap)
		entries[i] = e
		w = max(w, k.width(e))
	}
	rh := k.rowHeight()
	w += 2 * insetPad
	h := vg.Length(len(k.entries))*rh + 2*insetPad
	rect := func(top, left bool) vg.Rectangle {
		var r vg.Rectangle
		if left {
			r.Min.X, r.Max.X = c.Min.X, c.Min.X+w
		} else {
			r.Min.X, r.Max.X = c.Max.X-w, c.Max.X
		}
		if top {
			r.Min.Y, r.Max.Y = c.Max.Y-h, c.Max.Y
		} else {
			r.Min.Y, r.Max.Y = c.Min.Y, c.Min.Y+h
		}
		return r
	}
	var r vg.Rectangle
	switch k.place {
	case LegendTopLeft:
		r = rect(true, true)
	case LegendTopRight:
		r = rect(true, false)
	case LegendBottomLeft:
		r = rect(false, true)
	case LegendBottomRight:
		r = rect(false, false)
	default:
		trX, trY := p.Transforms(&c)
		best := -1
		for _, corner := range [][2]bool{{false, false}, {true, false}, {true, true}, {false, true}} {
			q := rect(corner[0], corner[1])
			n := 0
			for _, xys := range k.avoid {
				for _, xy := range xys {
					pt := vg.Point{X: trX(xy.X), Y: trY(xy.Y)}
					if pt.X >= q.Min.X && pt.X <= q.Max.X && pt.Y >= q.Min.Y && pt.Y <= q.Max.Y {
						n++
					}
				}
			}
			if best < 0 || n < best {
				best, r = n, q
			}
		}
	}
	c.SetColor(color.NRGBA{0xff, 0xff, 0xff, 0xd8})
	c.Fill(r.Path())
	for i, e := range entries {
		top := r.Max.Y - insetPad - vg.Length(i)*rh
		k.drawEntry(c, e, r.Min.X+insetPad, top-rh, top)
	}
}

// drawEntry draws an entry's thumbnails and label in the row from y0 to
// y1 starting at x.
func (k *key) drawEntry(c draw.Canvas, e keyEntry, x, y0, y1 vg.Length) {
	thumb := draw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: x, Y: y0 + thumbInset},
		Max: vg.Point{X: x + thumbWidth, Y: y1 - thumbInset},
	}}
	for _, t := range e.thumbs {
		t.Thumbnail(&thumb)
	}
	c.FillText(k.style, vg.Point{X: x + thumbWidth + thumbGap, Y: (y0 + y1) / 2}, e.label)
}
