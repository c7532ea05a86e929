package chart

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// checkMarks reports a mark whose value cannot be drawn.
func checkMarks(marks []Mark) error {
	for _, m := range marks {
		if !finite(m.Value) {
			return fmt.Errorf("%w: mark %q value %g", ErrBadValue, m.Label, m.Value)
		}
	}
	return nil
}

// addMarks draws each mark (checked by checkMarks) as a dark red
// triangle with its label beside it, at its own height: to its left, or
// to its right when the mark is in the left part of the chart, so that
// the label stays inside the data area and never rises into the legend
// above it. It must be called after the data are added (it reads the x
// range) and returns the marks' points for the legend to avoid.
func addMarks(p *plot.Plot, marks []Mark) []plotter.XYs {
	var avoid []plotter.XYs
	for _, m := range marks {
		xy := plotter.XYs{{X: unix(m.Date), Y: m.Value}}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			continue // unreachable: the value is finite (checkMarks)
		}
		s.GlyphStyle = draw.GlyphStyle{Color: markColor(), Radius: vg.Points(4), Shape: draw.PyramidGlyph{}}
		p.Add(s)
		avoid = append(avoid, xy)
		if m.Label == "" {
			continue
		}
		l := &markLabel{XY: xy[0], text: m.Label, style: textStyle(p, markSize, markColor()), offset: -7}
		l.style.XAlign = draw.XRight
		if p.X.Max > p.X.Min && l.X < p.X.Min+0.4*(p.X.Max-p.X.Min) {
			l.style.XAlign, l.offset = draw.XLeft, 7
		}
		p.Add(l)
	}
	return avoid
}

// markLabel is a mark's label on a translucent white backdrop, which
// keeps it legible over the polls and bands it usually sits on
// (plotter.Labels draws bare text).
type markLabel struct {
	plotter.XY
	text   string
	style  text.Style
	offset vg.Length // from the mark, points
}

// rect is the backdrop's rectangle relative to the mark.
func (l *markLabel) rect() vg.Rectangle {
	r := l.style.Rectangle(l.text)
	r.Min.X += l.offset - 2
	r.Max.X += l.offset + 2
	r.Min.Y -= 1
	r.Max.Y += 1
	return r
}

// Plot implements plot.Plotter.
func (l *markLabel) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pt := vg.Point{X: trX(l.X), Y: trY(l.Y)}
	c.SetColor(translucent(grey(0xff), 0xd0))
	c.Fill(l.rect().Add(pt).Path())
	c.FillText(l.style, vg.Point{X: pt.X + l.offset, Y: pt.Y}, l.text)
}

// GlyphBoxes implements plot.GlyphBoxer, so that gonum keeps the label
// inside the plot.
func (l *markLabel) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	return []plot.GlyphBox{{X: p.X.Norm(l.X), Y: p.Y.Norm(l.Y), Rectangle: l.rect()}}
}
