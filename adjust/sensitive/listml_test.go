package sensitive

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

func TestMLInterceptOnlyReference(t *testing.T) {
	// Intercept-only constrained ML. Reference values: the same
	// observed-data likelihood maximized in R 4.2.2 with optim(BFGS,
	// reltol 1e-16) on the list package's data sets, SEs from optimHess,
	// prevalence SE by the delta method (bar 5e-4, as for EM fits).
	tests := []struct {
		dataset             string
		J                   int
		delta, psi          float64
		deltaSE, psiSE      float64
		loglik, prev, prevS float64
	}{
		{"race", 3, -1.704646905, 0.8312429949, 0.2010159265, 0.0401717546, -1500.972604, 0.1538593266, 0.02616958689},
		{"affirm", 3, 0.2333313929, 0.851508204, 0.1631913242, 0.04587745031, -1500.360219, 0.5580696273, 0.04024753658},
		{"mis", 4, -0.187182915, 0.2549732655, 0.4314819862, 0.06854514964, -614.4079087, 0.4533404278, 0.1069311104},
	}
	for _, tc := range tests {
		le := countsExperiment(t, tc.dataset, tc.J)
		r, err := ListML{}.Fit(context.Background(), le)
		require.NoError(t, err, tc.dataset)
		assert.InDelta(t, tc.delta, r.Delta[0], 5e-4, tc.dataset)
		assert.InDelta(t, tc.psi, r.Psi[0], 5e-4, tc.dataset)
		assert.InDelta(t, tc.deltaSE, r.DeltaSE[0], 5e-4, tc.dataset)
		assert.InDelta(t, tc.psiSE, r.PsiSE[0], 5e-4, tc.dataset)
		assert.InDelta(t, tc.loglik, r.LogLik, 5e-4, tc.dataset)
		assert.InDelta(t, tc.prev, r.Prevalence.Value, 5e-4, tc.dataset)
		assert.InDelta(t, tc.prevS, r.Prevalence.SE, 5e-4, tc.dataset)
		// Intercept-only prevalence SE is π̂(1 − π̂)·SE(δ̂₀).
		p := r.Prevalence.Value
		assert.InDelta(t, p*(1-p)*r.DeltaSE[0], r.Prevalence.SE, 1e-12)
		assert.NotEmpty(t, r.String())
	}
}

func TestMLGradientMatchesLikelihood(t *testing.T) {
	// The analytic gradient agrees with central differences of the
	// log-likelihood at an arbitrary point, with covariates.
	rng := rand.New(rand.NewPCG(51, 52))
	le, _ := simulateListCovariates(rng, 300, 3, []float64{-0.5, 1}, []float64{0.2, -0.5})
	m, err := newListModel(le, false)
	require.NoError(t, err)
	checkGradient(t, m, []float64{-0.3, 0.7, 0.1, -0.4})
}

// checkGradient compares m's analytic gradient at theta with central
// differences of its log-likelihood (step 1e-6), coordinate by coordinate.
func checkGradient(t *testing.T, m *listModel, theta []float64) {
	t.Helper()
	grad := make([]float64, len(theta))
	m.gradient(theta, grad)
	for j := range theta {
		tp := append([]float64(nil), theta...)
		tp[j] += 1e-6
		up := m.logLik(tp)
		tp[j] -= 2e-6
		dn := m.logLik(tp)
		assert.InDelta(t, (up-dn)/2e-6, grad[j], 1e-4, "coordinate %d", j)
	}
}

// simulateListCovariates draws a list experiment with one standard normal
// covariate: Z ~ Bernoulli(expit(δ₀ + δ₁x)), Y(0) ~ Binomial(J,
// expit(ψ₀ + ψ₁x)), half the respondents treated. The covariate is the
// experiment's X, also returned as the matrix it is.
func simulateListCovariates(rng *rand.Rand, n, J int, delta, psi []float64) (*ListExperiment, *mat.Dense) {
	X := mat.NewDense(n, 1, nil)
	le := &ListExperiment{J: J, Y: make([]float64, n), Treat: make([]bool, n), X: X}
	for i := 0; i < n; i++ {
		x := rng.NormFloat64()
		X.Set(i, 0, x)
		y := 0
		h := expit(psi[0] + psi[1]*x)
		for j := 0; j < J; j++ {
			if rng.Float64() < h {
				y++
			}
		}
		le.Treat[i] = i%2 == 0
		if le.Treat[i] && rng.Float64() < expit(delta[0]+delta[1]*x) {
			y++
		}
		le.Y[i] = float64(y)
	}
	return le, X
}

