package adjust

import (
	"fmt"
	"math"
)

// Kish returns the design effect due to unequal weighting and the
// effective sample size of respondent weights w (Kish 1965, 1992):
//
//	deff_w = n·Σwᵢ² / (Σwᵢ)² = 1 + CV²(w)    (CV with n in the denominator)
//	n_eff  = (Σwᵢ)² / Σwᵢ² = n / deff_w
//
// The weights may be on any scale (frequency, normalized to mean 1, or
// summing to 1): both quantities are scale-free. This is deliberately not
// gonum's weighted Variance, which assumes frequency weights. Clustering
// adds a factor 1 + (m̄ − 1)ρ that weights cannot reveal; use
// [poll.DesignEffectFromMargin] to capture a pollster's whole design.
//
// Errors wrap [ErrEmpty] for no weights and [ErrValue] for a negative or
// non-finite weight or all-zero weights.
func Kish(w []float64) (deff, nEff float64, err error) {
	if len(w) == 0 {
		return math.NaN(), math.NaN(), fmt.Errorf("adjust: Kish: %w", ErrEmpty)
	}
	var s, s2 float64
	for i, v := range w {
		if !(v >= 0) || math.IsInf(v, 1) {
			return math.NaN(), math.NaN(), fmt.Errorf("adjust: Kish: %w: weight %d = %v", ErrValue, i, v)
		}
		s += v
		s2 += v * v
	}
	if s == 0 {
		return math.NaN(), math.NaN(), fmt.Errorf("adjust: Kish: %w: all weights zero", ErrValue)
	}
	nEff = s * s / s2
	return float64(len(w)) / nEff, nEff, nil
}

// EffectiveN returns n/deff, the sample size of a simple random sample
// with the same variance. A deff that is NaN or ≤ 0 (unknown) gives n
// unchanged, the simple-random-sampling assumption.
func EffectiveN(n int, deff float64) float64 {
	if !(deff > 0) || math.IsInf(deff, 1) {
		return float64(n)
	}
	return float64(n) / deff
}

// ShareVariance returns the sampling variance of a published share p
// (proportion) from a poll of n respondents with design effect deff:
// deff·p(1 − p)/n. An unknown deff (NaN or ≤ 0) is taken as 1. A sample
// size n ≤ 0 carries no information: the variance is +Inf (not a negative
// variance, nor 0/0 = NaN at p = 0 or 1).
func ShareVariance(p float64, n int, deff float64) float64 {
	if n <= 0 {
		return math.Inf(1)
	}
	return p * (1 - p) / EffectiveN(n, deff)
}

// TotalError adds non-sampling ("total survey") error to a poll's
// sampling variance:
//
//	Var_total = deff·p(1 − p)/n + τ²
//
// Shirani-Mehr, Rothschild, Goel & Gelman (2018) found on 4,221 US
// state-level polls in the last three weeks of 1998–2014 Senate,
// governor and presidential races that the root mean squared error of a
// poll is about 3.5 points, roughly twice what its reported margin
// implies; only about 73% (Senate) to 88% (President) of polls contain
// the result in their nominal 95% interval. The excess per-poll standard
// deviation is about τ ≈ 1.9 (Senate), 1.7 (governor) and 0.75
// (president) points, on top of a shared election-level bias of 1.2–2.3
// points that averaging cannot remove. For approval polls τ ≈ 1–2 points
// is a reasonable prior range; the aggregation models estimate τ from the
// dispersion of polls around the trend.
type TotalError struct {
	// Tau is the excess standard deviation τ on the proportion scale
	// (0.015 = 1.5 points). Zero means no inflation.
	Tau float64
}

// Variance returns deff·p(1 − p)/n + τ² for a share p (proportion) from n
// respondents; deff ≤ 0 or NaN is taken as 1.
func (t TotalError) Variance(p float64, n int, deff float64) float64 {
	return ShareVariance(p, n, deff) + t.Tau*t.Tau
}

// Inflate returns e with τ² added to its variance: SE = √(SE² + τ²).
func (t TotalError) Inflate(e Estimate) Estimate {
	return Estimate{Value: e.Value, SE: math.Sqrt(e.SE*e.SE + t.Tau*t.Tau)}
}

// Factor returns the ratio of total to sampling variance, 1 + τ²/Var_s,
// the factor by which τ widens an interval's squared half-width.
func (t TotalError) Factor(p float64, n int, deff float64) float64 {
	v := ShareVariance(p, n, deff)
	return 1 + t.Tau*t.Tau/v
}
