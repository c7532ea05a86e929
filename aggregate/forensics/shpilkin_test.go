package forensics

import (
	"context"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// station builds a balanced protocol with the given turnout counts and
// votes (leader first).
func station(region string, line, registered, leader, other int) Station {
	cast := leader + other
	p := Protocol{Registered: registered, Received: cast + 10, Inside: cast, Cancelled: 10, Stationary: cast, Valid: cast}
	return Station{Region: region, Territorial: "T", Name: "S", Line: line, Protocol: p, Votes: []int{leader, other}}
}

// A hand-computed case with the peak fixed: clean stations at 40–60%
// turnout with the leader at three times the others' votes, one stuffed
// station at 95%.
func TestShpilkinHandComputed(t *testing.T) {
	e := &Election{Candidates: []string{"Leader", "Other"}, Stations: []Station{
		station("A", 2, 1000, 300, 100), // 40%
		station("A", 3, 1000, 370, 130), // 50%
		station("B", 4, 1000, 380, 120), // 50%
		station("B", 5, 1000, 450, 150), // 60%
		station("B", 6, 1000, 850, 100), // 95%, stuffed
		station("B", 7, 0, 0, 0),        // no voters: left out
	}}
	r, err := Shpilkin{Peak: 60, Replicates: 100}.Estimate(context.Background(), e)
	require.NoError(t, err)
	assert.Equal(t, 5, r.Stations)
	assert.Equal(t, 1, r.Excluded.NoVoters)
	assert.True(t, r.PeakFixed)
	assert.Equal(t, 60.0, r.Peak)
	assert.True(t, math.IsNaN(r.Departure))
	k := float64(300+370+380+450) / float64(100+130+120+150) // 3
	assert.InDelta(t, k, r.CleanRatio, 1e-12)
	assert.Equal(t, 4, r.CleanStations)
	L, O := 2350.0, 600.0
	assert.InDelta(t, L-k*O, r.Anomalous, 1e-9) // 550: the stuffed station's 850 − 3·100
	assert.InDelta(t, 100*(L-550)/(L+O-550), r.Clean.Share, 1e-9)
	assert.InDelta(t, 100*L/(L+O), r.Official, 1e-12)
	assert.InDelta(t, 100*(2950-550)/5000.0, r.CleanTurnout, 1e-9)
	assert.Equal(t, ShpilkinMethod, r.Clean.Method)
	assert.Equal(t, ShpilkinAssumptions(), r.Clean.Assumptions)
	r.Clean.Assumptions[0] = "changed"
	assert.NotEqual(t, "changed", ShpilkinAssumptions()[0], "a result's copy is its own")
	// The bins: the stations land where their turnout says.
	assert.Equal(t, TurnoutBin{From: 50, To: 51, Stations: 2, Leader: 750, Others: 250, Cast: 1000}, r.Bins[50])
	assert.Equal(t, 1, r.Bins[95].Stations)
}

// The automatic rule on bin sums shaped like 2024's: the leader's share
// flat at 80% up to 65% turnout, then rising; the others' votes peak at
// 55% for the honest stations and again, higher, at 85%, where stuffed
// stations carry theirs.
func TestShpilkinRule(t *testing.T) {
	b := newBinSums(100)
	for i := 20; i < 100; i++ {
		x := float64(i) + 0.5
		honest := 1000 * math.Exp(-(x-55.5)*(x-55.5)/(2*64))
		stuffed := 0.0
		if i >= 70 {
			stuffed = 1400 * math.Exp(-(x-85.5)*(x-85.5)/(2*36))
		}
		b.others[i] = 0.2 * (honest + stuffed)
		share := 0.8
		if x > 65 {
			share += 0.005 * (x - 65)
		}
		b.cast[i] = b.others[i] / (1 - share)
		b.leader[i] = b.cast[i] * share
	}
	s, err := Shpilkin{}.withDefaults()
	require.NoError(t, err)
	c, rise, found := s.departure(b)
	require.True(t, found)
	assert.Equal(t, 65, c)
	assert.Greater(t, rise, 2.0)
	f, ok := s.fit(b, -1)
	require.True(t, ok)
	assert.Equal(t, 55, f.peak)
	assert.Equal(t, 65.0, f.departure)
	assert.InDelta(t, 4.0, f.ratio, 1e-9) // 0.8/0.2
	// Without the rise, no departure: the peak is the global mode, 85%.
	for i := range b.cast {
		b.leader[i] = 4 * b.others[i]
		b.cast[i] = 5 * b.others[i]
	}
	_, _, found = s.departure(b)
	assert.False(t, found)
	f, ok = s.fit(b, -1)
	require.True(t, ok)
	assert.Equal(t, 85, f.peak)
}

// 2024: the leader's share leaves its plateau at 62% turnout; the
// honest peak is at 61%; 22.9 million anomalous votes, a clean share of
// 81.0% and a clean turnout of 52.4%. Ivan Shukshin's estimate with
// Shpilkin's method on the same protocols (Golos, March 2024): "about
// 22 million" anomalous votes for Putin on paper ballots, "an estimate
// from below".
func TestShpilkin2024(t *testing.T) {
	r, err := Shpilkin{Seed: 1}.Estimate(context.Background(), load2024(t))
	require.NoError(t, err)
	assert.Equal(t, 91939, r.Stations)
	assert.Equal(t, 7, r.Excluded.NoVoters)
	assert.Equal(t, 62.0, r.Departure)
	assert.InDelta(t, 7.51, r.Rise, 0.01)
	assert.Equal(t, 61.0, r.Peak)
	assert.Equal(t, 14438, r.CleanStations)
	assert.InDelta(t, 4.8439, r.CleanRatio, 1e-4)
	assert.InDelta(t, 22941382, r.Anomalous, 1)
	assert.InDelta(t, 22e6, r.Anomalous, 1.5e6, "Shukshin's published figure")
	assert.InDelta(t, 81.02, r.Clean.Share, 0.005)
	assert.InDelta(t, 86.81, r.Official, 0.005)
	assert.InDelta(t, 52.40, r.CleanTurnout, 0.005)
	assert.InDelta(t, 75.40, r.Turnout, 0.005)
	// The interval (seed 1).
	assert.InDelta(t, 20.4e6, r.AnomalousLower, 0.1e6)
	assert.InDelta(t, 26.2e6, r.AnomalousUpper, 0.1e6)
	assert.InDelta(t, 79.75, r.Clean.Lower, 0.05)
	assert.InDelta(t, 81.90, r.Clean.Upper, 0.05)
	assert.Less(t, r.CleanTurnoutLower, r.CleanTurnout)
	assert.Greater(t, r.CleanTurnoutUpper, r.CleanTurnout)
	assert.InDelta(t, (r.Clean.Upper-r.Clean.Lower)/(2*1.959964), r.Clean.SE, 1e-6)
	assert.Equal(t, 55, r.EffectRegions)

	// The bins hold every analysed station and vote; the others' votes
	// peak at 80% turnout, where the stuffed stations carried them (the
	// naive rule's peak).
	var st, lv int
	mode := 0
	for i, b := range r.Bins {
		st += b.Stations
		lv += b.Leader
		if b.Others > r.Bins[mode].Others {
			mode = i
		}
	}
	assert.Equal(t, 80.0, r.Bins[mode].From)
	assert.Equal(t, r.Stations, st)
	assert.Equal(t, r.Votes, lv)
	assert.Equal(t, 65246672, r.Votes)

	for _, p := range r.Sensitivity {
		t.Logf("peak fixed at %2.0f%%: clean ratio %.3f, anomalous votes %5.1f M, clean share %.2f%%", p.Peak, p.Ratio, p.Anomalous/1e6, p.CleanShare)
	}
	// Sensitivity: the peak fixed at 60% gives what Shpilkin{Peak: 60} does.
	f, err := Shpilkin{Peak: 60, Replicates: 10}.Estimate(context.Background(), load2024(t))
	require.NoError(t, err)
	var at60 *ShpilkinPoint
	for i := range r.Sensitivity {
		if r.Sensitivity[i].Peak == 60 {
			at60 = &r.Sensitivity[i]
		}
	}
	require.NotNil(t, at60)
	assert.InDelta(t, f.Anomalous, at60.Anomalous, 1e-6)
	assert.InDelta(t, f.Clean.Share, at60.CleanShare, 1e-9)
	assert.Greater(t, r.Sensitivity[0].Anomalous, r.Sensitivity[len(r.Sensitivity)-1].Anomalous)
}

// 2018: 11.0 million anomalous votes (Shpilkin, Троицкий вариант, April
// 2018: about 10 million), clean share 72.6% against 76.7% official.
func TestShpilkin2018(t *testing.T) {
	r, err := Shpilkin{Seed: 1}.Estimate(context.Background(), load2018(t))
	require.NoError(t, err)
	assert.Equal(t, 64.0, r.Departure)
	assert.Equal(t, 61.0, r.Peak)
	assert.InDelta(t, 11.01e6, r.Anomalous, 0.01e6)
	assert.InDelta(t, 10e6, r.Anomalous, 1.5e6, "Shpilkin's published figure")
	assert.InDelta(t, 72.59, r.Clean.Share, 0.005)
	assert.InDelta(t, 76.69, r.Official, 0.005)
}

func TestShpilkinDeterministic(t *testing.T) {
	e, _ := simulate(stuffed2024, 5)
	run := func(seed uint64) *ShpilkinResult {
		r, err := Shpilkin{Seed: seed, Replicates: 300}.Estimate(context.Background(), e)
		require.NoError(t, err)
		return r
	}
	assert.True(t, reflect.DeepEqual(run(3), run(3)))
	assert.NotEqual(t, run(3).AnomalousLower, run(4).AnomalousLower)
	assert.Equal(t, run(3).Anomalous, run(4).Anomalous, "the point estimate has no randomness")
}

func TestShpilkinErrors(t *testing.T) {
	e, _ := simulate(stuffed2024, 1)
	ctx := context.Background()
	for _, s := range []Shpilkin{{BinWidth: 3}, {BinWidth: 0.05}, {Peak: 100}, {Peak: -1}, {MinRise: -1}, {Replicates: 1}, {Level: 2}, {MinClean: -1}} {
		_, err := s.Estimate(ctx, e)
		assert.ErrorIs(t, err, ErrConfig, "%+v", s)
	}
	_, err := Shpilkin{}.Estimate(ctx, &Election{Candidates: []string{"A", "B"}, Stations: []Station{station("R", 2, 0, 0, 0)}})
	assert.ErrorIs(t, err, ErrNoData)
	_, err = Shpilkin{}.Estimate(ctx, &Election{Candidates: []string{"A"}, Stations: []Station{station("R", 2, 10, 5, 5)}})
	assert.ErrorIs(t, err, ErrCandidates)
	// The peak below every station: no other vote at or below it.
	_, err = Shpilkin{Peak: 1}.Estimate(ctx, e)
	assert.ErrorIs(t, err, ErrNoData)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Shpilkin{}.Estimate(cancelled, e)
	assert.ErrorIs(t, err, context.Canceled)
}

// Coverage on simulated elections with known truth (simulate): honest
// counts, and a fifth of the stations stuffed up to 75–98% turnout, with
// regional variation in turnout and share. The 95% intervals of the
// anomalous votes and of the clean share must cover the truth in 95% of
// the elections; the default run checks a fast subset.
func TestShpilkinCoverage(t *testing.T) {
	sims := 40
	if *full {
		sims = 1000
	}
	for _, stuffed := range []bool{false, true} {
		cfg := stuffed2024
		if !stuffed {
			cfg.StuffFraction = 0
		}
		var inA, inS int
		var errSum, errSq float64
		for i := range sims {
			e, truth := simulate(cfg, uint64(5000+i))
			r, err := Shpilkin{Seed: uint64(i)}.Estimate(context.Background(), e)
			require.NoError(t, err)
			A := float64(truth.Anomalous)
			if r.AnomalousLower <= A && A <= r.AnomalousUpper {
				inA++
			}
			if r.Clean.Lower <= truth.CleanShare && truth.CleanShare <= r.Clean.Upper {
				inS++
			}
			d := r.Clean.Share - truth.CleanShare
			errSum += d
			errSq += d * d
		}
		covA, covS := float64(inA)/float64(sims), float64(inS)/float64(sims)
		mean := errSum / float64(sims)
		sd := math.Sqrt(errSq/float64(sims) - mean*mean)
		t.Logf("stuffed %v: coverage of the anomalous votes %.3f, of the clean share %.3f over %d elections; share error %.3f (sd %.3f) points",
			stuffed, covA, covS, sims, mean, sd)
		assert.Less(t, math.Abs(mean), 4*sd/math.Sqrt(float64(sims)), "biased")
		if *full {
			assert.InDelta(t, 0.95, covA, 0.02)
			assert.InDelta(t, 0.95, covS, 0.02)
		} else {
			assert.GreaterOrEqual(t, covA, 0.87)
			assert.GreaterOrEqual(t, covS, 0.87)
		}
	}
}

// What the low end of 2024's turnout curve is made of (the README's
// reading of the sensitivity table): two stations in three below 45%
// turnout are Moscow's, with a median turnout of 38% and a median Putin
// share of 77%; 45% of Moscow's voters were registered for e-voting.
func TestLowTurnoutStations2024(t *testing.T) {
	e := load2024(t)
	var low, lowMoscow int
	var turnout, share []float64
	moscowStations := 0
	for i := range e.Stations {
		s := &e.Stations[i]
		if s.Registered == 0 || s.Cast() == 0 {
			continue
		}
		if s.Turnout() < 45 {
			low++
			if s.Region == "город Москва" {
				lowMoscow++
			}
		}
		if s.Region == "город Москва" {
			moscowStations += s.Registered
			turnout = append(turnout, s.Turnout())
			share = append(share, s.Share(1))
		}
	}
	assert.Equal(t, 2737, low)
	assert.Equal(t, 1810, lowMoscow)
	assert.Len(t, turnout, 2198)
	slices.Sort(turnout)
	slices.Sort(share)
	assert.InDelta(t, 38.4, turnout[len(turnout)/2], 0.1)
	assert.InDelta(t, 77.0, share[len(share)/2], 0.1)
	var evoting int
	for _, r := range e.Remote {
		if r.Region == "город Москва" {
			evoting = r.Registered
		}
	}
	assert.Equal(t, 3666413, evoting)
	assert.Equal(t, 4436815, moscowStations)
	assert.InDelta(t, 0.45, float64(evoting)/float64(evoting+moscowStations), 0.005)
}

// Hand-built elections the readers would never return are refused, not
// panicked on.
func TestEstimatorsRefuseNegativeCounts(t *testing.T) {
	neg := &Election{Candidates: []string{"Leader", "Other"}, Stations: []Station{station("A", 2, 1000, 300, 100)}}
	neg.Stations[0].Votes[1] = -5
	ctx := context.Background()
	_, err := Shpilkin{}.Estimate(ctx, neg)
	assert.ErrorIs(t, err, ErrNegative)
	_, err = IntegerTest{}.Run(ctx, neg)
	assert.ErrorIs(t, err, ErrNegative)
	_, err = NewHistogram2D(neg, HistogramOptions{})
	assert.ErrorIs(t, err, ErrNegative)
	neg.Stations[0].Votes[1] = 100
	neg.Stations[0].Invalid = -1
	_, err = Shpilkin{}.Estimate(ctx, neg)
	assert.ErrorIs(t, err, ErrNegative)
}
