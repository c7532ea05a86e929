package adjust

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/candorpoll/candor/poll"
)

// The degenerate-input contract (issues 3 and 4): every estimator returns an
// error wrapping one of the package's sentinels, or a result whose numbers
// are all finite. The hand-checked values of the regular cases are in the
// estimators' own tests; this file runs them over the edges: empty data,
// groups of size one, probabilities at 0, 1 and NaN, counts above J, huge n.

var adjSentinels = []error{ErrEmpty, ErrLength, ErrCountRange, ErrGroupSize, ErrProbability, ErrValue, ErrSingular, ErrNotConverged,
	context.Canceled, poll.ErrShareRange, poll.ErrShareSum, poll.ErrSampleSize, poll.ErrMissing, poll.ErrNoShares}

// adjCheck fails unless err wraps a sentinel or every float64 reachable in
// v (fields, slices, matrices' values through mat.Matrix) is finite.
func adjCheck(t *testing.T, v any, err error) {
	t.Helper()
	if err != nil {
		for _, s := range adjSentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error wraps no sentinel: %v", err)
	}
	adjFinite(t, reflect.ValueOf(v), "result")
}

func adjFinite(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.Float64, reflect.Float32:
		x := v.Float()
		require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%s = %v", path, x)
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return
		}
		if m, ok := v.Interface().(mat.Matrix); ok {
			r, c := m.Dims()
			for i := range r {
				for j := range c {
					x := m.At(i, j)
					require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%s[%d,%d] = %v", path, i, j, x)
				}
			}
			return
		}
		adjFinite(t, v.Elem(), path)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				adjFinite(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			adjFinite(t, v.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			adjFinite(t, v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k))
		}
	}
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
	for name, le := range listData() {
		t.Run(name, func(t *testing.T) {
			r1, err := le.DiffInMeans()
			adjCheck(t, r1, err)
			for _, k := range []VarianceKind{0, 1, 2, 3} {
				r, err := le.DiffInMeansSE(k)
				adjCheck(t, r, err)
			}
			r2, err := le.WeightedDiffInMeans()
			adjCheck(t, r2, err)
			r3, err := le.ControlMean()
			adjCheck(t, r3, err)
			if len(le.Y) > 1000 {
				return // the closed forms suffice for huge n; ML and the tests are O(n) too but slow
			}
			r4, err := le.LM(nil)
			adjCheck(t, r4, err)
			r5, err := le.ML(ctx, nil)
			adjCheck(t, r5, err)
			r6, err := le.MLConstraintTest(ctx, nil)
			adjCheck(t, r6, err)
			r7, err := le.DesignTest()
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
			adjCheck(t, r7, err)
			if le.Direct != nil {
				r8, err := le.Combined()
				adjCheck(t, r8, err)
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
				adjCheck(t, e, err)
				e, err = rr.EstimateTwoSample(y, []float64{1, 0, 0})
				adjCheck(t, e, err)
				for _, prev := range []float64{0, 0.5, 1} {
					inf, err := rr.Information(prev)
					adjCheck(t, inf, err)
				}
				pw, err := rr.Power(len(y), 0.3, 0.1, 0.05, true)
				adjCheck(t, pw, err)
				if len(y) > 100 {
					return
				}
				f, err := RRReg{RandomizedResponse: rr}.Fit(ctx, y, nil)
				adjCheck(t, f, err)
				if len(y) > 0 {
					x := mat.NewDense(len(y), 1, nil)
					for i := range len(y) {
						x.Set(i, 0, 1)
					}
					f, err = RRReg{RandomizedResponse: rr}.Fit(ctx, y, x)
					adjCheck(t, f, err)
				}
			})
		}
	}
}

