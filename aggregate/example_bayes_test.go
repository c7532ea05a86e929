package aggregate_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
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
	last := res.Approve.Series[len(res.Approve.Series)-1]
	fmt.Printf("approve %s: %.1f, 95%% posterior interval [%.1f, %.1f]\n", last.Date.Format(time.DateOnly), last.Mean, last.Lower, last.Upper)
	for _, h := range res.Approve.Houses {
		fmt.Printf("%s %+.1f ± %.1f\n", h.Pollster, h.Value, h.SE)
	}
	fmt.Printf("σ %.2f ± %.2f points a day\n", res.Approve.Params.Sigma, res.Approve.Params.SigmaSE)
	fmt.Println("warnings:", len(res.Warnings))
	// Output:
	// approve 2024-04-04: 65.8, 95% posterior interval [64.2, 67.6]
	// Delta -2.2 ± 0.3
	// Gamma +2.2 ± 0.3
	// σ 0.32 ± 0.11 points a day
	// warnings: 0
}

// ExampleBayes_Sample uses the draws: the posterior probability that
// Gamma reports more than 3.5 points above Delta, that approval rose over
// the last month, and σ's convergence.
func ExampleBayes_Sample() {
	m := aggregate.Bayes{
		Model:  aggregate.StateSpace{Shares: []aggregate.Share{aggregate.Approve}},
		Chains: 2, Iterations: 500, Seed: 1,
	}
	post, err := m.Sample(context.Background(), examplePolls())
	if err != nil {
		fmt.Println(err)
		return
	}
	d := post.Draws[aggregate.Approve]
	gamma, delta := d.Houses["Gamma"], d.Houses["Delta"]
	above, n := 0, 0
	for c := range gamma {
		for i := range gamma[c] {
			if gamma[c][i]-delta[c][i] > 3.5 {
				above++
			}
			n++
		}
	}
	fmt.Printf("P(Gamma − Delta > 3.5 points) = %.2f\n", float64(above)/float64(n))
	// The level's draws: did approval rise over the last month?
	now, before := d.LevelAt(d.Days-1), d.LevelAt(d.Days-31)
	rose := 0
	for c := range now {
		for i := range now[c] {
			if now[c][i] > before[c][i] {
				rose++
			}
		}
	}
	fmt.Printf("P(approval rose since %s) = %.2f\n", d.Start.AddDate(0, 0, d.Days-31).Format(time.DateOnly), float64(rose)/float64(n))
	fmt.Printf("σ: R̂ %.2f, bulk ESS ≥ 400: %v\n", aggregate.SplitRhat(d.Sigma), aggregate.BulkESS(d.Sigma) >= 400)
	// Output:
	// P(Gamma − Delta > 3.5 points) = 0.96
	// P(approval rose since 2024-03-05) = 0.94
	// σ: R̂ 1.00, bulk ESS ≥ 400: true
}

// ExampleBulkESS checks chains from an AR(1) process with coefficient 0.5,
// whose effective sample size is n(1 − ρ)/(1 + ρ) = n/3.
func ExampleBulkESS() {
	r := rand.New(rand.NewPCG(1, 2))
	chains := make([][]float64, 4)
	for c := range chains {
		x := r.NormFloat64()
		for range 3000 {
			chains[c] = append(chains[c], x)
			x = 0.5*x + math.Sqrt(0.75)*r.NormFloat64()
		}
	}
	fmt.Printf("bulk ESS %.1f thousand of 12 thousand draws (expected about 4)\n", aggregate.BulkESS(chains)/1000)
	fmt.Printf("R̂ %.2f\n", aggregate.SplitRhat(chains))
	// Output:
	// bulk ESS 4.1 thousand of 12 thousand draws (expected about 4)
	// R̂ 1.00
}
