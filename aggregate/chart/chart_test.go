package chart

import (
	"bytes"
	"fmt"
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

// testPolls returns a poll every week of n days, the three houses of
// testResult in turn, each fielded over four days.
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

// svgText is one text element of an SVG rendering, at its anchor in
// plot coordinates (points from the bottom left).
type svgText struct {
	X, Y  float64
	Style string
	Text  string
}

var svgTextRE = regexp.MustCompile(`(?s)<text x="([^"]+)" y="([^"]+)" transform="scale\(1, -1\)"\s*(?:style="([^"]*)")?>([^<]*)</text>`)

// svgTexts returns the text elements of an SVG document made by SVG.
func svgTexts(t *testing.T, svg []byte) []svgText {
	t.Helper()
	var out []svgText
	for _, m := range svgTextRE.FindAllSubmatch(svg, -1) {
		x, err := strconv.ParseFloat(string(m[1]), 64)
		require.NoError(t, err)
		y, err := strconv.ParseFloat(string(m[2]), 64)
		require.NoError(t, err)
		s := strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(string(m[4]))
		out = append(out, svgText{X: x, Y: -y, Style: string(m[3]), Text: s})
	}
	return out
}

// findText returns the first text element that is s.
func findText(t *testing.T, texts []svgText, s string) svgText {
	t.Helper()
	return findTextFunc(t, texts, s, func(tx string) bool { return tx == s })
}

// findTextPrefix returns the first text element that begins with s.
func findTextPrefix(t *testing.T, texts []svgText, s string) svgText {
	t.Helper()
	return findTextFunc(t, texts, s, func(tx string) bool { return strings.HasPrefix(tx, s) })
}

func findTextFunc(t *testing.T, texts []svgText, s string, match func(string) bool) svgText {
	t.Helper()
	for _, tx := range texts {
		if match(tx.Text) {
			return tx
		}
	}
	t.Fatalf("no text %q in %q", s, textsOf(texts))
	return svgText{}
}

func textsOf(texts []svgText) []string {
	var out []string
	for _, tx := range texts {
		out = append(out, tx.Text)
	}
	return out
}

func mustSVG(t *testing.T, opt Options, plots ...*plot.Plot) []byte {
	t.Helper()
	b, err := SVG(plots, opt)
	require.NoError(t, err)
	return b
}

// allCharts builds one chart of each kind from testResult, with options
// opt.
func allCharts(t *testing.T, opt Options) []*plot.Plot {
	t.Helper()
	res := testResult(365)
	trend, err := Trend(res, testPolls(365), opt)
	require.NoError(t, err)
	houses, err := Houses(res, opt)
	require.NoError(t, err)
	fan, err := Fan([]Scenario{
		{Name: "none", Series: res.Approve.Series},
		{Name: "shifted", Series: shift(res.Approve.Series, -8)},
		{Name: "bounds", Series: shift(res.Approve.Series, 3), Bounds: true},
	}, opt)
	require.NoError(t, err)
	return []*plot.Plot{trend, fan, houses}
}

// TestErrors: every failure path of the chart functions and the
// renderers gives the documented sentinel and no plot.
func TestErrors(t *testing.T) {
	good := testResult(10)
	nanMean := testResult(10)
	nanMean.Approve.Series[3].Mean = math.NaN()
	reversed := testResult(10)
	reversed.Approve.Series[2].Lower, reversed.Approve.Series[2].Upper = 5, 4
	partBand := testResult(10)
	partBand.Approve.Series[4].PollUpper = math.Inf(1)
	badShare := testResult(10) // has no disapprove or undecided estimate
	sc := []Scenario{{Name: "a", Series: good.Approve.Series}, {Name: "set", Series: good.Approve.Series, Bounds: true}}
	house := func(h aggregate.HouseEffect) []HouseSet {
		return []HouseSet{{Name: "m", Houses: []aggregate.HouseEffect{h}}}
	}

	badOptions := map[string]Options{
		"unknown legend placement": {Legend: "middle"},
		"negative MaxHouses":       {MaxHouses: -1},
		"negative DPI":             {DPI: -72},
		"negative width":           {Width: -vg.Centimeter},
		"width too small":          {Width: MinWidth - 1},
		"NaN width":                {Width: vg.Length(math.NaN())},
		"infinite width":           {Width: vg.Length(math.Inf(1))},
		"height too small":         {Height: vg.Centimeter},
		"infinite height":          {Height: vg.Length(math.Inf(1))},
	}

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
			r.Approve.Filtered = []aggregate.Point{}
			return Trend(r, nil, Options{Filtered: true})
		}, ErrNoData},
		{"no filtered (SkipFiltered)", func() (*plot.Plot, error) {
			r := testResult(10)
			r.Approve.Filtered = nil
			_, err := Trend(r, nil, Options{Filtered: true})
			if err != nil && !strings.Contains(err.Error(), "SkipFiltered") {
				return nil, fmt.Errorf("the error does not name SkipFiltered: %v", err) // %v: not ErrNoData
			}
			return nil, err
		}, ErrNoData},
		{"window misses", func() (*plot.Plot, error) { return Trend(good, nil, Options{From: day0.AddDate(5, 0, 0)}) }, ErrNoData},
		{"NaN mean", func() (*plot.Plot, error) { return Trend(nanMean, nil, Options{}) }, ErrBadValue},
		{"reversed interval", func() (*plot.Plot, error) { return Trend(reversed, nil, Options{}) }, ErrBadValue},
		{"partial poll band", func() (*plot.Plot, error) { return Trend(partBand, nil, Options{}) }, ErrBadValue},
		{"share not estimated", func() (*plot.Plot, error) { return Trend(badShare, nil, Options{Share: aggregate.Undecided}) }, ErrShare},
		{"NaN mark", func() (*plot.Plot, error) {
			return Trend(good, nil, Options{Marks: []Mark{{Date: day0, Value: math.NaN()}}})
		}, ErrBadValue},
		{"houses of a share not estimated", func() (*plot.Plot, error) { return Houses(badShare, Options{Share: aggregate.Disapprove}) }, ErrShare},
		{"no houses", func() (*plot.Plot, error) {
			return Houses(&aggregate.Result{Approve: &aggregate.ShareResult{}}, Options{})
		}, ErrNoData},
		{"nil houses result", func() (*plot.Plot, error) { return Houses(nil, Options{}) }, ErrNoData},
		{"no house sets", func() (*plot.Plot, error) { return HouseEffects(nil, Options{}) }, ErrNoData},
		{"NaN house", func() (*plot.Plot, error) {
			return HouseEffects(house(aggregate.HouseEffect{Pollster: "x", Value: math.NaN()}), Options{})
		}, ErrBadValue},
		{"infinite SE", func() (*plot.Plot, error) {
			return HouseEffects(house(aggregate.HouseEffect{Pollster: "x", SE: math.Inf(1)}), Options{})
		}, ErrBadValue},
		{"negative SE", func() (*plot.Plot, error) {
			return HouseEffects(house(aggregate.HouseEffect{Pollster: "x", SE: -1}), Options{})
		}, ErrBadValue},
		{"no scenarios", func() (*plot.Plot, error) { return Fan(nil, Options{}) }, ErrNoData},
		{"empty scenario", func() (*plot.Plot, error) { return Fan([]Scenario{{Name: "a"}}, Options{}) }, ErrNoData},
		{"scenario outside the window", func() (*plot.Plot, error) { return Fan(sc, Options{To: day0.AddDate(-1, 0, 0)}) }, ErrNoData},
		{"NaN scenario", func() (*plot.Plot, error) {
			return Fan([]Scenario{{Name: "a", Series: nanMean.Approve.Series}}, Options{})
		}, ErrBadValue},
		{"NaN mark on a fan", func() (*plot.Plot, error) {
			return Fan(sc, Options{Marks: []Mark{{Date: day0, Value: math.Inf(-1)}}})
		}, ErrBadValue},
		{"highlight no scenario", func() (*plot.Plot, error) { return Fan(sc, Options{Highlight: "b"}) }, ErrOption},
		{"highlight bounds", func() (*plot.Plot, error) { return Fan(sc, Options{Highlight: "set"}) }, ErrOption},
	}
	for name, o := range badOptions {
		tests = append(tests,
			struct {
				name string
				run  func() (*plot.Plot, error)
				want error
			}{"trend: " + name, func() (*plot.Plot, error) { return Trend(good, nil, o) }, ErrOption},
			struct {
				name string
				run  func() (*plot.Plot, error)
				want error
			}{"houses: " + name, func() (*plot.Plot, error) { return Houses(good, o) }, ErrOption},
			struct {
				name string
				run  func() (*plot.Plot, error)
				want error
			}{"fan: " + name, func() (*plot.Plot, error) { return Fan(sc, o) }, ErrOption},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := tt.run()
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			assert.Nil(t, p)
		})
	}

	p, err := Trend(good, nil, Options{})
	require.NoError(t, err)
	renderers := map[string]func([]*plot.Plot, Options) error{
		"PNG":   func(ps []*plot.Plot, o Options) error { _, err := PNG(ps, o); return err },
		"SVG":   func(ps []*plot.Plot, o Options) error { _, err := SVG(ps, o); return err },
		"Image": func(ps []*plot.Plot, o Options) error { _, err := Image(ps, o); return err },
		"Write": func(ps []*plot.Plot, o Options) error { return Write(&bytes.Buffer{}, FormatPNG, ps, o) },
	}
	for name, render := range renderers {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, render(nil, Options{}), ErrNoData)
			assert.ErrorIs(t, render([]*plot.Plot{p, nil}, Options{}), ErrNoData)
			for oname, o := range badOptions {
				assert.ErrorIs(t, render([]*plot.Plot{p}, o), ErrOption, oname)
			}
			if name != "SVG" { // a raster of 2 m × 2 m at 600 dpi would take 8 GB
				assert.ErrorIs(t, render([]*plot.Plot{p}, Options{Width: 200 * vg.Centimeter, Height: 200 * vg.Centimeter, DPI: 600}), ErrOption)
			}
		})
	}
	assert.ErrorIs(t, Write(&bytes.Buffer{}, "gif", []*plot.Plot{p}, Options{}), ErrOption)
}

