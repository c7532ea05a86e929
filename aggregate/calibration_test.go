package aggregate

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// calibFull runs the full calibration suite (500 replicates per scenario
// instead of 100): go test ./aggregate -run Calibration -calib.full -v
var calibFull = flag.Bool("calib.full", false, "run the full state-space calibration suite (slow)")

// coverage fits m to replicates of sp and returns the share of days on
// which the Level interval of the smoothed series, and of the filtered
// series, covers the true level. Under sum-to-zero identification the true
// level is α_t + mean δ over the houses in the fit (for the filtered
// series: over the houses that had polled by day t).
func coverage(t *testing.T, m StateSpace, sp simSpec, reps int, seed uint64) (smooth, filt float64) {
	t.Helper()
	ctx := context.Background()
	var inS, nS, inF, nF int
	for r := 0; r < reps; r++ {
		sim := simulate(seed+uint64(r), sp)
		res, err := m.Fit(ctx, sim.polls)
		require.NoError(t, err)
		first := firstPollDays(sim.polls)
		in, n := sim.smoothedCoverage(res.Approve.Series, sim.meanEffect(res.Approve.Houses))
		inS, nS = inS+in, nS+n
		for _, p := range res.Approve.Filtered {
			truth := sim.filteredTruth(first, dayIndex(simOrigin, p.Date))
			nF++
			if p.Lower <= truth && truth <= p.Upper {
				inF++
			}
		}
	}
	return float64(inS) / float64(nS), float64(inF) / float64(nF)
}

// TestCalibration checks that the 95% intervals of the latent level cover
// the truth 93–97% of the time on data simulated from the model, with and
// without extra non-sampling noise, with months without polls and a rare
// pollster; and that ignoring τ when it is present under-covers.
func TestCalibration(t *testing.T) {
	t.Parallel() // independent of the other tests; among the slowest of the package
	reps := 100
	if *calibFull {
		reps = 500
	}
	if testing.Short() {
		reps = 10
	}
	base := simSpec{days: 300, polls: 450, houses: 6, sigma: 0.25, houseSD: 2, rare: 5, start: 60,
		gaps: [][2]int{{120, 190}}} // ten weeks without polls
	withTau := base
	withTau.tau = []float64{1, 1, 1, 1, 1, 1}
	perHouse := base
	perHouse.tau = []float64{3, 0, 2, 0, 0, 0}
	// Dense polls, no gaps, τ = 1.5 points on every house: ignoring τ
	// cannot hide behind a larger σ̂ in the gaps.
	dense := simSpec{days: 300, polls: 900, houses: 6, sigma: 0.25, houseSD: 2, rare: -1, start: 60,
		tau: []float64{1.5, 1.5, 1.5, 1.5, 1.5, 1.5}}

	sumToZero := StateSpace{Shares: []Share{Approve}, Identify: SumToZero()}
	noTau := sumToZero
	noTau.Tau = TauNone()
	perHouseModel := sumToZero
	perHouseModel.Tau = TauPerHouse()

	cases := []struct {
		name      string
		m         StateSpace
		sp        simSpec
		lo, hi    float64 // bar for the smoothed coverage
		checkFilt bool    // filtered coverage in [0.93, 0.97] too
		filtBelow float64 // > 0: filtered coverage must be below this
	}{
		{name: "no τ in data, τ-free model", m: noTau, sp: base, lo: 0.93, hi: 0.97, checkFilt: true},
		{name: "no τ in data, global τ model (default)", m: sumToZero, sp: base, lo: 0.93, hi: 0.97, checkFilt: true},
		{name: "global τ in data, global τ model", m: sumToZero, sp: withTau, lo: 0.93, hi: 0.97, checkFilt: true},
		// Two houses with extra noise: both τ-aware models, on the same
		// data. Per-house τ has seven variance parameters for 450 polls
		// (one house with a handful of polls) and a global τ is
		// misspecified: their coverage varies by about ±1 point between
		// seed sets around 0.93, so the bar here is looser (see the
		// -calib.full numbers in the README).
		{name: "τ on two houses, per-house τ model", m: perHouseModel, sp: perHouse, lo: 0.91, hi: 0.97},
		{name: "τ on two houses, global τ model", m: sumToZero, sp: perHouse, lo: 0.91, hi: 0.97},
		{name: "dense polls with τ, global τ model", m: sumToZero, sp: dense, lo: 0.93, hi: 0.97, checkFilt: true},
		{name: "dense polls with τ, τ ignored", m: noTau, sp: dense, lo: 0, hi: 0.92, filtBelow: 0.90},
	}
	// The seed depends on the data spec only, so that models are compared
	// on the same replicates.
	seeds := map[string]uint64{}
	for _, c := range cases {
		key := fmt.Sprintf("%+v", c.sp)
		if _, ok := seeds[key]; !ok {
			seeds[key] = 1000 * uint64(len(seeds)+1)
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			n := reps
			if c.m.Tau == TauPerHouse() && !*calibFull {
				n = max(reps/3, 10) // seven variance parameters: slow
			}
			s, f := coverage(t, c.m, c.sp, n, seeds[fmt.Sprintf("%+v", c.sp)])
			t.Logf("coverage of the 95%% interval: smoothed %.3f, filtered %.3f (%d replicates × %d days, %v)", s, f, n, c.sp.days, time.Since(start).Round(time.Millisecond))
			if testing.Short() {
				return
			}
			assert.GreaterOrEqual(t, s, c.lo)
			assert.LessOrEqual(t, s, c.hi)
			if c.checkFilt {
				assert.GreaterOrEqual(t, f, 0.93)
				assert.LessOrEqual(t, f, 0.97)
			}
			if c.filtBelow > 0 {
				assert.Less(t, f, c.filtBelow)
			}
		})
	}
}

// TestPollBandCoverage checks the other kind of interval: held-out polls
// fall inside [PollLower, PollUpper] on their midpoint about 95% of the
// time (no house effects, so every house is the average house; τ = 1).
// The band uses the mean sampling variance, and sample sizes vary from 800
// to 2,000, so the coverage is that of a mixture: close to, not exactly,
// 95%.
func TestPollBandCoverage(t *testing.T) {
	reps := 40
	if testing.Short() {
		reps = 5
	}
	sp := simSpec{days: 300, polls: 600, houses: 5, sigma: 0.25, houseSD: 0, rare: -1, start: 55,
		tau: []float64{1, 1, 1, 1, 1}}
	in, n := 0, 0
	for r := 0; r < reps; r++ {
		sim := simulate(77000+uint64(r), sp)
		var fit, held = sim.polls[:0:0], sim.polls[:0:0]
		for i, p := range sim.polls {
			if i%5 == 0 {
				held = append(held, p)
			} else {
				fit = append(fit, p)
			}
		}
		res, err := StateSpace{Shares: []Share{Approve}}.Fit(context.Background(), fit)
		require.NoError(t, err)
		first := res.Approve.Series[0].Date
		for _, p := range held {
			d := dayIndex(first, p.Midpoint())
			if d < 0 || d >= len(res.Approve.Series) {
				continue
			}
			pt := res.Approve.Series[d]
			n++
			if pt.PollLower <= p.Approve && p.Approve <= pt.PollUpper {
				in++
			}
		}
	}
	c := float64(in) / float64(n)
	t.Logf("held-out polls inside the 95%% poll band: %.3f (%d polls)", c, n)
	if !testing.Short() {
		assert.GreaterOrEqual(t, c, 0.93)
		assert.LessOrEqual(t, c, 0.97)
	}
}
