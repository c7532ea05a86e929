package aggregate

import (
	"context"
	"math"

	"gonum.org/v1/gonum/stat"
)

// bandPrior is the weight, in equivalent polls, of the global residual
// variance in each day's local residual variance (see the package doc).
const bandPrior = 5

// estimateHouses runs the house-effect iteration (package doc, "Average")
// and fills he and se. It returns the iterations used, whether they
// converged and the prior SD σ_h used.
func estimateHouses(ctx context.Context, c *avgConfig, o *shareObs, he, se []float64) (int, bool, float64, error) {
	H := o.nHouses
	first, last := o.first, o.last
	sm := newSums(first, last)
	sm.w2 = nil // the iteration needs only Σu and Σux
	next := make([]float64, H)
	k := make([]float64, H)     // informative polls per house
	sum := make([]float64, H)   // Σ residuals
	sumSq := make([]float64, H) // Σ residuals²
	tw := make([]float64, H)    // total weight per house, for centring
	for i, h := range o.house {
		tw[h] += o.w[i]
	}
	var sigmaH float64
	for it := 1; it <= c.maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return it, false, 0, err
		}
		sm.reset()
		for i, y := range o.y {
			sm.addCentred(o.mid[i], o.w[i], y-he[o.house[i]], c.kernel)
		}
		clear(k)
		clear(sum)
		clear(sumSq)
		for i, y := range o.y {
			t := o.mid[i] - first
			adj := y - he[o.house[i]]
			wLoo := sm.w[t] - o.w[i]*c.kernel[0]
			if wLoo <= 1e-9*sm.w[t] {
				continue // alone in its window: says nothing about its house
			}
			trend := (sm.wx[t] - o.w[i]*c.kernel[0]*adj) / wLoo
			r := y - trend
			h := o.house[i]
			k[h]++
			sum[h] += r
			sumSq[h] += r * r
		}
		// Pooled within-house variance of the residuals.
		var ss, df float64
		for h := range H {
			if k[h] > 1 {
				m := sum[h] / k[h]
				ss += math.Max(sumSq[h]-k[h]*m*m, 0)
				df += k[h] - 1
			}
		}
		pooled := math.NaN()
		if df > 0 {
			pooled = ss / df
		}
		// Per-house variance s_h², shrunk toward the pooled one with
		// bandPrior pseudo-polls, and the squared standard error of each
		// house's mean residual.
		v := make([]float64, H)
		means := make([]float64, 0, H)
		var noise float64
		for h := range H {
			if k[h] == 0 {
				continue
			}
			m := sum[h] / k[h]
			own := 0.0
			if k[h] > 1 {
				own = math.Max(sumSq[h]-k[h]*m*m, 0) // rounding can make it −0.0…1
			}
			s2 := pooled
			if math.IsNaN(s2) {
				s2 = own / math.Max(k[h]-1, 1)
			} else {
				s2 = (own + bandPrior*pooled) / (k[h] - 1 + bandPrior)
			}
			v[h] = s2 / k[h]
			means = append(means, m)
			noise += v[h]
		}
		sigmaH = c.houseSD
		if sigmaH == 0 {
			sigmaH = momentHouseSD(means, noise/float64(len(means)))
		}
		maxDelta := 0.0
		var cw, cs float64
		for h := range H {
			next[h] = 0
			switch {
			case k[h] == 0:
				se[h] = sigmaH
			case sigmaH == 0:
				se[h] = 0
			case v[h] == 0:
				next[h] = sum[h] / k[h]
				se[h] = 0
			default:
				prec := 1/v[h] + 1/(sigmaH*sigmaH)
				next[h] = (sum[h] / k[h] / v[h]) / prec
				se[h] = math.Sqrt(1 / prec)
			}
			cw += tw[h]
			cs += tw[h] * next[h]
		}
		centre := cs / cw
		for h := range H {
			next[h] -= centre
			maxDelta = math.Max(maxDelta, math.Abs(next[h]-he[h]))
		}
		copy(he, next)
		if maxDelta < c.tol {
			return it, true, sigmaH, nil
		}
	}
	return c.maxIter, false, sigmaH, nil
}

// momentHouseSD is the method-of-moments estimate of the spread of true
// house effects: the variance of the houses' mean residuals minus the mean
// of their sampling variances, floored at zero.
func momentHouseSD(means []float64, noise float64) float64 {
	if len(means) < 2 || math.IsNaN(noise) {
		return 0
	}
	v := stat.Variance(means, nil) - noise
	if !(v > 0) {
		return 0
	}
	return math.Sqrt(v)
}
