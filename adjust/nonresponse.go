package adjust

import (
	"fmt"
	"math"
)

// Nonresponse is the differential-nonresponse model: approvers take part in
// a poll with probability r_a and disapprovers with r_d, so the observed
// approval share p_obs overstates the true share p whenever disapprovers
// are harder to reach:
//
//	p_obs = p·r_a/(p·r_a + (1 − p)·r_d)
//	p     = p_obs·κ/(1 − p_obs + p_obs·κ) = expit(logit p_obs + log κ),   κ = r_d/r_a
//
// The correction is the tilting model on the unit-nonresponse margin with
// γ = log κ. The variance adds the sampling variance of p_obs and the
// uncertainty of κ on the logit scale (delta method, independent):
//
//	Var(p̂) ≈ [p(1 − p)]²·[Var(p̂_obs)/(p_obs(1 − p_obs))² + Var(log κ̂)]
//
// κ is not identified from the poll itself. Take it from response-rate
// evidence ([NonresponseFromRates]), calibrate it to an indirect estimate
// ([CalibrateNonresponse]) or scan a range ([Nonresponse.Curve]). A modest
// κ moves a share a lot: κ = 1/1.2 takes 70% to about 66%, and the shift is
// largest near 50%.
type Nonresponse struct {
	// DisapproverResponseRatio is κ = r_d/r_a, the probability that a
	// disapprover responds divided by the probability that an approver
	// responds. κ < 1 (disapprovers respond less) lowers corrected
	// approval; κ = 1 changes nothing. Must be positive and finite.
	DisapproverResponseRatio float64
	// LogRatioSE is the standard error of log κ, the uncertainty about the
	// ratio itself. Applied to many polls it is a shared error: it does
	// not average out.
	LogRatioSE float64
}

// NonresponseFromRates returns the model for known (or assumed) response
// probabilities of approvers and disapprovers, each in (0, 1], with no
// uncertainty about their ratio.
func NonresponseFromRates(approvers, disapprovers float64) (Nonresponse, error) {
	if !(approvers > 0 && approvers <= 1 && disapprovers > 0 && disapprovers <= 1) {
		return Nonresponse{}, fmt.Errorf("adjust: nonresponse: %w: response rates approvers %v, disapprovers %v outside (0, 1]", ErrProbability, approvers, disapprovers)
	}
	return Nonresponse{DisapproverResponseRatio: disapprovers / approvers}, nil
}

// CalibrateNonresponse returns the κ that makes the corrected observed
// share equal an indirect estimate L of the true share (a list experiment
// or randomized response in the same population and period),
//
//	log κ = logit L − logit p_obs,
//	Var(log κ) = Var(L)/(L(1 − L))² + Var(p_obs)/(p_obs(1 − p_obs))²,
//
// the two estimates being independent.
func CalibrateNonresponse(observed, list Estimate) (Nonresponse, error) {
	if err := checkEstimate("observed", observed); err != nil {
		return Nonresponse{}, fmt.Errorf("adjust: calibrate nonresponse: %w", err)
	}
	if err := checkEstimate("list", list); err != nil {
		return Nonresponse{}, fmt.Errorf("adjust: calibrate nonresponse: %w", err)
	}
	lo := observed.Value * (1 - observed.Value)
	ll := list.Value * (1 - list.Value)
	// Relative SEs before squaring: ll² or lo² underflow for shares near
	// 1e-300, which gave a NaN SE (found by the degenerate tests).
	rl, ro := list.SE/ll, observed.SE/lo
	nr := Nonresponse{
		DisapproverResponseRatio: math.Exp(logit(list.Value) - logit(observed.Value)),
		LogRatioSE:               math.Sqrt(rl*rl + ro*ro),
	}
	if err := nr.check(); err != nil {
		return Nonresponse{}, fmt.Errorf("adjust: calibrate nonresponse: shares too extreme: %w", err)
	}
	return nr, nil
}

func (nr Nonresponse) check() error {
	k := nr.DisapproverResponseRatio
	if !(k > 0) || math.IsInf(k, 1) {
		return fmt.Errorf("adjust: nonresponse: %w: disapprover/approver response ratio κ = %v must be positive and finite", ErrValue, k)
	}
	if !(nr.LogRatioSE >= 0) || math.IsInf(nr.LogRatioSE, 1) {
		return fmt.Errorf("adjust: nonresponse: %w: SE of log κ = %v", ErrValue, nr.LogRatioSE)
	}
	return nil
}

// Correct returns the true share implied by an observed share (a
// proportion in (0, 1) with its sampling SE), with the delta-method SE that
// adds the uncertainty of κ.
func (nr Nonresponse) Correct(observed Estimate) (Estimate, error) {
	if err := nr.check(); err != nil {
		return Estimate{}, err
	}
	if err := checkEstimate("observed", observed); err != nil {
		return Estimate{}, fmt.Errorf("adjust: nonresponse: %w", err)
	}
	po := observed.Value
	p := expit(logit(po) + math.Log(nr.DisapproverResponseRatio))
	g := p * (1 - p)
	lo := po * (1 - po)
	// SE/lo before squaring: lo² underflows for po near 1e-300 (NaN SE).
	rel := observed.SE / lo
	v := g * g * (rel*rel + nr.LogRatioSE*nr.LogRatioSE)
	return Estimate{Value: p, SE: math.Sqrt(v)}, nil
}

// Curve returns the corrected share for each κ in ratios (a sensitivity
// curve), each with its sampling SE only: the curve itself is the
// statement about κ, so the receiver's LogRatioSE is not used.
func (nr Nonresponse) Curve(observed Estimate, ratios []float64) ([]Estimate, error) {
	out := make([]Estimate, len(ratios))
	for i, k := range ratios {
		e, err := Nonresponse{DisapproverResponseRatio: k}.Correct(observed)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// ResponseRates returns the response probabilities of approvers and
// disapprovers implied by κ, the true approval share p and the overall
// response rate RR = p·r_a + (1 − p)·r_d:
//
//	r_a = RR/(p + (1 − p)κ),   r_d = κ·r_a
//
// A useful plausibility check: with true approval 0.7, RR = 0.3 and
// κ = 0.5, approvers would have to respond 35% of the time and
// disapprovers 18%. It fails with an
// error wrapping [ErrProbability] when a rate would exceed 1.
func (nr Nonresponse) ResponseRates(trueShare, overall float64) (approvers, disapprovers float64, err error) {
	if err := nr.check(); err != nil {
		return 0, 0, err
	}
	if !(trueShare >= 0 && trueShare <= 1) || !(overall > 0 && overall <= 1) {
		return 0, 0, fmt.Errorf("adjust: nonresponse rates: %w: share %v, overall response rate %v", ErrProbability, trueShare, overall)
	}
	k := nr.DisapproverResponseRatio
	ra := overall / (trueShare + (1-trueShare)*k)
	rd := k * ra
	if ra > 1 || rd > 1 {
		return ra, rd, fmt.Errorf("adjust: nonresponse rates: %w: κ = %v and response rate %v imply rates %v and %v", ErrProbability, k, overall, ra, rd)
	}
	return ra, rd, nil
}
