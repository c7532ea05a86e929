package sensitive

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

func TestDesignTestAffirmPrinted(t *testing.T) {
	// Printed by the list package (9.2.6) for its documented example
	// ict.test(affirm$y, affirm$treat, J = 3, gms = TRUE) (pkgdown
	// reference page of ict.test): the first rows of the table.
	le := countsExperiment(t, "affirm", 3)
	d, err := DesignTest{}.Fit(le)
	require.NoError(t, err)
	printed := [][2]float64{{-0.0019, 0.0070}, {0.0882, 0.0229}, {0.1696, 0.0287}, {0.2388, 0.0177}}
	for i, p := range printed {
		got := d.Proportions[i]
		assert.Equal(t, i, got.Y)
		assert.Equal(t, 1, got.Z)
		assert.InDelta(t, p[0], got.Estimate.Value, 5e-5, "row %d", i)
		assert.InDelta(t, p[1], got.Estimate.SE, 5e-5, "row %d", i)
	}
}

func TestDesignTestReference(t *testing.T) {
	// Reference values recomputed in R 4.2.2 on the list package's data
	// with ict.test's algorithm (R's t.test for the one-moment branch,
	// quadprog::solve.QP with MASS::ginv for λ, pchisq), since R's own
	// output for the full table is not reproduced in the package docs.
	tests := []struct {
		dataset     string
		J           int
		selection   MomentSelection
		tab1, tab0  [][2]float64
		p1, p0, bon float64
		m1, m0      int
	}{
		{"race", 3, GMS,
			[][2]float64{{-0.016866374995, 0.008370008492}, {0.01012689913, 0.02427604722}, {0.02004973662, 0.02807961229}, {0.054487179487, 0.009086331553}},
			[][2]float64{{0.03044871795, 0.00687824440}, {0.21398175961, 0.01744830655}, {0.35686028035, 0.02634281788}, {0.33091180184, 0.02201617261}},
			0.02215554293, math.NaN(), 0.04431108587, 1, 0},
		{"affirm", 3, GMS,
			[][2]float64{{-0.001881574572, 0.006993298230}, {0.08820646562, 0.02293646873}, {0.16958383655, 0.02874907568}, {0.23883161512, 0.01767359043}},
			[][2]float64{{0.015463917526, 0.005114628434}, {0.13590219313, 0.01553056762}, {0.20732618043, 0.02705529117}, {0.14656736620, 0.02673024942}},
			0.3940564184, math.NaN(), 0.7881128368, 1, 0},
		{"mis", 4, GMS,
			[][2]float64{{-0.005168328158, 0.007936989623}, {0.10091518222, 0.03551903987}, {0.16828730185, 0.04688374471}, {0.1632619709, 0.0334929511}, {0.04265402844, 0.01391147746}},
			[][2]float64{{0.009478672986, 0.006670593224}, {0.11891240399, 0.02303327389}, {0.20240235333, 0.04369014281}, {0.17294492564, 0.04340322656}, {0.02631148881, 0.02168624726}},
			0.2581590283, math.NaN(), 0.5163180567, 1, 0},
		// Without moment selection all three moments stay: the closed-form
		// three-moment chi-bar-square branch (λ = 4.06061399 for race).
		{"race", 3, ZerosOnly, nil, nil, 0.07692945874, 1, 0.1538589175, 3, 3},
		{"affirm", 3, ZerosOnly, nil, nil, 0.70573952055, 1, 1, 3, 3},
	}
	for _, tc := range tests {
		le := countsExperiment(t, tc.dataset, tc.J)
		d, err := DesignTest{Selection: tc.selection}.Fit(le)
		require.NoError(t, err, tc.dataset)
		require.Len(t, d.Proportions, 2*(tc.J+1))
		for i, want := range append(tc.tab1, tc.tab0...) {
			got := d.Proportions[i].Estimate
			assert.InDelta(t, want[0], got.Value, 1e-10, "%s row %d", tc.dataset, i)
			assert.InDelta(t, want[1], got.SE, 1e-10, "%s row %d", tc.dataset, i)
		}
		assert.Equal(t, tc.m1, d.Moments1, tc.dataset)
		assert.Equal(t, tc.m0, d.Moments0, tc.dataset)
		assert.InDelta(t, tc.p1, d.P1, 1e-8, tc.dataset)
		if math.IsNaN(tc.p0) {
			assert.True(t, math.IsNaN(d.P0))
		} else {
			assert.InDelta(t, tc.p0, d.P0, 1e-8, tc.dataset)
		}
		assert.InDelta(t, tc.bon, d.PValue, 1e-8, tc.dataset)
		assert.False(t, math.IsNaN(d.PValue))
	}
}

