package aggregate

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

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
	// Level is the confidence level of the intervals, in (0, 1).
	// Zero means 0.95.
	Level float64

	// Populations is the order of preference among the population
	// versions of one poll; a poll is used in the first version of the
	// list it has, and versions not in the list are not used. Nil means
	// Adults, RegisteredVoters, LikelyVoters, Voters, PopulationUnknown:
	// 538's "All polls" rule for approval (A > RV > LV).
	Populations []poll.Population

	// Tracking says what to do with polls flagged poll.Tracking (rolling
	// samples published daily that overlap each other).
	// The zero value, TrackingNonOverlapping, keeps a maximal set of
	// non-overlapping releases per pollster.
	Tracking TrackingRule

	// SampleSizeRef is n₀ and SampleSizeCap the cap c of the sample-size
	// factor min(√(n_eff/n₀), c), with n_eff = n/deff
	// (poll.Poll.EffectiveSampleSize). Zero means n₀ = 1000 and c = 2. A
	// poll with no known sample size gets the factor 1 (as if n_eff = n₀);
	// the result warns how many did.
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
	// p = 0.5. NoFrequency turns the discount off.
	FrequencyWindow int
	FrequencyPower  float64
	NoFrequency     bool

	// HouseSD is the prior standard deviation σ_h (points) of the house
	// effects toward which few-poll pollsters are shrunk. Zero means it is
	// estimated from the data (a method-of-moments empirical-Bayes
	// estimate, reported as Params.Other["house_sd"]).
	HouseSD float64

	// NoHouseEffects fits the average of the raw polls (every house
	// effect fixed at zero).
	NoHouseEffects bool

	// TrendSD is σ, the daily standard deviation (points) of the random
	// walk that the interval for the average assumes the level follows:
	// it sets the trend (lag) error of a recency-weighted mean of polls
	// taken on other days. Zero means σ is estimated from the data (the
	// variogram of the house-adjusted polls; package doc, "Average"),
	// reported as Params.Sigma. NoTrendError leaves the trend error out,
	// treating the level as constant within the window (the interval
	// then under-covers whenever opinion moves).
	TrendSD      float64
	NoTrendError bool

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

// TrackingRule is how Average treats tracking polls (poll.Tracking).
type TrackingRule uint8

// Tracking rules.
const (
	// TrackingNonOverlapping keeps, per pollster, a maximal set of
	// releases whose fieldwork periods do not overlap: sort by end date
	// descending, keep the latest, then repeatedly keep the next release
	// that ended before the start of the last one kept (538's 2025 rule;
	// greedy is optimal for interval scheduling). Dropped releases are
	// counted in a warning.
	TrackingNonOverlapping TrackingRule = iota
	// TrackingDownweight keeps every release but divides its effective
	// sample size by the length of its fieldwork period k (in days), so a
	// k-day rolling sample counts once per k days (538, 2008).
	TrackingDownweight
	// TrackingKeepAll treats tracking releases like any other poll.
	TrackingKeepAll
)

// Recency is the decay r(a) of a poll's influence with its age a in days
// (from its end date for the causal average, from its midpoint for the
// centred one):
//
//	r(a) = exp(−(a/Scale)^Shape)   for a ≤ MaxAge (default),
//	r(a) = 2^(−a/HalfLife)         for a ≤ MaxAge when HalfLife > 0,
//	r(a) = 0                       for a > MaxAge.
//
// Zero fields mean Scale = 11.8, Shape = 1.64, MaxAge = 32: a fit to the
// influence of non-tracking polls in 538's Trump poll list (r ≈ 0.5 at 9–10
// days, 0.06 at 23, 0 beyond about 32). It is a fit, not
// 538's formula.
type Recency struct {
	Scale, Shape float64
	HalfLife     float64
	MaxAge       int
}

// kernel returns r(0), …, r(MaxAge).
func (r Recency) kernel() ([]float64, error) {
	scale, shape, maxAge := r.Scale, r.Shape, r.MaxAge
	if scale == 0 {
		scale = 11.8
	}
	if shape == 0 {
		shape = 1.64
	}
	if maxAge == 0 {
		maxAge = 32
	}
	if !(scale > 0) || !(shape > 0) || math.IsInf(scale, 0) || math.IsInf(shape, 0) || maxAge < 0 || !(r.HalfLife >= 0) || math.IsInf(r.HalfLife, 0) {
		return nil, fmt.Errorf("%w: Recency %+v", ErrConfig, r)
	}
	k := make([]float64, maxAge+1)
	for a := range k {
		if r.HalfLife > 0 {
			k[a] = math.Exp2(-float64(a) / r.HalfLife)
		} else {
			k[a] = math.Exp(-math.Pow(float64(a)/scale, shape))
		}
	}
	return k, nil
}

// gradeWeights are quality weights by 538 letter grade. A+, A, A/B, A−,
// B+, B− and C are the median 538 weights of non-tracking polls with
// n ≈ 1,000–1,200 in 538's Trump poll list (testdata/538: 2.05, 1.81,
// 1.62, 1.60, 1.51, 0.52, 0.42), divided by the A+ median. B's own median
// (0.13) is dominated by frequent pollsters, whose weight 538 cut for
// frequency, so B and C+ are interpolated instead; B/C, C−, C/D and the D
// grades are our extrapolation, decreasing with the grade.
var gradeWeights = map[string]float64{
	"A+": 1.00, "A": 0.88, "A-": 0.78, "A/B": 0.79,
	"B+": 0.74, "B": 0.50, "B-": 0.25, "B/C": 0.23,
	"C+": 0.22, "C": 0.20, "C-": 0.17, "C/D": 0.15,
	"D+": 0.12, "D": 0.10, "D-": 0.08,
}

// GradeWeight returns the quality weight Average uses for a 538 letter
// grade (A+ = 1; see the package documentation for the table and its
// provenance). It accepts "−" (U+2212) for "-" and ignores surrounding
// space; ok is false for an unknown grade.
func GradeWeight(grade string) (w float64, ok bool) {
	g := strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(grade)), "−", "-")
	w, ok = gradeWeights[g]
	return w, ok
}

