package chart

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/candorpoll/candor/aggregate"
)

// Scenario is one named series drawn in a fan: typically the same trend
// under one assumption about fear of responding (no correction, a
// falsification gap, a nonresponse ratio k, Manski bounds).
type Scenario struct {
	Name   string
	Series []aggregate.Point // Mean, Lower and Upper are drawn; the poll band is not
	// Bounds marks a partially identified scenario (e.g. Manski bounds):
	// only the band between Lower and Upper is drawn, with its edges, and
	// no line at Mean, which a set has no reason to favour.
	Bounds bool
}

// Fan overlays several scenarios, each as a translucent band between
// Lower and Upper around a line at Mean, in its own colour (opt.Colors may
// override by scenario name), so that where they overlap and where they
// part is visible at a glance. A scenario whose Lower and Upper equal its
// Mean everywhere is drawn as a line only; a Bounds scenario as a band
// with dashed edges and no centre line. Level is the confidence level
// stated in the legend (0 means 0.95).
//
// It returns ErrNoData when there are no scenarios or one has no points
// inside the window, and ErrBadValue when a point cannot be drawn.
func Fan(scenarios []Scenario, level float64, opt Options) (*plot.Plot, error) {
	if len(scenarios) == 0 {
		return nil, fmt.Errorf("%w: no scenarios", ErrNoData)
	}
	p, lp, err := opt.timePlot("scenarios")
	if err != nil {
		return nil, err
	}

	lines := make([]*plotter.Line, len(scenarios))
	edges := make([]*plotter.Line, len(scenarios)) // legend thumbnails of Bounds scenarios
	for i, sc := range scenarios {
		pts := opt.window(sc.Series)
		if len(pts) == 0 {
			return nil, fmt.Errorf("%w: scenario %q has no points", ErrNoData, sc.Name)
		}
		if _, err := checkPoints(pts); err != nil {
			return nil, fmt.Errorf("scenario %q: %w", sc.Name, err)
		}
		c := opt.colorOf(sc.Name, i)
		if hasWidth(pts) || sc.Bounds {
			band, err := intervalBand(pts, c, 0x38)
			if err != nil {
				return nil, err
			}
			p.Add(band)
			lp.data = append(lp.data, band.XYs...)
			if sc.Bounds {
				for _, edge := range []func(aggregate.Point) float64{
					func(q aggregate.Point) float64 { return q.Lower },
					func(q aggregate.Point) float64 { return q.Upper },
				} {
					l, err := dashedLine(pts, edge, c, 0.8, 4)
					if err != nil {
						return nil, err
					}
					p.Add(l)
					edges[i] = l
				}
				continue
			}
		}
		l, err := plotter.NewLine(pointsXY(pts, func(q aggregate.Point) float64 { return q.Mean }))
		if err != nil {
			return nil, err
		}
		l.Color = c
		l.Width = vg.Points(1.4)
		lines[i] = l
		lp.data = append(lp.data, l.XYs)
	}
	// Lines go above every band so that no band hides another scenario's
	// centre line.
	for i, l := range lines {
		if l == nil {
			p.Legend.Add(scenarios[i].Name, edges[i])
			continue
		}
		p.Add(l)
		p.Legend.Add(scenarios[i].Name, l)
	}
	if err := addMarks(p, opt.Marks); err != nil {
		return nil, err
	}
	p.Legend.Add(fmt.Sprintf("(bands: %.0f%% intervals)", 100*levelOf(level)))
	p.Add(lp)
	return p, nil
}

func hasWidth(pts []aggregate.Point) bool {
	for _, q := range pts {
		if q.Upper > q.Lower {
			return true
		}
	}
	return false
}
