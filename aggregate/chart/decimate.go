package chart

import (
	imgdraw "image/draw"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A daily series of 25 years is 9,000 points on a chart 800 pixels wide:
// a dozen points a pixel column, each a vertex the renderer strokes or
// fills and an SVG writes out as text. The lines and bands of the charts
// are therefore drawn through at most four points per column of the
// canvas they are drawn on: the first, the lowest, the highest and the
// last point of each run of consecutive points that falls in one column
// (M4; Jugel et al. 2014). Within a column the line then covers the same
// vertical extent, and between columns it is the same segment, so a
// raster image differs only at the edges of a thick line, where its
// zigzags inside a column are no longer stroked (TestDecimatedRaster:
// 2% of the inked pixels by more than 96 of 255, against 10% for keeping
// every third point). The paths of examples/russia's charts drop from
// about 58,000 vertices to 25,000, its SVG from 974 to 515 KB. A dashed
// line's dashes are laid along the thinned line, so they fall where its
// length puts them.
//
// A column is one device pixel on a raster canvas (vgimg, at its DPI)
// and half a point on a vector one (SVG, PDF): a device pixel of a
// display at twice the density of 72 dpi, at 100% zoom. The data are
// left whole: only what is drawn is thinned, at draw time, for the size
// the chart is drawn at.
//
// Jugel, U., Jerzak, Z., Hackenbroich, G. and Markl, V. (2014). M4: a
// visualization-oriented time series data aggregation. Proceedings of the
// VLDB Endowment 7(10), 797–808.

// vectorColumn is the column width on a canvas without pixels.
const vectorColumn = vg.Length(0.5)

// columnWidth returns the width of one column of c: a device pixel of a
// raster canvas (one that holds an image and has a resolution), else
// vectorColumn. gonum/plot hands plotters canvases wrapped in canvases
// (its padding wraps a draw.Canvas as the vg.Canvas of another), so the
// device is found by unwrapping them.
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

// m4 returns the points of xy to draw when column(x) is the column x
// falls in: of each run of consecutive points in one column, the first,
// the lowest, the highest and the last, in their order along the line
// (each once). A point whose column is not finite, or too far off the
// canvas to be numbered, is kept, and ends its run.
func m4(xy plotter.XYs, column func(x float64) float64) plotter.XYs {
	out := make(plotter.XYs, 0, len(xy))
	const far = 1 << 50 // columns beyond this are not numbered (and never drawn)
	for i := 0; i < len(xy); {
		c := math.Floor(column(xy[i].X))
		if !(math.Abs(c) < far) {
			out = append(out, xy[i])
			i++
			continue
		}
		// The run [i, j) of points in column c, and its lowest and highest.
		lo, hi, j := i, i, i+1
		for ; j < len(xy) && math.Floor(column(xy[j].X)) == c; j++ {
			if xy[j].Y < xy[lo].Y {
				lo = j
			}
			if xy[j].Y > xy[hi].Y {
				hi = j
			}
		}
		last := j - 1
		keep := [4]int{i, min(lo, hi), max(lo, hi), last}
		prev := -1
		for _, k := range keep {
			if k != prev {
				out = append(out, xy[k])
				prev = k
			}
		}
		i = j
	}
	return out
}

// m4Points returns the points of xy to draw on c (m4, with columnWidth).
func m4Points(xy plotter.XYs, c draw.Canvas, p *plot.Plot) plotter.XYs {
	trX, _ := p.Transforms(&c)
	w := float64(columnWidth(c))
	return m4(xy, func(x float64) float64 { return float64(trX(x)) / w })
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
