package aggregate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
)

// variogram estimates σ², the daily variance of the random walk the level
// is assumed to follow, from the house-adjusted polls. For two polls taken
// h days apart (midpoints),
//
//	E[(xᵢ − xⱼ)²] = vᵢ + vⱼ + σ²·h
//
// so over the pairs with h ≤ M (the recency window: the lags the trend
// error involves) σ² is the slope of the mean squared difference on h, the
// intercept c absorbing the polls' noise variances vᵢ + vⱼ (sampling and
// non-sampling alike). Pairs of one house whose fieldwork periods overlap
// are left out: they share respondents (rolling tracking samples), so their
// difference understates independent noise. Pairs are counted by day, from
// per-day counts and sums, so a fit costs O(days with polls × M) plus the
// overlapping same-house pairs.
type variogram struct {
	M       int
	bin     []int     // day bin of each poll
	days    []int     // day of each bin, increasing
	cnt     []float64 // polls in each bin
	N       []float64 // pairs at lag h
	overlap [][2]int  // same-house pairs with overlapping fieldwork, lag ≤ M
	// scratch
	s1, s2, Q []float64
}

func newVariogram(o *shareObs, M int) *variogram {
	n := len(o.mid)
	v := &variogram{M: M, bin: make([]int, n), N: make([]float64, M+1), Q: make([]float64, M+1)}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(o.mid[i], o.mid[j]) })
	for _, i := range order {
		if len(v.days) == 0 || v.days[len(v.days)-1] != o.mid[i] {
			v.days = append(v.days, o.mid[i])
			v.cnt = append(v.cnt, 0)
		}
		v.bin[i] = len(v.days) - 1
		v.cnt[len(v.cnt)-1]++
	}
	cnt := v.cnt
	for a, da := range v.days {
		v.N[0] += cnt[a] * (cnt[a] - 1) / 2
		for b := a + 1; b < len(v.days) && v.days[b]-da <= M; b++ {
			v.N[v.days[b]-da] += cnt[a] * cnt[b]
		}
	}
	slices.SortStableFunc(order, func(i, j int) int {
		return cmp.Or(cmp.Compare(o.house[i], o.house[j]), cmp.Compare(o.start[i], o.start[j]))
	})
	for x, i := range order {
		for _, j := range order[x+1:] {
			if o.house[j] != o.house[i] || o.start[j] > o.end[i] {
				break
			}
			if h := abs(o.mid[i] - o.mid[j]); h <= M {
				v.N[h]--
				v.overlap = append(v.overlap, [2]int{i, j})
			}
		}
	}
	v.s1, v.s2 = make([]float64, len(v.days)), make([]float64, len(v.days))
	return v
}

// fit returns the estimates of σ² (floored at zero) and c for the values
// x; ok is false when fewer than two distinct lags have pairs (σ² cannot
// be estimated; 0 is returned). The slope is fitted by weighted least
// squares of the lag means on h with weights N_h/(c + σ²h)² (the variance
// of a squared difference is proportional to its mean squared), iterated
// from ordinary least squares.
func (v *variogram) fit(x []float64) (sigma2, c float64, ok bool) {
	lags := 0
	for _, n := range v.N {
		if n > 0 {
			lags++
		}
	}
	if lags < 2 {
		return 0, 0, false
	}
	var mean float64
	for _, xi := range x {
		mean += xi
	}
	mean /= float64(len(x)) // centred for numerical stability
	clear(v.s1)
	clear(v.s2)
	clear(v.Q)
	for i, xi := range x {
		d := xi - mean
		v.s1[v.bin[i]] += d
		v.s2[v.bin[i]] += d * d
	}
	for a, da := range v.days {
		v.Q[0] += v.cnt[a]*v.s2[a] - v.s1[a]*v.s1[a]
		for b := a + 1; b < len(v.days) && v.days[b]-da <= v.M; b++ {
			v.Q[v.days[b]-da] += v.cnt[b]*v.s2[a] + v.cnt[a]*v.s2[b] - 2*v.s1[a]*v.s1[b]
		}
	}
	for _, p := range v.overlap {
		d := x[p[0]] - x[p[1]]
		v.Q[abs(v.days[v.bin[p[0]]]-v.days[v.bin[p[1]]])] -= d * d
	}
	N, Q := v.N, v.Q
	for it := range 4 {
		wt := func(h int) float64 {
			if it == 0 {
				return N[h]
			}
			m := c + sigma2*float64(h)
			return N[h] / (m * m)
		}
		var sw, sh, sy float64
		for h := range N {
			if N[h] > 0 {
				w := wt(h)
				sw += w
				sh += w * float64(h)
				sy += w * Q[h] / N[h]
			}
		}
		hbar, ybar := sh/sw, sy/sw
		var sxx, sxy float64
		for h := range N {
			if N[h] > 0 {
				w, dh := wt(h), float64(h)-hbar
				sxx += w * dh * dh
				sxy += w * dh * (Q[h]/N[h] - ybar)
			}
		}
		slope := sxy / sxx
		c = ybar - slope*hbar
		sigma2 = math.Max(slope, 0)
		if !(c > 0) {
			break // degenerate (e.g. noiseless polls): keep this step's slope
		}
	}
	return sigma2, c, true
}

// bootstrapReps is the number of parametric-bootstrap replicates behind
// the standard error of σ̂² (its relative precision is about 1/√(2·64),
// 9%).
const bootstrapReps = 64

// bootSE is the parametric-bootstrap standard error of fit's σ̂² at the
// fitted (sigma2, c): bootstrapReps series are drawn from the fitted model
// — a random walk with daily variance σ̂² seen at the polls' midpoints
// through independent noise of variance c/2 — and refitted.
func (v *variogram) bootSE(sigma2, c float64, rng *rand.Rand) float64 {
	x := make([]float64, len(v.bin))
	alpha := make([]float64, len(v.days))
	noise := math.Sqrt(math.Max(c, 0) / 2)
	var m, m2 float64
	for range bootstrapReps {
		for k := 1; k < len(alpha); k++ {
			alpha[k] = alpha[k-1] + math.Sqrt(sigma2*float64(v.days[k]-v.days[k-1]))*rng.NormFloat64()
		}
		for i := range x {
			x[i] = alpha[v.bin[i]] + noise*rng.NormFloat64()
		}
		s, _, _ := v.fit(x)
		m += s
		m2 += s * s
	}
	const R = bootstrapReps
	m /= R
	return math.Sqrt(math.Max(m2/R-m*m, 0) * R / (R - 1))
}
