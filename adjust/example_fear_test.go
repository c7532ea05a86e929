package adjust_test

import (
	"fmt"
	"math"
	"time"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/poll"
)

// levadaOct2023 is Levada's October 2023 reading of Putin's approval:
// 82% approve, 15% disapprove, 3% hard to say; n = 1600 face to face,
// design effect 1.9.
func levadaOct2023() poll.Poll {
	return poll.Poll{
		Pollster: "Levada", Question: "approval", Subject: "Putin",
		Start:      time.Date(2023, 10, 19, 0, 0, 0, 0, time.UTC),
		End:        time.Date(2023, 10, 25, 0, 0, 0, 0, time.UTC),
		SampleSize: 1600, DesignEffect: 1.9, Mode: poll.FaceToFace,
		Approve: 82, Disapprove: 15, Undecided: 3,
		Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
	}
}

// Chapkovski & Schaub (2022) asked an online sample of about 3,000
// Russians in spring 2022 whether they support the war: 71% said yes when
// asked directly, 61% by a list experiment. Their note reports the
// estimates and the significance of the gap, not the standard errors used
// here: the direct SE is the binomial one for n = 3000,
// √(0.71·0.29/3000) = 0.0083, and the list SE is assumed to be 0.03 (a
// typical value for a list experiment of that size with three control
// items); the two are taken as uncorrelated, which is conservative for
// the gap when the same respondents answered both.
//
// Transported to Levada's October 2023 approval reading on the logit
// scale, the gap takes 82% to 74.4%. The corrected share's interval adds
// the gap's calibration variance (shared by every poll corrected with
// the same evidence) to the poll's own sampling variance carried through
// the correction; the calibration error dominates. The published
// figure lies outside it, but note what the correction assumes: that
// falsification about the war in 2022 transports to approval of Putin in
// 2023 on the logit scale, and that the list estimate is not deflated by
// the list design itself.
func Example_fear() {
	evidence := adjust.Falsification{
		Direct: adjust.Estimate{Value: 0.71, SE: math.Sqrt(0.71 * 0.29 / 3000)},
		List:   adjust.Estimate{Value: 0.61, SE: 0.03},
	}
	m, err := evidence.Measures()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("gap %.3f (SE %.3f), ratio %.3f, Kuran rate %.3f (SE %.3f)\n",
		m.Gap.Value, m.Gap.SE, m.Ratio.Value, m.Kuran.Value, m.Kuran.SE)

	raw := levadaOct2023()
	se := raw.StandardError(raw.Approve)
	fmt.Printf("published: %.1f%%, 95%% CI [%.1f, %.1f]\n", raw.Approve, raw.Approve-1.96*se, raw.Approve+1.96*se)

	for _, scale := range []adjust.GapScale{adjust.ScaleLogit, adjust.ScaleKuran, adjust.ScaleAdditive} {
		out, err := adjust.Chain{adjust.GapCorrection{Falsification: evidence, Scale: scale}}.Apply([]poll.Poll{raw})
		if err != nil {
			fmt.Println(err)
			return
		}
		p := out[0]
		va, _ := adjust.SamplingVariance(p, nil) // the poll's sampling error through the correction
		sampling := math.Sqrt(va)
		shared := adjust.SharedVariance(p) // the gap's calibration error
		total := math.Sqrt(va + shared)
		fmt.Printf("%-8v approve %.1f%%, disapprove %.1f%%: 95%% CI [%.1f, %.1f] (sampling SE %.2f, gap SE %.2f)\n",
			scale, p.Approve, p.Disapprove, p.Approve-1.96*total, p.Approve+1.96*total, sampling, math.Sqrt(shared))
	}
	// Output:
	// gap 0.100 (SE 0.031), ratio 0.859, Kuran rate 0.256 (SE 0.061)
	// published: 82.0%, 95% CI [79.4, 84.6]
	// logit    approve 74.4%, disapprove 22.6%: 95% CI [68.5, 80.4] (sampling SE 1.71, gap SE 2.52)
	// kuran    approve 75.8%, disapprove 21.2%: 95% CI [70.6, 81.0] (sampling SE 1.78, gap SE 1.99)
	// additive approve 72.0%, disapprove 25.0%: 95% CI [65.4, 78.6] (sampling SE 1.32, gap SE 3.11)
}

