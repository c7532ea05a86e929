package aggregate_test

import (
	"fmt"
	"log"
	"math"
	"os"
	"time"

	"github.com/candorpoll/candor/aggregate"
)

// twoDays is a hand-made result of two days, as a model would return it.
func twoDays() *aggregate.Result {
	day := func(d int, mean float64) aggregate.Point {
		return aggregate.Point{Date: time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC), Mean: mean, SD: 1,
			Lower: mean - 1.96, Upper: mean + 1.96, PollLower: math.NaN(), PollUpper: math.NaN()}
	}
	return &aggregate.Result{
		Model: "statespace", Level: 0.95,
		Approve: &aggregate.ShareResult{
			Series: []aggregate.Point{day(1, 78.5), day(2, 79)},
			Houses: []aggregate.HouseEffect{{Pollster: "FOM", Value: -1.5, SE: 0.4, Polls: 12}, {Pollster: "Levada", Value: 1.5, SE: 0.4, Polls: 10}},
		},
	}
}

func ExampleResult_WriteCSV() {
	// A model without a poll band leaves its columns empty (NaN), and one
	// without a causal series has no filtered_ columns.
	if err := twoDays().WriteCSV(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// date,share,mean,sd,lower,upper,poll_lower,poll_upper
	// 2024-03-01,approve,78.5,1,76.54,80.46,,
	// 2024-03-02,approve,79,1,77.04,80.96,,
}

func ExampleResult_WriteHousesCSV() {
	if err := twoDays().WriteHousesCSV(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// share,pollster,effect,se,polls
	// approve,FOM,-1.5,0.4,12
	// approve,Levada,1.5,0.4,10
}

func ExampleShareResult_At() {
	// At finds the point of the UTC day of any time on that day, and
	// reports a day outside the series rather than extrapolating.
	res := twoDays().Approve
	for _, d := range []int{2, 3} {
		p, ok := res.At(time.Date(2024, 3, d, 12, 0, 0, 0, time.UTC))
		fmt.Printf("%d March: %v %.1f [%.2f, %.2f]\n", d, ok, p.Mean, p.Lower, p.Upper)
	}
	// Output:
	// 2 March: true 79.0 [77.04, 80.96]
	// 3 March: false 0.0 [0.00, 0.00]
}
