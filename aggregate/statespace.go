package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/candorpoll/candor/poll"
)

// NonSampling says how the non-sampling variance τ² is modelled; build it
// with TauGlobal, TauFixed, TauNone or TauPerHouse. The zero value is
// TauGlobal().
type NonSampling struct {
	kind  tauKind
	fixed float64 // points; > 0 for TauFixed
}

type tauKind uint8

const (
	tauGlobal tauKind = iota
	tauNone
	tauPerHouse
)

// TauGlobal (the default): one τ for all houses, estimated by maximum
// likelihood together with σ. Real polls vary more than their sampling
// error says; τ absorbs that, so intervals stay honest (see the
// calibration tests). When the data show no extra variance τ̂ is near 0
// and the fit close to the TauNone one.
func TauGlobal() NonSampling { return NonSampling{} }

// TauFixed is one global τ fixed at tau points (> 0) instead of estimated.
func TauFixed(tau float64) NonSampling { return NonSampling{kind: tauGlobal, fixed: tau} }

// TauNone models sampling variance only (the textbook model and the
// peers').
func TauNone() NonSampling { return NonSampling{kind: tauNone} }

// TauPerHouse estimates one τ per house (a search over 1 + J parameters:
// use it with a handful of houses).
func TauPerHouse() NonSampling { return NonSampling{kind: tauPerHouse} }

// String returns "global", "fixed 1.5", "none" or "per-house".
func (n NonSampling) String() string {
	switch {
	case n.kind == tauGlobal && n.fixed > 0:
		return fmt.Sprintf("fixed %g", n.fixed)
	case n.kind == tauGlobal:
		return "global"
	case n.kind == tauNone:
		return "none"
	case n.kind == tauPerHouse:
		return "per-house"
	}
	return fmt.Sprintf("NonSampling(%d)", n.kind)
}

func (n NonSampling) check() error {
	if n.kind > tauPerHouse || n.fixed < 0 || math.IsNaN(n.fixed) || math.IsInf(n.fixed, 0) || (n.fixed > 0 && n.kind != tauGlobal) {
		return fmt.Errorf("%w: StateSpace.Tau %v", ErrConfig, n)
	}
	return nil
}

// Scale is the scale a share is modelled on.
type Scale uint8

// Scales.
const (
	// ScaleAuto (the default): points when every poll's value of the share
	// lies in [10, 90], the logit scale otherwise. Near the middle the two
	// agree closely and points keep the house effects additive in points;
	// near 0 or 100 only the logit scale keeps intervals inside (0, 100).
	ScaleAuto Scale = iota
	// ScalePoints: the model on percentage points (the peers' scale).
	ScalePoints
	// ScaleLogit: the model on log(p/(1 − p)); results are transformed
	// back to points.
	ScaleLogit
)

