package aggregate

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/candorpoll/candor/poll"
)

// Average is a FiveThirtyEight-style poll average: a recency-weighted mean
// of house-adjusted polls, with house effects estimated iteratively against
// the average and shrunk toward zero for pollsters with few polls. Its
// interval for the average (Point.Lower/Upper) includes the polls' noise,
// the trend error of a mean over polls of other days under a random walk
// whose daily SD σ is estimated from the polls, and the house-effect
// error; its band (Point.PollLower/PollUpper) is where a new
// house-adjusted poll is expected. The model is written out in the package
// documentation (section "Average"); this comment lists what each field
// changes.
//
// The zero value is ready to use and reproduces the defaults documented on
// each field. An Average is not modified by Fit and is safe for concurrent
// use.
type Average struct {
	// Shares to estimate; nil means approve, disapprove and undecided
	// (each a share as Share defines it, fitted on its own, their means
	// then made to sum to at most 100 as in StateSpace).
	Shares []Share

	// Level is the confidence level of the intervals, in (0, 1).
	// Zero means 0.95.
	Level float64

	// Populations, SplitModes, SplitPopulations, Profiles and Strict are
	// the input rules every model shares: see StateSpace.
	Populations                  []poll.Population
	SplitModes, SplitPopulations bool
	Profiles                     *poll.Profiles
	Strict                       bool

	// Tracking says what to do with polls flagged poll.Tracking (rolling
	// samples published daily that overlap each other).
	// The zero value, TrackingNonOverlapping, keeps a maximal set of
	// non-overlapping releases per pollster.
	Tracking TrackingRule

	// SampleSizeRef is n₀ and SampleSizeCap the cap c of the sample-size
	// factor min(√(n_eff/n₀), c), with n_eff = n/deff (a missing n imputed
	// as every model does: "Input" in the package documentation). Zero
	// means n₀ = 1000 and c = 2.
	SampleSizeRef, SampleSizeCap float64

	// PollsterWeights gives a quality weight per pollster (canonical
	// name). The quality factor of a poll is its own Weight when given,
	// else its pollster's entry here, else GradeWeight(poll.Grade) when the
	// poll carries a known grade, else 1. A zero weight excludes the
	// pollster.
	PollsterWeights map[string]float64

	// WeightIsComplete says that a poll's own Weight, where given, is its
	// whole weight (as in 538's poll list, whose weights already include
	// sample size, tracking and publication frequency), so the
	// sample-size and frequency factors are not applied on top of it.
	// By default (false) a poll's Weight is a pollster-quality factor
	// multiplied by the others.
	WeightIsComplete bool

	// Recency is the decay of a poll's influence with its age.
	// The zero value is 538's fitted kernel (see Recency).
	Recency Recency

	// FrequencyWindow (days) and FrequencyPower p set the frequency
	// discount k^(−p), where k is the number of polls the same pollster
	// finished in the FrequencyWindow days up to and including this poll's
	// end date (after tracking de-duplication). Zero means 30 days and
	// p = 0.5. FrequencyDiscount: Excluded turns the discount off.
	FrequencyWindow   int
	FrequencyPower    float64
	FrequencyDiscount Term

	// HouseSD is the prior standard deviation σ_h (points) of the house
	// effects toward which few-poll pollsters are shrunk. Zero means it is
	// estimated from the data (a method-of-moments empirical-Bayes
	// estimate, reported as Params.Other["house_sd"]).
	HouseSD float64

	// HouseEffects: Excluded fits the average of the raw polls (every
	// house effect fixed at zero).
	HouseEffects Term

	// TrendSD is σ, the daily standard deviation (points) of the random
	// walk that the interval for the average assumes the level follows:
	// it sets the trend (lag) error of a recency-weighted mean of polls
	// taken on other days. Zero means σ is estimated from the data (the
	// variogram of the house-adjusted polls; package doc, "Average"),
	// reported as Params.Sigma. TrendError: Excluded leaves the trend
	// error out, treating the level as constant within the window (the
	// interval then under-covers whenever opinion moves).
	TrendSD    float64
	TrendError Term

	// Seed seeds the parametric bootstrap behind the standard error of
	// an estimated σ (package doc). The same seed gives the same bytes.
	Seed uint64

	// MaxIter bounds the house-effect iterations and Tol is their
	// convergence threshold on the largest change of a house effect, in
	// points. Zero means 500 and 1e-6.
	MaxIter int
	Tol     float64

	// Start and End restrict the output days; zero means from the first
	// to the last poll end date. Polls outside still inform house effects
	// and, within the recency window, the first days.
	Start, End time.Time
}

