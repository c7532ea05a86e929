package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/poll"
)

// inputModels are the three models with small, fast settings, so that the
// input rules are checked on each.
var inputModels = map[string]func(polls []poll.Poll, strict bool) (*Result, error){
	"statespace": func(polls []poll.Poll, strict bool) (*Result, error) {
		return StateSpace{Strict: strict}.Fit(context.Background(), polls)
	},
	"bayes": func(polls []poll.Poll, strict bool) (*Result, error) {
		return Bayes{Model: StateSpace{Strict: strict, Shares: []Share{Approve}}, Chains: 2, Warmup: 20, Iterations: 60}.Fit(context.Background(), polls)
	},
	"average": func(polls []poll.Poll, strict bool) (*Result, error) {
		return Average{Strict: strict}.Fit(context.Background(), polls)
	},
}

// inputPolls are 60 valid polls of three pollsters over 120 days.
func inputPolls() []poll.Poll {
	var ps []poll.Poll
	for d := 0; d < 120; d += 2 {
		house := []string{"Acme", "Bolt", "Core"}[d%3]
		p := pollAt(house, d, 800+10*d, 45+float64(d%7)/2, 48-float64(d%5)/2)
		p.Source, p.Line = "polls.csv", d+2
		ps = append(ps, p)
	}
	return ps
}

// TestInputExcludesInvalidPolls: a few invalid polls among many are left
// out — the fit uses the others, lists each excluded poll with where it
// came from, and returns them as an error beside the result — and Strict
// turns them into a failure.
func TestInputExcludesInvalidPolls(t *testing.T) {
	polls := inputPolls()
	polls[3].Approve = 140                            // share out of range
	polls[10].End = polls[10].Start.AddDate(0, 0, -3) // ends before it starts
	polls[20].Adjustments = []poll.Adjustment{{Name: "bad", Variance: math.NaN()}}
	for name, fit := range inputModels {
		t.Run(name, func(t *testing.T) {
			res, err := fit(polls, false)
			require.NotNil(t, res, "the valid polls are fitted")
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalidPoll)
			assert.ErrorIs(t, err, poll.ErrShareRange)
			assert.ErrorIs(t, err, poll.ErrDateOrder)
			require.Len(t, res.Excluded, 3)
			for k, i := range []int{3, 10, 20} {
				assert.Equal(t, i, res.Excluded[k].Index)
				assert.Equal(t, i*2+2, res.Excluded[k].Line)
				assert.Contains(t, res.Excluded[k].Error(), "polls.csv:")
			}
			assert.Contains(t, strings.Join(res.Warnings, "\n"), "3 invalid polls were left out")
			n := 0
			for _, h := range res.Approve.Houses {
				n += h.Polls
			}
			assert.Equal(t, len(polls)-3, n, "every valid poll counted once")

			res, err = fit(polls, true)
			assert.Nil(t, res)
			assert.ErrorIs(t, err, ErrInvalidPoll)
		})
	}
}

// TestInputRoundingSum: shares that sum to 100.01 by rounding are a valid
// poll (within poll.ShareSumTolerance): the fit uses it, with the derived
// undecided share left out rather than negative.
func TestInputRoundingSum(t *testing.T) {
	polls := inputPolls()
	polls[5].Approve, polls[5].Disapprove, polls[5].Undecided = 50.01, 50, math.NaN()
	for name, fit := range inputModels {
		t.Run(name, func(t *testing.T) {
			res, err := fit(polls, true)
			require.NoError(t, err)
			assert.Empty(t, res.Excluded)
			assert.True(t, math.IsNaN(Undecided.Value(&polls[5])))
		})
	}
}

// TestInputSubgroupCopies: a poll listed under several subgroups (538's
// "All polls", "Adults", "Voters") and for several populations counts once,
// in every model.
func TestInputSubgroupCopies(t *testing.T) {
	base := inputPolls()
	var polls []poll.Poll
	for i, p := range base {
		p.ID = string(rune('a'+i%26)) + "/1" // 538's poll_id/question_id
		p.Population = poll.Adults
		polls = append(polls, p)
		if i%4 == 0 {
			for _, sub := range []string{"Adults", "Voters"} {
				q := p
				q.Subgroup = sub
				polls = append(polls, q)
			}
			q := p
			q.Population, q.Approve = poll.RegisteredVoters, p.Approve+2
			polls = append(polls, q)
		}
	}
	for name, fit := range inputModels {
		t.Run(name, func(t *testing.T) {
			res, err := fit(polls, true)
			require.NoError(t, err)
			n := 0
			for _, h := range res.Approve.Houses {
				n += h.Polls
			}
			assert.Equal(t, len(base), n)
			w := strings.Join(res.Warnings, "\n")
			assert.Contains(t, w, "30 rows repeat a poll exactly")
			assert.Contains(t, w, "15 rows are another population's version")
		})
	}
}

