package aggregate

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/candorpoll/candor/poll"
)

// averageSims overrides the number of simulations of TestAverageCoverage
// (go test ./aggregate -run TestAverageCoverage -average.sims 4000 -v).
var averageSims = flag.Int("average.sims", 0, "simulations in TestAverageCoverage (0 = 300, or 100 with -short)")

// day returns UTC midnight of 2024-01-01 plus d days.
func avgDay(d int) time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }

// mkPoll is a one-day poll with sample size n.
func avgTestPoll(pollster string, d, n int, approve, disapprove float64) poll.Poll {
	return poll.Poll{Pollster: pollster, Question: "approval", Start: avgDay(d), End: avgDay(d), SampleSize: n,
		Population: poll.Adults, Approve: approve, Disapprove: disapprove, Undecided: math.NaN(),
		Refused: math.NaN(), AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN()}
}

// requireFinite fails when any point of any share holds NaN or ±Inf, or
// leaves 0–100, or when approve + disapprove exceeds 100.
func requireAvgFinite(t *testing.T, r *Result) {
	t.Helper()
	for _, s := range r.Shares() {
		for _, set := range [][]Point{s.Series, s.Filtered} {
			for _, p := range set {
				for _, x := range []float64{p.Mean, p.SD, p.Lower, p.Upper, p.PollLower, p.PollUpper} {
					require.False(t, math.IsNaN(x) || math.IsInf(x, 0), "%s %s: %+v", s.Share, p.Date.Format(time.DateOnly), p)
				}
				require.True(t, p.Lower >= 0 && p.Upper <= 100 && p.PollLower >= 0 && p.PollUpper <= 100 && p.Lower <= p.Mean && p.Mean <= p.Upper,
					"%s %+v", s.Share, p)
			}
		}
		for _, h := range s.Houses {
			require.False(t, math.IsNaN(h.Value) || math.IsNaN(h.SE), "%s %+v", s.Share, h)
		}
	}
	if r.Approve != nil && r.Disapprove != nil {
		for i := range r.Approve.Series {
			sum := r.Approve.Series[i].Mean + r.Disapprove.Series[i].Mean
			if r.Undecided != nil {
				sum += r.Undecided.Series[i].Mean
			}
			require.LessOrEqual(t, sum, 100+1e-9)
		}
	}
}

func TestRecencyKernel(t *testing.T) {
	k, err := Recency{}.kernel()
	require.NoError(t, err)
	require.Len(t, k, 33)
	// Influence ratios read off 538's Trump poll list (testdata/538);
	// the default kernel is a fit to them within 0.03.
	for _, c := range []struct {
		age  int
		want float64
	}{{0, 1}, {3, 0.88}, {9, 0.5}, {10, 0.5}, {23, 0.06}, {30, 0.01}} {
		assert.InDelta(t, c.want, k[c.age], 0.035, "age %d", c.age)
	}
	h, err := Recency{HalfLife: 7, MaxAge: 21}.kernel()
	require.NoError(t, err)
	require.Len(t, h, 22)
	assert.InDelta(t, 0.5, h[7], 1e-15)
	assert.InDelta(t, 0.125, h[21], 1e-15)
	for _, bad := range []Recency{{Scale: -1}, {Shape: math.NaN()}, {MaxAge: -1}, {HalfLife: -2}, {HalfLife: math.Inf(1)}} {
		_, err := bad.kernel()
		assert.ErrorIs(t, err, ErrConfig, "%+v", bad)
	}
}

func TestGradeWeight(t *testing.T) {
	for _, c := range []struct {
		g    string
		want float64
		ok   bool
	}{{"A+", 1, true}, {" b− ", 0.25, true}, {"B-", 0.25, true}, {"A/B", 0.79, true}, {"", 0, false}, {"E", 0, false}} {
		w, ok := GradeWeight(c.g)
		assert.Equal(t, c.ok, ok, c.g)
		assert.Equal(t, c.want, w, c.g)
	}
	// Better grades never weigh less.
	order := []string{"D-", "D", "D+", "C-", "C", "C+", "B-", "B", "B+", "A-", "A", "A+"}
	for i := 1; i < len(order); i++ {
		lo, _ := GradeWeight(order[i-1])
		hi, _ := GradeWeight(order[i])
		assert.Less(t, lo, hi, "%s < %s", order[i-1], order[i])
	}
}

