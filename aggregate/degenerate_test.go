package aggregate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/poll"
)

// The degenerate-input contract (issue 3): every model, under every
// identification, τ mode and option, returns either an error wrapping one
// of the package's sentinels or a result whose numbers are finite and
// coherent. These tests run that whole matrix over small hand-made data
// sets and two real files; the hand-checked values of the degenerate cases
// are in TestStateSpaceDegenerate, TestBayesConfigAndDegenerate and
// TestAverageDegenerate.

var degSentinels = []error{ErrNoPolls, ErrConfig, ErrInvalidPoll, ErrTooFewPolls, ErrSpan, context.Canceled}

func degPoll(pollster string, day, n int, a, d float64) poll.Poll {
	s := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, day)
	return poll.Poll{Pollster: pollster, Question: "approval", Population: poll.Adults, Start: s, End: s.AddDate(0, 0, 1),
		SampleSize: n, Approve: a, Disapprove: d, Undecided: 100 - a - d, Refused: nan,
		AdjustedApprove: nan, AdjustedDisapprove: nan}
}

// degSeries is k polls from the houses in turn, every step days from day 0.
func degSeries(houses []string, k, step int) []poll.Poll {
	var ps []poll.Poll
	for i := range k {
		h := houses[i%len(houses)]
		ps = append(ps, degPoll(h, i*step, 1000, 44+float64((i*7)%5)+float64(len(h)%3), 48-float64(i%3)))
	}
	return ps
}

// degData are the degenerate data sets. Houses "Acme" and "Birch" appear in
// most, so that Reference = "Acme" is meaningful there.
func degData(t *testing.T) map[string][]poll.Poll {
	ab := []string{"Acme", "Birch"}
	d := map[string][]poll.Poll{
		"empty":             nil,
		"one poll":          {degPoll("Acme", 0, 1000, 45, 50)},
		"two same day":      {degPoll("Acme", 0, 1000, 45, 50), degPoll("Birch", 0, 800, 47, 48)},
		"one pollster":      degSeries([]string{"Acme"}, 20, 3),
		"single-poll house": append(degSeries(ab, 30, 2), degPoll("Cedar", 31, 900, 50, 45)),
	}
	day := degSeries([]string{"Acme", "Birch", "Cedar"}, 6, 0)
	for i := range day {
		day[i].End = day[i].Start
	}
	d["all on one day"] = day

	var edge []poll.Poll
	for i := range 24 {
		a := []float64{0, 100, 0.4, 99.6}[i%4]
		p := degPoll(ab[i%2], i*2, 800, a, 100-a)
		p.Undecided = 0
		edge = append(edge, p)
	}
	d["0 and 100"] = edge
	var zeroU []poll.Poll
	for i := range 24 {
		p := degPoll(ab[i%2], i*2, 800, 45+float64(i%3), 55-float64(i%3))
		zeroU = append(zeroU, p) // undecided exactly 0 throughout
	}
	d["undecided all 0"] = zeroU
	nanD := degSeries(ab, 20, 2)
	for i := range nanD {
		nanD[i].Disapprove, nanD[i].Undecided = nan, nan
	}
	d["NaN disapprove"] = nanD

	known := degSeries([]string{"Levada", "FOM"}, 16, 30)
	for i := range known {
		known[i].SampleSize = 0
	}
	d["missing n, known pollsters"] = known
	unknown := degSeries(ab, 10, 3)
	unknown[3].SampleSize = 0
	d["missing n, unknown pollster"] = unknown

	gap := degSeries(ab, 10, 3)
	for _, p := range degSeries(ab, 10, 3) {
		p.Start, p.End = p.Start.AddDate(10, 0, 0), p.End.AddDate(10, 0, 0)
		gap = append(gap, p)
	}
	d["10-year gap"] = gap
	long := degSeries(ab, 6, 2)
	for _, p := range degSeries(ab, 6, 2) {
		p.Start, p.End = p.Start.AddDate(0, 0, 50000), p.End.AddDate(0, 0, 50000)
		long = append(long, p)
	}
	d["50,000 days"] = long

	if f, err := os.Open(filepath.Join("..", "testdata", "russia", "Levada2.csv")); err == nil {
		ps, rerr := poll.ReadCSV(f, poll.WithPollster("Levada"))
		f.Close()
		// The file has a bad row (a sum above 100), reported by the reader;
		// the good rows are the series.
		require.NotEmpty(t, ps, "%v", rerr)
		// Add a second house so that identifications have something to do.
		for _, p := range ps[len(ps)-40:] {
			p.Pollster = "Acme"
			p.Approve--
			ps = append(ps, p)
		}
		d["Levada2 direction"] = ps
	}
	return d
}

