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
