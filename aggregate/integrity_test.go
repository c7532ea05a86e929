package aggregate

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/aggregate/forensics"
)

// integrityInputs are a three-day result, a clean share and an official
// value whose table can be computed by hand.
func integrityInputs() (*Result, forensics.CleanShare, Official) {
	d0 := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
	r := &Result{Level: 0.95, Approve: &ShareResult{Params: Params{Sigma: 0.5}, Series: []Point{
		{Date: d0, Mean: 80, SD: 1}, {Date: d0.AddDate(0, 0, 1), Mean: 81, SD: 0.8}, {Date: d0.AddDate(0, 0, 2), Mean: 82, SD: 0.6},
	}}}
	clean := forensics.CleanShare{Candidate: "A", Share: 81, Lower: 79.5, Upper: 82, Level: 0.95, Method: "Shpilkin (polling stations)",
		Assumptions: []string{"honest stations' ratio does not depend on turnout"}, Official: 86.8, Anomalous: 2.5e6}
	off := Official{Label: "official share", Date: d0.AddDate(0, 0, 2), Value: 87.28}
	return r, clean, off
}

func TestIntegrityHandComputed(t *testing.T) {
	r, clean, off := integrityInputs()
	bounds := []Point{{Date: off.Date, Mean: 86, Lower: 84, Upper: 88}}
	tab, err := Integrity(off, &clean,
		PollScenario{Name: "none", Assumption: "as published", Result: r},
		PollScenario{Name: "Manski", Assumption: "anything", Bounds: bounds},
		PollScenario{Name: "Manski, too early", Bounds: bounds[:0:0]})
	// bounds[:0:0] is an empty, non-nil set: no point on the date.
	require.NoError(t, err)
	require.Len(t, tab.Rows, 6)

	o, rec, cl, polls, set, early := tab.Rows[0], tab.Rows[1], tab.Rows[2], tab.Rows[3], tab.Rows[4], tab.Rows[5]
	assert.Equal(t, FromOfficial, o.Source)
	assert.Equal(t, "official share", o.Note)
	assert.Equal(t, 87.28, o.Value)
	assert.True(t, math.IsNaN(o.Lower) && math.IsNaN(o.Gap) && math.IsNaN(o.P))

	assert.Equal(t, FromOfficial, rec.Source)
	assert.Equal(t, 86.8, rec.Value)

	assert.Equal(t, FromForensics, cl.Source)
	assert.InDelta(t, 6.28, cl.Gap, 1e-12)
	assert.InDelta(t, 87.28-82, cl.GapLower, 1e-12)
	assert.InDelta(t, 87.28-79.5, cl.GapUpper, 1e-12)
	assert.True(t, math.IsNaN(cl.P), "a bootstrap interval has no normal P")

	// The poll row is Compare's: estimate 82 (sd 0.6) on the date.
	assert.Equal(t, FromPolls, polls.Source)
	assert.InDelta(t, 82, polls.Value, 1e-12)
	assert.InDelta(t, 82-1.959964*0.6, polls.Lower, 1e-5)
	assert.InDelta(t, 5.28, polls.Gap, 1e-12)
	assert.InDelta(t, 2*distNormalSurvival(5.28/0.6), polls.P, 1e-15)
	require.NotNil(t, polls.Comparison)
	assert.Equal(t, polls.Gap, polls.Comparison.Gap)

	assert.True(t, set.Set)
	assert.True(t, set.Inside, "87.28 lies in [84, 88]")
	assert.Equal(t, 84.0, set.Lower)
	assert.True(t, early.Set)
	assert.True(t, math.IsNaN(early.Lower))
	assert.Contains(t, early.Note, "no bounds on 2024-03-17")

	s := tab.String()
	for _, want := range []string{
		"Official result, forensic estimate and polls, 17 March 2024 (percent; 95% intervals)",
		"clean: Shpilkin (polling stations)",
		"[79.50, 82.00]",
		"+6.28 [+5.28, +7.78]",
		"polls: none",
		"+5.3 [+4.1, +6.5]",
		"< 0.001",
		"84.0–88.0",
		"official inside",
		"Shpilkin (polling stations) assumes: honest stations' ratio does not depend on turnout",
		"Approval is not a vote",
	} {
		assert.Contains(t, s, want)
	}
	// Without a forensic estimate the table is the official value and
	// the polls.
	tab, err = Integrity(off, nil, PollScenario{Name: "none", Result: r})
	require.NoError(t, err)
	assert.Len(t, tab.Rows, 2)
	assert.NotContains(t, tab.String(), "clean")
}

// distNormalSurvival is P(N(0,1) > x) from math.Erfc, independent of the
// distuv call Compare makes.
func distNormalSurvival(x float64) float64 { return 0.5 * math.Erfc(x/math.Sqrt2) }

func TestIntegrityErrors(t *testing.T) {
	r, clean, off := integrityInputs()
	bad := clean
	bad.Share = math.NaN()
	reversed := clean
	reversed.Lower, reversed.Upper = 83, 80
	for name, tc := range map[string]struct {
		off   Official
		clean *forensics.CleanShare
		sc    []PollScenario
	}{
		"value over 100":    {Official{Date: off.Date, Value: 101}, nil, nil},
		"no date":           {Official{Value: 50}, nil, nil},
		"negative sd":       {Official{Date: off.Date, Value: 50, SD: -1}, nil, nil},
		"NaN clean share":   {off, &bad, nil},
		"reversed interval": {off, &reversed, nil},
		"result and bounds": {off, nil, []PollScenario{{Result: r, Bounds: r.Approve.Series}}},
		"neither":           {off, nil, []PollScenario{{Name: "empty"}}},
		"result, no series": {off, nil, []PollScenario{{Name: "empty", Result: &Result{}}}},
	} {
		_, err := Integrity(tc.off, tc.clean, tc.sc...)
		assert.Error(t, err, name)
		if name == "result, no series" {
			assert.ErrorIs(t, err, ErrNoPolls, name)
			assert.Contains(t, err.Error(), `scenario "empty"`)
		} else {
			assert.ErrorIs(t, err, ErrConfig, name)
		}
	}
}

func TestIntegritySourceString(t *testing.T) {
	var names []string
	for _, s := range []IntegritySource{FromOfficial, FromForensics, FromPolls, 9} {
		names = append(names, s.String())
	}
	assert.Equal(t, "official forensics polls IntegritySource(9)", strings.Join(names, " "))
}
