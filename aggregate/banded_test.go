package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"

	"github.com/candorpoll/candor/poll"
)

// fieldSim is a random walk observed by polls that average it over long
// fieldwork (minLen..maxLen days): the data StateSpace.FieldAverage models.
type fieldSim struct {
	polls []poll.Poll
	alpha []float64
	delta []float64
}

func simulateFieldAverage(seed uint64, days, polls, houses, minLen, maxLen int, sigma float64, nMin int) fieldSim {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	alpha := make([]float64, days)
	alpha[0] = 50
	for t := 1; t < days; t++ {
		alpha[t] = alpha[t-1] + sigma*rng.NormFloat64()
	}
	delta := make([]float64, houses)
	for h := range delta {
		delta[h] = 2 * rng.NormFloat64()
	}
	var ps []poll.Poll
	for len(ps) < polls {
		L := minLen + rng.IntN(maxLen-minLen+1)
		start := rng.IntN(days - L + 1)
		h := len(ps) % houses
		mean := 0.0
		for t := start; t < start+L; t++ {
			mean += alpha[t]
		}
		mean /= float64(L)
		n := nMin + rng.IntN(nMin)
		mu := mean + delta[h]
		sd := math.Sqrt(mu * (100 - mu) / float64(n))
		a := mu + sd*rng.NormFloat64()
		s := simOrigin.AddDate(0, 0, start)
		ps = append(ps, poll.Poll{
			Pollster: fmt.Sprintf("H%03d", h), Start: s, End: s.AddDate(0, 0, L-1), SampleSize: n,
			Approve: a, Disapprove: 100 - a - 5, Undecided: 5,
			Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
		})
	}
	return fieldSim{polls: ps, alpha: alpha, delta: delta}
}

// TestFieldAverageOneDayIsMidpoint: with every poll one day long the
// field-average model is the midpoint model — through the public API, and
// with the banded path forced onto one-day spans, which must reproduce the
// tridiagonal likelihood and smoother.
func TestFieldAverageOneDayIsMidpoint(t *testing.T) {
	ctx := context.Background()
	sim := simulate(11, simSpec{days: 120, polls: 150, houses: 4, sigma: 0.3, houseSD: 2, rare: -1, start: 45})
	for i := range sim.polls {
		sim.polls[i].End = sim.polls[i].Start
	}
	for _, m := range []StateSpace{{Shares: []Share{Approve}}, {Shares: []Share{Approve}, Tau: TauNone(), Identify: SumToZero()}} {
		mid, err := m.Fit(ctx, sim.polls)
		require.NoError(t, err)
		m.FieldAverage = true
		fa, err := m.Fit(ctx, sim.polls)
		require.NoError(t, err)
		assert.Equal(t, mid.Approve.Params.Sigma, fa.Approve.Params.Sigma)
		for i := range mid.Approve.Series {
			assert.InDelta(t, mid.Approve.Series[i].Mean, fa.Approve.Series[i].Mean, 1e-9)
			assert.InDelta(t, mid.Approve.Series[i].SD, fa.Approve.Series[i].SD, 1e-9)
		}
	}

	// Forced banded path on one-day spans.
	m := StateSpace{Shares: []Share{Approve}, Tau: TauGlobal(), Scale: ScalePoints}
	pm, err := m.prepare(readSet(t, sim.polls, m.rules()), Approve)
	require.NoError(t, err)
	tri := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
	ob := *pm.o
	ob.first, ob.last = append([]int(nil), ob.day...), append([]int(nil), ob.day...)
	band := newCore(&ob, pm.c, pm.tauOf, pm.nTau)
	require.NotNil(t, band.band)
	require.Equal(t, 1, band.band.b)
	for _, st := range [][2]float64{{0.3, 0}, {0.05, 1.5}, {2, 0.4}} {
		tau := []float64{st[1]}
		l1, l2 := tri.eval(st[0], tau), band.eval(st[0], tau)
		assert.InDelta(t, l1, l2, 1e-9*math.Abs(l1))
		s1, s2 := tri.smooth(), band.smooth()
		for d := range s1.mean {
			assert.InDelta(t, s1.mean[d], s2.mean[d], 1e-9)
			assert.InDelta(t, s1.sd[d], s2.sd[d], 1e-9)
		}
		for h := range s1.houseSD {
			assert.InDelta(t, s1.beta[1+h], s2.beta[1+h], 1e-9)
			assert.InDelta(t, s1.houseSD[h], s2.houseSD[h], 1e-9)
		}
	}
}

