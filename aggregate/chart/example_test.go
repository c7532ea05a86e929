package chart_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"
	"time"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/chart"
	"github.com/candorpoll/candor/poll"
)

// A trend with its interval and polls, and the house effects, rendered
// as one PNG. In real use the result comes from a model's Fit.
func Example() {
	day := func(i int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i) }
	res := &aggregate.Result{Model: "statespace", Share: "approve", Level: 0.95,
		Houses: []aggregate.HouseEffect{
			{Pollster: "Левада-Центр", Value: 0.8, SE: 0.5, Polls: 3},
			{Pollster: "ФОМ", Value: -0.8, SE: 0.5, Polls: 3},
		}}
	var polls []poll.Poll
	for i := range 90 {
		m := 80 + float64(i)/30
		res.Series = append(res.Series, aggregate.Point{Date: day(i), Mean: m, SD: 1,
			Lower: m - 2, Upper: m + 2, PollLower: m - 4, PollUpper: m + 4})
		if i%15 == 0 {
			house := []string{"Левада-Центр", "ФОМ"}[i/15%2]
			polls = append(polls, poll.Poll{Pollster: house, Start: day(i), End: day(i + 6), Approve: m + 1})
		}
	}

	trend, err := chart.Trend(res, polls, chart.Options{Title: "Одобрение (approval)"})
	if err != nil {
		log.Fatal(err)
	}
	houses, err := chart.Houses(res, chart.Options{})
	if err != nil {
		log.Fatal(err)
	}
	b, err := chart.PNG(0, 0, trend, houses) // default size: 20 cm wide, 11 cm per plot
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("PNG %d×%d pixels\n", cfg.Width, cfg.Height)
	// Output:
	// PNG 866×953 pixels
}
