package report

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// The scenario names, as the report prints them.
const (
	scenarioNone   = "none (as published)"
	scenarioGap    = "falsification gap"
	scenarioManski = "Manski bounds"
)

// fitter fits one configured model to polls, for the shares given (nil:
// all three).
type fitter func(ctx context.Context, polls []poll.Poll, shares []aggregate.Share, id aggregate.Identification, progress func(chain, iter, total int)) (*aggregate.Result, error)

// model returns the fitter c configures and the number of shares a fit
// of all shares samples (for Bayes progress).
func (c *Config) model() fitter {
	ss := aggregate.StateSpace{Level: c.Level, SplitModes: c.SplitModes, SplitPopulations: c.SplitPopulations}
	switch c.Model {
	case ModelAverage:
		return func(ctx context.Context, polls []poll.Poll, shares []aggregate.Share, _ aggregate.Identification, _ func(int, int, int)) (*aggregate.Result, error) {
			return aggregate.Average{Level: c.Level, Shares: shares, SplitModes: c.SplitModes, SplitPopulations: c.SplitPopulations}.Fit(ctx, polls)
		}
	case ModelBayes:
		return func(ctx context.Context, polls []poll.Poll, shares []aggregate.Share, id aggregate.Identification, progress func(int, int, int)) (*aggregate.Result, error) {
			m := ss
			m.Shares, m.Identify = shares, id
			s := c.Sampler
			return aggregate.Bayes{Model: m, Chains: s.Chains, Warmup: s.Warmup, Iterations: s.Draws, Seed: s.Seed, Progress: progress}.Fit(ctx, polls)
		}
	}
	return func(ctx context.Context, polls []poll.Poll, shares []aggregate.Share, id aggregate.Identification, _ func(int, int, int)) (*aggregate.Result, error) {
		m := ss
		m.Shares, m.Identify = shares, id
		return m.Fit(ctx, polls)
	}
}

// chains is the number of chains a Bayes fit runs.
func (c *Config) chains() int {
	if c.Sampler.Chains > 0 {
		return c.Sampler.Chains
	}
	return 4
}

// identification is the house-effect identification c configures.
func (c *Config) identification() aggregate.Identification {
	if c.Reference != "" {
		return aggregate.ReferenceHouse(c.Reference)
	}
	return aggregate.WeightedSumToZero()
}

// fit fits the model, the consensus scale and the scenarios.
func (r *Report) fit(ctx context.Context, pr *progressor) error {
	c := &r.Config
	fit := c.model()
	approve := []aggregate.Share{aggregate.Approve}

	pr.start("fit " + c.Model.String())
	res, err := fit(ctx, r.Polls, nil, c.identification(), pr.iterations(3*c.chains()))
	if res == nil {
		return fmt.Errorf("%s fit: %w", c.Model, err)
	}
	if err != nil && !errors.Is(err, aggregate.ErrInvalidPoll) {
		return fmt.Errorf("%s fit: %w", c.Model, err)
	}
	r.Result = res // polls the model left out are in res.Excluded
	pr.done()

	if c.Reference != "" {
		pr.start("fit " + c.Model.String() + ", consensus scale")
		cons, err := fit(ctx, r.Polls, approve, aggregate.WeightedSumToZero(), pr.iterations(c.chains()))
		if cons == nil {
			return fmt.Errorf("consensus fit: %w", err)
		}
		r.Consensus = cons
		pr.done()
	}

	s := c.Scenarios
	r.Scenarios = append(r.Scenarios, aggregate.PollScenario{Name: scenarioNone, Assumption: "polls as published", Result: res})
	type correction struct {
		name, note string
		c          adjust.Correction
	}
	var corrections []correction
	if s.Gap.Direct.Value != 0 {
		m, err := s.Gap.Measures()
		if err != nil {
			return fmt.Errorf("falsification gap: %w", err)
		}
		r.Falsification = &m
		corrections = append(corrections, correction{scenarioGap,
			fmt.Sprintf("direct %s vs list %s, logit shift %.3f (SE %.3f)", percent(s.Gap.Direct.Value), percent(s.Gap.List.Value), m.LogitShift.Value, m.LogitShift.SE),
			adjust.GapCorrection{Falsification: s.Gap, Scale: adjust.ScaleLogit}})
	}
	for _, k := range s.Kappas {
		corrections = append(corrections, correction{fmt.Sprintf("nonresponse κ = %.2g", k),
			fmt.Sprintf("disapprovers respond %.2g× as often as approvers", k), adjust.Nonresponse{DisapproverResponseRatio: k}})
	}
	for _, cr := range corrections {
		pr.start("scenario " + cr.name)
		seg := adjust.Segmented{{From: s.From, Correction: cr.c}}
		if !s.From.IsZero() {
			seg = adjust.Segmented{{Until: s.From}, {From: s.From, Correction: cr.c}} // before From: as published
		}
		polls, err := adjust.Chain{seg}.Apply(r.Polls)
		if err != nil {
			return fmt.Errorf("%s scenario: %w", cr.name, err)
		}
		sr, err := fit(ctx, polls, approve, c.identification(), pr.iterations(c.chains()))
		if sr == nil {
			return fmt.Errorf("%s scenario: %w", cr.name, err)
		}
		r.Scenarios = append(r.Scenarios, aggregate.PollScenario{Name: cr.name, Assumption: cr.note, Result: sr})
		pr.done()
	}
	if s.Manski {
		if b := manski(res); b != nil {
			r.Scenarios = append(r.Scenarios, aggregate.PollScenario{Name: scenarioManski,
				Assumption: `"hard to say" could be all approvers or none`, Bounds: b})
		} else {
			r.Warnings = append(r.Warnings, "no Manski bounds: the fit has no disapprove series")
		}
	}
	return nil
}

// manski returns, for each day, the interval for latent approval when
// nothing is assumed about those answering "hard to say": the identified
// set runs from "all of them disapprove" (approve) to "all of them
// approve" (100 − disapprove); Lower and Upper widen the two ends by
// their own intervals (the lower end of approve's, the upper end of
// 100 − disapprove's), which covers the true value at least Level of the
// time (the Imbens–Manski interval would be slightly narrower). Mean is
// the midpoint of the set, SD is NaN; nil when r has no disapprove series
// on the approve series' days.
func manski(r *aggregate.Result) []aggregate.Point {
	if r.Approve == nil || r.Disapprove == nil || len(r.Approve.Series) == 0 || len(r.Disapprove.Series) != len(r.Approve.Series) {
		return nil
	}
	out := make([]aggregate.Point, 0, len(r.Approve.Series))
	for i, p := range r.Approve.Series {
		d := r.Disapprove.Series[i]
		out = append(out, aggregate.Point{
			Date: p.Date, Mean: (p.Mean + 100 - d.Mean) / 2, SD: math.NaN(),
			Lower: p.Lower, Upper: 100 - d.Lower,
			PollLower: math.NaN(), PollUpper: math.NaN(),
		})
	}
	return out
}

// identified returns the Manski identified set on the last day of r:
// [approve, 100 − disapprove].
func identified(r *aggregate.Result) (lo, hi float64) {
	return r.Approve.Latest().Mean, 100 - r.Disapprove.Latest().Mean
}

// percent formats a proportion as a whole or one-decimal percentage.
func percent(x float64) string {
	return trimZero(fmt.Sprintf("%.1f", 100*x)) + "%"
}

// trimZero drops a trailing ".0".
func trimZero(s string) string {
	if len(s) > 2 && s[len(s)-2:] == ".0" {
		return s[:len(s)-2]
	}
	return s
}
