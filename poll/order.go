package poll

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Scraped series files are written in date order (ascending, descending,
// or in blocks of either), so a date that breaks that order is almost
// always a typo: vciom-presidential-approval-2006.csv prints 2019-10-11
// between 2019-11-03 and 2019-11-17. MarkOutOfOrder finds such rows and
// ApplyCorrections fixes the ones listed in a documented correction table;
// neither guesses a date, and nothing is changed without being reported
// (release-formats.md §8).

// maxOrderBreak is the longest run of consecutive rows MarkOutOfOrder
// reports as one break. A longer run is a block of the file in its own
// order (the FOM file is a descending block followed by an ascending
// one), not a typo.
const maxOrderBreak = 3

// OrderBreak reports a poll flagged OutOfOrder by MarkOutOfOrder.
type OrderBreak struct {
	Index, Line int       // the poll: its index in the slice and its source line
	End         time.Time // its end date as read
	// Prev and Next are the end dates of the in-order polls of the series
	// around the break (zero at the start or the end of the series), and
	// PrevLine and NextLine their source lines.
	Prev, Next         time.Time
	PrevLine, NextLine int
}

// MarkOutOfOrder finds polls whose end date breaks the order of their
// file, sets their OutOfOrder flag, and returns one OrderBreak per flagged
// poll in slice order. Call it on a reader's output before sorting: the
// slice order is taken as the file order.
//
// Each series (pollster, question, subject, subgroup, population) of each
// source is checked on its own. A run of one to three consecutive polls is
// out of order when every one of their end dates lies strictly outside the
// dates of the polls just before and just after the run, and those two
// polls continue the same direction (ascending or descending) as their
// own outer neighbours: the run interrupts a monotone stretch of the file.
// The first or last poll of a series (and a run touching the second or the
// last but one, which lack an outer neighbour) is judged by the edge rule
// alone: a first or last poll is out of order when it lies on the wrong
// side of a stretch of three polls running one way. Equal dates (a release
// printed twice) break nothing; the point where a file turns from one
// sorted block to another (FOM's descending 2013–2019 block followed by
// its ascending 2020 block) is not a break, because its neighbours run in
// different directions. The flag marks a suspicion and never changes a
// value; see ApplyCorrections for known typos.
func MarkOutOfOrder(polls []Poll) []OrderBreak {
	type group struct {
		seriesKey
		source string
	}
	series := map[group][]int{}
	var order []group
	for i := range polls {
		g := group{keyOf(&polls[i]).seriesKey, polls[i].Source}
		if _, ok := series[g]; !ok {
			order = append(order, g)
		}
		series[g] = append(series[g], i)
	}
	var out []OrderBreak
	for _, g := range order {
		out = append(out, orderBreaks(polls, series[g])...)
	}
	for _, b := range out {
		polls[b.Index].Flags |= OutOfOrder
	}
	// Slice order, as documented; groups were scanned one after another.
	slices.SortFunc(out, func(a, b OrderBreak) int { return cmp.Compare(a.Index, b.Index) })
	return out
}

// orderBreaks finds the breaks of one series, given the indices of its
// polls in file order.
func orderBreaks(polls []Poll, idx []int) []OrderBreak {
	n := len(idx)
	end := func(k int) time.Time { return polls[idx[k]].End }
	// dir is the direction from row k to row k+1: -1, 0 or +1.
	dir := func(k int) int { return end(k + 1).Compare(end(k)) }
	flagged := make([]bool, n)
	var out []OrderBreak
	report := func(k, prev, next int) {
		flagged[k] = true
		b := OrderBreak{Index: idx[k], Line: polls[idx[k]].Line, End: end(k)}
		if prev >= 0 {
			b.Prev, b.PrevLine = end(prev), polls[idx[prev]].Line
		}
		if next < n {
			b.Next, b.NextLine = end(next), polls[idx[next]].Line
		}
		out = append(out, b)
	}
	// agrees reports whether step direction d is compatible with s.
	agrees := func(d, s int) bool { return d == 0 || d == s }
	for run := 1; run <= maxOrderBreak; run++ {
		// a and b, the rows around the run, need a neighbour each to show
		// which way the file runs there.
		for k := 2; k+run+1 < n; k++ {
			a, b := k-1, k+run
			if flagged[a] || flagged[b] || flagged[k] {
				continue
			}
			s := end(b).Compare(end(a))
			if s == 0 {
				continue // no direction to break
			}
			if !agrees(dir(a-1), s) || !agrees(dir(b), s) {
				continue // a turn between sorted blocks
			}
			lo, hi := end(a), end(b)
			if s < 0 {
				lo, hi = hi, lo
			}
			outside := true
			for j := k; j < b; j++ {
				if !end(j).Before(lo) && !end(j).After(hi) {
					outside = false
					break
				}
			}
			if outside {
				for j := k; j < b; j++ {
					report(j, a, b)
				}
			}
		}
	}
	// The ends: the first (last) row against a stretch of three rows that
	// run one way after (before) it.
	if n >= 4 {
		if s := dir(1); s != 0 && dir(2) == s && !flagged[0] && !flagged[1] && !flagged[2] && !flagged[3] && dir(0) == -s {
			report(0, -1, 1)
		}
		if s := dir(n - 3); s != 0 && dir(n-4) == s && !flagged[n-1] && !flagged[n-2] && !flagged[n-3] && !flagged[n-4] && dir(n-2) == -s {
			report(n-1, n-2, n)
		}
	}
	return out
}

// Correction is one entry of a correction table: a known typo in a
// pollster's series, identified by the pollster, the printed end date and
// the published shares (so that no other row can match), with the end
// date it should have and why.
type Correction struct {
	Pollster            string    // canonical name
	Printed, Corrected  time.Time // end date as printed, and as corrected
	Approve, Disapprove float64   // the row's published shares (NaN matches NaN)
	Reason              string    // the evidence, with its source

	// Index and Line are set in the corrections ApplyCorrections returns:
	// the corrected poll's index in the slice and its source line.
	Index, Line int
}

// KnownCorrections returns candor's correction table of known date typos
// in the saved series files (a new slice on each call; pass it, or your
// own table, to ApplyCorrections). It holds one entry:
//
//   - VTsIOM, vciom-presidential-approval-2006.csv line 680: 2019-10-11
//     (64.1 / 27.6) sits between 2019-11-03 and 2019-11-17. The file is
//     otherwise weekly on Sundays and 2019-10-11 is a Friday; 2019-11-10,
//     the Sunday missing from the sequence, is the same date with month
//     and day swapped. Corrected to 2019-11-10 (release-formats.md §8).
//
// MarkOutOfOrder flags two more rows of that file, 2006-02-26 (line 12,
// between 2006-03-19 and 2006-04-02) and 2011-02-06 (line 252, between
// 2011-02-27 and 2011-03-13). Each sits where a Sunday is missing
// (2006-03-26, 2011-03-06) with a one-digit month slip, but each also
// repeats an earlier date, as a re-published release would, and
// release-formats.md §8 lists them as duplicated dates; without a primary
// source to tell the two readings apart they stay flagged and
// uncorrected.
func KnownCorrections() []Correction {
	return []Correction{{
		Pollster: "VTsIOM", Printed: date(2019, 10, 11), Corrected: date(2019, 11, 10),
		Approve: 64.1, Disapprove: 27.6,
		Reason: "vciom-presidential-approval-2006.csv prints 2019-10-11 (a Friday) between 2019-11-03 and 2019-11-17 " +
			"in an otherwise weekly Sunday series; 2019-11-10, the missing Sunday, is the same date with month and day " +
			"swapped (release-formats.md §8)",
	}}
}

// ApplyCorrections applies a correction table (KnownCorrections, or the
// caller's own) to polls in place and returns the corrections applied,
// with Index and Line set, in slice order. A correction applies only to a
// poll that MarkOutOfOrder flagged OutOfOrder, of its pollster, ending on
// its printed date with its shares, so a poll really fielded on that date
// is never moved; call MarkOutOfOrder first. The poll's Start and End
// move by the same number of days (its fieldwork length is kept), the
// OutOfOrder flag is replaced by DateCorrected, and the shares are left
// alone. Nothing is corrected unless this function is called.
func ApplyCorrections(polls []Poll, table []Correction) []Correction {
	var out []Correction
	for i := range polls {
		p := &polls[i]
		if !p.Flags.Has(OutOfOrder) {
			continue
		}
		for _, c := range table {
			if p.Pollster != c.Pollster || !p.End.Equal(c.Printed) ||
				!sameFloat(p.Approve, c.Approve) || !sameFloat(p.Disapprove, c.Disapprove) {
				continue
			}
			days := int(c.Corrected.Sub(c.Printed).Hours() / 24)
			p.Start, p.End = p.Start.AddDate(0, 0, days), p.End.AddDate(0, 0, days)
			p.Flags = p.Flags&^OutOfOrder | DateCorrected
			c.Index, c.Line = i, p.Line
			out = append(out, c)
			break
		}
	}
	return out
}

// String describes the correction, e.g. "VTsIOM 2019-10-11 → 2019-11-10
// (line 680): …".
func (c Correction) String() string {
	s := fmt.Sprintf("%s %s → %s", c.Pollster, c.Printed.Format(time.DateOnly), c.Corrected.Format(time.DateOnly))
	if c.Line > 0 {
		s += fmt.Sprintf(" (line %d)", c.Line)
	}
	return s + ": " + c.Reason
}
