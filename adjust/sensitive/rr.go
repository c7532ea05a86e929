package sensitive

import (
	"fmt"
	"math"

	"github.com/candorpoll/candor/adjust"
	"gonum.org/v1/gonum/stat/distuv"
)

// Design is a randomized-response design. Every design except
// [UnrelatedUnknownQ] makes the probability of an observed "yes" linear in
// the hidden prevalence π:
//
//	λ = P(yes) = c·π + d
//
// with c and d fixed by the design's probabilities (see
// [RandomizedResponse.Linear]).
type Design uint8

// Randomized-response designs. The names in parentheses are those of the R
// package rr (Blair, Imai & Zhou 2015).
const (
	// DesignUnset is the zero value; estimators reject it.
	DesignUnset Design = iota
	// ForcedResponse (Boruch 1971; "forced-known"): with probability P the
	// respondent answers truthfully, with P1 says "yes", with P0 says "no";
	// P + P1 + P0 = 1. c = P, d = P1.
	ForcedResponse
	// MirroredQuestion ("mirrored"): with probability P the respondent
	// answers the sensitive question, with 1 − P its negation.
	// c = 2P − 1, d = 1 − P; P ≠ ½.
	MirroredQuestion
	// DisguisedResponse ("disguised"): P is the probability of drawing a
	// red card from the "yes" stack; same algebra as MirroredQuestion.
	DisguisedResponse
	// UnrelatedQuestion (Greenberg et al. 1969; "unrelated-known"): with
	// probability P the sensitive question, else an unrelated one whose
	// "yes" probability Q is known. c = P, d = (1 − P)·Q.
	UnrelatedQuestion
	// Warner (1965): "I have the trait" with probability P, "I do not have
	// the trait" with 1 − P. Algebraically the mirrored design.
	Warner
	// Crosswise (Yu, Tian & Tang 2008): "are your answers to the sensitive
	// question and to an innocuous one of known prevalence Q the same?"
	// c = 2Q − 1, d = 1 − Q; Q ≠ ½.
	Crosswise
	// UnrelatedUnknownQ ("unrelated-unknown"): the unrelated-question
	// design with Q unknown, identified by two independent subsamples
	// asked with probabilities P and 1 − P. Estimate with
	// [RandomizedResponse.EstimateTwoSample].
	UnrelatedUnknownQ
)

// String returns the design's name as the R package rr spells it
// ("forced-known", "mirrored", …; "warner" and "crosswise" for the two
// designs rr does not name).
func (d Design) String() string {
	// A local array, not a package variable: nothing outside can change
	// the names.
	names := [...]string{"unset", "forced-known", "mirrored", "disguised", "unrelated-known", "warner", "crosswise", "unrelated-unknown"}
	if int(d) < len(names) {
		return names[d]
	}
	return fmt.Sprintf("Design(%d)", uint8(d))
}

// RandomizedResponse describes a randomized-response question: the design
// and its probabilities. Which probabilities are used depends on the
// design (see the [Design] constants); the others are ignored.
//
// The value is immutable once built and safe for concurrent use.
type RandomizedResponse struct {
	Design
	// P is the probability of answering truthfully (ForcedResponse), of
	// receiving the sensitive question (MirroredQuestion, Warner,
	// UnrelatedQuestion, UnrelatedUnknownQ, first subsample) or of drawing
	// from the "yes" stack (DisguisedResponse).
	P float64
	// P1 and P0 are the probabilities of a forced "yes" and a forced "no"
	// (ForcedResponse).
	P1, P0 float64
	// Q is the known "yes" probability of the unrelated question
	// (UnrelatedQuestion) or the prevalence of the innocuous item
	// (Crosswise).
	Q float64
}

