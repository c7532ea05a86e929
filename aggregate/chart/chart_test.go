package chart

import (
	"bytes"
	"errors"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

var day0 = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)

// testResult builds a small result by hand: a sine-shaped trend with a
// ±2-point interval and a ±5-point poll band over n days, and three
// houses with Cyrillic and Latin names.
func testResult(n int) *aggregate.Result {
	a := &aggregate.ShareResult{Share: aggregate.Approve}
	for i := range n {
		m := 70 + 5*math.Sin(float64(i)/40)
		a.Series = append(a.Series, aggregate.Point{
			Date: day0.AddDate(0, 0, i), Mean: m, SD: 1,
			Lower: m - 2, Upper: m + 2, PollLower: m - 5, PollUpper: m + 5,
		})
	}
	a.Filtered = a.Series
	a.Houses = []aggregate.HouseEffect{
		{Pollster: "Левада-Центр", Value: 1.5, SE: 0.4, Polls: 30},
		{Pollster: "ФОМ", Value: -2.5, SE: 0.3, Polls: 50},
		{Pollster: "VTsIOM", Value: 1.0, SE: 0.2, Polls: 80},
	}
	return &aggregate.Result{Model: "statespace", Level: 0.95, Approve: a}
}

func testPolls(n int) []poll.Poll {
	houses := []string{"Левада-Центр", "ФОМ", "VTsIOM"}
	var ps []poll.Poll
	for i := 0; i < n; i += 7 {
		d := day0.AddDate(0, 0, i)
		ps = append(ps, poll.Poll{
			Pollster: houses[(i/7)%3], Start: d, End: d.AddDate(0, 0, 3),
			Approve: 70 + 5*math.Sin(float64(i)/40) + float64((i/7)%3) - 1, Disapprove: 20, Undecided: math.NaN(),
		})
	}
	return ps
}

func TestRenderFormats(t *testing.T) {
	res := testResult(365)
	polls := testPolls(365)
	trend, err := Trend(res, polls, Options{Marks: []Mark{{Date: day0.AddDate(0, 0, 300), Value: 87.28, Label: "official"}}})
	require.NoError(t, err)
	houses, err := Houses(res, Options{})
	require.NoError(t, err)
	fan, err := Fan([]Scenario{{Name: "none", Series: res.Approve.Series}, {Name: "shifted", Series: shift(res.Approve.Series, -8)}}, 0.95, Options{})
	require.NoError(t, err)

	for _, plots := range [][]*plot.Plot{{trend}, {houses}, {fan}, {trend, fan, houses}} {
		b, err := PNG(0, 0, plots...)
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")), "PNG signature")
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		require.NoError(t, err)
		// 20 cm at 110 dpi is 866 px; 11 cm per plot is 476 px.
		assert.Equal(t, 866, cfg.Width)
		assert.InDelta(t, 476*len(plots), cfg.Height, 1)
		assert.Greater(t, len(b), 10_000, "a blank image compresses to far less")

		img, err := Image(10*72, 0, plots...) // vg.Length is in points
		require.NoError(t, err)
		assert.Equal(t, 10*DPI, img.Bounds().Dx())
	}

	svg, err := SVG(0, 0, trend, houses)
	require.NoError(t, err)
	s := string(svg)
	assert.True(t, strings.HasPrefix(s, "<?xml"), "SVG prolog")
	for _, name := range []string{"Левада-Центр", "ФОМ", "VTsIOM", "official", "band for a new poll", "interval, latent level"} {
		assert.Contains(t, s, name)
	}
}

func shift(pts []aggregate.Point, d float64) []aggregate.Point {
	out := make([]aggregate.Point, len(pts))
	for i, p := range pts {
		p.Mean += d
		p.Lower += d
		p.Upper += d
		out[i] = p
	}
	return out
}

func TestDeterministic(t *testing.T) {
	res := testResult(200)
	render := func() []byte {
		p, err := Trend(res, testPolls(200), Options{})
		require.NoError(t, err)
		b, err := SVG(0, 0, p)
		require.NoError(t, err)
		return b
	}
	assert.Equal(t, render(), render())
}

