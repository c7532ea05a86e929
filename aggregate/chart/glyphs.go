package chart

import (
	"math"
	"slices"
	"sync"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// extremeGlyphs wraps a plotter whose glyph boxes are all of one size,
// one per point (plotter.Line, plotter.HeatMap), and gives gonum only the
// boxes that can decide a plot's padding. gonum collects every
// plotter's boxes afresh each time it pads a plot (eight times a
// drawing: thousands of points a series, 10,000 cells a fingerprint, a
// third of a chart's drawing time). Of those boxes it keeps the ones
// whose point lies within both axes' ranges, and pads each side for the
// first box reaching furthest: for boxes of one size, a point of least
// or greatest coordinate among those kept (both ends, whichever way the
// canvas runs). The boxes given are those of every kept point within
// 10⁻⁹ of one of the four extremes, in the plotter's order, so that the
// box gonum picks among them is the one it would pick among all (the
// same padding and bytes: TestExtremeGlyphs). The boxes of the last axis
// ranges are kept: gonum asks eight times a drawing for the same.
type extremeGlyphs struct {
	glyphPlotter
	n    func() int                 // the number of points
	xy   func(i int) (x, y float64) // point i, in the plotter's order of boxes
	rect func() vg.Rectangle        // the size of every box

	mu    sync.Mutex
	key   glyphKey
	boxes []plot.GlyphBox
}

// glyphPlotter is what a plot asks of a plotter besides its glyph boxes.
type glyphPlotter interface {
	plot.Plotter
	plot.DataRanger
}

// glyphKey is what the boxes depend on: the axes' ranges and the box.
type glyphKey struct {
	axes [4]float64
	rect vg.Rectangle
}

// lineGlyphs returns l drawn through its M4 points (m4Line) and giving
// only its extreme glyph boxes.
func lineGlyphs(l *plotter.Line) *extremeGlyphs {
	return &extremeGlyphs{glyphPlotter: m4Line{l}, n: l.XYs.Len, xy: l.XY, rect: func() vg.Rectangle {
		r := 0.5 * l.LineStyle.Width // as plotter.Line's boxes
		return vg.Rectangle{Min: vg.Point{X: -r, Y: -r}, Max: vg.Point{X: r, Y: r}}
	}}
}

// heatMapGlyphs returns h giving only its extreme glyph boxes: one per
// cell, column by column, 5 points each way (as plotter.HeatMap's).
func heatMapGlyphs(h *plotter.HeatMap) *extremeGlyphs {
	return &extremeGlyphs{glyphPlotter: h,
		n: func() int { c, r := h.GridXYZ.Dims(); return c * r },
		xy: func(k int) (float64, float64) {
			_, r := h.GridXYZ.Dims()
			return h.GridXYZ.X(k / r), h.GridXYZ.Y(k % r)
		},
		rect: func() vg.Rectangle { return vg.Rectangle{Min: vg.Point{X: -5, Y: -5}, Max: vg.Point{X: 5, Y: 5}} },
	}
}

// GlyphBoxes implements plot.GlyphBoxer.
func (g *extremeGlyphs) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	_, xLinear := p.X.Scale.(plot.LinearScale)
	_, yLinear := p.Y.Scale.(plot.LinearScale)
	key := glyphKey{[4]float64{p.X.Min, p.X.Max, p.Y.Min, p.Y.Max}, g.rect()}
	if !xLinear || !yLinear { // a scale of unknown state: no reuse
		return g.glyphBoxes(p, key.rect)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.boxes == nil || g.key != key {
		g.boxes, g.key = g.glyphBoxes(p, key.rect), key
	}
	return slices.Clone(g.boxes)
}

// glyphBoxes returns the boxes of the points within the axes' ranges and
// within 10⁻⁹ of an extreme coordinate among them.
func (g *extremeGlyphs) glyphBoxes(p *plot.Plot, rect vg.Rectangle) []plot.GlyphBox {
	// Axis.Norm, without copying the Axis at every call.
	sx, x0, x1 := p.X.Scale, p.X.Min, p.X.Max
	sy, y0, y1 := p.Y.Scale, p.Y.Min, p.Y.Max
	n := g.n()
	if !(rect.Size().X > 0 && rect.Size().Y > 0) {
		// gonum sorts such boxes differently (a side of no size is not
		// padded for, nor filtered by): all of them, as the plotter's own.
		boxes := make([]plot.GlyphBox, n)
		for i := range boxes {
			x, y := g.xy(i)
			boxes[i] = plot.GlyphBox{X: sx.Normalize(x0, x1, x), Y: sy.Normalize(y0, y1, y), Rectangle: rect}
		}
		return boxes
	}
	// norm returns the point's coordinates, and whether gonum keeps its box.
	norm := func(i int) (v [2]float64, in bool) {
		x, y := g.xy(i)
		v = [2]float64{sx.Normalize(x0, x1, x), sy.Normalize(y0, y1, y)}
		return v, v[0] >= 0 && v[0] <= 1 && v[1] >= 0 && v[1] <= 1
	}
	// The least and greatest x, then y, of the points kept.
	ext := [2][2]float64{{math.Inf(1), math.Inf(-1)}, {math.Inf(1), math.Inf(-1)}}
	for i := range n {
		if v, in := norm(i); in {
			for a := range v {
				ext[a][0], ext[a][1] = min(ext[a][0], v[a]), max(ext[a][1], v[a])
			}
		}
	}
	boxes := []plot.GlyphBox{}
	for i := range n {
		v, in := norm(i)
		if !in {
			continue
		}
		near := false
		for a := range v {
			for _, e := range ext[a] {
				near = near || math.Abs(v[a]-e) <= 1e-9
			}
		}
		if near {
			boxes = append(boxes, plot.GlyphBox{X: v[0], Y: v[1], Rectangle: rect})
		}
	}
	return boxes
}
