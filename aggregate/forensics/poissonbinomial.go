package forensics

import (
	"context"
	"sort"
)

// poissonBinomial is the distribution of a sum of independent Bernoulli
// variables with probabilities q_i (the Poisson-binomial distribution):
// the number of a region's stations whose redrawn counts make a whole
// percentage under IntegerTest's null. It is computed exactly by adding
// one variable at a time,
//
//	f_i(c) = f_{i−1}(c)(1 − q_i) + f_{i−1}(c − 1)q_i,
//
// here two at a time (one pass over the support where there were two:
// about half the time), each step a convex combination, so no rounding
// error grows (Barlow & Heidtmann 1984, IEEE Trans. Reliability R-33(4),
// 322–323; Hong 2013, Computational Statistics & Data Analysis 59,
// 41–51, compares it with the Fourier method and finds it as accurate).
// Counts whose probability falls below pbTail are dropped from the ends
// as the sum grows: the probability lost is at most pbTail per count
// dropped, under 10⁻¹² for a hundred thousand stations, and what is kept
// is renormalised. The support kept is then about 15 standard deviations
// wide, so n variables cost O(n·√(Σq(1−q))) rather than O(n²).
type poissonBinomial struct {
	lo  int       // the smallest count kept
	cdf []float64 // cdf[i] = P(X ≤ lo + i); the last is 1
	// held is the widest support held while the variables were added:
	// what the cost grows with, kept to be checked (the tails are
	// trimmed as the sum grows, not once at the end).
	held int
}

// pbTail is the probability below which poissonBinomial drops a count at
// either end of the support.
const pbTail = 1e-17

// newPoissonBinomial returns the distribution of the number of successes
// among independent Bernoulli(q_i) variables. A q ≤ 0 never succeeds and
// a q ≥ 1 always does. Its only error is ctx's, checked every 4,096
// variables (85,000 stations with q up to 0.1 take 30–40 ms, half the
// time of one variable at a time: BenchmarkPoissonBinomial).
func newPoissonBinomial(ctx context.Context, q []float64) (poissonBinomial, error) {
	f := make([]float64, 1, 64)
	f[0] = 1
	lo, held := 0, 1
	// The variables are added two at a time: their sum, 0, 1 or 2 with
	// probabilities a0, a1, a2, is one convex combination of three
	// neighbouring counts, so the support is walked once per pair.
	var pending float64 // a variable waiting for its pair; 0: none
	add := func(a0, a1, a2 float64) {
		f = append(f, 0, 0)
		for c := len(f) - 1; c > 1; c-- {
			f[c] = f[c]*a0 + f[c-1]*a1 + f[c-2]*a2
		}
		f[1] = f[1]*a0 + f[0]*a1
		f[0] *= a0
		for len(f) > 1 && f[0] < pbTail {
			f = f[1:]
			lo++
		}
		for len(f) > 1 && f[len(f)-1] < pbTail {
			f = f[:len(f)-1]
		}
		held = max(held, len(f))
	}
	for i, p := range q {
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return poissonBinomial{}, err
			}
		}
		switch {
		case !(p > 0):
			continue
		case p >= 1:
			lo++
			continue
		case pending == 0:
			pending = p
			continue
		}
		r := pending
		pending = 0
		add((1-p)*(1-r), p*(1-r)+(1-p)*r, p*r)
	}
	if pending > 0 {
		add(1-pending, pending, 0)
	}
	cdf := make([]float64, len(f))
	total := 0.0
	for _, v := range f {
		total += v
	}
	acc := 0.0
	for c, v := range f {
		acc += v
		cdf[c] = acc / total
	}
	cdf[len(cdf)-1] = 1
	return poissonBinomial{lo: lo, cdf: cdf, held: held}, nil
}

// quantile returns the count X with P(X < count) ≤ u < P(X ≤ count): for
// u uniform on [0, 1), a draw from the distribution.
func (d *poissonBinomial) quantile(u float64) int {
	return d.lo + sort.Search(len(d.cdf)-1, func(i int) bool { return d.cdf[i] > u })
}