func TestErrors(t *testing.T) {
	good := testResult(10)
	nanMean := testResult(10)
	nanMean.Approve.Series[3].Mean = math.NaN()
	reversed := testResult(10)
	reversed.Approve.Series[2].Lower, reversed.Approve.Series[2].Upper = 5, 4
	partBand := testResult(10)
	partBand.Approve.Series[4].PollUpper = math.Inf(1)
	badShare := testResult(10) // has no undecided estimate

	tests := []struct {
		name string
		run  func() (*plot.Plot, error)
		want error
	}{
		{"nil result", func() (*plot.Plot, error) { return Trend(nil, nil, Options{}) }, ErrNoData},
		{"empty series", func() (*plot.Plot, error) {
			return Trend(&aggregate.Result{Approve: &aggregate.ShareResult{}}, nil, Options{})
		}, ErrNoData},
		{"empty filtered", func() (*plot.Plot, error) {
			r := testResult(10)
			r.Approve.Filtered = nil
			return Trend(r, nil, Options{Filtered: true})
		}, ErrNoData},
		{"window misses", func() (*plot.Plot, error) { return Trend(good, nil, Options{From: day0.AddDate(5, 0, 0)}) }, ErrNoData},
		{"NaN mean", func() (*plot.Plot, error) { return Trend(nanMean, nil, Options{}) }, ErrBadValue},
		{"reversed interval", func() (*plot.Plot, error) { return Trend(reversed, nil, Options{}) }, ErrBadValue},
		{"partial poll band", func() (*plot.Plot, error) { return Trend(partBand, nil, Options{}) }, ErrBadValue},
		{"share not estimated", func() (*plot.Plot, error) { return Trend(badShare, nil, Options{Share: aggregate.Undecided}) }, ErrShare},
		{"houses of a share not estimated", func() (*plot.Plot, error) { return Houses(badShare, Options{Share: aggregate.Disapprove}) }, ErrShare},
		{"NaN mark", func() (*plot.Plot, error) {
			return Trend(good, nil, Options{Marks: []Mark{{Date: day0, Value: math.NaN()}}})
		}, ErrBadValue},
		{"no houses", func() (*plot.Plot, error) {
			return Houses(&aggregate.Result{Approve: &aggregate.ShareResult{}}, Options{})
		}, ErrNoData},
		{"nil houses result", func() (*plot.Plot, error) { return Houses(nil, Options{}) }, ErrNoData},
		{"NaN house", func() (*plot.Plot, error) {
			return HouseEffects([]HouseSet{{Houses: []aggregate.HouseEffect{{Pollster: "x", Value: math.NaN()}}}}, Options{})
		}, ErrBadValue},
		{"no scenarios", func() (*plot.Plot, error) { return Fan(nil, 0.95, Options{}) }, ErrNoData},
		{"empty scenario", func() (*plot.Plot, error) { return Fan([]Scenario{{Name: "a"}}, 0.95, Options{}) }, ErrNoData},
		{"NaN scenario", func() (*plot.Plot, error) {
			return Fan([]Scenario{{Name: "a", Series: nanMean.Approve.Series}}, 0.95, Options{})
		}, ErrBadValue},
		{"unknown legend corner (trend)", func() (*plot.Plot, error) { return Trend(good, nil, Options{LegendCorner: "middle"}) }, ErrOption},
		{"unknown legend corner (houses)", func() (*plot.Plot, error) { return Houses(good, Options{LegendCorner: "middle"}) }, ErrOption},
		{"unknown legend corner (fan)", func() (*plot.Plot, error) {
			return Fan([]Scenario{{Name: "a", Series: good.Approve.Series}}, 0.95, Options{LegendCorner: "middle"})
		}, ErrOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.run()
			require.Error(t, err)
			assert.True(t, errors.Is(err, tt.want), "got %v", err)
			assert.Nil(t, p)
		})
	}

	_, err := PNG(0, 0)
	assert.ErrorIs(t, err, ErrNoData)
	_, err = SVG(0, 0, nil)
	assert.ErrorIs(t, err, ErrNoData)
	p, err := Trend(good, nil, Options{})
	require.NoError(t, err)
	assert.ErrorIs(t, Write(&bytes.Buffer{}, "gif", 0, 0, p), ErrOption)
}

