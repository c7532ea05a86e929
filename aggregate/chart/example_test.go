package chart_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"
	"math"
	"time"

	"gonum.org/v1/plot/vg"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/chart"
	"github.com/candorpoll/candor/poll"
)

// A trend with its interval and polls, and the house effects, rendered
// as one PNG. In real use the result comes from a model's Fit.
func Example() {
	day := func(i int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i) }
	approve := &aggregate.ShareResult{Share: aggregate.Approve,
		Houses: []aggregate.HouseEffect{
			{Pollster: "Левада-Центр", Value: 0.8, SE: 0.5, Polls: 3},
			{Pollster: "ФОМ", Value: -0.8, SE: 0.5, Polls: 3},
		}}
	res := &aggregate.Result{Model: "statespace", Level: 0.95, Approve: approve}
	var polls []poll.Poll
	for i := range 90 {
		m := 80 + float64(i)/30
		approve.Series = append(approve.Series, aggregate.Point{Date: day(i), Mean: m, SD: 1,
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

// Scenarios overlaid as a fan: each a translucent band around its line,
// a partially identified set (Bounds) as a band with dashed edges.
func ExampleFan() {
	day := func(i int) time.Time { return time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i) }
	series := func(level, halfWidth float64) []aggregate.Point {
		var pts []aggregate.Point
		for i := range 60 {
			pts = append(pts, aggregate.Point{Date: day(i), Mean: level, Lower: level - halfWidth, Upper: level + halfWidth})
		}
		return pts
	}
	fan, err := chart.Fan([]chart.Scenario{
		{Name: "as published", Series: series(80, 2)},
		{Name: "falsification gap", Series: series(74, 4)},
		{Name: "Manski bounds", Series: series(81, 4), Bounds: true},
	}, 0.95, chart.Options{Title: "Scenarios"})
	if err != nil {
		log.Fatal(err)
	}
	svg, err := chart.SVG(0, 0, fan)
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range []string{"as published", "falsification gap", "Manski bounds", "95% intervals"} {
		fmt.Println(name, bytes.Contains(svg, []byte(name)))
	}
	// Output:
	// as published true
	// falsification gap true
	// Manski bounds true
	// 95% intervals true
}

// Two sets of house effects on one chart: a model's, with error bars,
// and a published table without standard errors.
func ExampleHouseEffects() {
	ours := chart.HouseSet{Name: "candor", Level: 0.95, Houses: []aggregate.HouseEffect{
		{Pollster: "ФОМ", Value: -3.8, SE: 0.2, Polls: 374},
		{Pollster: "ВЦИОМ", Value: 0.3, SE: 0.2, Polls: 330},
	}}
	theirs := chart.HouseSet{Name: "published", Houses: []aggregate.HouseEffect{
		{Pollster: "ФОМ", Value: -3.5, SE: math.NaN()},
		{Pollster: "ВЦИОМ", Value: -0.3, SE: math.NaN()},
	}}
	p, err := chart.HouseEffects([]chart.HouseSet{ours, theirs}, chart.Options{})
	if err != nil {
		log.Fatal(err)
	}
	img, err := chart.Image(12*vg.Centimeter, 6*vg.Centimeter, p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds().Dx(), "×", img.Bounds().Dy(), "pixels")
	// Output:
	// 520 × 260 pixels
}
