package chart_test

import (
	"bytes"
	"fmt"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/chart"
	"github.com/candorpoll/candor/poll"
)

// day returns the i-th day of 2024.
func day(i int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i) }

// exampleFit stands for a model's Fit: a result over 90 days with an
// interval, a range for a new poll and two house effects, and the polls
// it was fitted to.
func exampleFit() (*aggregate.Result, []poll.Poll) {
	approve := &aggregate.ShareResult{Share: aggregate.Approve,
		Houses: []aggregate.HouseEffect{
			{Pollster: "Левада-Центр", Value: 0.8, SE: 0.5, Polls: 3},
			{Pollster: "ФОМ", Value: -0.8, SE: 0.5, Polls: 3},
		}}
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
	return &aggregate.Result{Model: "statespace", Level: 0.95, Approve: approve}, polls
}

// You have a Result and its polls: draw the trend and the house
// effects, and render them as one PNG. One Options value serves the
// charts and the renderer.
func Example() {
	res, polls := exampleFit()
	opt := chart.Options{Credit: "Data: Levada Center, FOM; analysis: candor"}

	trendOpt := opt
	trendOpt.Title = "Одобрение (approval)"
	trend, err := chart.Trend(res, polls, trendOpt)
	if err != nil {
		log.Fatal(err)
	}
	houses, err := chart.Houses(res, opt)
	if err != nil {
		log.Fatal(err)
	}
	b, err := chart.PNG([]*plot.Plot{trend, houses}, opt) // 20 cm wide, 11 cm per chart, 110 dpi
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

// A trend says what it draws in words: the legend and the footer.
func ExampleTrend() {
	res, polls := exampleFit()
	trend, err := chart.Trend(res, polls, chart.Options{Credit: "Data: Levada Center, FOM"})
	if err != nil {
		log.Fatal(err)
	}
	svg, err := chart.SVG([]*plot.Plot{trend}, chart.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range []string{"trend", "95% interval of the trend", "95% range for a new poll",
		"polls: Левада-Центр (3)", "polls: ФОМ (3)", "last poll: 22 March 2024  ·  Data: Levada Center, FOM"} {
		fmt.Println(bytes.Contains(svg, []byte(">"+s+"<")), s)
	}
	// Output:
	// true trend
	// true 95% interval of the trend
	// true 95% range for a new poll
	// true polls: Левада-Центр (3)
	// true polls: ФОМ (3)
	// true last poll: 22 March 2024  ·  Data: Levada Center, FOM
}

// Scenarios on one chart: each a line, the first one's interval shaded
// (or the one Options.Highlight names), a partially identified set
// (Bounds) as two dashed edges.
func ExampleFan() {
	series := func(level, halfWidth float64) []aggregate.Point {
		var pts []aggregate.Point
		for i := range 60 {
			pts = append(pts, aggregate.Point{Date: day(i), Mean: level, Lower: level - halfWidth, Upper: level + halfWidth})
		}
		return pts
	}
	fan, err := chart.Fan([]chart.Scenario{
		{Name: "as published", Series: series(80, 2)},
		{Name: "falsification gap", Series: series(74, 4), Level: 0.9},
		{Name: "Manski bounds", Series: series(81, 4), Bounds: true},
	}, chart.Options{Title: "Scenarios", Highlight: "falsification gap"})
	if err != nil {
		log.Fatal(err)
	}
	svg, err := chart.SVG([]*plot.Plot{fan}, chart.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range []string{"as published", "falsification gap", "Manski bounds", "90% interval of the trend, falsification gap"} {
		fmt.Println(bytes.Contains(svg, []byte(">"+s+"<")), s)
	}
	// Output:
	// true as published
	// true falsification gap
	// true Manski bounds
	// true 90% interval of the trend, falsification gap
}

// The house effects of a result: one row per pollster, labelled with
// its number of polls.
func ExampleHouses() {
	res, _ := exampleFit()
	p, err := chart.Houses(res, chart.Options{Title: "House effects"})
	if err != nil {
		log.Fatal(err)
	}
	svg, err := chart.SVG([]*plot.Plot{p}, chart.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range []string{"Левада-Центр (3)", "ФОМ (3)", "statespace (bars: 95% intervals)"} {
		fmt.Println(bytes.Contains(svg, []byte(">"+s+"<")), s)
	}
	// Output:
	// true Левада-Центр (3)
	// true ФОМ (3)
	// true statespace (bars: 95% intervals)
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
	opt := chart.Options{Width: 12 * vg.Centimeter, Height: 6 * vg.Centimeter}
	p, err := chart.HouseEffects([]chart.HouseSet{ours, theirs}, opt)
	if err != nil {
		log.Fatal(err)
	}
	img, err := chart.Image([]*plot.Plot{p}, opt)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds().Dx(), "×", img.Bounds().Dy(), "pixels")
	// Output:
	// 520 × 260 pixels
}

// Size and resolution: Width and DPI set the pixels of a PNG, Height
// that of each chart of a stack.
func ExamplePNG() {
	res, polls := exampleFit()
	opt := chart.Options{Width: 16 * vg.Centimeter, Height: 9 * vg.Centimeter, DPI: 200}
	trend, err := chart.Trend(res, polls, opt)
	if err != nil {
		log.Fatal(err)
	}
	b, err := chart.PNG([]*plot.Plot{trend}, opt)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d×%d pixels\n", cfg.Width, cfg.Height)
	// Output:
	// 1260×709 pixels
}

// SVG keeps text as text: names can be searched and copied.
func ExampleSVG() {
	res, polls := exampleFit()
	trend, err := chart.Trend(res, polls, chart.Options{Title: "Одобрение"})
	if err != nil {
		log.Fatal(err)
	}
	svg, err := chart.SVG([]*plot.Plot{trend}, chart.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bytes.HasPrefix(svg, []byte("<?xml")), bytes.Contains(svg, []byte(">Одобрение<")))
	// Output:
	// true true
}

// Write renders to any io.Writer, here a file, in the format asked for.
func ExampleWrite() {
	res, polls := exampleFit()
	trend, err := chart.Trend(res, polls, chart.Options{})
	if err != nil {
		log.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "chart")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	f, err := os.Create(filepath.Join(dir, "trend.svg"))
	if err != nil {
		log.Fatal(err)
	}
	if err := chart.Write(f, chart.FormatSVG, []*plot.Plot{trend}, chart.Options{}); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	err = chart.Write(f, "gif", []*plot.Plot{trend}, chart.Options{})
	fmt.Println(err)
	// Output:
	// chart: invalid option: unsupported format "gif" (want "png" or "svg")
}

// Image gives an image.Image, e.g. for a notebook's image display.
func ExampleImage() {
	res, polls := exampleFit()
	trend, err := chart.Trend(res, polls, chart.Options{})
	if err != nil {
		log.Fatal(err)
	}
	img, err := chart.Image([]*plot.Plot{trend}, chart.Options{DPI: 72})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds())
	// Output:
	// (0,0)-(567,312)
}