func TestOrthantBruteForce(t *testing.T) {
	// The active-set solution agrees with a dense grid search over π ≥ 0.
	rng := rand.New(rand.NewPCG(21, 22))
	for rep := 0; rep < 20; rep++ {
		a := mat.NewDense(2, 2, []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()})
		var p mat.SymDense
		p.SymOuterK(1, a)
		p.SetSym(0, 0, p.At(0, 0)+0.5)
		p.SetSym(1, 1, p.At(1, 1)+0.5)
		x := []float64{rng.NormFloat64(), rng.NormFloat64()}
		lambda, _ := newOrthant(&p).project(x)
		best := math.Inf(1)
		for i := 0; i <= 400; i++ {
			for j := 0; j <= 400; j++ {
				u, v := x[0]-float64(i)*0.01, x[1]-float64(j)*0.01
				q := u*u*p.At(0, 0) + 2*u*v*p.At(0, 1) + v*v*p.At(1, 1)
				best = math.Min(best, q)
			}
		}
		assert.True(t, lambda <= best+1e-12, "λ %v above grid minimum %v", lambda, best)
		assert.InDelta(t, best, lambda, 1e-3*(1+best))
	}
}

func TestDesignTestNullSize(t *testing.T) {
	// Seeded simulation without a design effect: the Bonferroni-corrected
	// test rejects at 5% no more often than about 5% (it is conservative),
	// and it rejects a strong design effect almost always.
	rng := rand.New(rand.NewPCG(31, 32))
	const reps, n = 200, 1000
	reject, power := 0, 0
	for r := 0; r < reps; r++ {
		for _, effect := range []bool{false, true} {
			le := simulateList(rng, n, 3, 0.3, effect)
			d, err := DesignTest{}.Fit(le)
			require.NoError(t, err)
			if d.PValue < 0.05 {
				if effect {
					power++
				} else {
					reject++
				}
			}
		}
	}
	t.Logf("design test at 5%%: rejection rate %.3f without a design effect, %.3f with one (%d replications, n = %d)", float64(reject)/reps, float64(power)/reps, reps, n)
	assert.LessOrEqual(t, float64(reject)/reps, 0.08, "size")
	assert.GreaterOrEqual(t, float64(power)/reps, 0.8, "power")
}

// simulateList draws a list experiment with J control items of
// prevalence 0.5 each (independent), a sensitive item of prevalence pi.
// With designEffect, half of the treated respondents without the
// sensitive trait drop one control item they hold (deflation by the longer
// list), which makes π(y, 1) negative.
func simulateList(rng *rand.Rand, n, J int, pi float64, designEffect bool) *ListExperiment {
	le := &ListExperiment{J: J, Y: make([]float64, n), Treat: make([]bool, n)}
	for i := 0; i < n; i++ {
		y0 := 0
		for j := 0; j < J; j++ {
			if rng.Float64() < 0.5 {
				y0++
			}
		}
		z := rng.Float64() < pi
		t := i%2 == 0
		y := y0
		if t && z {
			y++
		}
		if t && !z && designEffect && y0 > 0 && rng.Float64() < 0.5 {
			y--
		}
		le.Y[i] = float64(y)
		le.Treat[i] = t
	}
	return le
}

func TestChiBarWeightsMonteCarloMatchesClosedForm(t *testing.T) {
	// The simulated weights used for four or more moments agree with the
	// closed form where both exist (three moments).
	cov := mat.NewSymDense(3, []float64{
		1, 0.4, -0.2,
		0.4, 1, 0.3,
		-0.2, 0.3, 1,
	})
	closed := chiBarWeightsClosed(cov)
	var ch mat.Cholesky
	require.True(t, ch.Factorize(cov))
	var prec mat.SymDense
	require.NoError(t, ch.InverseTo(&prec))
	mc := chiBarWeightsMC(&ch, newOrthant(&prec), 40000, rand.New(rand.NewPCG(1, 2)))
	var sum float64
	for k := range closed {
		assert.InDelta(t, closed[k], mc[k], 0.01, "w%d", k)
		sum += closed[k]
	}
	assert.InDelta(t, 1, sum, 1e-12)
}

func TestDesignTestManyMomentsDeterministic(t *testing.T) {
	// J = 5 without moment selection keeps up to five moments and uses
	// the simulated weights: the same seed gives the same p-value.
	rng := rand.New(rand.NewPCG(41, 42))
	le := simulateList(rng, 2000, 5, 0.3, true)
	s := DesignTest{Selection: ZerosOnly, Draws: 5000, Seed: 7}
	a, err := s.Fit(le)
	require.NoError(t, err)
	b, err := s.Fit(le)
	require.NoError(t, err)
	assert.Equal(t, a.PValue, b.PValue)
	assert.GreaterOrEqual(t, a.Moments1, 4)
	assert.Less(t, a.PValue, 0.05, "strong design effect detected")
}

func TestDesignTestUnknownSelection(t *testing.T) {
	_, err := DesignTest{Selection: MomentSelection(9)}.Fit(handExperiment())
	assert.ErrorIs(t, err, ErrValue)
	assert.Equal(t, "MomentSelection(9)", MomentSelection(9).String())
	assert.Equal(t, "GMS", GMS.String())
}

func BenchmarkDesignTest(b *testing.B) {
	le := countsExperiment(b, "race", 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (DesignTest{}).Fit(le); err != nil {
			b.Fatal(err)
		}
	}
}
