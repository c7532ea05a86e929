package sensitive_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/candorpoll/candor/adjust/sensitive"
	"gonum.org/v1/gonum/mat"
)

// A forced-response question (Blair, Imai & Zhou 2015): two thirds of
// respondents answer truthfully, a sixth are told to say "yes" and a
// sixth "no". 1,000 simulated respondents, 30% of whom hold the trait.
func ExampleRandomizedResponse_Estimate() {
	rr := sensitive.RandomizedResponse{Design: sensitive.ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6}
	rng := rand.New(rand.NewPCG(5, 6))
	answers := make([]float64, 1000)
	for i := range answers {
		trait := rng.Float64() < 0.30
		switch u := rng.Float64(); {
		case u < rr.P && trait, u >= rr.P && u < rr.P+rr.P1:
			answers[i] = 1
		}
	}
	e, err := rr.Estimate(answers)
	if err != nil {
		fmt.Println(err)
		return
	}
	lo, hi := e.CI(0.95)
	fmt.Printf("prevalence %v, 95%% CI [%.3f, %.3f]\n", e, lo, hi)

	// What the privacy costs: the variance relative to a direct question.
	info, _ := rr.Information(0.30)
	fmt.Printf("variance ×%.2f of a direct question\n", 1/(info*0.30*0.70))
	// Output:
	// prevalence 0.2930 (SE 0.0228), 95% CI [0.248, 0.338]
	// variance ×2.49 of a direct question
}

// The randomized-response regression on simulated respondents: the
// prevalence of the trait falls with a covariate.
func ExampleRRReg_Fit() {
	rr := sensitive.RandomizedResponse{Design: sensitive.ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6}
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 2000
	x := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		age := rng.Float64()*4 - 2
		x.SetRow(i, []float64{1, age})
		trait := rng.Float64() < 1/(1+math.Exp(-(-0.5-0.8*age)))
		switch u := rng.Float64(); {
		case u < rr.P && trait, u >= rr.P && u < rr.P+rr.P1:
			y[i] = 1
		}
	}
	fit, err := sensitive.RRReg{RandomizedResponse: rr, Names: []string{"(Intercept)", "age"}}.Fit(context.Background(), y, x)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(fit)
	prev, _ := fit.Prevalence(nil)
	fmt.Println("average prevalence", prev)
	// Output:
	// Randomized response regression (forced-known), n = 2000, log-likelihood -1309.2481
	//                    Est.     S.E.
	//   (Intercept)  -0.43614  0.07940
	//           age  -0.74028  0.07612
	// average prevalence 0.4070 (SE 0.0161)
}

func ExampleRandomizedResponse_EstimateTwoSample() {
	// Unrelated question with unknown Q, P = 0.7: 60% "yes" in the first
	// subsample and 40% in the second give
	// π̂ = (0.7·0.6 − 0.3·0.4)/(2·0.7 − 1) = 0.75, with 1,000 respondents
	// in each SE = √(0.49·0.24 + 0.09·0.24)/√1000/0.4 ≈ 0.0295.
	answers := func(n, yes int) []float64 {
		a := make([]float64, n)
		for i := range yes {
			a[i] = 1
		}
		return a
	}
	rr := sensitive.RandomizedResponse{Design: sensitive.UnrelatedUnknownQ, P: 0.7}
	e, err := rr.EstimateTwoSample(answers(1000, 600), answers(1000, 400))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e)
	// Output:
	// 0.7500 (SE 0.0295)
}

func ExampleRandomizedResponse_Power() {
	// The forced-response design of rr's documentation: power to detect a
	// prevalence of 20% against 0 with 200 respondents at the 1% level
	// (rr 1.4.2's power.rr.test prints 0.9868872).
	rr := sensitive.RandomizedResponse{Design: sensitive.ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6}
	pw, err := rr.Power(200, 0.2, 0, 0.01, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("power %.7f\n", pw)
	// Output:
	// power 0.9868872
}
