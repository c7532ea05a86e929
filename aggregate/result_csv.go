package aggregate

import (
	"cmp"
	"encoding/csv"
	"io"
	"math"
	"slices"
	"strconv"
	"time"
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
	cw := chunkWriter{w: w, buf: make([]byte, 0, 64<<10)}
	cw.buf = append(cw.buf, "date,share,mean,sd,lower,upper,poll_lower,poll_upper"...)
	if hasFiltered {
		cw.buf = append(cw.buf, ",filtered_mean,filtered_sd,filtered_lower,filtered_upper,filtered_poll_lower,filtered_poll_upper"...)
	}
	cw.buf = append(cw.buf, '\n')
	for _, s := range r.Shares() {
		at := filteredOn(s.Series, s.Filtered)
		name := s.Share.String()
		for _, p := range s.Series {
			b := appendDate(cw.buf, p.Date)
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
			cw.buf = append(b, '\n')
			if err := cw.flushIfFull(); err != nil {
				return err
			}
		}
	}
	return cw.flush()
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
	return appendShortest(b, x, 'f')
}

// appendShortest appends strconv.AppendFloat(b, x, format, -1, 64) for a
// format of 'f' or 'g', the same bytes, faster for the numbers written
// most: those rounded to hundredths (SeriesOptions' default), at most
// 10⁶ in magnitude. Such an x is the double nearest k/100 for the
// integer k = round(100x), and k/100 without trailing zeros is its
// shortest representation: any shorter decimal near x would be another
// multiple of 0.01, at least 0.01 from k/100, while both would lie
// within an ulp of x (below 10⁻⁹ here). Both formats write it plainly
// (%g turns to an exponent at 10⁶ and below 10⁻⁴). Checked against
// strconv on every k up to 2·10⁵ and on random numbers
// (TestAppendShortest).
func appendShortest(b []byte, x float64, format byte) []byte {
	if a := math.Abs(x); a >= 0.01 && a < 1e6 {
		if k := math.Round(x * 100); k/100 == x {
			n := int64(k)
			if n < 0 {
				b = append(b, '-')
				n = -n
			}
			b = strconv.AppendInt(b, n/100, 10)
			if f := n % 100; f != 0 {
				b = append(b, '.', byte('0'+f/10))
				if f%10 != 0 {
					b = append(b, byte('0'+f%10))
				}
			}
			return b
		}
	}
	return strconv.AppendFloat(b, x, format, -1, 64)
}

// appendDate appends t as time.DateOnly formats it (YYYY-MM-DD), digit by
// digit for years 0–9999.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, time.DateOnly)
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

// chunkWriter collects rows (CSV, JSON) and writes them to w in large
// pieces: one write per 64 KB rather than per row, and memory bounded by
// the chunk, not the output.
type chunkWriter struct {
	w   io.Writer
	buf []byte
}

func (c *chunkWriter) flushIfFull() error {
	if len(c.buf) < cap(c.buf)-1024 {
		return nil
	}
	return c.flush()
}

func (c *chunkWriter) flush() error {
	_, err := c.w.Write(c.buf)
	c.buf = c.buf[:0]
	return err
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