// StateSpace is Jackman's (2005) poll-pooling model fitted by maximum
// likelihood with the exact diffuse Kalman likelihood (see the package
// documentation for the model). The zero value is ready to use: all three
// shares, 95% intervals, σ and one global τ by ML, weighted sum-to-zero
// identification, one house per pollster, automatic scale.
//
// A StateSpace holds no state: Fit may be called concurrently.
type StateSpace struct {
	// Shares to estimate; nil means approve, disapprove and undecided.
	// The top-level Result is the first of approve, disapprove and
	// undecided that is estimated; the others hang off it.
	Shares []Share
	// Level of the intervals; 0 means 0.95.
	Level float64
	// Sigma fixes the daily innovation sd (points per day); 0 estimates it.
	Sigma float64
	// Tau selects the non-sampling variance model: TauGlobal() (the zero
	// value), TauFixed(τ), TauNone() or TauPerHouse().
	Tau NonSampling
	// Identify separates the level from the house effects:
	// WeightedSumToZero() (the zero value), SumToZero(),
	// ReferenceHouse(name) or AnchoredOn(anchors...).
	Identify Identification
	// SplitModes gives each pollster × interview mode its own house
	// effect ("Levada/phone" for Levada's 2020 telephone months).
	SplitModes bool
	// SplitPopulations gives each pollster × population its own house
	// effect ("Ipsos/a", "Ipsos/rv"): a pollster's adults and likely
	// voters differ in level, and the split keeps that difference out of
	// the trend. (A population effect shared by all pollsters would be a
	// main effect; the split estimates it per pollster.)
	SplitPopulations bool
	// Scale selects the scale of the model (default ScaleAuto).
	Scale Scale
	// Populations is the order of preference among the population
	// versions of one poll (538 lists one poll for adults, registered and
	// likely voters): a poll is used in the first version of the list it
	// has, and versions not in the list are not used. Nil means Adults,
	// RegisteredVoters, LikelyVoters, Voters, PopulationUnknown. Every
	// model reads polls by the same rules ("Input" in the package doc).
	Populations []poll.Population
	// Profiles are the pollster profiles the fit reads (canonical names,
	// design effects, usual sample sizes, interview modes by date); nil
	// means poll.DefaultProfiles(). A fit never reads process-wide state:
	// two fits with different profiles do not affect each other.
	Profiles *poll.Profiles
	// Strict fails the fit when any poll is invalid (ErrInvalidPoll). By
	// default invalid polls are left out: the fit uses the others, lists
	// the excluded in Result.Excluded and returns them, joined, as its
	// error beside the result.
	Strict bool
	// PlugIn makes the smoothed sds treat σ̂ and τ̂ as known (the
	// textbook smoother's sds, as statsmodels reports them). By default
	// they also carry the first-order effect of the estimates' uncertainty
	// on the smoothed level (Hamilton 1986), largest where the level
	// depends most on σ̂ (the ends of the series, sparse stretches); the
	// filtered sds are always plug-in.
	PlugIn bool
	// FieldAverage makes each poll measure the mean of the latent level
	// over its fieldwork days, y_i = (1/L_i)·Σ_{t=Start}^{End} α_t + δ_h +
	// ε_i, instead of the level on its fieldwork midpoint (the default,
	// false). It matters for long fieldwork (monthly series, DateApprox
	// month spans): a month-long poll is an average, not a snapshot.
	// Likelihood, σ and τ by ML, smoothed levels and house effects stay
	// exact, at O(T·b²) cost with b + 1 the longest fieldwork in days
	// (see banded.go). The causal Filtered series keeps the midpoint
	// observation equation (with the field-average σ̂ and τ̂): an exact
	// causal filter would carry the last b days as state. Not supported
	// by Bayes (ErrConfig). With every poll one day long it is the
	// midpoint model.
	FieldAverage bool
	// SkipFiltered leaves the causal series out: ShareResult.Filtered is
	// nil, as Bayes leaves it. The causal filter is about a quarter of a
	// one-share fit (a fresh solve on every day with polls); skip it when
	// only the smoothed series is wanted, as in a sweep over settings or
	// a comparison with a smoother. The smoothed series, house effects,
	// parameters and each share's diagnostics are the same with and
	// without it; the three shares' sum-projection diagnostic then
	// covers the smoothed series only, and Compare with Official.Causal
	// has no series to compare with.
	SkipFiltered bool
}

// Fit estimates the model on polls. It returns, for the first share, a
// Result holding the smoothed Series (all polls), the causal Filtered
// series (unless SkipFiltered), the house effects, σ̂, τ̂ and
// diagnostics; the other shares hang off Result.Disapprove and
// Result.Undecided. When all three shares are
// estimated their means are made to sum to at most 100 (see the package
// documentation).
//
// Polls corrected by adjust.Chain are used as corrected, with their
// uncertainty: each poll's variance is the delta-method sampling variance
// through its corrections plus their independent variance, and the shared
// calibration errors widen the smoothed and filtered levels and the house
// effects by their exact linear response (see "Corrections and their
// uncertainty" in the package documentation; Params.Other records how
// much).
//
// Errors (wrapped, test with errors.Is): ErrConfig for an invalid
// configuration; ErrInvalidPoll (as *PollError, joined) for polls left out
// as invalid — returned beside a usable result unless Strict is set (see
// "Input" in the package documentation); ErrSpan when the polls span more
// than MaxDays; ErrNoPolls when no poll publishes a share named in Shares;
// ErrTooFewPolls when the polls cannot identify the house effects or σ;
// ctx.Err() when cancelled.
func (m StateSpace) Fit(ctx context.Context, polls []poll.Poll) (*Result, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	ps, err := readPolls(polls, m.rules())
	if err != nil {
		return nil, err
	}
	defer ps.release()
	_, results, warnings, err := eachShare("StateSpace.Shares", m.Shares, func(_ int, s Share) (*ShareResult, error) {
		return m.fitShare(ctx, ps, s)
	})
	if err != nil {
		return nil, err
	}
	r := assemble("statespace", m.level(), results)
	r.Warnings = append(r.Warnings, warnings...)
	return r, ps.finish(r)
}

// rules are the model's input rules (input.go).
func (m StateSpace) rules() inputRules {
	return inputRules{splitModes: m.SplitModes, splitPops: m.SplitPopulations, populations: m.Populations, strict: m.Strict, profiles: m.Profiles}
}

