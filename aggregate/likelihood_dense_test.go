package aggregate

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/candorpoll/candor/poll"
)

// denseFit is the textbook GLS/BLUP computation of the model on a small
// problem, with the N×N covariance of the polls written out:
// Cov(y_i, y_j) = σ²·min(t_i, t_j) + [i = j]·R_i (w₀ = 0), the constants
// by GLS and the level by BLUP with the GLS-estimated constants
// (Goldberger 1962; Harville 1976). An independent check of core's
// Woodbury/sparse computation.
type denseFit struct {
	ll        float64
	gamma     []float64
	cov       *mat.SymDense
	mean, sd  []float64
	houseBeta []float64
}

func denseGLS(t *testing.T, o *observations, c constraint, sigma float64, tau []float64, tauOf []int) denseFit {
	t.Helper()
	N, k, nFull := len(o.y), c.k(), c.nFull
	s2 := sigma * sigma
	R := func(i int) float64 {
		r := o.s2[i]
		if h := o.house[i]; h >= 0 && tauOf != nil && tauOf[h] >= 0 {
			r += tau[tauOf[h]] * tau[tauOf[h]]
		}
		return r
	}
	Sig := mat.NewSymDense(N, nil)
	for i := 0; i < N; i++ {
		for j := i; j < N; j++ {
			v := s2 * float64(min(o.day[i], o.day[j]))
			if i == j {
				v += R(i)
			}
			Sig.SetSym(i, j, v)
		}
	}
	X := mat.NewDense(N, k, nil)
	full := make([]float64, nFull)
	red := make([]float64, k)
	for i := 0; i < N; i++ {
		for a := range full {
			full[a] = 0
		}
		full[0] = 1
		if h := o.house[i]; h >= 0 {
			full[1+h] = 1
		}
		c.reduce(full, red)
		X.SetRow(i, red)
	}
	y := mat.NewVecDense(N, append([]float64(nil), o.y...))
	var ch mat.Cholesky
	require.True(t, ch.Factorize(Sig))
	var SiX mat.Dense
	require.NoError(t, ch.SolveTo(&SiX, X))
	var Siy mat.VecDense
	require.NoError(t, ch.SolveVecTo(&Siy, y))
	var S mat.Dense
	S.Mul(X.T(), &SiX)
	Ss := mat.NewSymDense(k, nil)
	for a := 0; a < k; a++ {
		for b := a; b < k; b++ {
			Ss.SetSym(a, b, S.At(a, b))
		}
	}
	var s mat.VecDense
	s.MulVec(X.T(), &Siy)
	var chS mat.Cholesky
	require.True(t, chS.Factorize(Ss))
	var g mat.VecDense
	require.NoError(t, chS.SolveVecTo(&g, &s))
	var V mat.SymDense
	require.NoError(t, chS.InverseTo(&V))
	ll := -0.5 * (float64(N-k)*math.Log(2*math.Pi) + ch.LogDet() + chS.LogDet() + mat.Dot(y, &Siy) - mat.Dot(&s, &g))

	out := denseFit{ll: ll, cov: &V}
	for j := 0; j < k; j++ {
		out.gamma = append(out.gamma, g.AtVec(j))
	}
	out.houseBeta = make([]float64, nFull)
	c.full(out.gamma, out.houseBeta)
	// Residual r = y − Xγ̂ and Σ⁻¹r.
	var Xg, r, Sir mat.VecDense
	Xg.MulVec(X, &g)
	r.SubVec(y, &Xg)
	require.NoError(t, ch.SolveVecTo(&Sir, &r))
	for i := range full {
		full[i] = 0
	}
	full[0] = 1
	x0 := make([]float64, k)
	c.reduce(full, x0)
	for d := 0; d < o.nDays; d++ {
		cv := mat.NewVecDense(N, nil)
		for i := 0; i < N; i++ {
			cv.SetVec(i, s2*float64(min(o.day[i], d)))
		}
		var Sic mat.VecDense
		require.NoError(t, ch.SolveVecTo(&Sic, cv))
		var XtSic mat.VecDense
		XtSic.MulVec(X.T(), &Sic)
		u := mat.NewVecDense(k, nil)
		for j := 0; j < k; j++ {
			u.SetVec(j, x0[j]-XtSic.AtVec(j))
		}
		var Vu mat.VecDense
		Vu.MulVec(&V, u)
		out.mean = append(out.mean, out.houseBeta[0]+mat.Dot(cv, &Sir))
		v := s2*float64(d) - mat.Dot(cv, &Sic) + mat.Dot(u, &Vu)
		out.sd = append(out.sd, math.Sqrt(v))
	}
	return out
}

