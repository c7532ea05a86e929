package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/poll"
)

// This file carries the uncertainty of corrections (adjust.Chain, recorded
// in poll.Poll.Adjustments) into the models. See "Corrections and their
// uncertainty" in doc.go for the model.

// pollCorrection is what a corrected poll's audit trail means for one
// share, in points: the variance of the share that is the poll's own
// (sampling error carried through the corrections, plus the corrections'
// independent errors) and its loadings on the shared calibrations.
type pollCorrection struct {
	sampling    float64   // points²: sampling error through the corrections; NaN when unavailable
	independent float64   // points²: the corrections' independent errors
	keys        []string  // adjust.CalibrationKey of each shared calibration touching the poll
	loads       []float64 // change of the share per unit calibration error, points
	fallback    bool      // sampling variance fell back to the binomial one
}

// addCorrection records observation i (of n) of a corrected poll.
func (o *observations) addCorrection(i, n int, pc *pollCorrection) {
	o.corrected++
	if pc.fallback {
		o.correctionFallback++
	}
	for c, key := range pc.keys {
		k := 0
		for k < len(o.calibrations) && o.calibrations[k] != key {
			k++
		}
		if k == len(o.calibrations) {
			o.calibrations = append(o.calibrations, key)
			o.loads = append(o.loads, make([]float64, n))
		}
		o.loads[k][i] += pc.loads[c]
	}
}

// checkTrail reports an audit entry that the models cannot use: a
// Variance that is negative, NaN or infinite, a shift or a recorded
// Jacobian entry that is not finite.
func checkTrail(p *poll.Poll) error {
	for k, a := range p.Adjustments {
		bad := !(a.Variance >= 0) || math.IsInf(a.Variance, 1) ||
			math.IsNaN(a.Approve) || math.IsInf(a.Approve, 0) || math.IsInf(a.Disapprove, 0)
		if j, ok := adjust.Jacobian(a); ok {
			for _, row := range j {
				for _, v := range row {
					bad = bad || math.IsNaN(v) || math.IsInf(v, 0)
				}
			}
		}
		if bad {
			return fmt.Errorf("adjustment %d (%q): variance %v, shifts %v, %v, or its Jacobian is not usable", k, a.Name, a.Variance, a.Approve, a.Disapprove)
		}
	}
	return nil
}

// correctionFor reads p's audit trail for share s.
//
// Entry k's error, of sd √V_k, moves the approve share it produced by
// +√V_k and disapprove by −√V_k (the adjust.Chain contract: disapprove
// moves opposite, or takes the undecided rest; a Shared correction moves
// every poll's approve share the same way). The corrections after it
// carry that error on through their Jacobians (adjust.Jacobian), so its
// loading on the final shares is J_n⋯J_{k+1}·(√V_k, −√V_k); undecided,
// total − A − D, gets minus the sum. With no later Jacobian the approve
// loading is √V_k and its square the entry's Variance, as in
// adjust.SharedVariance and adjust.IndependentVariance.
func correctionFor(p *poll.Poll, s Share) pollCorrection {
	var out pollCorrection
	aa, ad, dd := adjust.SamplingCovariance(*p)
	switch s {
	case Approve:
		out.sampling = aa
	case Disapprove:
		out.sampling = dd
	default:
		out.sampling = aa + 2*ad + dd
	}
	// Walk back from the last entry, accumulating P = J_n⋯J_{k+1}.
	P := [2][2]float64{{1, 0}, {0, 1}}
	for k := len(p.Adjustments) - 1; k >= 0; k-- {
		adj := p.Adjustments[k]
		sd := math.Sqrt(adj.Variance)
		la := (P[0][0] - P[0][1]) * sd
		ld := (P[1][0] - P[1][1]) * sd
		var l float64
		switch s {
		case Approve:
			l = la
		case Disapprove:
			l = ld
		default:
			l = -(la + ld)
		}
		if j, ok := adjust.Jacobian(adj); ok {
			P = [2][2]float64{
				{P[0][0]*j[0][0] + P[0][1]*j[1][0], P[0][0]*j[0][1] + P[0][1]*j[1][1]},
				{P[1][0]*j[0][0] + P[1][1]*j[1][0], P[1][0]*j[0][1] + P[1][1]*j[1][1]},
			}
		}
		if l == 0 {
			continue
		}
		if !adj.Shared {
			out.independent += l * l
			continue
		}
		key := adjust.CalibrationKey(adj)
		found := false
		for c, k2 := range out.keys {
			if k2 == key {
				// The same evidence twice in one trail: one error, the
				// loadings add (adjust.SharedCovariance).
				out.loads[c] += l
				found = true
				break
			}
		}
		if !found {
			out.keys = append(out.keys, key)
			out.loads = append(out.loads, l)
		}
	}
	return out
}