// degCheck fails when res breaks the contract.
func degCheck(t *testing.T, res *Result) {
	t.Helper()
	finite := func(what string, v float64) {
		t.Helper()
		require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%s = %v", what, v)
	}
	shares := []*ShareResult{res.Approve, res.Disapprove, res.Undecided}
	for _, r := range shares {
		if r == nil {
			continue
		}
		for _, set := range [][]Point{r.Series, r.Filtered} {
			for _, p := range set {
				// The conditions are evaluated first and require is called
				// only on a failure: boxing every point into require's
				// message arguments dominated the run time on 50,000-day
				// series.
				ok := p.SD >= 0 &&
					0 <= p.Lower && p.Lower <= p.Mean+1e-9 && p.Mean <= p.Upper+1e-9 && p.Upper <= 100 &&
					0 <= p.PollLower && p.PollLower <= p.Lower+1e-9 && p.PollUpper+1e-9 >= p.Upper && p.PollUpper <= 100
				for _, v := range []float64{p.Mean, p.SD, p.Lower, p.Upper, p.PollLower, p.PollUpper} {
					ok = ok && !math.IsNaN(v) && !math.IsInf(v, 0)
				}
				if !ok {
					require.Fail(t, "point outside the contract (finite, SD ≥ 0, 0 ≤ PollLower ≤ Lower ≤ Mean ≤ Upper ≤ PollUpper ≤ 100)", "%s %+v", r.Share, p)
				}
			}
		}
		for _, h := range r.Houses {
			finite("house "+h.Pollster, h.Value)
			finite("house SE "+h.Pollster, h.SE)
			require.GreaterOrEqual(t, h.SE, 0.0)
		}
		finite("sigma", r.Params.Sigma)
		finite("sigmaSE", r.Params.SigmaSE)
		finite("loglik", r.Params.LogLik)
		for k, v := range r.Params.Tau {
			finite("tau "+k, v)
		}
		for k, v := range r.Params.Other {
			finite("other "+k, v)
		}
	}
	if res.Disapprove != nil && res.Undecided != nil {
		// The three series may cover different days (anchors on other
		// dates): align by date.
		sum := map[time.Time]float64{}
		for _, r := range shares {
			for _, p := range r.Series {
				sum[p.Date] += p.Mean
			}
		}
		for d, s := range sum {
			require.LessOrEqual(t, s, 100+1e-6, "%s", d.Format(time.DateOnly))
		}
	}
	// Writers and Compare never panic and never print NaN. The JSON and
	// CSV writers are linear in days and tested on long series elsewhere
	// (result_write_test.go); here they run on series up to ~5 years so the
	// matrix of configurations stays fast.
	if len(res.Approve.Series) <= 2000 {
		var b bytes.Buffer
		require.NoError(t, res.WriteCSV(&b))
		require.NoError(t, res.WriteHousesCSV(&b))
		require.NoError(t, res.WriteJSON(&b))
		out := b.String() + res.String() + res.HTML() + res.Markdown()
		require.NotContains(t, out, "NaN")
		var back Result
		js, err := json.Marshal(res)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(js, &back))
	} else {
		require.NotContains(t, res.String(), "NaN")
	}
	if len(res.Approve.Series) > 0 {
		first, last := res.Approve.Series[0].Date, res.Approve.Series[len(res.Approve.Series)-1].Date
		for _, date := range []time.Time{first, last, first.AddDate(0, 0, -400), last.AddDate(0, 0, 400)} {
			for _, causal := range []bool{false, true} {
				c, err := Compare(res, Official{Date: date, Value: 50, SD: 1, Causal: causal})
				if err != nil {
					degRequireSentinel(t, err)
					continue
				}
				for _, v := range []float64{c.Estimate, c.SE, c.Gap, c.GapSE, c.Lower, c.Upper, c.Z, c.P} {
					finite("compare", v)
				}
				require.True(t, c.P >= 0 && c.P <= 1 && c.Lower <= c.Gap && c.Gap <= c.Upper, "%+v", c)
			}
		}
	}
}

