package chart

import (
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// frame returns an empty chart titled o.Title (defTitle when empty):
// sans-serif text throughout, a light grid, and the legend that the
// chart function fills and hands to finish once the data are drawn.
func (o Options) frame(defTitle string) (*plot.Plot, *key, error) {
	if err := o.check(); err != nil {
		return nil, nil, err
	}
	p := plot.New()
	useSans(p)
	title := o.Title
	if title == "" {
		title = defTitle
	}
	// A title wider than the chart is wrapped at spaces (gonum would
	// draw it past both edges); the caller's own line breaks are kept.
	var lines []string
	for _, l := range strings.Split(title, "\n") {
		for _, w := range wrap(l, p.Title.TextStyle, o.width()-vg.Centimeter) {
			lines = append(lines, truncate(w, p.Title.TextStyle, o.width()-vg.Centimeter))
		}
	}
	p.Title.Text = strings.Join(lines, "\n")
	p.Title.Padding = vg.Points(2)
	p.Add(plotter.NewGrid())
	return p, o.newKey(p), nil
}

// timeFrame is frame for a chart over time: calendar ticks on the x
// axis, values labelled o.YLabel ("percent" when empty) on the y axis.
func (o Options) timeFrame(defTitle string) (*plot.Plot, *key, error) {
	p, k, err := o.frame(defTitle)
	if err != nil {
		return nil, nil, err
	}
	p.Y.Label.Text = o.YLabel
	if p.Y.Label.Text == "" {
		p.Y.Label.Text = "percent"
	}
	p.X.Tick.Marker = calendarTicks{maxMajor: o.maxDateLabels()}
	p.Y.Tick.Marker = valueTicks{}
	return p, k, nil
}

// finish adds the legend, laid out for the expected data width, as the
// last plotter, so that an inside legend is drawn over the data, and the
// footer with the date of the last poll (zero: none) and the credit.
func (o Options) finish(p *plot.Plot, k *key, lastPoll time.Time) {
	k.layout(o.dataWidth())
	p.Add(k)
	o.addFooter(p, lastPoll)
}

// atLeastADay widens a date axis narrower than a day to the day around
// its centre, so that a chart of a single day has room for its band and
// a calendar tick (gonum would widen it by one second either side).
func atLeastADay(a *plot.Axis) {
	const day = 2 * halfDay
	if a.Max-a.Min < day && finite(a.Min) && finite(a.Max) {
		mid := (a.Min + a.Max) / 2
		a.Min, a.Max = mid-day/2, mid+day/2
	}
}
