package aggregate

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Official is a result known from outside the polls: an official vote
// share, a referendum result, a census figure, in points, on a date.
type Official struct {
	Label string    // what it is, e.g. "Putin, official vote share, 2024 presidential election"
	Date  time.Time // the date it refers to (election day)
	Value float64   // points
	SD    float64   // standard deviation of its own error, points; 0 when taken as exact
	// Share is the share of the Result the value is compared with; the
	// zero value is Approve.
	Share Share
	// Causal compares with the filtered series (only polls fielded up to
	// the date: what the polls said beforehand) instead of the smoothed
	// one (all polls, including those after the date). A date before the
	// filtered series starts is then an error (ErrNoPolls); a date after
	// it is a forecast.
	Causal bool
}

// Comparison is an official result set against the poll-implied estimate
// of a share on the same date. Gap = Official.Value − Estimate.
type Comparison struct {
	Official Official
	Share    Share   // the share compared (Official.Share)
	Level    float64 // level of the interval of the gap

	Estimate float64 // poll-implied latent level on Official.Date (smoothed)
	SE       float64 // its standard deviation (the latent interval's, not the poll band's)

	Gap          float64 // Official.Value − Estimate, points
	GapSE        float64 // √(SE² + Official.SD²)
	Lower, Upper float64 // Level interval of the gap
	Z            float64 // Gap/GapSE
	P            float64 // two-sided probability of a gap at least this large if the official value measured the same level: P(|N(0,1)| ≥ |Z|)

	// Extrapolated reports that the date lies outside the series: the
	// estimate is the random walk's forecast (or backcast) from the
	// nearest day, its variance growing by σ̂² a day.
	Extrapolated bool
	Days         int // days beyond the series when Extrapolated
}

