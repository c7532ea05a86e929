package aggregate

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// MCMC convergence diagnostics after Vehtari, Gelman, Simpson, Carpenter &
// Bürkner (2021), "Rank-normalization, folding, and localization: an
// improved R̂ for assessing convergence of MCMC", Bayesian Analysis 16(2),
// 667–718. They are the diagnostics Stan, ArviZ and the R package posterior
// report, computed the same way, so numbers can be compared with theirs.
//
// All functions take the draws of one scalar quantity as chains[c][i], the
// i-th retained draw of chain c. Every chain must have the same length;
// unequal lengths are a programming error and panic. When a diagnostic is
// undefined (fewer than four draws per chain, or all draws identical) the
// functions return NaN: callers decide what to report (Bayes reports no
// diagnostic for a constant quantity).

// SplitRhat returns the rank-normalised split-R̂ of Vehtari et al. (2021):
// the larger of the split-R̂ of the rank-normalised draws (bulk) and of the
// rank-normalised folded draws |θ − median θ| (tails). Each chain is split
// in halves (the middle draw is dropped when the length is odd), so a trend
// within a chain shows as disagreement between its halves. For the 2m
// half-chains of n draws each, with means θ̄_c and variances s²_c,
//
//	W = mean(s²_c),  B = n · var(θ̄_c),  R̂ = √(((n−1)/n · W + B/n) / W).
//
// Values near 1 indicate that the chains agree; Vehtari et al. recommend
// using draws only when R̂ < 1.01.
func SplitRhat(chains [][]float64) float64 {
	r, _ := rhatBulkESS(chains)
	return r
}

// rhatBulkESS returns SplitRhat and BulkESS of chains, rank-normalising the
// split draws once for both.
func rhatBulkESS(chains [][]float64) (rhatV, bulkESS float64) {
	split, ok := splitChains(chains)
	if !ok {
		return math.NaN(), math.NaN()
	}
	z := rankNormalize(split)
	return splitRhat(split, z), ess(z)
}

// splitRhat is SplitRhat of the split chains with their rank-normalised
// draws z.
func splitRhat(split, z [][]float64) float64 {
	bulk := rhat(z)
	tail := rhat(rankNormalize(foldDraws(split)))
	if math.IsNaN(bulk) || math.IsNaN(tail) {
		// A folded constant (e.g. a two-point distribution) has no tail
		// diagnostic; the bulk one still means something.
		if math.IsNaN(bulk) {
			return tail
		}
		return bulk
	}
	return math.Max(bulk, tail)
}

// BulkESS returns the bulk effective sample size of Vehtari et al. (2021):
// the effective sample size (see ESS) of the rank-normalised split chains.
// It measures how well the centre of the distribution is explored and is
// robust to heavy tails. Vehtari et al. recommend at least 100 per chain.
func BulkESS(chains [][]float64) float64 {
	_, e := rhatBulkESS(chains)
	return e
}

// ESS returns the effective sample size of the split chains without rank
// normalisation: the one that gives the Monte Carlo standard error of the
// posterior mean, MCSE = sd/√ESS (see MCSE). With ρ̂_t the
// multi-chain autocorrelation at lag t,
//
//	ρ̂_t = 1 − (W − mean_c γ̂_{c,t}) / var⁺,   var⁺ = (n−1)/n · W + B/n,
//	ESS = m·n / τ̂,   τ̂ = −1 + 2 Σ_{t=0}^{2k+1} ρ̂_t,
//
// where γ̂_{c,t} is chain c's autocovariance at lag t and the sum runs over
// Geyer's (1992) initial positive sequence of pair sums ρ̂_{2t} + ρ̂_{2t+1},
// made monotone. τ̂ is bounded below by 1/log₁₀(m·n), so antithetic chains
// report at most m·n·log₁₀(m·n) draws, as in Stan.
//
// For independent draws ESS ≈ m·n; for an AR(1) chain with coefficient ρ,
// ESS ≈ m·n·(1−ρ)/(1+ρ).
func ESS(chains [][]float64) float64 {
	split, ok := splitChains(chains)
	if !ok {
		return math.NaN()
	}
	return ess(split)
}