// avgConfig is an Average with defaults filled in and checked.
type avgConfig struct {
	level, z         float64
	pops             []poll.Population
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
		trendSD: a.TrendSD, noTrend: a.NoTrendError, seed: a.Seed,
		maxIter: a.MaxIter, tol: a.Tol}
	bad := func(field string, v any) error { return fmt.Errorf("%w: Average.%s = %v", ErrConfig, field, v) }
	if c.level == 0 {
		c.level = 0.95
	}
	if !(c.level > 0 && c.level < 1) {
		return c, bad("Level", a.Level)
	}
	c.z = math.Sqrt2 * math.Erfinv(c.level)
	c.pops = a.Populations
	if c.pops == nil {
		c.pops = []poll.Population{poll.Adults, poll.RegisteredVoters, poll.LikelyVoters, poll.Voters, poll.PopulationUnknown}
	}
	if len(c.pops) == 0 {
		return c, bad("Populations", "empty")
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
	if a.NoFrequency {
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

// avgPoll is one poll as the average uses it, after population choice,
// merging of versions and tracking de-duplication.
type avgPoll struct {
	src        int // index of (the first version of) the poll in the input
	house      int
	start, end int // day numbers
	mid        int
	approve    float64
	disapprove float64
	n          float64 // effective sample size; 0 when unknown
	weight     float64 // poll's own Weight (0 = none)
	grade      float64 // GradeWeight of its grade (0 = none or unknown)
	tracking   bool
	w          float64 // final weight w_i
}

// prepared is the poll set shared by the three shares.
type prepared struct {
	polls    []avgPoll
	houses   []string
	warnings []string
	first    int // first and last end day
	last     int
}

// Fit computes the average for the approve share, with the disapprove and
// undecided shares in Result.Disapprove and Result.Undecided.
//
// Fit returns an error wrapping ErrInvalidPoll (one *PollError per bad
// poll, joined) when a poll fails poll.Poll.Validate, ErrConfig for an
// invalid configuration, ErrNoPolls when no poll publishes an approve
// share in an accepted population, and ctx.Err() when ctx is cancelled.
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
// Params.Sigma is the σ used (estimated or fixed; 0 with NoTrendError)
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
	if err := validatePolls(polls); err != nil {
		return nil, err
	}
	p, err := a.prepare(&c, polls)
	if err != nil {
		return nil, err
	}
	// Corrected polls: weights from their own variance (correction.go).
	if changed, err := p.auditCorrections(polls); err != nil {
		return nil, err
	} else if changed {
		a.weigh(&c, p)
	}
	if lo, hi := p.days(&c); hi < lo {
		return nil, fmt.Errorf("%w: no output day: Start %s is after the last poll (%s)", ErrConfig,
			dayTime(lo).Format(time.DateOnly), dayTime(p.last).Format(time.DateOnly))
	}
	res := make([]*Result, 2)
	houseOf := make([][]float64, 2)
	seOf := make([][]float64, 2)
	for s := range 2 {
		r, he, se, err := a.fitShare(ctx, &c, p, s)
		if err != nil {
			return nil, err
		}
		res[s], houseOf[s], seOf[s] = r, he, se
	}
	approve, disapprove := res[0], res[1]
	undecided, err := a.undecided(&c, p, approve, disapprove, houseOf, seOf)
	if err != nil {
		return nil, err
	}
	if approve == nil {
		return nil, fmt.Errorf("%w: no poll publishes an approve share", ErrNoPolls)
	}
	// Shared calibration errors of corrected polls (correction.go).
	for s, r := range []*Result{approve, disapprove, undecided} {
		p.addCalibration(&c, polls, r, Share(s))
	}
	approve.Warnings = append(slices.Clone(p.warnings), approve.Warnings...)
	approve.Disapprove = disapprove
	approve.Undecided = undecided
	return approve, nil
}

// validatePolls returns every invalid poll as a joined *PollError.
func validatePolls(polls []poll.Poll) error {
	var errs []error
	for i := range polls {
		if err := polls[i].Validate(); err != nil {
			errs = append(errs, &PollError{Index: i, Source: polls[i].Source, Line: polls[i].Line, Err: err})
		}
	}
	return joinErrors(errs)
}

func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return fmt.Errorf("%d invalid polls: %w", len(errs), errors.Join(errs...))
}

