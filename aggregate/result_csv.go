package aggregate

import (
	"cmp"
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strconv"

	"github.com/candorpoll/candor/aggregate/internal/cells"
)

// csvFloat is appendCSVFloat as a string.
func csvFloat(x float64) string { return string(appendCSVFloat(nil, x)) }

// WriteCSV writes the full daily series of every share, one row per day
// per share, with the columns
//
//	date, share, mean, sd, lower, upper, poll_lower, poll_upper
//
// (Series: smoothed) followed, when the model has a causal estimate, by
// filtered_mean, filtered_sd, filtered_lower, filtered_upper,
// filtered_poll_lower, filtered_poll_upper (empty on a day Filtered
// lacks). Dates are YYYY-MM-DD; NaN is an empty cell.
//
// No cell ever needs CSV quoting (dates, share names and numbers), so the
// rows are appended to one buffer with strconv.AppendFloat rather than
// built as strings for encoding/csv: the same bytes (TestResultWriteCSVBytes)
// at several times the speed (BenchmarkResultWriteCSV).
func (r *Result) WriteCSV(w io.Writer) error {
	hasFiltered := false
	for _, s := range r.Shares() {
		hasFiltered = hasFiltered || len(s.Filtered) > 0
	}
	cw := cells.NewBuffer(w)
	cw.Buf = append(cw.Buf, "date,share,mean,sd,lower,upper,poll_lower,poll_upper"...)
	if hasFiltered {
		cw.Buf = append(cw.Buf, ",filtered_mean,filtered_sd,filtered_lower,filtered_upper,filtered_poll_lower,filtered_poll_upper"...)
	}
	cw.Buf = append(cw.Buf, '\n')
	for _, s := range r.Shares() {
		at := filteredOn(s.Series, s.Filtered)
		name := s.Share.String()
		for _, p := range s.Series {
			b := cells.AppendDate(cw.Buf, p.Date)
			b = append(b, ',')
			b = append(b, name...)
			b = appendPointCells(b, p)
			if hasFiltered {
				if k := at(dayNumber(p.Date)); k >= 0 {
					b = appendPointCells(b, s.Filtered[k])
				} else {
					b = append(b, ",,,,,,"...)
				}
			}
			cw.Buf = append(b, '\n')
			if err := cw.FlushIfFull(); err != nil {
				return err
			}
		}
	}
	return cw.Flush()
}

// filteredOn returns the lookup of the point of f on the days of series, in
// their order (−1: none). A model's series are in date order, and f is then
// walked along; any other order is looked up in a map.
func filteredOn(series, f []Point) func(day int) int {
	byDay := func(a, b Point) int { return cmp.Compare(dayNumber(a.Date), dayNumber(b.Date)) }
	inOrder := slices.IsSortedFunc(series, byDay) && slices.IsSortedFunc(f, byDay)
	if !inOrder {
		m := make(map[int]int, len(f))
		for k, p := range f {
			m[dayNumber(p.Date)] = k
		}
		return func(day int) int {
			if k, ok := m[day]; ok {
				return k
			}
			return -1
		}
	}
	k := 0
	return func(day int) int {
		for k < len(f) && dayNumber(f[k].Date) < day {
			k++
		}
		if k < len(f) && dayNumber(f[k].Date) == day {
			return k
		}
		return -1
	}
}

// appendPointCells appends ",mean,sd,lower,upper,poll_lower,poll_upper".
func appendPointCells(b []byte, p Point) []byte {
	for _, x := range [...]float64{p.Mean, p.SD, p.Lower, p.Upper, p.PollLower, p.PollUpper} {
		b = append(b, ',')
		b = appendCSVFloat(b, x)
	}
	return b
}

// appendCSVFloat appends a number formatted for CSV: the shortest exact
// representation, and nothing (an empty cell) for NaN or ±Inf.
func appendCSVFloat(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return b
	}
	return cells.AppendFloat(b, x, 'f')
}

// WriteHousesCSV writes the house-effect table of every share with the
// columns share, pollster, effect, se, polls.
func (r *Result) WriteHousesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"share", "pollster", "effect", "se", "polls"}); err != nil {
		return err
	}
	for _, s := range r.Shares() {
		for _, h := range s.Houses {
			if err := cw.Write([]string{s.Share.String(), h.Pollster, csvFloat(h.Value), csvFloat(h.SE), strconv.Itoa(h.Polls)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
