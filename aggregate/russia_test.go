package aggregate

import (
	"context"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/poll"
)

// russianPolls reads the three Putin approval series in testdata/russia
// (Levada monthly, FOM and VTsIOM weekly; see testdata/SOURCES.md) between
// from and to. Each row is one release dated by a single day: the poll is
// placed on that day (DateApprox); sample sizes and design effects come
// from the pollster profiles.
func russianPolls(t testing.TB, from, to time.Time) []poll.Poll {
	t.Helper()
	var ps []poll.Poll
	for _, f := range []struct{ file, pollster, dk string }{
		{"putin-approval-levada-1999.csv", "Levada", "No.Answer"},
		{"putin-approval-fom.csv", "FOM", "hard_to_say"},
		{"vciom-presidential-approval-2006.csv", "VTsIOM", ""},
	} {
		for i, r := range readCSVRecords(t, filepath.Join("..", "testdata", "russia", f.file)) {
			d, err := time.Parse(time.DateOnly, r["Date"])
			require.NoError(t, err)
			if d.Before(from) || d.After(to) {
				continue
			}
			// "NA" marks an unpublished value: NaN, never 0.
			num := func(s string) float64 {
				if s == "NA" || s == "" {
					return math.NaN()
				}
				return mustFloat(t, s)
			}
			if r["Approve"] == "NA" && r["Disapprove"] == "NA" {
				continue // a week without a release
			}
			u := math.NaN()
			if f.dk != "" {
				u = num(r[f.dk])
			}
			ps = append(ps, poll.Poll{Pollster: f.pollster, Question: "approval", Subject: "Putin", Start: d, End: d,
				Approve: num(r["Approve"]), Disapprove: num(r["Disapprove"]), Undecided: u,
				Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
				Flags: poll.DateApprox, Source: f.file, Line: i + 2})
		}
	}
	return ps
}

// rawGap is the mean difference between house's approve and Levada's over
// the months both published (house's releases averaged within a month).
func rawGap(ps []poll.Poll, house string) (gap float64, months int) {
	lev := map[string]float64{}
	sum, cnt := map[string]float64{}, map[string]int{}
	for _, p := range ps {
		m := p.End.Format("2006-01")
		switch p.Pollster {
		case "Levada":
			lev[m] = p.Approve
		case house:
			sum[m] += p.Approve
			cnt[m]++
		}
	}
	s := 0.0
	for m, v := range lev {
		if cnt[m] > 0 {
			s += sum[m]/float64(cnt[m]) - v
			months++
		}
	}
	return s / float64(months), months
}

// House effects of FOM and VTsIOM relative to Levada, 2012–2020, approve.
func TestRussiaHouseEffects(t *testing.T) {
	from, to := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 12, 31, 0, 0, 0, 0, time.UTC)
	ps := russianPolls(t, from, to)
	m := StateSpace{Shares: []Share{Approve}, Identify: ReferenceHouse("Levada")}
	res, err := m.Fit(context.Background(), ps)
	require.NoError(t, err)
	effects := map[string]HouseEffect{}
	for _, h := range res.Approve.Houses {
		effects[h.Pollster] = h
	}
	for _, house := range []string{"FOM", "VTsIOM"} {
		g, n := rawGap(ps, house)
		h := effects[house]
		t.Logf("%s − Levada: model %+.2f (SE %.2f, %d polls); raw monthly gap %+.2f over %d months", house, h.Value, h.SE, h.Polls, g, n)
		// The model's effect and the raw gap measure the same thing; they
		// differ by the timing within months and the weighting.
		assert.InDelta(t, g, h.Value, 1.0, house)
		assert.True(t, h.SE > 0 && h.SE < 1, "%s SE %v", house, h.SE)
	}
	assert.Less(t, effects["FOM"].Value, -2.0)
	assert.Greater(t, effects["FOM"].Value, -5.0)
	assert.Less(t, math.Abs(effects["VTsIOM"].Value), 1.5)
	t.Logf("σ̂ = %.3f ± %.3f points/day, τ̂ = %.2f points, %d polls", res.Approve.Params.Sigma, res.Approve.Params.SigmaSE, res.Approve.Params.Tau[""], len(ps))
	for _, d := range res.Approve.Diagnostics {
		t.Logf("diagnostic %s = %.3g (ok %v)", d.Name, d.Value, d.OK)
	}

	// The 2018 presidential election (official: 76.69% for Putin on 18
	// March) against Levada-referenced approval on that day; an
	// illustration of Compare, not a test of anything electoral (approval
	// is not a vote share).
	c, err := Compare(res, Official{Label: "Putin, official vote share 2018", Date: time.Date(2018, 3, 18, 0, 0, 0, 0, time.UTC), Value: 76.69, Causal: true})
	require.NoError(t, err)
	require.False(t, math.IsNaN(c.Gap) || math.IsNaN(c.GapSE))
	t.Logf("%s", c)

	// With modes split (Levada's 2020 telephone months, VTsIOM's
	// face-to-face years before 2017 and telephone since) the reference
	// is Levada face-to-face.
	m.SplitModes = true
	res, err = m.Fit(context.Background(), ps)
	require.NoError(t, err)
	for _, h := range res.Approve.Houses {
		t.Logf("split modes: %-20s %+.2f (SE %.2f, %d polls)", h.Pollster, h.Value, h.SE, h.Polls)
	}
	require.Len(t, res.Approve.Houses, 5)

	// All three shares on the default model: the means stay inside 0–100
	// and sum to at most 100.
	res, err = StateSpace{}.Fit(context.Background(), ps)
	require.NoError(t, err)
	for i := range res.Approve.Series {
		a, d, u := res.Approve.Series[i], res.Disapprove.Series[i], res.Undecided.Series[i]
		assert.LessOrEqual(t, a.Mean+d.Mean+u.Mean, 100+1e-9)
		for _, p := range []Point{a, d, u} {
			assert.True(t, p.Lower >= 0 && p.Upper <= 100, "%+v", p)
		}
	}
}
