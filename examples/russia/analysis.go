package main

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/examples/russia/data"
	"github.com/candorpoll/candor/poll"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var (
	// medvedev is the presidency of Dmitry Medvedev. The VTsIOM file
	// tracks approval of the office of President, so its weeks in this
	// period measure Medvedev, not Putin, and are left out.
	medvedevFrom, medvedevUntil = date(2008, 5, 7), date(2012, 5, 7)

	// wartime is when the fear scenarios apply: the evidence they are
	// calibrated on (Chapkovski & Schaub's list experiment, spring 2022;
	// the wartime refusal studies) is about the period after the
	// full-scale invasion of 24 February 2022. Earlier polls are left as
	// published.
	wartime = date(2022, 2, 24)

	// election is the last day of the March 2024 presidential election;
	// the official result gave Putin 87.28% of the vote.
	election = aggregate.Official{
		Label: "official vote share, March 2024 presidential election",
		Date:  date(2024, 3, 17),
		Value: 87.28,
	}

	// chapkovskiSchaub is the direct/list pair of Chapkovski & Schaub
	// (2022): 71% support for the war when asked directly, 61% by a list
	// experiment, online sample of 3,000, spring 2022. The paper's
	// abstract gives the two shares and N; the standard errors here are
	// derived, not published: the direct one from N = 3,000
	// (√(0.71·0.29/3000) ≈ 0.0083), the list one assuming about 1,500
	// respondents per arm and an item-count variance of about 0.7 (DiM SE
	// ≈ √(2·0.7/1500) ≈ 0.03), consistent with the reported significance
	// of the 10-point gap.
	chapkovskiSchaub = adjust.Falsification{
		Direct: adjust.Estimate{Value: 0.71, SE: 0.0083},
		List:   adjust.Estimate{Value: 0.61, SE: 0.030},
	}

	// kappas are the differential-nonresponse scenarios: κ = r_d/r_a, how
	// often a disapprover takes part relative to an approver. Levada's
	// 2022 re-contact experiment points to κ near 1 (no correction); the
	// range shows what moderate to strong differential refusal would do.
	kappas = []float64{0.8, 0.67, 0.5}
)

// model is the state-space configuration used throughout: one house per
// pollster and interview mode (Levada's telephone months of 2020 and
// VTsIOM's telephone years since 2017 get their own effects), with
// Levada's face-to-face series as the reference, so that the level is on
// the scale of the only pollster that covers 1999–2024.
var model = aggregate.StateSpace{
	Identify:   aggregate.ReferenceHouse("Levada"),
	SplitModes: true,
}

// scenario is one fear-of-response assumption and what it gives.
type scenario struct {
	Name string
	Note string
	// Result is the model refitted to the corrected polls; its intervals
	// include the correction's shared calibration error. Nil for Bounds.
	Result *aggregate.Result
	// Bounds, for the Manski scenario: the identified set [Lower, Upper]
	// of the latent approval on each day with its conservative interval.
	Bounds []aggregate.Point
}

// analysis holds everything the report and the chart show.
type analysis struct {
	data      *data.Series
	polls     []poll.Poll // the polls modelled (after leaving out the Medvedev weeks)
	medvedev  int         // VTsIOM weeks left out
	base      *aggregate.Result
	consensus *aggregate.Result // same model, weighted sum-to-zero identification (approve only)
	scenarios []scenario
	falsif    adjust.FalsificationMeasures
}

