package chart

import (
	"time"

	"gonum.org/v1/plot"
)

// calendarTicks places date-axis ticks on calendar boundaries (1 January,
// the first of a month, Mondays) rather than at round numbers of seconds,
// which is what plot.DefaultTicks inside plot.TimeTicks would give. It
// picks the finest step that gives at most maxMajor labelled ticks, and
// marks the next finer unit with minor ticks when there are not too many.
type calendarTicks struct{}

const maxMajor = 8

type calStep struct {
	years, months, days int
	format              string
}

var calSteps = []calStep{
	{0, 0, 1, "2 Jan 2006"},
	{0, 0, 7, "2 Jan 2006"},
	{0, 1, 0, "Jan 2006"},
	{0, 3, 0, "Jan 2006"},
	{0, 6, 0, "Jan 2006"},
	{1, 0, 0, "2006"},
	{2, 0, 0, "2006"},
	{5, 0, 0, "2006"},
	{10, 0, 0, "2006"},
	{20, 0, 0, "2006"},
	{50, 0, 0, "2006"},
}

// Ticks implements plot.Ticker for x values in Unix seconds.
func (calendarTicks) Ticks(min, max float64) []plot.Tick {
	lo := time.Unix(int64(min), 0).UTC()
	hi := time.Unix(int64(max), 0).UTC()
	for i, s := range calSteps {
		major := s.ticks(lo, hi)
		if len(major) > maxMajor && i+1 < len(calSteps) {
			continue
		}
		var out []plot.Tick
		if i > 0 {
			if minor := calSteps[i-1].ticks(lo, hi); len(minor) <= 6*maxMajor {
				for _, t := range minor {
					out = append(out, plot.Tick{Value: unix(t)})
				}
			}
		}
		for _, t := range major {
			out = append(out, plot.Tick{Value: unix(t), Label: t.Format(s.format)})
		}
		return out
	}
	return nil
}

// ticks returns the step's boundaries within [lo, hi].
func (s calStep) ticks(lo, hi time.Time) []time.Time {
	var t time.Time
	switch {
	case s.years > 0:
		y := lo.Year() - lo.Year()%s.years
		t = time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	case s.months > 0:
		m := (int(lo.Month()) - 1) / s.months * s.months
		t = time.Date(lo.Year(), time.Month(m+1), 1, 0, 0, 0, 0, time.UTC)
	case s.days == 7:
		t = time.Date(lo.Year(), lo.Month(), lo.Day(), 0, 0, 0, 0, time.UTC)
		t = t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7)) // back to Monday
	default:
		t = time.Date(lo.Year(), lo.Month(), lo.Day(), 0, 0, 0, 0, time.UTC)
	}
	var out []time.Time
	for ; !t.After(hi); t = t.AddDate(s.years, s.months, s.days) {
		if !t.Before(lo) {
			out = append(out, t)
		}
		if len(out) > 1000 { // guard: a huge span at a fine step is rejected by the caller anyway
			break
		}
	}
	return out
}

// dateAxis configures p's x axis for dates given in Unix seconds.
func dateAxis(p *plot.Plot) {
	p.X.Tick.Marker = calendarTicks{}
}
