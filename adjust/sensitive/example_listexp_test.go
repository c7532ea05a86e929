package sensitive_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/candorpoll/candor/adjust/sensitive"
	"gonum.org/v1/gonum/mat"
)

// survey simulates n respondents answering a list experiment with J = 3
// control items and a direct question: 40% hold the sensitive opinion,
// a third of them hide it when asked directly.
func survey(n int, seed uint64) *sensitive.ListExperiment {
	rng := rand.New(rand.NewPCG(seed, 1))
	le := &sensitive.ListExperiment{J: 3}
	for i := 0; i < n; i++ {
		z := rng.Float64() < 0.4
		y := 0
		for j := 0; j < 3; j++ {
			if rng.Float64() < 0.5 {
				y++
			}
		}
		treat := i%2 == 0
		if treat && z {
			y++
		}
		direct := 0.0
		if z && rng.Float64() > 1.0/3 {
			direct = 1
		}
		le.Y = append(le.Y, float64(y))
		le.Treat = append(le.Treat, treat)
		le.Direct = append(le.Direct, direct)
	}
	return le
}

func ExampleDiffInMeans() {
	// The hand-checkable case of docs/methods.md: treated counts
	// (2, 3, 1, 3, 2), control counts (1, 2, 1, 2).
	le := &sensitive.ListExperiment{
		Y:     []float64{2, 3, 1, 3, 2, 1, 2, 1, 2},
		Treat: []bool{true, true, true, true, true, false, false, false, false},
		J:     3,
	}
	hc3, _ := sensitive.DiffInMeans{}.Fit(le)
	neyman, _ := sensitive.DiffInMeans{Variance: sensitive.Neyman}.Fit(le)
	fmt.Printf("estimate %.2f, HC3 SE %.6f, Neyman SE %.6f\n", hc3.Value, hc3.SE, neyman.SE)
	// Output:
	// estimate 0.70, HC3 SE 0.534894, Neyman SE 0.472582
}

func ExampleDesignTest() {
	le := survey(2000, 1)
	d, err := sensitive.DesignTest{}.Fit(le)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Every type proportion is clearly positive, so moment selection
	// keeps none and the p-value is 1.
	fmt.Printf("no design effect: p = %.3f (moments kept %d + %d)\n", d.PValue, d.Moments1, d.Moments0)
	// Output:
	// no design effect: p = 1.000 (moments kept 0 + 0)
}

func ExampleListML() {
	le := survey(2000, 2)
	dim, _ := sensitive.DiffInMeans{}.Fit(le)
	fit, err := sensitive.ListML{}.Fit(context.Background(), le)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("difference in means %v\n", dim)
	fmt.Printf("maximum likelihood  %v\n", fit.Prevalence)
	// Output:
	// difference in means 0.3730 (SE 0.0418)
	// maximum likelihood  0.3780 (SE 0.0396)
}

func ExampleListML_covariates() {
	// One covariate x raises the odds of the sensitive opinion.
	rng := rand.New(rand.NewPCG(3, 1))
	const n = 2000
	le := &sensitive.ListExperiment{J: 3}
	X := mat.NewDense(n, 1, nil)
	for i := 0; i < n; i++ {
		x := rng.NormFloat64()
		X.Set(i, 0, x)
		y := 0
		for j := 0; j < 3; j++ {
			if rng.Float64() < 0.5 {
				y++
			}
		}
		treat := i%2 == 0
		// P(Z = 1 | x) = expit(−0.5 + x).
		if treat && rng.Float64() < 1/(1+math.Exp(0.5-x)) {
			y++
		}
		le.Y = append(le.Y, float64(y))
		le.Treat = append(le.Treat, treat)
	}
	le.X = X
	fit, err := sensitive.ListML{}.Fit(context.Background(), le)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("δ = (%.2f, %.2f), SEs (%.2f, %.2f)\n", fit.Delta[0], fit.Delta[1], fit.DeltaSE[0], fit.DeltaSE[1])
	// Output:
	// δ = (-0.65, 1.07), SEs (0.19, 0.23)
}

