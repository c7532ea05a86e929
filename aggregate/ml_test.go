package aggregate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuasiNewtonNullStep: near its minimum a likelihood computed in
// floating point can disagree with its exact gradient by more than ftol
// asks: the gradient still promises a decrease that f does not show. The
// search must stop there — not shrink its step until the trial point
// equals x (whose f then passes the sufficient-decrease test) and repeat
// that null step to the iteration cap, as one of examples/russia's fits
// did when the pivots' rounding changed by 2e-10. Here f = |x − x*|² and
// the gradient is off by a constant 1e-3; x* is away from 0, as a fit's
// log σ and log τ are, so that the shrinking step soon falls below x's
// resolution. Four of the seven starts reach the null step (before the
// fix they took 2,789–4,779 evaluations and returned ok = false).
func TestQuasiNewtonNullStep(t *testing.T) {
	xStar := []float64{-0.79, 1.09}
	fg := func(x, g []float64) float64 {
		f := 0.0
		for a, v := range x {
			d := v - xStar[a]
			f += d * d
			g[a] = 2*d + 1e-3
		}
		return f
	}
	for _, x0 := range [][]float64{{0.3, -0.2}, {-0.5, 1}, {-2, 0.5}, {-0.8, 1.1}, {-0.7, 1.2}, {-0.79, 1.2}, {-1, 1}} {
		lo := []float64{math.Inf(-1), math.Inf(-1)}
		hi := []float64{math.Inf(1), math.Inf(1)}
		x, _, evals, ok, err := quasiNewton(context.Background(), fg, x0, lo, hi, 1e-9, 200)
		require.NoError(t, err)
		assert.True(t, ok, "from %v", x0)
		assert.Less(t, evals, 200, "from %v: %d evaluations", x0, evals)
		assert.Less(t, math.Hypot(x[0]-xStar[0], x[1]-xStar[1]), 1e-3, "from %v: stopped at %v", x0, x)
	}
}

// TestTauMoments: τ̂² is the mean over pairs of consecutive polls of one
// house at most tauPairDays apart of (d² − s²_i − s²_j − σ²Δt)/2, by
// hand; a group with fewer than five pairs, or a mean below 0, gives 0,
// and neither an anchor nor a house without τ counts.
func TestTauMoments(t *testing.T) {
	o := &observations{
		houses: []string{"a", "b"},
		day:    []int{0, 0, 1, 2, 2, 3, 4, 20, 21},
		house:  []int{0, 1, 0, 1, -1, 0, 1, 0, 0},
		y:      []float64{50, 40, 52, 43, 60, 49, 41, 70, 72},
		s2:     []float64{1, 2, 1, 2, 1, 1, 2, 1, 1},
	}
	// σ² = 0.25. House a: (50, 52) 4 − 2 − 0.25 = 1.75; (52, 49), two
	// days, 9 − 2 − 0.5 = 6.5; (49, 70) 17 days apart: not a pair; (70,
	// 72) 1.75. House b: (40, 43) 9 − 4 − 0.5 = 4.5; (43, 41) 4 − 4 −
	// 0.5 = −0.5. Five pairs, sum 14: τ̂² = 14/10.
	for _, c := range []struct {
		name  string
		tauOf []int
		nTau  int
		want  []float64
	}{
		{"global τ: five pairs", []int{0, 0}, 1, []float64{math.Sqrt(1.4)}},
		{"per house: three and two pairs", []int{0, 1}, 2, []float64{0, 0}},
		{"house b without τ", []int{0, -1}, 1, []float64{0}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := tauMoments(o, c.tauOf, c.nTau, 0.5)
			require.Len(t, got, len(c.want))
			for g := range got {
				assert.InDelta(t, c.want[g], got[g], 1e-12)
			}
		})
	}
	// Sampling variances larger than the differences: the mean is below 0.
	big := *o
	big.s2 = []float64{9, 9, 9, 9, 9, 9, 9, 9, 9}
	assert.Equal(t, []float64{0}, tauMoments(&big, []int{0, 0}, 1, 0.5))
}

