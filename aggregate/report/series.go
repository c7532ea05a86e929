package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/internal/cells"
	"github.com/candorpoll/candor/poll"
)

// Period is the spacing of a written series.
type Period uint8

// The periods.
const (
	// Daily writes every day (the zero value).
	Daily Period = iota
	// Weekly writes the last day of each ISO week (Sunday) in the series,
	// and the series' last day.
	Weekly
	// Monthly writes the last day of each month in the series, and the
	// series' last day.
	Monthly
)

// String returns "daily", "weekly" or "monthly".
func (p Period) String() string {
	switch p {
	case Daily:
		return "daily"
	case Weekly:
		return "weekly"
	case Monthly:
		return "monthly"
	}
	return fmt.Sprintf("Period(%d)", uint8(p))
}

// ParsePeriod returns the period named s, or an error wrapping ErrConfig.
func ParsePeriod(s string) (Period, error) {
	for _, p := range []Period{Daily, Weekly, Monthly} {
		if strings.EqualFold(s, p.String()) {
			return p, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown period %q (want daily, weekly or monthly)", ErrConfig, s)
}

// key identifies the period of a day.
func (p Period) key(t time.Time) int {
	switch p {
	case Weekly:
		y, w := t.ISOWeek()
		return y*100 + w
	case Monthly:
		return t.Year()*100 + int(t.Month())
	}
	return int(t.Unix() / 86400)
}

// periodEnds returns the points of pts (in date order) that end their
// period: the last point of each week or month, or every point for
// Daily. A weekly or monthly value is the estimate on that day, not an
// average over the period: the level's days are correlated, and the
// estimate as of the period's end is what a reader of a weekly or
// monthly table expects (FiveThirtyEight's tables likewise).
func periodEnds(pts []aggregate.Point, p Period) []aggregate.Point {
	if p == Daily {
		return pts
	}
	var out []aggregate.Point
	for i, pt := range pts {
		if i == len(pts)-1 || p.key(pts[i+1].Date) != p.key(pt.Date) {
			out = append(out, pt)
		}
	}
	return out
}

// SeriesOptions say how numbers are written to CSV and JSON. The zero
// value writes every day with values rounded to two decimals (points:
// a hundredth of a percentage point, far below any interval's width).
type SeriesOptions struct {
	// Period is the spacing of the series: Daily (default), Weekly or
	// Monthly.
	Period Period
	// FullPrecision writes every number as computed (the shortest
	// representation that reads back exactly) instead of rounded.
	FullPrecision bool
	// Digits is the number of decimals when rounding; 0 means 2.
	Digits int
}

// round returns x rounded as o says (NaN and ±Inf unchanged).
func (o SeriesOptions) round(x float64) float64 {
	if o.FullPrecision || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	d := o.Digits
	if d <= 0 {
		d = 2
	}
	p := math.Pow10(d)
	return math.Round(x*p) / p
}

// points returns pts at o's period, rounded.
func (o SeriesOptions) points(pts []aggregate.Point) []aggregate.Point {
	pts = periodEnds(pts, o.Period)
	out := make([]aggregate.Point, len(pts))
	for i, p := range pts {
		out[i] = aggregate.Point{Date: p.Date, Mean: o.round(p.Mean), SD: o.round(p.SD), Lower: o.round(p.Lower), Upper: o.round(p.Upper),
			PollLower: o.round(p.PollLower), PollUpper: o.round(p.PollUpper)}
	}
	return out
}

// result returns a copy of r for writing: series at o's period, and
// series, house effects and parameters rounded. The fitted r is not
// changed.
func (o SeriesOptions) result(r *aggregate.Result) *aggregate.Result {
	cp := *r
	share := func(sr *aggregate.ShareResult) *aggregate.ShareResult {
		if sr == nil {
			return nil
		}
		s := *sr
		s.Series, s.Filtered = o.points(sr.Series), o.points(sr.Filtered)
		if sr.Filtered == nil {
			s.Filtered = nil
		}
		s.Houses = make([]aggregate.HouseEffect, len(sr.Houses))
		for i, h := range sr.Houses {
			s.Houses[i] = aggregate.HouseEffect{Pollster: h.Pollster, Value: o.round(h.Value), SE: o.round(h.SE), Polls: h.Polls}
		}
		return &s
	}
	cp.Approve, cp.Disapprove, cp.Undecided = share(r.Approve), share(r.Disapprove), share(r.Undecided)
	return &cp
}

// WriteSeriesCSV writes the fitted daily series of every share as
// aggregate.Result.WriteCSV does (date, share, mean, sd, lower, upper,
// poll_lower, poll_upper, then the causal estimate's columns when the
// model has one), in percent, at o's period and rounding.
func (r *Report) WriteSeriesCSV(w io.Writer, o SeriesOptions) error {
	if err := r.complete(); err != nil {
		return err
	}
	return o.result(r.Result).WriteCSV(w)
}

// WriteSeriesJSON writes the fitted result as aggregate.Result.WriteJSON
// does (series, house effects, parameters, diagnostics, warnings), at o's
// period and rounding.
func (r *Report) WriteSeriesJSON(w io.Writer, o SeriesOptions) error {
	if err := r.complete(); err != nil {
		return err
	}
	return o.result(r.Result).WriteJSON(w)
}

// WriteHousesCSV writes the house effects of every share (share,
// pollster, effect, se, polls; points), rounded as o says.
func (r *Report) WriteHousesCSV(w io.Writer, o SeriesOptions) error {
	if err := r.complete(); err != nil {
		return err
	}
	return o.result(r.Result).WriteHousesCSV(w)
}

// WriteScenariosCSV writes the approve series under every scenario with
// the columns
//
//	scenario, date, mean, sd, lower, upper
//
// in percent, at o's period and rounding. For an identified set
// (Manski) mean and sd are empty and lower–upper is the set's interval.
//
// What encoding/csv writes, byte for byte (TestWriteScenariosCSVBytes):
// each scenario's name is quoted by it once, and the dates and numbers,
// which never need quotes, are appended to the row (53 → about 10 ms
// for the Russian report's six scenarios of 9,000 days).
func (r *Report) WriteScenariosCSV(w io.Writer, o SeriesOptions) error {
	if err := r.complete(); err != nil {
		return err
	}
	cw := cells.NewBuffer(w)
	cw.Buf = append(cw.Buf, "scenario,date,mean,sd,lower,upper\n"...)
	for _, s := range r.Scenarios {
		name, err := csvCell(s.Name)
		if err != nil {
			return err
		}
		pts := s.Bounds
		if s.Result != nil {
			pts = s.Result.Approve.Series
		}
		for _, p := range o.points(pts) {
			b := append(cw.Buf, name...)
			b = cells.AppendDate(append(b, ','), p.Date)
			b = append(b, ',')
			if s.Bounds == nil {
				b = append(appendCell(b, p.Mean), ',')
				b = appendCell(b, p.SD)
			} else {
				b = append(b, ',')
			}
			b = append(appendCell(append(b, ','), p.Lower), ',')
			cw.Buf = append(appendCell(b, p.Upper), '\n')
			if err := cw.FlushIfFull(); err != nil {
				return err
			}
		}
	}
	return cw.Flush()
}

// csvCell returns s as encoding/csv writes it as a cell (quoted when it
// needs quotes).
func csvCell(s string) ([]byte, error) {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	if err := cw.Write([]string{s}); err != nil {
		return nil, err
	}
	cw.Flush()
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), cw.Error()
}

// appendCell appends x as the shortest exact representation, nothing
// (an empty cell) for NaN or ±Inf.
func appendCell(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return b
	}
	return cells.AppendFloat(b, x, 'f')
}

// WritePollsCSV writes the polls fitted, in candor's canonical CSV
// (poll.WriteCSV), as read: shares are not rounded.
func (r *Report) WritePollsCSV(w io.Writer) error { return poll.WriteCSV(w, r.Polls) }
