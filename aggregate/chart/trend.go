package chart

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// Trend draws a model's estimate over time: the trend line, its interval
// for the latent level (a shaded band), the band in which a new poll is
// expected to fall (dashed lines, when the model reports it and
// opt.NoPollBand is false), and the polls as points at their fieldwork
// midpoints, coloured by pollster. Polls whose charted share was not
// published (NaN) have no point to draw and are left out of the picture
// only. polls may be nil.
//
// The share drawn, for the trend and the polls, is opt.Share (approve by
// default), each poll's value read by aggregate.Share.Value. It returns
// ErrNoData when there is no series to draw, ErrBadValue when a point
// cannot be drawn, and ErrShare for a share the result did not estimate.
func Trend(res *aggregate.Result, polls []poll.Poll, opt Options) (*plot.Plot, error) {
	sr, err := opt.shareOf(res)
	if err != nil {
		return nil, err
	}
	series, which := sr.Series, "smoothed"
	if opt.Filtered {
		series, which = sr.Filtered, "filtered"
	}
	pts := opt.window(series)
	if len(pts) == 0 {
		return nil, fmt.Errorf("%w: %s %s series is empty", ErrNoData, res.Model, which)
	}
	pollBand, err := checkPoints(pts)
	if err != nil {
		return nil, err
	}
	value := opt.Share.Value
	p, lp, err := opt.timePlot(fmt.Sprintf("%s: %s trend", opt.Share, res.Model))
	if err != nil {
		return nil, err
	}

	level := levelOf(res.Level)
	band, err := intervalBand(pts, trendColor, 0x40)
	if err != nil {
		return nil, err
	}
	p.Add(band)

	var pollLines [2]*plotter.Line
	if pollBand && !opt.NoPollBand {
		for k, edge := range []func(aggregate.Point) float64{
			func(q aggregate.Point) float64 { return q.PollLower },
			func(q aggregate.Point) float64 { return q.PollUpper },
		} {
			l, err := dashedLine(pts, edge, trendColor, 0.6, 3)
			if err != nil {
				return nil, err
			}
			p.Add(l)
			pollLines[k] = l
		}
	}

	houses, err := pollScatters(p, polls, value, opt)
	if err != nil {
		return nil, err
	}

	line, err := plotter.NewLine(pointsXY(pts, func(q aggregate.Point) float64 { return q.Mean }))
	if err != nil {
		return nil, err
	}
	line.Color = trendColor
	line.Width = vg.Points(1.5)
	p.Add(line)

	if err := addMarks(p, opt.Marks); err != nil {
		return nil, err
	}
	lp.data = append(lp.data, line.XYs)
	for _, m := range opt.Marks {
		lp.data = append(lp.data, plotter.XYs{{X: unix(m.Date), Y: m.Value}})
	}
	lp.data = append(lp.data, band.XYs...)
	for _, l := range pollLines {
		if l != nil {
			lp.data = append(lp.data, l.XYs)
		}
	}
	for _, h := range houses {
		lp.data = append(lp.data, h.scatter.XYs)
	}
	p.Add(lp)

	p.Legend.Add(fmt.Sprintf("%s estimate (%s)", res.Model, which), line)
	p.Legend.Add(fmt.Sprintf("%.0f%% interval, latent level", 100*level), band)
	if pollLines[0] != nil {
		p.Legend.Add(fmt.Sprintf("%.0f%% band for a new poll", 100*level), pollLines[0])
	}
	for _, h := range houses {
		p.Legend.Add(h.name, h.scatter)
	}
	return p, nil
}

// levelOf returns the confidence level of a result's intervals; results
// that leave it unset use 0.95, the level every model defaults to.
func levelOf(l float64) float64 {
	if l > 0 && l < 1 {
		return l
	}
	return 0.95
}

// pointsXY turns a series into x (Unix seconds) and y = f(point).
func pointsXY(pts []aggregate.Point, f func(aggregate.Point) float64) plotter.XYs {
	xy := make(plotter.XYs, len(pts))
	for i, q := range pts {
		xy[i] = plotter.XY{X: unix(q.Date), Y: f(q)}
	}
	return xy
}

// dashedLine returns the dashed line through pts at edge(point), of the
// given width and dash length (points; gaps are 2 points): the edges of a
// band drawn without a fill of their own.
func dashedLine(pts []aggregate.Point, edge func(aggregate.Point) float64, c color.Color, width, dash float64) (*plotter.Line, error) {
	l, err := plotter.NewLine(pointsXY(pts, edge))
	if err != nil {
		return nil, err
	}
	l.Color = c
	l.Width = vg.Points(width)
	l.Dashes = []vg.Length{vg.Points(dash), vg.Points(2)}
	return l, nil
}