// Linear returns the coefficients of λ = c·π + d, the probability of an
// observed "yes" given prevalence π, after checking the design's
// probabilities. It returns an error wrapping [ErrProbability] for a
// probability outside (0, 1) (P1 and P0 may be 0), for forced-response
// probabilities that do not sum to 1, and for P = ½ (or Q = ½) in the
// designs where that makes c = 0 and the answers carry no information; and
// an error wrapping [ErrValue] for an unset or unknown design or for
// [UnrelatedUnknownQ], which has no single-sample form.
func (r RandomizedResponse) Linear() (c, d float64, err error) {
	open := func(name string, v float64) error {
		if !(v > 0 && v < 1) {
			return fmt.Errorf("sensitive: randomized response (%v): %w: %s = %v", r.Design, ErrProbability, name, v)
		}
		return nil
	}
	// mirror is the algebra shared by the mirrored question, the
	// disguised response, Warner's design and the crosswise model: the
	// observed answer is the true one with probability v and its negation
	// otherwise, so c = 2v − 1 and d = 1 − v, and v = ½ carries no
	// information.
	mirror := func(name string, v float64) (c, d float64, err error) {
		if err := open(name, v); err != nil {
			return 0, 0, err
		}
		if v == 0.5 {
			return 0, 0, fmt.Errorf("sensitive: randomized response (%v): %w: %s = ½ makes the answers independent of the trait", r.Design, ErrProbability, name)
		}
		return 2*v - 1, 1 - v, nil
	}
	switch r.Design {
	case ForcedResponse:
		if err := open("P", r.P); err != nil {
			return 0, 0, err
		}
		for _, v := range []struct {
			name string
			v    float64
		}{{"P1", r.P1}, {"P0", r.P0}} {
			if !(v.v >= 0 && v.v < 1) {
				return 0, 0, fmt.Errorf("sensitive: randomized response (%v): %w: %s = %v outside [0, 1)", r.Design, ErrProbability, v.name, v.v)
			}
		}
		if s := r.P + r.P1 + r.P0; math.Abs(s-1) > 1e-9 {
			return 0, 0, fmt.Errorf("sensitive: randomized response (%v): %w: P + P1 + P0 = %v, want 1", r.Design, ErrProbability, s)
		}
		return r.P, r.P1, nil
	case MirroredQuestion, DisguisedResponse, Warner:
		return mirror("P", r.P)
	case UnrelatedQuestion:
		if err := open("P", r.P); err != nil {
			return 0, 0, err
		}
		if err := open("Q", r.Q); err != nil {
			return 0, 0, err
		}
		return r.P, (1 - r.P) * r.Q, nil
	case Crosswise:
		// "Same answer to both questions": the truth with probability Q.
		return mirror("Q", r.Q)
	case UnrelatedUnknownQ:
		return 0, 0, fmt.Errorf("sensitive: randomized response: %w: design %v needs two subsamples (use EstimateTwoSample)", ErrValue, r.Design)
	case DesignUnset:
		return 0, 0, fmt.Errorf("sensitive: randomized response: %w: design not set", ErrValue)
	}
	return 0, 0, fmt.Errorf("sensitive: randomized response: %w: unknown design %v", ErrValue, r.Design)
}

// Estimate returns the moment estimate of the prevalence π from observed
// answers (1 = "yes", 0 = "no") with its standard error (Blair, Imai &
// Zhou 2015, eq. 2):
//
//	λ̂ = mean(answers),   π̂ = (λ̂ − d)/c,   SE = √(λ̂(1 − λ̂)/n) / |c|
//
// For Warner's design this variance equals π(1 − π)/n + P(1 − P)/(n(2P − 1)²):
// the sampling variance plus the price of privacy. π̂ is not truncated to
// [0, 1] (it may fall outside when the prevalence is near 0 or 1); keep it
// untruncated for pooling and clip only for display. Without covariates the
// maximum-likelihood estimate equals π̂ whenever π̂ lies in [0, 1].
//
// Errors: the design errors of [RandomizedResponse.Linear], [ErrEmpty] for
// no answers, [ErrValue] for an answer that is not 0 or 1 (missing
// answers, NaN, must be removed by the caller: which rows to drop is a
// substantive choice).
func (r RandomizedResponse) Estimate(answers []float64) (adjust.Estimate, error) {
	c, d, err := r.Linear()
	if err != nil {
		return adjust.Estimate{}, err
	}
	lambda, err := meanBinary("answers", answers)
	if err != nil {
		return adjust.Estimate{}, fmt.Errorf("sensitive: randomized response: %w", err)
	}
	n := float64(len(answers))
	return adjust.Estimate{
		Value: (lambda - d) / c,
		SE:    math.Sqrt(lambda*(1-lambda)/n) / math.Abs(c),
	}, nil
}

// EstimateTwoSample estimates the prevalence under the unrelated-question
// design with unknown Q ([UnrelatedUnknownQ]) from two independent
// subsamples: the first asked the sensitive question with probability P,
// the second with probability 1 − P (Greenberg et al. 1969):
//
//	λ₁ = Pπ + (1 − P)Q,   λ₂ = (1 − P)π + PQ
//	π̂ = [P λ̂₁ − (1 − P) λ̂₂]/(2P − 1)
//	Var(π̂) = [P² λ̂₁(1 − λ̂₁)/n₁ + (1 − P)² λ̂₂(1 − λ̂₂)/n₂]/(2P − 1)²
//
// P must lie in (0, 1) and differ from ½. Errors as for
// [RandomizedResponse.Estimate]; the receiver's Design must be
// UnrelatedUnknownQ.
func (r RandomizedResponse) EstimateTwoSample(first, second []float64) (adjust.Estimate, error) {
	if r.Design != UnrelatedUnknownQ {
		return adjust.Estimate{}, fmt.Errorf("sensitive: randomized response: %w: EstimateTwoSample needs design %v, have %v", ErrValue, UnrelatedUnknownQ, r.Design)
	}
	if !(r.P > 0 && r.P < 1) {
		return adjust.Estimate{}, fmt.Errorf("sensitive: randomized response (%v): %w: P = %v", r.Design, ErrProbability, r.P)
	}
	if r.P == 0.5 {
		return adjust.Estimate{}, fmt.Errorf("sensitive: randomized response (%v): %w: P = ½ makes the two subsamples identical", r.Design, ErrProbability)
	}
	l1, err := meanBinary("first", first)
	if err != nil {
		return adjust.Estimate{}, fmt.Errorf("sensitive: randomized response: %w", err)
	}
	l2, err := meanBinary("second", second)
	if err != nil {
		return adjust.Estimate{}, fmt.Errorf("sensitive: randomized response: %w", err)
	}
	p := r.P
	den := 2*p - 1
	v := (p*p*l1*(1-l1)/float64(len(first)) + (1-p)*(1-p)*l2*(1-l2)/float64(len(second))) / (den * den)
	return adjust.Estimate{Value: (p*l1 - (1-p)*l2) / den, SE: math.Sqrt(v)}, nil
}

