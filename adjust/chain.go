package adjust

import (
	"errors"
	"fmt"
	"maps"
	"math"

	"github.com/candorpoll/candor/poll"
)

// Chain composes corrections, applied in order: each correction sees the
// poll as corrected by the ones before it.
//
// # Contract with the aggregate models
//
// Apply records every correction in the poll's Adjustments trail. For each
// entry, Variance (points²) is the variance the correction's own
// uncertainty adds to the corrected approve share; disapprove moves by the
// opposite amount (or takes the undecided rest), so the same variance
// applies to it. A model using corrected polls must add these variances to
// its intervals:
//
//   - Entries with a Calibration (every correction in this package) come
//     from one calibration (a measured gap, an assumed κ or γ) applied to
//     many polls. Their errors do not average out: two polls whose entries
//     have the same Calibration have errors with correlation 1 and
//     covariance √(Vᵢ·Vⱼ) ([SharedCovariance]). Treat them as a
//     common random effect, or, simplest, add [SharedVariance] of the polls
//     near a date to the variance of the latent level at that date (not to
//     each poll's sampling variance, where averaging would shrink it).
//   - Entries without a Calibration are independent across polls and add
//     to each poll's own variance ([IndependentVariance]).
//
// The poll's own sampling variance changes too: a correction that moves
// 82% to 74% on the logit scale also scales the sampling error by
// ∂A'/∂A = 1.29. [SamplingVariance] carries the multinomial sampling
// covariance of the published approve and disapprove shares through the
// recorded Jacobians of the chain (delta method). Recomputing a binomial
// variance from the corrected share instead is a cruder approximation
// (for that example 1.50 instead of 1.71 points of SE).
type Chain []Correction

