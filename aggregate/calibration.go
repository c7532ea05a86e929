package aggregate

import (
	"context"
	"fmt"
	"math"

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
	keys        []string  // poll.Adjustment.Calibration of each shared calibration touching the poll
	loads       []float64 // change of the share per unit calibration error, points
	fallback    bool      // sampling variance fell back to the binomial one
}

// calibrationLoads are the loadings of n observations on the shared
// calibrations they touch: row k holds, per observation, the change of its
// share (model scale) per unit error of calibration names[k].
type calibrationLoads struct {
	names []string
	rows  [][]float64
}

// add records the loadings of observation i (of n), a corrected poll.
func (cl *calibrationLoads) add(i, n int, pc *pollCorrection) {
	for c, key := range pc.keys {
		k := 0
		for k < len(cl.names) && cl.names[k] != key {
			k++
		}
		if k == len(cl.names) {
			cl.names = append(cl.names, key)
			cl.rows = append(cl.rows, make([]float64, n))
		}
		cl.rows[k][i] += pc.loads[c]
	}
}

// addCorrection records observation i (of n) of a corrected poll.
func (o *observations) addCorrection(i, n int, pc *pollCorrection) {
	o.corrected++
	if pc.fallback {
		o.correctionFallback++
	}
	o.cal.add(i, n, pc)
}

// checkTrail reports an audit entry that the models cannot use: a
// Variance that is negative, NaN or infinite, a shift or a recorded
// Jacobian entry that is not finite.
func checkTrail(p *poll.Poll) error {
	for k, a := range p.Adjustments {
		bad := !(a.Variance >= 0) || math.IsInf(a.Variance, 1) ||
			math.IsNaN(a.Approve) || math.IsInf(a.Approve, 0) || math.IsInf(a.Disapprove, 0)
		if j := a.Jacobian; j != nil {
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
func correctionFor(p *poll.Poll, s Share, profiles *poll.Profiles) pollCorrection {
	var out pollCorrection
	aa, ad, dd := adjust.SamplingCovariance(*p, profiles)
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
		if j := adj.Jacobian; j != nil {
			P = [2][2]float64{
				{P[0][0]*j[0][0] + P[0][1]*j[1][0], P[0][0]*j[0][1] + P[0][1]*j[1][1]},
				{P[1][0]*j[0][0] + P[1][1]*j[1][0], P[1][0]*j[0][1] + P[1][1]*j[1][1]},
			}
		}
		if l == 0 {
			continue
		}
		if adj.Calibration == "" {
			out.independent += l * l
			continue
		}
		key := adj.Calibration
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
	if len(o.cal.rows) == 0 {
		return nil, nil
	}
	eff := &calibrationEffect{level: make([]float64, o.nDays), houses: make([]float64, len(o.houses))}
	if withFilter {
		eff.filtered = make([]float64, o.nDays)
	}
	sigma = max(sigma, 1e-12)
	for _, g := range o.cal.rows {
		og := *o
		og.y = g
		og.mem = scratch{} // o's pooled slices are o's to give back, not the copy's
		cr := newCore(&og, c, tauOf, nTau)
		if math.IsInf(cr.eval(sigma, tau), -1) {
			return nil, fmt.Errorf("%w: calibration pass: the constants are not identified", ErrTooFewPolls)
		}
		h := make([]float64, o.nDays)
		beta := cr.smoothedMeans(h)
		cr.release()
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
func recordCorrections(res *ShareResult, o *observations, eff *calibrationEffect) {
	if o.corrected == 0 {
		return
	}
	if res.Params.Other == nil {
		res.Params.Other = map[string]float64{}
	}
	res.Params.Other["corrected_polls"] = float64(o.corrected)
	res.Params.Other["calibrations"] = float64(len(o.cal.rows))
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