// Information returns the Fisher information about π carried by one
// answer, I(π) = c²/(λ(1 − λ)) with λ = cπ + d; n answers estimate π with
// variance 1/(n·I(π)). Compare it with 1/(π(1 − π)) for a direct question
// to see what the design's privacy costs. π must lie in [0, 1].
func (r RandomizedResponse) Information(prevalence float64) (float64, error) {
	c, d, err := r.Linear()
	if err != nil {
		return 0, err
	}
	if !(prevalence >= 0 && prevalence <= 1) {
		return 0, fmt.Errorf("sensitive: randomized response information: %w: prevalence %v outside [0, 1]", ErrProbability, prevalence)
	}
	l := c*prevalence + d
	return c * c / (l * (1 - l)), nil
}

// Power returns the power of the one-sample test of H₀: π = null against
// π = prevalence with n respondents at significance level alpha, as the
// R package rr's power.rr.test computes it for type "one.sample":
//
//	se(π) = [n·I(π)]^(−½)
//	one-sided (prevalence > null):  t = null + z₁₋α·se(null),
//	                                power = 1 − Φ((t − prevalence)/se(prevalence))
//	two-sided: thresholds null ± z₁₋α/₂·se(null), power adds the lower tail
//	           Φ((null − z₁₋α/₂·se(null) − prevalence)/se(prevalence))
//
// When prevalence < null the one-sided test is taken in that direction.
// Errors wrap [ErrValue] for n ≤ 0, and [ErrProbability] for alpha outside
// (0, 1), an invalid design, or a power that is undefined because every
// answer is the same at the prevalence tested (SE 0 at the threshold).
func (r RandomizedResponse) Power(n int, prevalence, null, alpha float64, twoSided bool) (float64, error) {
	if n <= 0 {
		return 0, fmt.Errorf("sensitive: randomized response power: %w: n = %d", ErrValue, n)
	}
	if !(alpha > 0 && alpha < 1) {
		return 0, fmt.Errorf("sensitive: randomized response power: %w: alpha = %v", ErrProbability, alpha)
	}
	i0, err := r.Information(null)
	if err != nil {
		return 0, err
	}
	i1, err := r.Information(prevalence)
	if err != nil {
		return 0, err
	}
	se0 := 1 / math.Sqrt(float64(n)*i0)
	se1 := 1 / math.Sqrt(float64(n)*i1)
	normal := distuv.UnitNormal
	var power float64
	switch {
	case !twoSided:
		// z₁₋α = Φ⁻¹(1 − α), defined for every α in (0, 1), including
		// α > ½ (a threshold below the null).
		z := normal.Quantile(1 - alpha)
		if prevalence >= null {
			power = 1 - normal.CDF((null+z*se0-prevalence)/se1)
		} else {
			power = normal.CDF((null - z*se0 - prevalence) / se1)
		}
	default:
		z := normal.Quantile(1 - alpha/2)
		power = 1 - normal.CDF((null+z*se0-prevalence)/se1) + normal.CDF((null-z*se0-prevalence)/se1)
	}
	if math.IsNaN(power) {
		// A design and prevalence under which every answer is the same
		// (λ = 0 or 1) give the normal approximation an SE of 0; at the
		// test's threshold its power is 0/0.
		return 0, fmt.Errorf("sensitive: randomized response power: %w: undefined at prevalence %v, null %v (every answer the same)", ErrProbability, prevalence, null)
	}
	return power, nil
}

// meanBinary returns the mean of 0/1 values, rejecting empty input and any
// other value.
func meanBinary(name string, x []float64) (float64, error) {
	if len(x) == 0 {
		return 0, fmt.Errorf("%w: no %s", ErrEmpty, name)
	}
	var s float64
	bad, first := 0, -1
	for i, v := range x {
		switch v {
		case 0:
		case 1:
			s++
		default:
			if bad == 0 {
				first = i
			}
			bad++
		}
	}
	if bad > 0 {
		return 0, fmt.Errorf("%w: %s[%d] = %v is not 0 or 1 (%d such values)", ErrValue, name, first, x[first], bad)
	}
	return s / float64(len(x)), nil
}