// TestFieldAverageDenseGLS checks the banded likelihood, smoothed levels,
// their sds and the house effects against brute-force dense GLS on a small
// problem: Σ = D + L·Cov(w)·Lᵀ with Cov(w_s, w_t) = σ² min(s, t), the
// diffuse likelihood −½[(N−k) log 2π + log|Σ| + log|XᵀΣ⁻¹X| + yᵀΣ⁻¹y −
// sᵀS⁻¹s], and the BLUP of α_t = e₀ᵀCγ + w_t with the variance
// Var(w_t | γ, y) + gᵀS⁻¹g, g = Cᵀe₀ − XᵀΣ⁻¹L·Cov(w)e_t.
func TestFieldAverageDenseGLS(t *testing.T) {
	sim := simulateFieldAverage(3, 40, 18, 3, 1, 9, 0.4, 1500)
	for _, tc := range []struct {
		name  string
		m     StateSpace
		sigma float64
		tau   []float64
	}{
		{"weighted, tau", StateSpace{Scale: ScalePoints, FieldAverage: true}, 0.4, []float64{1.2}},
		{"sum-to-zero, no tau", StateSpace{Scale: ScalePoints, FieldAverage: true, Tau: TauNone(), Identify: SumToZero()}, 0.15, nil},
		{"anchored", StateSpace{Scale: ScalePoints, FieldAverage: true, Tau: TauNone(), Identify: AnchoredOn(
			Anchor{Share: Approve, Date: simOrigin.AddDate(0, 0, 50), Value: 48, SD: 0.7})}, 0.3, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pm, err := tc.m.prepare(readSet(t, sim.polls, tc.m.rules()), Approve)
			require.NoError(t, err)
			o, c := pm.o, pm.c
			require.NotNil(t, o.first)
			cr := newCore(o, c, pm.tauOf, pm.nTau)
			ll := cr.eval(tc.sigma, tc.tau)
			sm := cr.smooth()

			N, T, k, nFull := len(o.y), o.nDays, c.k(), c.nFull
			n := T - 1
			X := mat.NewDense(N, k, nil) // X_full·C
			Lm := mat.NewDense(N, n, nil)
			Sig := mat.NewSymDense(N, nil)
			y := mat.NewVecDense(N, o.y)
			C := mat.NewDense(nFull, k, nil)
			for j, a := range c.free {
				C.Set(a, j, 1)
				if c.dep >= 0 {
					C.Set(c.dep, j, c.coef[j])
				}
			}
			for i := 0; i < N; i++ {
				xf := make([]float64, nFull)
				xf[0] = 1
				if h := o.house[i]; h >= 0 {
					xf[1+h] = 1
				}
				for j := 0; j < k; j++ {
					v := 0.0
					for a := 0; a < nFull; a++ {
						v += xf[a] * C.At(a, j)
					}
					X.Set(i, j, v)
				}
				L := float64(o.last[i] - o.first[i] + 1)
				for d := o.first[i]; d <= o.last[i]; d++ {
					if d >= 1 {
						Lm.Set(i, d-1, 1/L)
					}
				}
			}
			W := mat.NewSymDense(n, nil) // Cov(w_1..w_n)
			for s := 1; s <= n; s++ {
				for u := s; u <= n; u++ {
					W.SetSym(s-1, u-1, tc.sigma*tc.sigma*float64(s))
				}
			}
			var LW, LWL mat.Dense
			LW.Mul(Lm, W)
			LWL.Mul(&LW, Lm.T())
			for i := 0; i < N; i++ {
				for j := i; j < N; j++ {
					v := LWL.At(i, j)
					if i == j {
						v += o.variance(i, tc.tau, pm.tauOf)
					}
					Sig.SetSym(i, j, v)
				}
			}
			var chol mat.Cholesky
			require.True(t, chol.Factorize(Sig))
			var SiX mat.Dense
			require.NoError(t, chol.SolveTo(&SiX, X))
			var Siy mat.VecDense
			require.NoError(t, chol.SolveVecTo(&Siy, y))
			var S mat.Dense
			S.Mul(X.T(), &SiX)
			var s mat.VecDense
			s.MulVec(X.T(), &Siy)
			Ssym := mat.NewSymDense(k, nil)
			for i := 0; i < k; i++ {
				for j := i; j < k; j++ {
					Ssym.SetSym(i, j, S.At(i, j))
				}
			}
			var cs mat.Cholesky
			require.True(t, cs.Factorize(Ssym))
			var gam mat.VecDense
			require.NoError(t, cs.SolveVecTo(&gam, &s))
			dense := -0.5 * (float64(N-k)*math.Log(2*math.Pi) + chol.LogDet() + cs.LogDet() + mat.Dot(y, &Siy) - mat.Dot(&s, &gam))
			assert.InDelta(t, dense, ll, 1e-8*math.Max(1, math.Abs(dense)))

			var Sinv mat.SymDense
			require.NoError(t, cs.InverseTo(&Sinv))
			// Residual r = y − Xγ̂ and Σ⁻¹r.
			var xg, r, Sir mat.VecDense
			xg.MulVec(X, &gam)
			r.SubVec(y, &xg)
			require.NoError(t, chol.SolveVecTo(&Sir, &r))
			var beta mat.VecDense
			beta.MulVec(C, &gam)
			for h := range o.houses {
				cv := mat.NewVecDense(k, nil)
				for j := 0; j < k; j++ {
					cv.SetVec(j, C.At(1+h, j))
				}
				assert.InDelta(t, beta.AtVec(1+h), sm.beta[1+h], 1e-8, "house %d", h)
				assert.InDelta(t, math.Sqrt(mat.Inner(cv, &Sinv, cv)), sm.houseSD[h], 1e-8, "house sd %d", h)
			}
			c0 := mat.NewVecDense(k, nil)
			for j := 0; j < k; j++ {
				c0.SetVec(j, C.At(0, j))
			}
			for d := 0; d < T; d++ {
				kv := mat.NewVecDense(N, nil) // Cov(y, w_d)
				wdd := 0.0
				if d >= 1 {
					kv.MulVec(&LW, mat.NewVecDense(n, unitVec(n, d-1)))
					wdd = W.At(d-1, d-1)
				}
				mean := mat.Dot(c0, &gam) + mat.Dot(kv, &Sir)
				var Sik, XSik, g mat.VecDense
				require.NoError(t, chol.SolveVecTo(&Sik, kv))
				XSik.MulVec(X.T(), &Sik)
				g.SubVec(c0, &XSik)
				v := wdd - mat.Dot(kv, &Sik) + mat.Inner(&g, &Sinv, &g)
				assert.InDelta(t, mean, sm.mean[d], 1e-8, "mean day %d", d)
				assert.InDelta(t, math.Sqrt(v), sm.sd[d], 1e-8, "sd day %d", d)
			}
		})
	}
}

