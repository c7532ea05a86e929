package poll

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func mk(pollster string, end time.Time, a, d, u float64, line int) Poll {
	return Poll{Pollster: pollster, Question: "approval", Start: end.AddDate(0, 0, -6), End: end,
		Approve: a, Disapprove: d, Undecided: u, Refused: math.NaN(), Line: line}
}

func TestSort(t *testing.T) {
	ps := []Poll{
		mk("VTsIOM", date(2020, 1, 12), 1, 1, 1, 1),
		mk("FOM", date(2020, 1, 12), 2, 2, 2, 2),
		mk("Levada", date(2019, 12, 31), 3, 3, 3, 3),
		mk("FOM", date(2020, 1, 12), 4, 4, 4, 4),
	}
	Sort(ps)
	var lines []int
	for _, p := range ps {
		lines = append(lines, p.Line)
	}
	assert.Equal(t, []int{3, 2, 4, 1}, lines, "end date, then pollster, stable")
}

func TestFilter(t *testing.T) {
	ps := []Poll{
		mk("Levada", date(2020, 1, 31), 1, 1, 1, 1),
		mk("FOM", date(2020, 2, 9), 2, 2, 2, 2),
		mk("Levada", date(2020, 3, 31), 3, 3, 3, 3),
	}
	ps[2].Question = "direction"
	ps[1].Population = Adults
	ps[1].Mode = FaceToFace
	lines := func(ps []Poll) []int {
		var out []int
		for _, p := range ps {
			out = append(out, p.Line)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    Filter
		want []int
	}{
		{"zero", Filter{}, []int{1, 2, 3}},
		{"alias", Filter{Pollster: "Левада-Центр"}, []int{1, 3}},
		{"question", Filter{Question: "direction"}, []int{3}},
		{"from", Filter{From: date(2020, 2, 9)}, []int{2, 3}},
		{"to", Filter{To: date(2020, 2, 9)}, []int{1, 2}},
		{"range", Filter{From: date(2020, 2, 1), To: date(2020, 2, 29)}, []int{2}},
		{"population", Filter{Population: Adults}, []int{2}},
		{"mode", Filter{Mode: FaceToFace}, []int{2}},
		{"unknown pollster", Filter{Pollster: "Gallup"}, nil},
		{"subject", Filter{Subject: "Putin"}, nil},
		{"subgroup", Filter{Subgroup: "Adults"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, lines(tc.f.Apply(ps)))
		})
	}
	assert.Equal(t, 3, len(ps), "input untouched")
}

func TestDedupe(t *testing.T) {
	ps := []Poll{
		mk("FOM", date(2014, 5, 18), 81, 10, 9, 278),
		mk("FOM", date(2014, 5, 18), 80, 10, 10, 279), // same dates, different values: not exact
		mk("FOM", date(2014, 5, 25), 80, 10, 10, 280),
		mk("FOM", date(2014, 5, 18), 81, 10, 9, 281),  // exact copy of 278
		mk("FOM", date(2014, 5, 18), 81, 10, 9, 282),  // and another
		mk("FOM", date(2014, 5, 25), 80, 10, 10, 283), // copy of 280
	}
	ps[1].Refused = math.NaN()
	out, merges := Dedupe(ps)
	var lines []int
	for _, p := range out {
		lines = append(lines, p.Line)
	}
	assert.Equal(t, []int{278, 279, 280}, lines)
	assert.Equal(t, []Merge{
		{Kept: 0, From: 0, Line: 278, Dropped: []int{3, 4}, Lines: []int{281, 282}},
		{Kept: 2, From: 2, Line: 280, Dropped: []int{5}, Lines: []int{283}},
	}, merges)
	assert.Equal(t, 6, len(ps), "input untouched")

	// Four-point detail takes part in the comparison.
	a, b := ps[0], ps[0]
	a.Detail = &FourPoint{1, 2, 3, 4}
	b.Detail = &FourPoint{1, 2, 3, 5}
	out, merges = Dedupe([]Poll{a, b})
	assert.Equal(t, 2, len(out))
	assert.Empty(t, merges)
}