// TestDeterministic: the same input gives the same bytes, PNG and SVG.
func TestDeterministic(t *testing.T) {
	render := func(format string) []byte {
		var b bytes.Buffer
		require.NoError(t, Write(&b, format, allCharts(t, Options{Credit: "c"}), Options{}))
		return b.Bytes()
	}
	for _, f := range []string{FormatPNG, FormatSVG} {
		assert.True(t, bytes.Equal(render(f), render(f)), f)
	}
}

// TestConcurrent backs the package doc's claim that the chart functions
// and renderers may be called from several goroutines (run with -race):
// each goroutine's image equals the one drawn alone.
func TestConcurrent(t *testing.T) {
	res, polls := testResult(100), testPolls(100)
	draw := func() ([]byte, error) {
		p, err := Trend(res, polls, Options{Credit: "c"})
		if err != nil {
			return nil, err
		}
		h, err := Houses(res, Options{})
		if err != nil {
			return nil, err
		}
		return PNG([]*plot.Plot{p, h}, Options{DPI: 72})
	}
	want, err := draw()
	require.NoError(t, err)
	type out struct {
		b   []byte
		err error
	}
	results := make(chan out, 4)
	for range 4 {
		go func() {
			b, err := draw()
			results <- out{b, err}
		}()
	}
	for range 4 {
		o := <-results
		require.NoError(t, o.err)
		assert.True(t, bytes.Equal(want, o.b))
	}
}