func TestCoreMatchesDenseGLS(t *testing.T) {
	all := syntheticPolls(t)
	ps := all[:60] // the first 60 polls: about 25 days, five houses
	// Every 50th poll: 40 polls over 800 days, gaps of up to a few months
	// between polled days, which the core collapses (likelihood.go).
	var sparse []poll.Poll
	for i := 0; i < len(all); i += 50 {
		sparse = append(sparse, all[i])
	}
	for _, tc := range []struct {
		name  string
		polls []poll.Poll
		id    Identification
		tau   NonSampling
	}{
		{"sum-to-zero", ps, SumToZero(), TauNone()},
		{"weighted, global τ", ps, WeightedSumToZero(), TauGlobal()},
		{"reference, per-house τ", ps, ReferenceHouse("Cedar"), TauPerHouse()},
		{"anchored, global τ", ps, AnchoredOn(Anchor{Share: Approve, Date: ps[0].Start.AddDate(0, 0, 10), Value: 46, SD: 0.7}), TauGlobal()},
		{"gaps, sum-to-zero", sparse, SumToZero(), TauNone()},
		{"gaps, anchored outside the polls", sparse, AnchoredOn(Anchor{Share: Approve, Date: all[0].Start.AddDate(0, 0, -30), Value: 46, SD: 0.7}), TauGlobal()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := StateSpace{Identify: tc.id, Tau: tc.tau}
			pm, err := m.prepare(readSet(t, tc.polls, m.rules()), Approve)
			require.NoError(t, err)
			cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
			tau := make([]float64, pm.nTau)
			for g := range tau {
				tau[g] = 0.5 + 0.3*float64(g)
			}
			// Both ways of accumulating G (chooseGram picks one by cost).
			for _, dense := range []bool{cr.dense, !cr.dense} {
				cr.dense = dense
				for _, sigma := range []float64{0.05, 0.3, 2} {
					ll := cr.eval(sigma, tau)
					sm := cr.smooth()
					ref := denseGLS(t, pm.o, pm.c, sigma, tau, pm.tauOf)
					assert.InDelta(t, ref.ll, ll, 1e-8*math.Abs(ref.ll), "σ %v dense %v", sigma, dense)
					for j := range ref.gamma {
						assert.InDelta(t, ref.gamma[j], sm.gamma[j], 1e-8)
						assert.InDelta(t, ref.cov.At(j, j), sm.cov[j*len(ref.gamma)+j], 1e-8)
					}
					for d := range ref.mean {
						assert.InDelta(t, ref.mean[d], sm.mean[d], 1e-7, "σ %v dense %v day %d", sigma, dense, d)
						assert.InDelta(t, ref.sd[d], sm.sd[d], 1e-7, "σ %v dense %v day %d", sigma, dense, d)
					}
					// The mean path the sampler starts from agrees with the
					// smoother on every day.
					cr.eval(sigma, tau)
					mean := make([]float64, len(sm.mean))
					cr.smoothedMeans(mean)
					for d := range mean {
						assert.InDelta(t, sm.mean[d], mean[d], 1e-9, "σ %v dense %v day %d", sigma, dense, d)
					}
				}
			}
			m.Shares = []Share{Approve}
			_, err = m.Fit(context.Background(), tc.polls)
			require.NoError(t, err)
		})
	}
}

