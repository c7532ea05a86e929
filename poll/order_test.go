package poll

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The VTsIOM file prints 2019-10-11 between 2019-11-03 and 2019-11-17
// (line 680); the known correction moves it to 2019-11-10 and says so.
// Two more rows break the order: 2006-02-26 (line 12) between 2006-03-19
// and 2006-04-02, and 2011-02-06 (line 252) between 2011-02-27 and
// 2011-03-13 — the "duplicated dates" of release-formats.md §8. They stay
// flagged and uncorrected (see KnownCorrections).
func TestMarkOutOfOrderVTsIOMFile(t *testing.T) {
	polls, _ := ReadCSV(openTestdata(t, "russia/vciom-presidential-approval-2006.csv"))
	require.Equal(t, 707, len(polls))

	none := ApplyCorrections(polls, KnownCorrections())
	assert.Empty(t, none, "a correction needs the OutOfOrder flag: nothing moves before MarkOutOfOrder")

	breaks := MarkOutOfOrder(polls)
	require.Len(t, breaks, 3)
	for i, want := range []OrderBreak{
		{Line: 12, End: date(2006, 2, 26), Prev: date(2006, 3, 19), PrevLine: 11, Next: date(2006, 4, 2), NextLine: 13},
		{Line: 252, End: date(2011, 2, 6), Prev: date(2011, 2, 27), PrevLine: 251, Next: date(2011, 3, 13), NextLine: 253},
		{Line: 680, End: date(2019, 10, 11), Prev: date(2019, 11, 3), PrevLine: 679, Next: date(2019, 11, 17), NextLine: 681},
	} {
		want.Index = breaks[i].Index
		assert.Equal(t, want, breaks[i])
		assert.Equal(t, want.Line, polls[want.Index].Line)
	}
	flagged := 0
	for i := range polls {
		if polls[i].Flags.Has(OutOfOrder) {
			flagged++
		}
	}
	assert.Equal(t, 3, flagged)
	b := breaks[2]
	p := polls[b.Index]
	assert.True(t, p.Flags.Has(OutOfOrder))
	assert.Equal(t, date(2019, 10, 5), p.Start, "flagging changes nothing")

	applied := ApplyCorrections(polls, KnownCorrections())
	require.Len(t, applied, 1)
	assert.Equal(t, 680, applied[0].Line)
	assert.Equal(t, b.Index, applied[0].Index)
	assert.Contains(t, applied[0].String(), "VTsIOM 2019-10-11 → 2019-11-10 (line 680): ")
	p = polls[b.Index]
	assert.Equal(t, date(2019, 11, 4), p.Start, "the seven-day window moves with its end")
	assert.Equal(t, date(2019, 11, 10), p.End)
	assert.Equal(t, [2]float64{64.1, 27.6}, [2]float64{p.Approve, p.Disapprove}, "shares untouched")
	assert.True(t, p.Flags.Has(DateCorrected))
	assert.False(t, p.Flags.Has(OutOfOrder))
	assert.True(t, p.Flags.Has(UndecidedDerived|DateApprox), "other flags kept")

	var left []int
	for _, b := range MarkOutOfOrder(polls) {
		left = append(left, b.Line)
	}
	assert.Equal(t, []int{12, 252}, left, "the corrected row is in order")
	assert.Empty(t, ApplyCorrections(polls, KnownCorrections()), "applied once only")
}

// The FOM file is a descending block (2019-12-22 back to 2013-02-17) then
// an ascending one (2020); the turn is not a break, but 2019-10-06 and
// 2020-01-12, pasted again between 2020-03-15 and 2020-03-22, are. The
// Levada files are in order.
func TestMarkOutOfOrderOtherFiles(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "russia/putin-approval-fom.csv"))
	require.NoError(t, err)
	var lines []int
	for _, b := range MarkOutOfOrder(polls) {
		lines = append(lines, b.Line)
		assert.Equal(t, date(2020, 3, 15), b.Prev)
		assert.Equal(t, date(2020, 3, 22), b.Next)
	}
	assert.Equal(t, []int{352, 353}, lines)
	assert.Empty(t, ApplyCorrections(polls, KnownCorrections()), "no FOM entry in the table")

	for _, f := range []string{"russia/Levada.csv", "russia/Levada2.csv", "russia/putin-approval-levada-1999.csv"} {
		polls, _ := ReadCSV(openTestdata(t, f), WithPollster("Levada"))
		require.NotEmpty(t, polls)
		assert.Empty(t, MarkOutOfOrder(polls), f)
	}
}

