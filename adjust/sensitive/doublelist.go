package sensitive

import (
	"fmt"
	"math"

	"github.com/candorpoll/candor/adjust"
)

// DoubleList holds a double list experiment (Droitcour et al. 1991;
// Glynn 2013): every respondent answers two lists of control items, A and
// B; group 1 sees the sensitive item on list A, group 2 on list B. Each
// respondent is therefore treated on one list and control on the other,
// and the two halves are two list experiments on the same people.
type DoubleList struct {
	// A and B are the counts reported for lists A and B.
	A, B []float64
	// Group1 marks respondents whose list A carried the sensitive item
	// (the others had it on list B).
	Group1 []bool
	// JA and JB are the numbers of control items on lists A and B.
	JA, JB int
}

// DoubleListResult is the result of [DoubleList.Estimate].
type DoubleListResult struct {
	// Estimate is τ̂ = (τ̂_A + τ̂_B)/2 with the paired standard error.
	Estimate adjust.Estimate
	// A and B are the two single-list estimates, each with its Neyman
	// SE. A large gap between them is a design-effect warning.
	A, B adjust.Estimate
}

// Estimate returns the double-list estimate of the prevalence of the
// sensitive item:
//
//	τ̂_A = Ȳ_{A,1} − Ȳ_{A,2},   τ̂_B = Ȳ_{B,2} − Ȳ_{B,1},   τ̂ = (τ̂_A + τ̂_B)/2
//	with Δᵢ = Y_{A,i} − Y_{B,i}:   τ̂ = (Δ̄₁ − Δ̄₂)/2,
//	Var(τ̂) = [s²_{Δ,1}/n₁ + s²_{Δ,2}/n₂]/4
//
// The Δ form keeps the covariance of the two halves, which is negative
// when lists A and B are positively correlated: that is where the design
// gains precision over a single list (Glynn 2013).
//
// Errors wrap [ErrEmpty], [ErrLength], [ErrValue] (J < 1),
// [ErrCountRange] (a count outside 0..J, or 0..J+1 on the list that
// carried the sensitive item) and [ErrGroupSize] (fewer than two
// respondents in a group).
func (d *DoubleList) Estimate() (DoubleListResult, error) {
	n := len(d.A)
	if n == 0 {
		return DoubleListResult{}, fmt.Errorf("sensitive: double list: %w", ErrEmpty)
	}
	if len(d.B) != n || len(d.Group1) != n {
		return DoubleListResult{}, fmt.Errorf("sensitive: double list: %w: %d list A counts, %d list B counts, %d group flags", ErrLength, n, len(d.B), len(d.Group1))
	}
	if d.JA < 1 || d.JB < 1 {
		return DoubleListResult{}, fmt.Errorf("sensitive: double list: %w: JA = %d, JB = %d, need ≥ 1", ErrValue, d.JA, d.JB)
	}
	delta := make([]float64, n)
	var n1 int
	for i := 0; i < n; i++ {
		topA, topB := d.JA, d.JB
		if d.Group1[i] {
			topA++
			n1++
		} else {
			topB++
		}
		if a := d.A[i]; !(a >= 0 && a <= float64(topA)) || a != math.Trunc(a) {
			return DoubleListResult{}, fmt.Errorf("sensitive: double list: respondent %d: %w: list A count %v not an integer in 0..%d", i, ErrCountRange, a, topA)
		}
		if b := d.B[i]; !(b >= 0 && b <= float64(topB)) || b != math.Trunc(b) {
			return DoubleListResult{}, fmt.Errorf("sensitive: double list: respondent %d: %w: list B count %v not an integer in 0..%d", i, ErrCountRange, b, topB)
		}
		delta[i] = d.A[i] - d.B[i]
	}
	if n1 < 2 || n-n1 < 2 {
		return DoubleListResult{}, fmt.Errorf("sensitive: double list: %w: %d respondents in group 1 and %d in group 2, need ≥ 2 each", ErrGroupSize, n1, n-n1)
	}
	g1, mA1, vA1 := groupMoments(d.A, d.Group1, true)
	g2, mA2, vA2 := groupMoments(d.A, d.Group1, false)
	_, mB1, vB1 := groupMoments(d.B, d.Group1, true)
	_, mB2, vB2 := groupMoments(d.B, d.Group1, false)
	_, mD1, vD1 := groupMoments(delta, d.Group1, true)
	_, mD2, vD2 := groupMoments(delta, d.Group1, false)
	f1, f2 := float64(g1), float64(g2)
	return DoubleListResult{
		Estimate: adjust.Estimate{Value: (mD1 - mD2) / 2, SE: math.Sqrt(vD1/f1+vD2/f2) / 2},
		A:        adjust.Estimate{Value: mA1 - mA2, SE: math.Sqrt(vA1/f1 + vA2/f2)},
		B:        adjust.Estimate{Value: mB2 - mB1, SE: math.Sqrt(vB1/f1 + vB2/f2)},
	}, nil
}
