package main

import (
	"image/color"
	"os"
	"time"

	"gonum.org/v1/plot"

	"github.com/candorpoll/candor/aggregate/chart"
)

// fanFrom is where the scenario fan starts: a year before the invasion,
// so that the scenarios visibly part from the published series.
var fanFrom = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

// credit is the source line under the charts.
const credit = "Data: Levada Center, VTsIOM, FOM; analysis: candor (go run ./examples/russia)"

// writeChart draws the trend with its interval, the range for a new poll
// and the polls by pollster; the fear-scenario fan; and the house effects,
// stacked in one PNG.
func (a *analysis) writeChart(path string) error {
	var opt chart.Options // default size; one value for the charts and the renderer
	mark := []chart.Mark{{Date: election.Date, Value: election.Value, Label: "official result 87.28%"}}

	trendOpt := opt
	trendOpt.Title = "Approval of Putin (on Levada's face-to-face scale): trend and polls"
	trendOpt.Marks = mark
	trendOpt.Credit = credit
	trend, err := chart.Trend(a.base, a.polls, trendOpt)
	if err != nil {
		return err
	}

	var sc []chart.Scenario
	fanOpt := opt
	for _, s := range a.scenarios {
		if s.Result != nil {
			sc = append(sc, chart.Scenario{Name: s.Name, Series: s.Result.Approve.Series, Level: s.Result.Level})
			continue
		}
		// The bounds in dark grey: the palette's next colour, sky blue,
		// is hard to tell from the shaded interval.
		name := s.Name + ": \"hard to say\" all approve, or none"
		sc = append(sc, chart.Scenario{Name: name, Series: s.Bounds, Bounds: true})
		fanOpt.Colors = map[string]color.Color{name: color.Gray{Y: 0x40}}
	}
	fanOpt.Title = "Approval under fear-of-response scenarios (corrections from 24 Feb 2022)"
	fanOpt.From = fanFrom
	fanOpt.Marks = mark
	fan, err := chart.Fan(sc, fanOpt)
	if err != nil {
		return err
	}

	houseOpt := opt
	houseOpt.Title = "House effects on approval, relative to Levada face-to-face"
	houses, err := chart.Houses(a.base, houseOpt)
	if err != nil {
		return err
	}
	b, err := chart.PNG([]*plot.Plot{trend, fan, houses}, opt)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
