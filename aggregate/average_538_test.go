package aggregate

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/poll"
)

// read538 returns the "All polls" rows of 538's Trump poll list (model
// date 2020-12-03; testdata/SOURCES.md).
func read538(tb testing.TB) []poll.Poll {
	tb.Helper()
	f, err := os.Open("../testdata/538/approval_polllist.csv")
	require.NoError(tb, err)
	defer f.Close()
	all := avgReadAll538(tb, f)
	var polls []poll.Poll
	for _, p := range all {
		if p.Subgroup == "All polls" {
			polls = append(polls, p)
		}
	}
	require.Len(tb, polls, 6712)
	return polls
}

// readAll538 reads every row of the poll list. Two rows (one poll listed
// under two subgroups) have a creation date before their end date; the
// reader rejects them, and nothing else.
func avgReadAll538(tb testing.TB, f *os.File) []poll.Poll {
	tb.Helper()
	all, err := poll.Read538(f)
	bad := poll.ParseErrors(err)
	require.Len(tb, bad, 2, "%v", err)
	assert.Equal(tb, 6564, bad[0].Line)
	assert.Equal(tb, 16071, bad[1].Line)
	require.ErrorIs(tb, err, poll.ErrDateOrder)
	return all
}

// read538Topline returns 538's daily "All polls" approve and disapprove
// estimates by model date.
func avgRead538Topline(tb testing.TB) (approve, disapprove map[time.Time]float64) {
	tb.Helper()
	f, err := os.Open("../testdata/538/donald_trump_approval_old_model.csv")
	require.NoError(tb, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(tb, err)
	require.Equal(tb, []string{"president", "subgroup", "modeldate", "approve_estimate"}, rows[0][:4])
	require.Equal(tb, "disapprove_estimate", rows[0][6])
	approve, disapprove = map[time.Time]float64{}, map[time.Time]float64{}
	for _, r := range rows[1:] {
		if r[1] != "All polls" {
			continue
		}
		d, err := time.Parse("1/2/2006", r[2])
		require.NoError(tb, err)
		a, err := strconv.ParseFloat(r[3], 64)
		require.NoError(tb, err)
		b, err := strconv.ParseFloat(r[6], 64)
		require.NoError(tb, err)
		approve[d], disapprove[d] = a, b
	}
	require.Len(tb, approve, 1459)
	return approve, disapprove
}

// pearson is the (weighted, when w is not nil) Pearson correlation.
func avgPearson(x, y, w []float64) float64 {
	var sw, mx, my float64
	for i := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		sw += wi
		mx += wi * x[i]
		my += wi * y[i]
	}
	mx /= sw
	my /= sw
	var sxy, sxx, syy float64
	for i := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		sxy += wi * (x[i] - mx) * (y[i] - my)
		sxx += wi * (x[i] - mx) * (x[i] - mx)
		syy += wi * (y[i] - my) * (y[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

// TestAverage538 is the acceptance test against FiveThirtyEight's own
// model on its Trump poll list ("All polls"):
//
//   - house effects: Pearson correlation with 538's approve −
//     adjusted_approve (one constant per pollster), over the pollsters
//     with at least 5 polls in 538's list, unweighted and weighted by
//     their number of polls, must be ≥ 0.9 — for approve and disapprove,
//     under three weightings: the default (538's weight as the quality
//     factor, times our sample-size and frequency factors), 538's weights
//     alone (WeightIsComplete), and no 538 weights (grade table);
//   - the causal series (Filtered) against 538's real-time topline: mean
//     absolute difference, logged and bounded;
//   - the poll band: share of house-adjusted polls inside it on their end
//     date (538's band holds 96.5%).
func TestAverage538(t *testing.T) {
	polls := read538(t)
	ref := map[string][2]float64{}
	count := map[string]int{}
	for _, p := range polls {
		ref[p.Pollster] = [2]float64{p.Approve - p.AdjustedApprove, p.Disapprove - p.AdjustedDisapprove}
		count[p.Pollster]++
	}
	topA, topD := avgRead538Topline(t)
	noWeights := make([]poll.Poll, len(polls))
	for i, p := range polls {
		p.Weight = 0
		noWeights[i] = p
	}
	for _, c := range []struct {
		name  string
		avg   Average
		polls []poll.Poll
	}{
		{"default", Average{}, polls},
		{"538 weights", Average{WeightIsComplete: true}, polls},
		{"grade weights", Average{}, noWeights},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := c.avg.Fit(context.Background(), c.polls)
			require.NoError(t, err)
			requireAvgFinite(t, res)
			for s, r := range []*ShareResult{res.Approve, res.Disapprove} {
				var x, y, w []float64
				for _, h := range r.Houses {
					if count[h.Pollster] >= 5 {
						x = append(x, h.Value)
						y = append(y, ref[h.Pollster][s])
						w = append(w, float64(count[h.Pollster]))
					}
				}
				unw, wtd := avgPearson(x, y, nil), avgPearson(x, y, w)
				t.Logf("%s house effects vs 538 (%d pollsters with ≥ 5 polls): r = %.3f, weighted by polls r = %.3f", r.Share, len(x), unw, wtd)
				assert.Equal(t, 49, len(x))
				assert.GreaterOrEqual(t, unw, 0.9)
				assert.GreaterOrEqual(t, wtd, 0.9)
			}
			for s, top := range []map[time.Time]float64{topA, topD} {
				r := []*ShareResult{res.Approve, res.Disapprove}[s]
				var sum, bias float64
				n := 0
				for _, p := range r.Filtered {
					if v, ok := top[p.Date]; ok {
						sum += math.Abs(p.Mean - v)
						bias += p.Mean - v
						n++
					}
				}
				t.Logf("%s causal average vs 538 topline over %d days: mean |difference| %.3f, mean difference %+.3f", r.Share, n, sum/float64(n), bias/float64(n))
				assert.Equal(t, 1410, n)
				assert.Less(t, sum/float64(n), 0.8)
			}
			for _, r := range []*ShareResult{res.Approve, res.Disapprove} {
				var sd, half float64
				for _, p := range r.Filtered {
					sd += p.SD / float64(len(r.Filtered))
					half += (p.Upper - p.Lower) / 2 / float64(len(r.Filtered))
				}
				t.Logf("%s trend SD σ̂ = %.3f ± %.3f points a day; causal average: mean SD %.2f, mean 95%% half-width %.2f points",
					r.Share, r.Params.Sigma, r.Params.SigmaSE, sd, half)
				assert.Greater(t, r.Params.Sigma, 3*r.Params.SigmaSE, "opinion moves: σ̂ is clearly positive")
			}
			he := map[string]float64{}
			for _, h := range res.Approve.Houses {
				he[h.Pollster] = h.Value
			}
			in, total := 0, 0
			for _, p := range c.polls {
				pt, ok := avgFilteredAt(res, p.End)
				if !ok {
					continue
				}
				total++
				if a := p.Approve - he[p.Pollster]; a >= pt.PollLower && a <= pt.PollUpper {
					in++
				}
			}
			cover := float64(in) / float64(total)
			t.Logf("house-adjusted polls inside the causal band on their end date: %.3f of %d", cover, total)
			assert.InDelta(t, 0.95, cover, 0.03)
		})
	}
}

// filteredAt returns the causal point on a day.
func avgFilteredAt(r *Result, d time.Time) (Point, bool) {
	i := sort.Search(len(r.Approve.Filtered), func(i int) bool { return !r.Approve.Filtered[i].Date.Before(d) })
	if i < len(r.Approve.Filtered) && r.Approve.Filtered[i].Date.Equal(d) {
		return r.Approve.Filtered[i], true
	}
	return Point{}, false
}

// TestAverage538AllSubgroups: fed every row of the poll list (each poll
// under "All polls" and again under "Adults" or "Voters"), the population
// choice and duplicate removal must reproduce the "All polls" fit.
func TestAverage538AllSubgroups(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the poll list twice")
	}
	f, err := os.Open("../testdata/538/approval_polllist.csv")
	require.NoError(t, err)
	defer f.Close()
	all := avgReadAll538(t, f)
	require.Len(t, all, 16199)
	avg := Average{WeightIsComplete: true}
	got, err := avg.Fit(context.Background(), all)
	require.NoError(t, err)
	want, err := avg.Fit(context.Background(), read538(t))
	require.NoError(t, err)
	wantHE := map[string]float64{}
	for _, h := range want.Approve.Houses {
		wantHE[h.Pollster] = h.Value
	}
	var x, y []float64
	for _, h := range got.Approve.Houses {
		if v, ok := wantHE[h.Pollster]; ok && h.Polls >= 5 {
			x = append(x, h.Value)
			y = append(y, v)
		}
	}
	assert.Greater(t, avgPearson(x, y, nil), 0.99)
}