// TestAverageHandComputed checks the kernel averages against values
// computed by hand (python3, math.exp):
//
//	r(2) = exp(−(2/11.8)^1.64) = 0.9470290274510641
//	P1: day 0, n = 1000 (size factor 1), approve 40, disapprove 50
//	P2: day 2, n = 4000 (size factor √4 = 2), approve 46, disapprove 44
//	causal, day 2:  (40·r(2) + 46·2)/(r(2) + 2) = 44.07189745612346
//	                (50·r(2) + 44·2)/(r(2) + 2) = 45.928102543876534
//	centred, day 1: both polls 1 day away: (40 + 2·46)/3 = 44
func TestAverageHandComputed(t *testing.T) {
	polls := []poll.Poll{avgTestPoll("A", 0, 1000, 40, 50), avgTestPoll("B", 2, 4000, 46, 44)}
	res, err := Average{HouseEffects: Excluded}.Fit(context.Background(), polls)
	require.NoError(t, err)
	require.Len(t, res.Approve.Filtered, 3)
	require.Len(t, res.Approve.Series, 3)
	assert.InDelta(t, 40, res.Approve.Filtered[0].Mean, 1e-12)
	assert.InDelta(t, 44.07189745612346, res.Approve.Filtered[2].Mean, 1e-12)
	assert.InDelta(t, 45.928102543876534, res.Disapprove.Filtered[2].Mean, 1e-12)
	assert.InDelta(t, 100-44.07189745612346-45.928102543876534, res.Undecided.Filtered[2].Mean, 1e-12)
	assert.InDelta(t, 44, res.Approve.Series[1].Mean, 1e-12)
	p, ok := res.Approve.At(avgDay(1))
	require.True(t, ok)
	assert.Equal(t, res.Approve.Series[1], p)
	_, ok = res.Approve.At(avgDay(3))
	assert.False(t, ok)
	// With fewer than three polls the scatter is their sampling variance:
	// s² = mean(40·60/1000, 46·54/4000) = (2.4 + 0.621)/2, and on day 0
	// (one poll, n_eff = 1) SD = s.
	s2 := (2.4 + 0.621) / 2
	assert.InDelta(t, math.Sqrt(s2), res.Approve.Filtered[0].SD, 1e-12)
	assert.InDelta(t, 1.959963984540054*math.Sqrt(2*s2), res.Approve.Filtered[0].PollUpper-res.Approve.Filtered[0].Mean, 1e-9)
	requireAvgFinite(t, res)
}

// TestAverageHouseEffectsExact: noiseless polls at a constant 50 from two
// houses reporting +2 and −2, alternating days. The iteration must return
// the effects exactly (their residual spread is zero, so nothing is
// shrunk) and an average of exactly 50.
func TestAverageHouseEffectsExact(t *testing.T) {
	var polls []poll.Poll
	for d := range 60 {
		if d%2 == 0 {
			polls = append(polls, avgTestPoll("Plus", d, 1000, 52, 40))
		} else {
			polls = append(polls, avgTestPoll("Minus", d, 1000, 48, 44))
		}
	}
	res, err := Average{}.Fit(context.Background(), polls)
	require.NoError(t, err)
	require.Len(t, res.Approve.Houses, 2)
	he := map[string]HouseEffect{}
	for _, h := range res.Approve.Houses {
		he[h.Pollster] = h
	}
	assert.InDelta(t, 2, he["Plus"].Value, 1e-5)
	assert.InDelta(t, -2, he["Minus"].Value, 1e-5)
	assert.Equal(t, 30, he["Plus"].Polls)
	for _, p := range res.Approve.Series {
		assert.InDelta(t, 50, p.Mean, 1e-5)
	}
	for _, p := range res.Disapprove.Filtered {
		assert.InDelta(t, 42, p.Mean, 1e-5)
	}
	for _, h := range res.Undecided.Houses {
		// Plus: 100 − 52 − 40 = 8 against a consensus of 8: effect 0.
		assert.InDelta(t, 0, h.Value, 1e-5, h.Pollster)
	}
	requireAvgFinite(t, res)
	require.Len(t, res.Approve.Diagnostics, 1)
	assert.True(t, res.Approve.Diagnostics[0].OK)

	// One iteration is not enough: reported, not hidden.
	res, err = Average{MaxIter: 1}.Fit(context.Background(), polls)
	require.NoError(t, err)
	assert.False(t, res.Approve.Diagnostics[0].OK)
	assert.Contains(t, res.AllWarnings(), "approve: house effects did not converge in 1 iterations")
}

// simPolls draws polls around a random-walk truth (σ per day, start 45)
// from houses with the given effects; house h polls every gap[h] days with
// n = 1000, fieldwork 3 days.
func avgSimPolls(rng *rand.Rand, days int, sigma float64, effects []float64, gap []int) ([]poll.Poll, []float64) {
	truth := make([]float64, days)
	truth[0] = 45
	for d := 1; d < days; d++ {
		truth[d] = truth[d-1] + sigma*rng.NormFloat64()
	}
	var polls []poll.Poll
	names := []string{"Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"}
	for h, e := range effects {
		for d := rng.IntN(gap[h]) + 2; d < days; d += gap[h] {
			p := avgTestPoll(names[h], d-2, 1000, 0, 0)
			p.End = avgDay(d)
			a := truth[d-1] + e
			p.Approve = a + 100*math.Sqrt(a/100*(1-a/100)/1000)*rng.NormFloat64()
			p.Disapprove = 100 - p.Approve - 5
			polls = append(polls, p)
		}
	}
	return polls, truth
}

// TestAverageRecoversHouseEffects: simulated data with known house
// effects; differences between houses (free of the centring convention)
// must be recovered within 3 standard errors, and better than 0.5 points
// for the frequent houses.
func TestAverageRecoversHouseEffects(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	effects := []float64{3, -2, 1, 0, -2.5}
	polls, _ := avgSimPolls(rng, 400, 0.2, effects, []int{3, 4, 7, 10, 14})
	res, err := Average{}.Fit(context.Background(), polls)
	require.NoError(t, err)
	byName := map[string]HouseEffect{}
	for _, h := range res.Approve.Houses {
		byName[h.Pollster] = h
	}
	names := []string{"Alpha", "Beta", "Gamma", "Delta", "Epsilon"}
	for h := 1; h < len(effects); h++ {
		got := byName[names[h]].Value - byName[names[0]].Value
		want := effects[h] - effects[0]
		se := math.Hypot(byName[names[h]].SE, byName[names[0]].SE)
		assert.InDelta(t, want, got, 3*se, names[h])
		assert.InDelta(t, want, got, 0.5, names[h])
	}
	requireAvgFinite(t, res)
}

