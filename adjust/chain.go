package adjust

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

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
//   - Shared entries (every correction in this package) come from one
//     calibration (a measured gap, an assumed κ or γ) applied to many
//     polls. Their errors do not average out: two polls whose Shared
//     entries have the same Name and Params have errors with correlation
//     1 and covariance √(Vᵢ·Vⱼ) ([SharedCovariance]). Treat them as a
//     common random effect, or, simplest, add [SharedVariance] of the polls
//     near a date to the variance of the latent level at that date (not to
//     each poll's sampling variance, where averaging would shrink it).
//   - Entries with Shared = false are independent across polls and add to
//     each poll's own variance ([IndependentVariance]).
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
	q.Adjustments = slices.Clone(p.Adjustments)
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
		adj.Params = maps.Clone(adj.Params)
		next.Adjustments = append(next.Adjustments, adj)
		q = next
	}
	return q, nil
}

// SharedVariance returns the sum of the Variance of the Shared entries in
// p's audit trail, in points²: the part of the corrected approve share's
// uncertainty that is common to every poll corrected with the same
// evidence and that pooling polls cannot reduce.
func SharedVariance(p poll.Poll) float64 {
	var v float64
	for _, a := range p.Adjustments {
		if a.Shared {
			v += a.Variance
		}
	}
	return v
}

// IndependentVariance returns the sum of the Variance of the entries in
// p's audit trail that are not Shared, in points².
func IndependentVariance(p poll.Poll) float64 {
	var v float64
	for _, a := range p.Adjustments {
		if !a.Shared {
			v += a.Variance
		}
	}
	return v
}

// SharedCovariance returns the covariance, in points², between the
// corrected approve shares of two polls due to shared corrections: the sum
// of √(Vᵢ·Vⱼ) over pairs of Shared entries with the same Name and Params
// (the same calibration applied to both). SharedCovariance(p, p) equals
// SharedVariance(p) when no calibration appears twice in one trail.
func SharedCovariance(p, q poll.Poll) float64 {
	var c float64
	for _, a := range p.Adjustments {
		if !a.Shared {
			continue
		}
		for _, b := range q.Adjustments {
			if b.Shared && a.Name == b.Name && sameEvidence(a.Params, b.Params) {
				c += math.Sqrt(a.Variance * b.Variance)
			}
		}
	}
	return c
}

// sameEvidence compares two Params maps ignoring the per-poll entries
// (names starting with "poll.").
func sameEvidence(a, b map[string]float64) bool {
	n := 0
	for k, v := range a {
		if strings.HasPrefix(k, "poll.") {
			continue
		}
		n++
		w, ok := b[k]
		if !ok || w != v {
			return false
		}
	}
	for k := range b {
		if !strings.HasPrefix(k, "poll.") {
			n--
		}
	}
	return n == 0
}

// SamplingVariance returns the sampling variances, in points², of a
// corrected poll's approve and disapprove shares: the multinomial
// covariance of the published shares,
//
//	Σ₀ = 10⁴·deff/n·[[a(1 − a), −ab], [−ab, b(1 − b)]],
//
// with a, b the published shares as proportions (recovered from the
// current shares and the recorded shifts) and n/deff the poll's
// [poll.Poll.EffectiveSampleSize], carried through each entry of the
// audit trail by its recorded Jacobian J (Σ ← JΣJᵀ; entries without one
// pass Σ through). For an uncorrected poll it is the squared
// [poll.Poll.StandardError] of each share. Both are NaN when the sample
// size is unknown or a share unpublished.
//
// The total variance of a corrected approve share is SamplingVariance +
// IndependentVariance + SharedVariance, the last common to every poll
// corrected with the same evidence.
func SamplingVariance(p poll.Poll) (approve, disapprove float64) {
	aa, _, dd := SamplingCovariance(p)
	return aa, dd
}

// SamplingCovariance is [SamplingVariance] with the covariance of the two
// shares: the entries aa, ad, dd of the propagated 2×2 sampling covariance
// of the corrected approve and disapprove shares, in points². The sampling
// variance of the corrected undecided share, total − A − D, is
// aa + 2ad + dd. All three are NaN when the sample size is unknown or a
// share unpublished.
func SamplingCovariance(p poll.Poll) (aa, ad, dd float64) {
	a, b := p.Approve, p.Disapprove
	for _, adj := range p.Adjustments {
		a -= adj.Approve
		b -= adj.Disapprove
	}
	neff := p.EffectiveSampleSize()
	if neff <= 0 || math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN(), math.NaN(), math.NaN()
	}
	a, b = a/100, b/100
	k := 1e4 / neff
	saa, sad, sdd := k*a*(1-a), -k*a*b, k*b*(1-b)
	for _, adj := range p.Adjustments {
		j, ok := Jacobian(adj)
		if !ok {
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

// Jacobian returns the derivatives an audit entry records of the shares it
// produced with respect to the shares it was applied to,
// j = [[∂A'/∂A, ∂A'/∂D], [∂D'/∂A, ∂D'/∂D]] (the Params "poll.dA/dA"…,
// see [Correction]), and whether it records them. An entry without them
// passes errors through unchanged (j is then the identity).
func Jacobian(a poll.Adjustment) (j [2][2]float64, ok bool) {
	jaa, ok1 := a.Params[keyAA]
	jad, ok2 := a.Params[keyAD]
	jda, ok3 := a.Params[keyDA]
	jdd, ok4 := a.Params[keyDD]
	if !(ok1 && ok2 && ok3 && ok4) {
		return [2][2]float64{{1, 0}, {0, 1}}, false
	}
	return [2][2]float64{{jaa, jad}, {jda, jdd}}, true
}

// CalibrationKey returns a string identifying the evidence of an audit
// entry: its Name and its Params except the per-poll ones (names starting
// with "poll."), sorted by name, with values written exactly. Two Shared
// entries share one calibration error ([SharedCovariance]) exactly when
// their keys are equal (NaN parameters aside, which SharedCovariance never
// matches). Models that treat each calibration as one random effect group
// entries by this key.
func CalibrationKey(a poll.Adjustment) string {
	keys := make([]string, 0, len(a.Params))
	for k := range a.Params {
		if !strings.HasPrefix(k, "poll.") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(a.Name)
	for _, k := range keys {
		v := a.Params[k]
		if v == 0 {
			v = 0 // −0 and 0 are the same evidence
		}
		b.WriteString(" " + k + "=" + strconv.FormatFloat(v, 'g', -1, 64))
	}
	return b.String()
}