// intervalBand returns the band between each point's Lower and Upper,
// filled with c at opacity alpha and without an outline, so that the
// bands of several series can overlap and stay readable.
func intervalBand(pts []aggregate.Point, c color.Color, alpha uint8) (*plotter.Polygon, error) {
	band, err := bandPolygon(pts)
	if err != nil {
		return nil, err
	}
	band.Color = translucent(c, alpha)
	band.LineStyle.Width = 0
	return band, nil
}

// bandPolygon returns the closed polygon between Lower and Upper: the
// upper edge left to right, then the lower edge right to left
// (plotter.Line's FillColor fills to the axis and cannot draw a band).
func bandPolygon(pts []aggregate.Point) (*plotter.Polygon, error) {
	xy := make(plotter.XYs, 0, 2*len(pts))
	for _, q := range pts {
		xy = append(xy, plotter.XY{X: unix(q.Date), Y: q.Upper})
	}
	for i := len(pts) - 1; i >= 0; i-- {
		xy = append(xy, plotter.XY{X: unix(pts[i].Date), Y: pts[i].Lower})
	}
	if len(pts) == 1 {
		// A single day is drawn as a thin vertical bar rather than a
		// degenerate polygon of zero width.
		xy[0].X -= 43200
		xy[1].X += 43200
		xy = append(xy[:1], plotter.XY{X: xy[0].X + 86400, Y: xy[0].Y}, plotter.XY{X: xy[0].X + 86400, Y: xy[1].Y}, plotter.XY{X: xy[0].X, Y: xy[1].Y})
	}
	return plotter.NewPolygon(xy)
}

type houseScatter struct {
	name    string
	scatter *plotter.Scatter
}

// pollScatters adds one scatter per coloured house (plus one grey
// "other pollsters" scatter) and returns them in legend order.
func pollScatters(p *plot.Plot, polls []poll.Poll, value func(*poll.Poll) float64, opt Options) ([]houseScatter, error) {
	counts := map[string]int{}
	byHouse := map[string]plotter.XYs{}
	for i := range polls {
		q := &polls[i]
		v := value(q)
		mid := q.Midpoint()
		if !finite(v) || !opt.inWindow(mid) {
			continue
		}
		counts[q.Pollster]++
		byHouse[q.Pollster] = append(byHouse[q.Pollster], plotter.XY{X: unix(mid), Y: v})
	}
	if len(counts) == 0 {
		return nil, nil
	}
	ranked := rankHouses(counts)
	colors := houseColors(ranked, opt.maxHouses(8), opt.Colors)

	var named []houseScatter
	var other plotter.XYs
	nOther := 0
	for _, name := range ranked {
		c, ok := colors[name]
		if !ok {
			other = append(other, byHouse[name]...)
			nOther++
			continue
		}
		s, err := newPollScatter(byHouse[name], c)
		if err != nil {
			return nil, err
		}
		named = append(named, houseScatter{fmt.Sprintf("%s (%d)", displayName(name), counts[name]), s})
	}
	out := named
	if len(other) > 0 {
		s, err := newPollScatter(other, otherColor)
		if err != nil {
			return nil, err
		}
		p.Add(s) // drawn first, underneath the named houses
		out = append(out, houseScatter{fmt.Sprintf("%d other pollsters (%d)", nOther, len(other)), s})
	}
	// Frequent houses are drawn first so that a rare house's few points
	// are not buried under them.
	for _, h := range named {
		p.Add(h.scatter)
	}
	return out, nil
}

func newPollScatter(xy plotter.XYs, c color.Color) (*plotter.Scatter, error) {
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return nil, err
	}
	s.GlyphStyle = draw.GlyphStyle{Color: translucent(c, 0xb0), Radius: vg.Points(1.8), Shape: draw.CircleGlyph{}}
	return s, nil
}

// displayName shows an unnamed pollster as such rather than as "".
func displayName(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	return name
}

// addMarks draws each mark as a labelled diamond.
func addMarks(p *plot.Plot, marks []Mark) error {
	for _, m := range marks {
		if !finite(m.Value) {
			return fmt.Errorf("%w: mark %q value %g", ErrBadValue, m.Label, m.Value)
		}
		xy := plotter.XYs{{X: unix(m.Date), Y: m.Value}}
		s, err := plotter.NewScatter(xy)
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: color.NRGBA{0xc0, 0, 0, 0xff}, Radius: vg.Points(4), Shape: draw.PyramidGlyph{}}
		p.Add(s)
		if m.Label != "" {
			l, err := plotter.NewLabels(plotter.XYLabels{XYs: xy, Labels: []string{m.Label}})
			if err != nil {
				return err
			}
			l.Offset = vg.Point{X: vg.Points(-6), Y: vg.Points(6)}
			for i := range l.TextStyle {
				l.TextStyle[i].XAlign = draw.XRight
			}
			p.Add(l)
		}
	}
	return nil
}