// TestAverageCoverage measures, over seeded simulations, how often the
// 95% interval for the average covers the true level, for the causal
// (Filtered) and centred (Series) averages, and how often the causal poll
// band covers a new poll from an average house. The truth is constant or a
// random walk moving σ = 0.1, 0.3 or 0.5 points a day; four houses poll
// every 3, 5, 7 and 9 days (n = 1000; avgSimPolls). σ is estimated in every
// fit. Two designs: a year of polls (checked on day 180 and on the last
// day, where the centred window is one-sided) and a short series of 120
// days (days 60 and 119), where σ̂ rests on about 90 polls and the
// Student-t allowance for its uncertainty makes the interval conservative
// at constant truth. The default run is a fast subset (100 simulations per
// case, 40 with -short, bounds widened by two binomial SEs); the full run
// is
//
//	go test ./aggregate -run TestAverageCoverage -average.sims 3000 -v
//
// in which the year's intervals must cover 93–97% and the short series'
// 93–98%, and the band 93–97%.
func TestAverageCoverage(t *testing.T) {
	t.Parallel() // independent of the other tests; among the slowest of the package
	sims := 100
	if testing.Short() {
		sims = 40
	}
	if *averageSims > 0 {
		sims = *averageSims
	}
	type cover struct{ filtered, series, band [2]int }
	run := func(days int, check [2]int, sigma float64, avg Average) (c cover, sigmaHat float64) {
		rng := rand.New(rand.NewPCG(uint64(days), uint64(1000*sigma)))
		for range sims {
			polls, truth := avgSimPolls(rng, days, sigma, []float64{0, 0, 0, 0}, []int{3, 5, 7, 9})
			avg.Start, avg.End = avgDay(0), avgDay(days-1)
			res, err := avg.Fit(context.Background(), polls)
			require.NoError(t, err)
			sigmaHat += res.Approve.Params.Sigma / float64(sims)
			for k, d := range check {
				f, s := res.Approve.Filtered[d], res.Approve.Series[d]
				require.Equal(t, avgDay(d), f.Date)
				a := truth[d]
				if a >= f.Lower && a <= f.Upper {
					c.filtered[k]++
				}
				if a >= s.Lower && a <= s.Upper {
					c.series[k]++
				}
				newPoll := a + 100*math.Sqrt(a/100*(1-a/100)/1000)*rng.NormFloat64()
				if newPoll >= f.PollLower && newPoll <= f.PollUpper {
					c.band[k]++
				}
			}
		}
		return c, sigmaHat
	}
	// Binomial SE at 95%: 0.4 points with 3000 simulations, 2.2 with 100.
	se := math.Sqrt(0.95 * 0.05 / float64(sims))
	slack := 0.0
	if sims < 1000 {
		slack = 2 * se
	}
	frac := func(n int) float64 { return float64(n) / float64(sims) }
	for _, design := range []struct {
		name  string
		days  int
		check [2]int
		upper float64
	}{{"a year", 365, [2]int{180, 364}, 0.97}, {"120 days", 120, [2]int{60, 119}, 0.98}} {
		for _, sigma := range []float64{0, 0.1, 0.3, 0.5} {
			c, sigmaHat := run(design.days, design.check, sigma, Average{})
			for k, d := range design.check {
				t.Logf("%s, σ = %.1f/day (mean σ̂ %.3f), day %3d: interval coverage causal %.3f, centred %.3f; band %.3f (%d simulations)",
					design.name, sigma, sigmaHat, d, frac(c.filtered[k]), frac(c.series[k]), frac(c.band[k]), sims)
				for name, x := range map[string]int{"causal": c.filtered[k], "centred": c.series[k]} {
					assert.GreaterOrEqual(t, frac(x), 0.93-slack, "%s σ = %v day %d %s", design.name, sigma, d, name)
					assert.LessOrEqual(t, frac(x), design.upper+slack, "%s σ = %v day %d %s", design.name, sigma, d, name)
				}
				assert.InDelta(t, 0.95, frac(c.band[k]), 0.02+slack, "band: %s σ = %v day %d", design.name, sigma, d)
			}
		}
	}
	// Without the trend error the interval is the old one: it under-covers
	// when the truth moves.
	c, _ := run(120, [2]int{60, 119}, 0.3, Average{TrendError: Excluded})
	t.Logf("120 days, σ = 0.3/day, NoTrendError: interval coverage causal %.3f, centred %.3f (day 60)", frac(c.filtered[0]), frac(c.series[0]))
	assert.Less(t, frac(c.filtered[0]), 0.9)
}

func TestDedupeTracking(t *testing.T) {
	// Rolling 3-day releases ending on days 2…9 (starts 0…7), plus one
	// non-tracking poll. Greedy from the latest: keep 9 (7–9), then 6
	// (4–6), then 3 (1–3); 2 (0–2) overlaps 3.
	var ps []avgPoll
	for e := 2; e <= 9; e++ {
		ps = append(ps, avgPoll{house: 0, start: e - 2, end: e, tracking: true})
	}
	ps = append(ps, avgPoll{house: 1, start: 5, end: 5})
	dropped := dedupeTracking(&ps)
	assert.Equal(t, 5, dropped)
	var ends []int
	for _, p := range ps {
		if p.house == 0 {
			ends = append(ends, p.end)
		}
	}
	slices.Sort(ends)
	assert.Equal(t, []int{3, 6, 9}, ends)
	assert.Len(t, ps, 4)
}

