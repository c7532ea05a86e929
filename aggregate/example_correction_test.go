package aggregate_test

import (
	"context"
	"fmt"
	"time"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/aggregate"
)

// Example_corrections corrects the polls from 1 March on with a
// falsification gap measured once (a direct question against a list
// experiment: 71% ± 0.8 against 61% ± 1.5) and fits the corrected polls.
// The gap's calibration error is shared by every corrected poll, so
// pooling the nine of them cannot shrink it: the model carries it into the
// interval of the level from March on (twice as wide as the published
// polls' on 1 April), but not into the house effects, which the correction
// touches alike. (January's interval widens a little too, for another
// reason: the corrected series drops ten points at the start of March, and
// the random walk needs a larger σ̂ to follow.)
func Example_corrections() {
	from := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	gap := adjust.GapCorrection{Falsification: adjust.Falsification{
		Direct: adjust.Estimate{Value: 0.71, SE: 0.008},
		List:   adjust.Estimate{Value: 0.61, SE: 0.015},
	}}
	chain := adjust.Chain{adjust.Segmented{
		{Until: from}, // earlier polls left as published
		{From: from, Correction: gap},
	}}
	polls, err := chain.Apply(examplePolls())
	if err != nil {
		fmt.Println(err)
		return
	}
	m := aggregate.StateSpace{Shares: []aggregate.Share{aggregate.Approve}}
	published, err := m.Fit(context.Background(), examplePolls())
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := m.Fit(context.Background(), polls)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range []string{"2024-01-15", "2024-04-01"} {
		day, _ := time.Parse(time.DateOnly, d)
		p, _ := published.Approve.At(day)
		c, _ := res.Approve.At(day)
		fmt.Printf("%s: published %.1f [%.1f, %.1f], corrected %.1f [%.1f, %.1f]\n", d, p.Mean, p.Lower, p.Upper, c.Mean, c.Lower, c.Upper)
	}
	fmt.Printf("%.0f corrected polls, %.0f calibration, adding up to %.1f points² to the level\n",
		res.Approve.Params.Other["corrected_polls"], res.Approve.Params.Other["calibrations"], res.Approve.Params.Other["calibration_var_max"])
	for _, h := range res.Approve.Houses {
		fmt.Printf("%s %+.1f ± %.1f\n", h.Pollster, h.Value, h.SE)
	}
	// Output:
	// 2024-01-15: published 60.9 [59.7, 62.1], corrected 60.6 [58.5, 62.7]
	// 2024-04-01: published 65.7 [64.3, 67.1], corrected 55.5 [51.2, 59.8]
	// 9 corrected polls, 1 calibration, adding up to 3.4 points² to the level
	// Delta -2.5 ± 0.3
	// Gamma +2.5 ± 0.3
}
