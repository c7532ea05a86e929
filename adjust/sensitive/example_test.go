package sensitive_test

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/adjust/sensitive"
	"github.com/candorpoll/candor/poll"
)

// surveyCSV writes the respondents of survey(n, seed) as the respondent
// file a fieldwork agency delivers: the list count, the arm and the answer
// to the direct question.
func surveyCSV(n int, seed uint64) string {
	le := survey(n, seed)
	var b strings.Builder
	b.WriteString("y,treat,direct\n")
	for i := range le.Y {
		fmt.Fprintf(&b, "%g,%t,%g\n", le.Y[i], le.Treat[i], le.Direct[i])
	}
	return b.String()
}

// From a list experiment to a corrected poll. The sensitive item is
// disapproval of the president ("I disapprove of his work" among J = 3
// innocuous items), coded so that nobody falsely claims it; the same
// respondents were also asked directly.
func Example() {
	// 1. Read the respondents.
	resp, err := sensitive.ReadRespondents(strings.NewReader(surveyCSV(2000, 4)), sensitive.Columns{Direct: "direct"})
	if err != nil {
		fmt.Println(err)
		return
	}
	le := resp.ListExperiment(3)

	// 2. Estimate the prevalence of disapproval, and test the design.
	list, err := sensitive.DiffInMeans{}.Fit(le)
	if err != nil {
		fmt.Println(err)
		return
	}
	design, err := sensitive.DesignTest{}.Fit(le)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("disapprove: list %v, design-effect test p = %.2f\n", list, design.PValue)

	// 3. Compare with the direct question (Combined reports its share).
	// Approval is the complement on both. The two estimates come from the
	// same respondents; here the control items are independent of the
	// opinion, so their covariance is negligible (with real data,
	// bootstrap it, as examples/listexp does).
	c, err := sensitive.Combined{}.Fit(le)
	if err != nil {
		fmt.Println(err)
		return
	}
	gap := adjust.Falsification{
		Direct: adjust.Estimate{Value: 1 - c.Direct.Value, SE: c.Direct.SE},
		List:   adjust.Estimate{Value: 1 - list.Value, SE: list.SE},
	}
	m, err := gap.Measures()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("approve: direct %.3f, list %.3f; logit shift %v\n", gap.Direct.Value, gap.List.Value, m.LogitShift)

	// 4. Feed the gap to a correction of a published poll.
	day := time.Date(2023, 10, 19, 0, 0, 0, 0, time.UTC)
	p := poll.New("Levada", day, day.AddDate(0, 0, 6), 82, 15)
	p.Undecided, p.SampleSize = 3, 1600
	out, err := adjust.Chain{adjust.GapCorrection{Falsification: gap}}.Apply([]poll.Poll{p})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("published 82%% approve, corrected %.1f%% (calibration SE %.1f points)\n",
		out[0].Approve, math.Sqrt(adjust.SharedVariance(out[0])))
	// Output:
	// disapprove: list 0.3950 (SE 0.0415), design-effect test p = 1.00
	// approve: direct 0.729, list 0.605; logit shift 0.5632 (SE 0.1807)
	// published 82% approve, corrected 72.2% (calibration SE 3.6 points)
}
