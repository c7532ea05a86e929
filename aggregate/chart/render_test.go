package chart

import (
	"bytes"
	"image/png"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// TestSizeAndDPI: Width, Height (of each plot) and DPI set the size of
// every output the same way; zero values give the defaults.
func TestSizeAndDPI(t *testing.T) {
	plots := allCharts(t, Options{})[:2] // trend and fan
	px := func(l vg.Length, dpi int) int { return int(float64(l/vg.Inch)*float64(dpi) + 0.5) }
	tests := []struct {
		opt  Options
		n    int
		w, h int // pixels
	}{
		{Options{}, 1, 866, 476}, // 20 cm × 11 cm at 110 dpi
		{Options{}, 2, 866, px(2*DefaultHeight, DefaultDPI)},
		{Options{Width: 10 * vg.Centimeter, DPI: 300}, 1, 1181, px(DefaultHeight, 300)},
		{Options{Height: 8 * vg.Centimeter, DPI: 72}, 2, px(DefaultWidth, 72), px(16*vg.Centimeter, 72)},
	}
	for _, tt := range tests {
		b, err := PNG(plots[:tt.n], tt.opt)
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")), "PNG signature")
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		require.NoError(t, err)
		assert.Equal(t, [2]int{tt.w, tt.h}, [2]int{cfg.Width, cfg.Height}, "%+v", tt.opt)

		img, err := Image(plots[:tt.n], tt.opt)
		require.NoError(t, err)
		assert.Equal(t, [2]int{tt.w, tt.h}, [2]int{img.Bounds().Dx(), img.Bounds().Dy()})

		// SVG has no pixels: its size is in points.
		svg, err := SVG(plots[:tt.n], tt.opt)
		require.NoError(t, err)
		m := regexp.MustCompile(`<svg width="([0-9.]+)pt" height="([0-9.]+)pt"`).FindSubmatch(svg)
		require.NotNil(t, m)
		w, _ := strconv.ParseFloat(string(m[1]), 64)
		h, _ := strconv.ParseFloat(string(m[2]), 64)
		assert.InDelta(t, float64(tt.w)/float64(tt.opt.dpi()), w/72, 0.01)
		assert.InDelta(t, float64(tt.h)/float64(tt.opt.dpi()), h/72, 0.01)
	}
}

// TestStackAlignment: the charts of a stack share the left and right
// edges of their data areas, and the trend's data area is the same
// however long the house names and the fan's legend are.
func TestStackAlignment(t *testing.T) {
	res := testResult(365)
	trend, err := Trend(res, testPolls(365), Options{})
	require.NoError(t, err)
	houses := func(name string) *plot.Plot {
		hs := append([]aggregate.HouseEffect(nil), res.Approve.Houses...)
		hs[0].Pollster = name
		p, err := HouseEffects([]HouseSet{{Name: "m", Houses: hs}}, Options{})
		require.NoError(t, err)
		return p
	}
	fan := func(name string) *plot.Plot {
		p, err := Fan([]Scenario{{Name: name, Series: res.Approve.Series}, {Name: "b", Series: shift(res.Approve.Series, 2)}}, Options{})
		require.NoError(t, err)
		return p
	}
	short := []*plot.Plot{trend, fan("a"), houses("A")}
	long := []*plot.Plot{trend, fan(strings.Repeat("a long scenario name ", 6)),
		houses("Global Strategy Group/GBAO (Navigator Research) for a very long client name")}
	for _, plots := range [][]*plot.Plot{short, long} {
		first := dataArea(t, plots, 0, Options{})
		for i := range plots {
			a := dataArea(t, plots, i, Options{})
			assert.InDelta(t, first.Min.X.Points(), a.Min.X.Points(), 1e-6, "left edge of chart %d", i)
			assert.InDelta(t, first.Max.X.Points(), a.Max.X.Points(), 1e-6, "right edge of chart %d", i)
		}
	}
	s, l := dataArea(t, short, 0, Options{}), dataArea(t, long, 0, Options{})
	assert.Equal(t, s.Min.X, l.Min.X)
	assert.Equal(t, s.Max.X, l.Max.X)
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
		"flat":         func() (*plot.Plot, error) { return Trend(flat, nil, Options{}) },
		"many houses":  func() (*plot.Plot, error) { return Trend(noBand, many, Options{}) },
		"unpublished":  func() (*plot.Plot, error) { return Trend(noBand, unpublished, Options{}) },
		"house table": func() (*plot.Plot, error) {
			return Houses(&aggregate.Result{Approve: &aggregate.ShareResult{Houses: houses}}, Options{MaxHouses: 120})
		},
		"one house": func() (*plot.Plot, error) {
			return Houses(&aggregate.Result{Approve: &aggregate.ShareResult{Houses: houses[:1]}}, Options{})
		},
		"flat scenario": func() (*plot.Plot, error) {
			return Fan([]Scenario{{Name: "flat", Series: flat.Approve.Series}}, Options{})
		},
		"one-day fan": func() (*plot.Plot, error) {
			return Fan([]Scenario{{Name: "one", Series: one.Approve.Series}, {Name: "set", Series: one.Approve.Series, Bounds: true}}, Options{})
		},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := run()
			require.NoError(t, err)
			b, err := SVG([]*plot.Plot{p}, Options{}) // the layout of PNG, faster
			require.NoError(t, err)
			require.NotEmpty(t, b)
			assert.GreaterOrEqual(t, p.X.Max-p.X.Min, 0.0)
			if strings.Contains(name, "one") && !strings.Contains(name, "house") {
				assert.GreaterOrEqual(t, p.X.Max-p.X.Min, 86400.0, "a single day is drawn a day wide")
			}
		})
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
				func() (*plot.Plot, error) { return Fan([]Scenario{{Name: "s", Series: a.Series}}, Options{}) },
			} {
				if p, err := build(); err == nil {
					_, _ = SVG([]*plot.Plot{p}, Options{}) // an error is fine; returning is what matters
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

func BenchmarkTrendPNG(b *testing.B) {
	res := testResult(1500)
	polls := testPolls(1500)
	b.ReportAllocs()
	for b.Loop() {
		p, err := Trend(res, polls, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := PNG([]*plot.Plot{p}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
