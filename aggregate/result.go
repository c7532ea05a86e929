package aggregate

import (
	"math"
	"sort"
	"time"
)

// Point is the estimate for one day.
//
// Two kinds of uncertainty are reported and must not be confused:
//
//   - SD, Lower and Upper describe the true (house-adjusted, consensus)
//     level: [Lower, Upper] is a Result.Level interval for the latent average.
//   - PollLower and PollUpper are the band in which a new poll from an
//     average house is expected to fall on that day (the latent uncertainty
//     plus a typical poll's sampling and non-sampling variance). This is
//     what FiveThirtyEight's band is.
type Point struct {
	Date                 time.Time
	Mean, SD             float64 // points
	Lower, Upper         float64 // interval for the latent level
	PollLower, PollUpper float64 // band for a new poll
}

// HouseEffect is a pollster's estimated systematic deviation from the
// reference level (the consensus under sum-to-zero identification, the
// reference pollster, or the anchor), in points: positive means the house
// reports more of the share than the reference.
type HouseEffect struct {
	Pollster string
	Value    float64
	SE       float64
	Polls    int // polls of this house used in the fit
}

// Params are the fitted (or fixed) parameters of a model. Fields a model
// does not have are zero; Tau is nil when no non-sampling variance is modelled.
type Params struct {
	Sigma   float64            // daily random-walk innovation SD, points
	SigmaSE float64            // its standard error (ML) or posterior SD (Bayes)
	Tau     map[string]float64 // non-sampling SD, points, per house ("" = global)
	LogLik  float64            // maximised log-likelihood (state space)
	Other   map[string]float64 // model-specific values, documented by the model
}

// Diagnostic is one convergence or quality check of a fit.
type Diagnostic struct {
	Name  string  // e.g. "rhat[sigma]", "ess[sigma]", "iterations"
	Value float64 // the measured value
	OK    bool    // whether it passes the model's documented threshold
	Note  string
}

// Result is what a model's Fit returns: the shares it estimated, side by
// side, and what the fit as a whole reports.
type Result struct {
	Model string  // "statespace", "bayes" or "average"
	Level float64 // confidence level of the intervals, e.g. 0.95

	// Approve, Disapprove and Undecided are the estimated shares (see
	// Share for what each means); nil for a share not estimated.
	Approve, Disapprove, Undecided *ShareResult

	// Diagnostics and Warnings of the fit as a whole (the sum projection,
	// polls merged or not used); each share has its own as well.
	Diagnostics []Diagnostic
	Warnings    []string

	// Excluded lists every poll left out of the fit and why (invalid, or
	// an unusable audit trail), in input order; Fit also returns them,
	// joined, as its error. Imputed lists every value the fit supplied
	// (sample sizes; see Imputation).
	Excluded []*PollError
	Imputed  []Imputation
}

// ShareResult is a model's estimate of one share.
type ShareResult struct {
	Share Share

	Series   []Point // smoothed: every day uses all polls
	Filtered []Point // causal: each day uses only polls up to that day; nil when the model has none
	Houses   []HouseEffect

	Params      Params
	Diagnostics []Diagnostic
	Warnings    []string
}

// Share returns the estimate of share s, or nil when it was not estimated.
func (r *Result) Share(s Share) *ShareResult {
	switch s {
	case Approve:
		return r.Approve
	case Disapprove:
		return r.Disapprove
	case Undecided:
		return r.Undecided
	}
	return nil
}

// set puts sr in its share's place.
func (r *Result) set(sr *ShareResult) {
	switch sr.Share {
	case Approve:
		r.Approve = sr
	case Disapprove:
		r.Disapprove = sr
	case Undecided:
		r.Undecided = sr
	}
}

// Shares returns the estimated shares in the order approve, disapprove,
// undecided.
func (r *Result) Shares() []*ShareResult {
	var out []*ShareResult
	for _, s := range allShares {
		if sr := r.Share(s); sr != nil {
			out = append(out, sr)
		}
	}
	return out
}

// AllWarnings returns the warnings of the fit as a whole followed by
// those of each share, in share order: everything a report must show.
func (r *Result) AllWarnings() []string {
	out := append([]string(nil), r.Warnings...)
	for _, sr := range r.Shares() {
		out = append(out, sr.Warnings...)
	}
	return out
}

// Latest returns the last smoothed point of the series.
func (sr *ShareResult) Latest() Point {
	if len(sr.Series) == 0 {
		return Point{Mean: math.NaN(), SD: math.NaN(), Lower: math.NaN(), Upper: math.NaN(), PollLower: math.NaN(), PollUpper: math.NaN()}
	}
	return sr.Series[len(sr.Series)-1]
}

// dayNumber is the number of whole UTC days since 1970-01-01.
func dayNumber(t time.Time) int {
	s := t.Unix()
	d := s / 86400
	if s < 0 && s%86400 != 0 {
		d--
	}
	return int(d)
}

// dayTime is the inverse of dayNumber: UTC midnight of day d.
func dayTime(d int) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// clampPoint keeps a point inside 0–100 (house adjustment can push an
// average of polls near 0 or 100 slightly beyond).
func clampPoint(p *Point) {
	p.Mean, p.Lower, p.Upper = clampShare(p.Mean), clampShare(p.Lower), clampShare(p.Upper)
	p.PollLower, p.PollUpper = clampShare(p.PollLower), clampShare(p.PollUpper)
}

// clampShare is min(max(x, 0), 100) (NaN stays NaN, −0 becomes +0) with a
// branch a case, which the processor predicts: the builtins' NaN and
// signed-zero handling cost a quarter of building a series.
func clampShare(x float64) float64 {
	switch {
	case x > 100:
		return 100
	case x > 0:
		return x
	case x <= 0:
		return 0
	}
	return x // NaN
}

// At returns the smoothed point (from Series) on the UTC day of date, and
// false when the series has no point on that day.
func (sr *ShareResult) At(date time.Time) (Point, bool) { return pointOn(sr.Series, date) }

// pointOn returns the point of pts (in date order) on the UTC day of date.
// It searches by date rather than by offset from the first point because
// a series may have gaps: the filtered series skips the days on which the
// past polls do not identify the level.
func pointOn(pts []Point, date time.Time) (Point, bool) {
	d := dayNumber(date)
	i := sort.Search(len(pts), func(i int) bool { return dayNumber(pts[i].Date) >= d })
	if i < len(pts) && dayNumber(pts[i].Date) == d {
		return pts[i], true
	}
	return Point{}, false
}
