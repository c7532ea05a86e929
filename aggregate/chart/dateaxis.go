package chart

import (
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// calendarTicks places date-axis ticks on calendar boundaries (1 January,
// the first of a month, Mondays, midnight) rather than at round numbers of
// seconds, which is what plot.DefaultTicks inside plot.TimeTicks would
// give. It picks the finest step that gives at most maxMajor labelled
// ticks, and marks the next finer unit with unlabelled minor ticks when
// there are not too many. A label names the year only where it is news:
// on the first tick and where the year changes ("Jan 2024", "Apr", "Jul",
// "Oct", "Jan 2025"), so that short spans get short labels.
type calendarTicks struct {
	maxMajor int // at most this many labels; 0 means 8
}

// calStep is one candidate spacing of date ticks.
type calStep struct {
	years, months, days int
	format, yearFormat  string // the label, and the label that names the year
}

// calSteps are the candidate spacings, finest first. It is a function
// rather than a package-level table so that no caller can change it.
func calSteps() []calStep {
	return []calStep{
		{0, 0, 1, "2 Jan", "2 Jan 2006"},
		{0, 0, 7, "2 Jan", "2 Jan 2006"},
		{0, 1, 0, "Jan", "Jan 2006"},
		{0, 3, 0, "Jan", "Jan 2006"},
		{0, 6, 0, "Jan", "Jan 2006"},
		{1, 0, 0, "2006", "2006"},
		{2, 0, 0, "2006", "2006"},
		{5, 0, 0, "2006", "2006"},
		{10, 0, 0, "2006", "2006"},
		{20, 0, 0, "2006", "2006"},
		{50, 0, 0, "2006", "2006"},
		{100, 0, 0, "2006", "2006"},
	}
}

// dateLabelWidth is the room a date label needs on the axis, with the
// space between labels: "Jan 2024" and "2 Jan 2024" at the tick size are
// 35–45 points wide.
const dateLabelWidth = 62 * vg.Length(1)

// maxDateLabels is how many date labels fit the expected data width.
func (o Options) maxDateLabels() int {
	return min(max(int(o.dataWidth()/dateLabelWidth), 3), 12)
}

// Ticks implements plot.Ticker for x values in Unix seconds.
func (ct calendarTicks) Ticks(min, max float64) []plot.Tick {
	maxMajor := ct.maxMajor
	if maxMajor <= 0 {
		maxMajor = 8
	}
	if !(min >= -1e13 && max <= 1e13) { // beyond ±300,000 years (or NaN): no calendar
		return nil
	}
	lo := time.Unix(int64(min), 0).UTC()
	hi := time.Unix(int64(max), 0).UTC()
	steps := calSteps()
	for i, s := range steps {
		major := s.ticks(lo, hi, maxMajor)
		if len(major) > maxMajor && i+1 < len(steps) {
			continue
		}
		var out []plot.Tick
		if i > 0 {
			if minor := steps[i-1].ticks(lo, hi, 6*maxMajor); len(minor) <= 6*maxMajor {
				for _, t := range minor {
					out = append(out, plot.Tick{Value: unix(t)})
				}
			}
		}
		for j, t := range major {
			format := s.format
			if j == 0 || t.Year() != major[j-1].Year() {
				format = s.yearFormat
			}
			out = append(out, plot.Tick{Value: unix(t), Label: t.Format(format)})
		}
		return out
	}
	return nil
}

// ticks returns the step's boundaries within [lo, hi], stopping after
// limit+1 of them: the caller only needs to know there are too many.
func (s calStep) ticks(lo, hi time.Time, limit int) []time.Time {
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
		if len(out) > limit {
			break
		}
	}
	return out
}

// unix is the x coordinate of a date: seconds since the Unix epoch.
func unix(t time.Time) float64 { return float64(t.Unix()) }