// TestSearchReachesMaximum: the quasi-Newton search from the better of
// its two starts (τ = 0 and the moments' τ, momentStart) ends where
// Nelder–Mead, restarted from the search's end and from the τ = 0 start
// alone (the start before momentStart), finds no higher likelihood, on
// seeded sets where the two starts differ most: a flat trend under large
// τ (σ̂ near 0, the peers' undecided share), τ larger than the house
// effects, a fast trend with small τ, and per-house τ.
func TestSearchReachesMaximum(t *testing.T) {
	specs := []struct {
		name string
		sp   simSpec
	}{
		{"flat trend, τ = 2", simSpec{days: 300, polls: 450, houses: 6, sigma: 0.005, houseSD: 2, rare: -1, start: 50, tau: []float64{2, 2, 2, 2, 2, 2}}},
		{"τ = 5", simSpec{days: 200, polls: 300, houses: 5, sigma: 0.2, houseSD: 2, rare: -1, start: 40, tau: []float64{5, 5, 5, 5, 5}}},
		{"fast trend, τ = 0.5", simSpec{days: 300, polls: 450, houses: 6, sigma: 1.5, houseSD: 2, rare: -1, start: 50, tau: []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5}}},
		{"τ on two houses", simSpec{days: 300, polls: 450, houses: 6, sigma: 0.25, houseSD: 2, rare: 5, start: 50, gaps: [][2]int{{120, 190}}, tau: []float64{3, 0, 2, 0, 0, 0}}},
	}
	ctx := context.Background()
	for _, c := range specs {
		for _, m := range []StateSpace{{Identify: SumToZero()}, {Identify: SumToZero(), Tau: TauPerHouse()}} {
			for seed := range uint64(3) {
				pm, err := m.prepare(readSet(t, simulate(100+seed, c.sp).polls, m.rules()), Approve)
				require.NoError(t, err)
				cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
				fit, err := maximise(ctx, cr, 0, nil)
				require.NoError(t, err)
				tau := make([]float64, pm.nTau)
				negLL := func(x []float64) float64 {
					for g := range tau {
						tau[g] = math.Abs(x[1+g])
					}
					return -cr.eval(math.Exp(min(max(x[0], logSigmaRange[0]), logSigmaRange[1])), tau)
				}
				// The τ = 0 start: σ's grid at τ = 0.
				clear(tau)
				ls0, _, _, err := gridBrent(ctx, func(ls float64) float64 { return -cr.eval(math.Exp(ls), tau) }, logSigmaRange[0], logSigmaRange[1], 0.05, 8)
				require.NoError(t, err)
				fromZero := make([]float64, 1+pm.nTau)
				fromZero[0] = ls0
				fromFit := append([]float64{math.Log(fit.sigma)}, fit.tau...)
				for _, x0 := range [][]float64{fromZero, fromFit} {
					_, f, _, err := nelderMead(ctx, negLL, x0, 0.5, 1e-10, 4000)
					require.NoError(t, err)
					assert.GreaterOrEqual(t, fit.ll, -f-1e-5, "%s, τ %v, seed %d: the search's log-likelihood %.8f, Nelder–Mead's from %.3f: %.8f", c.name, m.Tau, seed, fit.ll, x0, -f)
				}
			}
		}
	}
}

