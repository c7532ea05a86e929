package aggregate_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"time"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// ExampleAverage averages three pollsters on a true level of 45%: Daily
// Tracker publishes every day and reports 3 points more than the others.
// House effects are identified only relative to each other (about −3 for
// the other two against the tracker, as simulated); the level is the
// weighted consensus of the houses, so it keeps the part of the tracker's
// lean that its weight carries (it weighs most even after the frequency
// discount). Only an outside anchor can remove that. Monthly A, with four
// polls, is shrunk toward the consensus.
func ExampleAverage() {
	rng := rand.New(rand.NewPCG(1, 1))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var polls []poll.Poll
	add := func(pollster string, every int, effect float64) {
		for d := 0; d < 120; d += every {
			a := 45 + effect + 1.5*rng.NormFloat64()
			polls = append(polls, poll.Poll{Pollster: pollster, Start: start.AddDate(0, 0, d), End: start.AddDate(0, 0, d+2),
				SampleSize: 1000, Approve: a, Disapprove: 95 - a,
				Undecided: math.NaN(), Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN()})
		}
	}
	add("Daily Tracker", 1, 3)
	add("Monthly A", 30, 0)
	add("Weekly B", 7, 0)

	res, err := aggregate.Average{}.Fit(context.Background(), polls)
	if err != nil {
		log.Fatal(err)
	}
	last := res.Approve.Filtered[len(res.Approve.Filtered)-1]
	fmt.Printf("%s approve %.1f, 95%% interval %.1f–%.1f, new polls %.1f–%.1f\n", last.Date.Format(time.DateOnly),
		last.Mean, last.Lower, last.Upper, last.PollLower, last.PollUpper)
	fmt.Printf("trend SD σ̂ %.2f points a day\n", res.Approve.Params.Sigma)
	for _, h := range res.Approve.Houses {
		fmt.Printf("%-13s %+.1f ± %.1f (%d polls)\n", h.Pollster, h.Value, h.SE, h.Polls)
	}
	// Output:
	// 2024-05-01 approve 47.2, 95% interval 46.3–48.1, new polls 43.8–50.6
	// trend SD σ̂ 0.00 points a day
	// Daily Tracker +1.0 ± 0.1 (120 polls)
	// Monthly A     -1.6 ± 0.7 (4 polls)
	// Weekly B      -2.1 ± 0.3 (18 polls)
}

// ExampleResult_String prints a fit as text tables (HTML and Markdown
// give the same tables). Long series are thinned to month starts. Houses
// carry the pollsters' canonical names, whatever spelling a file used.
func ExampleResult_String() {
	nan := math.NaN()
	mk := func(pollster string, day int, approve, disapprove float64) poll.Poll {
		d := time.Date(2024, 3, day, 0, 0, 0, 0, time.UTC)
		return poll.Poll{Pollster: pollster, Start: d, End: d, SampleSize: 1600, Approve: approve, Disapprove: disapprove,
			Undecided: nan, Refused: nan, AdjustedApprove: nan, AdjustedDisapprove: nan}
	}
	polls := []poll.Poll{
		mk("Левада-Центр", 1, 80, 17), mk("ФОМ", 2, 76, 15), mk("ВЦИОМ", 2, 79, 12),
		mk("ФОМ", 4, 77, 15), mk("ВЦИОМ", 4, 78, 13), mk("Левада-Центр", 5, 81, 16),
	}
	// The approve share only (the default fits all three).
	res, err := aggregate.Average{Shares: []aggregate.Share{aggregate.Approve}}.Fit(context.Background(), polls)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(res)
	// Output:
	// average model, share approve, level 95%
	// days 2024-03-01 … 2024-03-05 (5)
	// parameters: house_sd 1.9366, polls 6, recency_max 32, sample_size_0 1000, sigma2_se 0.10847
	//
	// Series (smoothed; interval for the average; band for a new poll)
	// date        mean    sd  95% lower  95% upper  poll lower  poll upper  causal mean
	// 2024-03-01  78.5  0.44       77.4       79.5        76.2        80.8         78.2
	// 2024-03-02  78.5  0.44       77.6       79.4        76.3        80.7         78.4
	// 2024-03-03  78.5  0.43       77.6       79.4        76.3        80.7         78.4
	// 2024-03-04  78.5  0.43       77.6       79.4        76.3        80.7         78.4
	// 2024-03-05  78.5  0.43       77.1       79.9        76.1        81.0         78.5
	//
	// House effects (points; + means the house reports more approve)
	// pollster  effect    SE  polls
	// Levada      1.82  0.57      2
	// VTsIOM      0.00  0.58      2
	// FOM        -1.88  0.57      2
	//
	// Diagnostics
	// check       value   ok                                                         note
	// iterations     11  yes  house-effect iterations (limit 500, tolerance 1e-06 points)
}