// TestSansSerif: every text of every chart is in Liberation Sans, chosen
// per plot: the process-wide default (a serif) is left as it was, and
// Cyrillic names come through.
func TestSansSerif(t *testing.T) {
	before := plot.DefaultFont
	svg := mustSVG(t, Options{}, allCharts(t, Options{Credit: "Данные: Левада-Центр", Marks: []Mark{{Date: day0, Value: 70, Label: "выборы"}}})...)
	texts := svgTexts(t, svg)
	require.Greater(t, len(texts), 30)
	for _, tx := range texts {
		assert.Contains(t, tx.Style, "font-family:Liberation Sans;", "%q", tx.Text)
	}
	assert.NotContains(t, string(svg), "Serif")
	assert.Equal(t, before, plot.DefaultFont)
	for _, s := range []string{"Левада-Центр (30)", "ФОМ (50)", "polls: Левада-Центр (18)", "Данные: Левада-Центр", "выборы"} {
		findText(t, texts, s)
	}
}

// TestPlainLanguage: the legends say what is drawn in words a newcomer
// knows, never in model jargon.
func TestPlainLanguage(t *testing.T) {
	texts := textsOf(svgTexts(t, mustSVG(t, Options{}, allCharts(t, Options{})...)))
	all := strings.Join(texts, "\n")
	for _, jargon := range []string{"latent", "smoothed", "filtered", "estimate"} {
		assert.NotContains(t, strings.ToLower(all), jargon)
	}
	for _, want := range []string{"trend", "95% interval of the trend", "95% range for a new poll",
		"polls: Левада-Центр (18)", "polls: ФОМ (18)", "polls: VTsIOM (17)", "95% interval of the trend, none",
		"statespace (bars: 95% intervals)"} {
		assert.Contains(t, texts, want)
	}
}