// TestInputSpan: a poll dated 9999-12-31 is an error naming it, not a
// series silently cut at 2312 (time.Sub saturates there); day numbers are
// exact far from 1970.
func TestInputSpan(t *testing.T) {
	polls := inputPolls()
	polls[7].End = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	for name, fit := range inputModels {
		t.Run(name, func(t *testing.T) {
			_, err := fit(polls, false)
			require.ErrorIs(t, err, ErrSpan)
			assert.Contains(t, err.Error(), "9999-12-31")
			assert.Contains(t, err.Error(), "polls.csv:16")
		})
	}
	// Just inside the limit: 300 years of polls fit, ending where they end.
	far := inputPolls()[:6]
	for i := range far {
		far[i].Start = time.Date(1800+60*i, 1, 1, 0, 0, 0, 0, time.UTC)
		far[i].End = far[i].Start
	}
	res, err := StateSpace{Shares: []Share{Approve}, Tau: TauNone()}.Fit(context.Background(), far)
	require.NoError(t, err)
	s := res.Approve.Series
	assert.Equal(t, far[5].End, s[len(s)-1].Date)
	assert.Equal(t, dayNumber(far[5].End)-dayNumber(far[0].Start)+1, len(s))
	assert.Equal(t, -62135596800/86400, dayNumber(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)))
	assert.Equal(t, 2932896, dayNumber(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)))
}

// TestInputSampleSizeImputation: a missing sample size is the pollster's
// median, else its profile's, else DefaultSampleSize — recorded, never a
// refusal.
func TestInputSampleSizeImputation(t *testing.T) {
	polls := inputPolls()
	polls[0].SampleSize = 0 // Acme: the median of its other polls
	lev := pollAt("Levada", 50, 0, 80, 15)
	unk := pollAt("Nobody", 60, 0, 44, 50)
	polls = append(polls, lev, unk)
	var acme []float64
	for _, p := range polls[1:] {
		if p.Pollster == "Acme" {
			acme = append(acme, float64(p.SampleSize))
		}
	}
	prof, ok := poll.Lookup("Levada")
	require.True(t, ok)
	for name, fit := range inputModels {
		t.Run(name, func(t *testing.T) {
			res, err := fit(polls, true)
			require.NoError(t, err)
			require.Len(t, res.Imputed, 3)
			got := map[string]Imputation{}
			for _, m := range res.Imputed {
				got[m.Pollster] = m
			}
			assert.Equal(t, median(acme), got["Acme"].Value)
			assert.Contains(t, got["Acme"].Rule, "median")
			assert.Equal(t, float64(prof.SampleSize), got["Levada"].Value)
			assert.Equal(t, float64(DefaultSampleSize), got["Nobody"].Value)
			assert.Contains(t, strings.Join(res.Warnings, "\n"), "3 polls have no sample size")
		})
	}
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	for i := range s { // insertion sort: a handful of values
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return (s[(len(s)-1)/2] + s[len(s)/2]) / 2
}

// TestInputCommonFieldwork: when every poll has the same multi-day
// fieldwork, σ is not identified (the likelihood does not depend on it):
// the fit says so and takes the level as constant over the fieldwork,
// whatever the number of polls, instead of an arbitrary σ̂ with intervals
// of 0–100.
func TestInputCommonFieldwork(t *testing.T) {
	for _, n := range []int{5, 40} {
		var polls []poll.Poll
		for i := range n {
			p := pollAt([]string{"Acme", "Bolt"}[i%2], 0, 1000, 45+float64(i%3), 50-float64(i%3))
			p.End = p.Start.AddDate(0, 0, 9)
			polls = append(polls, p)
		}
		for _, m := range []StateSpace{{}, {FieldAverage: true}} {
			res, err := m.Fit(context.Background(), polls)
			require.NoError(t, err)
			a := res.Approve
			require.Len(t, a.Series, 10)
			assert.Equal(t, 0.0, a.Params.Sigma)
			assert.Contains(t, strings.Join(a.Warnings, "\n"), "σ is not identified")
			for _, p := range a.Series {
				assert.Equal(t, a.Series[0].Mean, p.Mean)
				assert.Less(t, p.Upper-p.Lower, 3.0, "n=%d: %+v", n, p)
			}
		}
		res, err := Bayes{Model: StateSpace{Shares: []Share{Approve}}, Chains: 2, Iterations: 100}.Fit(context.Background(), polls)
		require.NoError(t, err)
		assert.Len(t, res.Approve.Series, 10)
		assert.Contains(t, strings.Join(res.Approve.Warnings, "\n"), "σ is not identified")
		// The posterior carries τ's uncertainty from 5 or 40 polls: wider
		// than the plug-in interval, but nowhere near 0–100.
		assert.Less(t, res.Approve.Series[9].Upper-res.Approve.Series[9].Lower, 10.0)
	}
}

// TestInputReadPolls checks the boundary itself on edge inputs.
func TestInputReadPolls(t *testing.T) {
	_, err := readPolls(nil, inputRules{})
	assert.ErrorIs(t, err, ErrNoPolls)
	bad := inputPolls()[:2]
	bad[0].Approve, bad[1].Approve = -1, -1
	_, err = readPolls(bad, inputRules{})
	assert.ErrorIs(t, err, ErrNoPolls)
	assert.ErrorIs(t, err, poll.ErrShareRange)
	assert.Error(t, inputRules{populations: []poll.Population{}}.check("StateSpace"))
	var pe *PollError
	_, err = readPolls(bad, inputRules{strict: true})
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, 0, pe.Index)
}