func analyse(ctx context.Context) (*analysis, error) {
	l, err := data.Load()
	if err != nil {
		return nil, err
	}
	a := &analysis{data: l}
	for _, p := range l.Polls {
		if mid := p.Midpoint(); p.Pollster == "VTsIOM" && !mid.Before(medvedevFrom) && mid.Before(medvedevUntil) {
			a.medvedev++
			continue
		}
		a.polls = append(a.polls, p)
	}

	if a.base, err = model.Fit(ctx, a.polls); err != nil {
		return nil, fmt.Errorf("state-space fit: %w", err)
	}
	cons := model
	cons.Identify = aggregate.WeightedSumToZero()
	cons.Shares = []aggregate.Share{aggregate.Approve}
	if a.consensus, err = cons.Fit(ctx, a.polls); err != nil {
		return nil, fmt.Errorf("consensus fit: %w", err)
	}

	if a.falsif, err = chapkovskiSchaub.Measures(); err != nil {
		return nil, err
	}
	a.scenarios = append(a.scenarios, scenario{Name: "none (as published)", Note: "polls as published", Result: a.base})
	gap, err := a.corrected(ctx, adjust.GapCorrection{Falsification: chapkovskiSchaub, Scale: adjust.ScaleLogit})
	if err != nil {
		return nil, fmt.Errorf("falsification-gap scenario: %w", err)
	}
	a.scenarios = append(a.scenarios, scenario{
		Name:   "falsification gap",
		Note:   fmt.Sprintf("direct 71%% vs list 61%%, logit shift %.3f (SE %.3f)", a.falsif.LogitShift.Value, a.falsif.LogitShift.SE),
		Result: gap,
	})
	for _, k := range kappas {
		r, err := a.corrected(ctx, adjust.Nonresponse{DisapproverResponseRatio: k})
		if err != nil {
			return nil, fmt.Errorf("nonresponse scenario κ = %g: %w", k, err)
		}
		a.scenarios = append(a.scenarios, scenario{
			Name:   fmt.Sprintf("nonresponse κ = %.2g", k),
			Note:   fmt.Sprintf("disapprovers respond %.2g× as often as approvers", k),
			Result: r,
		})
	}
	a.scenarios = append(a.scenarios, scenario{
		Name:   "Manski bounds",
		Note:   `"hard to say" could be all approvers or none`,
		Bounds: manski(a.base),
	})
	return a, nil
}

// corrected applies c to the wartime polls and refits the approve share.
// The model reads each corrected poll's audit trail: the poll's own
// variance is carried through the correction, and the correction's shared
// calibration error (common to every corrected poll, so pooling cannot
// shrink it) widens the intervals of the level and the house effects by
// its exact effect on them (see "Corrections and their uncertainty" in
// package aggregate); Result.Params.Other["calibration_var_max"] says by
// how much.
func (a *analysis) corrected(ctx context.Context, c adjust.Correction) (*aggregate.Result, error) {
	chain := adjust.Chain{adjust.Segmented{
		{Until: wartime}, // before the war: as published
		{From: wartime, Correction: c},
	}}
	polls, err := chain.Apply(a.polls)
	if err != nil {
		return nil, err
	}
	m := model
	m.Shares = []aggregate.Share{aggregate.Approve}
	return m.Fit(ctx, polls)
}

// manski returns, for each day, the interval for latent approval when
// nothing is assumed about those answering "hard to say": the identified
// set runs from "all of them disapprove" (approve) to "all of them
// approve" (100 − disapprove); Lower and Upper widen the two ends by
// their own intervals (the lower end of approve's, the upper end of
// 100 − disapprove's), which covers the true value at least Level of the
// time (the Imbens–Manski interval would be slightly narrower). Mean is
// the midpoint of the set; the chart draws no line for it.
func manski(r *aggregate.Result) []aggregate.Point {
	if r.Disapprove == nil {
		return nil
	}
	out := make([]aggregate.Point, 0, len(r.Approve.Series))
	for i, p := range r.Approve.Series {
		lo, hi := identified(r, i)
		out = append(out, aggregate.Point{
			Date: p.Date, Mean: (lo + hi) / 2,
			Lower: p.Lower, Upper: 100 - r.Disapprove.Series[i].Lower,
			PollLower: math.NaN(), PollUpper: math.NaN(),
		})
	}
	return out
}

// identified returns the Manski identified set for approval on day i of
// r: [approve, 100 − disapprove].
func identified(r *aggregate.Result, i int) (lo, hi float64) {
	return r.Approve.Series[i].Mean, 100 - r.Disapprove.Series[i].Mean
}

func zOf(level float64) float64 {
	if !(level > 0 && level < 1) {
		level = 0.95
	}
	return math.Sqrt2 * math.Erfinv(level)
}

// latest returns the scenario's last day.
func (s scenario) latest() aggregate.Point {
	if s.Result != nil {
		return s.Result.Approve.Series[len(s.Result.Approve.Series)-1]
	}
	return s.Bounds[len(s.Bounds)-1]
}

// at returns the scenario's point on a date.
func (s scenario) at(d time.Time) (aggregate.Point, bool) {
	if s.Result != nil {
		return s.Result.Approve.At(d)
	}
	for _, p := range s.Bounds {
		if p.Date.Equal(d) {
			return p, true
		}
	}
	return aggregate.Point{}, false
}
