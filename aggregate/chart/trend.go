package chart

import (
	"fmt"
	"image/color"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// Trend draws a model's estimate over time: the trend line; its interval
// (a grey band: where the true level of the share is, at Result.Level);
// the range in which a new poll from an average pollster is expected to
// fall (dashed lines, when the model reports it and opt.NoPollBand is
// false; wider than the interval because it adds a poll's own error);
// and the polls as points at their fieldwork midpoints, coloured by
// pollster. The legend says this in words ("trend", "95% interval of
// the trend", "95% range for a new poll", "polls: Levada (301)"), and the
// footer gives the date of the last poll drawn and opt.Credit. Polls
// whose charted share was not published (NaN) have no point to draw and
// are left out of the picture only. polls may be nil.
//
// The share drawn, for the trend and the polls, is opt.Share (approve by
// default), each poll's value read by aggregate.Share.Value. It returns
// ErrNoData when there is no series to draw, ErrBadValue when a point
// cannot be drawn, ErrShare for a share the result did not estimate and
// ErrOption for an invalid option.
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
		if opt.Filtered && sr.Filtered == nil && len(sr.Series) > 0 {
			return nil, fmt.Errorf("%w: %s has no filtered series (Bayes estimates none; StateSpace.SkipFiltered leaves it out)", ErrNoData, res.Model)
		}
		return nil, fmt.Errorf("%w: %s %s series is empty", ErrNoData, res.Model, which)
	}
	pollBand, err := checkPoints(pts)
	if err != nil {
		return nil, err
	}
	if err := checkMarks(opt.Marks); err != nil {
		return nil, err
	}
	title := fmt.Sprintf("%s: trend", opt.Share)
	if res.Model != "" {
		title = fmt.Sprintf("%s: trend (%s model)", opt.Share, res.Model)
	}
	p, k, err := opt.timeFrame(title)
	if err != nil {
		return nil, err
	}

	level := percent(levelOf(res.Level))
	band, err := intervalBand(pts, grey(trendGrey), 0x40)
	if err != nil {
		return nil, err
	}
	p.Add(m4Polygon{band})
	k.avoid = append(k.avoid, band.XYs...)

	var pollLine *plotter.Line
	if pollBand && !opt.NoPollBand {
		l, err := dashedEdges(p, pts, func(q aggregate.Point) (float64, float64) { return q.PollLower, q.PollUpper }, grey(trendGrey), 0.6, 3)
		if err != nil {
			return nil, err
		}
		pollLine = l[0]
		k.avoid = append(k.avoid, l[0].XYs, l[1].XYs)
	}

	houses, lastPoll, err := pollScatters(p, polls, opt.Share.Value, opt)
	if err != nil {
		return nil, err
	}

	line, err := meanLine(p, pts, grey(trendGrey), 1.5)
	if err != nil {
		return nil, err
	}
	k.avoid = append(k.avoid, line.XYs)
	k.avoid = append(k.avoid, addMarks(p, opt.Marks)...)

	if opt.Filtered {
		k.add("trend as known on each day", line)
	} else {
		k.add("trend", line)
	}
	k.add(level+" interval of the trend", band)
	if pollLine != nil {
		k.add(level+" range for a new poll", pollLine)
	}
	k.group()
	for _, h := range houses {
		k.add(h.name, h.scatter)
		k.avoid = append(k.avoid, h.scatter.XYs)
	}
	atLeastADay(&p.X)
	opt.finish(p, k, lastPoll)
	return p, nil
}

// pointsXY turns a series into x (Unix seconds) and y = f(point). A
// series of a single day becomes a segment a day wide, centred on it, so
// that its line and band have a length to be drawn with.
func pointsXY(pts []aggregate.Point, f func(aggregate.Point) float64) plotter.XYs {
	if len(pts) == 1 {
		x, y := unix(pts[0].Date), f(pts[0])
		return plotter.XYs{{X: x - halfDay, Y: y}, {X: x + halfDay, Y: y}}
	}
	xy := make(plotter.XYs, len(pts))
	for i, q := range pts {
		xy[i] = plotter.XY{X: unix(q.Date), Y: f(q)}
	}
	return xy
}

