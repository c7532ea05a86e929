package chart

import (
	imgdraw "image/draw"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/candorpoll/candor/aggregate/internal/m4"
)

// A daily series of 25 years is 9,000 points on a chart 800 pixels wide:
// a dozen points a pixel column, each a vertex the renderer strokes or
// fills and an SVG writes out as text. The lines and bands of the charts
// are therefore drawn through at most four points per column of the
// canvas they are drawn on (package m4: the first, lowest, highest and
// last point of each run in one column). A raster image then differs
// only at the edges of a thick line, where its zigzags inside a column
// are no longer stroked (TestDecimatedRaster: 2% of the inked pixels by
// more than 96 of 255, against 10% for keeping every third point). The
// paths of examples/russia's charts drop from about 59,000 vertices to
// 26,000, its SVG from 974 to 515 KB. A dashed line's dashes are laid
// along the thinned line, so they fall where its length puts them.
//
// A column is one device pixel on a raster canvas (vgimg, at its DPI)
// and half a point on a vector one (SVG, PDF): a device pixel of a
// display at twice the density of 72 dpi, at 100% zoom. The data are
// left whole: only what is drawn is thinned, at draw time, for the size
// the chart is drawn at.

// vectorColumn is the column width on a canvas without pixels.
const vectorColumn = vg.Length(0.5)

// columnWidth returns the width of one column of c: a device pixel of a
// raster canvas (one that holds an image and has a resolution), else
// vectorColumn. gonum/plot hands plotters canvases wrapped in canvases
// (its padding wraps a draw.Canvas as the vg.Canvas of another), so the
// device is found by unwrapping them. A canvas of another wrapper type
// hides its device and gets vectorColumn: about two pixels at 300 dpi,
// drawn a little coarser, never wrong.
func columnWidth(c draw.Canvas) vg.Length {
	dev := c.Canvas
	for {
		if d, ok := dev.(draw.Canvas); ok {
			dev = d.Canvas
		} else if d, ok := dev.(*draw.Canvas); ok && d != nil {
			dev = d.Canvas
		} else {
			break
		}
	}
	type raster interface {
		DPI() float64
		Image() imgdraw.Image
	}
	if r, ok := dev.(raster); ok && r.DPI() > 0 {
		return vg.Inch / vg.Length(r.DPI())
	}
	return vectorColumn
}

// m4Points returns the points of xy to draw on c: m4's, with columns of
// columnWidth.
func m4Points(xy plotter.XYs, c draw.Canvas, p *plot.Plot) plotter.XYs {
	trX, _ := p.Transforms(&c)
	w := float64(columnWidth(c))
	return m4.Thin(xy, func(q plotter.XY) float64 { return float64(trX(q.X)) / w }, func(q plotter.XY) float64 { return q.Y })
}

// m4Line is a plotter.Line drawn through its points' M4 subset: the same
// data range, legend thumbnail and glyph boxes (extremeGlyphs reads the
// whole line, and M4 keeps every extreme).
type m4Line struct{ *plotter.Line }

// Plot implements plot.Plotter.
func (l m4Line) Plot(c draw.Canvas, p *plot.Plot) {
	thin := *l.Line
	thin.XYs = m4Points(l.XYs, c, p)
	thin.Plot(c, p)
}

// m4Polygon is a plotter.Polygon drawn with each ring thinned by M4: a
// band (one edge left to right, the other back) keeps the vertical
// extent of both edges in every column.
type m4Polygon struct{ *plotter.Polygon }

// Plot implements plot.Plotter.
func (g m4Polygon) Plot(c draw.Canvas, p *plot.Plot) {
	thin := *g.Polygon
	thin.XYs = make([]plotter.XYs, len(g.XYs))
	for i, ring := range g.XYs {
		thin.XYs[i] = m4Points(ring, c, p)
	}
	thin.Plot(c, p)
}