// correctedVariance returns the model-scale variance of a corrected poll's
// share y (points) with effective sample size neff, and its factor from
// points to the model scale (1, or 1/(100·q(1 − q)) on the logit scale
// with q the share as clamped for the variance). The variance is
// the sampling variance (floored at the variance an uncorrected poll of
// share varianceFloorShare would get, so that no corrected poll gets
// infinite weight) plus the independent variance, converted; fallback
// reports that the delta method was unavailable (a share the correction
// needs unpublished) and the binomial variance at the corrected share was
// used for the sampling part instead.
func correctedVariance(pc pollCorrection, y, neff float64, logit bool) (v, scale float64, fallback bool) {
	yv := min(max(y, varianceFloorShare), 100-varianceFloorShare)
	pts := pc.sampling
	if math.IsNaN(pts) {
		fallback = true
		pts = yv * (100 - yv) / neff
	}
	pts = max(pts, varianceFloorShare*(100-varianceFloorShare)/neff) + pc.independent
	scale = 1
	if logit {
		q := yv / 100
		scale = 1 / (100 * q * (1 - q))
	}
	return pts * scale * scale, scale, fallback
}

// calibrationEffect is the variance the shared calibration errors add to
// a fit's estimates, on the model scale.
type calibrationEffect struct {
	level    []float64 // smoothed level, per day
	filtered []float64 // filtered level, per day (nil when not computed)
	houses   []float64 // house effects, per house
	beta     [][]float64
	h        [][]float64 // per calibration, the smoothed response h_t (model scale)
}

// calibrationPass computes, for each shared calibration c of o, the
// response of the fitted estimates to its loadings: every estimate of the
// model is linear and homogeneous in the observations at fixed σ and τ
// (the level and house effects are diffuse constants: no prior mean
// enters; an anchor's value enters, but a calibration does not move it, so
// anchors get loading 0), so an error of size 1 in calibration c moves the
// smoothed level by h_t — the smoother applied to the loadings in place of
// the polls — and its variance adds h_t² (the errors are N(0, 1) per
// calibration, independent across calibrations). Likewise for the house
// effects and, when withFilter, the causal filter. Cost: one likelihood
// evaluation and one smoother pass (plus one filter pass) per calibration;
// nothing is refitted.
func calibrationPass(ctx context.Context, o *observations, c constraint, tauOf []int, nTau int, sigma float64, tau []float64, fid filterIdent, withFilter bool) (*calibrationEffect, error) {
	if len(o.loads) == 0 {
		return nil, nil
	}
	eff := &calibrationEffect{level: make([]float64, o.nDays), houses: make([]float64, len(o.houses))}
	if withFilter {
		eff.filtered = make([]float64, o.nDays)
	}
	sigma = max(sigma, 1e-12)
	for _, g := range o.loads {
		og := *o
		og.y = g
		cr := newCore(&og, c, tauOf, nTau)
		if math.IsInf(cr.eval(sigma, tau), -1) {
			return nil, fmt.Errorf("%w: calibration pass: the constants are not identified", ErrTooFewPolls)
		}
		h := make([]float64, o.nDays)
		beta := cr.smoothedMeans(h)
		for t, v := range h {
			eff.level[t] += v * v
		}
		for j := range eff.houses {
			eff.houses[j] += beta[1+j] * beta[1+j]
		}
		eff.h = append(eff.h, h)
		eff.beta = append(eff.beta, beta)
		if withFilter {
			fm, _, _, err := filtered(ctx, &og, sigma, tau, tauOf, fid)
			if err != nil {
				return nil, err
			}
			for t, v := range fm {
				eff.filtered[t] += v * v
			}
		}
	}
	return eff, nil
}

// addVariance widens sds (model scale) by the extra variances v.
func addVariance(sd, v []float64) {
	for i := range sd {
		sd[i] = math.Sqrt(sd[i]*sd[i] + v[i])
	}
}