func unitVec(n, i int) []float64 {
	v := make([]float64, n)
	v[i] = 1
	return v
}

// fieldAverageRun fits the midpoint and the field-average models to
// seeded simulations with 10–30-day fieldwork and returns the coverage of
// the field-average 95% intervals, the RMS error of both smoothed series
// against the truth (α_t + mean δ: sum-to-zero identification) and the mean
// of σ̂/σ.
func fieldAverageRun(t *testing.T, reps int, seed uint64) (cover, coverMid, rmsFA, rmsMid, sigmaRatio float64) {
	t.Helper()
	ctx := context.Background()
	const sigma, days, npolls, nMin = 0.5, 240, 120, 3000
	in, inMid, cnt := 0, 0, 0
	var seFA, seMid float64
	for r := 0; r < reps; r++ {
		sim := simulateFieldAverage(seed+uint64(r), days, npolls, 3, 10, 30, sigma, nMin)
		mean := 0.0
		for _, d := range sim.delta {
			mean += d
		}
		mean /= float64(len(sim.delta))
		m := StateSpace{Shares: []Share{Approve}, Tau: TauNone(), Identify: SumToZero(), Scale: ScalePoints}
		mid, err := m.Fit(ctx, sim.polls)
		require.NoError(t, err)
		m.FieldAverage = true
		fa, err := m.Fit(ctx, sim.polls)
		require.NoError(t, err)
		sigmaRatio += fa.Approve.Params.Sigma / sigma
		off := dayIndex(simOrigin, fa.Approve.Series[0].Date)
		require.Equal(t, len(mid.Approve.Series), len(fa.Approve.Series))
		for i, p := range fa.Approve.Series {
			truth := sim.alpha[off+i] + mean
			cnt++
			if p.Lower <= truth && truth <= p.Upper {
				in++
			}
			if q := mid.Approve.Series[i]; q.Lower <= truth && truth <= q.Upper {
				inMid++
			}
			seFA += (p.Mean - truth) * (p.Mean - truth)
			seMid += (mid.Approve.Series[i].Mean - truth) * (mid.Approve.Series[i].Mean - truth)
		}
	}
	return float64(in) / float64(cnt), float64(inMid) / float64(cnt), math.Sqrt(seFA / float64(cnt)), math.Sqrt(seMid / float64(cnt)), sigmaRatio / float64(reps)
}

