package chart

import (
	"encoding/binary"
	"math"
	"testing"

	"gonum.org/v1/plot"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// FuzzCharts builds a result, polls and house effects from arbitrary
// bytes — any float64 values, including NaN, ±Inf, huge and reversed
// intervals — and requires every chart function to return an error or
// render, never panic.
//
//	go test ./aggregate/chart -run '^$' -fuzz FuzzCharts -fuzztime 60s
func FuzzCharts(f *testing.F) {
	f.Add([]byte{})
	f.Add(make([]byte, 8*7*3))
	seed := make([]byte, 0, 8*7*4)
	for _, v := range []float64{70, 1, 68, 72, 65, 75, 71, 71.5, 1, 69, 74, 66, 77, 70, 72, 1, 70, 74, 67, 78, 73, 50, 0, 50, 50, 50, 50, 49} {
		seed = binary.LittleEndian.AppendUint64(seed, math.Float64bits(v))
	}
	f.Add(seed)
	f.Fuzz(func(t *testing.T, b []byte) {
		next := func() float64 {
			if len(b) < 8 {
				return 0
			}
			v := math.Float64frombits(binary.LittleEndian.Uint64(b))
			b = b[8:]
			return v
		}
		a := &aggregate.ShareResult{Share: aggregate.Approve}
		res := &aggregate.Result{Model: "fuzz", Level: 0.95, Approve: a}
		var polls []poll.Poll
		for i := 0; len(b) >= 8*7 && i < 50; i++ {
			d := day0.AddDate(0, 0, i)
			a.Series = append(a.Series, aggregate.Point{Date: d, Mean: next(), SD: next(),
				Lower: next(), Upper: next(), PollLower: next(), PollUpper: next()})
			v := next()
			polls = append(polls, poll.Poll{Pollster: []string{"A", "Б", ""}[i%3], Start: d, End: d, Approve: v})
			a.Houses = append(a.Houses, aggregate.HouseEffect{Pollster: []string{"A", "Б", ""}[i%3], Value: v, SE: a.Series[i].SD, Polls: i})
		}
		a.Filtered = a.Series
		// An error is a fine answer; a panic or a hang is not.
		check := func(run func() error) { _ = run() }
		render := func(p *plot.Plot, err error) error {
			if err != nil {
				return err
			}
			_, err = SVG([]*plot.Plot{p}, Options{})
			return err
		}
		check(func() error {
			return render(Trend(res, polls, Options{Marks: []Mark{{Date: day0, Value: next(), Label: "m"}}, Credit: "c"}))
		})
		check(func() error { return render(Houses(res, Options{Credit: "c"})) })
		check(func() error {
			return render(Fan([]Scenario{{Name: "a", Series: res.Approve.Series, Level: next()}, {Name: "b", Series: res.Approve.Series, Bounds: true}}, Options{}))
		})
	})
}
