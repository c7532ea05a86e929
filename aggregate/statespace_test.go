package aggregate

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/poll"
)

// peersModel is the peers' model: approve only, points, no τ, unweighted
// sum to zero.
var peersModel = StateSpace{Shares: []Share{Approve}, Tau: TauNone(), Identify: SumToZero(), Scale: ScalePoints, PlugIn: true}

func TestStateSpaceMatchesStatsmodels(t *testing.T) {
	res, err := peersModel.Fit(context.Background(), syntheticPolls(t))
	require.NoError(t, err)
	assert.InDelta(t, 0.3215, res.Approve.Params.Sigma, 0.0005)
	assert.Greater(t, res.Approve.Params.SigmaSE, 0.0)
	lat := readCSVRecords(t, filepath.Join(peersDir, "results", "statsmodels_latent.csv"))
	require.Len(t, res.Approve.Series, len(lat))
	assert.Equal(t, "2023-01-01", res.Approve.Series[0].Date.Format(time.DateOnly))
	for i, r := range lat {
		assert.InDelta(t, mustFloat(t, r["estimate"]), res.Approve.Series[i].Mean, 0.001, "day %d", i)
		assert.InDelta(t, mustFloat(t, r["sd"]), res.Approve.Series[i].SD, 0.001, "day %d", i)
	}
	hs := readCSVRecords(t, filepath.Join(peersDir, "results", "statsmodels_house.csv"))
	require.Len(t, res.Approve.Houses, len(hs))
	for i, r := range hs {
		assert.Equal(t, r["pollster"], res.Approve.Houses[i].Pollster)
		assert.InDelta(t, mustFloat(t, r["estimate"]), res.Approve.Houses[i].Value, 0.001)
		assert.InDelta(t, mustFloat(t, r["sd"]), res.Approve.Houses[i].SE, 0.001)
	}
	assert.Equal(t, []int{594, 506, 417, 295, 188}, []int{res.Approve.Houses[0].Polls, res.Approve.Houses[1].Polls, res.Approve.Houses[2].Polls, res.Approve.Houses[3].Polls, res.Approve.Houses[4].Polls})
	t.Logf("sigma %.6f ± %.6f, loglik %.3f", res.Approve.Params.Sigma, res.Approve.Params.SigmaSE, res.Approve.Params.LogLik)
}

// The identifications differ only in where the constant goes: σ̂ is the
// same, house effects are shifted, and the anchored fit recovers the
// sum-to-zero one when anchored on its own level.
func TestStateSpaceIdentifications(t *testing.T) {
	ps := syntheticPolls(t)
	base, err := peersModel.Fit(context.Background(), ps)
	require.NoError(t, err)

	ref := peersModel
	ref.Identify = ReferenceHouse("Acme")
	rr, err := ref.Fit(context.Background(), ps)
	require.NoError(t, err)
	assert.InDelta(t, base.Approve.Params.Sigma, rr.Approve.Params.Sigma, 1e-5)
	for i := range base.Approve.Houses {
		assert.InDelta(t, base.Approve.Houses[i].Value-base.Approve.Houses[0].Value, rr.Approve.Houses[i].Value, 1e-4)
	}
	assert.Equal(t, 0.0, rr.Approve.Houses[0].SE)
	for i := range base.Approve.Series {
		assert.InDelta(t, base.Approve.Series[i].Mean+base.Approve.Houses[0].Value, rr.Approve.Series[i].Mean, 1e-4)
	}

	day := 400
	anc := peersModel
	anc.Identify = AnchoredOn(Anchor{Share: Approve, Date: base.Approve.Series[day].Date, Value: base.Approve.Series[day].Mean, SD: 1e-4})
	ar, err := anc.Fit(context.Background(), ps)
	require.NoError(t, err)
	for i := range base.Approve.Houses {
		assert.InDelta(t, base.Approve.Houses[i].Value, ar.Approve.Houses[i].Value, 1e-3)
	}
	assert.InDelta(t, 0, ar.Approve.Series[day].SD, 1e-3)

	w := peersModel
	w.Identify = WeightedSumToZero()
	wr, err := w.Fit(context.Background(), ps)
	require.NoError(t, err)
	s := 0.0
	for _, h := range wr.Approve.Houses {
		s += float64(h.Polls) * h.Value
	}
	assert.InDelta(t, 0, s, 1e-6, "weighted sum to zero")
}

