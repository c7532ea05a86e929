package aggregate

import (
	"math"
	"testing"
)

// TestClampShare checks clampShare against the builtins it replaces, bit
// for bit: NaN stays NaN, −0 becomes +0, and the ends and beyond.
func TestClampShare(t *testing.T) {
	for _, x := range []float64{math.NaN(), math.Copysign(0, -1), 0, 1e-300, -1e-300, 50, 99.999, 100, 100.0000001, -3,
		math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64} {
		want := min(max(x, 0), 100)
		got := clampShare(x)
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Errorf("clampShare(%v) = %v (%#x), want %v (%#x)", x, got, math.Float64bits(got), want, math.Float64bits(want))
		}
	}
}