// TestFieldAverageSimulation: on polls that average a random walk over
// 10–30 days (σ = 0.5, 120 polls of n ∈ [3000, 6000) over 240 days, three
// houses), the field-average model's 95% intervals cover the truth
// 93–97% of the time, its smoothed series is closer to the truth than the
// midpoint model's, and σ̂ by ML recovers σ (mean ratio within 10%).
// 60 replicates by default, 300 with -calib.full.
func TestFieldAverageSimulation(t *testing.T) {
	reps := 60
	if *calibFull {
		reps = 300
	}
	cover, coverMid, rmsFA, rmsMid, ratio := fieldAverageRun(t, reps, 7000)
	t.Logf("reps %d: coverage field-average %.4f (midpoint %.4f), RMSE field-average %.4f vs midpoint %.4f, mean σ̂/σ %.4f",
		reps, cover, coverMid, rmsFA, rmsMid, ratio)
	assert.GreaterOrEqual(t, cover, 0.93)
	assert.LessOrEqual(t, cover, 0.97)
	assert.Less(t, rmsFA, rmsMid)
	assert.InDelta(t, 1, ratio, 0.10)
}

// TestFieldAverageBayesUnsupported: Bayes refuses FieldAverage clearly.
func TestFieldAverageBayesUnsupported(t *testing.T) {
	_, err := Bayes{Model: StateSpace{FieldAverage: true}}.Fit(context.Background(), syntheticPolls(t))
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrConfig))
}

// TestFieldAverageBandwidth: the fit reports the band it used (longest
// fieldwork − 1 days) and runs on the peers' data.
func TestFieldAverageBandwidth(t *testing.T) {
	ps := syntheticPolls(t)
	longest := 0
	for _, p := range ps {
		longest = max(longest, int(p.End.Sub(p.Start)/(24*time.Hour)))
	}
	res, err := StateSpace{Shares: []Share{Approve}, FieldAverage: true}.Fit(context.Background(), ps)
	require.NoError(t, err)
	assert.Equal(t, float64(longest), res.Approve.Params.Other["field_average_bandwidth"])
	assert.Greater(t, res.Approve.Params.Sigma, 0.0)
}