// recordCorrections documents in res what the corrections did:
// Params.Other "corrected_polls" (polls of the share with an audit trail),
// "calibrations" (shared calibrations), and "calibration_var_mean" and
// "calibration_var_max", the mean and largest variance (points²) the
// calibrations added to the smoothed level over the days; plus a warning
// for polls whose sampling variance fell back to the binomial one.
func recordCorrections(res *Result, o *observations, eff *calibrationEffect) {
	if o.corrected == 0 {
		return
	}
	if res.Params.Other == nil {
		res.Params.Other = map[string]float64{}
	}
	res.Params.Other["corrected_polls"] = float64(o.corrected)
	res.Params.Other["calibrations"] = float64(len(o.loads))
	if eff != nil {
		sum, worst := 0.0, 0.0
		for t, v := range eff.level {
			f := 1.0
			if o.logit {
				p := res.Series[t].Mean
				f = p * (100 - p) / 100
			}
			v *= f * f
			sum += v
			worst = max(worst, v)
		}
		res.Params.Other["calibration_var_mean"] = sum / float64(len(eff.level))
		res.Params.Other["calibration_var_max"] = worst
	}
	if o.correctionFallback > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d corrected polls do not publish a share their corrections used: their sampling variance is the binomial one at the corrected %s share",
			o.correctionFallback, o.share))
	}
}

// addCalibrationDraws adds the shared calibration errors of corrected
// polls to the retained draws of every chain: for each draw, an error
// c_k ~ N(0, 1) per calibration k, drawn from its own PCG stream (Seed,
// share·2³² + 2³¹), moves the daily level by c_k·h_{k,t} and the constants
// by c_k times their response, with h the response of calibrationPass at
// the posterior means of σ and τ (a plug-in: h changes little with σ and
// τ). Drawing c_k from its prior ignores the little the polls say about
// it (a calibration error is confounded with the level wherever every
// poll is corrected alike). The quantile intervals, the house effects'
// sds and Draws then include the calibration uncertainty.
func (b *bayesShare) addCalibrationDraws(ctx context.Context, outs []*chainOut) (*calibrationEffect, error) {
	sm := b.sm
	o := sm.o
	if len(o.loads) == 0 {
		return nil, nil
	}
	sigma, n := 0.0, 0
	tau := make([]float64, sm.nTau)
	for _, out := range outs {
		for i, s := range out.sigma {
			sigma += s
			n++
			for g := range tau {
				tau[g] += out.tau[g][i]
			}
		}
	}
	sigma /= float64(n)
	for g := range tau {
		tau[g] /= float64(n)
	}
	eff, err := calibrationPass(ctx, o, sm.c, sm.tauOf, sm.nTau, sigma, tau, sm.fid, false)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(b.seed, b.stream+1<<31))
	T := o.nDays
	z := make([]float64, len(eff.h))
	for _, out := range outs {
		for i := range out.sigma {
			for k := range z {
				z[k] = rng.NormFloat64()
			}
			if i%b.thin == 0 { // the level is kept for every thin-th draw
				j := i / b.thin
				lat := out.latent[j*T : (j+1)*T]
				for t := range lat {
					v := 0.0
					for k, h := range eff.h {
						v += z[k] * h[t]
					}
					lat[t] += float32(v)
				}
			}
			for a := range out.beta {
				for k, beta := range eff.beta {
					out.beta[a][i] += z[k] * beta[a]
				}
			}
		}
	}
	return eff, nil
}

// auditCorrections makes Average's sample-size weights and sampling
// variances consistent with the audit trails: a corrected poll's effective
// sample size becomes the one whose binomial variance at its corrected
// approve share equals the variance StateSpace gives it (sampling error
// through the corrections plus their independent error). It reports
// whether any poll was corrected (the weights must then be recomputed);
// an unusable audit trail is an error (joined *PollError, ErrInvalidPoll).
func (p *prepared) auditCorrections(polls []poll.Poll) (bool, error) {
	var errs []error
	for i := range polls {
		if err := checkTrail(&polls[i]); err != nil {
			errs = append(errs, &PollError{Index: i, Source: polls[i].Source, Line: polls[i].Line, Err: err})
		}
	}
	if len(errs) > 0 {
		return false, errors.Join(errs...)
	}
	changed := false
	for i := range p.polls {
		q := &p.polls[i]
		src := &polls[q.src]
		if len(src.Adjustments) == 0 || !(q.n > 0) || math.IsNaN(q.approve) {
			continue
		}
		v, _, _ := correctedVariance(correctionFor(src, Approve), q.approve, q.n, false)
		y := min(max(q.approve, varianceFloorShare), 100-varianceFloorShare)
		q.n = y * (100 - y) / v
		changed = true
	}
	return changed, nil
}

