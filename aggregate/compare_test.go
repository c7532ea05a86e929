package aggregate

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompareHandComputed(t *testing.T) {
	d0 := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
	r := &Result{Level: 0.95, Approve: &ShareResult{Params: Params{Sigma: 0.5}, Series: []Point{
		{Date: d0, Mean: 80, SD: 1}, {Date: d0.AddDate(0, 0, 1), Mean: 81, SD: 0.8}, {Date: d0.AddDate(0, 0, 2), Mean: 82, SD: 0.6},
	}}}
	c, err := Compare(r, Official{Date: d0.AddDate(0, 0, 2), Value: 87.28, SD: 0.8})
	require.NoError(t, err)
	assert.False(t, c.Extrapolated)
	assert.InDelta(t, 82, c.Estimate, 1e-12)
	assert.InDelta(t, 5.28, c.Gap, 1e-12)
	assert.InDelta(t, 1.0, c.GapSE, 1e-12) // √(0.6² + 0.8²)
	assert.InDelta(t, 5.28, c.Z, 1e-12)
	assert.InDelta(t, 1.2927e-7, c.P, 1e-10) // 2·(1 − Φ(5.28))
	assert.InDelta(t, 5.28-1.959964, c.Lower, 1e-6)

	// Three days after the series: variance grows by σ² a day.
	c, err = Compare(r, Official{Date: d0.AddDate(0, 0, 5), Value: 82})
	require.NoError(t, err)
	assert.True(t, c.Extrapolated)
	assert.Equal(t, 3, c.Days)
	assert.InDelta(t, math.Sqrt(0.36+3*0.25), c.SE, 1e-12)
	assert.InDelta(t, 0, c.Gap, 1e-12)
	assert.InDelta(t, 1, c.P, 1e-12)
	c, err = Compare(r, Official{Date: d0.AddDate(0, 0, -2), Value: 79})
	require.NoError(t, err)
	assert.Equal(t, 2, c.Days)
	assert.InDelta(t, math.Sqrt(1+2*0.25), c.SE, 1e-12)
	assert.Contains(t, c.String(), "gap: -1.00 points")

	_, err = Compare(r, Official{Date: d0, Value: 101})
	assert.ErrorIs(t, err, ErrConfig)
	_, err = Compare(r, Official{Value: 50})
	assert.ErrorIs(t, err, ErrConfig)
	_, err = Compare(&Result{}, Official{Date: d0, Value: 50})
	assert.ErrorIs(t, err, ErrNoPolls)
}

func TestCompareCausal(t *testing.T) {
	d0 := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
	r := &Result{Level: 0.95, Approve: &ShareResult{Params: Params{Sigma: 0.5},
		Series:   []Point{{Date: d0, Mean: 80, SD: 1}, {Date: d0.AddDate(0, 0, 1), Mean: 81, SD: 0.8}},
		Filtered: []Point{{Date: d0.AddDate(0, 0, 1), Mean: 79, SD: 1.2}}}}
	c, err := Compare(r, Official{Date: d0.AddDate(0, 0, 1), Value: 80, Causal: true})
	require.NoError(t, err)
	assert.InDelta(t, 79, c.Estimate, 1e-12)
	assert.InDelta(t, 1.2, c.SE, 1e-12)
	assert.Contains(t, c.String(), "polls up to that day")
	// Before the filtered series starts nothing was known.
	_, err = Compare(r, Official{Date: d0, Value: 80, Causal: true})
	assert.ErrorIs(t, err, ErrNoPolls)
	// After it: a forecast.
	c, err = Compare(r, Official{Date: d0.AddDate(0, 0, 5), Value: 80, Causal: true})
	require.NoError(t, err)
	assert.True(t, c.Extrapolated)
	assert.InDelta(t, math.Sqrt(1.44+4*0.25), c.SE, 1e-12)
}

// TestCompareGappedSeries: the filtered series can skip days inside it;
// the comparison reads the point of the official date itself (not the
// one at its offset from the first day), and a skipped day is an error.
func TestCompareGappedSeries(t *testing.T) {
	d0 := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
	r := &Result{Level: 0.95, Approve: &ShareResult{Params: Params{Sigma: 0.5},
		Series: []Point{{Date: d0, Mean: 80, SD: 1}},
		Filtered: []Point{{Date: d0, Mean: 79, SD: 1.2}, {Date: d0.AddDate(0, 0, 3), Mean: 78, SD: 1.1},
			{Date: d0.AddDate(0, 0, 4), Mean: 77, SD: 1}}}}
	c, err := Compare(r, Official{Date: d0.AddDate(0, 0, 4), Value: 80, Causal: true})
	require.NoError(t, err)
	assert.False(t, c.Extrapolated)
	assert.InDelta(t, 77, c.Estimate, 1e-12)
	assert.InDelta(t, 1.0, c.SE, 1e-12)
	_, err = Compare(r, Official{Date: d0.AddDate(0, 0, 2), Value: 80, Causal: true})
	assert.ErrorIs(t, err, ErrNoPolls)
}
