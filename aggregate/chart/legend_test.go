package chart

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/candorpoll/candor/aggregate"
)

var placements = []string{"", LegendAbove, LegendBest, LegendTopLeft, LegendTopRight, LegendBottomLeft, LegendBottomRight, LegendNone}

// dataArea returns the data area of plot i of a stack rendered with opt,
// as the renderer lays it out.
func dataArea(t *testing.T, plots []*plot.Plot, i int, opt Options) vg.Rectangle {
	t.Helper()
	width, heights, err := sizes(plots, opt)
	require.NoError(t, err)
	dc := draw.New(vgsvg.New(width, sum(heights)))
	return plots[i].DataCanvas(stack(dc, heights, plots)[i]).Rectangle
}

// TestLegendKeepsAxes: no legend placement changes the axis limits of
// any chart: they are those of the chart without a legend, before and
// after it is drawn.
func TestLegendKeepsAxes(t *testing.T) {
	none := allCharts(t, Options{Legend: LegendNone})
	mustSVG(t, Options{}, none...)
	for _, place := range placements {
		plots := allCharts(t, Options{Legend: place})
		for i, p := range plots {
			assert.Equal(t, [4]float64{none[i].X.Min, none[i].X.Max, none[i].Y.Min, none[i].Y.Max},
				[4]float64{p.X.Min, p.X.Max, p.Y.Min, p.Y.Max}, "placement %q, chart %d", place, i)
		}
		mustSVG(t, Options{}, plots...)
		for i, p := range plots {
			assert.Equal(t, [4]float64{none[i].X.Min, none[i].X.Max, none[i].Y.Min, none[i].Y.Max},
				[4]float64{p.X.Min, p.X.Max, p.Y.Min, p.Y.Max}, "drawn, placement %q, chart %d", place, i)
		}
	}
}

// TestLegendAbove: by default the legend lies between the title and the
// data area, outside the data; its groups start new rows, and a
// narrower chart takes more rows.
func TestLegendAbove(t *testing.T) {
	res, polls := testResult(100), testPolls(100)
	for _, width := range []vg.Length{DefaultWidth, MinWidth} {
		opt := Options{Width: width}
		p, err := Trend(res, polls, opt)
		require.NoError(t, err)
		texts := svgTexts(t, mustSVG(t, opt, p))
		area := dataArea(t, []*plot.Plot{p}, 0, opt)
		title := findTextPrefix(t, texts, "approve: trend")
		rows := map[float64]bool{}
		for _, entry := range []string{"trend", "95% interval of the trend", "95% range for a new poll", "polls: ФОМ (5)", "polls: VTsIOM (5)", "polls: Левада-Центр (5)"} {
			tx := findText(t, texts, entry)
			assert.Greater(t, tx.Y-keySize/2, float64(area.Max.Y.Points()), "%q is above the data", entry)
			assert.Less(t, tx.Y+keySize/2, title.Y, "%q is below the title", entry)
			assert.GreaterOrEqual(t, tx.X, float64(area.Min.X.Points()), "%q", entry)
			rows[tx.Y] = true
		}
		assert.NotEqual(t, findText(t, texts, "trend").Y, findText(t, texts, "polls: ФОМ (5)").Y, "the polls start a row of their own")
		if width == DefaultWidth {
			assert.Len(t, rows, 2)
		} else {
			assert.Greater(t, len(rows), 2)
		}
	}
}

// TestLegendInside: a corner placement puts the legend in that corner of
// the data area; "best" picks the corner with the fewest points (a
// rising line leaves top left and bottom right empty: bottom right,
// gonum's default, wins; a falling one leaves top right and bottom left:
// top right wins); and a legend laid out for a wider chart than it is
// drawn in falls back to the inside, in the best corner.
func TestLegendInside(t *testing.T) {
	line := func(slope float64) []aggregate.Point {
		var pts []aggregate.Point
		for i := range 100 {
			v := 50 + slope*float64(i-50)
			pts = append(pts, aggregate.Point{Date: day0.AddDate(0, 0, i), Mean: v, Lower: v, Upper: v})
		}
		return pts
	}
	rising, falling := line(0.5), line(-0.5)
	tests := []struct {
		name      string
		series    []aggregate.Point
		build     Options
		draw      Options
		top, left bool
		anyCorner bool
	}{
		{"top-left", rising, Options{Legend: LegendTopLeft}, Options{}, true, true, false},
		{"top-right", rising, Options{Legend: LegendTopRight}, Options{}, true, false, false},
		{"bottom-left", rising, Options{Legend: LegendBottomLeft}, Options{}, false, true, false},
		{"bottom-right", falling, Options{Legend: LegendBottomRight}, Options{}, false, false, false},
		{"best, rising", rising, Options{Legend: LegendBest}, Options{}, false, false, false},
		{"best, falling", falling, Options{Legend: LegendBest}, Options{}, true, false, false},
		{"above, too narrow", falling, Options{}, Options{Width: MinWidth}, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sc []Scenario
			for _, name := range []string{"a scenario with a long name", "another scenario", "and a third one", "and a fourth one", "and a fifth one"} {
				sc = append(sc, Scenario{Name: name, Series: tt.series})
			}
			p, err := Fan(sc, tt.build)
			require.NoError(t, err)
			texts := svgTexts(t, mustSVG(t, tt.draw, p))
			area := dataArea(t, []*plot.Plot{p}, 0, tt.draw)
			tx := findText(t, texts, "a scenario with a long name")
			mid := (area.Min.Add(area.Max)).Scale(0.5)
			assert.True(t, area.Min.X.Points() < tx.X && tx.X < area.Max.X.Points() && area.Min.Y.Points() < tx.Y && tx.Y < area.Max.Y.Points(), "inside the data area")
			if !tt.anyCorner {
				assert.Equal(t, tt.top, tx.Y > mid.Y.Points(), "top")
				assert.Equal(t, tt.left, tx.X < mid.X.Points(), "left")
			}
		})
	}
}