// prepare chooses population versions, merges multi-version polls, removes
// exact duplicates and overlapping tracking releases, and computes weights.
func (a Average) prepare(c *avgConfig, polls []poll.Poll) (*prepared, error) {
	if len(polls) == 0 {
		return nil, fmt.Errorf("%w: none given", ErrNoPolls)
	}
	rank := make(map[poll.Population]int, len(c.pops))
	for i, pop := range c.pops {
		if _, dup := rank[pop]; !dup {
			rank[pop] = i
		}
	}
	type key struct {
		pollster, question, subject string
		start, end                  int
	}
	// Groups as linked lists through next, in order of first appearance,
	// so that grouping allocates nothing per poll.
	group := make(map[key]int, len(polls))
	var head, tail []int
	next := make([]int, len(polls))
	excluded := 0
	for i := range polls {
		q := &polls[i]
		next[i] = -1
		if _, ok := rank[q.Population]; !ok {
			excluded++
			continue
		}
		k := key{q.Pollster, q.Question, q.Subject, dayNumber(q.Start), dayNumber(q.End)}
		g, seen := group[k]
		if !seen {
			group[k] = len(head)
			head = append(head, i)
			tail = append(tail, i)
			continue
		}
		next[tail[g]] = i
		tail[g] = i
	}
	out := &prepared{polls: make([]avgPoll, 0, len(head))}
	if excluded > 0 {
		out.warnings = append(out.warnings, fmt.Sprintf("%d polls in populations not in Average.Populations were not used", excluded))
	}
	houseIdx := make(map[string]int)
	merged, dups, noSize, unknownGrade := 0, 0, 0, 0
	var idx, vers []int
	for _, h0 := range head {
		idx = idx[:0]
		for i := h0; i >= 0; i = next[i] {
			idx = append(idx, i)
		}
		q0 := &polls[h0]
		k := key{q0.Pollster, q0.Question, q0.Subject, dayNumber(q0.Start), dayNumber(q0.End)}
		best := len(c.pops)
		for _, i := range idx {
			best = min(best, rank[polls[i].Population])
		}
		// Versions in the preferred population; exact copies (the same row
		// listed under several 538 subgroups) count once.
		vers = vers[:0]
		for _, i := range idx {
			if rank[polls[i].Population] != best {
				continue
			}
			copyOf := false
			for _, j := range vers {
				if samePublished(&polls[i], &polls[j]) {
					copyOf = true
					break
				}
			}
			if copyOf {
				dups++
				continue
			}
			vers = append(vers, i)
		}
		if len(vers) > 1 {
			merged += len(vers) - 1
		}
		h, ok := houseIdx[k.pollster]
		if !ok {
			h = len(out.houses)
			houseIdx[k.pollster] = h
			out.houses = append(out.houses, k.pollster)
		}
		ap := avgPoll{src: vers[0], house: h, start: k.start, end: k.end,
			mid: dayNumber(polls[vers[0]].Midpoint())}
		var sa, na, sd, nd, sn, nn, sw, nw float64
		for _, i := range vers {
			q := &polls[i]
			if !math.IsNaN(q.Approve) {
				sa += q.Approve
				na++
			}
			if !math.IsNaN(q.Disapprove) {
				sd += q.Disapprove
				nd++
			}
			if n := q.EffectiveSampleSize(); n > 0 {
				sn += n
				nn++
			}
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
		ap.approve, ap.disapprove = sa/na, sd/nd // NaN when no version publishes it
		if nn > 0 {
			ap.n = sn / nn
		} else {
			noSize++
		}
		if nw > 0 {
			ap.weight = sw / nw
		}
		out.polls = append(out.polls, ap)
	}
	if len(out.polls) == 0 {
		return nil, fmt.Errorf("%w: no poll in an accepted population", ErrNoPolls)
	}
	if merged > 0 {
		out.warnings = append(out.warnings, fmt.Sprintf("%d poll versions (several questions or population rows of one poll) were averaged into their poll", merged))
	}
	if dups > 0 {
		out.warnings = append(out.warnings, fmt.Sprintf("%d exact duplicate rows were counted once", dups))
	}
	if noSize > 0 {
		out.warnings = append(out.warnings, fmt.Sprintf("%d polls have no known sample size and got the sample-size factor 1", noSize))
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
	return out, nil
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

// samePublished reports whether two rows publish the same numbers for the
// same population and sample (538 lists one poll under several subgroups).
func samePublished(p, q *poll.Poll) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return p.Population == q.Population && p.SampleSize == q.SampleSize &&
		eq(p.Approve, q.Approve) && eq(p.Disapprove, q.Disapprove) && eq(p.Undecided, q.Undecided)
}

// dedupeTracking applies TrackingNonOverlapping in place and returns the
// number of releases dropped.
func dedupeTracking(ps *[]avgPoll) int {
	byHouse := make(map[int][]int)
	for i, q := range *ps {
		if q.tracking {
			byHouse[q.house] = append(byHouse[q.house], i)
		}
	}
	drop := make(map[int]bool)
	for _, idx := range byHouse {
		slices.SortFunc(idx, func(i, j int) int {
			return cmp.Or(cmp.Compare((*ps)[j].end, (*ps)[i].end), cmp.Compare((*ps)[j].start, (*ps)[i].start), cmp.Compare(i, j))
		})
		lastStart := math.MaxInt
		for _, i := range idx {
			if (*ps)[i].end < lastStart {
				lastStart = (*ps)[i].start
				continue
			}
			drop[i] = true
		}
	}
	if len(drop) == 0 {
		return 0
	}
	kept := (*ps)[:0]
	for i, q := range *ps {
		if !drop[i] {
			kept = append(kept, q)
		}
	}
	*ps = kept
	return len(drop)
}

// weigh sets w_i = quality × frequency discount × sample-size factor.
func (a Average) weigh(c *avgConfig, p *prepared) {
	// Polls of each house by end day, for the frequency discount.
	ends := make([][]int, len(p.houses))
	for _, q := range p.polls {
		ends[q.house] = append(ends[q.house], q.end)
	}
	for h := range ends {
		slices.Sort(ends[h])
	}
	for i := range p.polls {
		q := &p.polls[i]
		if q.weight > 0 && a.WeightIsComplete {
			q.w = q.weight
			continue
		}
		quality := 1.0
		switch name := p.houses[q.house]; {
		case q.weight > 0:
			quality = q.weight
		case a.PollsterWeights != nil && hasKey(a.PollsterWeights, name):
			quality = a.PollsterWeights[name]
		case q.grade > 0:
			quality = q.grade
		}
		size := 1.0
		if q.n > 0 {
			n := q.n
			if q.tracking && a.Tracking == TrackingDownweight {
				n /= float64(q.end - q.start + 1)
			}
			size = min(math.Sqrt(n/c.n0), c.capSize)
		}
		freq := 1.0
		if c.freqPower > 0 {
			e := ends[q.house]
			lo, _ := slices.BinarySearch(e, q.end-c.freqWindow+1)
			hi, _ := slices.BinarySearch(e, q.end+1)
			freq = math.Pow(float64(hi-lo), -c.freqPower)
		}
		q.w = quality * size * freq
	}
}

func hasKey[V any](m map[string]V, k string) bool { _, ok := m[k]; return ok }

// shareObs is one share's data: the polls that publish it.
type shareObs struct {
	y, w        []float64
	house       []int
	start, end  []int
	mid         []int
	seSampling  []float64 // sampling SE (points), NaN when n unknown
	nHouses     int
	first, last int // range of days over which trends are computed
}

func (p *prepared) obs(s int) *shareObs {
	o := &shareObs{nHouses: len(p.houses), first: math.MaxInt, last: math.MinInt}
	for _, q := range p.polls {
		v := q.approve
		if s == 1 {
			v = q.disapprove
		}
		if math.IsNaN(v) || !(q.w > 0) {
			continue
		}
		o.add(q, v)
	}
	return o
}

// add appends poll q's value v of one share, with its sampling SE (NaN
// when n is unknown or v is not a share, e.g. a negative derived
// undecided), and widens the range of days trends are computed over.
func (o *shareObs) add(q avgPoll, v float64) {
	o.y = append(o.y, v)
	o.w = append(o.w, q.w)
	o.house = append(o.house, q.house)
	o.start = append(o.start, q.start)
	o.end = append(o.end, q.end)
	o.mid = append(o.mid, q.mid)
	se := math.NaN()
	if q.n > 0 && v >= 0 {
		se = 100 * math.Sqrt(v/100*(1-v/100)/q.n)
	}
	o.seSampling = append(o.seSampling, se)
	o.first = min(o.first, q.mid, q.end)
	o.last = max(o.last, q.end)
}

// sums holds, per day, Σu, Σu·x and Σu² of a kernel-weighted average.
type sums struct {
	first     int
	w, wx, w2 []float64
}

func newSums(first, last int) *sums {
	n := last - first + 1
	return &sums{first: first, w: make([]float64, n), wx: make([]float64, n), w2: make([]float64, n)}
}

func (s *sums) reset() {
	clear(s.w)
	clear(s.wx)
	clear(s.w2)
}

// addCentred spreads a poll at day d over days d−M … d+M with weights
// w·r(|t − d|). Σu² is skipped when s.w2 is nil.
func (s *sums) addCentred(d int, w, x float64, k []float64) {
	M := len(k) - 1
	lo, hi := max(d-M-s.first, 0), min(d+M-s.first, len(s.w)-1)
	for t := lo; t <= hi; t++ {
		u := w * k[abs(t+s.first-d)]
		s.w[t] += u
		s.wx[t] += u * x
		if s.w2 != nil {
			s.w2[t] += u * u
		}
	}
}

// addCausal spreads a poll that ended on day d over days d … d+M.
func (s *sums) addCausal(d int, w, x float64, k []float64) {
	lo, hi := max(d-s.first, 0), min(d+len(k)-1-s.first, len(s.w)-1)
	for t := lo; t <= hi; t++ {
		u := w * k[t+s.first-d]
		s.w[t] += u
		s.wx[t] += u * x
		s.w2[t] += u * u
	}
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

// bandPrior is the weight, in equivalent polls, of the global residual
// variance in each day's local residual variance (see the package doc).
const bandPrior = 5

// fitShare fits share s (0 approve, 1 disapprove). It returns a nil
// Result (and no error) when no poll publishes the disapprove share.
func (a Average) fitShare(ctx context.Context, c *avgConfig, p *prepared, s int) (*Result, []float64, []float64, error) {
	o := p.obs(s)
	name := [...]string{"approve", "disapprove"}[s]
	if len(o.y) == 0 {
		if s == 0 {
			return nil, nil, nil, fmt.Errorf("%w: no poll publishes an approve share", ErrNoPolls)
		}
		return nil, nil, nil, nil
	}
	H := o.nHouses
	he := make([]float64, H)
	se := make([]float64, H)
	counts := make([]int, H)
	for _, h := range o.house {
		counts[h]++
	}
	res := &Result{Model: "average", Share: name, Level: c.level}
	iter, converged := 0, true
	houseSD := c.houseSD
	if !a.NoHouseEffects && H > 1 {
		var err error
		iter, converged, houseSD, err = estimateHouses(ctx, c, o, he, se)
		if err != nil {
			return nil, nil, nil, err
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
	return res, he, se, nil
}

// estimateHouses runs the house-effect iteration (package doc, "Average")
// and fills he and se. It returns the iterations used, whether they
// converged and the prior SD σ_h used.
func estimateHouses(ctx context.Context, c *avgConfig, o *shareObs, he, se []float64) (int, bool, float64, error) {
	H := o.nHouses
	first, last := o.first, o.last
	sm := newSums(first, last)
	sm.w2 = nil // the iteration needs only Σu and Σux
	next := make([]float64, H)
	k := make([]float64, H)     // informative polls per house
	sum := make([]float64, H)   // Σ residuals
	sumSq := make([]float64, H) // Σ residuals²
	tw := make([]float64, H)    // total weight per house, for centring
	for i, h := range o.house {
		tw[h] += o.w[i]
	}
	var sigmaH float64
	for it := 1; it <= c.maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return it, false, 0, err
		}
		sm.reset()
		for i, y := range o.y {
			sm.addCentred(o.mid[i], o.w[i], y-he[o.house[i]], c.kernel)
		}
		clear(k)
		clear(sum)
		clear(sumSq)
		for i, y := range o.y {
			t := o.mid[i] - first
			adj := y - he[o.house[i]]
			wLoo := sm.w[t] - o.w[i]*c.kernel[0]
			if wLoo <= 1e-9*sm.w[t] {
				continue // alone in its window: says nothing about its house
			}
			trend := (sm.wx[t] - o.w[i]*c.kernel[0]*adj) / wLoo
			r := y - trend
			h := o.house[i]
			k[h]++
			sum[h] += r
			sumSq[h] += r * r
		}
		// Pooled within-house variance of the residuals.
		var ss, df float64
		for h := range H {
			if k[h] > 1 {
				m := sum[h] / k[h]
				ss += math.Max(sumSq[h]-k[h]*m*m, 0)
				df += k[h] - 1
			}
		}
		pooled := math.NaN()
		if df > 0 {
			pooled = ss / df
		}
		// Per-house variance s_h², shrunk toward the pooled one with
		// bandPrior pseudo-polls, and the squared standard error of each
		// house's mean residual.
		v := make([]float64, H)
		means := make([]float64, 0, H)
		var noise float64
		for h := range H {
			if k[h] == 0 {
				continue
			}
			m := sum[h] / k[h]
			own := 0.0
			if k[h] > 1 {
				own = math.Max(sumSq[h]-k[h]*m*m, 0) // rounding can make it −0.0…1
			}
			s2 := pooled
			if math.IsNaN(s2) {
				s2 = own / math.Max(k[h]-1, 1)
			} else {
				s2 = (own + bandPrior*pooled) / (k[h] - 1 + bandPrior)
			}
			v[h] = s2 / k[h]
			means = append(means, m)
			noise += v[h]
		}
		sigmaH = c.houseSD
		if sigmaH == 0 {
			sigmaH = momentHouseSD(means, noise/float64(len(means)))
		}
		maxDelta := 0.0
		var cw, cs float64
		for h := range H {
			next[h] = 0
			switch {
			case k[h] == 0:
				se[h] = sigmaH
			case sigmaH == 0:
				se[h] = 0
			case v[h] == 0:
				next[h] = sum[h] / k[h]
				se[h] = 0
			default:
				prec := 1/v[h] + 1/(sigmaH*sigmaH)
				next[h] = (sum[h] / k[h] / v[h]) / prec
				se[h] = math.Sqrt(1 / prec)
			}
			cw += tw[h]
			cs += tw[h] * next[h]
		}
		centre := cs / cw
		for h := range H {
			next[h] -= centre
			maxDelta = math.Max(maxDelta, math.Abs(next[h]-he[h]))
		}
		copy(he, next)
		if maxDelta < c.tol {
			return it, true, sigmaH, nil
		}
	}
	return c.maxIter, false, sigmaH, nil
}

// momentHouseSD is the method-of-moments estimate of the spread of true
// house effects: the variance of the houses' mean residuals minus the mean
// of their sampling variances, floored at zero.
func momentHouseSD(means []float64, noise float64) float64 {
	if len(means) < 2 || math.IsNaN(noise) {
		return 0
	}
	var m float64
	for _, x := range means {
		m += x
	}
	m /= float64(len(means))
	var ss float64
	for _, x := range means {
		ss += (x - m) * (x - m)
	}
	v := ss/float64(len(means)-1) - noise
	if !(v > 0) {
		return 0
	}
	return math.Sqrt(v)
}

// setSigma reports σ in p: Sigma, SigmaSE = SE(σ̂²)/(2σ̂) (delta method;
// 0 when σ̂ = 0 or σ is fixed) and Other["sigma2_se"] = SE(σ̂²).
func setSigma(p *Params, iv intervalTerms) {
	p.Sigma = math.Sqrt(iv.trendVar)
	if iv.trendVarSE > 0 {
		p.Other["sigma2_se"] = iv.trendVarSE
		if p.Sigma > 0 {
			p.SigmaSE = iv.trendVarSE / (2 * p.Sigma)
		}
	}
}

// terms returns the interval terms of a share with adjusted polls adj:
// σ² fixed by TrendSD, estimated (variogram) or none (NoTrendError),
// and the house-effect SEs. ok is false when σ² had to be estimated and
// could not be.
func (c *avgConfig) terms(share int, o *shareObs, adj, houseSE []float64) (iv intervalTerms, ok bool) {
	iv.houseSE = houseSE
	switch {
	case c.noTrend:
	case c.trendSD > 0:
		iv.trendVar = c.trendSD * c.trendSD
	default:
		v := newVariogram(o, len(c.kernel)-1)
		s2, noise, ok := v.fit(adj)
		if !ok {
			return iv, false
		}
		iv.trendVar = s2
		iv.trendVarSE = v.bootSE(s2, noise, rand.New(rand.NewPCG(c.seed, 0x5eed+uint64(share))))
	}
	return iv, true
}

// intervalTerms are the parts of the interval for the average that do not
// come from the polls' scatter about it (package doc, "Average").
type intervalTerms struct {
	trendVar   float64   // σ², points² per day; 0 leaves the trend error out
	trendVarSE float64   // standard error of an estimated σ²; 0 when fixed
	houseSE    []float64 // SE of each house effect; nil leaves their error out
}

// trendPoints computes the daily average of the adjusted polls over days
// lo … hi, causal (kernel on end dates, past only) or centred (kernel on
// midpoints, both sides), with its interval and poll band. It returns the
// points and the number of days carried forward.
func trendPoints(c *avgConfig, o *shareObs, adj []float64, lo, hi int, centred bool, iv intervalTerms) ([]Point, int) {
	M := len(c.kernel) - 1
	first, last := min(lo, o.first)-M, max(hi, o.last)+M
	sm := newSums(first, last)
	for i := range adj {
		if centred {
			sm.addCentred(o.mid[i], o.w[i], adj[i], c.kernel)
		} else {
			sm.addCausal(o.end[i], o.w[i], adj[i], c.kernel)
		}
	}
	trend := func(d int) float64 { t := d - first; return sm.wx[t] / sm.w[t] }
	// Global residual variance: weighted scatter of adjusted polls about
	// the trend on their own day (end day for the causal average), each
	// residual taken leave-one-out, r/(1 − h) with h = the poll's share of
	// that day's weight, because a poll pulls the trend toward itself.
	// Under the random walk r² also holds the trend's movement between
	// the poll's midpoint and the days of the other polls, σ²·lagᵢ
	// (window.at about the poll's midpoint, itself left out); it is taken
	// out, so that the scatter measures the polls' noise only.
	var sw, swr float64
	wg := newWindow(c, o, centred, nil)
	for _, i := range wg.order {
		d := wg.anchor[i]
		h := o.w[i] * c.kernel[0] / sm.w[d-first]
		if h > 1-1e-9 {
			continue // alone on its day: no residual
		}
		r := (adj[i] - trend(d)) / (1 - h)
		r2 := r * r
		if iv.trendVar > 0 {
			lag, _, _ := wg.at(d, o.mid[i], i)
			r2 -= iv.trendVar * lag
		}
		sw += o.w[i]
		swr += o.w[i] * r2
	}
	global := math.Max(swr/sw, 0)
	// The polls' mean sampling variance: adjusted polls cannot scatter
	// less than that unless they are herded, so it floors the global
	// variance, and replaces it when there are too few polls to measure
	// the scatter.
	var ss, ns float64
	for _, x := range o.seSampling {
		if !math.IsNaN(x) {
			ss += x * x
			ns++
		}
	}
	sampling := 0.0
	if ns > 0 {
		sampling = ss / ns
	}
	if len(adj) < 3 || !(sw > 0) || global < sampling {
		global = sampling
	}
	// Local weighted scatter Σu(x − T)² = Σux² − T·Σux per day.
	sx2 := make([]float64, len(sm.w))
	for i := range adj {
		x2 := adj[i] * adj[i]
		d := o.end[i]
		if centred {
			d = o.mid[i]
		}
		for a := -M; a <= M; a++ {
			if !centred && a < 0 {
				continue
			}
			t := d + a - first
			u := o.w[i] * c.kernel[abs(a)]
			sx2[t] += u * x2
		}
	}
	win := newWindow(c, o, centred, iv.houseSE)
	pts := make([]Point, 0, hi-lo+1)
	type parts struct{ s2, lag float64 } // of each point, for widening
	ps := make([]parts, 0, hi-lo+1)
	carried := 0
	prev := -1 // index in pts of the last day with polls
	for d := lo; d <= hi; d++ {
		t := d - first
		if !(sm.w[t] > 1e-12) {
			if prev >= 0 {
				// No poll within the window: the last estimate, its
				// error grown by the random walk since that day.
				gap := float64(d - dayNumber(pts[prev].Date))
				pts = append(pts, c.widened(pts[prev], ps[prev].s2, ps[prev].lag, gap, d, iv))
			} else {
				pts = append(pts, Point{Date: dayTime(d), Mean: math.NaN(), SD: math.NaN(), Lower: math.NaN(), Upper: math.NaN(), PollLower: math.NaN(), PollUpper: math.NaN()})
			}
			ps = append(ps, parts{})
			carried++
			continue
		}
		W, Wx, W2 := sm.w[t], sm.wx[t], sm.w2[t]
		mean := Wx / W
		neff := W * W / W2
		local := math.Max(sx2[t]/W-mean*mean, 0)
		nu := math.Max(neff-1, 0)
		lag, spread, house := win.at(d, d, -1)
		if nu > 0 {
			// Reliability-weights correction; under the random walk the
			// scatter also holds the level's spread over the polls' days,
			// E = σ²·spread·n_eff/(n_eff − 1), taken out.
			local = math.Max(local*neff/nu-iv.trendVar*spread*neff/nu, 0)
		}
		s2 := (nu*local + bandPrior*global) / (nu + bandPrior)
		v := s2/neff + iv.trendVar*lag + house
		pts = append(pts, c.point(d, mean, v, s2, lag, iv))
		ps = append(ps, parts{s2, lag})
		prev = len(pts) - 1
	}
	// Days before the first poll's window (only when Start is set that
	// early) take the first estimate, widened the same way, so no NaN is
	// ever returned.
	if prev >= 0 {
		f := slices.IndexFunc(pts, func(p Point) bool { return !math.IsNaN(p.Mean) })
		for i := 0; i < f; i++ {
			pts[i] = c.widened(pts[f], ps[f].s2, ps[f].lag, float64(f-i), lo+i, iv)
		}
	}
	for i := range pts {
		clampPoint(&pts[i])
	}
	return pts, carried
}

// point is the point of day d with mean m, variance v of the mean,
// scatter s² of the polls and lag (window.at). The interval is
// m ± q·√v with q = quantile(v, lag); the band m ± √(z²s² + q²v).
func (c *avgConfig) point(d int, m, v, s2, lag float64, iv intervalTerms) Point {
	sd := math.Sqrt(v)
	half := c.quantile(v, lag, iv) * sd
	// The mean's part of the band takes the same quantile q as the
	// interval: with z·√(s² + v) a t quantile q > z (few polls, σ̂ uncertain)
	// made the band for a new poll narrower than the interval for the
	// average, which contains less uncertainty (found by the degenerate
	// tests: 50,000-day span, polls without sample sizes).
	band := math.Sqrt(c.z*c.z*s2 + half*half)
	return Point{Date: dayTime(d), Mean: m, SD: sd, Lower: m - half, Upper: m + half,
		PollLower: m - band, PollUpper: m + band}
}

// widened is p moved gap days away to day d: the random walk adds σ²·gap
// to the variance of its mean and gap to its lag.
func (c *avgConfig) widened(p Point, s2, lag, gap float64, d int, iv intervalTerms) Point {
	return c.point(d, p.Mean, p.SD*p.SD+iv.trendVar*gap, s2, lag+gap, iv)
}

// quantile is the multiplier of the SD in the interval for the average:
// z when σ is fixed or plays no part, else the quantile of Student's t
// with Satterthwaite's degrees of freedom ν = 2v²/(lag·SE(σ̂²))², the
// variance estimate v = A + σ̂²·lag being treated as v·χ²_ν/ν with the
// variance lag²·SE(σ̂²)² it gets from σ̂² (A, the rest, as known).
func (c *avgConfig) quantile(v, lag float64, iv intervalTerms) float64 {
	if !(iv.trendVarSE > 0) || !(lag > 0) || !(v > 0) {
		return c.z
	}
	e := lag * iv.trendVarSE
	return tQuantile(c.z, c.level, math.Max(2*v*v/(e*e), 1)) // ν ≥ 1 (Cauchy) keeps it finite
}

// tQuantile is the two-sided level quantile of Student's t with nu degrees
// of freedom, z being the normal one: for nu ≥ 8 by the expansion of
// Abramowitz & Stegun 26.7.5 (relative error below 4e-4 at levels up to 99%;
// the incomplete-beta inversion would dominate the cost of a fit), else
// exactly.
func tQuantile(z, level, nu float64) float64 {
	if nu < 8 {
		return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(0.5 + level/2)
	}
	z2 := z * z
	g1 := z * (z2 + 1) / 4
	g2 := z * ((5*z2+16)*z2 + 3) / 96
	g3 := z * (((3*z2+19)*z2+17)*z2 - 15) / 384
	g4 := z * ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) / 92160
	return z + (g1+(g2+(g3+g4/nu)/nu)/nu)/nu
}

// window walks the output days in increasing order and gives, for each
// day t, the parts of the error of the day's average that depend on when
// its polls were taken and by whom. With πᵢ = uᵢ(t)/Σu the polls'
// influence shares and aᵢ = midᵢ − t:
//
//	lag   = Σ_{k≥1} (Σ_{aᵢ ≤ −k} πᵢ)² + Σ_{k≥1} (Σ_{aᵢ ≥ k} πᵢ)²
//	house = Σ_p (π_p − Π_p)² SE_p²
//
// σ²·lag is the variance of Σπᵢ(α(midᵢ) − α(t)) when α is a random walk
// with daily variance σ² (Cov(α(t−a) − α(t), α(t−b) − α(t)) = σ²·min(a,
// b) for a, b ≥ 0 on the same side of t, 0 across sides; the double sum
// is the single sum over k of the squared share of influence at least k
// days away). In house, π_p is house p's share of the day's influence, Π_p
// its share of the total weight (the centring of the house effects) and
// SE_p the SE of its effect: the error of the day's average due to the
// house effects, treating the houses' estimation errors as independent.
// Also spread = ½ΣΣπᵢπⱼ|midᵢ − midⱼ|: σ²·spread is the expected weighted
// scatter of the level over the polls' days, which the polls' scatter
// about the average holds besides their noise. The offsets can be taken
// about a reference day other than t (a poll's own midpoint), with one
// poll left out (at).
type window struct {
	o       *shareObs
	kernel  []float64
	anchor  []int // the day the kernel is applied from: end or midpoint
	ext     int   // window reaches anchor ≤ t + ext
	order   []int // polls sorted by anchor
	lo, hi  int   // the polls order[lo:hi] have anchor in [t − M, t + ext]
	A       int   // largest |midᵢ − t| of a poll with weight on day t
	hist    []float64
	houseSE []float64
	share   []float64 // Π_p
	houseU  []float64
	touched []int
	base    float64 // Σ_p Π_p² SE_p²
}

func newWindow(c *avgConfig, o *shareObs, centred bool, houseSE []float64) *window {
	M := len(c.kernel) - 1
	fw := 0
	for i := range o.end {
		fw = max(fw, o.end[i]-o.mid[i])
	}
	// Offsets from t (≤ M + fw) or from a poll's own midpoint (≤ M + 2fw).
	w := &window{o: o, kernel: c.kernel, anchor: o.end, A: M + 2*fw}
	if centred {
		w.anchor, w.ext = o.mid, M
	}
	w.order = make([]int, len(o.end))
	for i := range w.order {
		w.order[i] = i
	}
	slices.SortStableFunc(w.order, func(i, j int) int { return cmp.Compare(w.anchor[i], w.anchor[j]) })
	w.hist = make([]float64, 2*w.A+1)
	if houseSE != nil {
		w.houseSE = houseSE
		w.share = make([]float64, o.nHouses)
		w.houseU = make([]float64, o.nHouses)
		var tot float64
		for i, h := range o.house {
			w.share[h] += o.w[i]
			tot += o.w[i]
		}
		for h := range w.share {
			w.share[h] /= tot
			w.base += w.share[h] * w.share[h] * houseSE[h] * houseSE[h]
		}
	}
	return w
}

// at returns lag, spread and house for the polls weighted for day t,
// offsets taken from day ref, poll skip (−1 for none) left out; t must
// not decrease between calls.
func (w *window) at(t, ref, skip int) (lag, spread, house float64) {
	M := len(w.kernel) - 1
	for w.hi < len(w.order) && w.anchor[w.order[w.hi]] <= t+w.ext {
		w.hi++
	}
	for w.lo < w.hi && w.anchor[w.order[w.lo]] < t-M {
		w.lo++
	}
	var U float64
	minA, maxA := len(w.hist), -1
	for _, i := range w.order[w.lo:w.hi] {
		u := w.o.w[i] * w.kernel[abs(w.anchor[i]-t)]
		if !(u > 0) || i == skip {
			continue
		}
		a := w.o.mid[i] - ref + w.A
		w.hist[a] += u
		minA, maxA = min(minA, a), max(maxA, a)
		U += u
		if w.houseU != nil {
			h := w.o.house[i]
			if w.houseU[h] == 0 {
				w.touched = append(w.touched, h)
			}
			w.houseU[h] += u
		}
	}
	if maxA < 0 {
		return 0, 0, 0
	}
	var cum float64
	for a := minA; a < max(maxA, w.A); a++ {
		cum += w.hist[a] / U
		if a < maxA {
			spread += cum * (1 - cum)
		}
		if a < w.A { // past: cum = share at least A − a days before ref
			lag += cum * cum
		}
	}
	cum = 0
	for a := maxA; a > w.A; a-- { // future
		cum += w.hist[a] / U
		lag += cum * cum
	}
	clear(w.hist[minA : maxA+1])
	if w.houseU != nil {
		house = w.base
		for _, h := range w.touched {
			pi, s := w.houseU[h]/U, w.share[h]
			house += ((pi-s)*(pi-s) - s*s) * w.houseSE[h] * w.houseSE[h]
			w.houseU[h] = 0
		}
		w.touched = w.touched[:0]
		house = math.Max(house, 0) // rounding
	}
	return lag, spread, house
}

// variogram estimates σ², the daily variance of the random walk the level
// is assumed to follow, from the house-adjusted polls. For two polls taken
// h days apart (midpoints),
//
//	E[(xᵢ − xⱼ)²] = vᵢ + vⱼ + σ²·h
//
// so over the pairs with h ≤ M (the recency window: the lags the trend
// error involves) σ² is the slope of the mean squared difference on h, the
// intercept c absorbing the polls' noise variances vᵢ + vⱼ (sampling and
// non-sampling alike). Pairs of one house whose fieldwork periods overlap
// are left out: they share respondents (rolling tracking samples), so their
// difference understates independent noise. Pairs are counted by day, from
// per-day counts and sums, so a fit costs O(days with polls × M) plus the
// overlapping same-house pairs.
type variogram struct {
	M       int
	bin     []int     // day bin of each poll
	days    []int     // day of each bin, increasing
	cnt     []float64 // polls in each bin
	N       []float64 // pairs at lag h
	overlap [][2]int  // same-house pairs with overlapping fieldwork, lag ≤ M
	// scratch
	s1, s2, Q []float64
}

func newVariogram(o *shareObs, M int) *variogram {
	n := len(o.mid)
	v := &variogram{M: M, bin: make([]int, n), N: make([]float64, M+1), Q: make([]float64, M+1)}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(o.mid[i], o.mid[j]) })
	for _, i := range order {
		if len(v.days) == 0 || v.days[len(v.days)-1] != o.mid[i] {
			v.days = append(v.days, o.mid[i])
			v.cnt = append(v.cnt, 0)
		}
		v.bin[i] = len(v.days) - 1
		v.cnt[len(v.cnt)-1]++
	}
	cnt := v.cnt
	for a, da := range v.days {
		v.N[0] += cnt[a] * (cnt[a] - 1) / 2
		for b := a + 1; b < len(v.days) && v.days[b]-da <= M; b++ {
			v.N[v.days[b]-da] += cnt[a] * cnt[b]
		}
	}
	slices.SortStableFunc(order, func(i, j int) int {
		return cmp.Or(cmp.Compare(o.house[i], o.house[j]), cmp.Compare(o.start[i], o.start[j]))
	})
	for x, i := range order {
		for _, j := range order[x+1:] {
			if o.house[j] != o.house[i] || o.start[j] > o.end[i] {
				break
			}
			if h := abs(o.mid[i] - o.mid[j]); h <= M {
				v.N[h]--
				v.overlap = append(v.overlap, [2]int{i, j})
			}
		}
	}
	v.s1, v.s2 = make([]float64, len(v.days)), make([]float64, len(v.days))
	return v
}

