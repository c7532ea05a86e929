package forensics

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mustPoissonBinomial(q []float64) poissonBinomial {
	d, err := newPoissonBinomial(context.Background(), q)
	if err != nil {
		panic(err)
	}
	return d
}

// pmfOf returns d's probabilities by count, 0 to n.
func pmfOf(d poissonBinomial, n int) []float64 {
	f := make([]float64, n+1)
	prev := 0.0
	for i, c := range d.cdf {
		f[d.lo+i] = c - prev
		prev = c
	}
	return f
}

// The distribution against the sum over all 2ⁿ outcomes, by hand for two
// variables, and with certain and impossible variables mixed in.
func TestPoissonBinomialBruteForce(t *testing.T) {
	d := mustPoissonBinomial([]float64{0.2, 0.5})
	assert.InDeltaSlice(t, []float64{0.4, 0.5, 0.1}, pmfOf(d, 2), 1e-15) // 0.8·0.5, 0.2·0.5+0.8·0.5, 0.2·0.5

	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 5, 12, 13, 16} { // odd and even counts of uncertain variables (pairs, one left over)
		q := make([]float64, n)
		for i := range q {
			q[i] = rng.Float64()
		}
		if n > 4 {
			q[1], q[3] = 0, 1
		}
		want := make([]float64, n+1)
		for mask := 0; mask < 1<<n; mask++ {
			p, k := 1.0, 0
			for i, qi := range q {
				if mask>>i&1 == 1 {
					p *= qi
					k++
				} else {
					p *= 1 - qi
				}
			}
			want[k] += p
		}
		assert.InDeltaSlice(t, want, pmfOf(mustPoissonBinomial(q), n), 1e-14, "n = %d", n)
	}
}

// Many variables: the tails dropped below pbTail leave the mean and the
// variance Σq and Σq(1−q) to 1e-9 relative, and the support is a few
// dozen standard deviations, not the n + 1 counts.
func TestPoissonBinomialLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	n := 20000
	q := make([]float64, n)
	mean, vr := 0.0, 0.0
	for i := range q {
		q[i] = 0.3 * rng.Float64()
		mean += q[i]
		vr += q[i] * (1 - q[i])
	}
	d := mustPoissonBinomial(q)
	f := pmfOf(d, n)
	m, v := 0.0, 0.0
	for k, p := range f {
		m += float64(k) * p
	}
	for k, p := range f {
		v += (float64(k) - m) * (float64(k) - m) * p
	}
	assert.InDelta(t, mean, m, 1e-9*mean)
	assert.InDelta(t, vr, v, 1e-9*vr)
	t.Logf("support kept: %d counts, %.1f standard deviations", len(d.cdf), float64(len(d.cdf))/math.Sqrt(vr))
	assert.Less(t, len(d.cdf), int(20*math.Sqrt(vr)), "support kept")
	// The tails go as the sum grows: the support held never passes the
	// final one by more than the pair just added (else the cost is n²).
	assert.LessOrEqual(t, d.held, len(d.cdf)+2, "support held while building")
	assert.Equal(t, 1.0, d.cdf[len(d.cdf)-1])
}

// Draws by quantile follow the distribution: the frequencies of 200,000
// seeded draws against the probabilities (a chi-square test at the 10⁻⁴
// level, on counts with at least 5 expected), and the edges of [0, 1).
func TestPoissonBinomialQuantile(t *testing.T) {
	q := make([]float64, 300)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range q {
		q[i] = rng.Float64() * 0.2
	}
	d := mustPoissonBinomial(q)
	f := pmfOf(d, len(q))
	const draws = 200000
	seen := make([]int, len(q)+1)
	for range draws {
		seen[d.quantile(rng.Float64())]++
	}
	chi2, cells := 0.0, 0
	for k, p := range f {
		if e := p * draws; e >= 5 {
			chi2 += (float64(seen[k]) - e) * (float64(seen[k]) - e) / e
			cells++
		}
	}
	require.Greater(t, cells, 20)
	// The 1 − 10⁻⁴ quantile of χ² with ν degrees of freedom, by
	// Wilson–Hilferty: ν(1 − 2/(9ν) + 3.719·√(2/(9ν)))³.
	nu := float64(cells - 1)
	crit := nu * math.Pow(1-2/(9*nu)+3.719*math.Sqrt(2/(9*nu)), 3)
	assert.Less(t, chi2, crit, "χ² over %d cells", cells)

	assert.Equal(t, d.lo, d.quantile(0))
	assert.Equal(t, d.lo+len(d.cdf)-1, d.quantile(math.Nextafter(1, 0)))
	one := mustPoissonBinomial([]float64{1, 1, 0})
	assert.Equal(t, 2, one.quantile(0.5))

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newPoissonBinomial(cancelled, make([]float64, 10000))
	assert.ErrorIs(t, err, context.Canceled)
}
