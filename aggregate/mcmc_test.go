package aggregate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Hand-computed cases for the two formulas the diagnostics rest on.
func TestRhatHandComputed(t *testing.T) {
	// Half-chains {1,2} {3,4} {5,6} {7,8}: n = 2, W = 0.5,
	// var(means 1.5, 3.5, 5.5, 7.5) = 20/3, B = 40/3,
	// var⁺ = ½·0.5 + (40/3)/2 = 83/12, R̂ = √(83/6).
	split, ok := splitChains([][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}})
	require.True(t, ok)
	assert.InDelta(t, math.Sqrt(83.0/6), rhat(split), 1e-12)

	// Identical half-chains: B = 0, R̂ = √((n−1)/n).
	assert.InDelta(t, math.Sqrt(0.5), rhat([][]float64{{1, 2}, {1, 2}}), 1e-12)
}

func TestESSHandComputed(t *testing.T) {
	// One chain 0,0,0,0,1,1,1,1 (no split): γ̂₀ = 1/4, γ̂₁ = 5/32, γ̂₂ = 1/16,
	// γ̂₃ = −1/32; W = 2/7, var⁺ = 1/4, ρ̂_t = −1/7 + 4γ̂_t:
	// ρ̂₁ = 27/56, ρ̂₂ = 3/28, ρ̂₃ = −15/56. The pair (ρ̂₂, ρ̂₃) is negative,
	// so the sequence stops; ρ̂₂ > 0 enters Stan's improved estimate:
	// τ̂ = −1 + 2(1 + 27/56) + 6/56 = 116/56, ESS = 8/τ̂ = 448/116.
	got := ess([][]float64{{0, 0, 0, 0, 1, 1, 1, 1}})
	assert.InDelta(t, 448.0/116, got, 1e-12)

	// Alternating draws are antithetic: τ̂ is bounded below by
	// 1/log₁₀(S), so ESS = S·log₁₀(S).
	got = ess([][]float64{{1, -1, 1, -1, 1, -1, 1, -1}})
	assert.InDelta(t, 8*math.Log10(8), got, 1e-12)
}

// ascending (the radix sort of rankNormalize) must order any values as a
// stable comparison sort does: NaNs first, then −∞ … +∞ with −0 and +0
// equal, ties in their original order.
func TestAscending(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 200 {
		x := make([]float64, 1+r.IntN(700))
		for i := range x {
			switch r.IntN(12) {
			case 0:
				x[i] = math.Round(r.NormFloat64() * 3) // ties
			case 1:
				x[i] = math.Copysign(0, -1)
			case 2:
				x[i] = 0
			case 3:
				x[i] = math.Inf(2*r.IntN(2) - 1)
			case 4:
				x[i] = math.NaN()
			case 5:
				x[i] = 0.3 // every byte shared
			default:
				x[i] = r.NormFloat64() * math.Exp(r.NormFloat64()*20)
			}
		}
		want := make([]int32, len(x))
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(x[a], x[b]) })
		got := ascending(x)
		for i := range got {
			// Equal values (and NaNs) may come in either order only
			// where the comparison sort cannot tell them apart.
			a, b := x[got[i]], x[want[i]]
			if !(a == b || (math.IsNaN(a) && math.IsNaN(b))) {
				t.Fatalf("trial %d position %d: %v, want %v", trial, i, a, b)
			}
		}
	}
}

func TestRankNormalizeTies(t *testing.T) {
	// Ranks 1, 2.5, 2.5, 4 of S = 4: z = Φ⁻¹((r − 3/8)/(4 + 1/4)).
	z := rankNormalize([][]float64{{3, 1}, {2, 2}})
	p := func(r float64) float64 { return (r - 0.375) / 4.25 }
	q := func(x float64) float64 { return math.Sqrt2 * math.Erfinv(2*x-1) }
	assert.InDelta(t, q(p(4)), z[0][0], 1e-12)
	assert.InDelta(t, q(p(1)), z[0][1], 1e-12)
	assert.InDelta(t, q(p(2.5)), z[1][0], 1e-12)
	assert.Equal(t, z[1][0], z[1][1])
}

// ar1 draws m chains of n steps of x_t = ρ x_{t−1} + √(1−ρ²) e_t started
// from the stationary N(0, 1), optionally shifted and scaled per chain.
func ar1(seed uint64, m, n int, rho float64, shift, scale func(c int) float64) [][]float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([][]float64, m)
	for c := range out {
		x := r.NormFloat64()
		out[c] = make([]float64, n)
		for i := range out[c] {
			out[c][i] = shift(c) + scale(c)*x
			x = rho*x + math.Sqrt(1-rho*rho)*r.NormFloat64()
		}
	}
	return out
}