// MCSE returns the Monte Carlo standard error of the posterior mean
// estimated by the pooled draws: sd/√ESS, with sd the pooled sample standard
// deviation.
func MCSE(chains [][]float64) float64 {
	e := ESS(chains)
	_, sd := pooledMeanSD(chains)
	return sd / math.Sqrt(e)
}

// splitChains returns the half-chains, sharing memory with chains. ok is
// false when a half would have fewer than two draws.
func splitChains(chains [][]float64) ([][]float64, bool) {
	if len(chains) == 0 {
		return nil, false
	}
	n := len(chains[0])
	for _, c := range chains {
		if len(c) != n {
			panic("aggregate: chains of unequal length")
		}
	}
	half := n / 2
	if half < 2 {
		return nil, false
	}
	out := make([][]float64, 0, 2*len(chains))
	for _, c := range chains {
		out = append(out, c[:half], c[n-half:])
	}
	return out, true
}

// rhat is the split-R̂ formula on already split chains. It returns NaN when
// the within-chain variance is zero.
func rhat(chains [][]float64) float64 {
	m := len(chains)
	n := len(chains[0])
	means := make([]float64, m)
	var w float64
	for c, x := range chains {
		mu, v := stat.MeanVariance(x, nil)
		means[c] = mu
		w += v
	}
	w /= float64(m)
	_, vb := stat.MeanVariance(means, nil)
	b := float64(n) * vb
	if !(w > 0) {
		return math.NaN()
	}
	varPlus := float64(n-1)/float64(n)*w + b/float64(n)
	return math.Sqrt(varPlus / w)
}

// ess is the effective sample size of already split (or rank-normalised)
// chains, following Stan's and ArviZ's implementation of Geyer's initial
// monotone sequence estimator. Autocovariances are computed lag by lag as the
// sequence needs them, so the cost is O(m·n·L) for an L-lag sequence: well
// mixing chains are cheap and a chain that does not mix at all costs O(m·n²).
func ess(chains [][]float64) float64 {
	m := len(chains)
	n := len(chains[0])
	means := make([]float64, m)
	for c, x := range chains {
		means[c] = stat.Mean(x, nil)
	}
	// acov(t) is the mean over chains of the biased (divide by n)
	// autocovariance at lag t.
	acov := func(t int) float64 {
		var s float64
		for c, x := range chains {
			mu := means[c]
			var a float64
			for i := 0; i+t < n; i++ {
				a += (x[i] - mu) * (x[i+t] - mu)
			}
			s += a / float64(n)
		}
		return s / float64(m)
	}
	meanVar0 := acov(0) * float64(n) / float64(n-1)
	varPlus := meanVar0 * float64(n-1) / float64(n)
	if m > 1 {
		_, vb := stat.MeanVariance(means, nil)
		varPlus += vb
	}
	if !(varPlus > 0) {
		return math.NaN()
	}
	rho := func(t int) float64 { return 1 - (meanVar0-acov(t))/varPlus }

	rhoHat := make([]float64, n)
	rhoHat[0] = 1
	even, odd := 1.0, rho(1)
	rhoHat[1] = odd
	t := 1
	for t < n-3 && even+odd > 0 {
		even = rho(t + 1)
		odd = rho(t + 2)
		if even+odd >= 0 {
			rhoHat[t+1] = even
			rhoHat[t+2] = odd
		}
		t += 2
	}
	maxT := t - 2
	if even > 0 {
		rhoHat[maxT+1] = even
	}
	// Geyer's initial monotone sequence: pair sums must not increase.
	for t := 1; t <= maxT-2; t += 2 {
		if rhoHat[t+1]+rhoHat[t+2] > rhoHat[t-1]+rhoHat[t] {
			rhoHat[t+1] = (rhoHat[t-1] + rhoHat[t]) / 2
			rhoHat[t+2] = rhoHat[t+1]
		}
	}
	total := float64(m * n)
	tau := -1.0
	for _, r := range rhoHat[:maxT+1] {
		tau += 2 * r
	}
	tau += rhoHat[maxT+1]
	tau = math.Max(tau, 1/math.Log10(total))
	return total / tau
}

