package aggregate

import (
	"context"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
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

// TestParameterVarianceSteps holds parameterVariance's forward differences
// from the means at θ̂ to central differences (step 1e-4, two evaluations a
// parameter, what it used before), for every share of the default model on
// the peers' data (σ and a global τ: τ̂ = 0 for approve, an interior τ̂ for
// the others), with fixed σ, per-house τ and field averages (the banded
// path): the variance term within 2e-5 of the central one relative to its
// largest value (measured: 4–7e-6, the truncation error of the step), and
// the smoothed sds it widens within 1e-5 relative (measured: at most 2e-6,
// on the undecided share's small sds). The forward term is taken as fitShare
// takes it, straight after maximise and smooth, so the test also holds their
// leaving the workspace at θ̂, which its base needs.
func TestParameterVarianceSteps(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		m     StateSpace
		share Share
		sigma float64 // fixed σ; 0: estimated
	}{
		{"approve", StateSpace{}, Approve, 0},
		{"disapprove", StateSpace{}, Disapprove, 0},
		{"undecided", StateSpace{}, Undecided, 0},
		{"disapprove, σ fixed", StateSpace{}, Disapprove, 0.3},
		{"disapprove, per-house τ", StateSpace{Tau: TauPerHouse()}, Disapprove, 0},
		{"disapprove, field averages", StateSpace{FieldAverage: true}, Disapprove, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.m
			pm, err := m.prepare(readSet(t, syntheticPolls(t), m.rules()), tc.share)
			require.NoError(t, err)
			cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
			defer cr.release()
			fit, err := maximise(ctx, cr, tc.sigma, nil)
			require.NoError(t, err)
			require.NotNil(t, fit.cov)
			sm := cr.smooth() // as fitShare: the workspace as maximise left it
			fwd := cr.parameterVariance(fit)
			cr.eval(fit.params(fit.theta)) // back at θ̂ for the reference
			ref := cr.parameterVarianceStep(fit, 1e-4, true)
			top := slices.Max(ref)
			require.Greater(t, top, 0.0)
			worst, worstSD := 0.0, 0.0
			for d := range ref {
				worst = max(worst, math.Abs(fwd[d]-ref[d])/top)
				sf, sr := math.Sqrt(sm.sd[d]*sm.sd[d]+fwd[d]), math.Sqrt(sm.sd[d]*sm.sd[d]+ref[d])
				worstSD = max(worstSD, math.Abs(sf-sr)/sr)
			}
			t.Logf("largest term %.3g; forward against central: %.2e of it, sds within %.2e", top, worst, worstSD)
			assert.Less(t, worst, 2e-5)
			assert.Less(t, worstSD, 1e-5)
		})
	}
}

// TestCholeskyFactorReference holds choleskyFactor and forwardSub, which
// walk rows as slices, and choleskySolve, which substitutes within the
// factorisation, to the textbook index loops they replaced, bit for bit,
// on random symmetric systems of 1–25 unknowns, every seventh one not
// positive definite (both must refuse it at the same pivot).
func TestCholeskyFactorReference(t *testing.T) {
	refFactor := func(a []float64, k int) bool {
		for j := 0; j < k; j++ {
			d := a[j*k+j]
			for p := 0; p < j; p++ {
				d -= a[j*k+p] * a[j*k+p]
			}
			if !(d > 1e-12*math.Abs(a[j*k+j])) || !(d > 0) {
				return false
			}
			ljj := math.Sqrt(d)
			a[j*k+j] = ljj
			for i := j + 1; i < k; i++ {
				v := a[i*k+j]
				for p := 0; p < j; p++ {
					v -= a[i*k+p] * a[j*k+p]
				}
				a[i*k+j] = v / ljj
			}
		}
		return true
	}
	refForward := func(a []float64, k int, b []float64) {
		for i := 0; i < k; i++ {
			v := b[i]
			for p := 0; p < i; p++ {
				v -= a[i*k+p] * b[p]
			}
			b[i] = v / a[i*k+i]
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	refused := 0
	for trial := range 5000 {
		k := 1 + trial%25
		a := make([]float64, k*k)
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		for i := range k {
			for j := range i {
				a[j*k+i] = a[i*k+j]
			}
			a[i*k+i] += float64(k) * (0.5 + rng.Float64())
		}
		if trial%7 == 0 {
			a[k*k-1] = -1
		}
		b := make([]float64, k)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		a1, a2, b1, b2 := slices.Clone(a), slices.Clone(a), slices.Clone(b), slices.Clone(b)
		ok1, ok2 := refFactor(a1, k), choleskyFactor(a2, k)
		require.Equal(t, ok1, ok2, "trial %d", trial)
		require.True(t, slices.Equal(a1, a2), "trial %d: factors differ", trial)
		if !ok1 {
			refused++
			continue
		}
		refForward(a1, k, b1)
		forwardSub(a2, k, b2)
		require.True(t, slices.Equal(b1, b2), "trial %d: solutions differ", trial)
		// choleskySolve: the factor and two right-hand sides as rows
		// below it, the same numbers.
		c := make([]float64, k)
		for i := range c {
			c[i] = rng.NormFloat64()
		}
		a3 := append(append(slices.Clone(a), b...), c...)
		require.True(t, choleskySolve(a3, k, 2), "trial %d", trial)
		require.True(t, slices.Equal(a1, a3[:k*k]), "trial %d: choleskySolve's factor differs", trial)
		require.True(t, slices.Equal(b1, a3[k*k:k*k+k]), "trial %d: choleskySolve's first solution differs", trial)
		refForward(a1, k, c)
		require.True(t, slices.Equal(c, a3[k*k+k:]), "trial %d: choleskySolve's second solution differs", trial)
	}
	require.Greater(t, refused, 500)
}
