package aggregate

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var nan = math.NaN()

// unweightedCore builds the core for the approve share with the peers'
// identification: unweighted sum to zero, no τ.
func unweightedCore(t testing.TB) *core {
	o, err := observationsFor(readSet(t, syntheticPolls(t), inputRules{}), Approve, false, false)
	require.NoError(t, err)
	J := len(o.houses)
	coef := make([]float64, J)
	for h := range coef {
		coef[h] = -1
	}
	return newCore(o, newConstraint(J, J-1, coef), nil, 0)
}

func TestCoreMatchesStatsmodels(t *testing.T) {
	cr := unweightedCore(t)
	fit, err := maximise(context.Background(), cr, 0, nil)
	require.NoError(t, err)
	t.Logf("sigma=%.7f ll=%.4f evals=%d", fit.sigma, fit.ll, fit.evals)
	assert.InDelta(t, 0.3215, fit.sigma, 0.0005)
	sm := cr.smooth()
	lat := readCSVRecords(t, filepath.Join(peersDir, "results", "statsmodels_latent.csv"))
	require.Len(t, sm.mean, len(lat))
	maxM, maxS := 0.0, 0.0
	for i, r := range lat {
		maxM = max(maxM, math.Abs(sm.mean[i]-mustFloat(t, r["estimate"])))
		maxS = max(maxS, math.Abs(sm.sd[i]-mustFloat(t, r["sd"])))
	}
	t.Logf("max |mean diff| %.2e, max |sd diff| %.2e", maxM, maxS)
	assert.Less(t, maxM, 0.001)
	assert.Less(t, maxS, 0.001)
	for i, r := range readCSVRecords(t, filepath.Join(peersDir, "results", "statsmodels_house.csv")) {
		require.Equal(t, r["pollster"], cr.o.houses[i])
		assert.InDelta(t, mustFloat(t, r["estimate"]), sm.beta[1+i], 0.001)
		assert.InDelta(t, mustFloat(t, r["sd"]), sm.houseSD[i], 0.001)
		t.Logf("%s %.6f (%.6f) vs %s (%s)", cr.o.houses[i], sm.beta[1+i], sm.houseSD[i], r["estimate"], r["sd"])
	}
}

// TestParameterVarianceKeepsEstimates: the parameter-uncertainty term
// evaluates the likelihood around (σ̂, τ̂); the fit's τ̂, which the filter,
// the poll band and Params.Tau read afterwards, must stay the estimate.
func TestParameterVarianceKeepsEstimates(t *testing.T) {
	m := StateSpace{}
	pm, err := m.prepare(readSet(t, syntheticPolls(t), m.rules()), Disapprove)
	require.NoError(t, err)
	cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
	fit, err := maximise(context.Background(), cr, 0, nil)
	require.NoError(t, err)
	require.NotNil(t, fit.cov, "τ̂ = 1.7 is interior: the observed information is positive definite")
	tau := append([]float64(nil), fit.tau...)
	cr.smooth()
	cr.parameterVariance(fit)
	assert.Equal(t, tau, fit.tau)
}
