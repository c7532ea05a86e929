package adjust

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/candorpoll/candor/poll"
)

// Correction computes a fear-of-response (or other) correction of one
// poll's published shares. [Chain] applies corrections in order and keeps
// the audit trail.
//
// Adjust returns the change it would make to p, without modifying p, as a
// poll.Adjustment: Approve and Disapprove are the shifts in points;
// Variance is the variance in points² the correction's own uncertainty
// adds to the corrected approve share; Calibration, when not empty, says
// that this error is common to every poll corrected with the same
// evidence. Implementations must
//
//   - move shares only among approve, disapprove and undecided, so that
//     Chain can set undecided to undecided − ΔApprove − ΔDisapprove;
//   - give a shared error a Calibration that names the evidence used (the
//     corrections here use their Name and Params): two adjustments with
//     the same Calibration are treated as one calibration error, perfectly
//     correlated across polls ([SharedCovariance]), so the parameter error
//     must move every poll's approve share in the same direction;
//   - optionally record in Jacobian how the corrected shares depend on the
//     shares they were computed from (∂A'/∂A, ∂A'/∂D, ∂D'/∂A, ∂D'/∂D, with
//     undecided = total − A − D), so that [SamplingVariance] can carry the
//     poll's own sampling error through the correction. A correction that
//     records none is taken to pass sampling error through unchanged.
type Correction interface {
	Adjust(p poll.Poll) (poll.Adjustment, error)
}

// GapScale is the scale on which a falsification gap is transported from
// the survey where it was measured to other polls: what is assumed
// constant across polls (points, a ratio, log-odds or a share of private
// opponents).
type GapScale uint8

// Scales for [GapCorrection]. With a the poll's approve share and the
// measures of [Falsification]:
const (
	// ScaleLogit (the default): â = expit(logit a − κ). The shift is
	// largest near 50% and vanishes near 0 and 100%; â cannot leave (0, 1).
	ScaleLogit GapScale = iota
	// ScaleAdditive: â = a − G, the same number of points everywhere. An
	// approve share below G is an error.
	ScaleAdditive
	// ScaleRatio: â = a·R, the same share of stated approvers everywhere.
	ScaleRatio
	// ScaleKuran: â = (a − f)/(1 − f), the same share of private opponents
	// falsifying everywhere (Kuran 1995); the inverse of a = π + f(1 − π).
	// An approve share below f is an error.
	ScaleKuran
)

var gapScaleNames = [...]string{"logit", "additive", "ratio", "kuran"}

// String returns "logit", "additive", "ratio" or "kuran".
func (s GapScale) String() string {
	if int(s) < len(gapScaleNames) {
		return gapScaleNames[s]
	}
	return fmt.Sprintf("GapScale(%d)", uint8(s))
}

// GapCorrection applies a falsification gap measured by a direct/indirect
// pair to a poll's approve share, on the chosen scale, with the gap's
// calibration variance added as a shared error:
//
//	ScaleLogit     Var = (â(1 − â))²·Var(κ̂)
//	ScaleAdditive  Var = Var(Ĝ)
//	ScaleRatio     Var = a²·Var(R̂)
//	ScaleKuran     Var = ((1 − a)/(1 − f)²)²·Var(f̂)
//
// (in proportions²; the adjustment reports points²). Disapprove moves by
// the opposite amount and undecided is untouched: the approvers the
// correction removes are, under the model, private opponents who would say
// "disapprove" if they felt safe (Kuran's no-false-opposition assumption).
//
// The name in the audit trail is "falsification-gap"; its Params hold
// direct, direct_se, list, list_se, cov, scale (the GapScale number),
// param and param_se (the measure on that scale); its Jacobian is the
// poll's own (see [Correction]).
type GapCorrection struct {
	Falsification
	Scale GapScale
}