// TestSearchStartShortensPath: on the peers' data the τ search of each
// default share takes few gradient evaluations — 3, 10 and 22 from τ = 0
// before momentStart and a first BFGS matrix from the Hessian, 5, 6 and
// 10 after (two of each for that Hessian): the undecided share's τ̂² is
// seven times its sampling variance and σ̂ = 0.0008 — and ends at the
// same estimates.
func TestSearchStartShortensPath(t *testing.T) {
	m := StateSpace{}
	set := readSet(t, syntheticPolls(t), m.rules())
	for _, c := range []struct {
		share           Share
		maxGrad         int
		sigma, tau, tol float64 // σ̂, τ̂ on the model's scale (logit for undecided)
	}{
		{Approve, 5, 0.321487, 0, 1e-5},
		{Disapprove, 8, 0.321367, 1.711194, 1e-5},
		{Undecided, 12, 0.000768, 0.368009, 1e-5},
	} {
		pm, err := m.prepare(set, c.share)
		require.NoError(t, err)
		cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
		fit, err := maximise(context.Background(), cr, 0, nil)
		require.NoError(t, err)
		t.Logf("%v: %d evaluations, %d with the gradient; σ̂ %.6f, τ̂ %.6f", c.share, fit.evals, fit.gradEvals, fit.sigma, fit.tau[0])
		assert.LessOrEqual(t, fit.gradEvals, c.maxGrad, "%v", c.share)
		assert.InDelta(t, c.sigma, fit.sigma, c.tol, "%v σ̂", c.share)
		assert.InDelta(t, c.tau, fit.tau[0], c.tol, "%v τ̂", c.share)
	}
}

// TestMomentStart: the second start replaces the τ = 0 start only when its
// likelihood is higher. On the peers' undecided share it is taken against
// the τ = 0 start's own value, and is better; against a value no start can
// beat it is not; on the approve share, whose house pairs show no τ, it
// is not even evaluated.
func TestMomentStart(t *testing.T) {
	m := StateSpace{}
	set := readSet(t, syntheticPolls(t), m.rules())
	ctx := context.Background()
	for _, c := range []struct {
		share Share
		taken bool
	}{{Undecided, true}, {Approve, false}} {
		pm, err := m.prepare(set, c.share)
		require.NoError(t, err)
		cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
		// The τ = 0 start as maximise makes it: c the mean sampling
		// variance, σ from its profile.
		mean := 0.0
		for _, v := range pm.o.s2 {
			mean += v
		}
		cs := []float64{mean / float64(len(pm.o.s2))}
		tau0 := []float64{0}
		ls0, fx0, _, err := gridBrent(ctx, func(ls float64) float64 { return -cr.eval(math.Exp(ls), tau0) }, logSigmaRange[0], logSigmaRange[1], 0.05, 8)
		require.NoError(t, err)
		start := []float64{ls0, math.Log(cs[0])}

		x := slices.Clone(start)
		_, err = momentStart(ctx, cr, x, math.Inf(-1), 0, cs, 1)
		require.NoError(t, err)
		assert.Equal(t, start, x, "%v: a start no other beats is kept", c.share)

		x = slices.Clone(start)
		evals, err := momentStart(ctx, cr, x, fx0, 0, cs, 1)
		require.NoError(t, err)
		if !c.taken {
			assert.Equal(t, start, x, "%v", c.share)
			assert.Zero(t, evals, "%v: τ from the moments is 0, nothing to evaluate", c.share)
			continue
		}
		require.NotEqual(t, start, x, "%v: the second start is taken", c.share)
		tau := []float64{math.Sqrt(math.Exp(x[1]) - cs[0])}
		assert.Less(t, -cr.eval(math.Exp(x[0]), tau), fx0, "%v: and its likelihood is higher", c.share)
		t.Logf("%v: τ = 0 start log σ %.2f, −ℓ %.1f; second start log σ %.2f, τ %.3f, −ℓ %.1f", c.share, ls0, fx0, x[0], tau[0], -cr.eval(math.Exp(x[0]), tau))
	}
}