// addCalibration widens an Average result of share s by the shared
// calibration errors of corrected polls. The trend is a kernel-weighted
// mean of the house-adjusted polls, so a calibration error c moves it on
// day t by c·h_t with h_t the same weighted mean of the loadings g_i
// (house effects held fixed: a correction that touches every house alike
// leaves them unchanged); Σ_c h_{c,t}² is added to the variance of the
// mean of the centred (Series) and causal (Filtered) trends, the interval
// keeps its quantile factor and the band widens in quadrature. Days
// carried forward take the last day's h. House-effect SEs are not widened.
func (p *prepared) addCalibration(c *avgConfig, polls []poll.Poll, r *Result, s Share) {
	if r == nil || len(r.Series) == 0 {
		return
	}
	var keys []string
	var loads [][]float64
	corrected := 0
	for i, q := range p.polls {
		src := &polls[q.src]
		if len(src.Adjustments) == 0 || !(q.w > 0) || math.IsNaN(s.value(src)) {
			continue
		}
		corrected++
		pc := correctionFor(src, s)
		for k, key := range pc.keys {
			j := 0
			for j < len(keys) && keys[j] != key {
				j++
			}
			if j == len(keys) {
				keys = append(keys, key)
				loads = append(loads, make([]float64, len(p.polls)))
			}
			loads[j][i] += pc.loads[k]
		}
	}
	if corrected == 0 {
		return
	}
	if r.Params.Other == nil {
		r.Params.Other = map[string]float64{}
	}
	r.Params.Other["corrected_polls"] = float64(corrected)
	r.Params.Other["calibrations"] = float64(len(keys))
	if len(keys) == 0 {
		return
	}
	widen := func(pts []Point, centred bool) (sum, worst float64) {
		if len(pts) == 0 {
			return 0, 0
		}
		M := len(c.kernel) - 1
		lo := dayNumber(pts[0].Date)
		first, last := lo-M, max(lo+len(pts)-1, p.last)+M
		for _, q := range p.polls {
			first = min(first, q.mid-M, q.end-M)
		}
		extra := make([]float64, len(pts))
		for _, g := range loads {
			sm := newSums(first, last)
			for i, q := range p.polls {
				src := &polls[q.src]
				if !(q.w > 0) || math.IsNaN(s.value(src)) {
					continue
				}
				if centred {
					sm.addCentred(q.mid, q.w, g[i], c.kernel)
				} else {
					sm.addCausal(q.end, q.w, g[i], c.kernel)
				}
			}
			h := make([]float64, len(pts))
			firstSet := -1
			for j := range pts {
				t := lo + j - first
				switch {
				case sm.w[t] > 1e-12:
					h[j] = sm.wx[t] / sm.w[t]
					if firstSet < 0 {
						firstSet = j
					}
				case j > 0:
					h[j] = h[j-1]
				}
			}
			for j := 0; j < firstSet; j++ {
				h[j] = h[firstSet]
			}
			for j, v := range h {
				extra[j] += v * v
			}
		}
		for j := range pts {
			widenPoint(&pts[j], extra[j], c.z)
			sum += extra[j]
			worst = max(worst, extra[j])
		}
		return sum / float64(len(pts)), worst
	}
	mean, worst := widen(r.Series, true)
	widen(r.Filtered, false)
	r.Params.Other["calibration_var_mean"] = mean
	r.Params.Other["calibration_var_max"] = worst
}

// widenPoint adds variance v (points²) to the variance of a point's mean:
// the interval keeps its half-width per SD (Average's quantile factor, read
// off an unclamped end; z when both ends are clamped), the band widens in
// quadrature; both are clamped into [0, 100] again.
func widenPoint(pt *Point, v, z float64) {
	if !(v > 0) || math.IsNaN(pt.SD) || math.IsNaN(pt.Mean) {
		return
	}
	sd := math.Sqrt(pt.SD*pt.SD + v)
	q := z
	switch {
	case pt.SD > 0 && pt.Upper < 100:
		q = (pt.Upper - pt.Mean) / pt.SD
	case pt.SD > 0 && pt.Lower > 0:
		q = (pt.Mean - pt.Lower) / pt.SD
	}
	band := z * sd
	switch {
	case pt.PollUpper < 100:
		band = math.Sqrt((pt.PollUpper-pt.Mean)*(pt.PollUpper-pt.Mean) + z*z*v)
	case pt.PollLower > 0:
		band = math.Sqrt((pt.Mean-pt.PollLower)*(pt.Mean-pt.PollLower) + z*z*v)
	}
	pt.SD = sd
	pt.Lower, pt.Upper = pt.Mean-q*sd, pt.Mean+q*sd
	pt.PollLower, pt.PollUpper = pt.Mean-band, pt.Mean+band
	clampPoint(pt)
}
