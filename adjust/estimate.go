package adjust

import (
	"fmt"
	"math"
)

// Estimate is a point estimate with its standard error, on whatever scale
// the producing function documents (proportions 0–1 unless stated).
type Estimate struct {
	Value float64
	SE    float64
}

// CI returns the two-sided normal (Wald) interval Value ± z·SE at the
// confidence level (e.g. 0.95). Level outside (0, 1) gives NaNs.
func (e Estimate) CI(level float64) (lo, hi float64) {
	z := zQuantile(level)
	return e.Value - z*e.SE, e.Value + z*e.SE
}

// Var returns the variance SE².
func (e Estimate) Var() float64 { return e.SE * e.SE }

// PValue returns the two-sided normal p-value of the hypothesis that the
// estimated quantity equals null: 2Φ(−|Value − null|/SE). It is NaN when
// SE is zero or not finite.
func (e Estimate) PValue(null float64) float64 {
	if !(e.SE > 0) || math.IsInf(e.SE, 1) {
		return math.NaN()
	}
	return math.Erfc(math.Abs(e.Value-null) / e.SE / math.Sqrt2)
}

// Sub returns the difference e − f of two independent estimates, with
// variance Var(e) + Var(f) (e.g. a direct share minus a list estimate
// from separate samples).
func (e Estimate) Sub(f Estimate) Estimate {
	return Estimate{Value: e.Value - f.Value, SE: math.Sqrt(e.Var() + f.Var())}
}

// Points converts an estimate on the proportion scale to percentage
// points (×100), the scale of package poll.
func (e Estimate) Points() Estimate {
	return Estimate{Value: 100 * e.Value, SE: 100 * e.SE}
}

// String formats the estimate as "0.6100 (SE 0.0300)".
func (e Estimate) String() string {
	return fmt.Sprintf("%.4f (SE %.4f)", e.Value, e.SE)
}

// zQuantile returns Φ⁻¹((1 + level)/2), the two-sided normal quantile;
// NaN for level outside (0, 1).
func zQuantile(level float64) float64 {
	if !(level > 0 && level < 1) {
		return math.NaN()
	}
	return math.Sqrt2 * math.Erfinv(level)
}