// TestInputProfilesPerFit: pollster profiles are the fit's own
// (StateSpace.Profiles), never process-wide: a fit with a custom profile —
// an alias, a usual sample size and a design effect — reads it, while
// fits with the built-in set, running at the same time, are unchanged.
func TestInputProfilesPerFit(t *testing.T) {
	var polls []poll.Poll
	for d := 0; d < 60; d += 3 {
		p := pollAt([]string{"Acme", "Акме", "Bolt"}[(d/3)%3], d, 0, 45+float64(d%4), 48)
		polls = append(polls, p)
	}
	custom, err := poll.NewProfiles(poll.Profile{Name: "Acme", Aliases: []string{"Акме"}, SampleSize: 400, DesignEffect: 2})
	require.NoError(t, err)
	base := StateSpace{Shares: []Share{Approve}, Tau: TauNone()}
	ref, err := base.Fit(context.Background(), polls)
	require.NoError(t, err)
	withCustom := base
	withCustom.Profiles = custom
	got := make([]*Result, 8)
	done := make(chan struct{})
	for i := range got {
		go func() {
			defer func() { done <- struct{}{} }()
			m := base
			if i%2 == 1 {
				m = withCustom
			}
			got[i], _ = m.Fit(context.Background(), polls)
		}()
	}
	for range got {
		<-done
	}
	for i, r := range got {
		require.NotNil(t, r)
		if i%2 == 0 {
			assert.Equal(t, ref.Approve.Series, r.Approve.Series, "built-in profiles: unchanged by the other fits")
			continue
		}
		// "Акме" is Acme under the custom set: two houses instead of three,
		// and Acme's polls weigh as n = 400 at deff 2.
		assert.Len(t, r.Approve.Houses, 2)
		assert.Len(t, ref.Approve.Houses, 3)
		for _, m := range r.Imputed {
			if m.Pollster != "Bolt" {
				assert.Equal(t, 400.0, m.Value, m.Pollster)
			}
		}
		last := len(r.Approve.Series) - 1
		assert.Greater(t, r.Approve.Series[last].SD, ref.Approve.Series[last].SD)
	}
}

