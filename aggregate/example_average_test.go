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
	last := res.Filtered[len(res.Filtered)-1]
	fmt.Printf("%s approve %.1f, 95%% interval %.1f–%.1f, new polls %.1f–%.1f\n", last.Date.Format(time.DateOnly),
		last.Mean, last.Lower, last.Upper, last.PollLower, last.PollUpper)
	for _, h := range res.Houses {
		fmt.Printf("%-13s %+.1f ± %.1f (%d polls)\n", h.Pollster, h.Value, h.SE, h.Polls)
	}
	// Output:
	// 2024-05-01 approve 47.2, 95% interval 46.4–48.0, new polls 43.8–50.5
	// Daily Tracker +1.0 ± 0.1 (120 polls)
	// Monthly A     -1.6 ± 0.7 (4 polls)
	// Weekly B      -2.1 ± 0.3 (18 polls)
}