func TestAverageTrackingRules(t *testing.T) {
	var polls []poll.Poll
	for e := 2; e < 40; e++ {
		p := avgTestPoll("Daily", e-2, 1500, 44, 50)
		p.End = avgDay(e)
		p.Flags = poll.Tracking
		polls = append(polls, p)
	}
	for e := 3; e < 40; e += 7 {
		polls = append(polls, avgTestPoll("Weekly", e, 1000, 40, 52))
	}
	count := func(r *Result, name string) int {
		for _, h := range r.Approve.Houses {
			if h.Pollster == name {
				return h.Polls
			}
		}
		return -1
	}
	res, err := Average{}.Fit(context.Background(), polls)
	require.NoError(t, err)
	assert.Equal(t, 13, count(res, "Daily"), "ends 39, 36, …, 3")
	assert.Contains(t, res.AllWarnings(), "25 overlapping tracking releases were dropped (non-overlapping rule)")
	for _, rule := range []TrackingRule{TrackingDownweight, TrackingKeepAll} {
		res, err := Average{Tracking: rule}.Fit(context.Background(), polls)
		require.NoError(t, err)
		assert.Equal(t, 38, count(res, "Daily"))
	}
	// Down-weighting by the 3-day field period lowers the daily house's
	// weight, so the average moves toward the weekly house's level in
	// raw terms (no house effects here).
	keep, err := Average{Tracking: TrackingKeepAll, HouseEffects: Excluded}.Fit(context.Background(), polls)
	require.NoError(t, err)
	down, err := Average{Tracking: TrackingDownweight, HouseEffects: Excluded}.Fit(context.Background(), polls)
	require.NoError(t, err)
	assert.Less(t, down.Approve.Series[20].Mean, keep.Approve.Series[20].Mean)
}

func TestAveragePopulationChoice(t *testing.T) {
	mk := func(pop poll.Population, approve float64) poll.Poll {
		p := avgTestPoll("X", 0, 1000, approve, 50)
		p.Population = pop
		return p
	}
	polls := []poll.Poll{mk(poll.LikelyVoters, 46), mk(poll.RegisteredVoters, 44), mk(poll.Adults, 40)}
	res, err := Average{}.Fit(context.Background(), polls)
	require.NoError(t, err)
	assert.InDelta(t, 40, res.Approve.Series[0].Mean, 1e-12, "adults first")
	res, err = Average{Populations: []poll.Population{poll.LikelyVoters, poll.RegisteredVoters}}.Fit(context.Background(), polls)
	require.NoError(t, err)
	assert.InDelta(t, 46, res.Approve.Series[0].Mean, 1e-12, "likely voters first")
	// Two questions of one identified poll (538's poll_id/question_id) in
	// one population are averaged; an exact copy (538 lists each poll
	// under several subgroups) counts once.
	for i := range polls {
		polls[i].ID = "77/1"
	}
	q2 := mk(poll.Adults, 42)
	q2.ID = "77/2"
	dup := mk(poll.Adults, 40)
	dup.Subgroup, dup.ID = "Adults", "77/1"
	res, err = Average{}.Fit(context.Background(), append(polls, q2, dup))
	require.NoError(t, err)
	assert.InDelta(t, 41, res.Approve.Series[0].Mean, 1e-12)
	assert.Equal(t, 1, res.Approve.Houses[0].Polls)
	w := strings.Join(res.AllWarnings(), "\n")
	assert.Contains(t, w, "1 rows repeat a poll exactly (one poll listed under several subgroups) and were counted once")
	assert.Contains(t, w, "1 poll versions (several questions or rows of one poll in one population) were averaged into their poll")
	assert.Contains(t, w, "2 rows are another population's version of a poll used in a preferred population, and were not used")
	// Without an ID, rows with different numbers on the same dates are
	// different polls: both count.
	q2.ID, polls[2].ID = "", ""
	res, err = Average{}.Fit(context.Background(), []poll.Poll{polls[2], q2})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Approve.Houses[0].Polls)
	// Only adults accepted, none given.
	_, err = Average{Populations: []poll.Population{poll.Voters}}.Fit(context.Background(), polls)
	assert.ErrorIs(t, err, ErrNoPolls)
}

func TestAverageWeights(t *testing.T) {
	// Two pollsters on the same day: the average is their weighted mean,
	// so it reveals the weights. Grade A+ (1) against B− (0.25).
	a := avgTestPoll("Good", 0, 1000, 40, 50)
	a.Grade = "A+"
	b := avgTestPoll("Poor", 0, 1000, 50, 40)
	b.Grade = "B-"
	fit := func(avg Average, ps ...poll.Poll) float64 {
		res, err := avg.Fit(context.Background(), ps)
		require.NoError(t, err)
		return res.Approve.Filtered[0].Mean
	}
	assert.InDelta(t, (40*1+50*0.25)/1.25, fit(Average{HouseEffects: Excluded}, a, b), 1e-12)
	// PollsterWeights override grades; a poll's own Weight overrides both.
	assert.InDelta(t, (40*1+50*3)/4.0, fit(Average{HouseEffects: Excluded, PollsterWeights: map[string]float64{"Poor": 3}}, a, b), 1e-12)
	b.Weight = 1
	assert.InDelta(t, 45, fit(Average{HouseEffects: Excluded, PollsterWeights: map[string]float64{"Poor": 3}}, a, b), 1e-12)
	// Sample size: √(n/n₀) capped at 2; unknown n gets factor 1.
	a.Grade, b.Grade, b.Weight = "", "", 0
	b.SampleSize = 9000
	assert.InDelta(t, (40*1+50*2)/3.0, fit(Average{HouseEffects: Excluded}, a, b), 1e-12)
	assert.InDelta(t, (40*1+50*3)/4.0, fit(Average{HouseEffects: Excluded, SampleSizeCap: 10}, a, b), 1e-12)
	b.SampleSize = 0
	assert.InDelta(t, 45, fit(Average{HouseEffects: Excluded}, a, b), 1e-12)
	// WeightIsComplete: the supplied weight is used as is.
	a.Weight, b.Weight, b.SampleSize = 1, 3, 9000
	assert.InDelta(t, (40*1+50*3)/4.0, fit(Average{HouseEffects: Excluded, WeightIsComplete: true}, a, b), 1e-12)
	// Frequency: four polls of "Often" in the window, discounted by 4^−½
	// each, against one of "Rare": weights 4·½ = 2 and 1.
	rare := avgTestPoll("Rare", 3, 1000, 40, 50)
	var ps []poll.Poll
	for d := range 4 {
		ps = append(ps, avgTestPoll("Often", 3, 1000, 49+float64(d), 40))
		ps[d].Start = avgDay(d)
	}
	ps = append(ps, rare)
	// On day 3 every poll ends that day: the mean of Often is 50.5.
	assert.InDelta(t, (40*1+50.5*2)/3, fit(Average{HouseEffects: Excluded}, ps...), 1e-12)
	assert.InDelta(t, (40*1+50.5*4)/5, fit(Average{HouseEffects: Excluded, FrequencyDiscount: Excluded}, ps...), 1e-12)
}