func degRequireSentinel(t *testing.T, err error) {
	t.Helper()
	for _, s := range degSentinels {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error wraps no sentinel: %v", err)
}

// degStateSpaces is the StateSpace configuration matrix. anchorDate is a
// date inside the data; the "outside" anchor lies 5 years before it.
func degStateSpaces(anchorDate time.Time) map[string]StateSpace {
	ms := map[string]StateSpace{}
	ids := map[string]StateSpace{
		"wsz":        {Identify: WeightedSumToZero()},
		"sz":         {Identify: SumToZero()},
		"ref Acme":   {Identify: ReferenceHouse("Acme")},
		"ref absent": {Identify: ReferenceHouse("Zeta Polling")},
		"anchored": {Identify: AnchoredOn(Anchor{Share: Approve, Date: anchorDate, Value: 45, SD: 1},
			Anchor{Share: Disapprove, Date: anchorDate, Value: 48, SD: 1}, Anchor{Share: Undecided, Date: anchorDate, Value: 7, SD: 1})},
		// A year before and after the polls: the series runs from the anchor
		// and its SD grows with the distance (a longer distance only adds
		// days to the same code path).
		"anchor outside": {Identify: AnchoredOn(Anchor{Share: Approve, Date: anchorDate.AddDate(-1, 0, 0), Value: 45, SD: 1},
			Anchor{Share: Disapprove, Date: anchorDate.AddDate(1, 0, 0), Value: 48, SD: 1}, Anchor{Share: Undecided, Date: anchorDate.AddDate(-1, 0, 0), Value: 7, SD: 1})},
	}
	taus := map[string]func(*StateSpace){
		"none":     func(m *StateSpace) { m.Tau = TauNone() },
		"global":   func(m *StateSpace) { m.Tau = TauGlobal() },
		"perhouse": func(m *StateSpace) { m.Tau = TauPerHouse() },
		"fixed":    func(m *StateSpace) { m.Tau = TauFixed(1) },
	}
	for in, id := range ids {
		for tn, tf := range taus {
			m := id
			tf(&m)
			ms[in+"/"+tn] = m
		}
	}
	opts := map[string]func(*StateSpace){
		"logit":     func(m *StateSpace) { m.Scale = ScaleLogit },
		"points":    func(m *StateSpace) { m.Scale = ScalePoints },
		"field":     func(m *StateSpace) { m.FieldAverage = true },
		"plugin":    func(m *StateSpace) { m.PlugIn = true },
		"sigma":     func(m *StateSpace) { m.Sigma = 0.3 },
		"split":     func(m *StateSpace) { m.SplitModes, m.SplitPopulations = true, true },
		"approve":   func(m *StateSpace) { m.Shares = []Share{Approve} },
		"level 0.5": func(m *StateSpace) { m.Level = 0.5 },
	}
	for on, of := range opts {
		m := StateSpace{}
		of(&m)
		ms["opt "+on] = m
	}
	return ms
}

func degDate(ps []poll.Poll) time.Time {
	if len(ps) == 0 {
		return time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return ps[len(ps)/2].Midpoint()
}

func TestDegenerateStateSpace(t *testing.T) {
	t.Parallel() // independent of the other tests; the slowest of the package
	ctx := context.Background()
	for dn, ps := range degData(t) {
		for mn, m := range degStateSpaces(degDate(ps)) {
			if dn == "50,000 days" && mn != "wsz/none" {
				continue // ≈10 s a fit; the others run on the 10-year gap
			}
			if dn == "Levada2 direction" && (strings.Contains(mn, "perhouse") || strings.Contains(mn, "fixed")) {
				continue // slow, and the same code paths as τ global
			}
			t.Run(dn+"/"+mn, func(t *testing.T) {
				res, err := m.Fit(ctx, ps)
				if err != nil {
					degRequireSentinel(t, err)
					return
				}
				degCheck(t, res)
			})
		}
	}
}

// degBayesConfig keeps the Bayes matrix within the test budget: every
// identification with τ none and global on the small sets, τ per house on
// two of them, and one configuration per identification on the long spans
// (each draw keeps the whole daily path).
func degBayesConfig(data, model string) bool {
	if data == "50,000 days" {
		return model == "wsz/none"
	}
	long := data == "10-year gap" || data == "Levada2 direction"
	switch {
	case strings.HasPrefix(model, "opt "):
		return !long && model != "opt field"
	case strings.HasSuffix(model, "/perhouse"):
		return data == "one poll" || data == "single-poll house"
	case long:
		return strings.HasSuffix(model, "/none")
	}
	return !strings.HasSuffix(model, "/fixed") || strings.HasPrefix(model, "wsz")
}

func TestDegenerateBayes(t *testing.T) {
	t.Parallel() // independent of the other tests; the slowest of the package
	ctx := context.Background()
	for dn, ps := range degData(t) {
		for mn, m := range degStateSpaces(degDate(ps)) {
			if !degBayesConfig(dn, mn) {
				continue
			}
			t.Run(dn+"/"+mn, func(t *testing.T) {
				res, err := Bayes{Model: m, Chains: 2, Warmup: 20, Iterations: 60, Seed: 1}.Fit(ctx, ps)
				if err != nil {
					degRequireSentinel(t, err)
					return
				}
				degCheck(t, res)
			})
		}
	}
}

func TestDegenerateAverage(t *testing.T) {
	t.Parallel() // independent of the other tests; the slowest of the package
	ctx := context.Background()
	cfgs := map[string]Average{
		"default": {}, "no houses": {HouseEffects: Excluded}, "trend sd": {TrendSD: 0.2}, "no trend": {TrendError: Excluded},
		"house sd": {HouseSD: 2}, "halflife": {Recency: Recency{HalfLife: 7}}, "level 0.5": {Level: 0.5},
		"keep tracking": {Tracking: TrackingKeepAll},
	}
	for dn, ps := range degData(t) {
		for cn, a := range cfgs {
			if (dn == "50,000 days" || dn == "Levada2 direction") && cn != "default" {
				continue // 0.8 s each
			}
			t.Run(dn+"/"+cn, func(t *testing.T) {
				res, err := a.Fit(ctx, ps)
				if err != nil {
					degRequireSentinel(t, err)
					return
				}
				degCheck(t, res)
			})
		}
	}
}

// TestDegenerateLevelAndCancel: Level 1 and NaN are configuration errors
// for every model (0 means 0.95); a context cancelled before Fit gives
// context.Canceled, never a partial result.
func TestDegenerateLevelAndCancel(t *testing.T) {
	ps := degSeries([]string{"Acme", "Birch"}, 20, 2)
	ctx := context.Background()
	done, cancel := context.WithCancel(ctx)
	cancel()
	fits := map[string]func(context.Context, float64) (*Result, error){
		"statespace": func(c context.Context, l float64) (*Result, error) { return StateSpace{Level: l}.Fit(c, ps) },
		"bayes": func(c context.Context, l float64) (*Result, error) {
			return Bayes{Model: StateSpace{Level: l}, Chains: 2, Warmup: 20, Iterations: 60}.Fit(c, ps)
		},
		"average": func(c context.Context, l float64) (*Result, error) { return Average{Level: l}.Fit(c, ps) },
	}
	for name, fit := range fits {
		for _, l := range []float64{1, nan, -0.1, math.Inf(1)} {
			_, err := fit(ctx, l)
			require.ErrorIs(t, err, ErrConfig, "%s level %v", name, l)
		}
		res, err := fit(ctx, 0)
		require.NoError(t, err, name)
		require.Equal(t, 0.95, res.Level, name)
		degCheck(t, res)
		res, err = fit(done, 0)
		require.ErrorIs(t, err, context.Canceled, name)
		require.Nil(t, res, name)
	}
}

// TestDegenerate538Historical runs the three models on the real 538
// historical approval list (several presidents: only Trump's polls are
// one series).
func TestDegenerate538Historical(t *testing.T) {
	if testing.Short() {
		t.Skip("538 list")
	}
	f, err := os.Open(filepath.Join("..", "testdata", "538", "president_approval_polls_historical.csv"))
	require.NoError(t, err)
	defer f.Close()
	all, err := poll.Read538(f)
	if err != nil {
		t.Logf("%d rows rejected by the reader", len(poll.ParseErrors(err)))
	}
	require.NotEmpty(t, all)
	subjects := map[string]int{}
	for _, p := range all {
		subjects[p.Subject]++
	}
	t.Logf("%d polls; subjects %v", len(all), subjects)
	ps := slices.DeleteFunc(slices.Clone(all), func(p poll.Poll) bool { return !strings.Contains(p.Subject, "Trump") })
	ctx := context.Background()
	for name, fit := range map[string]func() (*Result, error){
		"statespace": func() (*Result, error) { return StateSpace{}.Fit(ctx, ps) },
		"bayes": func() (*Result, error) {
			return Bayes{Model: StateSpace{Shares: []Share{Approve}, Tau: TauNone()}, Chains: 2, Warmup: 20, Iterations: 100}.Fit(ctx, ps)
		},
		"average": func() (*Result, error) { return Average{}.Fit(ctx, ps) },
	} {
		t.Run(name, func(t *testing.T) {
			res, err := fit()
			require.NoError(t, err)
			degCheck(t, res)
			t.Log(fmt.Sprintf("%s: %d days, %d houses", name, len(res.Approve.Series), len(res.Approve.Houses)))
		})
	}
}