// The filtered value on day t is what a fit on the polls up to day t gives
// for day t (same σ): the filter is causal, under every identification.
func TestStateSpaceFilteredIsCausal(t *testing.T) {
	ps := syntheticPolls(t)
	for _, id := range []Identification{SumToZero(), WeightedSumToZero(), ReferenceHouse("Elm"),
		AnchoredOn(Anchor{Share: Approve, Date: ps[0].Start.AddDate(0, 0, 30), Value: 47, SD: 0.5})} {
		t.Run(id.String(), func(t *testing.T) {
			m := peersModel
			m.Sigma, m.Identify = 0.3, id
			full, err := m.Fit(context.Background(), ps)
			require.NoError(t, err)
			last := len(full.Approve.Series) - 1
			fl := full.Approve.Filtered[len(full.Approve.Filtered)-1]
			require.Equal(t, full.Approve.Series[last].Date, fl.Date)
			assert.InDelta(t, full.Approve.Series[last].Mean, fl.Mean, 1e-6)
			assert.InDelta(t, full.Approve.Series[last].SD, fl.SD, 1e-6)
			if id.kind == sumToZero {
				// The first poll's midpoint is day 1: the filtered series
				// starts there, without a warning.
				require.Len(t, full.Approve.Filtered, len(full.Approve.Series)-1)
				assert.Equal(t, full.Approve.Series[1].Date, full.Approve.Filtered[0].Date)
				assert.Empty(t, full.AllWarnings())
			} else if id.kind != weightedSumToZero {
				assert.NotEmpty(t, full.AllWarnings(), "starts late")
			}
			byDate := map[time.Time]Point{}
			for _, p := range full.Approve.Filtered {
				byDate[p.Date] = p
			}
			for _, day := range []int{3, 40, 250, 613} {
				cut := full.Approve.Series[day].Date
				f, ok := byDate[cut]
				if !ok {
					continue // not yet identified on that day
				}
				var sub []poll.Poll
				for _, p := range ps {
					if !p.Midpoint().After(cut) {
						sub = append(sub, p)
					}
				}
				r, err := m.Fit(context.Background(), sub)
				require.NoError(t, err)
				var got *Point
				for i := range r.Approve.Series {
					if r.Approve.Series[i].Date.Equal(cut) {
						got = &r.Approve.Series[i]
					}
				}
				require.NotNil(t, got)
				assert.InDelta(t, got.Mean, f.Mean, 1e-6, "day %d", day)
				assert.InDelta(t, got.SD, f.SD, 1e-6, "day %d", day)
			}
		})
	}
}

func TestStateSpaceDefaultsThreeShares(t *testing.T) {
	res, err := StateSpace{}.Fit(context.Background(), syntheticPolls(t))
	require.NoError(t, err)
	require.NotNil(t, res.Disapprove)
	require.NotNil(t, res.Undecided)
	assert.Equal(t, Approve, res.Approve.Share)
	assert.Equal(t, Disapprove, res.Disapprove.Share)
	assert.Equal(t, Undecided, res.Undecided.Share)
	assert.Equal(t, "sum-projection", res.Diagnostics[0].Name)
	assert.Equal(t, 0.95, res.Level)
	require.Contains(t, res.Approve.Params.Tau, "")
	t.Logf("approve σ=%.4f τ=%.4f; disapprove σ=%.4f τ=%.4f; undecided σ=%.4f τ=%.4f (logit %v)",
		res.Approve.Params.Sigma, res.Approve.Params.Tau[""], res.Disapprove.Params.Sigma, res.Disapprove.Params.Tau[""],
		res.Undecided.Params.Sigma, res.Undecided.Params.Tau[""], res.Undecided.Params.Other["logit"] == 1)
	// The synthetic polls have no extra variance: τ̂ is small.
	assert.Less(t, res.Approve.Params.Tau[""], 0.3)
	for i := range res.Approve.Series {
		a, d, u := res.Approve.Series[i], res.Disapprove.Series[i], res.Undecided.Series[i]
		require.True(t, a.Date.Equal(d.Date) && a.Date.Equal(u.Date))
		assert.LessOrEqual(t, a.Mean+d.Mean+u.Mean, 100+1e-9)
		for _, p := range []Point{a, d, u} {
			assert.True(t, p.Lower >= 0 && p.Upper <= 100 && p.PollLower >= 0 && p.PollUpper <= 100 && p.Lower <= p.Mean && p.Mean <= p.Upper, "%+v", p)
			assert.True(t, p.PollLower <= p.Lower && p.PollUpper >= p.Upper)
		}
	}
}

