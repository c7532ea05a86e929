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
// one-day peaks and dips (every third day would miss each two times in
// three) with at most four points a horizontal unit, and a band is one
// closed polygon: its upper edge left to right through that edge's own
// peak, then its lower edge back through its own dip.
func TestPathKeepsPeaks(t *testing.T) {
	const days, peak, dip, upPeak, loDip = 9000, 4321, 6000, 1234, 7777
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
		p := aggregate.Point{Date: day0.AddDate(0, 0, i), Mean: v, Lower: v - 3, Upper: v + 3}
		switch i {
		case upPeak:
			p.Upper = 90
		case loDip:
			p.Lower = 10
		}
		pts[i] = p
	}
	s := scaler{day0: dayOf(day0), day1: dayOf(day0) + days - 1, lo: 0, hi: 100}
	// xys returns the coordinates of a path's points.
	xys := func(path string) (xs, ys []float64) {
		for f := range strings.FieldsSeq(strings.NewReplacer("M", " ", "L", " ", "Z", " ").Replace(path)) {
			x, y, ok := strings.Cut(f, ",")
			require.True(t, ok, f)
			vx, err := strconv.ParseFloat(x, 64)
			require.NoError(t, err)
			vy, err := strconv.ParseFloat(y, 64)
			require.NoError(t, err)
			xs, ys = append(xs, vx), append(ys, vy)
		}
		return xs, ys
	}
	width := svgW - marginL - marginR
	_, line := xys(s.linePath(pts, mean))
	assert.Contains(t, line, mustNum(t, s.y(80)), "the peak")
	assert.Contains(t, line, mustNum(t, s.y(20)), "the dip")
	assert.LessOrEqual(t, len(line), 4*(width+1))

	path := s.bandPath(pts, lower, upper)
	require.True(t, strings.HasPrefix(path, "M") && strings.HasSuffix(path, " Z"), "a closed path")
	xs, ys := xys(path)
	turn := 1 // the first point of the lower edge: where x stops rising
	for turn < len(xs) && xs[turn] >= xs[turn-1] {
		turn++
	}
	for i := turn + 1; i < len(xs); i++ {
		require.LessOrEqual(t, xs[i], xs[i-1], "the lower edge runs back: point %d", i)
	}
	assert.Equal(t, xs[0], xs[len(xs)-1], "the band ends where it began")
	assert.Contains(t, ys[:turn], mustNum(t, s.y(90)), "the upper edge's own peak")
	assert.Contains(t, ys[turn-1:], mustNum(t, s.y(10)), "the lower edge's own dip")
	assert.LessOrEqual(t, len(xs), 8*(width+1))
}

// mustNum is y as the path writes it.
func mustNum(t *testing.T, y float64) float64 {
	v, err := strconv.ParseFloat(num(y), 64)
	require.NoError(t, err)
	return v
}
