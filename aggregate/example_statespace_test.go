package aggregate_test

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// examplePolls returns 24 polls by two pollsters over three months: the
// level climbs from 60 to 66 and "Gamma" reports 4 points more than "Delta".
func examplePolls() []poll.Poll {
	var ps []poll.Poll
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 24; i++ {
		day := 4 * i
		level := 60 + 6*float64(day)/92
		name, house := "Delta", -2.0
		if i%2 == 0 {
			name, house = "Gamma", 2.0
		}
		noise := []float64{0.8, -0.5, 0.3, -1.1, 0.6, 0.0, -0.4, 0.9}[i%8]
		approve := math.Round((level+house+noise)*10) / 10
		ps = append(ps, poll.Poll{
			Pollster: name, Start: start.AddDate(0, 0, day), End: start.AddDate(0, 0, day+2), SampleSize: 1600,
			Approve: approve, Disapprove: 90 - approve, Undecided: 10,
			Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
		})
	}
	return ps
}

func ExampleStateSpace() {
	res, err := aggregate.StateSpace{}.Fit(context.Background(), examplePolls())
	if err != nil {
		fmt.Println(err)
		return
	}
	first, last := res.Approve.Series[0], res.Approve.Series[len(res.Approve.Series)-1]
	fmt.Printf("approve %s: %.1f [%.1f, %.1f]\n", first.Date.Format(time.DateOnly), first.Mean, first.Lower, first.Upper)
	fmt.Printf("approve %s: %.1f [%.1f, %.1f], a new poll: [%.1f, %.1f]\n", last.Date.Format(time.DateOnly), last.Mean, last.Lower, last.Upper, last.PollLower, last.PollUpper)
	for _, h := range res.Approve.Houses {
		fmt.Printf("%s %+.1f ± %.1f (%d polls)\n", h.Pollster, h.Value, h.SE, h.Polls)
	}
	fmt.Printf("disapprove %.1f, undecided %.1f\n", res.Disapprove.Series[0].Mean, res.Undecided.Series[0].Mean)
	// Output:
	// approve 2024-01-01: 60.6 [59.0, 62.1]
	// approve 2024-04-04: 65.8 [64.2, 67.4], a new poll: [63.0, 68.7]
	// Delta -2.2 ± 0.3 (12 polls)
	// Gamma +2.2 ± 0.3 (12 polls)
	// disapprove 29.4, undecided 10.0
}

func ExampleCompare() {
	res, err := aggregate.StateSpace{Shares: []aggregate.Share{aggregate.Approve}}.Fit(context.Background(), examplePolls())
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := aggregate.Compare(res, aggregate.Official{
		Label: "official vote share", Date: time.Date(2024, 3, 17, 0, 0, 0, 0, time.UTC), Value: 67.5,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c)
	// Output:
	// official vote share: 67.50 on 2024-03-17
	// polls (approve): 64.80 (sd 0.58)
	// gap: +2.70 points (SE 0.58, 95% interval +1.57 to +3.83), z = 4.67, P(gap at least this large) = 3e-06
	// (sampling and modelled non-sampling error only; approval is not a vote share, turnout differs, bias shared by all polls is not in the interval)
}