func pollAt(pollster string, day int, n int, a, d float64) poll.Poll {
	s := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day)
	return poll.Poll{Pollster: pollster, Start: s, End: s.AddDate(0, 0, 2), SampleSize: n,
		Approve: a, Disapprove: d, Undecided: 100 - a - d, Refused: nan,
		AdjustedApprove: nan, AdjustedDisapprove: nan}
}

func TestStateSpaceDegenerate(t *testing.T) {
	ctx := context.Background()
	one := []poll.Poll{pollAt("Acme", 0, 1000, 45, 50)}
	_, err := StateSpace{}.Fit(ctx, one)
	assert.ErrorIs(t, err, ErrTooFewPolls)
	r, err := StateSpace{Sigma: 0.3, Tau: TauNone()}.Fit(ctx, one)
	require.NoError(t, err)
	assert.Len(t, r.Approve.Series, 3)
	assert.InDelta(t, 45, r.Approve.Series[1].Mean, 1e-9)
	assert.InDelta(t, math.Sqrt(45*55/1000.0), r.Approve.Series[1].SD, 1e-9)

	_, err = StateSpace{}.Fit(ctx, nil)
	assert.ErrorIs(t, err, ErrNoPolls)

	// One pollster: no house effect to estimate; σ by ML.
	var single []poll.Poll
	for d := 0; d < 60; d += 3 {
		single = append(single, pollAt("Acme", d, 1000, 45+float64(d%7)/3, 50))
	}
	r, err = StateSpace{}.Fit(ctx, single)
	require.NoError(t, err)
	assert.Equal(t, 0.0, r.Approve.Houses[0].Value)
	assertFinite(t, r)

	// All polls on one day.
	var sameDay []poll.Poll
	for i, h := range []string{"Acme", "Birch", "Acme", "Birch", "Cedar"} {
		p := pollAt(h, 0, 1000, 44+float64(i), 50)
		p.End = p.Start
		sameDay = append(sameDay, p)
	}
	r, err = StateSpace{Tau: TauNone()}.Fit(ctx, sameDay)
	require.NoError(t, err)
	assert.Len(t, r.Approve.Series, 1)
	assert.Equal(t, 0.0, r.Approve.Params.Sigma)
	assert.NotEmpty(t, r.AllWarnings())
	assertFinite(t, r)

	// 0% and 100% shares: finite, inside [0, 100].
	var edge []poll.Poll
	for d := 0; d < 40; d += 2 {
		p := pollAt([]string{"Acme", "Birch"}[d/2%2], d, 800, 100-float64(d%3), 0)
		p.Undecided = float64(d % 3)
		edge = append(edge, p)
	}
	r, err = StateSpace{}.Fit(ctx, edge)
	require.NoError(t, err)
	assertFinite(t, r)
	for _, rr := range []*ShareResult{r.Approve, r.Disapprove, r.Undecided} {
		for _, p := range rr.Series {
			assert.True(t, p.Lower >= 0 && p.Upper <= 100, "%s %+v", rr.Share, p)
		}
	}

	// Missing sample size: a known pollster's profile supplies it; an
	// unknown pollster gets DefaultSampleSize; each imputation is listed.
	lev := pollAt("Levada", 0, 0, 80, 15)
	lev.Line = 7
	r, err = StateSpace{Sigma: 0.3, Tau: TauNone(), Shares: []Share{Approve}}.Fit(ctx, []poll.Poll{lev})
	require.NoError(t, err)
	prof, _ := poll.Lookup("Levada")
	assert.InDelta(t, math.Sqrt(80*20*prof.DesignEffect/float64(prof.SampleSize)), r.Approve.Series[1].SD, 1e-9)
	require.Len(t, r.Imputed, 1)
	assert.Equal(t, float64(prof.SampleSize), r.Imputed[0].Value)
	assert.Equal(t, 7, r.Imputed[0].Line)
	unk := pollAt("Nobody Polls", 0, 0, 40, 50)
	unk.Line, unk.Source = 12, "x.csv"
	r, err = StateSpace{Sigma: 0.3, Tau: TauNone(), Shares: []Share{Approve}}.Fit(ctx, []poll.Poll{unk})
	require.NoError(t, err)
	require.Len(t, r.Imputed, 1)
	assert.Equal(t, float64(DefaultSampleSize), r.Imputed[0].Value)
	assert.Contains(t, r.Imputed[0].String(), "x.csv:12")
	assert.InDelta(t, math.Sqrt(40*60/float64(DefaultSampleSize)), r.Approve.Series[0].SD, 1e-9)

	// Invalid poll.
	bad := pollAt("Acme", 0, 1000, 140, 50)
	_, err = StateSpace{}.Fit(ctx, []poll.Poll{bad})
	assert.ErrorIs(t, err, ErrInvalidPoll)

	// Config errors.
	for _, m := range []StateSpace{{Level: 1.5}, {Sigma: -1}, {Identify: ReferenceHouse("")}, {Identify: AnchoredOn()}, {Tau: TauFixed(-1)},
		{Tau: NonSampling{kind: tauNone, fixed: 1}}, {Identify: AnchoredOn(Anchor{Value: 50})}} {
		_, err = m.Fit(ctx, single)
		assert.ErrorIs(t, err, ErrConfig, "%+v", m)
	}
	_, err = StateSpace{Identify: ReferenceHouse("Zed")}.Fit(ctx, single)
	assert.ErrorIs(t, err, ErrConfig)
}

func TestStateSpaceCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := StateSpace{}.Fit(ctx, syntheticPolls(t))
	assert.True(t, errors.Is(err, context.Canceled), "%v", err)
}

func assertFinite(t *testing.T, r *Result) {
	t.Helper()
	for _, rr := range []*ShareResult{r.Approve, r.Disapprove, r.Undecided} {
		if rr == nil {
			continue
		}
		for _, ps := range [][]Point{rr.Series, rr.Filtered} {
			for _, p := range ps {
				for _, v := range []float64{p.Mean, p.SD, p.Lower, p.Upper, p.PollLower, p.PollUpper} {
					require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s %+v", rr.Share, p)
				}
			}
		}
		for _, h := range rr.Houses {
			require.False(t, math.IsNaN(h.Value) || math.IsNaN(h.SE), "%+v", h)
		}
		require.False(t, math.IsNaN(rr.Params.Sigma) || math.IsNaN(rr.Params.LogLik))
	}
}

func TestStateSpaceSplitPopulations(t *testing.T) {
	var ps []poll.Poll
	for d := 0; d < 90; d += 3 {
		for j, pop := range []poll.Population{poll.Adults, poll.LikelyVoters} {
			p := pollAt("Acme", d+j, 1000, 44+3*float64(j)+float64(d%5)/4, 50)
			p.Population = pop
			ps = append(ps, p)
		}
		ps = append(ps, pollAt("Birch", d+1, 1000, 45+float64(d%4)/4, 50))
	}
	res, err := StateSpace{Shares: []Share{Approve}, SplitPopulations: true, Identify: ReferenceHouse("Acme/a")}.Fit(context.Background(), ps)
	require.NoError(t, err)
	require.Len(t, res.Approve.Houses, 3)
	assert.Equal(t, "Acme/a", res.Approve.Houses[0].Pollster)
	assert.Equal(t, "Acme/lv", res.Approve.Houses[1].Pollster)
	assert.Equal(t, "Birch", res.Approve.Houses[2].Pollster)
	assert.InDelta(t, 3, res.Approve.Houses[1].Value, 0.5)
}

