package aggregate_test

import (
	"context"
	"fmt"
	"time"

	"github.com/candorpoll/candor/aggregate"
)

// ExampleBayes samples the posterior of the model of ExampleStateSpace. The
// interval is wider than StateSpace's [64.3, 67.3]: it carries the
// uncertainty of σ and τ, which the plug-in interval treats as known.
func ExampleBayes() {
	m := aggregate.Bayes{
		Model:  aggregate.StateSpace{Shares: []aggregate.Share{aggregate.Approve}},
		Chains: 2, Iterations: 500, Seed: 1,
	}
	res, err := m.Fit(context.Background(), examplePolls())
	if err != nil {
		fmt.Println(err)
		return
	}
	last := res.Series[len(res.Series)-1]
	fmt.Printf("approve %s: %.1f, 95%% posterior interval [%.1f, %.1f]\n", last.Date.Format(time.DateOnly), last.Mean, last.Lower, last.Upper)
	for _, h := range res.Houses {
		fmt.Printf("%s %+.1f ± %.1f\n", h.Pollster, h.Value, h.SE)
	}
	fmt.Printf("σ %.2f ± %.2f points a day\n", res.Params.Sigma, res.Params.SigmaSE)
	fmt.Println("warnings:", len(res.Warnings))
	// Output:
	// approve 2024-04-04: 65.8, 95% posterior interval [64.2, 67.6]
	// Delta -2.2 ± 0.3
	// Gamma +2.2 ± 0.3
	// σ 0.32 ± 0.11 points a day
	// warnings: 0
}