func ExampleCombined() {
	le := survey(2000, 4)
	c, err := sensitive.Combined{}.Fit(le)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("direct       %v\n", c.Direct)
	fmt.Printf("list only    %v\n", c.Conventional)
	fmt.Printf("combined     %v\n", c.Estimate)
	fmt.Printf("placebo I p = %.2f, placebo II p = %.2f\n", c.PlaceboI.PValue, c.PlaceboII.PValue)
	// Output:
	// direct       0.2710 (SE 0.0099)
	// list only    0.3950 (SE 0.0415)
	// combined     0.3817 (SE 0.0352)
	// placebo I p = 0.65, placebo II p = 0.62
}

func ExampleDoubleList_Estimate() {
	d := &sensitive.DoubleList{
		A:      []float64{3, 2, 4, 1, 2, 1, 3, 1},
		B:      []float64{1, 2, 2, 0, 2, 3, 2, 1},
		Group1: []bool{true, true, true, true, false, false, false, false},
		JA:     3, JB: 3,
	}
	r, _ := d.Estimate()
	fmt.Printf("%.2f (SE %.6f)\n", r.Estimate.Value, r.Estimate.SE)
	// Output:
	// 0.75 (SE 0.395285)
}

func ExampleListLM() {
	// Without covariates the linear model's β₀ is the difference in means
	// and its SE the HC3 SE (the case of ExampleDiffInMeans).
	le := &sensitive.ListExperiment{
		Y:     []float64{2, 3, 1, 3, 2, 1, 2, 1, 2},
		Treat: []bool{true, true, true, true, true, false, false, false, false},
		J:     3,
	}
	r, err := sensitive.ListLM{}.Fit(le)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("control mean γ₀ %.2f, β₀ %.2f (SE %.6f), prevalence %v\n", r.Psi[0], r.Delta[0], r.DeltaSE[0], r.Prevalence)
	// Output:
	// control mean γ₀ 1.50, β₀ 0.70 (SE 0.534894), prevalence 0.7000 (SE 0.5349)
}

func ExamplePlaceboList_Estimate() {
	// Control counts average 1.5, the sensitive list 2.2 and the list with
	// a placebo item of known prevalence 0.75 only 2.0: the longer list
	// deflates counts by Δ = 0.75 − (2.0 − 1.5) = 0.25, and the corrected
	// estimate is 2.2 − 2.0 + 0.75 = 0.95 instead of 0.70.
	pl := &sensitive.PlaceboList{
		Control:    []float64{1, 2, 1, 2},
		Sensitive:  []float64{2, 3, 1, 3, 2},
		Placebo:    []float64{2, 2, 3, 1},
		J:          3,
		Prevalence: 0.75,
	}
	r, err := pl.Estimate()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("difference in means %v\ndeflation %v\ncorrected %v\n", r.DiM, r.Deflation, r.Corrected)
	// Output:
	// difference in means 0.7000 (SE 0.4726)
	// deflation 0.2500 (SE 0.5000)
	// corrected 0.9500 (SE 0.5538)
}

func ExampleWeightedDiffInMeans() {
	// The hand case of ExampleDiffInMeans with the first treated
	// respondent weighted twice: the treated mean is (2·2 + 3 + 1 + 3 + 2)/6
	// and the control mean 1.5.
	le := &sensitive.ListExperiment{
		Y:      []float64{2, 3, 1, 3, 2, 1, 2, 1, 2},
		Treat:  []bool{true, true, true, true, true, false, false, false, false},
		J:      3,
		Weight: []float64{2, 1, 1, 1, 1, 1, 1, 1, 1},
	}
	e, err := sensitive.WeightedDiffInMeans{}.Fit(le)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e)
	// Output:
	// 0.6667 (SE 0.3778)
}

func ExampleNewConstraintTest() {
	// Do answers to the control items depend on the sensitive trait? Fit
	// both models and compare them by their likelihood ratio.
	le := survey(2000, 2)
	ctx := context.Background()
	c, err := sensitive.ListML{}.Fit(ctx, le)
	if err != nil {
		fmt.Println(err)
		return
	}
	u, err := sensitive.ListML{Unconstrained: true}.Fit(ctx, le)
	if err != nil {
		fmt.Println(err)
		return
	}
	ct, err := sensitive.NewConstraintTest(c, u)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("LR %.3f on %d df, p = %.3f\n", ct.LR, ct.DF, ct.PValue)
	// Output:
	// LR 0.217 on 1 df, p = 0.641
}
