package chart

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/candorpoll/candor/aggregate"
)

// Sentinel errors, usable with errors.Is.
var (
	// ErrNoData: there is nothing to draw (nil result, empty series, no
	// houses, no scenarios, no plots, or nothing left inside the From–To
	// window).
	ErrNoData = errors.New("chart: nothing to plot")
	// ErrBadValue: a value that must be drawn is NaN or infinite, or an
	// interval is reversed.
	ErrBadValue = errors.New("chart: value cannot be drawn")
	// ErrShare: the result has no estimate of the share asked for
	// (Options.Share).
	ErrShare = errors.New("chart: share not in the result")
	// ErrOption: an option or argument names no choice the package knows
	// (a legend placement, a scenario to highlight, an output format), or
	// a size cannot be drawn (negative, too small to be legible, or too
	// large to hold in memory).
	ErrOption = errors.New("chart: invalid option")
)

// Legend placements, the values of Options.Legend.
const (
	// LegendAbove draws the legend between the title and the data area,
	// in rows as wide as the data area; the default.
	LegendAbove = "above"
	// LegendBest draws it inside the data area, in the corner that hides
	// the fewest data points.
	LegendBest = "best"
	// LegendTopLeft and the other corners draw it inside the data area,
	// in that corner.
	LegendTopLeft     = "top-left"
	LegendTopRight    = "top-right"
	LegendBottomLeft  = "bottom-left"
	LegendBottomRight = "bottom-right"
	// LegendNone draws no legend.
	LegendNone = "none"
)

// Default sizes. A chart is DefaultWidth wide and each chart of a stack
// DefaultHeight high (a house-effect chart with many rows more: see
// Options.Height): a size that reads well on screen and in a report.
// PNG output has DefaultDPI dots per inch.
const (
	DefaultWidth  = 20 * vg.Centimeter
	DefaultHeight = 11 * vg.Centimeter
	DefaultDPI    = 110
)

// Limits on sizes: below the minimums the text no longer fits the
// chart; above maxPixels a raster image would take gigabytes.
const (
	MinWidth  = 10 * vg.Centimeter
	MinHeight = 4 * vg.Centimeter
	maxPixels = 100_000_000
)

// Options configure a chart and its rendering. The zero value gives the
// documented defaults, so chart.Options{} is always valid. Every function
// of the package takes Options last; pass the same value (with its own
// Title) to the chart functions and to the renderer, because the chart
// lays out its legend and footer for Options.Width.
type Options struct {
	// Title is the plot title; "" gives a title derived from the result
	// (e.g. "approve: trend (statespace model)").
	Title string
	// YLabel labels the value axis; "" gives "percent" (for house
	// effects, the horizontal axis: "points above (+) or below (−) the
	// reference").
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
	// 30). Pollsters with the most polls come first. Negative is an
	// error.
	MaxHouses int
	// NoPollBand hides the range for a new poll (Point.PollLower and
	// PollUpper).
	NoPollBand bool
	// Colors overrides the colour of named pollsters, house-effect sets or
	// scenarios.
	Colors map[string]color.Color
	// Marks are labelled reference values drawn as points, e.g. an
	// election result on its date.
	Marks []Mark
	// Highlight names the Fan scenario whose interval is shaded; "" shades
	// the first scenario that has an interval. A name no scenario has is
	// an error.
	Highlight string
	// Legend places the legend: LegendAbove (the default, also ""),
	// LegendBest, a corner (LegendTopLeft, …) or LegendNone. No placement
	// changes the axis limits.
	Legend string
	// Credit is the source line printed small under the chart, left-
	// aligned, after the date of the last poll (Trend), e.g. "Data: Levada
	// Center, VTsIOM, FOM; analysis: candor". "" prints none.
	Credit string

	// Width is the width of the rendered image, and the width the chart
	// lays out its legend and footer for; 0 means DefaultWidth.
	Width vg.Length
	// Height is the height of each chart in a rendered stack; 0 means
	// DefaultHeight, or for a house-effect chart whatever more its rows
	// need to stay legible.
	Height vg.Length
	// DPI is the resolution of PNG and Image output, in dots per inch; 0
	// means DefaultDPI. SVG is resolution-independent.
	DPI int
}

// Mark is a labelled reference value drawn on a time chart.
type Mark struct {
	Date  time.Time
	Value float64 // percent
	Label string
}

// check reports an option that names nothing the package knows or a
// size that cannot be drawn; Fan checks Highlight against its
// scenarios.
func (o Options) check() error {
	switch o.Legend {
	case "", LegendAbove, LegendBest, LegendNone, LegendTopLeft, LegendTopRight, LegendBottomLeft, LegendBottomRight:
	default:
		return fmt.Errorf("%w: unknown legend placement %q", ErrOption, o.Legend)
	}
	if o.MaxHouses < 0 {
		return fmt.Errorf("%w: MaxHouses %d is negative", ErrOption, o.MaxHouses)
	}
	if o.DPI < 0 {
		return fmt.Errorf("%w: DPI %d is negative", ErrOption, o.DPI)
	}
	for _, s := range []struct {
		name       string
		v, minimum vg.Length
	}{{"width", o.Width, MinWidth}, {"height", o.Height, MinHeight}} {
		if s.v != 0 && !(s.v >= s.minimum) { // also NaN
			return fmt.Errorf("%w: %s %.1f cm is below the minimum %.0f cm", ErrOption, s.name, s.v/vg.Centimeter, s.minimum/vg.Centimeter)
		}
		if math.IsInf(float64(s.v), 0) {
			return fmt.Errorf("%w: %s is infinite", ErrOption, s.name)
		}
	}
	return nil
}

func (o Options) width() vg.Length {
	if o.Width > 0 {
		return o.Width
	}
	return DefaultWidth
}

func (o Options) dpi() int {
	if o.DPI > 0 {
		return o.DPI
	}
	return DefaultDPI
}

// dataWidth is the width the data area is expected to have: the image
// width less room for the value axis and its labels. Legends and footers
// are laid out for it when the chart is built, before the true width is
// known.
func (o Options) dataWidth() vg.Length { return o.width() - 2.5*vg.Centimeter }

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

// levelOf returns the confidence level of a result's intervals; results
// that leave it unset use 0.95, the level every model defaults to.
func levelOf(l float64) float64 {
	if l > 0 && l < 1 {
		return l
	}
	return 0.95
}

// percent formats a confidence level for a legend: 0.95 → "95%",
// 0.975 → "97.5%".
func percent(level float64) string {
	return strconv.FormatFloat(math.Round(1000*level)/10, 'f', -1, 64) + "%"
}