// Worst-case and monotone bounds for 60% approve, 20% disapprove and 20%
// "hard to say" among 1,600 respondents (methods.md §10.1–10.2).
func ExampleShares_Manski() {
	s := adjust.Shares{Approve: 0.60, Disapprove: 0.20, N: 1600}
	worst, _ := s.Manski(0.95)
	mono, _ := s.Monotone(0.95)
	fmt.Println("worst case:", worst)
	fmt.Println("monotone:  ", mono)
	fmt.Printf("Imbens–Manski c = %.6f\n", worst.C)
	// Output:
	// worst case: [0.6000, 0.8000], 95% CI [0.5799, 0.8164]
	// monotone:   [0.6000, 0.7500], 95% CI [0.5799, 0.7699]
	// Imbens–Manski c = 1.644854
}

// The tilting model: how approval changes as those who answer "hard to
// say" are assumed to disapprove more often than those who answer, and
// the tilt implied by a list estimate of 68%.
func ExampleShares_Tilt() {
	s := adjust.Shares{Approve: 0.60, Disapprove: 0.20, N: 1600}
	for _, g := range []float64{0, -math.Log(4), -math.Log(10)} {
		th, _ := s.Tilt(g)
		fmt.Printf("γ = %6.3f: θ = %v\n", g, th)
	}
	gamma, _ := s.CalibrateTilt(adjust.Estimate{Value: 0.68, SE: 0.03})
	fmt.Printf("γ* = %v\n", gamma)
	// Output:
	// γ =  0.000: θ = 0.7500 (SE 0.0121)
	// γ = -1.386: θ = 0.6857 (SE 0.0132)
	// γ = -2.303: θ = 0.6462 (SE 0.0131)
	// γ* = -1.5041 (SE 0.6833)
}

// Differential nonresponse: if disapprovers respond 80% as often as
// approvers, an observed 70% corresponds to a true 65%. The curve shows
// the correction over a range of ratios.
func ExampleNonresponse_Correct() {
	obs := adjust.Estimate{Value: 0.70, SE: 0.0115}
	nr := adjust.Nonresponse{DisapproverResponseRatio: 0.8, LogRatioSE: 0.1}
	e, _ := nr.Correct(obs)
	fmt.Println("corrected:", e)
	curve, _ := nr.Curve(obs, []float64{0.5, 0.8, 1, 1.25})
	for i, k := range []float64{0.5, 0.8, 1, 1.25} {
		fmt.Printf("κ = %.2f: %.3f\n", k, curve[i].Value)
	}
	// Output:
	// corrected: 0.6512 (SE 0.0259)
	// κ = 0.50: 0.538
	// κ = 0.80: 0.651
	// κ = 1.00: 0.700
	// κ = 1.25: 0.745
}

