package adjust

import (
	"fmt"
	"math"

	"github.com/candorpoll/candor/poll"
	"gonum.org/v1/gonum/stat/distuv"
)

// Shares are the answers to one direct question as proportions (0–1) of
// all respondents: Approve a, Disapprove b, and the missing rest
// m = 1 − a − b ("hard to say", refusals). They carry the sample size and
// design effect so that the sampling variance can be propagated:
//
//	Cov(â, b̂) = deff/N · [[a(1 − a), −ab], [−ab, b(1 − b)]]
//
// Unit nonresponse (people who refused the interview) is not part of m:
// results are conditional on participation unless the caller adds the
// unit-nonresponse share to the denominator beforehand.
type Shares struct {
	Approve, Disapprove float64
	// N is the number of respondents (> 0).
	N float64
	// DesignEffect multiplies the multinomial variance; 0 means 1.
	DesignEffect float64
}

// SharesOf returns the approve and disapprove shares of a poll as
// proportions, with its sample size and effective design effect
// ([poll.Poll.EffectiveDesignEffect]). Undecided and refusals are the rest.
// It fails with an error wrapping [ErrValue] when approve or disapprove is
// unpublished or the sample size is unknown.
func SharesOf(p poll.Poll) (Shares, error) {
	if math.IsNaN(p.Approve) || math.IsNaN(p.Disapprove) {
		return Shares{}, fmt.Errorf("adjust: shares of %v: %w: approve or disapprove not published", &p, ErrValue)
	}
	n := float64(p.SampleSize)
	if n <= 0 {
		if prof, ok := poll.Lookup(p.Pollster); ok {
			n = float64(prof.SampleSize)
		}
	}
	if n <= 0 {
		return Shares{}, fmt.Errorf("adjust: shares of %v: %w: sample size unknown", &p, ErrValue)
	}
	s := Shares{Approve: p.Approve / 100, Disapprove: p.Disapprove / 100, N: n, DesignEffect: p.EffectiveDesignEffect()}
	return s, s.validate()
}

// Missing returns m = 1 − a − b.
func (s Shares) Missing() float64 { return 1 - s.Approve - s.Disapprove }

func (s Shares) deff() float64 {
	if s.DesignEffect == 0 {
		return 1
	}
	return s.DesignEffect
}

func (s Shares) validate() error {
	if !(s.Approve >= 0 && s.Disapprove >= 0 && s.Approve+s.Disapprove <= 1+1e-12) {
		return fmt.Errorf("adjust: shares: %w: approve %v, disapprove %v (want proportions ≥ 0 summing to at most 1)", ErrProbability, s.Approve, s.Disapprove)
	}
	if !(s.N > 0) || math.IsInf(s.N, 1) {
		return fmt.Errorf("adjust: shares: %w: N = %v", ErrValue, s.N)
	}
	if !(s.DesignEffect >= 0) || math.IsInf(s.DesignEffect, 1) {
		return fmt.Errorf("adjust: shares: %w: design effect %v", ErrValue, s.DesignEffect)
	}
	return nil
}

// cov returns the sampling covariance entries of (â, b̂).
func (s Shares) cov() (vaa, vab, vbb float64) {
	k := s.deff() / s.N
	a, b := s.Approve, s.Disapprove
	return k * a * (1 - a), -k * a * b, k * b * (1 - b)
}

// quad returns gᵀΣg for the gradient g = (ga, gb) with respect to (a, b).
func (s Shares) quad(ga, gb float64) float64 {
	vaa, vab, vbb := s.cov()
	return ga*ga*vaa + 2*ga*gb*vab + gb*gb*vbb
}

// Bounds is an identified interval [Lower, Upper] for a share, each end
// with its standard error, and the Imbens–Manski confidence interval
// [CILower, CIUpper] that covers the true share (not the whole identified
// set) with probability Level.
type Bounds struct {
	Lower, Upper     Estimate
	Level            float64
	C                float64 // Imbens–Manski critical value
	CILower, CIUpper float64
}

// String formats the bounds as "[0.6000, 0.8000], 95% CI [0.5799, 0.8164]".
func (b Bounds) String() string {
	return fmt.Sprintf("[%.4f, %.4f], %g%% CI [%.4f, %.4f]", b.Lower.Value, b.Upper.Value, 100*b.Level, b.CILower, b.CIUpper)
}