// Adjust implements [Correction].
func (g GapCorrection) Adjust(p poll.Poll) (poll.Adjustment, error) {
	m, err := g.Measures()
	if err != nil {
		return poll.Adjustment{}, err
	}
	a, err := approveShare(p)
	if err != nil {
		return poll.Adjustment{}, err
	}
	var est Estimate
	var adj, sd float64 // adjusted share, SD of the correction (proportions)
	switch g.Scale {
	case ScaleLogit:
		if !(a > 0 && a < 1) {
			return poll.Adjustment{}, fmt.Errorf("adjust: falsification gap (logit) on %v: %w: approve %v%% has no logit", &p, poll.ErrShareRange, p.Approve)
		}
		est = m.LogitShift
		adj = expit(logit(a) - est.Value)
		sd = adj * (1 - adj) * est.SE
	case ScaleAdditive:
		est = m.Gap
		adj, sd = a-est.Value, est.SE
	case ScaleRatio:
		est = m.Ratio
		adj, sd = a*est.Value, a*est.SE
	case ScaleKuran:
		est = m.Kuran
		adj = (a - est.Value) / (1 - est.Value)
		sd = (1 - a) / ((1 - est.Value) * (1 - est.Value)) * est.SE
	default:
		return poll.Adjustment{}, fmt.Errorf("adjust: falsification gap: %w: unknown scale %v", ErrValue, g.Scale)
	}
	if !(adj >= 0 && adj <= 1) {
		return poll.Adjustment{}, fmt.Errorf("adjust: falsification gap (%v, %.4g) on %v: %w: approve %v%% would become %.4g%%", g.Scale, est.Value, &p, poll.ErrShareRange, p.Approve, 100*adj)
	}
	var slope float64 // ∂â/∂a
	switch g.Scale {
	case ScaleLogit:
		slope = adj * (1 - adj) / (a * (1 - a))
	case ScaleAdditive:
		slope = 1
	case ScaleRatio:
		slope = est.Value
	case ScaleKuran:
		slope = 1 / (1 - est.Value)
	}
	shift := 100 * (adj - a)
	params := map[string]float64{
		"direct": g.Direct.Value, "direct_se": g.Direct.SE,
		"list": g.List.Value, "list_se": g.List.SE, "cov": g.Cov,
		"scale": float64(g.Scale), "param": est.Value, "param_se": est.SE,
	}
	// Disapprove takes what approve loses: D' = D − (A' − A).
	return sharedAdjustment("falsification-gap", params, shift, -shift, 1e4*sd*sd,
		poll.Jacobian{{slope, 0}, {1 - slope, 1}}), nil
}

// Adjust implements [Correction] for the differential-nonresponse model.
// It corrects approval among substantive answers, p_obs = A/(A + D), and
// keeps A + D and the undecided share fixed:
//
//	A' = (A + D)·p,   D' = (A + D)·(1 − p),   p = expit(logit p_obs + log κ)
//
// i.e. those who answer "hard to say" are assumed to respond as often as
// the substantive answerers on average. The shared variance is
// (A + D)²·(p(1 − p))²·Var(log κ), in points². The name in the audit trail
// is "nonresponse" with Params ratio (κ) and log_ratio_se, and the poll's
// Jacobian.
func (nr Nonresponse) Adjust(p poll.Poll) (poll.Adjustment, error) {
	if err := nr.check(); err != nil {
		return poll.Adjustment{}, err
	}
	if _, err := approveShare(p); err != nil {
		return poll.Adjustment{}, err
	}
	if math.IsNaN(p.Disapprove) {
		return poll.Adjustment{}, fmt.Errorf("adjust: nonresponse on %v: %w: disapprove not published", &p, ErrValue)
	}
	s := p.Approve + p.Disapprove
	po := p.Approve / s
	if !(po > 0 && po < 1) {
		return poll.Adjustment{}, fmt.Errorf("adjust: nonresponse on %v: %w: approval among substantive answers %v has no logit", &p, poll.ErrShareRange, po)
	}
	q := expit(logit(po) + math.Log(nr.DisapproverResponseRatio))
	shift := s*q - p.Approve
	sd := s * q * (1 - q) * nr.LogRatioSE
	// A' = s·q(A/s): ∂A'/∂A = q + q'·D/s, ∂A'/∂D = q − q'·A/s with
	// q' = dq/dp_obs = q(1 − q)/(p_obs(1 − p_obs)); D' = s − A'.
	dq := q * (1 - q) / (po * (1 - po))
	aa, ad := q+dq*p.Disapprove/s, q-dq*p.Approve/s
	params := map[string]float64{"ratio": nr.DisapproverResponseRatio, "log_ratio_se": nr.LogRatioSE}
	return sharedAdjustment("nonresponse", params, shift, -shift, sd*sd,
		poll.Jacobian{{aa, ad}, {1 - aa, 1 - ad}}), nil
}

// UndecidedTilt allocates a poll's undecided share between approve and
// disapprove by the tilting model of [Shares.Tilt]: the odds of approval
// among the undecided are e^γ times the odds among those who answered.
// With A, D, U in points and p = A/(A + D):
//
//	A' = A + U·e,   D' = D + U·(1 − e),   U' = 0,   e = expit(logit p + γ)
//
// Gamma.SE, e.g. from [Shares.CalibrateTilt], is a shared error adding
// (U·e(1 − e))²·SE² points². The "refused" share, when published
// separately, is left alone. The name in the audit trail is
// "undecided-tilt" with Params gamma and gamma_se, and the poll's
// Jacobian.
type UndecidedTilt struct {
	Gamma Estimate
}

