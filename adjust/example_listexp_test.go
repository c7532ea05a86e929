package adjust_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/poll"
	"gonum.org/v1/gonum/mat"
)

// survey simulates n respondents answering a list experiment with J = 3
// control items and a direct question: 40% hold the sensitive opinion,
// a third of them hide it when asked directly.
func survey(n int, seed uint64) *adjust.ListExperiment {
	rng := rand.New(rand.NewPCG(seed, 1))
	le := &adjust.ListExperiment{J: 3}
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

func ExampleListExperiment_DiffInMeans() {
	// The hand-checkable case of docs/methods.md: treated counts
	// (2, 3, 1, 3, 2), control counts (1, 2, 1, 2).
	le := &adjust.ListExperiment{
		Y:     []float64{2, 3, 1, 3, 2, 1, 2, 1, 2},
		Treat: []bool{true, true, true, true, true, false, false, false, false},
		J:     3,
	}
	hc3, _ := le.DiffInMeans()
	neyman, _ := le.DiffInMeansSE(adjust.Neyman)
	fmt.Printf("estimate %.2f, HC3 SE %.6f, Neyman SE %.6f\n", hc3.Value, hc3.SE, neyman.SE)
	// Output:
	// estimate 0.70, HC3 SE 0.534894, Neyman SE 0.472582
}

func ExampleListExperiment_DesignTest() {
	le := survey(2000, 1)
	d, err := le.DesignTest()
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

func ExampleListExperiment_ML() {
	le := survey(2000, 2)
	dim, _ := le.DiffInMeans()
	fit, err := le.ML(context.Background(), nil)
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

func ExampleListExperiment_ML_covariates() {
	// One covariate x raises the odds of the sensitive opinion.
	rng := rand.New(rand.NewPCG(3, 1))
	const n = 2000
	le := &adjust.ListExperiment{J: 3}
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
	fit, err := le.ML(context.Background(), &adjust.MLSettings{X: X})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("δ = (%.2f, %.2f), SEs (%.2f, %.2f)\n", fit.Delta[0], fit.Delta[1], fit.DeltaSE[0], fit.DeltaSE[1])
	// Output:
	// δ = (-0.65, 1.07), SEs (0.19, 0.23)
}

func ExampleListExperiment_Combined() {
	le := survey(2000, 4)
	c, err := le.Combined()
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
	d := &adjust.DoubleList{
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

func ExampleReadRespondents() {
	in := `y,treat,direct
3,TRUE,0
2,FALSE,1
NA,TRUE,0
x,FALSE,0
`
	r, err := adjust.ReadRespondents(strings.NewReader(in), adjust.Columns{Direct: "direct"})
	fmt.Println(r.Len(), "rows read")
	fmt.Println(err)
	c, dropped := r.Complete()
	fmt.Println(c.Len(), "complete; dropped lines", dropped)
	// Output:
	// 3 rows read
	// 5:1: "x": adjust: invalid value: not a number
	// 2 complete; dropped lines [4]
}

func ExampleFitLogistic() {
	// Fractional outcomes with weights: 3 of 10 and 6 of 10 "yes" in two
	// groups, entered as y = k/m with weight m.
	x := mat.NewDense(2, 2, []float64{1, 0, 1, 1})
	fit, err := adjust.FitLogistic(x, []float64{0.3, 0.6}, []float64{10, 10}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	se, _ := fit.SE()
	fmt.Printf("intercept %.4f (SE %.4f), slope %.4f (SE %.4f)\n", fit.Coef[0], se[0], fit.Coef[1], se[1])
	// Output:
	// intercept -0.8473 (SE 0.6901), slope 1.2528 (SE 0.9449)
}

func ExampleListExperiment_LM() {
	// Without covariates the linear model's β₀ is the difference in means
	// and its SE the HC3 SE (the case of ExampleListExperiment_DiffInMeans).
	le := &adjust.ListExperiment{
		Y:     []float64{2, 3, 1, 3, 2, 1, 2, 1, 2},
		Treat: []bool{true, true, true, true, true, false, false, false, false},
		J:     3,
	}
	r, err := le.LM(nil)
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
	pl := &adjust.PlaceboList{
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
