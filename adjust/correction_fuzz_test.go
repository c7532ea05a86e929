package adjust

import (
	"math"
	"testing"

	"github.com/candorpoll/candor/poll"
)

// FuzzChainApply feeds arbitrary shares and correction parameters to a
// chain: it must never panic, and whenever it succeeds every share stays
// within 0–100, the total is conserved and every variance is finite and
// non-negative.
func FuzzChainApply(f *testing.F) {
	f.Add(82.0, 15.0, 3.0, 0.71, 0.61, 0.03, uint8(0), 0.8, -0.5)
	f.Add(5.0, 90.0, 5.0, 0.71, 0.61, 0.03, uint8(1), 1.0, 0.0)
	f.Add(100.0, 0.0, 0.0, 0.5, 0.7, 0.0, uint8(2), 0.1, 3.0)
	f.Add(0.0, 0.0, 0.0, 0.99, 0.01, 1.0, uint8(3), 10.0, -20.0)
	f.Add(math.NaN(), 15.0, 3.0, 0.71, 0.61, 0.03, uint8(9), math.Inf(1), math.NaN())
	f.Fuzz(func(t *testing.T, a, d, u, direct, list, listSE float64, scale uint8, kappa, gamma float64) {
		p := poll.Poll{Pollster: "Levada", SampleSize: 1600, Approve: a, Disapprove: d, Undecided: u, Refused: math.NaN()}
		ch := Chain{
			GapCorrection{Falsification: Falsification{Direct: Estimate{direct, 0.01}, List: Estimate{list, listSE}}, Scale: GapScale(scale % 5)},
			Nonresponse{DisapproverResponseRatio: kappa, LogRatioSE: 0.1},
			UndecidedTilt{Gamma: Estimate{gamma, 0.2}},
		}
		out, err := ch.Apply([]poll.Poll{p})
		if err != nil {
			return
		}
		q := out[0]
		for _, v := range []float64{q.Approve, q.Disapprove, q.Undecided} {
			if !(v >= -1e-9 && v <= 100+1e-9) {
				t.Fatalf("share %v out of range: %v", v, &q)
			}
		}
		if math.Abs(q.Approve+q.Disapprove+q.Undecided-(a+d+u)) > 1e-6 {
			t.Fatalf("total not conserved: %v → %v", a+d+u, q.Approve+q.Disapprove+q.Undecided)
		}
		for _, adj := range q.Adjustments {
			if !(adj.Variance >= 0) || math.IsInf(adj.Variance, 0) {
				t.Fatalf("variance %v in %+v", adj.Variance, adj)
			}
		}
		SamplingVariance(q, nil)
		SharedCovariance(q, q)
	})
}