// fit returns the estimates of σ² (floored at zero) and c for the values
// x; ok is false when fewer than two distinct lags have pairs (σ² cannot
// be estimated; 0 is returned). The slope is fitted by weighted least
// squares of the lag means on h with weights N_h/(c + σ²h)² (the variance
// of a squared difference is proportional to its mean squared), iterated
// from ordinary least squares.
func (v *variogram) fit(x []float64) (sigma2, c float64, ok bool) {
	lags := 0
	for _, n := range v.N {
		if n > 0 {
			lags++
		}
	}
	if lags < 2 {
		return 0, 0, false
	}
	var mean float64
	for _, xi := range x {
		mean += xi
	}
	mean /= float64(len(x)) // centred for numerical stability
	clear(v.s1)
	clear(v.s2)
	clear(v.Q)
	for i, xi := range x {
		d := xi - mean
		v.s1[v.bin[i]] += d
		v.s2[v.bin[i]] += d * d
	}
	for a, da := range v.days {
		v.Q[0] += v.cnt[a]*v.s2[a] - v.s1[a]*v.s1[a]
		for b := a + 1; b < len(v.days) && v.days[b]-da <= v.M; b++ {
			v.Q[v.days[b]-da] += v.cnt[b]*v.s2[a] + v.cnt[a]*v.s2[b] - 2*v.s1[a]*v.s1[b]
		}
	}
	for _, p := range v.overlap {
		d := x[p[0]] - x[p[1]]
		v.Q[abs(v.days[v.bin[p[0]]]-v.days[v.bin[p[1]]])] -= d * d
	}
	N, Q := v.N, v.Q
	for it := range 4 {
		wt := func(h int) float64 {
			if it == 0 {
				return N[h]
			}
			m := c + sigma2*float64(h)
			return N[h] / (m * m)
		}
		var sw, sh, sy float64
		for h := range N {
			if N[h] > 0 {
				w := wt(h)
				sw += w
				sh += w * float64(h)
				sy += w * Q[h] / N[h]
			}
		}
		hbar, ybar := sh/sw, sy/sw
		var sxx, sxy float64
		for h := range N {
			if N[h] > 0 {
				w, dh := wt(h), float64(h)-hbar
				sxx += w * dh * dh
				sxy += w * dh * (Q[h]/N[h] - ybar)
			}
		}
		slope := sxy / sxx
		c = ybar - slope*hbar
		sigma2 = math.Max(slope, 0)
		if !(c > 0) {
			break // degenerate (e.g. noiseless polls): keep this step's slope
		}
	}
	return sigma2, c, true
}