// TestAverage538Populations: 538's "Voters" average uses LV > RV and its
// "Adults" average adults only. Fed every row of the poll list, Average
// with those Populations must reproduce each subgroup's house effects
// (r ≥ 0.9 over the pollsters with at least 5 polls in the subgroup).
func TestAverage538Populations(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the whole poll list")
	}
	f, err := os.Open("../testdata/538/approval_polllist.csv")
	require.NoError(t, err)
	defer f.Close()
	all := avgReadAll538(t, f)
	for _, c := range []struct {
		subgroup string
		pops     []poll.Population
		houses   int
	}{
		{"Voters", []poll.Population{poll.LikelyVoters, poll.RegisteredVoters, poll.Voters}, 36},
		{"Adults", []poll.Population{poll.Adults}, 27},
	} {
		ref := map[string]float64{}
		count := map[string]int{}
		for _, p := range all {
			if p.Subgroup == c.subgroup {
				ref[p.Pollster] = p.Approve - p.AdjustedApprove
				count[p.Pollster]++
			}
		}
		res, err := Average{Populations: c.pops}.Fit(context.Background(), all)
		require.NoError(t, err)
		var x, y, w []float64
		for _, h := range res.Approve.Houses {
			if count[h.Pollster] >= 5 {
				x = append(x, h.Value)
				y = append(y, ref[h.Pollster])
				w = append(w, float64(count[h.Pollster]))
			}
		}
		unw, wtd := avgPearson(x, y, nil), avgPearson(x, y, w)
		t.Logf("%s: approve house effects vs 538's %q (%d pollsters with ≥ 5 polls): r = %.3f, weighted r = %.3f", c.subgroup, c.subgroup, len(x), unw, wtd)
		assert.Equal(t, c.houses, len(x))
		assert.GreaterOrEqual(t, unw, 0.9)
		assert.GreaterOrEqual(t, wtd, 0.9)
	}
}

func BenchmarkAverage538(b *testing.B) {
	polls := read538(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := (Average{}).Fit(ctx, polls); err != nil {
			b.Fatal(err)
		}
	}
}