// A chain of corrections over a series that spans February 2022: a gap
// before the full-scale invasion (a hypothetical 65% direct against 62%
// list, for illustration) and Chapkovski & Schaub's after it, then the
// "hard to say" share allocated by a tilt. Each corrected poll carries
// its audit trail; the shared variance is what the aggregate models add
// to their intervals.
func ExampleChain_Apply() {
	war := time.Date(2022, 2, 24, 0, 0, 0, 0, time.UTC)
	chain := adjust.Chain{
		adjust.Segmented{
			{Until: war, Correction: adjust.GapCorrection{Falsification: adjust.Falsification{
				Direct: adjust.Estimate{Value: 0.65, SE: 0.012}, List: adjust.Estimate{Value: 0.62, SE: 0.03}}}},
			{From: war, Correction: adjust.GapCorrection{Falsification: adjust.Falsification{
				Direct: adjust.Estimate{Value: 0.71, SE: 0.0083}, List: adjust.Estimate{Value: 0.61, SE: 0.03}}}},
		},
		adjust.UndecidedTilt{Gamma: adjust.Estimate{Value: -0.5, SE: 0.3}},
	}
	before := levadaOct2023()
	before.Start, before.End = time.Date(2021, 11, 18, 0, 0, 0, 0, time.UTC), time.Date(2021, 11, 24, 0, 0, 0, 0, time.UTC)
	before.Approve, before.Disapprove, before.Undecided = 63, 34, 3
	polls := []poll.Poll{before, levadaOct2023()}

	out, err := chain.Apply(polls)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, p := range out {
		fmt.Printf("%s: %.0f/%.0f/%.0f → %.1f/%.1f/%.1f, shared SD %.2f points\n", p.End.Format("2006-01"),
			polls[i].Approve, polls[i].Disapprove, polls[i].Undecided,
			p.Approve, p.Disapprove, p.Undecided, math.Sqrt(adjust.SharedVariance(p)))
		for _, a := range p.Adjustments {
			fmt.Printf("  %-17s approve %+.2f, variance %.3f, shared %v\n", a.Name, a.Approve, a.Variance, a.Calibration != "")
		}
	}
	fmt.Printf("covariance between the two: %.3f\n", adjust.SharedCovariance(out[0], out[1]))
	// Output:
	// 2021-11: 63/34/3 → 61.4/38.6/0.0, shared SD 3.32 points
	//   falsification-gap approve -3.07, variance 10.954, shared true
	//   undecided-tilt    approve +1.49, variance 0.051, shared true
	// 2023-10: 82/15/3 → 76.4/23.6/0.0, shared SD 2.53 points
	//   falsification-gap approve -7.57, variance 6.349, shared true
	//   undecided-tilt    approve +2.00, variance 0.040, shared true
	// covariance between the two: 0.045
}

func ExampleShares_Decompose() {
	// Direct shares a = 0.60, b = 0.20 (m = 0.20 no answer) against a list
	// estimate L = 0.55 of true approval: of the 45% private opponents,
	// f = (a − L)/(1 − L) = 1/9 said "approve", h = m/(1 − L) = 4/9 gave no
	// answer and t = b/(1 − L) = 4/9 said "disapprove".
	s := adjust.Shares{Approve: 0.60, Disapprove: 0.20, N: 1600}
	d, err := s.Decompose(adjust.Estimate{Value: 0.55, SE: 0.03})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d)
	// Output:
	// falsifying 0.1111 (SE 0.0652)
	// hiding 0.4444 (SE 0.0370)
	// truthful 0.4444 (SE 0.0370)
}

func ExampleCalibrateNonresponse() {
	// 70% approve when asked directly, 61% by a list experiment: the
	// disapprovers' relative response rate that reconciles the two is
	// κ = exp(logit 0.61 − logit 0.70) ≈ 0.670.
	nr, err := adjust.CalibrateNonresponse(adjust.Estimate{Value: 0.70, SE: 0.0115}, adjust.Estimate{Value: 0.61, SE: 0.03})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("κ = %.3f, SE(log κ) = %.3f\n", nr.DisapproverResponseRatio, nr.LogRatioSE)
	// Output:
	// κ = 0.670, SE(log κ) = 0.137
}

func ExampleNonresponseFromRates() {
	// Approvers take part 60% of the time, disapprovers 50%: κ = 5/6, and
	// a published 70% corresponds to a true share of
	// 0.7κ/(0.3 + 0.7κ) ≈ 66%.
	nr, err := adjust.NonresponseFromRates(0.6, 0.5)
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := nr.Correct(adjust.Estimate{Value: 0.70, SE: 0.0115})
	fmt.Printf("κ = %.4f, corrected %v\n", nr.DisapproverResponseRatio, e)
	// Only the ratio matters: with the corrected share and an overall
	// response rate of 30%, the same κ means rates of about 0.32 and 0.27.
	ra, rd, _ := nr.ResponseRates(e.Value, 0.3)
	fmt.Printf("approvers respond %.3f, disapprovers %.3f\n", ra, rd)
	// Output:
	// κ = 0.8333, corrected 0.6604 (SE 0.0123)
	// approvers respond 0.318, disapprovers 0.265
}
