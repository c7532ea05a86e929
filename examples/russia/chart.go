package main

import (
	"os"
	"time"

	"github.com/candorpoll/candor/aggregate/chart"
)

// fanFrom is where the scenario fan starts: a year before the invasion,
// so that the scenarios visibly part from the published series.
var fanFrom = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)

// writeChart draws the trend with its interval, the band for a new poll
// and the polls by pollster; the fear-scenario fan; and the house effects,
// stacked in one PNG.
func (a *analysis) writeChart(path string) error {
	mark := []chart.Mark{{Date: election.Date, Value: election.Value, Label: "official 87.28%"}}
	trend, err := chart.Trend(a.base, a.polls, chart.Options{
		Title: "Approval of Putin (Levada face-to-face scale): state-space trend and polls",
		Marks: mark,
	})
	if err != nil {
		return err
	}
	var sc []chart.Scenario
	for _, s := range a.scenarios {
		if s.Result != nil {
			sc = append(sc, chart.Scenario{Name: s.Name, Series: s.Result.Approve.Series})
		} else {
			sc = append(sc, chart.Scenario{Name: s.Name + " (\"hard to say\")", Series: s.Bounds, Bounds: true})
		}
	}
	fan, err := chart.Fan(sc, a.base.Level, chart.Options{
		Title: "Fear-of-response scenarios (corrections from 24 Feb 2022)",
		From:  fanFrom,
		Marks: mark,
	})
	if err != nil {
		return err
	}
	houses, err := chart.Houses(a.base, chart.Options{Title: "House effects on approval, relative to Levada face-to-face"})
	if err != nil {
		return err
	}
	b, err := chart.PNG(0, 0, trend, fan, houses)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