func zero(int) float64 { return 0 }
func one(int) float64  { return 1 }

func TestESSKnownChains(t *testing.T) {
	for _, tc := range []struct {
		name string
		rho  float64
		m, n int
		tol  float64 // relative
	}{
		{"iid", 0, 4, 2000, 0.1},
		{"ar0.5", 0.5, 4, 5000, 0.15},
		{"ar0.9", 0.9, 4, 10000, 0.2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for seed := uint64(1); seed <= 3; seed++ {
				x := ar1(seed, tc.m, tc.n, tc.rho, zero, one)
				// Asymptotic ESS of the mean of an AR(1) chain.
				want := float64(tc.m*tc.n) * (1 - tc.rho) / (1 + tc.rho)
				assert.InEpsilon(t, want, ESS(x), tc.tol, "ESS seed %d", seed)
				assert.InEpsilon(t, want, BulkESS(x), tc.tol, "BulkESS seed %d", seed)
				r := SplitRhat(x)
				assert.Less(t, r, 1.01, "Rhat seed %d", seed)
				assert.Greater(t, r, 0.99, "Rhat seed %d", seed)
			}
		})
	}
}

func TestMCSEIid(t *testing.T) {
	// iid N(0, 2²): MCSE = 2/√S.
	x := ar1(11, 4, 1000, 0, zero, func(int) float64 { return 2 })
	assert.InEpsilon(t, 2/math.Sqrt(4000), MCSE(x), 0.1)
}

func TestSplitRhatDetectsNonConvergence(t *testing.T) {
	// One chain stuck one standard deviation away.
	x := ar1(3, 4, 1000, 0.5, func(c int) float64 {
		if c == 0 {
			return 1
		}
		return 0
	}, one)
	assert.Greater(t, SplitRhat(x), 1.02)

	// A trend inside every chain: only splitting sees it.
	x = ar1(4, 4, 1000, 0.5, zero, one)
	for _, c := range x {
		for i := range c {
			c[i] += 2 * float64(i) / float64(len(c))
		}
	}
	assert.Greater(t, SplitRhat(x), 1.05)

	// Same centre, different spread: the bulk R̂ misses it, the folded
	// (tail) R̂ does not.
	x = ar1(5, 4, 2000, 0, zero, func(c int) float64 { return 1 + float64(c%2) })
	split, _ := splitChains(x)
	assert.Less(t, rhat(rankNormalize(split)), 1.01)
	assert.Greater(t, SplitRhat(x), 1.05)
}

func TestDiagnosticsUndefined(t *testing.T) {
	assert.True(t, math.IsNaN(SplitRhat([][]float64{{1, 2, 3}})), "too short")
	assert.True(t, math.IsNaN(BulkESS(nil)))
	assert.True(t, math.IsNaN(ESS([][]float64{{2, 2, 2, 2, 2}, {2, 2, 2, 2, 2}})), "constant")
	assert.True(t, math.IsNaN(SplitRhat([][]float64{{2, 2, 2, 2, 2}, {2, 2, 2, 2, 2}})), "constant")
	assert.Panics(t, func() { SplitRhat([][]float64{{1, 2, 3, 4}, {1, 2, 3}}) })
}

func BenchmarkBulkESS(b *testing.B) {
	x := ar1(1, 4, 2000, 0.5, zero, one)
	b.ReportAllocs()
	for b.Loop() {
		BulkESS(x)
	}
}

// FuzzDiagnostics: any draws (NaN, ±Inf, ties, constants, odd lengths)
// give a number or NaN, never a panic, and R̂ ≥ 0, ESS > 0 when defined.
func FuzzDiagnostics(f *testing.F) {
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, uint8(2))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0}, uint8(1))
	f.Add([]byte{255, 0, 255, 0, 255, 0, 127, 128, 1, 2}, uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, m uint8) {
		chains := int(m%4) + 1
		n := len(data) / chains
		x := make([][]float64, chains)
		for c := range x {
			for _, b := range data[c*n : (c+1)*n] {
				v := float64(b) - 128
				switch b {
				case 0:
					v = math.NaN()
				case 255:
					v = math.Inf(1)
				case 254:
					v = math.Inf(-1)
				}
				x[c] = append(x[c], v)
			}
		}
		for _, fn := range []func([][]float64) float64{SplitRhat, BulkESS, ESS, MCSE} {
			v := fn(x)
			if !math.IsNaN(v) && v < 0 {
				t.Fatalf("negative diagnostic %v for %v", v, x)
			}
		}
	})
}