// TestPollstersMatchProfiles: the input boundary resolves each distinct
// pollster name once (pollsters); what it resolves must be what the
// profiles say poll by poll — canonical name, design effect and profile —
// under the built-in and a custom set, with and without a poll's own
// design effect.
func TestPollstersMatchProfiles(t *testing.T) {
	polls := append(russianPolls(t, time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)), trump538(t)[:500]...)
	polls = append(polls, syntheticPolls(t)[:100]...)
	for i := range polls {
		switch i % 5 {
		case 1:
			polls[i].DesignEffect = 1.7
		case 2:
			polls[i].Pollster = " ВЦИОМ "
		case 3:
			polls[i].Pollster = "Акме"
		}
	}
	custom, err := poll.NewProfiles(poll.Profile{Name: "Acme", Aliases: []string{"Акме"}, SampleSize: 400, DesignEffect: 2, Mode: poll.Phone,
		Periods: []poll.Period{{From: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC), DesignEffect: 1.4}}})
	require.NoError(t, err)
	for _, profiles := range []*poll.Profiles{nil, custom} {
		names := newPollsters(profiles)
		for i := range polls {
			p := &polls[i]
			w := &names.who[names.of(p.Pollster)]
			require.Equal(t, profiles.CanonicalName(p.Pollster), names.canon[w.canon], p.Pollster)
			require.Equal(t, profiles.DesignEffect(p), w.designEffect(p), p.Pollster)
			prof, ok := profiles.Lookup(p.Pollster)
			require.Equal(t, ok, w.prof != nil, p.Pollster)
			if ok {
				require.Equal(t, prof.Name, w.prof.Name)
			}
		}
	}
}

// TestPlacerStaged: the placer puts items where it would without staging
// them — in midpoint order, the items of a day in the order they were put
// — whatever the spread of days.
func TestPlacerStaged(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for _, tc := range []struct {
		name        string
		items, days int
	}{
		{"few days", 5000, 300},
		{"more days than items", 2000, 100000},
		{"one day", 3000, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const first = 40 // day number of the first day
			in := make([]inputPoll, tc.items)
			counts := make([]int, tc.days+1)
			for i := range in {
				s := first + rng.IntN(tc.days)
				e := s + rng.IntN(min(5, first+tc.days-s)) // the midpoint stays within the days
				in[i] = inputPoll{src: int32(i), start: s, end: e}
				counts[in[i].mid()-first+1]++
			}
			for d := 1; d < len(counts); d++ {
				counts[d] += counts[d-1]
			}
			var out [2][]inputPoll
			for k, staged := range []bool{false, true} {
				var tmp scratch
				out[k] = make([]inputPoll, len(in))
				pl := newPlacer(&tmp, out[k], slices.Clone(counts), first, staged)
				require.Equal(t, staged, pl.stage != nil)
				for _, it := range in {
					pl.put(it)
				}
				pl.finish()
				tmp.release()
			}
			require.Equal(t, out[0], out[1])
			for i := 1; i < len(out[1]); i++ {
				a, b := out[1][i-1], out[1][i]
				require.True(t, a.mid() < b.mid() || (a.mid() == b.mid() && a.src < b.src), "items %d and %d out of order", i-1, i)
			}
		})
	}
}

// TestScatters: the placer stages the items of many polls in no order of
// days, and not those of few polls or of polls in day order, forwards or
// backwards (FiveThirtyEight's lists run newest first).
func TestScatters(t *testing.T) {
	const n = placerDirectMax + 1000
	perm := rand.New(rand.NewPCG(3, 5)).Perm(n)
	for _, tc := range []struct {
		name   string
		items  int
		at     func(g int) int
		staged bool
	}{
		{"random", n, func(g int) int { return perm[g] }, true},
		{"day order", n, func(g int) int { return g }, false},
		{"newest first", n, func(g int) int { return n - 1 - g }, false},
		{"a few out of order", n, func(g int) int {
			if g%10 == 0 {
				return perm[g]
			}
			return g
		}, false},
		{"random, few", placerDirectMax, func(g int) int { return perm[g] }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.staged, scatters(tc.items, tc.items, tc.at))
		})
	}
}