func TestDegenerateFearCorrections(t *testing.T) {
	ests := map[string]Estimate{
		"0": {0, 0.01}, "1": {1, 0.01}, "NaN": {math.NaN(), 0.01}, "half": {0.5, 0.02}, "zero SE": {0.6, 0},
		"NaN SE": {0.6, math.NaN()}, "negative": {-0.1, 0.02}, "above 1": {1.2, 0.02}, "tiny": {1e-300, 1e-301},
	}
	for dn, d := range ests {
		for ln, l := range ests {
			t.Run("falsification "+dn+"/"+ln, func(t *testing.T) {
				m, err := Falsification{Direct: d, List: l}.Measures()
				adjCheck(t, m, err)
			})
		}
		t.Run("nonresponse "+dn, func(t *testing.T) {
			for _, k := range []float64{0, 1, 0.8, math.NaN(), math.Inf(1), -1} {
				nr := Nonresponse{DisapproverResponseRatio: k, LogRatioSE: 0.1}
				e, err := nr.Correct(d)
				adjCheck(t, e, err)
				c, err := nr.Curve(d, []float64{0.5, 1, 2, 0, math.NaN()})
				adjCheck(t, c, err)
				a, b, err := nr.ResponseRates(d.Value, 0.3)
				adjCheck(t, [2]float64{a, b}, err)
			}
			nr, err := CalibrateNonresponse(d, Estimate{0.6, 0.03})
			adjCheck(t, nr, err)
			nr, err = NonresponseFromRates(d.Value, 0.3)
			adjCheck(t, nr, err)
		})
	}
	shares := map[string]Shares{
		"no N": {Approve: 0.6, Disapprove: 0.3}, "one": {Approve: 1, Disapprove: 0, N: 1}, "all approve": {Approve: 1, N: 1000},
		"all disapprove": {Disapprove: 1, N: 1000}, "all missing": {N: 1000}, "NaN disapprove": {Approve: 0.6, Disapprove: math.NaN(), N: 1000},
		"sum above 1": {Approve: 0.7, Disapprove: 0.4, N: 1000}, "huge n": {Approve: 0.6, Disapprove: 0.3, N: 1e12},
		"negative deff": {Approve: 0.6, Disapprove: 0.3, N: 1000, DesignEffect: -1}, "regular": {Approve: 0.6, Disapprove: 0.3, N: 1000},
	}
	for sn, s := range shares {
		t.Run("shares "+sn, func(t *testing.T) {
			for _, lv := range []float64{0.95, 0, 1, math.NaN()} {
				b, err := s.Manski(lv)
				adjCheck(t, b, err)
				if err == nil {
					require.True(t, b.CILower <= b.Lower.Value+1e-12 && b.Lower.Value <= b.Upper.Value+1e-12 && b.Upper.Value <= b.CIUpper+1e-12, "%+v", b)
				}
				b, err = s.Monotone(lv)
				adjCheck(t, b, err)
			}
			for _, g := range []float64{0, 1, -50, 50, math.NaN(), math.Inf(1)} {
				e, err := s.Tilt(g)
				adjCheck(t, e, err)
			}
			for _, l := range ests {
				e, err := s.CalibrateTilt(l)
				adjCheck(t, e, err)
				dc, err := s.Decompose(l)
				adjCheck(t, dc, err)
			}
		})
	}
}

// TestDegenerateChain: Chain.Apply on empty input, polls at 0 and 100,
// polls without disapprove or sample size, with every correction kind.
func TestDegenerateChain(t *testing.T) {
	day := time.Date(2023, 10, 1, 0, 0, 0, 0, time.UTC)
	mk := func(pollster string, n int, a, d, u float64) poll.Poll {
		p := poll.New(pollster, day, day.AddDate(0, 0, 4), a, d)
		p.Undecided, p.SampleSize = u, n
		return p
	}
	polls := map[string][]poll.Poll{
		"empty": nil, "0": {mk("Levada", 1600, 0, 95, 5)}, "100": {mk("Levada", 1600, 100, 0, 0)},
		"NaN disapprove": {mk("Levada", 1600, 80, math.NaN(), math.NaN())}, "no n, known": {mk("Levada", 0, 80, 15, 5)},
		"no n, unknown": {mk("Nobody Polls", 0, 80, 15, 5)}, "huge n": {mk("Levada", 1<<40, 80, 15, 5)},
		"no undecided": {mk("FOM", 1500, 70, 30, 0)},
	}
	gap := Falsification{Direct: Estimate{0.71, 0.01}, List: Estimate{0.61, 0.03}}
	chains := map[string]Chain{
		"logit": {GapCorrection{gap, ScaleLogit}}, "additive": {GapCorrection{gap, ScaleAdditive}},
		"ratio": {GapCorrection{gap, ScaleRatio}}, "kuran": {GapCorrection{gap, ScaleKuran}},
		"nonresponse": {Nonresponse{DisapproverResponseRatio: 0.8, LogRatioSE: 0.1}},
		"tilt":        {UndecidedTilt{Gamma: Estimate{-0.5, 0.2}}},
		"all":         {UndecidedTilt{Gamma: Estimate{-0.5, 0.2}}, Nonresponse{DisapproverResponseRatio: 0.8}, GapCorrection{gap, ScaleLogit}},
		"empty":       {},
		"bad gap":     {GapCorrection{Falsification{Direct: Estimate{1, 0}, List: Estimate{0, 0}}, ScaleLogit}},
	}
	for pn, ps := range polls {
		for cn, c := range chains {
			t.Run(pn+"/"+cn, func(t *testing.T) {
				out, err := c.Apply(ps)
				if err != nil {
					adjCheck(t, nil, err)
					return
				}
				require.Len(t, out, len(ps))
				for _, p := range out {
					for _, v := range []float64{p.Approve} {
						require.False(t, math.IsNaN(v) || math.IsInf(v, 0))
						require.True(t, v >= 0 && v <= 100, "%v", v)
					}
					for _, a := range p.Adjustments {
						require.False(t, math.IsNaN(a.Variance) || math.IsInf(a.Variance, 0) || a.Variance < 0, "%+v", a)
					}
					va, vd := SamplingVariance(p)
					{
						require.False(t, math.IsInf(va, 0) || math.IsInf(vd, 0), "%v %v", va, vd)
					}
					sv := SharedVariance(p)
					require.False(t, math.IsNaN(sv) || math.IsInf(sv, 0) || sv < 0)
				}
			})
		}
	}
}