// monthlySpans is months of monthly polls by three houses, each in the
// field for a whole calendar month (DateApprox month spans): b ≈ 30.
func monthlySpans(tb testing.TB, months int) []poll.Poll {
	tb.Helper()
	rng := rand.New(rand.NewPCG(42, 1))
	var ps []poll.Poll
	level := 60.0
	for mo := 0; mo < months; mo++ {
		s := simOrigin.AddDate(0, mo, 0)
		e := s.AddDate(0, 1, -1)
		level = 60 + 0.95*(level-60) + 1.5*rng.NormFloat64() // stays well inside 0–100
		for h, name := range []string{"Levada", "FOM", "VTsIOM"} {
			a := level + float64(h) - 1 + 1.2*rng.NormFloat64()
			ps = append(ps, poll.Poll{Pollster: name, Start: s, End: e, SampleSize: 1600,
				Approve: a, Disapprove: 90 - a, Undecided: 10, Flags: poll.DateApprox,
				Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN()})
		}
	}
	return ps
}

// BenchmarkFieldAveragePeers: the field-average fit of the peers' model
// (approve, no τ, sum to zero) on the synthetic data, σ by ML included.
func BenchmarkFieldAveragePeers(b *testing.B) {
	ps := syntheticPolls(b)
	m := peersModel
	m.FieldAverage = true
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, err := m.Fit(ctx, ps)
		require.NoError(b, err)
	}
}

// BenchmarkFieldAverageMonthly: ten years of month-long polls (3,650 days,
// 360 polls, b = 30), approve with σ and a global τ by ML, with the
// midpoint model on the same polls for comparison; and the field-average
// fit on 20 and 40 years (cost linear in days).
func BenchmarkFieldAverageMonthly(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct {
		years int
		fa    bool
	}{{10, false}, {10, true}, {20, true}, {40, true}} {
		ps := monthlySpans(b, 12*tc.years)
		b.Run(fmt.Sprintf("years=%d/field=%v", tc.years, tc.fa), func(b *testing.B) {
			m := StateSpace{Shares: []Share{Approve}, FieldAverage: tc.fa}
			b.ReportAllocs()
			for b.Loop() {
				_, err := m.Fit(ctx, ps)
				require.NoError(b, err)
			}
		})
	}
}

// BenchmarkFieldAverage538 is BenchmarkStateSpace538 with FieldAverage:
// the Trump list's fieldwork runs up to a few weeks.
func BenchmarkFieldAverage538(b *testing.B) {
	ps := trump538(b)
	ctx := context.Background()
	m := StateSpace{Shares: []Share{Approve}, FieldAverage: true}
	res, err := m.Fit(ctx, ps)
	require.NoError(b, err)
	b.Logf("%d polls, %d days, bandwidth %v, σ̂ = %.3f, τ̂ = %.2f", len(ps), len(res.Approve.Series), res.Approve.Params.Other["field_average_bandwidth"], res.Approve.Params.Sigma, res.Approve.Params.Tau[""])
	b.ReportAllocs()
	for b.Loop() {
		_, err := m.Fit(ctx, ps)
		require.NoError(b, err)
	}
}

// BenchmarkFieldAverageLikelihood is one evaluation of the field-average
// likelihood (σ = 0.3, τ = 0.5) on 10, 20 and 40 years of month-long polls
// (b = 30): the cost per evaluation grows linearly in days.
func BenchmarkFieldAverageLikelihood(b *testing.B) {
	for _, years := range []int{10, 20, 40} {
		ps := monthlySpans(b, 12*years)
		m := StateSpace{FieldAverage: true, Scale: ScalePoints}
		pm, err := m.prepare(readSet(b, ps, m.rules()), Approve)
		require.NoError(b, err)
		cr := newCore(pm.o, pm.c, pm.tauOf, pm.nTau)
		tau := []float64{0.5}
		b.Run(fmt.Sprintf("years=%d", years), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i++
				tau[0] = 0.5 + 1e-9*float64(i%2) // a new τ each time: the τ-dependent sums are recomputed too
				if math.IsInf(cr.eval(0.3, tau), -1) {
					b.Fatal("not identified")
				}
			}
		})
	}
}
