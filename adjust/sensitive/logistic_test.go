package sensitive

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

func ones(n int) *mat.Dense {
	d := mat.NewDense(n, 1, nil)
	for i := 0; i < n; i++ {
		d.Set(i, 0, 1)
	}
	return d
}

func TestLogisticInterceptOnly(t *testing.T) {
	// The MLE of an intercept-only model is logit of the weighted mean,
	// with information Σw·p(1−p).
	y := []float64{0, 1, 0.25, 1, 0.5}
	w := []float64{2, 1, 4, 0.5, 1}
	var sw, swy float64
	for i := range y {
		sw += w[i]
		swy += w[i] * y[i]
	}
	pbar := swy / sw
	fit, err := Logistic{}.Fit(ones(len(y)), y, w)
	require.NoError(t, err)
	assert.InDelta(t, logit(pbar), fit.Coef[0], 1e-12)
	assert.InDelta(t, sw*pbar*(1-pbar), fit.Information.At(0, 0), 1e-10)
	assert.InDelta(t, swy*math.Log(pbar)+(sw-swy)*math.Log(1-pbar), fit.LogLik, 1e-10)
	assert.InDelta(t, 0, fit.Score[0], 1e-10)
	se, err := fit.SE()
	require.NoError(t, err)
	assert.InDelta(t, 1/math.Sqrt(sw*pbar*(1-pbar)), se[0], 1e-10)
}

func TestLogisticSaturatedTwoGroups(t *testing.T) {
	// A binary regressor saturates the model: fitted probabilities equal the
	// group means, so β₀ = logit(p₀), β₁ = logit(p₁) − logit(p₀), and the
	// slope's variance is 1/(n₀p₀q₀) + 1/(n₁p₁q₁).
	x := mat.NewDense(7, 2, []float64{1, 0, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1})
	y := []float64{1, 0, 0, 1, 1, 0, 1}
	fit, err := Logistic{}.Fit(x, y, nil)
	require.NoError(t, err)
	p0, p1 := 1.0/3, 3.0/4
	assert.InDelta(t, logit(p0), fit.Coef[0], 1e-10)
	assert.InDelta(t, logit(p1)-logit(p0), fit.Coef[1], 1e-10)
	se, err := fit.SE()
	require.NoError(t, err)
	assert.InDelta(t, math.Sqrt(1/(3*p0*(1-p0))+1/(4*p1*(1-p1))), se[1], 1e-9)
}

func TestLogisticFractionalEqualsExpanded(t *testing.T) {
	// A fractional outcome y = k/m with weight m is the same likelihood
	// (up to a constant) as k ones and m − k zeros.
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 40
	var xs, ys, ws []float64
	var xe, ye []float64
	for i := 0; i < n; i++ {
		xi := rng.NormFloat64()
		m := 1 + rng.IntN(5)
		k := rng.IntN(m + 1)
		xs = append(xs, 1, xi)
		ys = append(ys, float64(k)/float64(m))
		ws = append(ws, float64(m))
		for j := 0; j < m; j++ {
			xe = append(xe, 1, xi)
			if j < k {
				ye = append(ye, 1)
			} else {
				ye = append(ye, 0)
			}
		}
	}
	a, err := Logistic{}.Fit(mat.NewDense(n, 2, xs), ys, ws)
	require.NoError(t, err)
	b, err := Logistic{}.Fit(mat.NewDense(len(ye), 2, xe), ye, nil)
	require.NoError(t, err)
	for j := 0; j < 2; j++ {
		assert.InDelta(t, b.Coef[j], a.Coef[j], 1e-9)
		for k := 0; k < 2; k++ {
			assert.InDelta(t, b.Information.At(j, k), a.Information.At(j, k), 1e-8)
		}
	}
}

func TestLogisticCoverage(t *testing.T) {
	// Seeded simulation with known truth: the 95% Wald interval of the
	// slope covers β₁ in 93–97% of 400 replications.
	beta := []float64{-0.5, 0.8}
	rng := rand.New(rand.NewPCG(11, 12))
	const reps, n = 400, 300
	cover := 0
	x := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	for r := 0; r < reps; r++ {
		for i := 0; i < n; i++ {
			xi := rng.NormFloat64()
			x.Set(i, 0, 1)
			x.Set(i, 1, xi)
			y[i] = 0
			if rng.Float64() < expit(beta[0]+beta[1]*xi) {
				y[i] = 1
			}
		}
		fit, err := Logistic{}.Fit(x, y, nil)
		require.NoError(t, err)
		se, err := fit.SE()
		require.NoError(t, err)
		if math.Abs(fit.Coef[1]-beta[1]) < 1.959964*se[1] {
			cover++
		}
	}
	rate := float64(cover) / reps
	t.Logf("logistic slope: 95%% interval coverage %.4f over %d replications", rate, reps)
	assert.True(t, rate >= 0.93 && rate <= 0.97, "coverage %.3f", rate)
}

func TestLogisticErrors(t *testing.T) {
	tests := []struct {
		name string
		x    mat.Matrix
		y, w []float64
		s    Logistic
		want error
	}{
		{"length", ones(3), []float64{0, 1}, nil, Logistic{}, ErrLength},
		{"weight length", ones(2), []float64{0, 1}, []float64{1}, Logistic{}, ErrLength},
		{"start length", ones(2), []float64{0, 1}, nil, Logistic{Start: []float64{0, 0}}, ErrLength},
		{"y range", ones(2), []float64{0, 1.5}, nil, Logistic{}, ErrValue},
		{"y NaN", ones(2), []float64{0, math.NaN()}, nil, Logistic{}, ErrValue},
		{"negative weight", ones(2), []float64{0, 1}, []float64{1, -1}, Logistic{}, ErrValue},
		{"x NaN", mat.NewDense(2, 1, []float64{1, math.NaN()}), []float64{0, 1}, nil, Logistic{}, ErrValue},
		{"collinear", mat.NewDense(3, 2, []float64{1, 2, 1, 2, 1, 2}), []float64{0, 1, 1}, nil, Logistic{}, ErrSingular},
		{"separation", mat.NewDense(4, 2, []float64{1, -1, 1, -2, 1, 1, 1, 2}), []float64{0, 0, 1, 1}, nil, Logistic{}, ErrNotConverged},
		{"all zeros", ones(3), []float64{0, 0, 0}, nil, Logistic{}, ErrNotConverged},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.s.Fit(tc.x, tc.y, tc.w)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tc.want), "got %v", err)
		})
	}
	_, err := Logistic{}.Fit(mat.NewDense(1, 1, nil), nil, nil)
	assert.ErrorIs(t, err, ErrLength)

	// A LogisticFit not made by Logistic.Fit: errors, not panics.
	_, err = (&LogisticFit{}).SE()
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = (&LogisticFit{Coef: []float64{1, 2}, Information: mat.NewSymDense(1, []float64{4})}).SE()
	assert.ErrorIs(t, err, ErrLength)
}

func BenchmarkLogistic(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, p = 1200, 5
	x := mat.NewDense(n, p, nil)
	y := make([]float64, n)
	for i := 0; i < n; i++ {
		x.Set(i, 0, 1)
		for j := 1; j < p; j++ {
			x.Set(i, j, rng.NormFloat64())
		}
		y[i] = rng.Float64()
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Logistic{}).Fit(x, y, nil); err != nil {
			b.Fatal(err)
		}
	}
}
