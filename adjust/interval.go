package adjust

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// IntervalMethod selects how [ShareInterval] builds a confidence interval
// for a single proportion.
type IntervalMethod int

const (
	// Wilson is the score interval (Wilson 1927), the default: closed form,
	// coverage close to nominal even near 0 or 1 (Brown, Cai & DasGupta
	// 2001). Use it to report a poll's own interval.
	Wilson IntervalMethod = iota
	// Jeffreys is the equal-tailed Bayesian interval under a Beta(½, ½)
	// prior, Brown, Cai & DasGupta's other recommendation; slightly
	// shorter than Wilson near the boundaries.
	Jeffreys
	// Wald is p̂ ± z·√(p̂(1 − p̂)/n). It undercovers for small n or p̂ near
	// 0 or 1; it is provided because it is the Gaussian approximation the
	// aggregation models consume (a poll enters them as p̂ with variance
	// p̂(1 − p̂)/n_eff), not as a reporting interval.
	Wald
)

// String returns the method's name.
func (m IntervalMethod) String() string {
	switch m {
	case Wilson:
		return "Wilson"
	case Jeffreys:
		return "Jeffreys"
	case Wald:
		return "Wald"
	}
	return fmt.Sprintf("IntervalMethod(%d)", int(m))
}

// ShareInterval returns a two-sided confidence interval at the given level
// (e.g. 0.95) for a proportion p estimated from an effective sample size
// nEff (the realised n divided by the design effect; see [EffectiveN]).
// Following Korn & Graubard (1998) the design enters only through nEff,
// and the "count" x = p·nEff may be fractional:
//
//	Wald:      p ± z·√(p(1 − p)/n)
//	Wilson:    c ± h,  c = (p + z²/(2n)) / (1 + z²/n),
//	           h = z/(1 + z²/n) · √(p(1 − p)/n + z²/(4n²))
//	Jeffreys:  [Beta⁻¹(α/2; x + ½, n − x + ½), Beta⁻¹(1 − α/2; x + ½, n − x + ½)],
//	           lower = 0 if x = 0, upper = 1 if x = n
//
// with n = nEff and z = Φ⁻¹(1 − α/2), α = 1 − level. Wald limits are not
// truncated to [0, 1]. Errors wrap [ErrValue] for p outside [0, 1],
// nEff ≤ 0, a level outside (0, 1) or an unknown method.
func ShareInterval(p, nEff, level float64, method IntervalMethod) (lo, hi float64, err error) {
	if !(p >= 0 && p <= 1) {
		return math.NaN(), math.NaN(), fmt.Errorf("adjust: share interval: %w: p = %v outside [0, 1]", ErrValue, p)
	}
	if !(nEff > 0) || math.IsInf(nEff, 1) {
		return math.NaN(), math.NaN(), fmt.Errorf("adjust: share interval: %w: effective n = %v", ErrValue, nEff)
	}
	if !(level > 0 && level < 1) {
		return math.NaN(), math.NaN(), fmt.Errorf("adjust: share interval: %w: level %v outside (0, 1)", ErrValue, level)
	}
	z := zQuantile(level)
	n := nEff
	switch method {
	case Wald:
		h := z * math.Sqrt(p*(1-p)/n)
		return p - h, p + h, nil
	case Wilson:
		z2 := z * z
		d := 1 + z2/n
		c := (p + z2/(2*n)) / d
		h := z / d * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
		return c - h, c + h, nil
	case Jeffreys:
		x := p * n
		alpha := 1 - level
		b := distuv.Beta{Alpha: x + 0.5, Beta: n - x + 0.5}
		lo, hi = 0, 1
		if p > 0 {
			lo = b.Quantile(alpha / 2)
		}
		if p < 1 {
			hi = b.Quantile(1 - alpha/2)
		}
		return lo, hi, nil
	}
	return math.NaN(), math.NaN(), fmt.Errorf("adjust: share interval: %w: unknown method %v", ErrValue, method)
}