// TestInputLargeUnordered: a set of polls the placer stages (more than
// placerDirectMax, in no order of days) comes out as every poll once, in
// midpoint order, a day's polls in the order of their groups' first polls
// (polls of one pollster with the same fieldwork are one group), within a
// group in their order.
func TestInputLargeUnordered(t *testing.T) {
	if testing.Short() {
		t.Skip("70,000 polls")
	}
	n := placerDirectMax + 4000
	sim := simulate(99, simSpec{days: n / 10, polls: n, houses: 5, sigma: 0.1, houseSD: 2, rare: -1, start: 45})
	ps, err := readPolls(sim.polls, StateSpace{}.rules())
	require.NoError(t, err)
	defer ps.release()
	require.Len(t, ps.items, n)
	type key struct {
		pollster   string
		start, end time.Time
	}
	firstOf := map[key]int32{}
	for i, p := range sim.polls {
		if _, ok := firstOf[key{p.Pollster, p.Start, p.End}]; !ok {
			firstOf[key{p.Pollster, p.Start, p.End}] = int32(i)
		}
	}
	order := func(it inputPoll) [3]int {
		p := &sim.polls[it.src]
		return [3]int{it.mid(), int(firstOf[key{p.Pollster, p.Start, p.End}]), int(it.src)}
	}
	seen := make([]bool, n)
	for i, it := range ps.items {
		require.False(t, seen[it.src], "poll %d placed twice", it.src)
		seen[it.src] = true
		p := &sim.polls[it.src]
		require.Equal(t, dayNumber(p.Start), it.start)
		require.Equal(t, p.Approve, it.value[Approve])
		if i > 0 {
			a, b := order(ps.items[i-1]), order(it)
			require.True(t, slices.Compare(a[:], b[:]) < 0, "items %d and %d out of order: %v, %v", i-1, i, a, b)
		}
	}
}

// TestInputLongPopulations: the preference among populations holds for a
// list of any length: registered voters first, then adults listed 255
// times, then likely voters — a rank of 256 for likely voters by their
// place in the list, which a byte would have taken for the first.
func TestInputLongPopulations(t *testing.T) {
	pops := []poll.Population{poll.RegisteredVoters}
	for range 255 {
		pops = append(pops, poll.Adults)
	}
	pops = append(pops, poll.LikelyVoters)
	rv, lv := pollAt("Acme", 0, 1000, 45, 50), pollAt("Acme", 0, 900, 41, 52)
	rv.Population, lv.Population = poll.RegisteredVoters, poll.LikelyVoters
	rv.ID, lv.ID = "7/1", "7/2"
	ps, err := readPolls([]poll.Poll{lv, rv}, inputRules{populations: pops})
	require.NoError(t, err)
	defer ps.release()
	require.Len(t, ps.items, 1)
	assert.Equal(t, 45.0, ps.items[0].value[Approve])
	assert.Contains(t, strings.Join(ps.warnings, "\n"), "another population's version")
}

// TestInputPlacementSameSet: the items placed at once and staged make the
// same set of polls, on FiveThirtyEight's whole list — every subgroup, so
// exact copies, other populations' versions and several questions of one
// poll — as published, shuffled, and with a fifth of the rows invalid.
func TestInputPlacementSameSet(t *testing.T) {
	all := all538(t)
	shuffled := slices.Clone(all)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	invalid := slices.Clone(shuffled)
	for i := range invalid {
		if i%5 == 0 {
			invalid[i].Approve = -1
		}
	}
	for name, polls := range map[string][]poll.Poll{"as published": all, "shuffled": shuffled, "some invalid": invalid} {
		t.Run(name, func(t *testing.T) {
			var sets [2]*pollSet
			for k, pl := range []placement{placeAtOnce, placeStaged} {
				rules := StateSpace{}.rules()
				rules.placement = pl
				ps, err := readPolls(polls, rules)
				require.NoError(t, err)
				defer ps.release()
				sets[k] = ps
			}
			a, b := sets[0], sets[1]
			require.Greater(t, len(a.items), 1000)
			require.Less(t, len(a.items), len(polls), "no versions grouped")
			require.Equal(t, len(a.items), len(b.items))
			for i := range a.items {
				// As printed: a share no version publishes is NaN in both.
				require.Equal(t, fmt.Sprint(a.items[i]), fmt.Sprint(b.items[i]), "item %d", i)
			}
			assert.Equal(t, a.versions, b.versions)
			assert.Equal(t, a.houses, b.houses)
			assert.Equal(t, a.warnings, b.warnings)
			assert.Equal(t, len(a.excluded), len(b.excluded))
		})
	}
}
