package adjust

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/candorpoll/candor/poll"
)

// The degenerate-input contract (issues 3 and 4): every estimator returns an
// error wrapping one of the package's sentinels, or a result whose numbers
// are all finite. The hand-checked values of the regular cases are in the
// estimators' own tests; this file runs them over the edges: empty data,
// groups of size one, probabilities at 0, 1 and NaN, counts above J, huge n.

var adjSentinels = []error{ErrEmpty, ErrProbability, ErrValue,
	context.Canceled, poll.ErrShareRange, poll.ErrShareSum, poll.ErrSampleSize, poll.ErrMissing, poll.ErrNoShares}

// adjCheck checks the degenerate-input contract (simcheck.Degenerate) with
// this package's sentinels.
func adjCheck(t *testing.T, v any, err error) {
	t.Helper()
	simcheck.Degenerate(t, v, err, adjSentinels)
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
					va, vd := SamplingVariance(p, nil)
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
