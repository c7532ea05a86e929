package chart

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/candorpoll/candor/aggregate"
)

// Sentinel errors, usable with errors.Is.
var (
	// ErrNoData: there is nothing to draw (nil result, empty series, no
	// houses, no scenarios, or nothing left inside the From–To window).
	ErrNoData = errors.New("chart: nothing to plot")
	// ErrBadValue: a value that must be drawn is NaN or infinite, or an
	// interval is reversed.
	ErrBadValue = errors.New("chart: value cannot be drawn")
	// ErrShare: the result has no estimate of the share asked for
	// (Options.Share).
	ErrShare = errors.New("chart: share not in the result")
	// ErrOption: an option or argument names no choice the package knows
	// (a legend corner, an output format).
	ErrOption = errors.New("chart: invalid option")
)

// Options configure a chart. The zero value gives the documented defaults,
// so chart.Options{} is always valid.
type Options struct {
	// Title is the plot title; "" gives a title derived from the result
	// (e.g. "approve: statespace trend").
	Title string
	// YLabel labels the value axis; "" gives "percent" (for house effects:
	// "points").
	YLabel string
	// Share is the share of the result drawn by Trend and Houses; the
	// zero value is aggregate.Approve.
	Share aggregate.Share
	// Filtered draws Result.Filtered (the causal estimate: what was
	// knowable on each day) instead of the smoothed Result.Series.
	Filtered bool
	// From and To restrict the drawn dates (inclusive); a zero time leaves
	// that end open.
	From, To time.Time
	// MaxHouses limits how many pollsters get their own colour and legend
	// entry in trend charts (default 8; the rest are drawn grey as "other
	// pollsters"), and how many rows a house-effect chart shows (default
	// 30). Pollsters with the most polls come first.
	MaxHouses int
	// NoPollBand hides the band for a new poll (Point.PollLower/PollUpper).
	NoPollBand bool
	// Colors overrides the colour of named pollsters or scenarios.
	Colors map[string]color.Color
	// Marks are labelled reference values drawn as points, e.g. an
	// election result on its date.
	Marks []Mark
	// LegendCorner fixes the legend in a corner of the data area:
	// "top-left", "top-right", "bottom-left" or "bottom-right". The default
	// "" places it, at draw time, in the corner that hides the fewest data
	// points; either way it gets a translucent white backdrop.
	LegendCorner string
}

// newPlot returns a plot titled o.Title (defTitle when empty) with a grid,
// and the legend placer that must be added after every data plotter.
func (o Options) newPlot(defTitle string) (*plot.Plot, *legendPlacer, error) {
	p := plot.New()
	p.Title.Text = o.Title
	if p.Title.Text == "" {
		p.Title.Text = defTitle
	}
	p.Add(plotter.NewGrid())
	lp, err := o.legend(p)
	if err != nil {
		return nil, nil, err
	}
	return p, lp, nil
}

// timePlot is newPlot for a chart over time: calendar ticks on the x axis,
// values labelled o.YLabel ("percent" when empty) on the y axis.
func (o Options) timePlot(defTitle string) (*plot.Plot, *legendPlacer, error) {
	p, lp, err := o.newPlot(defTitle)
	if err != nil {
		return nil, nil, err
	}
	p.Y.Label.Text = o.YLabel
	if p.Y.Label.Text == "" {
		p.Y.Label.Text = "percent"
	}
	p.X.Tick.Marker = calendarTicks{}
	p.Y.Tick.Marker = valueTicks{}
	return p, lp, nil
}

// legend sets up p's legend placement and returns the plotter that must be
// added last (after every data plotter) to apply it.
func (o Options) legend(p *plot.Plot, data ...plotter.XYs) (*legendPlacer, error) {
	lp := &legendPlacer{data: data}
	switch o.LegendCorner {
	case "":
	case "top-left", "top-right", "bottom-left", "bottom-right":
		lp.fixed = true
		p.Legend.Top = strings.HasPrefix(o.LegendCorner, "top")
		p.Legend.Left = strings.HasSuffix(o.LegendCorner, "left")
	default:
		return nil, fmt.Errorf("%w: unknown legend corner %q", ErrOption, o.LegendCorner)
	}
	return lp, nil
}

// Mark is a labelled reference value drawn on a time chart.
type Mark struct {
	Date  time.Time
	Value float64 // percent
	Label string
}

func (o Options) inWindow(t time.Time) bool {
	return (o.From.IsZero() || !t.Before(o.From)) && (o.To.IsZero() || !t.After(o.To))
}

// colorOf returns the colour of the i-th named series (a scenario, a set
// of house effects): o.Colors[name] when set, else the palette's i-th.
func (o Options) colorOf(name string, i int) color.Color {
	if c := o.Colors[name]; c != nil {
		return c
	}
	return colorAt(i)
}

func (o Options) maxHouses(def int) int {
	if o.MaxHouses > 0 {
		return o.MaxHouses
	}
	return def
}

// shareOf returns the estimate of the share the options ask for.
func (o Options) shareOf(res *aggregate.Result) (*aggregate.ShareResult, error) {
	if res == nil {
		return nil, fmt.Errorf("%w: nil result", ErrNoData)
	}
	sr := res.Share(o.Share)
	if sr == nil {
		return nil, fmt.Errorf("%w: %s (the %s fit did not estimate it)", ErrShare, o.Share, res.Model)
	}
	return sr, nil
}

// checkPoints verifies that every point in pts can be drawn and reports
// whether the poll band is present. A band is absent when every
// PollLower/PollUpper is NaN or both are zero (a model that does not
// compute it); present but partly invalid is an error, since drawing
// part of a band would misrepresent it.
func checkPoints(pts []aggregate.Point) (pollBand bool, err error) {
	for _, p := range pts {
		if !finite(p.Mean) || !finite(p.Lower) || !finite(p.Upper) {
			return false, fmt.Errorf("%w: point %s: mean %g, interval [%g, %g]", ErrBadValue, p.Date.Format(time.DateOnly), p.Mean, p.Lower, p.Upper)
		}
		if p.Lower > p.Upper {
			return false, fmt.Errorf("%w: point %s: reversed interval [%g, %g]", ErrBadValue, p.Date.Format(time.DateOnly), p.Lower, p.Upper)
		}
		if !(math.IsNaN(p.PollLower) && math.IsNaN(p.PollUpper)) && !(p.PollLower == 0 && p.PollUpper == 0) {
			pollBand = true
		}
	}
	if !pollBand {
		return false, nil
	}
	for _, p := range pts {
		if !finite(p.PollLower) || !finite(p.PollUpper) || p.PollLower > p.PollUpper {
			return false, fmt.Errorf("%w: point %s: poll band [%g, %g]", ErrBadValue, p.Date.Format(time.DateOnly), p.PollLower, p.PollUpper)
		}
	}
	return true, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// window returns the points inside the options' date window.
func (o Options) window(pts []aggregate.Point) []aggregate.Point {
	if o.From.IsZero() && o.To.IsZero() {
		return pts
	}
	var out []aggregate.Point
	for _, p := range pts {
		if o.inWindow(p.Date) {
			out = append(out, p)
		}
	}
	return out
}