func (m StateSpace) check() error {
	if err := m.rules().check("StateSpace"); err != nil {
		return err
	}
	switch {
	case m.Level != 0 && !(m.Level > 0 && m.Level < 1):
		return fmt.Errorf("%w: StateSpace.Level %v outside (0, 1)", ErrConfig, m.Level)
	case m.Sigma < 0 || math.IsNaN(m.Sigma) || math.IsInf(m.Sigma, 0):
		return fmt.Errorf("%w: StateSpace.Sigma %v", ErrConfig, m.Sigma)
	case m.Scale > ScaleLogit:
		return fmt.Errorf("%w: StateSpace.Scale %d", ErrConfig, m.Scale)
	}
	if err := m.Tau.check(); err != nil {
		return err
	}
	return m.Identify.check()
}

func (m StateSpace) level() float64 {
	if m.Level == 0 {
		return 0.95
	}
	return m.Level
}

// useLogit decides the scale of share s on these polls.
func (m StateSpace) useLogit(ps *pollSet, s Share) bool {
	switch m.Scale {
	case ScalePoints:
		return false
	case ScaleLogit:
		return true
	}
	for i := range ps.items {
		if v := ps.items[i].value[s]; v < 10 || v > 90 {
			return true
		}
	}
	return false
}

// shareModel is one share's model prepared for fitting: its observations,
// identification and τ groups. (Shared with Bayes.)
type shareModel struct {
	o        *observations
	c        constraint
	fid      filterIdent
	tauOf    []int
	nTau     int
	fixedTau []float64 // non-nil: τ fixed
	logit    bool
	estSigma bool
	warnings []string
	// span, when every observation lies on one day of a longer series
	// (collapse), is the series' first day and length: the fit runs on
	// that one day and expand spreads its point over the span.
	span [2]int
}

// prepare builds the observations of share s, the identification
// constraint and the τ groups, and checks that there are enough polls.
func (m StateSpace) prepare(ps *pollSet, s Share) (*shareModel, error) {
	logit := m.useLogit(ps, s)
	o, err := observationsFor(ps, s, logit, m.FieldAverage)
	if err != nil {
		return nil, err
	}
	J := len(o.houses)
	c, fid, err := m.Identify.constraint(o, ps.profiles)
	if err != nil {
		return nil, err
	}
	// τ groups.
	var tauOf []int
	nTau := 0
	var fixedTau []float64
	switch m.Tau.kind {
	case tauGlobal:
		tauOf = make([]int, J)
		nTau = 1
		if m.Tau.fixed > 0 {
			fixedTau = []float64{m.Tau.fixed}
		}
	case tauPerHouse:
		tauOf = make([]int, J)
		for h := range tauOf {
			tauOf[h] = h
		}
		nTau = J
	}
	k := c.k()
	nObs := len(o.y)
	var warnings []string
	if o.skipped > 0 {
		warnings = append(warnings, fmt.Sprintf("%d of %d polls do not publish the %s share and were not used", o.skipped, len(ps.items), s))
	}
	var span [2]int
	if d0, n, ok := o.collapse(); ok {
		span = [2]int{d0, n}
	}
	estSigma := !(m.Sigma > 0) && o.nDays > 1
	// Enough polls: more than the free constants, plus one per estimated
	// variance parameter.
	need := k + nTau*boolInt(fixedTau == nil) + boolInt(estSigma)
	if nObs < need || (m.Tau.kind == tauNone && nObs < k) {
		return nil, fmt.Errorf("%w: %d polls of %s for %d free constants and %d variance parameters; fix Sigma (and Tau) or add polls",
			ErrTooFewPolls, nObs, s, k, need-k)
	}
	if o.nDays == 1 {
		warnings = append(warnings, oneDayWarning)
	}
	return &shareModel{o: o, c: c, fid: fid, tauOf: tauOf, nTau: nTau, fixedTau: fixedTau,
		logit: logit, estSigma: estSigma, warnings: warnings, span: span}, nil
}

// oneDayWarning is the warning of a fit whose polls all measure one day.
const oneDayWarning = "all polls measure one day (or one common fieldwork period): σ is not identified, so it is reported as 0 and the level is taken as constant over the series"