// avgConfig is an Average with defaults filled in and checked.
type avgConfig struct {
	level, z         float64
	n0, capSize      float64
	kernel           []float64
	freqWindow       int
	freqPower        float64
	houseSD          float64 // 0 = estimate
	trendSD          float64 // 0 = estimate
	noTrend          bool
	seed             uint64
	maxIter          int
	tol              float64
	start, end       int // day numbers; math.MinInt/MaxInt when unset
	hasStart, hasEnd bool
}

func (a Average) config() (avgConfig, error) {
	c := avgConfig{level: a.Level, n0: a.SampleSizeRef, capSize: a.SampleSizeCap,
		freqWindow: a.FrequencyWindow, freqPower: a.FrequencyPower, houseSD: a.HouseSD,
		trendSD: a.TrendSD, noTrend: a.TrendError == Excluded, seed: a.Seed,
		maxIter: a.MaxIter, tol: a.Tol}
	bad := func(field string, v any) error { return fmt.Errorf("%w: Average.%s = %v", ErrConfig, field, v) }
	if c.level == 0 {
		c.level = 0.95
	}
	if !(c.level > 0 && c.level < 1) {
		return c, bad("Level", a.Level)
	}
	c.z = math.Sqrt2 * math.Erfinv(c.level)
	if err := a.rules().check("Average"); err != nil {
		return c, err
	}
	for name, t := range map[string]Term{"HouseEffects": a.HouseEffects, "TrendError": a.TrendError, "FrequencyDiscount": a.FrequencyDiscount} {
		if t > Excluded {
			return c, bad(name, t)
		}
	}
	if c.n0 == 0 {
		c.n0 = 1000
	}
	if c.capSize == 0 {
		c.capSize = 2
	}
	if !(c.n0 > 0) || math.IsInf(c.n0, 0) {
		return c, bad("SampleSizeRef", a.SampleSizeRef)
	}
	if !(c.capSize > 0) {
		return c, bad("SampleSizeCap", a.SampleSizeCap)
	}
	if a.Tracking > TrackingKeepAll {
		return c, bad("Tracking", a.Tracking)
	}
	var err error
	if c.kernel, err = a.Recency.kernel(); err != nil {
		return c, err
	}
	if c.freqWindow == 0 {
		c.freqWindow = 30
	}
	if c.freqPower == 0 {
		c.freqPower = 0.5
	}
	if c.freqWindow < 0 {
		return c, bad("FrequencyWindow", a.FrequencyWindow)
	}
	if !(c.freqPower >= 0) || math.IsInf(c.freqPower, 0) {
		return c, bad("FrequencyPower", a.FrequencyPower)
	}
	if a.FrequencyDiscount == Excluded {
		c.freqPower = 0
	}
	if !(c.houseSD >= 0) || math.IsInf(c.houseSD, 0) {
		return c, bad("HouseSD", a.HouseSD)
	}
	if !(c.trendSD >= 0) || math.IsInf(c.trendSD, 0) {
		return c, bad("TrendSD", a.TrendSD)
	}
	if c.maxIter == 0 {
		c.maxIter = 500
	}
	if c.tol == 0 {
		c.tol = 1e-6
	}
	if c.maxIter < 0 {
		return c, bad("MaxIter", a.MaxIter)
	}
	if !(c.tol > 0) {
		return c, bad("Tol", a.Tol)
	}
	for name, w := range a.PollsterWeights {
		if !(w >= 0) || math.IsInf(w, 0) {
			return c, bad("PollsterWeights["+name+"]", w)
		}
	}
	if !a.Start.IsZero() {
		c.start, c.hasStart = dayNumber(a.Start), true
	}
	if !a.End.IsZero() {
		c.end, c.hasEnd = dayNumber(a.End), true
	}
	if c.hasStart && c.hasEnd && c.end < c.start {
		return c, bad("End", a.End.Format(time.DateOnly)+" before Start "+a.Start.Format(time.DateOnly))
	}
	return c, nil
}

