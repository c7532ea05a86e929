package adjust

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKish(t *testing.T) {
	// Hand-computed: w = (1, 1, 2, 4): Σw = 8, Σw² = 22, n_eff = 64/22,
	// deff = 4·22/64 = 1.375.
	deff, nEff, err := Kish([]float64{1, 1, 2, 4})
	require.NoError(t, err)
	assert.InDelta(t, 1.375, deff, 1e-15)
	assert.InDelta(t, 64.0/22, nEff, 1e-15)
	// Scale-free, and equal weights give deff 1.
	d2, _, err := Kish([]float64{0.125, 0.125, 0.25, 0.5})
	require.NoError(t, err)
	assert.InDelta(t, deff, d2, 1e-15)
	d3, n3, err := Kish([]float64{3, 3, 3})
	require.NoError(t, err)
	assert.InDelta(t, 1, d3, 1e-15)
	assert.InDelta(t, 3, n3, 1e-15)

	for _, w := range [][]float64{{1, -1}, {1, math.NaN()}, {math.Inf(1)}, {0, 0}} {
		_, _, err := Kish(w)
		assert.ErrorIs(t, err, ErrValue, "%v", w)
	}
	_, _, err = Kish(nil)
	assert.ErrorIs(t, err, ErrEmpty)
}

func TestTotalError(t *testing.T) {
	// Levada-like poll: p = 0.5, n = 1600, deff 1.9 → sampling SD
	// √(1.9·0.25/1600) = 0.017230; τ = 1.5 points adds 0.015² to it.
	te := TotalError{Tau: 0.015}
	vs := 1.9 * 0.25 / 1600
	assert.InDelta(t, vs, ShareVariance(0.5, 1600, 1.9), 1e-15)
	assert.InDelta(t, vs+0.015*0.015, te.Variance(0.5, 1600, 1.9), 1e-15)
	assert.InDelta(t, 1+0.015*0.015/vs, te.Factor(0.5, 1600, 1.9), 1e-12)
	e := te.Inflate(Estimate{Value: 0.5, SE: math.Sqrt(vs)})
	assert.InDelta(t, math.Sqrt(vs+0.015*0.015), e.SE, 1e-15)
	assert.Equal(t, 0.5, e.Value)
	// Unknown deff means simple random sampling.
	assert.InDelta(t, 0.25/1600, ShareVariance(0.5, 1600, math.NaN()), 1e-18)
	// No respondents, no information, whatever the share.
	for _, n := range []int{0, -10} {
		for _, p := range []float64{0, 0.5, 1} {
			assert.True(t, math.IsInf(ShareVariance(p, n, 1), 1), "n %d p %v", n, p)
		}
	}
	assert.Equal(t, 1600.0, EffectiveN(1600, 0))
}
