package adjust

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNonresponseClosedForm(t *testing.T) {
	// p = p_obs·κ/(1 − p_obs + p_obs·κ): 0.70 with κ = 1/1.2 gives
	// 0.7/1.2/(0.3 + 0.7/1.2) = 0.583333/0.883333 = 0.660377.
	nr := Nonresponse{DisapproverResponseRatio: 1 / 1.2}
	e, err := nr.Correct(Estimate{0.70, 0})
	require.NoError(t, err)
	assert.InDelta(t, 0.660377, e.Value, 5e-7)
	assert.InDelta(t, 0, e.SE, 1e-15)

	// κ = 1 changes nothing; κ < 1 lowers, κ > 1 raises.
	same, err := Nonresponse{DisapproverResponseRatio: 1}.Correct(Estimate{0.7, 0.01})
	require.NoError(t, err)
	assert.InDelta(t, 0.7, same.Value, 1e-12)
	assert.InDelta(t, 0.01, same.SE, 1e-12)
	up, err := Nonresponse{DisapproverResponseRatio: 1.5}.Correct(Estimate{0.7, 0.01})
	require.NoError(t, err)
	assert.Greater(t, up.Value, 0.7)

	// Variance: [p(1 − p)]²·[Var(p_obs)/(p_obs(1 − p_obs))² + Var(log κ)],
	// checked against the derivatives of methods.md §10.4
	// (∂p/∂p_obs = k/(p_obs + (1 − p_obs)k)², k = 1/κ).
	nr = Nonresponse{DisapproverResponseRatio: 0.8, LogRatioSE: 0.1}
	e, err = nr.Correct(Estimate{0.7, 0.012})
	require.NoError(t, err)
	k := 1 / 0.8
	dpo := k / math.Pow(0.7+0.3*k, 2)
	dk := -0.7 * 0.3 / math.Pow(0.7+0.3*k, 2) // ∂p/∂k; Var(k̂) = k²·Var(log k̂)
	want := math.Sqrt(dpo*dpo*0.012*0.012 + dk*dk*k*k*0.01)
	assert.InDelta(t, want, e.SE, 1e-12)
	assert.InDelta(t, 0.7/(0.7+0.3*k), e.Value, 1e-12)
}

func TestNonresponseFromRatesAndBack(t *testing.T) {
	nr, err := NonresponseFromRates(0.30, 0.20)
	require.NoError(t, err)
	assert.InDelta(t, 2.0/3, nr.DisapproverResponseRatio, 1e-12)
	// With true approval 0.6: RR = 0.6·0.3 + 0.4·0.2 = 0.26; the rates come
	// back from RR and κ.
	ra, rd, err := nr.ResponseRates(0.6, 0.26)
	require.NoError(t, err)
	assert.InDelta(t, 0.30, ra, 1e-12)
	assert.InDelta(t, 0.20, rd, 1e-12)
	// Observed share 0.6·0.3/0.26 is corrected back to 0.6.
	e, err := nr.Correct(Estimate{0.18 / 0.26, 0})
	require.NoError(t, err)
	assert.InDelta(t, 0.6, e.Value, 1e-12)
	// Infeasible: a rate above 1.
	_, _, err = Nonresponse{DisapproverResponseRatio: 0.1}.ResponseRates(0.1, 0.5)
	assert.ErrorIs(t, err, ErrProbability)

	for _, bad := range [][2]float64{{0, 0.2}, {0.3, 1.2}, {math.NaN(), 0.2}} {
		_, err := NonresponseFromRates(bad[0], bad[1])
		assert.ErrorIs(t, err, ErrProbability)
	}
}

func TestCalibrateNonresponse(t *testing.T) {
	obs, list := Estimate{0.80, 0.012}, Estimate{0.68, 0.03}
	nr, err := CalibrateNonresponse(obs, list)
	require.NoError(t, err)
	e, err := nr.Correct(Estimate{obs.Value, 0})
	require.NoError(t, err)
	assert.InDelta(t, 0.68, e.Value, 1e-12)
	want := math.Sqrt(0.03*0.03/math.Pow(0.68*0.32, 2) + 0.012*0.012/math.Pow(0.8*0.2, 2))
	assert.InDelta(t, want, nr.LogRatioSE, 1e-12)
	_, err = CalibrateNonresponse(Estimate{1, 0.01}, list)
	assert.ErrorIs(t, err, ErrProbability)
	_, err = CalibrateNonresponse(obs, Estimate{0.5, -0.01})
	assert.ErrorIs(t, err, ErrValue)
}

func TestNonresponseCurve(t *testing.T) {
	nr := Nonresponse{DisapproverResponseRatio: 1, LogRatioSE: 0.5}
	ks := []float64{0.5, 0.8, 1, 1.25}
	c, err := nr.Curve(Estimate{0.7, 0.01}, ks)
	require.NoError(t, err)
	require.Len(t, c, 4)
	for i := 1; i < len(c); i++ {
		assert.Greater(t, c[i].Value, c[i-1].Value)
	}
	assert.InDelta(t, 0.7, c[2].Value, 1e-12)
	assert.InDelta(t, 0.01, c[2].SE, 1e-12) // the curve ignores LogRatioSE
	_, err = nr.Curve(Estimate{0.7, 0.01}, []float64{1, 0})
	assert.ErrorIs(t, err, ErrValue)
	_, err = Nonresponse{DisapproverResponseRatio: 1, LogRatioSE: -1}.Correct(Estimate{0.7, 0.01})
	assert.ErrorIs(t, err, ErrValue)
	_, err = Nonresponse{DisapproverResponseRatio: math.Inf(1)}.Correct(Estimate{0.7, 0.01})
	assert.ErrorIs(t, err, ErrValue)
}

func TestNonresponseCoverage(t *testing.T) {
	// Seeded simulation: true approval 0.62; approvers respond with
	// probability 0.30, disapprovers 0.22 (κ = 0.733…). Among those
	// contacted until 1500 respond, the corrected share with the known κ
	// covers 0.62 in 93–97% of replicates; the uncorrected one is biased.
	const pi, ra, rd, n = 0.62, 0.30, 0.22, 1500
	nr, err := NonresponseFromRates(ra, rd)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(41, 42))
	reps := simcheck.Replicates(1000, 10000)
	covered, naive := 0, 0
	for rep := 0; rep < reps; rep++ {
		yes, got := 0, 0
		for got < n {
			approves := rng.Float64() < pi
			r := rd
			if approves {
				r = ra
			}
			if rng.Float64() < r {
				got++
				if approves {
					yes++
				}
			}
		}
		po := float64(yes) / n
		e, err := nr.Correct(Estimate{po, math.Sqrt(po * (1 - po) / n)})
		require.NoError(t, err)
		if lo, hi := e.CI(0.95); lo <= pi && pi <= hi {
			covered++
		}
		if lo, hi := (Estimate{po, math.Sqrt(po * (1 - po) / n)}).CI(0.95); lo <= pi && pi <= hi {
			naive++
		}
	}
	simcheck.AssertCoverage(t, "nonresponse", covered, reps)
	assert.Less(t, float64(naive)/float64(reps), 0.2, "the uncorrected share should miss")
}

func TestNonresponseResponseRatesDocExample(t *testing.T) {
	// The doc comment's example: p = 0.7, RR = 0.3, κ = 0.5.
	ra, rd, err := Nonresponse{DisapproverResponseRatio: 0.5}.ResponseRates(0.7, 0.3)
	require.NoError(t, err)
	assert.InDelta(t, 0.3/0.85, ra, 1e-12)
	assert.InDelta(t, 0.15/0.85, rd, 1e-12)
}