func TestAverageDegenerate(t *testing.T) {
	ctx := context.Background()
	t.Run("no polls", func(t *testing.T) {
		_, err := Average{}.Fit(ctx, nil)
		assert.ErrorIs(t, err, ErrNoPolls)
	})
	t.Run("one poll", func(t *testing.T) {
		res, err := Average{}.Fit(ctx, []poll.Poll{avgTestPoll("Solo", 0, 1000, 40, 50)})
		require.NoError(t, err)
		require.Len(t, res.Approve.Series, 1)
		assert.InDelta(t, 40, res.Approve.Series[0].Mean, 1e-12)
		assert.InDelta(t, 0, res.Approve.Houses[0].Value, 0)
		requireAvgFinite(t, res)
	})
	t.Run("one pollster", func(t *testing.T) {
		var ps []poll.Poll
		for d := range 30 {
			ps = append(ps, avgTestPoll("Solo", d, 1000, 40+float64(d%3), 50))
		}
		res, err := Average{}.Fit(ctx, ps)
		require.NoError(t, err)
		assert.Equal(t, 0.0, res.Approve.Houses[0].Value)
		requireAvgFinite(t, res)
	})
	t.Run("all on one day", func(t *testing.T) {
		ps := []poll.Poll{avgTestPoll("A", 5, 1000, 40, 50), avgTestPoll("B", 5, 800, 44, 50), avgTestPoll("C", 5, 1200, 42, 51)}
		res, err := Average{}.Fit(ctx, ps)
		require.NoError(t, err)
		require.Len(t, res.Approve.Series, 1)
		requireAvgFinite(t, res)
	})
	t.Run("0 and 100", func(t *testing.T) {
		ps := []poll.Poll{avgTestPoll("A", 0, 1000, 100, 0), avgTestPoll("B", 1, 1000, 0, 100), avgTestPoll("A", 2, 1000, 100, 0),
			avgTestPoll("B", 3, 1000, 0, 100), avgTestPoll("C", 3, 1000, 100, 0)}
		res, err := Average{}.Fit(ctx, ps)
		require.NoError(t, err)
		requireAvgFinite(t, res)
	})
	t.Run("no sample sizes, unknown pollster", func(t *testing.T) {
		ps := []poll.Poll{avgTestPoll("Nobody Knows", 0, 0, 40, 50), avgTestPoll("Somebody", 1, 0, 44, 50)}
		res, err := Average{}.Fit(ctx, ps)
		require.NoError(t, err)
		assert.Contains(t, res.AllWarnings(), "2 polls have no sample size: imputed from the pollster's median (0), its profile (0), or 1000 (2); Result.Imputed lists each")
		require.Len(t, res.Imputed, 2)
		assert.Equal(t, float64(DefaultSampleSize), res.Imputed[1].Value)
		requireAvgFinite(t, res)
	})
	t.Run("approve only", func(t *testing.T) {
		ps := []poll.Poll{avgTestPoll("A", 0, 1000, 40, math.NaN()), avgTestPoll("B", 3, 1000, 44, math.NaN())}
		res, err := Average{}.Fit(ctx, ps)
		require.NoError(t, err)
		assert.Nil(t, res.Disapprove)
		assert.Nil(t, res.Undecided)
		requireAvgFinite(t, res)
	})
	t.Run("disapprove only", func(t *testing.T) {
		// The shares no poll publishes are left out with a warning, unless
		// asked for by name.
		res, err := Average{}.Fit(ctx, []poll.Poll{avgTestPoll("A", 0, 1000, math.NaN(), 50)})
		require.NoError(t, err)
		assert.Nil(t, res.Approve)
		require.NotNil(t, res.Disapprove)
		assert.InDelta(t, 50, res.Disapprove.Series[0].Mean, 1e-9)
		assert.Contains(t, strings.Join(res.Warnings, "\n"), "approve not estimated")
		_, err = Average{Shares: []Share{Approve}}.Fit(ctx, []poll.Poll{avgTestPoll("A", 0, 1000, math.NaN(), 50)})
		assert.ErrorIs(t, err, ErrNoPolls)
	})
	t.Run("gap longer than the window", func(t *testing.T) {
		ps := []poll.Poll{avgTestPoll("A", 0, 1000, 40, 50), avgTestPoll("A", 100, 1000, 44, 50)}
		res, err := Average{}.Fit(ctx, ps)
		require.NoError(t, err)
		requireAvgFinite(t, res)
		assert.InDelta(t, 40, res.Approve.Filtered[50].Mean, 1e-12, "carried forward")
		assert.NotEmpty(t, res.AllWarnings())
		// Carried days: the random walk's variance grows by σ² a day.
		res, err = Average{TrendSD: 0.2}.Fit(ctx, ps)
		require.NoError(t, err)
		sd := func(d int) float64 { return res.Approve.Filtered[d].SD }
		assert.InDelta(t, 10*0.04, sd(50)*sd(50)-sd(40)*sd(40), 1e-9)
		assert.Greater(t, sd(40), sd(20))
	})
	t.Run("start before the first poll", func(t *testing.T) {
		res, err := Average{Start: avgDay(-60), End: avgDay(3)}.Fit(ctx, []poll.Poll{avgTestPoll("A", 0, 1000, 40, 50)})
		require.NoError(t, err)
		require.Len(t, res.Approve.Series, 64)
		requireAvgFinite(t, res)
	})
	t.Run("start after the last poll", func(t *testing.T) {
		_, err := Average{Start: avgDay(10)}.Fit(ctx, []poll.Poll{avgTestPoll("A", 0, 1000, 40, 50)})
		assert.ErrorIs(t, err, ErrConfig)
	})
	t.Run("invalid poll", func(t *testing.T) {
		bad := avgTestPoll("A", 0, 1000, 140, 50)
		bad.Source, bad.Line = "polls.csv", 7
		_, err := Average{}.Fit(ctx, []poll.Poll{avgTestPoll("A", 0, 1000, 40, 50), bad})
		require.ErrorIs(t, err, ErrInvalidPoll)
		assert.ErrorIs(t, err, poll.ErrShareRange)
		var pe *PollError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, 1, pe.Index)
		assert.Contains(t, err.Error(), "polls.csv:7")
	})
	t.Run("cancelled", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		ps := []poll.Poll{avgTestPoll("A", 0, 1000, 40, 50), avgTestPoll("B", 1, 1000, 44, 50), avgTestPoll("A", 2, 1000, 41, 50)}
		_, err := Average{}.Fit(c, ps)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// TestAverageTrendSD: a fixed σ is used as given, with normal quantiles;
// NoTrendError drops the trend term; an estimated σ is reported with its
// SE, and its interval uses Student's t (wider than z·SD).
func TestAverageTrendSD(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	polls, _ := avgSimPolls(rng, 200, 0.3, []float64{1, -1, 0.5}, []int{2, 5, 9})
	z := 1.959963984540054
	fixed, err := Average{TrendSD: 0.25}.Fit(context.Background(), polls)
	require.NoError(t, err)
	assert.Equal(t, 0.25, fixed.Approve.Params.Sigma)
	assert.Equal(t, 0.0, fixed.Approve.Params.SigmaSE)
	none, err := Average{TrendError: Excluded}.Fit(context.Background(), polls)
	require.NoError(t, err)
	assert.Equal(t, 0.0, none.Approve.Params.Sigma)
	est, err := Average{}.Fit(context.Background(), polls)
	require.NoError(t, err)
	assert.Greater(t, est.Approve.Params.Sigma, 0.1)
	assert.Greater(t, est.Approve.Params.SigmaSE, 0.0)
	assert.InDelta(t, est.Approve.Params.Other["sigma2_se"]/(2*est.Approve.Params.Sigma), est.Approve.Params.SigmaSE, 1e-12)
	for _, d := range []int{20, 100, len(fixed.Approve.Filtered) - 1} {
		f, n, e := fixed.Approve.Filtered[d], none.Approve.Filtered[d], est.Approve.Filtered[d]
		assert.InDelta(t, z*f.SD, f.Upper-f.Mean, 1e-9)
		assert.InDelta(t, z*n.SD, n.Upper-n.Mean, 1e-9)
		assert.Greater(t, f.SD, n.SD, "the trend term adds variance")
		assert.Greater(t, e.Upper-e.Mean, z*e.SD, "t quantile for an estimated σ")
		assert.Equal(t, f.Mean, n.Mean, "the mean does not depend on σ")
		assert.Equal(t, f.Mean, e.Mean)
	}
}

func TestAverageConfigErrors(t *testing.T) {
	ps := []poll.Poll{avgTestPoll("A", 0, 1000, 40, 50)}
	for name, a := range map[string]Average{
		"level":     {Level: 1.5},
		"n0":        {SampleSizeRef: -1},
		"cap":       {SampleSizeCap: math.NaN()},
		"tracking":  {Tracking: 9},
		"freq":      {FrequencyPower: -1},
		"window":    {FrequencyWindow: -3},
		"housesd":   {HouseSD: math.Inf(1)},
		"iter":      {MaxIter: -1},
		"tol":       {Tol: -1},
		"weights":   {PollsterWeights: map[string]float64{"A": -1}},
		"pops":      {Populations: []poll.Population{}},
		"end<start": {Start: avgDay(5), End: avgDay(1)},
		"recency":   {Recency: Recency{Shape: -1}},
		"trendsd":   {TrendSD: -0.1},
		"term":      {HouseEffects: 7},
		"shares":    {Shares: []Share{Approve, Approve}},
	} {
		_, err := a.Fit(context.Background(), ps)
		assert.ErrorIs(t, err, ErrConfig, name)
	}
}

// TestAverageDeterministic: the same input gives the same bytes, and the
// input is not modified.
func TestAverageDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	polls, _ := avgSimPolls(rng, 200, 0.2, []float64{1, -1, 0.5}, []int{2, 5, 9})
	polls[3].Flags |= poll.Tracking
	orig := slices.Clone(polls)
	var out [2]bytes.Buffer
	for i := range out {
		res, err := Average{}.Fit(context.Background(), polls)
		require.NoError(t, err)
		require.NoError(t, res.WriteJSON(&out[i]))
	}
	assert.Equal(t, out[0].Bytes(), out[1].Bytes())
	for i := range polls {
		assert.Equal(t, orig[i].String(), polls[i].String())
	}
}