func TestMLCovariatesRecoverTruth(t *testing.T) {
	// Seeded simulation with known truth: the covariate model recovers δ
	// and the average prevalence, and the 95% interval of the prevalence
	// covers the sample's true average prevalence in 93–97% of 400
	// replications under -calib.full; the default fast subset runs 40
	// replications and only rejects coverage below the binomial 99%
	// range for 40 draws (0.85).
	reps := simcheck.Replicates(40, 400)
	delta, psi := []float64{-0.4, 0.8}, []float64{0.3, -0.6}
	rng := rand.New(rand.NewPCG(61, 62))
	cover := 0
	var sumD1 float64
	for r := 0; r < reps; r++ {
		le, X := simulateListCovariates(rng, 1000, 3, delta, psi)
		res, err := ListML{}.Fit(context.Background(), le)
		require.NoError(t, err)
		var truth float64
		for i := 0; i < X.RawMatrix().Rows; i++ {
			truth += expit(delta[0] + delta[1]*X.At(i, 0))
		}
		truth /= float64(X.RawMatrix().Rows)
		lo, hi := res.Prevalence.CI(0.95)
		if lo <= truth && truth <= hi {
			cover++
		}
		sumD1 += res.Delta[1]
	}
	rate := float64(cover) / float64(reps)
	t.Logf("ML prevalence coverage %.3f over %d replications; mean δ̂₁ %.3f (truth %.1f)", rate, reps, sumD1/float64(reps), delta[1])
	if simcheck.Replicates(0, 1) == 1 {
		simcheck.AssertCoverage(t, "list ML prevalence", cover, reps)
	} else {
		assert.True(t, rate >= 0.85, "coverage %.3f", rate)
	}
	assert.InDelta(t, delta[1], sumD1/float64(reps), 0.1)
}

func TestMLErrors(t *testing.T) {
	nan := mat.NewDense(9, 1, nil)
	nan.Set(2, 0, math.NaN())
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		le   *ListExperiment
		want error
	}{
		{"covariate rows", context.Background(), &ListExperiment{Y: handExperiment().Y, Treat: handExperiment().Treat, J: 3, X: mat.NewDense(3, 1, nil)}, ErrLength},
		{"NaN covariate", context.Background(), &ListExperiment{Y: handExperiment().Y, Treat: handExperiment().Treat, J: 3, X: nan}, ErrValue},
		{"canceled", canceled, countsExperiment(t, "race", 3), context.Canceled},
		{"empty", context.Background(), &ListExperiment{J: 3}, ErrEmpty},
	}
	for _, tc := range tests {
		for _, m := range []ListML{{}, {Unconstrained: true}} {
			_, err := m.Fit(tc.ctx, tc.le)
			assert.ErrorIs(t, err, tc.want, "%s, unconstrained %v", tc.name, m.Unconstrained)
		}
	}
}

func BenchmarkMLIntercept(b *testing.B) {
	le := countsExperiment(b, "race", 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (ListML{}).Fit(context.Background(), le); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMLCovariates(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 5))
	le, _ := simulateListCovariates(rng, 1200, 3, []float64{-0.4, 0.8}, []float64{0.3, -0.6})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (ListML{}).Fit(context.Background(), le); err != nil {
			b.Fatal(err)
		}
	}
}