// The default smoothed sds add the uncertainty of σ̂ (Hamilton 1986) to the
// plug-in ones: never smaller, and larger where the smoothed level depends
// on σ̂ (in the middle of a gap it is a straight line whatever σ̂ is, so
// the first-order term is small there).
func TestStateSpaceParameterUncertainty(t *testing.T) {
	sim := simulate(4242, simSpec{days: 200, polls: 250, houses: 4, sigma: 0.3, houseSD: 2, rare: -1, start: 50,
		gaps: [][2]int{{80, 140}}})
	m := StateSpace{Shares: []Share{Approve}, Tau: TauNone()}
	plug := m
	plug.PlugIn = true
	a, err := m.Fit(context.Background(), sim.polls)
	require.NoError(t, err)
	b, err := plug.Fit(context.Background(), sim.polls)
	require.NoError(t, err)
	require.Len(t, a.Approve.Series, len(b.Approve.Series))
	gapMax, outMax := 0.0, 0.0
	for i := range a.Approve.Series {
		assert.InDelta(t, b.Approve.Series[i].Mean, a.Approve.Series[i].Mean, 1e-12)
		d := a.Approve.Series[i].SD - b.Approve.Series[i].SD
		require.GreaterOrEqual(t, d, -1e-12)
		day := dayIndex(simOrigin, a.Approve.Series[i].Date)
		if day >= 90 && day < 130 {
			gapMax = max(gapMax, d)
		} else {
			outMax = max(outMax, d)
		}
	}
	t.Logf("largest sd increase: %.4f in the gap, %.4f elsewhere", gapMax, outMax)
	assert.Greater(t, outMax, 0.005)
}

// TestSkipFiltered: leaving the causal series out changes nothing else —
// the smoothed series, house effects, parameters and diagnostics are the
// same, bit for bit — with τ or without, with corrected polls (whose
// calibration pass widens the filtered sds) and with anchored
// identification (whose filter waits for the first anchor).
func TestSkipFiltered(t *testing.T) {
	sp := simSpec{days: 120, polls: 90, houses: 3, sigma: 0.3, houseSD: 2, rare: -1, start: 60}
	f := simulateFalsified(5, sp, 60, 0.71, 0.45, 0.008, 0.02)
	corrected, err := f.chain().Apply(f.polls)
	require.NoError(t, err)
	cases := []struct {
		name  string
		m     StateSpace
		polls []poll.Poll
	}{
		{"peers", peersModel, syntheticPolls(t)},
		{"default", StateSpace{}, syntheticPolls(t)},
		{"corrected", StateSpace{Shares: []Share{Approve}, Scale: ScalePoints}, corrected},
		{"anchored", StateSpace{Shares: []Share{Approve}, Identify: AnchoredOn(Anchor{Share: Approve, Date: simOrigin.AddDate(0, 0, 100), Value: 60, SD: 1})}, f.polls},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			with, err := c.m.Fit(ctx, c.polls)
			require.NoError(t, err)
			skip := c.m
			skip.SkipFiltered = true
			without, err := skip.Fit(ctx, c.polls)
			require.NoError(t, err)
			for _, w := range with.Shares() {
				o := without.Share(w.Share)
				require.NotEmpty(t, w.Filtered)
				require.Nil(t, o.Filtered, "%v", w.Share)
				require.Equal(t, w.Series, o.Series, "%v", w.Share)
				require.Equal(t, w.Houses, o.Houses, "%v", w.Share)
				require.Equal(t, w.Params, o.Params, "%v", w.Share)
				require.Equal(t, w.Diagnostics, o.Diagnostics, "%v", w.Share)
				for _, msg := range o.Warnings {
					require.NotContains(t, msg, "filtered series", "%v", w.Share)
				}
			}
			// The fit's own diagnostics: the same, but for the three
			// shares' sum projection, which then moves the smoothed
			// series only (never by more than with the filtered too).
			require.Len(t, without.Diagnostics, len(with.Diagnostics))
			for i, d := range with.Diagnostics {
				e := without.Diagnostics[i]
				if d.Name == "sum-projection" {
					require.LessOrEqual(t, e.Value, d.Value)
					continue
				}
				require.Equal(t, d, e)
			}
			// Compare with the causal series names the option.
			day := with.Approve.Series[len(with.Approve.Series)-1].Date
			_, err = Compare(without, Official{Date: day, Value: 50, Causal: true})
			require.ErrorIs(t, err, ErrNoPolls)
			require.ErrorContains(t, err, "SkipFiltered")
			_, err = Compare(with, Official{Date: day, Value: 50, Causal: true})
			require.NoError(t, err)
		})
	}
}