func TestAverageErrorsWrap(t *testing.T) {
	nan := math.NaN()
	_, err := Average{}.Fit(context.Background(), []poll.Poll{{Approve: nan, Disapprove: nan, Undecided: nan, Refused: nan}})
	var pe *PollError
	require.True(t, errors.As(err, &pe))
	assert.ErrorIs(t, err, poll.ErrNoShares)
	assert.ErrorIs(t, err, poll.ErrDate)
}

// TestAverageRussia: on the Levada (monthly), FOM and VTsIOM (weekly)
// Putin approval series, 2012–2020 (testdata/russia; loaded by
// russianPolls), the house effects of FOM and VTsIOM relative to Levada
// must match the raw monthly gaps (about −3.5 and −0.3 points) and carry
// standard errors.
func TestAverageRussia(t *testing.T) {
	from, to := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2020, 12, 31, 0, 0, 0, 0, time.UTC)
	ps := russianPolls(t, from, to)
	res, err := Average{}.Fit(context.Background(), ps)
	require.NoError(t, err)
	requireAvgFinite(t, res)
	he := map[string]HouseEffect{}
	for _, h := range res.Approve.Houses {
		he[h.Pollster] = h
	}
	lev := he["Levada"]
	for _, house := range []string{"FOM", "VTsIOM"} {
		g, n := rawGap(ps, house)
		h := he[house]
		rel := h.Value - lev.Value
		se := math.Hypot(h.SE, lev.SE)
		t.Logf("%s − Levada: Average %+.2f (SE %.2f; %d vs %d polls); raw monthly gap %+.2f over %d months", house, rel, se, h.Polls, lev.Polls, g, n)
		assert.InDelta(t, g, rel, 1.0, house)
		assert.True(t, se > 0 && se < 1, "%s SE %v", house, se)
	}
	t.Logf("house SD σ_h = %.2f; last day %s approve %.1f [%.1f, %.1f]", res.Approve.Params.Other["house_sd"],
		res.Approve.Filtered[len(res.Approve.Filtered)-1].Date.Format(time.DateOnly), res.Approve.Filtered[len(res.Approve.Filtered)-1].Mean,
		res.Approve.Filtered[len(res.Approve.Filtered)-1].Lower, res.Approve.Filtered[len(res.Approve.Filtered)-1].Upper)
}

