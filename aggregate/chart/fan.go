package chart

import (
	"fmt"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/candorpoll/candor/aggregate"
)

// Scenario is one named series drawn in a fan: typically the same trend
// under one assumption about fear of responding (no correction, a
// falsification gap, a nonresponse ratio κ, Manski bounds).
type Scenario struct {
	Name   string
	Series []aggregate.Point // Mean, Lower and Upper are drawn; the poll band is not
	// Bounds marks a partially identified scenario (e.g. Manski bounds):
	// its Lower and Upper are drawn as dashed lines, and no line at
	// Mean, which a set has no reason to favour.
	Bounds bool
	// Level is the confidence level of the interval [Lower, Upper],
	// stated in the legend when this scenario's interval is shaded; 0
	// means 0.95.
	Level float64
}

// Fan draws several scenarios on one chart, each as a line at its Mean
// in its own colour (opt.Colors may override by scenario name), and
// shades the interval of one of them: opt.Highlight, or by default the
// first scenario, other than a Bounds one, that has an interval (the "as
// published" one, when it is listed first). A Bounds scenario is drawn
// as its two dashed edges and cannot be highlighted.
//
// Why lines and one band: a fan answers "how far does each assumption
// move the estimate, against the uncertainty of the estimate itself?".
// One shaded interval is the yardstick, and the lines show where every
// assumption lands against it. Shading every scenario's interval stacks
// translucent colours until they blend into one and no interval can be
// read; small multiples, one panel per
// scenario, keep each interval readable but make the comparison, the
// point of the chart, a matter of reading values off separate axes.
// Each scenario's own interval is in its Result (and in the report).
//
// It returns ErrNoData when there are no scenarios or one has no points
// inside the window, ErrBadValue when a point cannot be drawn, and
// ErrOption when opt.Highlight names no scenario or an option is invalid.
func Fan(scenarios []Scenario, opt Options) (*plot.Plot, error) {
	if len(scenarios) == 0 {
		return nil, fmt.Errorf("%w: no scenarios", ErrNoData)
	}
	pts := make([][]aggregate.Point, len(scenarios))
	shaded := -1
	for i, sc := range scenarios {
		pts[i] = opt.window(sc.Series)
		if len(pts[i]) == 0 {
			return nil, fmt.Errorf("%w: scenario %q has no points", ErrNoData, sc.Name)
		}
		if _, err := checkPoints(pts[i]); err != nil {
			return nil, fmt.Errorf("scenario %q: %w", sc.Name, err)
		}
		named := opt.Highlight != "" && opt.Highlight == sc.Name
		if named && sc.Bounds {
			return nil, fmt.Errorf("%w: scenario %q is a set of bounds, drawn by its edges; it has no interval of a trend to shade", ErrOption, sc.Name)
		}
		if shaded < 0 && (named || opt.Highlight == "" && !sc.Bounds && hasWidth(pts[i])) {
			shaded = i
		}
	}
	if opt.Highlight != "" && shaded < 0 {
		return nil, fmt.Errorf("%w: no scenario %q to highlight", ErrOption, opt.Highlight)
	}
	if err := checkMarks(opt.Marks); err != nil {
		return nil, err
	}
	p, k, err := opt.timeFrame("scenarios")
	if err != nil {
		return nil, err
	}

	var band *plotter.Polygon
	if shaded >= 0 && hasWidth(pts[shaded]) { // a highlighted point series is only drawn thicker
		band, err = intervalBand(pts[shaded], opt.colorOf(scenarios[shaded].Name, shaded), 0x48)
		if err != nil {
			return nil, err
		}
		p.Add(m4Polygon{band})
		k.avoid = append(k.avoid, band.XYs...)
	}
	// The shaded scenario's line is drawn last and thicker, so that the
	// reference every other line is read against stays on top.
	order := make([]int, 0, len(scenarios))
	for i := range scenarios {
		if i != shaded {
			order = append(order, i)
		}
	}
	if shaded >= 0 {
		order = append(order, shaded)
	}
	thumbs := make([]plot.Thumbnailer, len(scenarios))
	for _, i := range order {
		sc, c := scenarios[i], opt.colorOf(scenarios[i].Name, i)
		if sc.Bounds {
			l, err := dashedEdges(p, pts[i], func(q aggregate.Point) (float64, float64) { return q.Lower, q.Upper }, c, 1.2, 4)
			if err != nil {
				return nil, err
			}
			thumbs[i] = l[0]
			k.avoid = append(k.avoid, l[0].XYs, l[1].XYs)
			continue
		}
		width := 1.4
		if i == shaded {
			width = 2.2
		}
		l, err := meanLine(p, pts[i], c, width)
		if err != nil {
			return nil, err
		}
		thumbs[i] = l
		k.avoid = append(k.avoid, l.XYs)
	}
	k.avoid = append(k.avoid, addMarks(p, opt.Marks)...)

	for i, sc := range scenarios {
		k.add(sc.Name, thumbs[i])
	}
	if band != nil {
		sc := scenarios[shaded]
		k.group()
		k.add(fmt.Sprintf("%s interval of the trend, %s", percent(levelOf(sc.Level)), sc.Name), band)
	}
	atLeastADay(&p.X)
	opt.finish(p, k, time.Time{})
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