// expand spreads the one-day result of a collapsed series (prepare) over
// the series' span: the level is the same on every day (σ = 0), and the
// causal series holds it from the day of the polls on.
func (sm *shareModel) expand(res *ShareResult) {
	d0, n := sm.span[0], sm.span[1]
	if n == 0 || len(res.Series) != 1 {
		return
	}
	spread := func(p Point, from int) []Point {
		out := make([]Point, 0, d0+n-from)
		for d := from; d < d0+n; d++ {
			p.Date = dayTime(d)
			out = append(out, p)
		}
		return out
	}
	res.Series = spread(res.Series[0], d0)
	if len(res.Filtered) == 1 {
		res.Filtered = spread(res.Filtered[0], dayNumber(res.Filtered[0].Date))
	}
}

// fitShare fits one share.
func (m StateSpace) fitShare(ctx context.Context, ps *pollSet, s Share) (*ShareResult, error) {
	pm, err := m.prepare(ps, s)
	if err != nil {
		return nil, err
	}
	o, c, fid, tauOf, nTau, fixedTau := pm.o, pm.c, pm.fid, pm.tauOf, pm.nTau, pm.fixedTau
	defer o.release()
	logit, warnings := pm.logit, pm.warnings
	cr := newCore(o, c, tauOf, nTau)
	defer cr.release()
	fit, err := maximise(ctx, cr, m.Sigma, fixedTau)
	if err != nil {
		if errors.Is(err, errNotIdentified) {
			return nil, fmt.Errorf("%w: the polls of %s do not identify the house effects under %v identification", ErrTooFewPolls, s, m.Identify)
		}
		return nil, err
	}
	if !cr.ok {
		return nil, fmt.Errorf("%w: the polls of %s do not identify the house effects under %v identification", ErrTooFewPolls, s, m.Identify)
	}
	if fit.atBound {
		warnings = append(warnings, fmt.Sprintf("σ̂ = %.3g is at the end of the search range [1e-4, 50]", fit.sigma))
	}
	sm := cr.smooth()
	// Parameter uncertainty (Hamilton 1986) in the smoothed sds.
	if !m.PlugIn {
		for t, v := range cr.parameterVariance(fit) {
			sm.sd[t] = math.Sqrt(sm.sd[t]*sm.sd[t] + v)
		}
	}
	var fm, fsd []float64
	var fok []bool
	if !m.SkipFiltered {
		fm, fsd, fok, err = filtered(ctx, o, max(fit.sigma, 1e-12), fit.tau, tauOf, fid)
		if err != nil {
			return nil, err
		}
	}
	// Shared calibration errors of corrected polls (correction.go).
	cal, err := calibrationPass(ctx, o, c, tauOf, nTau, fit.sigma, fit.tau, fid, !m.SkipFiltered)
	if err != nil {
		return nil, err
	}
	if cal != nil {
		addVariance(sm.sd, cal.level)
		addVariance(fsd, cal.filtered)
		addVariance(sm.houseSD, cal.houses)
	}

	level := m.level()
	z := distuv.UnitNormal.Quantile(0.5 + level/2)
	tau2 := 0.0 // poll-weighted mean τ² for the poll band
	if nTau > 0 {
		for h, n := range o.counts {
			tv := fit.tau[tauOf[h]]
			tau2 += float64(n) * tv * tv
		}
		tau2 /= float64(sumInts(o.counts))
	}
	bandVar := o.meanS2() + tau2
	tr := transform{logit: logit}
	res := &ShareResult{Share: s}
	res.Series = make([]Point, o.nDays)
	for t := range res.Series {
		tr.setPoint(&res.Series[t], o.date(t), sm.mean[t], sm.sd[t], z, bandVar)
	}
	if !m.SkipFiltered {
		nf := 0
		for _, ok := range fok {
			nf += boolInt(ok)
		}
		res.Filtered = make([]Point, nf) // one allocation, not a growing slice of 80-byte points
		k := 0
		for t := range fm {
			if fok[t] {
				tr.setPoint(&res.Filtered[k], o.date(t), fm[t], fsd[t], z, bandVar)
				k++
			}
		}
		if len(res.Filtered) == 0 || !res.Filtered[0].Date.Equal(o.date(o.day[0])) {
			warnings = append(warnings, fmt.Sprintf("the filtered series starts on %s, the first day the past polls identify the level",
				firstFilteredDate(res.Filtered)))
		}
	}
	// House effects, in points (on the logit scale converted at the mean
	// level of the series).
	scale := tr.houseScale(sm.mean)
	for h, name := range o.houses {
		res.Houses = append(res.Houses, HouseEffect{Pollster: name, Value: scale * sm.beta[1+h], SE: scale * sm.houseSD[h], Polls: o.counts[h]})
	}
	res.Params = Params{Sigma: fit.sigma, LogLik: fit.ll, Other: map[string]float64{"evaluations": float64(fit.evals)}}
	if o.nDays == 1 {
		res.Params.Sigma = 0
	}
	if !math.IsNaN(fit.logSE) {
		res.Params.SigmaSE = fit.sigma * fit.logSE
	}
	if logit {
		res.Params.Other["logit"] = 1
	}
	if cr.band != nil {
		res.Params.Other["field_average_bandwidth"] = float64(cr.band.b)
	}
	switch m.Tau.kind {
	case tauGlobal:
		res.Params.Tau = map[string]float64{"": scale * fit.tau[0]}
	case tauPerHouse:
		res.Params.Tau = map[string]float64{}
		for h, name := range o.houses {
			res.Params.Tau[name] = scale * fit.tau[h]
		}
	}
	res.Diagnostics = residualDiagnostics(o, sm, fit, tauOf)
	res.Warnings = warnings
	recordCorrections(res, o, cal)
	pm.expand(res)
	return res, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func sumInts(v []int) int {
	s := 0
	for _, x := range v {
		s += x
	}
	return s
}

func firstFilteredDate(f []Point) string {
	if len(f) == 0 {
		return "(never)"
	}
	return f[0].Date.Format(time.DateOnly)
}

// transform maps the model scale to points.
type transform struct{ logit bool }

func invLogit(x float64) float64 { return 100 / (1 + math.Exp(-x)) }

// logitPoints is the inverse of invLogit: log(p/(100 − p)) for p in points
// (±Inf at 0 and 100).
func logitPoints(p float64) float64 { return math.Log(p / (100 - p)) }

// setPoint fills p, the Point of day d, from the model-scale mean and sd.
// It writes in place rather than return a Point: an 80-byte result holding
// a pointer (Date's location) was copied twice per day and stored under
// the garbage collector's bulk barrier, half of building the peers'
// series.
func (tr transform) setPoint(p *Point, d time.Time, mean, sd, z, bandVar float64) {
	pb := z * math.Sqrt(sd*sd+bandVar)
	p.Date = d
	if !tr.logit {
		// On the points scale a bound can leave [0, 100] (a share near 0 or
		// 100, or far from the polls): it is cut there, as a share cannot
		// lie outside. The mean stays as estimated unless it is outside too.
		p.Mean, p.SD = mean, sd
		p.Lower, p.Upper = mean-z*sd, mean+z*sd
		p.PollLower, p.PollUpper = mean-pb, mean+pb
		clampPoint(p)
		return
	}
	m := invLogit(mean)
	p.Mean, p.SD = m, sd*m*(100-m)/100
	p.Lower, p.Upper = invLogit(mean-z*sd), invLogit(mean+z*sd)
	p.PollLower, p.PollUpper = invLogit(mean-pb), invLogit(mean+pb)
}

// houseScale returns the factor converting a model-scale difference into
// points: 1 on the points scale, dp/dlogit = p(100 − p)/100 at the mean
// level of the smoothed series on the logit scale.
func (tr transform) houseScale(mean []float64) float64 {
	if !tr.logit {
		return 1
	}
	s := 0.0
	for _, v := range mean {
		s += v
	}
	p := invLogit(s / float64(len(mean)))
	return p * (100 - p) / 100
}

// residualDiagnostics reports the standardized residuals of the polls
// against the smoothed fit, r_i = (y_i − α̂_{t(i)} − δ̂_{h(i)})/√R_i: their
// mean square (≈ 1 when the variances are right, ≫ 1 when polls vary more
// than the model allows — fit τ) and the number beyond ±3 (outliers).
func residualDiagnostics(o *observations, sm smoothed, fit mlFit, tauOf []int) []Diagnostic {
	ss, n, out := 0.0, 0, 0
	for i, y := range o.y {
		h := o.house[i]
		if h < 0 {
			continue
		}
		r := o.variance(i, fit.tau, tauOf)
		e := (y - o.fittedLevel(sm.mean, i) - sm.beta[1+h]) / math.Sqrt(r)
		ss += e * e
		n++
		if math.Abs(e) > 3 {
			out++
		}
	}
	if n == 0 {
		return nil
	}
	msr := ss / float64(n)
	exp := 0.0027 * float64(n)
	return []Diagnostic{
		{Name: "residual-mean-square", Value: msr, OK: msr < 1.5,
			Note: "mean squared standardized residual against the smoothed fit; about 1 (a bit less, as the fit uses the polls) when the poll variances are right"},
		{Name: "outliers", Value: float64(out), OK: float64(out) <= exp+3*math.Sqrt(exp)+1,
			Note: fmt.Sprintf("polls with |standardized residual| > 3; %.1f expected", exp)},
	}
}