// Manski returns the worst-case bounds on the approval share (Manski 1990)
// with the Imbens–Manski (2004) interval at the given level:
//
//	θ ∈ [L, U] = [a, a + m]
//	SE_L = √(deff·L(1 − L)/N),  SE_U = √(deff·U(1 − U)/N)
//	CI = [L − c·SE_L, U + c·SE_U],  Φ(c + (U − L)/max(SE_L, SE_U)) − Φ(−c) = level
//
// c, found by bisection, lies between the one-sided z₁₋α (wide bounds) and
// the two-sided z₁₋α/₂ (point identification). The bounds assume nothing
// about the missing answers; with large nonresponse they are wide by
// construction.
func (s Shares) Manski(level float64) (Bounds, error) {
	if err := s.validate(); err != nil {
		return Bounds{}, err
	}
	lo := s.Approve
	hi := s.Approve + s.Missing()
	k := s.deff() / s.N
	return imbensManski(
		Estimate{Value: lo, SE: math.Sqrt(k * lo * (1 - lo))},
		Estimate{Value: hi, SE: math.Sqrt(k * hi * (1 - hi))},
		level)
}

// Monotone returns the bounds under monotone selection: if fear only ever
// hides disapproval, P(approve | missing) ≤ P(approve | answered) = p, so
//
//	θ ∈ [a, p],   p = a/(a + b),   Var(p̂) = deff·p(1 − p)/(N(a + b))
//
// between "every missing respondent disapproves" and missing at random
// (Manski & Pepper 2000). The interval is Imbens–Manski's, as in
// [Shares.Manski].
func (s Shares) Monotone(level float64) (Bounds, error) {
	if err := s.validate(); err != nil {
		return Bounds{}, err
	}
	sub := s.Approve + s.Disapprove
	if !(sub > 0) {
		return Bounds{}, fmt.Errorf("adjust: monotone bounds: %w: no substantive answers", ErrProbability)
	}
	a := s.Approve
	p := a / sub
	k := s.deff() / s.N
	return imbensManski(
		Estimate{Value: a, SE: math.Sqrt(k * a * (1 - a))},
		Estimate{Value: p, SE: math.Sqrt(k * p * (1 - p) / sub)},
		level)
}

// imbensManski builds the Imbens–Manski interval for an identified set
// [lo, hi] with estimated ends.
func imbensManski(lo, hi Estimate, level float64) (Bounds, error) {
	if !(level > 0 && level < 1) {
		return Bounds{}, fmt.Errorf("adjust: bounds: %w: level %v outside (0, 1)", ErrValue, level)
	}
	se := math.Max(lo.SE, hi.SE)
	delta := (hi.Value - lo.Value) / se // +Inf when both SEs are 0
	if se == 0 && hi.Value == lo.Value {
		delta = 0
	}
	f := func(c float64) float64 { return distuv.UnitNormal.CDF(c+delta) - distuv.UnitNormal.CDF(-c) - level }
	// f increases in c; f(−40) < 0 < f(40) for any level in (0, 1).
	a, b := -40.0, 40.0
	for i := 0; i < 200 && b-a > 1e-15; i++ {
		mid := (a + b) / 2
		if f(mid) < 0 {
			a = mid
		} else {
			b = mid
		}
	}
	c := (a + b) / 2
	return Bounds{
		Lower: lo, Upper: hi, Level: level, C: c,
		CILower: lo.Value - c*lo.SE,
		CIUpper: hi.Value + c*hi.SE,
	}, nil
}

