package adjust_test

import (
	"fmt"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/poll"
)

func ExampleShareInterval() {
	// Levada, n = 1601, approval 66%, design effect 1.9.
	nEff := adjust.EffectiveN(1601, 1.9)
	for _, m := range []adjust.IntervalMethod{adjust.Wilson, adjust.Jeffreys, adjust.Wald} {
		lo, hi, _ := adjust.ShareInterval(0.66, nEff, 0.95, m)
		fmt.Printf("%-8v [%.4f, %.4f]\n", m, lo, hi)
	}
	// Output:
	// Wilson   [0.6274, 0.6912]
	// Jeffreys [0.6275, 0.6914]
	// Wald     [0.6280, 0.6920]
}

func ExampleEffectiveN() {
	// Levada states a maximum error of 3.4 points at 50% for n = 1600.
	deff, _ := poll.DesignEffectFromMargin(3.4, 1600, 0.5, 0.95)
	fmt.Printf("deff %.2f, effective n %.0f\n", deff, adjust.EffectiveN(1600, deff))
	// Output:
	// deff 1.93, effective n 831
}

func ExampleKish() {
	deff, nEff, _ := adjust.Kish([]float64{1, 1, 2, 4})
	fmt.Printf("deff %.3f, n_eff %.3f\n", deff, nEff)
	// Output:
	// deff 1.375, n_eff 2.909
}

func ExampleTotalError() {
	// A Levada-size poll at 50%: sampling SD 1.7 points; τ = 1.5 points of
	// non-sampling error makes it 2.3.
	te := adjust.TotalError{Tau: 0.015}
	e := te.Inflate(adjust.Estimate{Value: 0.5, SE: 0.01723})
	fmt.Printf("SE %.4f, variance ×%.2f\n", e.SE, te.Factor(0.5, 1600, 1.9))
	// Output:
	// SE 0.0228, variance ×1.76
}
