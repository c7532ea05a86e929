package sensitive

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

var forced = RandomizedResponse{Design: ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6}

// simulateRR draws n respondents with covariates x = (1, N(0, 1),
// Bernoulli(½)), a hidden trait with P(Z = 1 | x) = expit(xᵀβ), and their
// randomized answers.
func simulateRR(rng *rand.Rand, r RandomizedResponse, beta []float64, n int) ([]float64, *mat.Dense) {
	x := mat.NewDense(n, 3, nil)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		x1 := rng.NormFloat64()
		x2 := 0.0
		if rng.Float64() < 0.5 {
			x2 = 1
		}
		x.SetRow(i, []float64{1, x1, x2})
		pi := expit(beta[0] + beta[1]*x1 + beta[2]*x2)
		y[i] = respond(rng, r, rng.Float64() < pi)
	}
	return y, x
}

func TestRRRegInterceptOnlyEqualsMoment(t *testing.T) {
	// Without covariates the MLE of π is the moment estimate when that lies
	// in (0, 1), and expit(β̂₀) reproduces it.
	rng := rand.New(rand.NewPCG(3, 3))
	for _, r := range []RandomizedResponse{forced, {Design: MirroredQuestion, P: 0.8}, {Design: UnrelatedQuestion, P: 0.6, Q: 0.5}, {Design: Crosswise, Q: 0.25}} {
		y, _ := simulateRR(rng, r, []float64{-0.4, 0, 0}, 1500)
		fit, err := RRReg{RandomizedResponse: r}.Fit(context.Background(), y, ones(len(y)))
		require.NoError(t, err, r.Design.String())
		mom, err := r.Estimate(y)
		require.NoError(t, err)
		assert.InDelta(t, mom.Value, expit(fit.Coef[0]), 1e-9, r.Design.String())
		prev, err := fit.Prevalence(nil)
		require.NoError(t, err)
		assert.InDelta(t, mom.Value, prev.Value, 1e-9)
		// With one parameter the BHHH variance of π̂ is Σsᵢ² over the
		// score of π, which equals the moment variance λ̂(1 − λ̂)/(n c²) at
		// the MLE (scores are 1/λ̂ and −1/(1 − λ̂) times c).
		assert.InDelta(t, mom.SE, prev.SE, 1e-9, r.Design.String())
	}
}

func TestRRRegStartIndependent(t *testing.T) {
	// EM from different starts and plain Newton all reach the same MLE.
	rng := rand.New(rand.NewPCG(4, 4))
	y, x := simulateRR(rng, forced, []float64{-0.5, 0.6, -0.8}, 2000)
	ctx := context.Background()
	a, err := RRReg{RandomizedResponse: forced}.Fit(ctx, y, x)
	require.NoError(t, err)
	b, err := RRReg{RandomizedResponse: forced, Start: []float64{1, -1, 1}}.Fit(ctx, y, x)
	require.NoError(t, err)
	c, err := RRReg{RandomizedResponse: forced, MaxIter: 1}.Fit(ctx, y, x)
	require.NoError(t, err)
	for j := range a.Coef {
		assert.InDelta(t, a.Coef[j], b.Coef[j], 1e-8)
		assert.InDelta(t, a.Coef[j], c.Coef[j], 1e-8)
		assert.InDelta(t, a.SE[j], b.SE[j], 1e-8)
	}
	assert.InDelta(t, a.LogLik, b.LogLik, 1e-9)
	// The score is zero at the MLE.
	m := rrModel{c: 2.0 / 3, d: 1.0 / 6, x: a.x, y: y, p: 3}
	for j := 0; j < 3; j++ {
		var g float64
		for i := range y {
			s, _ := m.scoreEta(i, a.Coef)
			g += s * a.x[i*3+j]
		}
		assert.InDelta(t, 0, g, 1e-7)
	}
	// Moving away from the MLE lowers ℓ.
	for j := 0; j < 3; j++ {
		bb := append([]float64(nil), a.Coef...)
		bb[j] += 1e-3
		assert.Less(t, m.logLik(bb), a.LogLik)
	}
}

func TestRRRegCoverage(t *testing.T) {
	// Seeded simulation with known β: each coefficient's 95% interval from
	// the BHHH standard error covers the truth 93–97% of the time (the
	// fast default uses fewer replicates and checks 90–99%, about ±3
	// binomial standard errors).
	rng := rand.New(rand.NewPCG(11, 12))
	beta := []float64{-0.5, 0.6, -0.8}
	reps := simcheck.Replicates(200, 2000)
	covered := make([]int, len(beta))
	var prevCovered int
	for rep := 0; rep < reps; rep++ {
		y, x := simulateRR(rng, forced, beta, 800)
		// Starting at the truth only saves EM iterations: the MLE does not
		// depend on the start (TestRRRegStartIndependent).
		fit, err := RRReg{RandomizedResponse: forced, Start: beta}.Fit(context.Background(), y, x)
		require.NoError(t, err)
		for j := range beta {
			if lo, hi := (adjust.Estimate{Value: fit.Coef[j], SE: fit.SE[j]}).CI(0.95); lo <= beta[j] && beta[j] <= hi {
				covered[j]++
			}
		}
		// The average prevalence in this sample, from the true model.
		var truth float64
		n, _ := x.Dims()
		for i := 0; i < n; i++ {
			truth += expit(beta[0] + beta[1]*x.At(i, 1) + beta[2]*x.At(i, 2))
		}
		truth /= float64(n)
		prev, err := fit.Prevalence(nil)
		require.NoError(t, err)
		if lo, hi := prev.CI(0.95); lo <= truth && truth <= hi {
			prevCovered++
		}
	}
	for j := range beta {
		checkCoverage(t, "rrreg β"+string(rune('0'+j)), covered[j], reps)
	}
	checkCoverage(t, "rrreg prevalence", prevCovered, reps)
}