// FuzzAverage: any set of valid polls gives a result inside 0–100 with no
// NaN, or an error; never a panic. Each 6-byte group of the input is one
// poll: pollster, day, field days, sample size, approve, disapprove.
func FuzzAverage(f *testing.F) {
	f.Add([]byte{0, 0, 0, 10, 40, 50, 1, 3, 2, 20, 45, 45, 2, 200, 0, 0, 100, 0})
	f.Add([]byte{0, 0, 0, 0, 0, 0})
	f.Add([]byte{0, 5, 0, 1, 255, 255, 0, 5, 0, 1, 0, 255, 1, 5, 1, 1, 100, 0, 2, 5, 2, 1, 0, 100})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 600 {
			return
		}
		var ps []poll.Poll
		for i := 0; i+6 <= len(data); i += 6 {
			b := data[i : i+6]
			a := float64(b[4]) * 100 / 255
			d := math.Min(float64(b[5])*100/255, 100-a)
			p := avgTestPoll(string(rune('A'+b[0]%5)), int(b[1]), 100*int(b[3]), a, d)
			p.End = avgDay(int(b[1]) + int(b[2]%10))
			if b[2]&0x80 != 0 {
				p.Flags |= poll.Tracking
			}
			if b[0]&0x40 != 0 {
				p.Disapprove = math.NaN()
			}
			ps = append(ps, p)
		}
		res, err := Average{}.Fit(context.Background(), ps)
		if err != nil {
			require.ErrorIs(t, err, ErrNoPolls)
			return
		}
		requireAvgFinite(t, res)
	})
}

func TestTQuantile(t *testing.T) {
	for _, level := range []float64{0.8, 0.95, 0.99} {
		z := distuv.UnitNormal.Quantile(0.5 + level/2)
		for _, nu := range []float64{0.5, 1, 3, 5, 6, 8, 12, 30, 100, 1e6, 1e12} {
			want := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(0.5 + level/2)
			if nu >= 1e6 {
				want = z // gonum's inversion is not accurate that far out
			}
			assert.InDelta(t, want, tQuantile(z, level, nu), 4e-4*want, "level %v ν %v", level, nu)
		}
	}
}