func TestMarkDuplicatesFOM(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "russia/putin-approval-fom.csv"))
	require.NoError(t, err)
	groups := MarkDuplicates(polls)
	require.Len(t, groups, 3)
	var lines [][]int
	var ends []string
	for _, g := range groups {
		lines = append(lines, g.Lines)
		ends = append(ends, polls[g.Indices[0]].End.Format(time.DateOnly))
		for _, i := range g.Indices {
			assert.True(t, polls[i].Flags.Has(Duplicate))
		}
	}
	assert.Equal(t, []string{"2019-10-06", "2014-05-18", "2020-01-12"}, ends)
	assert.Equal(t, [][]int{{13, 352}, {278, 279}, {342, 353}}, lines)
	flagged := 0
	for _, p := range polls {
		if p.Flags.Has(Duplicate) {
			flagged++
		}
	}
	assert.Equal(t, 6, flagged)
	assert.Equal(t, 374, len(polls), "nothing dropped")
}

func TestMarkDuplicatesVTsIOM(t *testing.T) {
	polls, _ := ReadCSV(openTestdata(t, "russia/vciom-presidential-approval-2006.csv"))
	groups := MarkDuplicates(polls)
	require.Len(t, groups, 2)
	assert.Equal(t, []int{8, 12}, groups[0].Lines)
	assert.Equal(t, []int{248, 252}, groups[1].Lines)
}

func TestMarkDuplicatesIgnoresExactCopies(t *testing.T) {
	ps := []Poll{mk("FOM", date(2020, 1, 12), 60, 27, 12, 1), mk("FOM", date(2020, 1, 12), 60, 27, 12, 2)}
	assert.Empty(t, MarkDuplicates(ps))
	assert.Zero(t, ps[0].Flags)
}

func TestMarkForwardFilledLevada(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "russia/Levada.csv"), WithPollster("Levada"))
	require.NoError(t, err)
	reps := MarkForwardFilled(polls)
	var months []string
	for _, r := range reps {
		months = append(months, r.End.Format("2006-01"))
		assert.True(t, polls[r.Index].Flags.Has(ForwardFilled))
		assert.True(t, r.PreviousEnd.Before(r.End))
		assert.Equal(t, r.Line-1, r.PrevLine)
	}
	// Exact repeats of the previous month, found independently with Python.
	// 2018-06 is the one the 1999 file lacks (a carried-forward month); the
	// others may be real, which is why repeats are flagged, never dropped.
	assert.Equal(t, []string{"2004-10", "2007-03", "2008-03", "2009-03", "2010-04", "2013-10", "2015-05",
		"2015-12", "2016-04", "2016-09", "2017-06", "2018-06", "2018-11", "2018-12", "2019-07", "2019-12",
		"2020-01", "2020-12", "2022-08", "2024-07"}, months)
	june := byMonth(polls)["2018-06"]
	assert.True(t, june.Flags.Has(ForwardFilled))
	assert.Equal(t, [3]float64{79, 20, 1}, [3]float64{june.Approve, june.Disapprove, june.Undecided})
	assert.False(t, byMonth(polls)["2018-05"].Flags.Has(ForwardFilled))
}

func TestMarkForwardFilledLevada2(t *testing.T) {
	polls, _ := ReadCSV(openTestdata(t, "russia/Levada2.csv"), WithPollster("Levada"))
	reps := MarkForwardFilled(polls)
	var lines []int
	for _, r := range reps {
		lines = append(lines, r.Line)
	}
	// Includes the months release-formats.md names as fills (1996-08,
	// 1996-10, 1996-12, 2000-06, 2002-11, 2003-06).
	assert.Equal(t, []int{3, 5, 7, 14, 28, 49, 63, 78, 85, 168, 194, 208, 295}, lines)
}

func TestMarkForwardFilledSeriesAndDuplicates(t *testing.T) {
	ps := []Poll{
		mk("FOM", date(2020, 1, 5), 60, 27, 13, 1),
		mk("Levada", date(2020, 1, 12), 60, 27, 13, 2), // other series: not a repeat
		mk("FOM", date(2020, 1, 12), 61, 27, 12, 3),
		mk("FOM", date(2020, 1, 12), 60, 27, 13, 4), // same week as 3, equal to the previous week
		mk("FOM", date(2020, 1, 19), 61, 27, 12, 5), // equals one of the previous release's rows
		mk("FOM", date(2020, 1, 26), 62, 26, 12, 6),
	}
	reps := MarkForwardFilled(ps)
	var lines []int
	for _, r := range reps {
		lines = append(lines, r.Line)
	}
	assert.Equal(t, []int{4, 5}, lines)
	assert.Equal(t, 1, reps[0].PrevLine)
	assert.Equal(t, 3, reps[1].PrevLine)
	assert.False(t, ps[1].Flags.Has(ForwardFilled))
	assert.False(t, ps[2].Flags.Has(ForwardFilled))
}
