package sensitive

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// The degenerate-input contract (issues 3 and 4): every estimator returns an
// error wrapping one of the package's sentinels, or a result whose numbers
// are all finite. The hand-checked values of the regular cases are in the
// estimators' own tests; this file runs them over the edges: empty data,
// groups of size one, probabilities at 0, 1 and NaN, counts above J, huge n.

var sentinels = []error{ErrEmpty, ErrLength, ErrCountRange, ErrGroupSize, ErrProbability, ErrValue, ErrSingular, ErrNotConverged,
	context.Canceled}

// checkDegenerate checks the degenerate-input contract (simcheck.Degenerate) with
// this package's sentinels.
func checkDegenerate(t *testing.T, v any, err error) {
	t.Helper()
	simcheck.Degenerate(t, v, err, sentinels)
}

// listData are degenerate list experiments with J = 3.
func listData() map[string]ListExperiment {
	d := map[string]ListExperiment{
		"empty":             {J: 3},
		"one respondent":    {Y: []float64{1}, Treat: []bool{true}, J: 3},
		"treated of size 1": {Y: []float64{1, 2, 1, 0, 2}, Treat: []bool{true, false, false, false, false}, J: 3},
		"control of size 1": {Y: []float64{1, 2, 1, 0, 2}, Treat: []bool{false, true, true, true, true}, J: 3},
		"all treated":       {Y: []float64{1, 2, 1, 0}, Treat: []bool{true, true, true, true}, J: 3},
		"count above J":     {Y: []float64{4, 2, 1, 2}, Treat: []bool{false, false, true, true}, J: 3},
		"count above J+1":   {Y: []float64{1, 2, 5, 2}, Treat: []bool{false, false, true, true}, J: 3},
		"NaN count":         {Y: []float64{1, math.NaN(), 1, 2}, Treat: []bool{false, false, true, true}, J: 3},
		"length mismatch":   {Y: []float64{1, 2, 1}, Treat: []bool{false, true}, J: 3},
		"J = 0":             {Y: []float64{0, 0, 1, 1}, Treat: []bool{false, false, true, true}, J: 0},
		"no variance":       {Y: []float64{1, 1, 2, 2}, Treat: []bool{false, false, true, true}, J: 3},
		"all zero":          {Y: []float64{0, 0, 0, 0, 0, 0}, Treat: []bool{false, false, false, true, true, true}, J: 3},
		"ceiling":           {Y: []float64{3, 3, 3, 4, 4, 4}, Treat: []bool{false, false, false, true, true, true}, J: 3},
		"direct all yes":    {Y: []float64{1, 2, 1, 2, 3, 1}, Treat: []bool{false, false, false, true, true, true}, J: 3, Direct: []float64{1, 1, 1, 1, 1, 1}},
		"direct all no":     {Y: []float64{1, 2, 1, 2, 3, 1}, Treat: []bool{false, false, false, true, true, true}, J: 3, Direct: []float64{0, 0, 0, 0, 0, 0}},
		"direct NaN":        {Y: []float64{1, 2, 1, 2, 3, 1}, Treat: []bool{false, false, false, true, true, true}, J: 3, Direct: []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}},
		"zero weights":      {Y: []float64{1, 2, 1, 2}, Treat: []bool{false, false, true, true}, J: 3, Weight: []float64{0, 0, 0, 0}},
		"NaN weight":        {Y: []float64{1, 2, 1, 2}, Treat: []bool{false, false, true, true}, J: 3, Weight: []float64{1, math.NaN(), 1, 1}},
	}
	var y []float64
	var tr []bool
	for i := range 200000 { // huge n
		y = append(y, float64(i%4))
		tr = append(tr, i%2 == 0)
		if i%2 == 0 {
			y[i] = float64(i % 5)
		}
	}
	d["huge n"] = ListExperiment{Y: y, Treat: tr, J: 3}
	return d
}