// halfDay is half a day in the x coordinate, seconds.
const halfDay = 43200

// newLine returns a line through xy of the given colour, width (points)
// and dash pattern (nil: solid).
func newLine(xy plotter.XYs, c color.Color, width float64, dash []vg.Length) (*plotter.Line, error) {
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, err
	}
	l.Color = c
	l.Width = vg.Points(width)
	l.Dashes = dash
	return l, nil
}

// dashedEdges adds dashed lines along the lower and upper edges of a
// band, edges(point), of the given colour, width and dash length
// (points; the gaps are 2 points): a band drawn without a fill, so that
// it hides nothing.
func dashedEdges(p *plot.Plot, pts []aggregate.Point, edges func(aggregate.Point) (lower, upper float64), c color.Color, width, dash float64) ([2]*plotter.Line, error) {
	var out [2]*plotter.Line
	for i := range out {
		xy := pointsXY(pts, func(q aggregate.Point) float64 {
			lo, hi := edges(q)
			return [2]float64{lo, hi}[i]
		})
		l, err := newLine(xy, c, width, []vg.Length{vg.Points(dash), vg.Points(2)})
		if err != nil {
			return out, err
		}
		p.Add(lineGlyphs(l))
		out[i] = l
	}
	return out, nil
}

// meanLine adds the line through the series' means to p and returns it.
func meanLine(p *plot.Plot, pts []aggregate.Point, c color.Color, width float64) (*plotter.Line, error) {
	l, err := newLine(pointsXY(pts, func(q aggregate.Point) float64 { return q.Mean }), c, width, nil)
	if err != nil {
		return nil, err
	}
	p.Add(lineGlyphs(l))
	return l, nil
}

// intervalBand returns the band between each point's Lower and Upper,
// filled with c at opacity alpha and without an outline.
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
	upper := pointsXY(pts, func(q aggregate.Point) float64 { return q.Upper })
	lower := pointsXY(pts, func(q aggregate.Point) float64 { return q.Lower })
	slices.Reverse(lower)
	return plotter.NewPolygon(append(upper, lower...))
}

type houseScatter struct {
	name    string // the legend entry: "polls: Levada (301)"
	scatter *plotter.Scatter
}

// pollScatters adds one scatter per coloured house (plus one grey
// "other pollsters" scatter) and returns them in legend order, with the
// last fieldwork day of the polls drawn (zero when none is drawn).
func pollScatters(p *plot.Plot, polls []poll.Poll, value func(*poll.Poll) float64, opt Options) ([]houseScatter, time.Time, error) {
	counts := map[string]int{}
	byHouse := map[string]plotter.XYs{}
	var last time.Time
	for i := range polls {
		q := &polls[i]
		v := value(q)
		mid := q.Midpoint()
		if !finite(v) || !opt.inWindow(mid) {
			continue
		}
		counts[q.Pollster]++
		byHouse[q.Pollster] = append(byHouse[q.Pollster], plotter.XY{X: unix(mid), Y: v})
		if q.End.After(last) {
			last = q.End
		}
	}
	if len(counts) == 0 {
		return nil, time.Time{}, nil
	}
	ranked := RankPollsters(counts)
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
			return nil, time.Time{}, err
		}
		named = append(named, houseScatter{fmt.Sprintf("polls: %s (%d)", displayName(name), counts[name]), s})
	}
	out := named
	if len(other) > 0 {
		s, err := newPollScatter(other, grey(otherGrey))
		if err != nil {
			return nil, time.Time{}, err
		}
		p.Add(s) // drawn first, underneath the named houses
		out = append(out, houseScatter{fmt.Sprintf("polls: %d other pollsters (%d)", nOther, len(other)), s})
	}
	// Frequent houses are drawn first so that a rare house's few points
	// are not buried under them.
	for _, h := range named {
		p.Add(h.scatter)
	}
	return out, last, nil
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
