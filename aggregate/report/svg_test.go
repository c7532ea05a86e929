package report

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/aggregate"
)

// TestPathKeepsPeaks: the page's paths of a 25-year daily series reach
// a one-day peak and a one-day dip (every third day would miss them two
// times in three), and have at most four points a horizontal unit.
func TestPathKeepsPeaks(t *testing.T) {
	const days, peak, dip = 9000, 4321, 6000
	day0 := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	pts := make([]aggregate.Point, days)
	for i := range pts {
		v := 50 + 2*math.Sin(float64(i)/40)
		switch i {
		case peak:
			v = 80
		case dip:
			v = 20
		}
		pts[i] = aggregate.Point{Date: day0.AddDate(0, 0, i), Mean: v, Lower: v - 3, Upper: v + 3}
	}
	s := scaler{day0: dayOf(day0), day1: dayOf(day0) + days - 1, lo: 0, hi: 100}
	// ys returns the y coordinates of a path's points.
	ys := func(path string) []float64 {
		var out []float64
		for f := range strings.FieldsSeq(strings.NewReplacer("M", " ", "L", " ", "Z", " ").Replace(path)) {
			_, y, ok := strings.Cut(f, ",")
			require.True(t, ok, f)
			v, err := strconv.ParseFloat(y, 64)
			require.NoError(t, err)
			out = append(out, v)
		}
		return out
	}
	width := svgW - marginL - marginR
	line := ys(s.linePath(pts, mean))
	assert.Contains(t, line, mustNum(t, s.y(80)), "the peak")
	assert.Contains(t, line, mustNum(t, s.y(20)), "the dip")
	assert.LessOrEqual(t, len(line), 4*(width+1))
	band := ys(s.bandPath(pts, lower, upper))
	assert.Contains(t, band, mustNum(t, s.y(83)), "the peak's upper edge")
	assert.Contains(t, band, mustNum(t, s.y(17)), "the dip's lower edge")
	assert.LessOrEqual(t, len(band), 8*(width+1))
}

// mustNum is y as the path writes it.
func mustNum(t *testing.T, y float64) float64 {
	v, err := strconv.ParseFloat(num(y), 64)
	require.NoError(t, err)
	return v
}
