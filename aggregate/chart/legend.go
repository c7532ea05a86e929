package chart

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendPlacer is added as a chart's last plotter. gonum/plot draws the
// legend inside the data area, at a corner fixed in advance, where it can
// hide data. At draw time, when the data-to-canvas transform is known,
// legendPlacer moves the legend to the corner that covers the fewest
// data points (unless the corner was fixed with Options.LegendTop) and
// lays a translucent white backdrop under it so that it stays legible
// over whatever is still beneath.
type legendPlacer struct {
	data  []plotter.XYs // points the legend should avoid
	fixed bool          // keep the plot's own Legend.Top/Left
}

var backdrop = color.NRGBA{0xff, 0xff, 0xff, 0xd8}

// Plot implements plot.Plotter.
func (lp *legendPlacer) Plot(c draw.Canvas, p *plot.Plot) {
	r := p.Legend.Rectangle(c)
	w, h := r.Size().X, r.Size().Y
	if w == 0 || h == 0 {
		return
	}
	em := p.Legend.TextStyle.Rectangle(" ").Max.X
	w += 2 * em
	h += em
	rect := func(top, left bool) vg.Rectangle {
		var q vg.Rectangle
		if left {
			q.Min.X, q.Max.X = c.Min.X, c.Min.X+w
		} else {
			q.Min.X, q.Max.X = c.Max.X-w, c.Max.X
		}
		if top {
			q.Min.Y, q.Max.Y = c.Max.Y-h, c.Max.Y
		} else {
			q.Min.Y, q.Max.Y = c.Min.Y, c.Min.Y+h
		}
		return q
	}
	if !lp.fixed {
		trX, trY := p.Transforms(&c)
		best := -1
		// Preference order on ties: bottom right (gonum's default), top
		// right, top left, bottom left.
		for _, corner := range [][2]bool{{false, false}, {true, false}, {true, true}, {false, true}} {
			q := rect(corner[0], corner[1])
			n := 0
			for _, xys := range lp.data {
				for _, xy := range xys {
					pt := vg.Point{X: trX(xy.X), Y: trY(xy.Y)}
					if pt.X >= q.Min.X && pt.X <= q.Max.X && pt.Y >= q.Min.Y && pt.Y <= q.Max.Y {
						n++
					}
				}
			}
			if best < 0 || n < best {
				best = n
				p.Legend.Top, p.Legend.Left = corner[0], corner[1]
			}
		}
	}
	c.SetColor(backdrop)
	c.Fill(rect(p.Legend.Top, p.Legend.Left).Path())
}
