package chart

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
)

// TestFooterPlacement: the credit and last-poll line sits under the tick
// labels (and under a house chart's axis label), left-aligned with the
// data area, inside its own chart of a stack.
func TestFooterPlacement(t *testing.T) {
	opt := Options{Credit: "Data: Levada Center; analysis: candor"}
	plots := allCharts(t, opt) // trend, fan, houses
	texts := svgTexts(t, mustSVG(t, Options{}, plots...))
	var footers []svgText
	for _, tx := range texts {
		if strings.HasSuffix(tx.Text, opt.Credit) {
			footers = append(footers, tx)
		}
	}
	require.Len(t, footers, 3)
	assert.Equal(t, "last poll: 3 January 2023  ·  "+opt.Credit, footers[0].Text)
	// The lowest tick label of each chart: the dates, or the points.
	ticks := []string{"Jan 2023", "Oct", "0"}
	_, heights, err := sizes(plots, Options{})
	require.NoError(t, err)
	top := float64(sum(heights).Points())
	for i, f := range footers {
		area := dataArea(t, plots, i, Options{})
		assert.InDelta(t, area.Min.X.Points(), f.X, 1e-3, "chart %d: left-aligned with the data", i)
		var tick svgText
		for _, tx := range texts {
			if tx.Text == ticks[i] && tx.Y < float64(area.Min.Y.Points()) && tx.Y > f.Y {
				tick = tx
			}
		}
		require.NotEmpty(t, tick.Text, "chart %d: tick %q above the footer", i, ticks[i])
		assert.Greater(t, tick.Y-f.Y, float64(tickSize), "chart %d: below the tick labels", i)
		bottom := top - float64(heights[i].Points())
		assert.Greater(t, f.Y, bottom, "chart %d: inside its own tile", i)
		assert.Less(t, f.Y-bottom, 3*float64(footerSize), "chart %d: at the bottom of its tile", i)
		top = bottom
	}
	axis := findText(t, texts, "points above (+) or below (−) the reference")
	assert.Greater(t, axis.Y-footers[2].Y, float64(footerSize), "the axis label stays above the footer")
}

// TestFooterWrap: a credit too long for one line is wrapped at spaces
// to the width of the data area, after the date of the last poll.
func TestFooterWrap(t *testing.T) {
	credit := strings.Repeat("Data: Levada Center, VTsIOM, FOM, FiveThirtyEight; ", 6) + "analysis: candor"
	opt := Options{Credit: credit, Width: MinWidth}
	p, err := Trend(testResult(100), testPolls(100), opt)
	require.NoError(t, err)
	texts := svgTexts(t, mustSVG(t, opt, p))
	area := dataArea(t, []*plot.Plot{p}, 0, opt)
	first := findText(t, texts, "last poll: 12 April 2022")
	var lines []string
	y := first.Y
	sty := textStyle(p, footerSize, nil)
	for _, tx := range texts {
		if tx.Y < first.Y && tx.X == first.X {
			assert.Less(t, tx.Y, y, "lines go down")
			y = tx.Y
			lines = append(lines, tx.Text)
			assert.LessOrEqual(t, float64(sty.Width(tx.Text).Points()), float64(area.Size().X.Points()), tx.Text)
		}
	}
	assert.Greater(t, len(lines), 2)
	assert.Equal(t, strings.Join(strings.Fields(credit), " "), strings.Join(lines, " "))
	assert.GreaterOrEqual(t, y, 0.0, "the last line is inside the image")
}