// Adjust implements [Correction].
func (t UndecidedTilt) Adjust(p poll.Poll) (poll.Adjustment, error) {
	if math.IsNaN(t.Gamma.Value) || !(t.Gamma.SE >= 0) || math.IsInf(t.Gamma.SE, 1) {
		return poll.Adjustment{}, fmt.Errorf("adjust: undecided tilt: %w: γ = %v", ErrValue, t.Gamma)
	}
	if _, err := approveShare(p); err != nil {
		return poll.Adjustment{}, err
	}
	if math.IsNaN(p.Disapprove) || math.IsNaN(p.Undecided) {
		return poll.Adjustment{}, fmt.Errorf("adjust: undecided tilt on %v: %w: disapprove or undecided not published", &p, ErrValue)
	}
	if !(p.Approve > 0 && p.Disapprove > 0) {
		return poll.Adjustment{}, fmt.Errorf("adjust: undecided tilt on %v: %w: approve and disapprove must both be positive", &p, poll.ErrShareRange)
	}
	e := expit(math.Log(p.Approve/p.Disapprove) + t.Gamma.Value)
	u := p.Undecided
	sd := u * e * (1 - e) * t.Gamma.SE
	// A' = A + U·e with U = total − A − D and e = expit(log(A/D) + γ), as
	// in Shares.Tilt; D' = total − A'.
	de := e * (1 - e)
	aa := 1 - e + u*de/p.Approve
	ad := -e - u*de/p.Disapprove
	params := map[string]float64{"gamma": t.Gamma.Value, "gamma_se": t.Gamma.SE}
	return sharedAdjustment("undecided-tilt", params, u*e, u*(1-e), sd*sd,
		poll.Jacobian{{aa, ad}, {-aa, -ad}}), nil
}

// Segment is one period and mode of a [Segmented] correction. A poll
// belongs to it when its fieldwork midpoint lies in [From, Until) (a zero
// time leaves that end open) and its mode equals Mode (ModeUnknown matches
// every mode).
type Segment struct {
	From, Until time.Time
	Mode        poll.Mode
	// Correction is applied to the polls of the segment; nil means they
	// are deliberately left uncorrected (and get no audit entry).
	Correction Correction
}

func (s Segment) matches(p poll.Poll) bool {
	mid := p.Midpoint()
	if !s.From.IsZero() && mid.Before(s.From) {
		return false
	}
	if !s.Until.IsZero() && !mid.Before(s.Until) {
		return false
	}
	return s.Mode == poll.ModeUnknown || s.Mode == p.Mode
}

// Segmented applies a different correction by period and mode, e.g. a gap
// measured before 24 February 2022 and another after, or one for
// telephone and one for face-to-face polls. The first segment that
// matches a poll decides; a poll that matches none is an error (wrapping
// [ErrValue]), so that no poll escapes correction unnoticed: add a segment
// with a nil Correction to leave polls uncorrected on purpose.
//
// Segments with different evidence produce audit entries with different
// Params, so their calibration errors are independent; segments that reuse
// the same evidence share one error ([SharedCovariance]).
type Segmented []Segment

// Adjust implements [Correction]. For a segment with a nil Correction it
// returns a zero Adjustment with an empty Name, which Chain does not
// record.
func (s Segmented) Adjust(p poll.Poll) (poll.Adjustment, error) {
	for _, seg := range s {
		if !seg.matches(p) {
			continue
		}
		if seg.Correction == nil {
			return poll.Adjustment{}, nil
		}
		return seg.Correction.Adjust(p)
	}
	return poll.Adjustment{}, fmt.Errorf("adjust: segmented correction: %w: no segment covers %v (midpoint %s, mode %v)", ErrValue, &p, p.Midpoint().Format(time.DateOnly), p.Mode)
}

// sharedAdjustment is the audit entry of a correction whose error is a
// calibration shared by every poll it touches: the evidence params name
// that calibration (calibrationKey), so that polls corrected with the same
// evidence carry one error.
func sharedAdjustment(name string, params map[string]float64, approve, disapprove, variance float64, j poll.Jacobian) poll.Adjustment {
	return poll.Adjustment{Name: name, Params: params, Approve: approve, Disapprove: disapprove,
		Jacobian: &j, Variance: variance, Calibration: calibrationKey(name, params)}
}

// calibrationKey names the evidence of a correction: its name and its
// parameters, sorted by name, with values written exactly (−0 as 0).
func calibrationKey(name string, params map[string]float64) string {
	keys := slices.Sorted(maps.Keys(params))
	var b strings.Builder
	b.WriteString(name)
	for _, k := range keys {
		v := params[k]
		if v == 0 {
			v = 0 // −0 and 0 are the same evidence
		}
		b.WriteString(" " + k + "=" + strconv.FormatFloat(v, 'g', -1, 64))
	}
	return b.String()
}

// approveShare returns the poll's approve share as a proportion, or an
// error when it is unpublished or outside 0–100.
func approveShare(p poll.Poll) (float64, error) {
	if math.IsNaN(p.Approve) {
		return 0, fmt.Errorf("adjust: %v: %w: approve not published", &p, ErrValue)
	}
	if !(p.Approve >= 0 && p.Approve <= 100) {
		return 0, fmt.Errorf("adjust: %v: %w: approve %v", &p, poll.ErrShareRange, p.Approve)
	}
	return p.Approve / 100, nil
}