// bootstrapReps is the number of parametric-bootstrap replicates behind
// the standard error of σ̂² (its relative precision is about 1/√(2·64),
// 9%).
const bootstrapReps = 64

// bootSE is the parametric-bootstrap standard error of fit's σ̂² at the
// fitted (sigma2, c): bootstrapReps series are drawn from the fitted model
// — a random walk with daily variance σ̂² seen at the polls' midpoints
// through independent noise of variance c/2 — and refitted.
func (v *variogram) bootSE(sigma2, c float64, rng *rand.Rand) float64 {
	x := make([]float64, len(v.bin))
	alpha := make([]float64, len(v.days))
	noise := math.Sqrt(math.Max(c, 0) / 2)
	var m, m2 float64
	for range bootstrapReps {
		for k := 1; k < len(alpha); k++ {
			alpha[k] = alpha[k-1] + math.Sqrt(sigma2*float64(v.days[k]-v.days[k-1]))*rng.NormFloat64()
		}
		for i := range x {
			x[i] = alpha[v.bin[i]] + noise*rng.NormFloat64()
		}
		s, _, _ := v.fit(x)
		m += s
		m2 += s * s
	}
	const R = bootstrapReps
	m /= R
	return math.Sqrt(math.Max(m2/R-m*m, 0) * R / (R - 1))
}