// rankNormalize replaces every draw by Φ⁻¹((r − 3/8)/(S + 1/4)), r its
// average rank among all S pooled draws (Blom's normal scores), keeping the
// chain layout.
func rankNormalize(chains [][]float64) [][]float64 {
	n := len(chains[0])
	all := make([]float64, 0, len(chains)*n)
	for _, x := range chains {
		all = append(all, x...)
	}
	order := ascending(all)
	out := make([][]float64, len(chains))
	flat := make([]float64, len(all))
	for c := range chains {
		out[c] = flat[c*n : (c+1)*n]
	}
	s := float64(len(all))
	for lo := 0; lo < len(order); {
		v := all[order[lo]]
		hi := lo + 1
		for hi < len(order) && all[order[hi]] == v {
			hi++
		}
		// Ranks lo+1..hi share their average.
		r := float64(lo+1+hi) / 2
		z := distuv.UnitNormal.Quantile((r - 0.375) / (s + 0.25))
		for _, k := range order[lo:hi] {
			flat[k] = z
		}
		lo = hi
	}
	return out
}

// ascending returns the indices of x in ascending order of their values,
// NaNs first (as cmp.Compare orders them). It is a least-significant-digit
// radix sort, a byte at a time, of the values' order-preserving bit
// patterns: the rank normalisation sorts the pooled draws of every
// diagnosed quantity, and a comparison sort of 4,000 draws took three
// times as long. Bytes that all values share (the sign and exponent of
// draws of one magnitude) are skipped. Values with the same bits keep
// their order.
func ascending(x []float64) []int32 {
	n := len(x)
	if n == 0 {
		return nil
	}
	key := make([]uint64, 2*n)
	idx := make([]int32, 2*n)
	var count [8][256]int
	for i, v := range x {
		b := math.Float64bits(v)
		switch {
		case v != v:
			b = 0 // NaN first
		case b>>63 == 1:
			b = ^b // negative: larger magnitude first
		default:
			b |= 1 << 63
		}
		key[i], idx[i] = b, int32(i)
		for d := range count {
			count[d][byte(b>>(8*d))]++
		}
	}
	src, dst := 0, n // halves of key and idx
	for d := range count {
		c := &count[d]
		if c[byte(key[0]>>(8*d))] == n {
			continue // every value has this byte
		}
		pos := 0
		for j, m := range c {
			c[j] = pos
			pos += m
		}
		for i := src; i < src+n; i++ {
			k := key[i]
			p := dst + c[byte(k>>(8*d))]
			c[byte(k>>(8*d))]++
			key[p], idx[p] = k, idx[i]
		}
		src, dst = dst, src
	}
	return idx[src : src+n]
}

// foldDraws returns |θ − median θ| over the pooled draws, keeping the layout.
func foldDraws(chains [][]float64) [][]float64 {
	var all []float64
	for _, x := range chains {
		all = append(all, x...)
	}
	k := len(all)
	med := selectKth(all, k/2)
	if k%2 == 0 {
		// The largest of the lower half, which selectKth left before k/2.
		lo := all[0]
		for _, v := range all[1 : k/2] {
			lo = max(lo, v)
		}
		med = (lo + med) / 2
	}
	out := make([][]float64, len(chains))
	for c, x := range chains {
		out[c] = make([]float64, len(x))
		for i, v := range x {
			out[c][i] = math.Abs(v - med)
		}
	}
	return out
}

// pooledMeanSD returns the mean and sample standard deviation of all draws.
func pooledMeanSD(chains [][]float64) (mean, sd float64) {
	var all []float64
	for _, x := range chains {
		all = append(all, x...)
	}
	mu, v := stat.MeanVariance(all, nil)
	return mu, math.Sqrt(v)
}