// TestAverageWindowTerms checks window.at against hand-computed values
// (kernel of ones, M = 4).
func TestAverageWindowTerms(t *testing.T) {
	c := &avgConfig{kernel: []float64{1, 1, 1, 1, 1}}
	// Causal, day 3: poll 0 (house 0, w 1, mid 0, end 1) and poll 1
	// (house 1, w 3, mid 2, end 2) have shares ¼ and ¾, ages 3 and 1:
	// lag = T₁² + T₂² + T₃² = 1 + 1/16 + 1/16 = 1.125 (= ΣΣπᵢπⱼ min(aᵢ, aⱼ)),
	// spread = ½ΣΣπᵢπⱼ|mᵢ − mⱼ| = ¼·¾·2 = 0.375. Poll 2 (house 0, w 4,
	// day 10) is outside the window but makes Π = (5/8, 3/8); with SEs 1
	// and 2, house = (¼ − 5/8)²·1 + (¾ − 3/8)²·4 = 0.703125.
	o := &shareObs{w: []float64{1, 3, 4}, house: []int{0, 1, 0}, start: []int{0, 2, 10}, end: []int{1, 2, 10}, mid: []int{0, 2, 10}, nHouses: 2}
	w := newWindow(c, o, false, []float64{1, 2})
	lag, spread, house := w.at(3, 3, -1)
	assert.InDelta(t, 1.125, lag, 1e-12)
	assert.InDelta(t, 0.375, spread, 1e-12)
	assert.InDelta(t, 0.703125, house, 1e-12)
	// Day 11: only poll 2 (age 1): lag 1, spread 0, π = (1, 0):
	// house = (3/8)²·1 + (3/8)²·4.
	lag, spread, house = w.at(11, 11, -1)
	assert.InDelta(t, 1, lag, 1e-12)
	assert.InDelta(t, 0, spread, 1e-12)
	assert.InDelta(t, 9.0/64*5, house, 1e-12)
	// Centred, day 5: midpoints 3, 6, 5 with weights 1, 1, 2 (shares ¼,
	// ¼, ½): past T₁ = T₂ = ¼, future T₁ = ¼; lag = 2/16 + 1/16; the two
	// sides are independent.
	o = &shareObs{w: []float64{1, 1, 2}, house: []int{0, 0, 0}, start: []int{3, 6, 5}, end: []int{3, 6, 5}, mid: []int{3, 6, 5}, nHouses: 1}
	w = newWindow(c, o, true, nil)
	lag, spread, house = w.at(5, 5, -1)
	assert.InDelta(t, 3.0/16, lag, 1e-12)
	// spread: pairs (3,6): ¼·¼·3, (3,5): ¼·½·2, (6,5): ¼·½·1.
	assert.InDelta(t, 3.0/16+1.0/4+1.0/8, spread, 1e-12)
	assert.Equal(t, 0.0, house)
	// About poll 2's own midpoint (5), itself left out: midpoints 3 and 6,
	// shares ½ and ½: lag = past (½)²·2 + future (½)²·1 = 0.75.
	lag, _, _ = w.at(5, 5, 2)
	assert.InDelta(t, 0.75, lag, 1e-12)
}

// TestAverageVariogram checks the day-binned pair sums against a direct
// loop over pairs (same-house pairs with overlapping fieldwork left out),
// and the estimator over simulations: σ̂² is unbiased within its standard
// error and the parametric-bootstrap SE matches the spread of σ̂² across
// simulations within 25%.
func TestAverageVariogram(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	n, M := 300, 32
	o := &shareObs{nHouses: 3}
	x := make([]float64, n)
	for i := range n {
		s := rng.IntN(200)
		e := s + rng.IntN(6)
		o.start, o.end, o.mid = append(o.start, s), append(o.end, e), append(o.mid, (s+e)/2)
		o.house = append(o.house, rng.IntN(3))
		x[i] = 50 + 3*rng.NormFloat64()
	}
	v := newVariogram(o, M)
	v.fit(x)
	N, Q := make([]float64, M+1), make([]float64, M+1)
	for i := range n {
		for j := i + 1; j < n; j++ {
			h := abs(o.mid[i] - o.mid[j])
			overlap := o.house[i] == o.house[j] && o.start[i] <= o.end[j] && o.start[j] <= o.end[i]
			if h <= M && !overlap {
				N[h]++
				Q[h] += (x[i] - x[j]) * (x[i] - x[j])
			}
		}
	}
	assert.Equal(t, N, v.N)
	for h := range Q {
		assert.InDelta(t, Q[h], v.Q[h], 1e-9*Q[h]+1e-9, "lag %d", h)
	}

	for _, sigma := range []float64{0.3, 0.5} {
		rng := rand.New(rand.NewPCG(13, uint64(100*sigma)))
		var m, m2, boot float64
		const sims = 200
		for range sims {
			polls, _ := avgSimPolls(rng, 365, sigma, []float64{0, 0, 0, 0}, []int{3, 5, 7, 9})
			c, err := Average{}.config()
			require.NoError(t, err)
			p := Average{}.prepare(&c, readSet(t, polls, Average{}.rules()))
			o := p.obs(Approve)
			v := newVariogram(o, len(c.kernel)-1)
			s2, noise, ok := v.fit(o.y)
			require.True(t, ok)
			m += s2 / sims
			m2 += s2 * s2 / sims
			boot += v.bootSE(s2, noise, rng) / sims
		}
		sd := math.Sqrt(m2 - m*m)
		t.Logf("σ² = %.2f: mean σ̂² %.4f, SD across simulations %.4f, mean bootstrap SE %.4f", sigma*sigma, m, sd, boot)
		assert.InDelta(t, sigma*sigma, m, 3*sd/math.Sqrt(sims))
		assert.InDelta(t, sd, boot, 0.25*sd)
	}
}
