package aggregate

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/poll"
)

// TestFilterImplementationsAgree: the two exact causal filters — one poll
// at a time on the inverse cross-product, one day at a time with a fresh
// solve (filtered picks the cheaper) — give the same series under every
// identification they share, on the peers' data and on data with ten
// polls a day and long gaps.
func TestFilterImplementationsAgree(t *testing.T) {
	dense := simulate(3, simSpec{days: 300, polls: 3000, houses: 6, sigma: 0.2, houseSD: 2, gaps: [][2]int{{50, 120}}, rare: 2, start: 45})
	// Houses that start polling one after another, at rates that make the
	// most-polled house (sum-to-zero's dependent one in filteredDaily,
	// which keeps it and the free columns from day to day) change hands.
	var late []poll.Poll
	rng := rand.New(rand.NewPCG(9, 9))
	d0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 900 {
		h := rng.IntN(1 + min(i/60, 7))
		d := d0.AddDate(0, 0, i/3)
		p := poll.New(fmt.Sprintf("H%03d", h), d, d.AddDate(0, 0, rng.IntN(3)), 40+float64(h)+rng.NormFloat64()*2, 50)
		p.SampleSize = 1000
		late = append(late, p)
	}
	for name, polls := range map[string][]poll.Poll{"peers": syntheticPolls(t), "ten a day": dense.polls, "late houses": late} {
		for _, id := range []Identification{SumToZero(), WeightedSumToZero(), ReferenceHouse("Elm"), ReferenceHouse("H002")} {
			m := StateSpace{Identify: id}
			pm, err := m.prepare(readSet(t, polls, m.rules()), Approve)
			if err != nil {
				continue // the reference house is not in this set
			}
			for _, sigma := range []float64{0.05, 0.3, 2} {
				tau := []float64{0.7}
				m1, s1, ok1, err := filteredInverse(context.Background(), pm.o, sigma, tau, pm.tauOf, pm.fid)
				require.NoError(t, err)
				m2, s2, ok2, err := filteredDaily(context.Background(), pm.o, sigma, tau, pm.tauOf, pm.fid)
				require.NoError(t, err)
				require.Equal(t, ok1, ok2)
				for d := range m1 {
					if ok1[d] {
						require.InDelta(t, m1[d], m2[d], 1e-9, "%s %v σ %v day %d", name, id, sigma, d)
						require.InDelta(t, s1[d], s2[d], 1e-9, "%s %v σ %v day %d", name, id, sigma, d)
					}
				}
			}
		}
	}
}