// Compare sets an official result against the poll-implied estimate of
// the same quantity on its date, from r's smoothed series (or, with
// Official.Causal, its filtered series): the gap, its
// standard error (the latent level's SD and the official value's own SD,
// independent), its interval at r.Level and the two-sided probability,
// under the model, of a gap at least as large as the one observed.
//
// What the comparison does and does not say:
//
//   - Approval is not a vote share. "Do you approve of the president's
//     work?" and a ballot for him are different acts; undecided and
//     non-voting respondents enter them differently. A gap measures the
//     difference between the two quantities as much as any falsification.
//   - Turnout: an official share is a share of those who voted (as
//     counted); the polls describe the adult population. Differential
//     turnout alone moves the two apart.
//   - The interval holds only the polls' sampling and modelled
//     non-sampling error. Anything every poll shares — fear-driven
//     over-reporting, a common frame, coverage of the same population —
//     is invisible to it; under sum-to-zero identification the estimate is
//     the pollsters' consensus, not the truth. A small P says the official
//     value and the polls' consensus disagree by more than the polls'
//     disagreement with each other explains; it does not say which is
//     wrong.
//   - The share must match: compare the approve series with a vote share
//     only when that is the intended question, and mind whether the
//     official base excludes invalid ballots.
//
// Errors: ErrNoPolls when r has no series, or when the date falls inside
// the series on a day it has no point for (the filtered series skips days
// on which the past polls do not identify the level); ErrConfig for an official value
// outside [0, 100], a negative or non-finite SD, or a zero date.
func Compare(r *Result, off Official) (Comparison, error) {
	var sr *ShareResult
	if r != nil {
		sr = r.Share(off.Share)
	}
	series := sr.seriesFor(off.Causal)
	if len(series) == 0 {
		if off.Causal && sr != nil && len(sr.Series) > 0 {
			return Comparison{}, fmt.Errorf("%w: Compare: the result has no causal (filtered) %s series: Bayes estimates none, and StateSpace.SkipFiltered leaves it out", ErrNoPolls, off.Share)
		}
		return Comparison{}, fmt.Errorf("%w: Compare: the result has no %s series", ErrNoPolls, off.Share)
	}
	if !(off.Value >= 0 && off.Value <= 100) || !(off.SD >= 0) || math.IsInf(off.SD, 0) || off.Date.IsZero() {
		return Comparison{}, fmt.Errorf("%w: Compare: official value %v, sd %v, date %v", ErrConfig, off.Value, off.SD, off.Date)
	}
	level := r.Level
	if !(level > 0 && level < 1) {
		level = 0.95
	}
	c := Comparison{Official: off, Share: off.Share, Level: level}
	first, last := series[0], series[len(series)-1]
	d := off.Date.UTC().Truncate(24 * time.Hour)
	switch {
	case d.Before(first.Date) && off.Causal:
		return Comparison{}, fmt.Errorf("%w: Compare: no polls identify the level on or before %s", ErrNoPolls, d.Format(time.DateOnly))
	case d.Before(first.Date):
		c.Extrapolated, c.Days = true, dayNumber(first.Date)-dayNumber(d)
		c.Estimate, c.SE = first.Mean, math.Sqrt(first.SD*first.SD+float64(c.Days)*sr.Params.Sigma*sr.Params.Sigma)
	case d.After(last.Date):
		c.Extrapolated, c.Days = true, dayNumber(d)-dayNumber(last.Date)
		c.Estimate, c.SE = last.Mean, math.Sqrt(last.SD*last.SD+float64(c.Days)*sr.Params.Sigma*sr.Params.Sigma)
	default:
		p, ok := pointOn(series, d)
		if !ok {
			return Comparison{}, fmt.Errorf("%w: Compare: the series has no point on %s", ErrNoPolls, d.Format(time.DateOnly))
		}
		c.Estimate, c.SE = p.Mean, p.SD
	}
	c.Gap = off.Value - c.Estimate
	c.GapSE = math.Sqrt(c.SE*c.SE + off.SD*off.SD)
	z := distuv.UnitNormal.Quantile(0.5 + level/2)
	c.Lower, c.Upper = c.Gap-z*c.GapSE, c.Gap+z*c.GapSE
	if c.GapSE > 0 {
		c.Z = c.Gap / c.GapSE
		c.P = 2 * distuv.UnitNormal.Survival(math.Abs(c.Z))
	} else {
		c.Z = math.Copysign(math.Inf(1), c.Gap)
		if c.Gap == 0 {
			c.Z, c.P = 0, 1
		}
	}
	return c, nil
}

// seriesFor returns the series Compare uses: Filtered when causal,
// Series otherwise (nil for a nil result).
func (sr *ShareResult) seriesFor(causal bool) []Point {
	if sr == nil {
		return nil
	}
	if causal {
		return sr.Filtered
	}
	return sr.Series
}

// String summarises the comparison in one paragraph.
func (c Comparison) String() string {
	var b strings.Builder
	label := c.Official.Label
	if label == "" {
		label = "official result"
	}
	fmt.Fprintf(&b, "%s: %.2f on %s", label, c.Official.Value, c.Official.Date.Format(time.DateOnly))
	if c.Official.SD > 0 {
		fmt.Fprintf(&b, " (sd %.2f)", c.Official.SD)
	}
	kind := "polls"
	if c.Official.Causal {
		kind = "polls up to that day"
	}
	fmt.Fprintf(&b, "\n%s (%s): %.2f (sd %.2f)", kind, c.Share, c.Estimate, c.SE)
	if c.Extrapolated {
		fmt.Fprintf(&b, ", extrapolated %d days beyond the polls", c.Days)
	}
	fmt.Fprintf(&b, "\ngap: %+.2f points (SE %.2f, %g%% interval %+.2f to %+.2f), z = %.2f, ", c.Gap, c.GapSE, 100*c.Level, c.Lower, c.Upper, c.Z)
	if c.P < 1e-6 {
		b.WriteString("P(gap at least this large) < 1e-6")
	} else {
		fmt.Fprintf(&b, "P(gap at least this large) = %.2g", c.P)
	}
	b.WriteString("\n(sampling and modelled non-sampling error only; approval is not a vote share, turnout differs, bias shared by all polls is not in the interval)")
	return b.String()
}