// checkCoverage is assertCoverage under -calib.full and a ±3-SE band
// (0.90–0.99) around 0.95 for the few replicates of the fast default.
func checkCoverage(t *testing.T, name string, covered, reps int) {
	t.Helper()
	if simcheck.Replicates(0, 1) == 1 {
		simcheck.AssertCoverage(t, name, covered, reps)
		return
	}
	rate := float64(covered) / float64(reps)
	t.Logf("%s: 95%% interval coverage %.4f over %d replicates (fast)", name, rate, reps)
	assert.True(t, rate >= 0.90 && rate <= 0.99, "%s: coverage %.4f over %d replicates", name, rate, reps)
}

func TestRRRegDropsIncompleteRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	y, x := simulateRR(rng, forced, []float64{-0.5, 0.6, -0.8}, 600)
	full, err := RRReg{RandomizedResponse: forced}.Fit(context.Background(), y[:500], x.Slice(0, 500, 0, 3))
	require.NoError(t, err)
	// Make rows 500.. incomplete in different ways.
	for i := 500; i < 600; i++ {
		if i%2 == 0 {
			y[i] = math.NaN()
		} else {
			x.Set(i, 1+i%2, math.NaN())
		}
	}
	part, err := RRReg{RandomizedResponse: forced}.Fit(context.Background(), y, x)
	require.NoError(t, err)
	assert.Equal(t, 500, part.N)
	assert.Equal(t, 100, part.Dropped)
	assert.InDeltaSlice(t, full.Coef, part.Coef, 1e-10)
	assert.Contains(t, part.String(), "100 incomplete rows dropped")
}

func TestRRRegErrors(t *testing.T) {
	ctx := context.Background()
	x := ones(4)
	y := []float64{0, 1, 1, 0}
	_, err := RRReg{}.Fit(ctx, y, x)
	assert.ErrorIs(t, err, ErrValue)
	_, err = RRReg{RandomizedResponse: RandomizedResponse{Design: MirroredQuestion, P: 0.5}}.Fit(ctx, y, x)
	assert.ErrorIs(t, err, ErrProbability)
	_, err = RRReg{RandomizedResponse: forced}.Fit(ctx, y[:3], x)
	assert.ErrorIs(t, err, ErrLength)
	_, err = RRReg{RandomizedResponse: forced, Start: []float64{0, 0}}.Fit(ctx, y, x)
	assert.ErrorIs(t, err, ErrLength)
	_, err = RRReg{RandomizedResponse: forced, Names: []string{"a", "b"}}.Fit(ctx, y, x)
	assert.ErrorIs(t, err, ErrLength)
	_, err = RRReg{RandomizedResponse: forced}.Fit(ctx, []float64{0, 2, 1, 0}, x)
	assert.ErrorIs(t, err, ErrValue)
	_, err = RRReg{RandomizedResponse: forced}.Fit(ctx, []float64{math.NaN(), math.NaN()}, ones(2))
	assert.ErrorIs(t, err, ErrEmpty)
	inf := mat.NewDense(2, 1, []float64{1, math.Inf(1)})
	_, err = RRReg{RandomizedResponse: forced}.Fit(ctx, []float64{0, 1}, inf)
	assert.ErrorIs(t, err, ErrValue)
	// Collinear columns.
	col := mat.NewDense(4, 2, []float64{1, 1, 1, 1, 1, 1, 1, 1})
	_, err = RRReg{RandomizedResponse: forced}.Fit(ctx, y, col)
	assert.True(t, errors.Is(err, ErrSingular), "%v", err)
	// Cancelled context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = RRReg{RandomizedResponse: forced}.Fit(cctx, y, x)
	assert.ErrorIs(t, err, context.Canceled)

	rng := rand.New(rand.NewPCG(6, 6))
	yy, xx := simulateRR(rng, forced, []float64{0, 0.5, 0}, 300)
	fit, err := RRReg{RandomizedResponse: forced}.Fit(ctx, yy, xx)
	require.NoError(t, err)
	_, err = fit.Prevalence(ones(3))
	assert.ErrorIs(t, err, ErrLength)
	_, err = fit.Prevalence(mat.NewDense(1, 3, []float64{1, math.NaN(), 0}))
	assert.ErrorIs(t, err, ErrEmpty)
}

func BenchmarkRRRegFit(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	y, x := simulateRR(rng, forced, []float64{-0.5, 0.6, -0.8}, 2500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (RRReg{RandomizedResponse: forced}).Fit(context.Background(), y, x); err != nil {
			b.Fatal(err)
		}
	}
}