// TestHessianInverseCurved: away from a quadratic the differences carry
// an O(h²) error; on f(x) = exp(cᵀx) + Σ x⁴/12 + ½xᵀAx, whose Hessian is
// known, the covariance is within 1e-5 of its inverse in one to four
// coordinates. The cross terms' diagonal difference must hold the mixed
// derivatives as well as the four-point one did: dropping its 2f(x), or
// swapping a sign, fails it.
func TestHessianInverseCurved(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for dim := 1; dim <= 4; dim++ {
		a := make([]float64, dim*dim)
		for i := range dim {
			for j := range dim {
				a[i*dim+j] = 0.3 * rng.NormFloat64()
			}
		}
		for i := range dim { // symmetric, diagonally dominant
			for j := range i {
				a[i*dim+j] = a[j*dim+i]
			}
			a[i*dim+i] = 2 + math.Abs(a[i*dim+i])
		}
		c, x := make([]float64, dim), make([]float64, dim)
		for i := range dim {
			c[i], x[i] = 0.8*rng.NormFloat64(), rng.NormFloat64()
		}
		f := func(p []float64) float64 {
			cx, v := 0.0, 0.0
			for i := range dim {
				cx += c[i] * p[i]
				v += p[i] * p[i] * p[i] * p[i] / 12
				for j := range dim {
					v += 0.5 * p[i] * a[i*dim+j] * p[j]
				}
			}
			return math.Exp(cx) + v
		}
		cx := 0.0
		for i := range dim {
			cx += c[i] * x[i]
		}
		hs := make([]float64, dim*dim)
		for i := range dim {
			for j := range dim {
				hs[i*dim+j] = math.Exp(cx)*c[i]*c[j] + a[i*dim+j]
			}
			hs[i*dim+i] += x[i] * x[i]
		}
		want, ok := spdInverse(hs, dim)
		require.True(t, ok)
		got, ok := hessianInverse(f, x)
		require.True(t, ok, "dim %d", dim)
		for i := range want {
			assert.InDelta(t, want[i], got[i], 1e-5*(1+math.Abs(want[i])), "dim %d, element %d", dim, i)
		}
	}
}

// TestHessianInverse: on a quadratic the central differences are exact,
// so the result is A⁻¹ up to rounding, for one to four coordinates; each
// of the 1 + dim + dim² points is evaluated once, the points sharing x[1:]
// one after another (with a global τ, x[1:] is τ: three groups, three
// refreshes of the τ sums, where the points in their natural order
// changed x[1:] five times), and x itself last.
func TestHessianInverse(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for dim := 1; dim <= 4; dim++ {
		// A = BᵀB + I, SPD.
		b := make([]float64, dim*dim)
		for i := range b {
			b[i] = rng.NormFloat64()
		}
		a := make([]float64, dim*dim)
		for i := range dim {
			for j := range dim {
				for k := range dim {
					a[i*dim+j] += b[k*dim+i] * b[k*dim+j]
				}
			}
			a[i*dim+i]++
		}
		x := make([]float64, dim)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		var seen [][]float64
		f := func(p []float64) float64 {
			seen = append(seen, slices.Clone(p))
			v := 0.0
			for i := range dim {
				for j := range dim {
					v += 0.5 * p[i] * a[i*dim+j] * p[j]
				}
				v += p[i]
			}
			return v
		}
		cov, ok := hessianInverse(f, x)
		require.True(t, ok, "dim %d", dim)
		inv, ok := spdInverse(slices.Clone(a), dim)
		require.True(t, ok)
		for i := range inv {
			assert.InDelta(t, inv[i], cov[i], 1e-6*(1+math.Abs(inv[i])), "dim %d, element %d", dim, i)
		}
		require.Len(t, seen, 1+dim+dim*dim, "dim %d: evaluations", dim)
		distinct := map[string]bool{}
		for _, p := range seen {
			distinct[fmt.Sprint(p)] = true
		}
		assert.Len(t, distinct, len(seen), "dim %d: a point evaluated twice", dim)
		assert.Equal(t, x, seen[len(seen)-1], "dim %d: x last", dim)
		groups, changes := map[string]bool{}, 0
		for k, p := range seen {
			key := fmt.Sprint(p[1:])
			groups[key] = true
			if k > 0 && key != fmt.Sprint(seen[k-1][1:]) {
				changes++
			}
		}
		assert.Equal(t, len(groups)-1, changes, "dim %d: points sharing x[1:] one after another", dim)
		if dim == 2 {
			assert.Len(t, groups, 3, "a global τ: three values of τ")
		}
	}
}