// TestFactorM: factorM, whose pivots go two nodes a step, gives the
// pivots, multipliers and determinant of the textbook LDLᵀ of the
// tridiagonal M taken a node at a time, for odd and even node counts and
// nodes without polls; pivots near overflow make pairs that overflow,
// which it takes a node at a time from the first (at node 2 and in
// mid-chain); it finds a matrix that is not positive definite wherever its
// first non-positive pivot lies, and factorises M at a σ so small that q²
// overflows.
func TestFactorM(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	type tc struct {
		name   string
		n      int
		s2     float64
		dsum   func(t int) float64
		wantOK bool
	}
	random := func(t int) float64 { return 10 * rng.Float64() }
	negativeAt := func(k int) func(int) float64 { // a large negative dsum at node k
		return func(t int) float64 {
			if t == k {
				return -50
			}
			return 1
		}
	}
	cases := []tc{
		{"one node", 1, 0.1, random, true},
		{"two nodes", 2, 0.1, random, true},
		{"three nodes", 3, 0.1, random, true},
		{"even", 40, 0.1, random, true},
		{"odd", 41, 1e-4, random, true},
		{"unpolled nodes", 41, 2, func(t int) float64 { return float64(t%3) * rng.Float64() }, true},
		{"pivots near overflow", 9, 1, func(t int) float64 { return 1e200 * (1 + rng.Float64()) }, true},
		{"pivots near overflow from node 6", 12, 1, func(t int) float64 {
			if t >= 6 {
				return 1e200 * (1 + rng.Float64())
			}
			return rng.Float64()
		}, true},
		{"σ² so small that q² overflows", 9, 1e-160, random, true},
		{"tiny σ², q² finite", 9, 1e-100, random, true},
		{"not positive at an even node", 9, 1, negativeAt(4), false},
		{"not positive at an odd node", 9, 1, negativeAt(5), false},
		{"not positive at the last node", 8, 1, negativeAt(8), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := c.n
			cr := &core{n: n, igap: make([]float64, n+1), igap2: make([]float64, n+1), dsum: make([]float64, n+1),
				sub: make([]float64, n+1), id: make([]float64, n+1), rid: make([]float64, n+1)}
			for j := 1; j <= n; j++ {
				gap := float64(1 + rng.IntN(5))
				cr.igap[j], cr.igap2[j] = 1/gap, 1/(gap*gap)
				cr.dsum[j] = c.dsum(j)
			}
			// The reference, a node at a time.
			inv := 1 / c.s2
			q := func(j int) float64 {
				if j > n {
					return 0
				}
				return inv * cr.igap[j]
			}
			wantID, wantSub, wantLog, ok := make([]float64, n+1), make([]float64, n+1), 0.0, true
			for j := 1; j <= n; j++ {
				d := q(j) + q(j+1) + cr.dsum[j]
				if j > 1 {
					wantSub[j] = -q(j) * wantID[j-1]
					d -= q(j) * (q(j) * wantID[j-1])
				}
				if !(d > 0) {
					ok = false
					break
				}
				wantID[j] = 1 / d
				wantLog += math.Log(d)
			}
			require.Equal(t, c.wantOK, ok, "the reference")
			logDet := logProduct{mant: 1}
			require.Equal(t, c.wantOK, cr.factorM(c.s2, &logDet))
			if !ok {
				return
			}
			for j := 1; j <= n; j++ {
				assert.InDelta(t, 1, cr.id[j]/wantID[j], 1e-13, "1/d at node %d", j)
				assert.InDelta(t, 1, cr.rid[j]/math.Sqrt(wantID[j]), 1e-13, "1/√d at node %d", j)
				if j > 1 {
					assert.InDelta(t, 1, cr.sub[j]/wantSub[j], 1e-13, "multiplier at node %d", j)
				}
			}
			assert.InDelta(t, 1, logDet.log()/wantLog, 1e-13, "log det")
		})
	}
}

// TestDensePathEveryWidth: the dense path's substitutions run the columns
// of [U b] in groups of eight, then one of four, with zero columns padding
// the last group, and take the Gram products in blocks of gramBlock
// nodes; for every number of columns from 3 to 24 (1 to 22 houses; past
// 19 chooseGram picks the sparse path, and the dense one allocates its
// padding itself), and for series of one block and of three (the last
// partial), its likelihood, smoothed level and constants are those of the
// sparse path, whose loops are unrelated.
func TestDensePathEveryWidth(t *testing.T) {
	type tc struct{ houses, days, polls int }
	var cases []tc
	for houses := 1; houses <= 22; houses++ {
		cases = append(cases, tc{houses, 60, 240})
	}
	cases = append(cases, tc{3, 2300, 4000}, tc{9, 2300, 4000})
	for _, c := range cases {
		polls := simulate(uint64(c.houses), simSpec{days: c.days, polls: c.polls, houses: c.houses, sigma: 0.4, houseSD: 2, rare: -1, start: 50}).polls
		m := StateSpace{Tau: TauGlobal()}
		pm, err := m.prepare(readSet(t, polls, m.rules()), Approve)
		require.NoError(t, err)
		cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
		tau := []float64{0.7}
		type out struct {
			ll          float64
			mean, gamma []float64
		}
		var got [2]out
		for i, dense := range []bool{true, false} {
			cr.dense = dense
			got[i].ll = cr.eval(0.3, tau)
			sm := cr.smooth()
			got[i].mean, got[i].gamma = sm.mean, sm.gamma
		}
		name := fmt.Sprintf("%d houses, K = %d, %d nodes", c.houses, cr.K, cr.n)
		assert.InDelta(t, got[1].ll, got[0].ll, 1e-9*math.Abs(got[1].ll), name)
		for d := range got[1].mean {
			assert.InDelta(t, got[1].mean[d], got[0].mean[d], 1e-9, "%s: day %d", name, d)
		}
		for j := range got[1].gamma {
			assert.InDelta(t, got[1].gamma[j], got[0].gamma[j], 1e-9, "%s: constant %d", name, j)
		}
	}
}
