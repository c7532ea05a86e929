package adjust

import (
	"fmt"
	"math"
)

// Falsification is a direct/indirect pair: the share D answering "approve"
// to a direct question and an indirect estimate L of the same share (list
// experiment or randomized response) in the same population and period,
// both proportions in (0, 1) with standard errors, and the covariance of
// the two estimates (0 for independent samples; estimate it, e.g. by the
// bootstrap, when the same respondents answered both).
//
// The measures of the gap and their delta-method variances
// (V_D = Direct.SE², V_L = List.SE², C = Cov):
//
//	gap            G = D − L                    V_D + V_L − 2C
//	ratio          R = L/D                      R²[V_L/L² + V_D/D² − 2C/(LD)]
//	falsifying     φ = (D − L)/D = 1 − R        Var(R)
//	Kuran rate     f = (D − L)/(1 − L)          [V_D + (1−D)²/(1−L)²·V_L − 2(1−D)/(1−L)·C]/(1 − L)²
//	logit shift    κ = logit D − logit L        V_D/(D(1−D))² + V_L/(L(1−L))² − 2C/(D(1−D)L(1−L))
//
// G is the revealed social-desirability bias (Blair & Imai 2012); φ the
// share of stated supporters who do not support privately; f Kuran's (1995)
// rate of preference falsification, the share of private opponents who say
// they approve, under the assumption that no private supporter claims to
// disapprove. For Chapkovski & Schaub's (2022) D = 0.71, L = 0.61: G = 0.10,
// R = 0.859155, φ = 0.140845, f = 0.256410.
//
// Read a gap as fear only after correcting the list estimate for
// artificial deflation (placebo items): published Russian list experiments
// show that much of a naive gap can be design artefact.
type Falsification struct {
	Direct, List Estimate
	Cov          float64
}

// FalsificationMeasures holds the five gap measures of a [Falsification].
type FalsificationMeasures struct {
	Gap, Ratio, Falsifying, Kuran, LogitShift Estimate
}

// String formats the measures one per line.
func (m FalsificationMeasures) String() string {
	return fmt.Sprintf("gap %v\nratio %v\nfalsifying %v\nKuran rate %v\nlogit shift %v",
		m.Gap, m.Ratio, m.Falsifying, m.Kuran, m.LogitShift)
}

func (f Falsification) check() error {
	if err := checkEstimate("direct", f.Direct); err != nil {
		return fmt.Errorf("adjust: falsification: %w", err)
	}
	if err := checkEstimate("list", f.List); err != nil {
		return fmt.Errorf("adjust: falsification: %w", err)
	}
	if math.IsNaN(f.Cov) || math.Abs(f.Cov) > f.Direct.SE*f.List.SE*(1+1e-12) {
		return fmt.Errorf("adjust: falsification: %w: covariance %v exceeds SE_D·SE_L = %v", ErrValue, f.Cov, f.Direct.SE*f.List.SE)
	}
	return nil
}

// Measures returns every gap measure with its delta-method standard error.
// It fails with an error wrapping [ErrProbability] when D or L is outside
// (0, 1) and [ErrValue] for a bad SE or a covariance larger than the SEs
// allow.
func (f Falsification) Measures() (FalsificationMeasures, error) {
	if err := f.check(); err != nil {
		return FalsificationMeasures{}, err
	}
	D, L, C := f.Direct.Value, f.List.Value, f.Cov
	vD, vL := f.Direct.SE*f.Direct.SE, f.List.SE*f.List.SE

	r := L / D
	// Relative SEs are formed before squaring: L² or L·D underflows to 0
	// for shares near 1e-300 (valid, if absurd), and V/0 gave NaN SEs
	// (found by the degenerate tests).
	cvD, cvL := f.Direct.SE/D, f.List.SE/L
	sR := math.Abs(r) * sqrtPos(cvL*cvL+cvD*cvD-2*C/L/D) // r² can overflow
	k := (1 - D) / (1 - L)
	vF := (vD + k*k*vL - 2*k*C) / ((1 - L) * (1 - L))
	gD, gL := D*(1-D), L*(1-L)
	kD, kL := f.Direct.SE/gD, f.List.SE/gL
	vK := kD*kD + kL*kL - 2*C/gD/gL
	return FalsificationMeasures{
		Gap:        Estimate{Value: D - L, SE: sqrtPos(vD + vL - 2*C)},
		Ratio:      Estimate{Value: r, SE: sR},
		Falsifying: Estimate{Value: 1 - r, SE: sR},
		Kuran:      Estimate{Value: (D - L) / (1 - L), SE: sqrtPos(vF)},
		LogitShift: Estimate{Value: logit(D) - logit(L), SE: sqrtPos(vK)},
	}, nil
}

// sqrtPos is √v for v ≥ 0 and 0 for the tiny negative values rounding can
// leave when a covariance cancels a variance exactly.
func sqrtPos(v float64) float64 {
	if v < 0 && v > -1e-15 {
		return 0
	}
	return math.Sqrt(v)
}

// Decomposition splits private opponents (1 − L) by what they told the
// pollster, assuming private supporters all answer "approve": falsifiers
// said approve, hiders gave no substantive answer, the rest said
// disapprove (methods.md §10.5):
//
//	falsifying  f = (a − L)/(1 − L)
//	hiding      h = m/(1 − L)
//	truthful    t = b/(1 − L)           (f + h + t = 1)
//
// A negative f means the indirect estimate exceeds direct approval:
// supporters hide, or the list is deflated.
type Decomposition struct {
	Falsifying, Hiding, Truthful Estimate
}

// String formats the three shares one per line.
func (d Decomposition) String() string {
	return fmt.Sprintf("falsifying %v\nhiding %v\ntruthful %v", d.Falsifying, d.Hiding, d.Truthful)
}

// Decompose returns the three-signal decomposition of the direct shares
// against an indirect estimate L of true approval in the same population,
// with delta-method SEs over the sampling covariance of (a, b) and Var(L),
// taking L as independent of the direct shares (for the same respondents,
// bootstrap instead). For a = 0.60, b = 0.20, m = 0.20, L = 0.55:
// f = 0.111111, h = 0.444444, t = 0.444444.
func (s Shares) Decompose(list Estimate) (Decomposition, error) {
	if err := s.validate(); err != nil {
		return Decomposition{}, err
	}
	if err := checkEstimate("list", list); err != nil {
		return Decomposition{}, fmt.Errorf("adjust: decompose: %w", err)
	}
	a, b, m, L := s.Approve, s.Disapprove, s.Missing(), list.Value
	u := 1 / (1 - L)
	vL := list.SE * list.SE
	se := func(ga, gb, gl float64) float64 { return math.Sqrt(s.quad(ga, gb) + gl*gl*vL) }
	return Decomposition{
		Falsifying: Estimate{Value: (a - L) * u, SE: se(u, 0, (a-1)*u*u)},
		Hiding:     Estimate{Value: m * u, SE: se(-u, -u, m*u*u)},
		Truthful:   Estimate{Value: b * u, SE: se(0, u, b*u*u)},
	}, nil
}