// avgPoll is one poll as the average uses it, after population choice,
// merging of versions and tracking de-duplication.
type avgPoll struct {
	item       int // index in pollSet.items
	src        int // index of (the first version of) the poll in the input
	house      int
	start, end int // day numbers
	mid        int
	value      [3]float64 // by Share (Share.Value of its versions, averaged); NaN when unpublished
	n          float64    // effective sample size; 0 when unknown
	weight     float64    // poll's own Weight (0 = none)
	grade      float64    // GradeWeight of its grade (0 = none or unknown)
	tracking   bool
	w          float64 // final weight w_i
}

// prepared is the poll set shared by the three shares.
type prepared struct {
	ps       *pollSet
	polls    []avgPoll
	houses   []string
	warnings []string
	first    int // first and last end day
	last     int
}

// Fit computes the average of each share (Shares; all three by default),
// side by side in the Result.
//
// The polls are read by the rules every model shares ("Input" in the
// package documentation): invalid polls are left out and returned, joined,
// as an error wrapping ErrInvalidPoll beside a usable result (unless
// Strict). Fit also returns ErrConfig for an invalid configuration,
// ErrNoPolls when no poll publishes a share named in Shares (or none
// any), ErrSpan for polls spanning more than MaxDays, and ctx.Err() when
// ctx is cancelled.
//
// Each day's SD is the standard error of the average as an estimate of
// the true level: the polls' noise, the trend (lag) error of a
// recency-weighted mean when the level follows a random walk with daily SD
// σ, and the error of the house effects (package doc, "Average"). Lower
// and Upper are Mean ± q·SD, q being the normal quantile when σ is fixed
// (TrendSD) and Student's t with Satterthwaite's degrees of freedom when σ
// is estimated, to allow for σ̂'s own error. PollLower and PollUpper are
// Mean ± √(z²s² + q²SD²), s² the polls' noise variance: never narrower
// than the interval.
//
// Params.Sigma is the σ used (estimated or fixed; 0 with TrendError: Excluded)
// and, when estimated and positive, Params.SigmaSE its standard error
// SE(σ̂²)/(2σ̂). Params.Other holds "house_sd" (the σ_h
// used, points), "polls" (polls used for the share after preparation),
// "recency_max" (days) and "sample_size_0" (n₀); with an estimated σ also
// "sigma2_se" (the bootstrap SE of σ̂², points² per day). Diagnostics has
// "iterations" (OK when the house effects converged). Warnings report every poll not used as given:
// populations skipped, versions merged, duplicates, tracking releases
// dropped, missing sample sizes, unknown grades, days carried forward.
func (a Average) Fit(ctx context.Context, polls []poll.Poll) (*Result, error) {
	c, err := a.config()
	if err != nil {
		return nil, err
	}
	ps, err := readPolls(polls, a.rules())
	if err != nil {
		return nil, err
	}
	p := a.prepare(&c, ps)
	// Corrected polls: weights from their own variance (average_calibration.go).
	if p.auditCorrections() {
		a.weigh(&c, p)
	}
	if lo, hi := p.days(&c); hi < lo {
		return nil, fmt.Errorf("%w: no output day: Start %s is after the last poll (%s)", ErrConfig,
			dayTime(lo).Format(time.DateOnly), dayTime(p.last).Format(time.DateOnly))
	}
	_, results, warnings, err := eachShare("Average.Shares", a.Shares, func(_ int, s Share) (*ShareResult, error) {
		r, err := a.fitShare(ctx, &c, p, s)
		if err != nil {
			return nil, err
		}
		// Shared calibration errors of corrected polls (average_calibration.go).
		p.addCalibration(&c, r, s)
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	r := assemble("average", c.level, results)
	r.Warnings = append(append(slices.Clone(p.warnings), warnings...), r.Warnings...)
	return r, ps.finish(r)
}

// rules are the model's input rules (input.go).
func (a Average) rules() inputRules {
	return inputRules{splitModes: a.SplitModes, splitPops: a.SplitPopulations, populations: a.Populations, strict: a.Strict, profiles: a.Profiles}
}

// prepare turns the polls read by the input boundary into the average's
// polls: their own weights and grades (over the versions of each poll),
// tracking de-duplication and the weights.
func (a Average) prepare(c *avgConfig, ps *pollSet) *prepared {
	out := &prepared{ps: ps, houses: ps.houses, polls: make([]avgPoll, 0, len(ps.items))}
	unknownGrade := 0
	for k := range ps.items {
		it := &ps.items[k]
		ap := avgPoll{item: k, src: int(it.src), house: int(it.house), start: it.start, end: it.end, mid: it.mid(),
			value: it.value, n: it.neff}
		var sw, nw float64
		for _, i := range ps.versions[it.vers : it.vers+it.nvers] {
			q := &ps.polls[i]
			if q.Weight > 0 {
				sw += q.Weight
				nw++
			}
			if g, ok := GradeWeight(q.Grade); ok && ap.grade == 0 {
				ap.grade = g
			} else if !ok && strings.TrimSpace(q.Grade) != "" {
				unknownGrade++
			}
			ap.tracking = ap.tracking || q.Flags.Has(poll.Tracking)
		}
		if nw > 0 {
			ap.weight = sw / nw
		}
		out.polls = append(out.polls, ap)
	}
	if unknownGrade > 0 {
		out.warnings = append(out.warnings, fmt.Sprintf("%d polls have a grade GradeWeight does not know; their grade was ignored", unknownGrade))
	}
	if a.Tracking == TrackingNonOverlapping {
		if dropped := dedupeTracking(&out.polls); dropped > 0 {
			out.warnings = append(out.warnings, fmt.Sprintf("%d overlapping tracking releases were dropped (non-overlapping rule)", dropped))
		}
	}
	a.weigh(c, out)
	out.first, out.last = math.MaxInt, math.MinInt
	for _, q := range out.polls {
		out.first = min(out.first, q.end)
		out.last = max(out.last, q.end)
	}
	return out
}

// days returns the first and last output day.
func (p *prepared) days(c *avgConfig) (lo, hi int) {
	lo, hi = p.first, p.last
	if c.hasStart {
		lo = c.start
	}
	if c.hasEnd {
		hi = c.end
	}
	return lo, hi
}

// fitShare fits share s. It returns an ErrNoPolls error when no poll
// publishes the share.
func (a Average) fitShare(ctx context.Context, c *avgConfig, p *prepared, s Share) (*ShareResult, error) {
	o := p.obs(s)
	name := s.String()
	if len(o.y) == 0 {
		return nil, fmt.Errorf("%w: no poll publishes the %s share", ErrNoPolls, s)
	}
	H := o.nHouses
	he := make([]float64, H)
	se := make([]float64, H)
	counts := make([]int, H)
	for _, h := range o.house {
		counts[h]++
	}
	res := &ShareResult{Share: s}
	iter, converged := 0, true
	houseSD := c.houseSD
	if a.HouseEffects == Included && H > 1 {
		var err error
		iter, converged, houseSD, err = estimateHouses(ctx, c, o, he, se)
		if err != nil {
			return nil, err
		}
	}
	lo, hi := p.days(c)
	adj := make([]float64, len(o.y))
	for i := range adj {
		adj[i] = o.y[i] - he[o.house[i]]
	}
	iv, ok := c.terms(s, o, adj, se)
	if !ok {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: too few poll pairs to estimate the trend SD; the interval for the average leaves the trend error out", name))
	}
	var carriedF, carriedS int
	res.Filtered, carriedF = trendPoints(c, o, adj, lo, hi, false, iv)
	res.Series, carriedS = trendPoints(c, o, adj, lo, hi, true, iv)
	if carriedF > 0 || carriedS > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: %d days (causal) and %d days (centred) had no poll within %d days; the previous estimate was carried forward", name, carriedF, carriedS, len(c.kernel)-1))
	}
	res.Houses = make([]HouseEffect, 0, H)
	for h := range H {
		if counts[h] == 0 {
			continue
		}
		res.Houses = append(res.Houses, HouseEffect{Pollster: p.houses[h], Value: he[h], SE: se[h], Polls: counts[h]})
	}
	slices.SortFunc(res.Houses, func(x, y HouseEffect) int { return cmp.Compare(x.Pollster, y.Pollster) })
	res.Params.Other = map[string]float64{
		"house_sd":      houseSD,
		"polls":         float64(len(o.y)),
		"recency_max":   float64(len(c.kernel) - 1),
		"sample_size_0": c.n0,
	}
	setSigma(&res.Params, iv)
	res.Diagnostics = append(res.Diagnostics, Diagnostic{Name: "iterations", Value: float64(iter), OK: converged,
		Note: fmt.Sprintf("house-effect iterations (limit %d, tolerance %g points)", c.maxIter, c.tol)})
	if !converged {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s: house effects did not converge in %d iterations", name, c.maxIter))
	}
	return res, nil
}
