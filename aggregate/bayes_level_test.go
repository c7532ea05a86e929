package aggregate

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
)

// The streamed summaries of a day must be those of its gathered draws: the
// same order statistics for the tail quantiles, the same mean and variance
// to rounding; and a day whose cuts are badly placed (a tail with too few
// draws, or more than its room) must be refused, so that summarise gathers
// it.
func TestStreamedDay(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const chains, kept, days = 3, 400, 6
	z := 1.96
	mean, sd := make([]float64, days), make([]float64, days)
	for d := range days {
		mean[d], sd[d] = 40+float64(d), 0.5+0.1*float64(d)
	}
	// The cuts' smoothed sd: right on days 0–2; day 3 a tenth of the
	// draws' (its tails overflow their room), day 4 ten times (too few
	// draws beyond the cuts), day 5 a mean four sds off.
	cutSD := slices.Clone(sd)
	cutSD[3] /= 10
	cutSD[4] *= 10
	cutMean := slices.Clone(mean)
	cutMean[5] += 4 * sd[5]
	c := newLevelCuts(cutMean, cutSD, z, kept)
	stats := make([]*levelStats, chains)
	pooled := make([][]float64, days)
	for ch := range stats {
		stats[ch] = newLevelStats(days, c.room)
		for range kept {
			row := make([]float32, days)
			for d := range row {
				row[d] = float32(mean[d] + sd[d]*r.NormFloat64())
				pooled[d] = append(pooled[d], float64(row[d]))
			}
			stats[ch].add(c, row)
		}
	}
	n := chains * kept
	pLo, pHi := 0.025, 0.975
	pool := make([]float64, 2*n)
	for d := range days {
		m, v, lo, hi, ok := streamedDay(c, stats, d, n, pLo, pHi, pool)
		if d >= 3 {
			assert.False(t, ok, "day %d", d)
			continue
		}
		require.True(t, ok, "day %d", d)
		wm, wv := stat.MeanVariance(pooled[d], nil)
		wlo, whi := tailQuantiles(slices.Clone(pooled[d]), pLo, pHi, math.Inf(1), math.Inf(-1), nil)
		assert.InDelta(t, wm, m, 1e-12*math.Abs(wm), "day %d", d)
		assert.InDelta(t, wv, v, 1e-10*wv, "day %d", d)
		assert.Equal(t, wlo, lo, "day %d", d)
		assert.Equal(t, whi, hi, "day %d", d)
	}
}

// BenchmarkLevelStatsAdd streams one kept draw of an 800-day level into a
// chain's sums and tails, the cuts those of a posterior 5% wider than the
// smoother's (as σ's uncertainty makes it).
func BenchmarkLevelStatsAdd(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	const kept, days = 1000, 800
	mean, sd := make([]float64, days), make([]float64, days)
	for d := range days {
		mean[d], sd[d] = 40+float64(d%50)*0.1, 0.5+0.001*float64(d)
	}
	c := newLevelCuts(mean, sd, 1.96, kept)
	rows := make([][]float32, 64)
	for k := range rows {
		rows[k] = make([]float32, days)
		for d := range rows[k] {
			rows[k][d] = float32(mean[d] + 1.05*sd[d]*r.NormFloat64())
		}
	}
	st := newLevelStats(days, c.room)
	i := 0
	for b.Loop() {
		if i%kept == 0 { // a chain's worth of draws: start another
			st = newLevelStats(days, c.room)
		}
		st.add(c, rows[i%64])
		i++
	}
}