// clampPoint keeps a point inside 0–100 (house adjustment can push an
// average of polls near 0 or 100 slightly beyond).
func clampPoint(p *Point) {
	cl := func(x float64) float64 { return math.Min(math.Max(x, 0), 100) }
	p.Mean, p.Lower, p.Upper = cl(p.Mean), cl(p.Lower), cl(p.Upper)
	p.PollLower, p.PollUpper = cl(p.PollLower), cl(p.PollUpper)
}

// undecided enforces approve + disapprove ≤ 100 day by day and derives the
// undecided share as 100 − approve − disapprove (everyone who neither
// approves nor disapproves: "hard to say", refusals and unpublished
// categories). Its interval and band come from the same kernel machinery
// applied to the polls' own 100 − approve − disapprove with house effects
// −(HE_approve + HE_disapprove), centred on the derived mean.
func (a Average) undecided(c *avgConfig, p *prepared, ap, dis *Result, he, se [][]float64) (*Result, error) {
	if ap == nil || dis == nil {
		return nil, nil
	}
	scaled := 0
	for _, pair := range [][2][]Point{{ap.Series, dis.Series}, {ap.Filtered, dis.Filtered}} {
		for i := range pair[0] {
			x, y := &pair[0][i], &pair[1][i]
			if s := x.Mean + y.Mean; s > 100 {
				f := 100 / s
				shiftPoint(x, x.Mean*f-x.Mean)
				shiftPoint(y, y.Mean*f-y.Mean)
				clampPoint(x)
				clampPoint(y)
				scaled++
			}
		}
	}
	if scaled > 0 {
		ap.Warnings = append(ap.Warnings, fmt.Sprintf("%d days had approve + disapprove above 100 and were scaled down proportionally", scaled))
	}
	o := &shareObs{nHouses: len(p.houses), first: math.MaxInt, last: math.MinInt}
	var adj []float64
	for _, q := range p.polls {
		if math.IsNaN(q.approve) || math.IsNaN(q.disapprove) || !(q.w > 0) {
			continue
		}
		u := 100 - q.approve - q.disapprove
		o.add(q, u)
		adj = append(adj, u+he[0][q.house]+he[1][q.house])
	}
	if len(o.y) == 0 {
		return nil, nil
	}
	lo, hi := p.days(c)
	res := &Result{Model: "average", Share: "undecided", Level: c.level}
	houseSE := make([]float64, len(p.houses))
	for h := range houseSE {
		houseSE[h] = math.Hypot(se[0][h], se[1][h])
	}
	iv, ok := c.terms(2, o, adj, houseSE)
	if !ok {
		res.Warnings = append(res.Warnings, "undecided: too few poll pairs to estimate the trend SD; the interval for the average leaves the trend error out")
	}
	res.Filtered, _ = trendPoints(c, o, adj, lo, hi, false, iv)
	res.Series, _ = trendPoints(c, o, adj, lo, hi, true, iv)
	for _, set := range [][3][]Point{{res.Series, ap.Series, dis.Series}, {res.Filtered, ap.Filtered, dis.Filtered}} {
		for i := range set[0] {
			u := &set[0][i]
			shiftPoint(u, 100-set[1][i].Mean-set[2][i].Mean-u.Mean)
			clampPoint(u)
		}
	}
	counts := make(map[int]int)
	for _, h := range o.house {
		counts[h]++
	}
	for h, n := range counts {
		res.Houses = append(res.Houses, HouseEffect{Pollster: p.houses[h], Value: -he[0][h] - he[1][h],
			SE: math.Hypot(se[0][h], se[1][h]), Polls: n})
	}
	slices.SortFunc(res.Houses, func(x, y HouseEffect) int { return cmp.Compare(x.Pollster, y.Pollster) })
	res.Params.Other = map[string]float64{"polls": float64(len(o.y))}
	setSigma(&res.Params, iv)
	res.Warnings = append(res.Warnings, "undecided is derived: 100 − approve − disapprove; its house effects are −(approve + disapprove effects), their SE ignores the covariance of the two")
	return res, nil
}

// shiftPoint moves a point's mean and all its bounds by d.
func shiftPoint(p *Point, d float64) {
	p.Mean += d
	p.Lower += d
	p.Upper += d
	p.PollLower += d
	p.PollUpper += d
}