func TestMLUnconstrainedReference(t *testing.T) {
	// Unconstrained model (ictreg(..., constrained = FALSE)), intercept
	// only. Reference values: the same likelihood maximized in R 4.2.2
	// (optim BFGS / Nelder–Mead / BFGS, reltol 1e-16; optimHess SEs). On
	// race ψ₁ is weakly identified (SE ≈ 4.9), which the fit reproduces.
	tests := []struct {
		dataset                string
		theta, se              [3]float64
		loglik, constrainedLik float64
	}{
		{"race", [3]float64{-2.678779536, 0.8252083504, 3.131542787}, [3]float64{0.7319377871, 0.04887314959, 4.948442419}, -1498.451399, -1500.972604},
		{"affirm", [3]float64{-0.160546354, 0.6152996221, 1.3603742}, [3]float64{0.2123145536, 0.06966014285, 0.1647559868}, -1488.297732, -1500.360219},
	}
	for _, tc := range tests {
		le := countsExperiment(t, tc.dataset, 3)
		c, err := ListML{}.Fit(context.Background(), le)
		require.NoError(t, err, tc.dataset)
		u, err := ListML{Unconstrained: true}.Fit(context.Background(), le)
		require.NoError(t, err, tc.dataset)
		ct, err := NewConstraintTest(c, u)
		require.NoError(t, err, tc.dataset)
		r := ct.Unconstrained
		got := [3]float64{r.Delta[0], r.Psi[0], r.Psi1[0]}
		gotSE := [3]float64{r.DeltaSE[0], r.PsiSE[0], r.Psi1SE[0]}
		for j := range got {
			assert.InDelta(t, tc.theta[j], got[j], 5e-4, "%s θ%d", tc.dataset, j)
			assert.InDelta(t, tc.se[j], gotSE[j], 5e-4, "%s SE%d", tc.dataset, j)
		}
		assert.InDelta(t, tc.loglik, r.LogLik, 5e-4)
		assert.InDelta(t, 2*(tc.loglik-tc.constrainedLik), ct.LR, 1e-3)
		assert.Equal(t, 1, ct.DF)
		assert.False(t, math.IsNaN(ct.PValue))
		assert.Contains(t, r.String(), "unconstrained")
	}
}

func TestNewConstraintTestErrors(t *testing.T) {
	c := &ListMLFit{Psi: []float64{0.3}, N: 100}
	u := &ListMLFit{Psi: []float64{0.3}, Psi1: []float64{0.4}, N: 100}
	tests := []struct {
		name string
		c, u *ListMLFit
	}{
		{"nil", nil, u},
		{"two constrained", c, c},
		{"two unconstrained", u, u},
		{"swapped", u, c},
		{"other respondents", c, &ListMLFit{Psi: []float64{0.3}, Psi1: []float64{0.4}, N: 99}},
		{"other covariates", c, &ListMLFit{Psi: []float64{0.3, 1}, Psi1: []float64{0.4, 1}, N: 100}},
	}
	for _, tc := range tests {
		_, err := NewConstraintTest(tc.c, tc.u)
		assert.ErrorIs(t, err, ErrValue, tc.name)
	}
	ct, err := NewConstraintTest(c, u)
	require.NoError(t, err)
	assert.Equal(t, 1, ct.DF)
}

func TestMLUnconstrainedGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(53, 54))
	le, _ := simulateListCovariates(rng, 300, 3, []float64{-0.5, 1}, []float64{0.2, -0.5})
	m, err := newListModel(le, true)
	require.NoError(t, err)
	checkGradient(t, m, []float64{-0.3, 0.7, 0.1, -0.4, 0.5, 0.2})
}

func TestMLBoundary(t *testing.T) {
	// Nobody holds the sensitive trait, and everybody does: the MLE of the
	// prevalence is on the boundary and ML says so instead of reporting
	// a zero standard error.
	rng := rand.New(rand.NewPCG(1, 9))
	for _, pi := range []float64{0, 1} {
		le := simulateList(rng, 1000, 3, pi, false)
		r, err := ListML{}.Fit(context.Background(), le)
		require.Error(t, err)
		assert.ErrorIs(t, err, ErrProbability, "π = %v", pi)
		require.NotNil(t, r)
		assert.InDelta(t, pi, r.Prevalence.Value, 1e-6)
		assert.True(t, math.IsNaN(r.Prevalence.SE))
	}
}
