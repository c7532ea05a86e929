package adjust

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestShareIntervalMethodsTable(t *testing.T) {
	// Test values from docs/methods.md §1.4 (computed independently).
	tests := []struct {
		p     float64
		n     int
		deff  float64
		nEff  float64
		wald  [2]float64
		wils  [2]float64
		jeffr [2]float64
	}{
		{0.66, 1601, 1.9, 842.632, [2]float64{0.628015, 0.691985}, [2]float64{0.627354, 0.691194}, [2]float64{0.627510, 0.691393}},
		{0.02, 1600, 1.9, 842.105, [2]float64{0.010544, 0.029456}, [2]float64{0.012497, 0.031862}, [2]float64{0.012114, 0.031170}},
	}
	for _, tc := range tests {
		nEff := EffectiveN(tc.n, tc.deff)
		assert.InDelta(t, tc.nEff, nEff, 5e-4)
		for m, want := range map[IntervalMethod][2]float64{Wald: tc.wald, Wilson: tc.wils, Jeffreys: tc.jeffr} {
			lo, hi, err := ShareInterval(tc.p, nEff, 0.95, m)
			require.NoError(t, err)
			assert.InDelta(t, want[0], lo, 6e-7, "%v lower p=%v", m, tc.p)
			assert.InDelta(t, want[1], hi, 6e-7, "%v upper p=%v", m, tc.p)
		}
	}
}

func TestShareIntervalBoundaries(t *testing.T) {
	lo, hi, err := ShareInterval(0, 100, 0.95, Jeffreys)
	require.NoError(t, err)
	assert.Equal(t, 0.0, lo)
	assert.True(t, hi > 0 && hi < 0.05)
	lo, hi, err = ShareInterval(1, 100, 0.95, Jeffreys)
	require.NoError(t, err)
	assert.Equal(t, 1.0, hi)
	assert.True(t, lo > 0.95 && lo < 1)
	lo, _, err = ShareInterval(0, 100, 0.95, Wilson)
	require.NoError(t, err)
	assert.InDelta(t, 0, lo, 1e-15)
}

func TestShareIntervalErrors(t *testing.T) {
	for _, c := range []struct{ p, n, level float64 }{
		{-0.1, 100, 0.95}, {1.1, 100, 0.95}, {math.NaN(), 100, 0.95},
		{0.5, 0, 0.95}, {0.5, -3, 0.95}, {0.5, math.Inf(1), 0.95},
		{0.5, 100, 0}, {0.5, 100, 1}, {0.5, 100, math.NaN()},
	} {
		_, _, err := ShareInterval(c.p, c.n, c.level, Wilson)
		assert.ErrorIs(t, err, ErrValue, "%+v", c)
	}
	_, _, err := ShareInterval(0.5, 100, 0.95, IntervalMethod(9))
	assert.ErrorIs(t, err, ErrValue)
	assert.Equal(t, "IntervalMethod(9)", IntervalMethod(9).String())
}

func TestShareIntervalCoverage(t *testing.T) {
	// Seeded simulation: binomial samples of n = 400 with p = 0.3; Wilson
	// and Jeffreys cover the truth 93–97% of the time.
	rng := rand.New(rand.NewPCG(5, 6))
	const reps, n, p = 2000, 400, 0.3
	cover := map[IntervalMethod]int{}
	for r := 0; r < reps; r++ {
		k := 0
		for i := 0; i < n; i++ {
			if rng.Float64() < p {
				k++
			}
		}
		for _, m := range []IntervalMethod{Wilson, Jeffreys, Wald} {
			lo, hi, err := ShareInterval(float64(k)/n, n, 0.95, m)
			require.NoError(t, err)
			if lo <= p && p <= hi {
				cover[m]++
			}
		}
	}
	for m, c := range cover {
		rate := float64(c) / reps
		t.Logf("%v: 95%% interval coverage %.4f over %d samples", m, rate, reps)
		assert.True(t, rate >= 0.93 && rate <= 0.97, "%v coverage %.3f", m, rate)
	}
}