// TestDegenerate covers inputs that are unusual but drawable: one day, a
// band without width, no poll band, polls with unpublished shares,
// identical values, many pollsters.
func TestDegenerate(t *testing.T) {
	one := testResult(1)
	noBand := testResult(30)
	for i := range noBand.Approve.Series {
		noBand.Approve.Series[i].PollLower, noBand.Approve.Series[i].PollUpper = math.NaN(), math.NaN()
	}
	flat := testResult(30)
	for i := range flat.Approve.Series {
		flat.Approve.Series[i] = aggregate.Point{Date: flat.Approve.Series[i].Date, Mean: 50, Lower: 50, Upper: 50}
	}
	var many []poll.Poll
	var houses []aggregate.HouseEffect
	for i := range 120 {
		name := string(rune('A'+i%26)) + string(rune('a'+i/26))
		many = append(many, poll.Poll{Pollster: name, Start: day0, End: day0, Approve: 40 + float64(i%20)})
		houses = append(houses, aggregate.HouseEffect{Pollster: name, Value: float64(i%7) - 3, SE: math.NaN(), Polls: i})
	}
	unpublished := []poll.Poll{{Pollster: "X", Start: day0, End: day0, Approve: math.NaN()}}

	for name, run := range map[string]func() (*plot.Plot, error){
		"one day":      func() (*plot.Plot, error) { return Trend(one, testPolls(1), Options{}) },
		"no poll band": func() (*plot.Plot, error) { return Trend(noBand, nil, Options{}) },
		"flat":         func() (*plot.Plot, error) { return Trend(flat, nil, Options{Filtered: false}) },
		"many houses":  func() (*plot.Plot, error) { return Trend(noBand, many, Options{}) },
		"unpublished":  func() (*plot.Plot, error) { return Trend(noBand, unpublished, Options{}) },
		"house table": func() (*plot.Plot, error) {
			return Houses(&aggregate.Result{Approve: &aggregate.ShareResult{Houses: houses}}, Options{})
		},
		"one house": func() (*plot.Plot, error) {
			return Houses(&aggregate.Result{Approve: &aggregate.ShareResult{Houses: houses[:1]}}, Options{})
		},
		"flat scenario": func() (*plot.Plot, error) {
			return Fan([]Scenario{{Name: "flat", Series: flat.Approve.Series}}, 0, Options{})
		},
		"one-day fan": func() (*plot.Plot, error) {
			return Fan([]Scenario{{Name: "one", Series: one.Approve.Series}}, 0, Options{})
		},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := run()
			require.NoError(t, err)
			b, err := PNG(0, 0, p)
			require.NoError(t, err)
			require.NotEmpty(t, b)
		})
	}
}

func TestHouseRowsAndLegend(t *testing.T) {
	res := testResult(10)
	ours := HouseSet{Name: "candor", Houses: res.Approve.Houses, Level: 0.95}
	theirs := HouseSet{Name: "538", Houses: []aggregate.HouseEffect{{Pollster: "ФОМ", Value: -2}, {Pollster: "Only538", Value: 3, Polls: 99}}}
	p, err := HouseEffects([]HouseSet{ours, theirs}, Options{MaxHouses: 3})
	require.NoError(t, err)
	b, err := SVG(0, 0, p)
	require.NoError(t, err)
	s := string(b)
	// MaxHouses 3 keeps the first set's three houses; 538's extra house
	// ranks after them and is cut.
	assert.NotContains(t, s, "Only538")
	for _, n := range []string{"Левада-Центр", "ФОМ", "VTsIOM", "candor (95% interval)", "538"} {
		assert.Contains(t, s, n)
	}
}

func BenchmarkTrendPNG(b *testing.B) {
	res := testResult(1500)
	polls := testPolls(1500)
	b.ReportAllocs()
	for b.Loop() {
		p, err := Trend(res, polls, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := PNG(0, 0, p); err != nil {
			b.Fatal(err)
		}
	}
}

// TestExtremeValues: finite but absurd values (a range whose width
// overflows float64, values too large to step through) must give a chart
// or an error promptly. gonum's own tick labelling does not return for
// such ranges, so valueTicks must never hand them to it (found by
// FuzzCharts).
func TestExtremeValues(t *testing.T) {
	for _, v := range [][4]float64{ // mean, sd, lower, upper
		{1e308, 1e308, -1e308, 1e308},
		{math.MaxFloat64, 0, -math.MaxFloat64, math.MaxFloat64},
		{1e15, 1e15, 1e15, 1e15 + 1e-3},
		{5e-324, 0, 0, 1e-320},
	} {
		res := &aggregate.Result{Model: "x", Level: 0.95, Approve: &aggregate.ShareResult{}}
		a := res.Approve
		for i := range 20 {
			a.Series = append(a.Series, aggregate.Point{Date: day0.AddDate(0, 0, i), Mean: v[0], SD: v[1],
				Lower: v[2], Upper: v[3], PollLower: math.NaN(), PollUpper: math.NaN()})
			a.Houses = append(a.Houses, aggregate.HouseEffect{Pollster: string(rune('a' + i)), Value: v[0], SE: v[1]})
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			for _, build := range []func() (*plot.Plot, error){
				func() (*plot.Plot, error) { return Trend(res, nil, Options{}) },
				func() (*plot.Plot, error) { return Houses(res, Options{}) },
				func() (*plot.Plot, error) { return Fan([]Scenario{{Name: "s", Series: a.Series}}, 0.95, Options{}) },
			} {
				if p, err := build(); err == nil {
					_, _ = SVG(0, 0, p) // an error is fine; returning is what matters
				}
			}
		}()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("charts of %v did not return", v)
		}
	}
}

// TestConcurrent backs the package doc's claim that the chart functions
// may be called from several goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	res := testResult(100)
	polls := testPolls(100)
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			p, err := Trend(res, polls, Options{})
			if err == nil {
				_, err = PNG(0, 0, p)
			}
			errs <- err
		}()
	}
	for range 8 {
		require.NoError(t, <-errs)
	}
}