// Apply returns corrected copies of polls; the input is never modified.
// Each copy's Approve and Disapprove are shifted by each correction in
// turn, Undecided (when published) takes the rest so that
// approve + disapprove + undecided is unchanged, and an entry is appended to
// a fresh copy of its Adjustments. Detail keeps the published four-point
// figures.
//
// A correction that cannot be applied to a poll, or that would move a
// share outside 0–100, is an error: Apply then returns nil and an error
// joining one error per failing poll (naming its index and the poll), so
// that no half-corrected series is ever used. Shares are never clamped.
func (c Chain) Apply(polls []poll.Poll) ([]poll.Poll, error) {
	out := make([]poll.Poll, len(polls))
	var errs []error
	for i := range polls {
		q, err := c.applyOne(polls[i])
		if err != nil {
			errs = append(errs, fmt.Errorf("poll %d: %w", i, err))
			continue
		}
		out[i] = q
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

func (c Chain) applyOne(p poll.Poll) (poll.Poll, error) {
	q := p
	q.Adjustments = nil
	for _, a := range p.Adjustments {
		q.Adjustments = append(q.Adjustments, cloneAdjustment(a))
	}
	if p.Detail != nil {
		d := *p.Detail
		q.Detail = &d
	}
	for k, corr := range c {
		if corr == nil {
			return q, fmt.Errorf("adjust: chain: %w: correction %d is nil", ErrValue, k)
		}
		adj, err := corr.Adjust(q)
		if err != nil {
			return q, err
		}
		if adj.Name == "" && adj.Approve == 0 && adj.Disapprove == 0 && adj.Variance == 0 {
			continue // a deliberate no-op (Segmented with a nil Correction)
		}
		if math.IsNaN(adj.Approve) || math.IsNaN(adj.Disapprove) || !(adj.Variance >= 0) || math.IsInf(adj.Variance, 1) {
			return q, fmt.Errorf("adjust: chain: correction %q on %v: %w: shifts %v, %v, variance %v", adj.Name, &q, ErrValue, adj.Approve, adj.Disapprove, adj.Variance)
		}
		next := q
		next.Approve += adj.Approve
		next.Disapprove += adj.Disapprove
		if !math.IsNaN(q.Undecided) {
			next.Undecided -= adj.Approve + adj.Disapprove
			// Shares moved out of undecided may leave a rounding residue.
			if math.Abs(next.Undecided) < 1e-9 {
				next.Undecided = 0
			}
		} else if math.Abs(adj.Approve+adj.Disapprove) > 1e-9 {
			return q, fmt.Errorf("adjust: chain: correction %q on %v: %w: moves shares from the unpublished undecided share", adj.Name, &q, ErrValue)
		}
		for _, s := range []struct {
			name string
			v    float64
		}{{"approve", next.Approve}, {"disapprove", next.Disapprove}, {"undecided", next.Undecided}} {
			if !math.IsNaN(s.v) && !(s.v >= -1e-9 && s.v <= 100+1e-9) {
				return q, fmt.Errorf("adjust: chain: correction %q on %v: %w: %s would become %.4g", adj.Name, &q, poll.ErrShareRange, s.name, s.v)
			}
		}
		next.Adjustments = append(next.Adjustments, cloneAdjustment(adj))
		q = next
	}
	return q, nil
}

// cloneAdjustment returns a copy of a that shares no memory with it, so
// that a corrected poll's trail cannot change under the caller.
func cloneAdjustment(a poll.Adjustment) poll.Adjustment {
	a.Params = maps.Clone(a.Params)
	if a.Jacobian != nil {
		j := *a.Jacobian
		a.Jacobian = &j
	}
	return a
}

// SharedVariance returns the sum of the Variance of the entries of p's
// audit trail that have a Calibration, in points²: the part of the corrected approve share's
// uncertainty that is common to every poll corrected with the same
// evidence and that pooling polls cannot reduce.
func SharedVariance(p poll.Poll) float64 {
	var v float64
	for _, a := range p.Adjustments {
		if a.Calibration != "" {
			v += a.Variance
		}
	}
	return v
}

// IndependentVariance returns the sum of the Variance of the entries in
// p's audit trail without a Calibration, in points².
func IndependentVariance(p poll.Poll) float64 {
	var v float64
	for _, a := range p.Adjustments {
		if a.Calibration == "" {
			v += a.Variance
		}
	}
	return v
}

// SharedCovariance returns the covariance, in points², between the
// corrected approve shares of two polls due to shared corrections: the sum
// of √(Vᵢ·Vⱼ) over pairs of entries with the same non-empty Calibration
// (the same evidence applied to both). SharedCovariance(p, p) equals
// SharedVariance(p) when no calibration appears twice in one trail.
func SharedCovariance(p, q poll.Poll) float64 {
	var c float64
	for _, a := range p.Adjustments {
		if a.Calibration == "" {
			continue
		}
		for _, b := range q.Adjustments {
			if b.Calibration == a.Calibration {
				c += math.Sqrt(a.Variance * b.Variance)
			}
		}
	}
	return c
}

// SamplingVariance returns the sampling variances, in points², of a
// corrected poll's approve and disapprove shares: the multinomial
// covariance of the published shares,
//
//	Σ₀ = 10⁴·deff/n·[[a(1 − a), −ab], [−ab, b(1 − b)]],
//
// with a, b the published shares as proportions (recovered from the
// current shares and the recorded shifts) and n/deff the poll's effective
// sample size under the pollster profiles (nil: poll.DefaultProfiles();
// [poll.Profiles.SampleSize]), carried through each entry of the
// audit trail by its recorded Jacobian J (Σ ← JΣJᵀ; entries without one
// pass Σ through). For an uncorrected poll it is the squared
// [poll.Poll.StandardError] of each share. Both are NaN when the sample
// size is unknown or a share unpublished.
//
// The total variance of a corrected approve share is SamplingVariance +
// IndependentVariance + SharedVariance, the last common to every poll
// corrected with the same evidence.
func SamplingVariance(p poll.Poll, profiles *poll.Profiles) (approve, disapprove float64) {
	aa, _, dd := SamplingCovariance(p, profiles)
	return aa, dd
}

// SamplingCovariance is [SamplingVariance] with the covariance of the two
// shares: the entries aa, ad, dd of the propagated 2×2 sampling covariance
// of the corrected approve and disapprove shares, in points². The sampling
// variance of the corrected undecided share, total − A − D, is
// aa + 2ad + dd. All three are NaN when the sample size is unknown or a
// share unpublished.
func SamplingCovariance(p poll.Poll, profiles *poll.Profiles) (aa, ad, dd float64) {
	a, b := p.Approve, p.Disapprove
	for _, adj := range p.Adjustments {
		a -= adj.Approve
		b -= adj.Disapprove
	}
	neff := profiles.SampleSize(&p)
	if neff <= 0 || math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN(), math.NaN(), math.NaN()
	}
	a, b = a/100, b/100
	k := 1e4 / neff
	saa, sad, sdd := k*a*(1-a), -k*a*b, k*b*(1-b)
	for _, adj := range p.Adjustments {
		j := adj.Jacobian
		if j == nil {
			continue
		}
		jaa, jad, jda, jdd := j[0][0], j[0][1], j[1][0], j[1][1]
		// Σ' = JΣJᵀ for J = [[jaa, jad], [jda, jdd]].
		naa := jaa*jaa*saa + 2*jaa*jad*sad + jad*jad*sdd
		nad := jaa*jda*saa + (jaa*jdd+jad*jda)*sad + jad*jdd*sdd
		ndd := jda*jda*saa + 2*jda*jdd*sad + jdd*jdd*sdd
		saa, sad, sdd = naa, nad, ndd
	}
	return saa, sad, sdd
}
