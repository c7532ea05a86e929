package forensics

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSummary2024(t *testing.T) {
	e := load2024(t)
	s, err := Summarize(context.Background(), e, "Путин", IntegerTest{Seed: 1}, Shpilkin{Seed: 1})
	require.NoError(t, err)
	assert.Equal(t, "Путин Владимир Владимирович", s.Candidate)
	assert.Equal(t, 94214, s.Rows)
	assert.Equal(t, 29, s.RemoteRegions)
	assert.Equal(t, 100*65246672/75157438.0, s.Share)
	assert.Equal(t, 100*72350518/83214246.0, s.ShareAll)
	assert.Len(t, s.Discrepancies, 5)
	c := s.Clean()
	assert.Equal(t, s.Shpilkin.Clean, c)
	assert.Equal(t, ShpilkinMethod, c.Method)
	assert.InDelta(t, 81.02, c.Share, 0.005)
	assert.Equal(t, s.Integer.Candidate, s.Shpilkin.Candidate)

	text := s.String()
	for _, want := range []string{
		"Election forensics: 2024.csv + 2024-electronic-voting.csv",
		"94,214 stations listed: 91,946 with results, 2,268 without; remote e-voting totals for 29 regions",
		"registered voters: 99,764,974 at the stations, 108,199,380 with e-voting",
		"0 control relations broken, 5 bounds broken, at 4 stations",
		"official, polling stations                86.81",
		"65,246,672 of 75,157,438 ballots",
		"official, stations + remote e-voting      86.94",
		"clean, Shpilkin (polling stations)        81.02  [79.75, 81.90]",
		"22.94 M anomalous votes [20.40, 26.21]; turnout 75.4% → 52.4%",
		"departure of the leader's share: 62% (share +7.5 points above it); clean peak 61–62%",
		"turnout or share, 85,345 stations          19,375    16,444  2,931 [2,708, 3,151]   0.0010",
		"largest regional excesses: Краснодарский край",
		"in honest counts the leader's share does not depend on turnout",
	} {
		assert.Contains(t, text, want)
	}
}

func TestSummaryErrors(t *testing.T) {
	e, _ := simulate(stuffed2024, 2)
	_, err := Summarize(context.Background(), e, "nobody", IntegerTest{}, Shpilkin{})
	assert.ErrorIs(t, err, ErrCandidate)
	_, err = Summarize(context.Background(), e, "", IntegerTest{Window: 2}, Shpilkin{})
	assert.ErrorIs(t, err, ErrConfig)
	_, err = Summarize(context.Background(), e, "", IntegerTest{Replicates: 10}, Shpilkin{Level: 5})
	assert.ErrorIs(t, err, ErrConfig)
	// Without remote totals the summary says so by omission.
	s, err := Summarize(context.Background(), e, "Leader", IntegerTest{Replicates: 20}, Shpilkin{Replicates: 20})
	require.NoError(t, err)
	assert.NotContains(t, s.String(), "stations + remote e-voting")
	assert.NotContains(t, s.String(), "with e-voting")
	assert.Equal(t, s.Share, s.ShareAll)
}