func TestMarkOutOfOrderCases(t *testing.T) {
	for _, tc := range []struct {
		name string
		days []int // end dates as days after 2020-01-01, in file order
		want []int // indices flagged
	}{
		{"ascending", []int{0, 7, 14, 21, 28}, nil},
		{"descending", []int{28, 21, 14, 7, 0}, nil},
		{"typo ascending", []int{0, 7, 14, -20, 28, 35}, []int{3}},
		{"typo descending", []int{35, 28, 60, 14, 7}, []int{2}},
		{"typo near the start", []int{0, 7, -3, 14, 21}, []int{2}},
		{"a break needs a row beyond each neighbour", []int{0, 7, -3, 14}, nil},
		{"two pasted rows", []int{0, 7, 14, -50, 3, 21, 28}, []int{3, 4}},
		{"equal dates break nothing", []int{0, 7, 7, 14, 21}, nil},
		{"block turn", []int{35, 28, 21, 100, 107, 114}, nil},
		{"V turn", []int{35, 28, 21, 42, 49}, nil},
		{"a run of four is a block", []int{0, 7, 14, -70, -63, -56, -49, 21, 28}, nil},
		{"first row", []int{90, 0, 7, 14, 21}, []int{0}},
		{"last row", []int{0, 7, 14, 21, -5}, []int{4}},
		{"too short to judge the ends", []int{90, 0, 7}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			polls := make([]Poll, len(tc.days))
			for i, d := range tc.days {
				polls[i] = weekly("VTsIOM", date(2020, 1, 1).AddDate(0, 0, d), 60, 30, i+2)
			}
			var got []int
			for _, b := range MarkOutOfOrder(polls) {
				got = append(got, b.Index)
				assert.Equal(t, b.Index+2, b.Line)
			}
			assert.Equal(t, tc.want, got)
			for i := range polls {
				assert.Equal(t, contains(tc.want, i), polls[i].Flags.Has(OutOfOrder), "index %d", i)
			}
		})
	}
}

// weekly is a poll of a seven-day week ending on end, made with New.
func weekly(pollster string, end time.Time, a, d float64, line int) Poll {
	p := New(pollster, end.AddDate(0, 0, -6), end, a, d)
	p.Question, p.Undecided, p.Line = "approval", 100-a-d, line
	return p
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// Series are judged apart: two pollsters interleaved in one slice, each in
// order, break nothing; a break in one is reported with its own
// neighbours.
func TestMarkOutOfOrderSeries(t *testing.T) {
	var polls []Poll
	for i := range 5 {
		polls = append(polls, weekly("FOM", date(2020, 3, 1).AddDate(0, 0, -7*i), 60, 30, 10+i))
		polls = append(polls, weekly("Levada", date(2019, 1, 31).AddDate(0, 0, 7*i), 60, 30, 100+i))
	}
	assert.Empty(t, MarkOutOfOrder(polls))
	polls[4].End = date(2021, 1, 1) // FOM's third row
	bs := MarkOutOfOrder(polls)
	require.Len(t, bs, 1)
	assert.Equal(t, 4, bs[0].Index)
	assert.Equal(t, date(2020, 2, 23), bs[0].Prev)
	assert.Equal(t, date(2020, 2, 9), bs[0].Next)

	// Another source is another file.
	polls = []Poll{weekly("FOM", date(2020, 1, 5), 1, 1, 2), weekly("FOM", date(2020, 1, 12), 1, 1, 3), weekly("FOM", date(2020, 1, 19), 1, 1, 4)}
	other := weekly("FOM", date(2010, 1, 1), 1, 1, 3)
	other.Source = "other.csv"
	polls = append(polls[:2], append([]Poll{other}, polls[2:]...)...)
	assert.Empty(t, MarkOutOfOrder(polls))
}

// A correction matches pollster, printed date and shares; anything else is
// left alone.
func TestApplyCorrectionsMatch(t *testing.T) {
	table := KnownCorrections()
	mkFlagged := func(pollster string, end time.Time, a, d float64) Poll {
		p := weekly(pollster, end, a, d, 680)
		p.Flags |= OutOfOrder
		return p
	}
	polls := []Poll{
		mkFlagged("VTsIOM", date(2019, 10, 11), 64.1, 27.7), // other shares
		mkFlagged("FOM", date(2019, 10, 11), 64.1, 27.6),    // other pollster
		mkFlagged("VTsIOM", date(2019, 10, 12), 64.1, 27.6), // other date
		mkFlagged("VTsIOM", date(2019, 10, 11), 64.1, 27.6),
	}
	got := ApplyCorrections(polls, table)
	require.Len(t, got, 1)
	assert.Equal(t, 3, got[0].Index)
	for i := range 3 {
		assert.True(t, polls[i].Flags.Has(OutOfOrder))
		assert.False(t, polls[i].Flags.Has(DateCorrected))
	}
	assert.Equal(t, date(2019, 11, 10), polls[3].End)
	assert.Equal(t, date(2019, 10, 11), table[0].Printed, "the table itself is not modified")
	assert.Zero(t, table[0].Line)
}

// The new flags survive the canonical CSV.
func TestOrderFlagsRoundTrip(t *testing.T) {
	p := weekly("VTsIOM", date(2019, 11, 10), 64.1, 27.6, 680)
	p.Flags = DateCorrected | UndecidedDerived
	q := weekly("FOM", date(2020, 1, 12), 60, 27, 353)
	q.Flags = OutOfOrder | Duplicate
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, []Poll{p, q}))
	assert.Contains(t, buf.String(), "undecided-derived|date-corrected")
	assert.Contains(t, buf.String(), "duplicate|out-of-order")
	back, err := ReadCSV(strings.NewReader(buf.String()))
	require.NoError(t, err)
	require.Len(t, back, 2)
	assert.Equal(t, p.Flags, back[0].Flags)
	assert.Equal(t, q.Flags, back[1].Flags)
}