func TestDegenerateListExperiment(t *testing.T) {
	ctx := context.Background()
	for name, data := range listData() {
		le := &data
		t.Run(name, func(t *testing.T) {
			r1, err := DiffInMeans{}.Fit(le)
			checkDegenerate(t, r1, err)
			for _, k := range []VarianceKind{0, 1, 2, 3} {
				r, err := DiffInMeans{Variance: k}.Fit(le)
				checkDegenerate(t, r, err)
			}
			r2, err := WeightedDiffInMeans{}.Fit(le)
			checkDegenerate(t, r2, err)
			r3, err := le.ControlMean()
			checkDegenerate(t, r3, err)
			if len(le.Y) > 1000 {
				return // the closed forms suffice for huge n; ML and the tests are O(n) too but slow
			}
			r4, err := ListLM{}.Fit(le)
			checkDegenerate(t, r4, err)
			r5, err := ListML{}.Fit(ctx, le)
			checkDegenerate(t, r5, err)
			r6, err6 := ListML{Unconstrained: true}.Fit(ctx, le)
			checkDegenerate(t, r6, err6)
			if err == nil && err6 == nil {
				ct, err := NewConstraintTest(r5, r6)
				checkDegenerate(t, ct, err)
			}
			r7, err := DesignTest{}.Fit(le)
			// P1 and P0 are documented as NaN when their family keeps no
			// moment (nothing to test); every other number must be finite.
			if err == nil && r7.Moments1 == 0 {
				require.True(t, math.IsNaN(r7.P1))
				r7.P1 = 1
			}
			if err == nil && r7.Moments0 == 0 {
				require.True(t, math.IsNaN(r7.P0))
				r7.P0 = 1
			}
			checkDegenerate(t, r7, err)
			if le.Direct != nil {
				r8, err := Combined{}.Fit(le)
				checkDegenerate(t, r8, err)
			}
		})
	}
}

func TestDegenerateRandomizedResponse(t *testing.T) {
	designs := map[string]RandomizedResponse{
		"forced":    {Design: ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6},
		"mirrored":  {Design: MirroredQuestion, P: 0.7},
		"disguised": {Design: DisguisedResponse, P: 0.7},
		"unrelated": {Design: UnrelatedQuestion, P: 0.7, Q: 0.3},
		"warner":    {Design: Warner, P: 0.7},
		"crosswise": {Design: Crosswise, Q: 0.2},
		"unknown q": {Design: UnrelatedUnknownQ, P: 0.7},
	}
	for _, p := range []float64{0, 1, 0.5, math.NaN(), -0.1, 1.1} {
		designs[fmt.Sprintf("forced P=%v", p)] = RandomizedResponse{Design: ForcedResponse, P: p, P1: (1 - p) / 2, P0: (1 - p) / 2}
		designs[fmt.Sprintf("warner P=%v", p)] = RandomizedResponse{Design: Warner, P: p}
		designs[fmt.Sprintf("unrelated Q=%v", p)] = RandomizedResponse{Design: UnrelatedQuestion, P: 0.7, Q: p}
		designs[fmt.Sprintf("crosswise Q=%v", p)] = RandomizedResponse{Design: Crosswise, Q: p}
	}
	designs["unset"] = RandomizedResponse{}
	huge := make([]float64, 1_000_000)
	for i := range huge {
		huge[i] = float64(i % 3 % 2)
	}
	answers := map[string][]float64{
		"empty": nil, "one": {1}, "all yes": {1, 1, 1, 1}, "all no": {0, 0, 0, 0},
		"NaN": {1, math.NaN(), 0}, "not 0/1": {1, 2, 0}, "huge n": huge, "mixed": {1, 0, 0, 1, 0, 1, 1, 0},
	}
	ctx := context.Background()
	for dn, rr := range designs {
		for an, y := range answers {
			t.Run(dn+"/"+an, func(t *testing.T) {
				e, err := rr.Estimate(y)
				checkDegenerate(t, e, err)
				e, err = rr.EstimateTwoSample(y, []float64{1, 0, 0})
				checkDegenerate(t, e, err)
				for _, prev := range []float64{0, 0.5, 1} {
					inf, err := rr.Information(prev)
					checkDegenerate(t, inf, err)
				}
				pw, err := rr.Power(len(y), 0.3, 0.1, 0.05, true)
				checkDegenerate(t, pw, err)
				if len(y) > 100 {
					return
				}
				f, err := RRReg{RandomizedResponse: rr}.Fit(ctx, y, nil)
				checkDegenerate(t, f, err)
				if len(y) > 0 {
					x := mat.NewDense(len(y), 1, nil)
					for i := range len(y) {
						x.Set(i, 0, 1)
					}
					f, err = RRReg{RandomizedResponse: rr}.Fit(ctx, y, x)
					checkDegenerate(t, f, err)
				}
			})
		}
	}
}
