package sensitive

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlaceboListHand(t *testing.T) {
	// Hand-computed: control (1, 2, 3) mean 2, s² = 1; sensitive (2, 3, 4)
	// mean 3, s² = 1; placebo (2, 2, 3, 3) mean 2.5, s² = 1/3; π_P = 0.9.
	p := &PlaceboList{
		Control:    []float64{1, 2, 3},
		Sensitive:  []float64{2, 3, 4},
		Placebo:    []float64{2, 2, 3, 3},
		J:          3,
		Prevalence: 0.9,
	}
	r, err := p.Estimate()
	require.NoError(t, err)
	assert.InDelta(t, 1, r.DiM.Value, 1e-12)
	assert.InDelta(t, math.Sqrt(1.0/3+1.0/3), r.DiM.SE, 1e-12)
	assert.InDelta(t, 0.4, r.Deflation.Value, 1e-12)
	assert.InDelta(t, math.Sqrt(1.0/12+1.0/3), r.Deflation.SE, 1e-12)
	assert.InDelta(t, 1.4, r.Corrected.Value, 1e-12)
	assert.InDelta(t, math.Sqrt(1.0/3+1.0/12), r.Corrected.SE, 1e-12)
	assert.InDelta(t, r.DiM.Value+r.Deflation.Value, r.Corrected.Value, 1e-12)
	p.PrevalenceSE = 0.05
	r2, err := p.Estimate()
	require.NoError(t, err)
	assert.InDelta(t, math.Sqrt(1.0/3+1.0/12+0.0025), r2.Corrected.SE, 1e-12)

	for _, bad := range []PlaceboList{
		{Control: []float64{1, 2}, Sensitive: []float64{1, 2}, Placebo: []float64{1, 2}, J: 0, Prevalence: 0.5},
		{Control: []float64{1, 2}, Sensitive: []float64{1, 2}, Placebo: []float64{1, 2}, J: 3, Prevalence: 1.5},
		{Control: []float64{1, 2}, Sensitive: []float64{1, 2}, Placebo: []float64{1, 2}, J: 3, Prevalence: 0.5, PrevalenceSE: -1},
	} {
		_, err := bad.Estimate()
		assert.ErrorIs(t, err, ErrValue)
	}
	_, err = (&PlaceboList{Control: []float64{1, 4}, Sensitive: []float64{1, 2}, Placebo: []float64{1, 2}, J: 3, Prevalence: 0.5}).Estimate()
	assert.ErrorIs(t, err, ErrCountRange)
	_, err = (&PlaceboList{Control: []float64{1, 2}, Sensitive: []float64{1}, Placebo: []float64{1, 2}, J: 3, Prevalence: 0.5}).Estimate()
	assert.ErrorIs(t, err, ErrGroupSize)
}

func TestPlaceboListRecoversDeflation(t *testing.T) {
	// Seeded simulation: a longer list makes 30% of respondents drop one
	// control item they hold; the difference in means understates a true
	// prevalence of 0.4, the placebo-corrected estimate covers it.
	reps := simcheck.Replicates(1000, 4000)
	rng := rand.New(rand.NewPCG(91, 92))
	cover := 0
	var bias float64
	draw := func(extra float64, long bool) float64 {
		y := 0
		for j := 0; j < 3; j++ {
			if rng.Float64() < 0.5 {
				y++
			}
		}
		if long && y > 0 && rng.Float64() < 0.3 {
			y--
		}
		if rng.Float64() < extra {
			y++
		}
		return float64(y)
	}
	for r := 0; r < reps; r++ {
		p := &PlaceboList{J: 3, Prevalence: 0.95}
		for i := 0; i < 500; i++ {
			p.Control = append(p.Control, draw(0, false))
			p.Sensitive = append(p.Sensitive, draw(0.4, true))
			p.Placebo = append(p.Placebo, draw(0.95, true))
		}
		res, err := p.Estimate()
		require.NoError(t, err)
		lo, hi := res.Corrected.CI(0.95)
		if lo <= 0.4 && 0.4 <= hi {
			cover++
		}
		bias += res.DiM.Value - 0.4
	}
	simcheck.AssertCoverage(t, "placebo-corrected list", cover, reps)
	assert.Less(t, bias/float64(reps), -0.2, "uncorrected DiM is deflated (expected bias −0.3·P(Y(0) > 0) ≈ −0.26)")
}
