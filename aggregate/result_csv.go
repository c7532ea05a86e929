package aggregate

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"time"
)

// csvFloat formats a number for CSV: the shortest exact representation,
// and an empty cell for NaN or ±Inf.
func csvFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// WriteCSV writes the full daily series of every share, one row per day
// per share, with the columns
//
//	date, share, mean, sd, lower, upper, poll_lower, poll_upper
//
// (Series: smoothed) followed, when the model has a causal estimate, by
// filtered_mean, filtered_sd, filtered_lower, filtered_upper,
// filtered_poll_lower, filtered_poll_upper (empty on a day Filtered
// lacks). Dates are YYYY-MM-DD; NaN is an empty cell.
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	hasFiltered := false
	for _, s := range r.Shares() {
		hasFiltered = hasFiltered || len(s.Filtered) > 0
	}
	header := []string{"date", "share", "mean", "sd", "lower", "upper", "poll_lower", "poll_upper"}
	if hasFiltered {
		header = append(header, "filtered_mean", "filtered_sd", "filtered_lower", "filtered_upper", "filtered_poll_lower", "filtered_poll_upper")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	pointCells := func(p Point) []string {
		return []string{csvFloat(p.Mean), csvFloat(p.SD), csvFloat(p.Lower), csvFloat(p.Upper), csvFloat(p.PollLower), csvFloat(p.PollUpper)}
	}
	for _, s := range r.Shares() {
		filtered := make(map[int]Point, len(s.Filtered))
		for _, p := range s.Filtered {
			filtered[dayNumber(p.Date)] = p
		}
		for _, p := range s.Series {
			row := append([]string{p.Date.Format(time.DateOnly), s.Share.String()}, pointCells(p)...)
			if hasFiltered {
				if f, ok := filtered[dayNumber(p.Date)]; ok {
					row = append(row, pointCells(f)...)
				} else {
					row = append(row, "", "", "", "", "", "")
				}
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
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