// Tilt returns the approval share under the exponential-tilting
// (pattern-mixture) model with sensitivity parameter γ (Scharfstein,
// Rotnitzky & Robins 1999): the odds of approval among the missing are
// e^γ times the odds among those who answered,
//
//	θ(γ) = a + m·expit(logit p + γ),   p = a/(a + b),
//
// with a delta-method standard error over the sampling covariance of
// (a, b) (γ taken as known). γ = 0 is missing at random; γ → −∞ and +∞
// give the Manski bounds; γ < 0 says the missing hide disapproval. Both a
// and b must be positive.
func (s Shares) Tilt(gamma float64) (Estimate, error) {
	if err := s.validate(); err != nil {
		return Estimate{}, err
	}
	if !(s.Approve > 0 && s.Disapprove > 0) {
		return Estimate{}, fmt.Errorf("adjust: tilt: %w: approve %v and disapprove %v must both be positive", ErrProbability, s.Approve, s.Disapprove)
	}
	if math.IsNaN(gamma) {
		return Estimate{}, fmt.Errorf("adjust: tilt: %w: γ is NaN", ErrValue)
	}
	a, b, m := s.Approve, s.Disapprove, s.Missing()
	// e = expit(log(a/b) + γ) = a·e^γ/(a·e^γ + b), written so that infinite
	// γ gives the bounds.
	e := expit(math.Log(a/b) + gamma)
	de := e * (1 - e) // ∂e/∂log(a/b)
	// ∂θ/∂a = 1 − e + m·de/a,  ∂θ/∂b = −e − m·de/b
	ga := 1 - e + m*de/a
	gb := -e - m*de/b
	return Estimate{Value: a + m*e, SE: math.Sqrt(s.quad(ga, gb))}, nil
}

// TiltCurve returns [Shares.Tilt] at each γ, e.g. over [−ln 10, 0] to
// show how approval falls as the missing are assumed ever more hostile.
func (s Shares) TiltCurve(gammas []float64) ([]Estimate, error) {
	out := make([]Estimate, len(gammas))
	for i, g := range gammas {
		e, err := s.Tilt(g)
		if err != nil {
			return nil, err
		}
		out[i] = e
	}
	return out, nil
}

// CalibrateTilt returns γ*, the tilt at which θ(γ) equals an indirect
// (list-experiment or randomized-response) estimate L of approval in the
// same population:
//
//	γ* = logit((L − a)/m) − logit p
//
// which exists when a < L < a + m. γ* is a transportable "fear index" for
// polls without an experiment (apply it with [UndecidedTilt]). Its standard
// error is by the delta method over L and the sampling covariance of
// (a, b), treating L as independent of the direct shares (a separate
// sample or arm). It fails with an error wrapping [ErrProbability] when L
// lies outside (a, a + m).
func (s Shares) CalibrateTilt(list Estimate) (Estimate, error) {
	if err := s.validate(); err != nil {
		return Estimate{}, err
	}
	if err := checkEstimate("list", list); err != nil {
		return Estimate{}, fmt.Errorf("adjust: calibrate tilt: %w", err)
	}
	a, b, m := s.Approve, s.Disapprove, s.Missing()
	if !(a > 0 && b > 0) {
		return Estimate{}, fmt.Errorf("adjust: calibrate tilt: %w: approve %v and disapprove %v must both be positive", ErrProbability, a, b)
	}
	L := list.Value
	if !(L > a && L < a+m) {
		return Estimate{}, fmt.Errorf("adjust: calibrate tilt: %w: list estimate %v outside (a, a + m) = (%v, %v): no tilt of the missing answers reproduces it", ErrProbability, L, a, a+m)
	}
	q := (L - a) / m
	dq := 1 / (q * (1 - q)) // ∂logit q/∂q
	// ∂q/∂a = (q − 1)/m, ∂q/∂b = q/m, ∂q/∂L = 1/m; logit p = log a − log b.
	ga := dq*(q-1)/m - 1/a
	gb := dq*q/m + 1/b
	gl := dq / m
	v := s.quad(ga, gb) + gl*gl*list.SE*list.SE
	return Estimate{Value: logit(q) - math.Log(a/b), SE: math.Sqrt(v)}, nil
}

// checkEstimate rejects a proportion estimate outside (0, 1) or with a
// negative or non-finite standard error.
func checkEstimate(name string, e Estimate) error {
	if !(e.Value > 0 && e.Value < 1) {
		return fmt.Errorf("%w: %s = %v outside (0, 1)", ErrProbability, name, e.Value)
	}
	if !(e.SE >= 0) || math.IsInf(e.SE, 1) {
		return fmt.Errorf("%w: %s SE = %v", ErrValue, name, e.SE)
	}
	return nil
}
