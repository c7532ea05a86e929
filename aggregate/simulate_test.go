package aggregate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/candorpoll/candor/poll"
	"github.com/stretchr/testify/require"
)

// simSpec describes polls simulated from Jackman's model (with optional
// extra non-sampling noise), for the calibration tests and benchmarks.
type simSpec struct {
	days, polls, houses int
	sigma               float64   // daily random-walk sd, points
	houseSD             float64   // house effects ~ N(0, houseSD²)
	tau                 []float64 // extra sd per house (nil: none)
	gaps                [][2]int  // [from, to) day ranges without polls
	rare                int       // house index polled 20× less often; −1 none
	start               float64   // level on day 0
}

// simulated is a simulated data set and its truth.
type simulated struct {
	polls []poll.Poll
	alpha []float64 // true level per day
	delta []float64 // true house effects
}

var simOrigin = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

func simulate(seed uint64, sp simSpec) simulated {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	alpha := make([]float64, sp.days)
	alpha[0] = sp.start
	for t := 1; t < sp.days; t++ {
		alpha[t] = alpha[t-1] + sp.sigma*rng.NormFloat64()
	}
	delta := make([]float64, sp.houses)
	for h := range delta {
		delta[h] = sp.houseSD * rng.NormFloat64()
	}
	// House choice weights: the rare house 20× less often.
	w := make([]float64, sp.houses)
	tot := 0.0
	for h := range w {
		w[h] = 1
		if h == sp.rare {
			w[h] = 0.05
		}
		tot += w[h]
	}
	inGap := func(d int) bool {
		for _, g := range sp.gaps {
			if d >= g[0] && d < g[1] {
				return true
			}
		}
		return false
	}
	ps := make([]poll.Poll, 0, sp.polls)
	for len(ps) < sp.polls {
		mid := rng.IntN(sp.days)
		if inGap(mid) {
			continue
		}
		u := rng.Float64() * tot
		h := 0
		for ; h < sp.houses-1 && u >= w[h]; h++ {
			u -= w[h]
		}
		L := 1 + rng.IntN(5)
		start := mid - (L-1)/2
		if start < 0 || start+L-1 >= sp.days {
			continue
		}
		n := 800 + rng.IntN(1201)
		mu := alpha[mid] + delta[h]
		q := min(max(mu, 1), 99) / 100
		v := 1e4 * q * (1 - q) / float64(n)
		if sp.tau != nil {
			v += sp.tau[h] * sp.tau[h]
		}
		a := math.Round((mu+math.Sqrt(v)*rng.NormFloat64())*10) / 10
		und := math.Round(5*math.Exp(0.2*rng.NormFloat64())*10) / 10
		s := simOrigin.AddDate(0, 0, start)
		ps = append(ps, poll.Poll{
			Pollster: fmt.Sprintf("H%03d", h), Start: s, End: s.AddDate(0, 0, L-1), SampleSize: n,
			Approve: a, Disapprove: math.Round((100-a-und)*10) / 10, Undecided: und,
			Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
		})
	}
	return simulated{polls: ps, alpha: alpha, delta: delta}
}

// houseOf returns the index of a simulated house from its pollster name
// "H%03d" (−1 for any other name).
func houseOf(pollster string) int {
	j := -1
	if _, err := fmt.Sscanf(pollster, "H%03d", &j); err != nil {
		return -1
	}
	return j
}

// meanEffect returns the mean true house effect over the houses of a fit:
// what the smoothed level estimates on top of α_t under sum-to-zero
// identification.
func (sim simulated) meanEffect(houses []HouseEffect) float64 {
	s := 0.0
	for _, h := range houses {
		s += sim.delta[houseOf(h.Pollster)]
	}
	return s / float64(len(houses))
}

// smoothedCoverage counts the points of a smoothed series (one a day from
// its first date) whose interval covers the truth α_t + shift.
func (sim simulated) smoothedCoverage(pts []Point, shift float64) (in, n int) {
	off := dayIndex(simOrigin, pts[0].Date)
	for i, p := range pts {
		truth := sim.alpha[off+i] + shift
		n++
		if p.Lower <= truth && truth <= p.Upper {
			in++
		}
	}
	return in, n
}

// firstPollDays returns the first day (by fieldwork midpoint) on which
// each pollster polls.
func firstPollDays(polls []poll.Poll) map[string]int {
	first := map[string]int{}
	for _, p := range polls {
		d := dayIndex(simOrigin, p.Midpoint())
		if f, ok := first[p.Pollster]; !ok || d < f {
			first[p.Pollster] = d
		}
	}
	return first
}

// filteredTruth returns what the filtered level estimates on day d under
// sum-to-zero identification: α_d plus the mean true effect of the houses
// that had polled by then (first from firstPollDays).
func (sim simulated) filteredTruth(first map[string]int, d int) float64 {
	s, n := 0.0, 0
	for name, f := range first {
		if f <= d {
			s += sim.delta[houseOf(name)]
			n++
		}
	}
	return sim.alpha[d] + s/float64(n)
}

// dayIndex is the number of days from origin to t.
func dayIndex(origin, t time.Time) int { return dayNumber(t) - dayNumber(origin) }

// readSet reads polls through the input boundary, failing the test on an
// error.
func readSet(t testing.TB, polls []poll.Poll, r inputRules) *pollSet {
	t.Helper()
	ps, err := readPolls(polls, r)
	require.NoError(t, err)
	return ps
}
