package poll

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Collections are plain []Poll, as the readers return them: the functions
// below sort, filter and check them without a wrapper type, so that a
// slice from any source (or a literal) works directly. Functions that flag
// polls modify the slice in place and never drop a poll; Dedupe and Filter
// return a new slice and leave their input alone.

// Sort orders polls by fieldwork end date, then pollster, keeping the input
// order among equals (stable).
func Sort(polls []Poll) {
	slices.SortStableFunc(polls, func(a, b Poll) int {
		if c := a.End.Compare(b.End); c != 0 {
			return c
		}
		return cmp.Compare(a.Pollster, b.Pollster)
	})
}

// Filter selects polls. Each zero field places no constraint; set fields
// must all match.
type Filter struct {
	Pollster   string     // matched by canonical name (Profiles.CanonicalName), so aliases work
	Question   string     // exact
	Subject    string     // exact
	Subgroup   string     // exact
	Population Population // PopulationUnknown: any
	Mode       Mode       // ModeUnknown: any
	// From and To bound the fieldwork end date, inclusive; a zero time is
	// open-ended.
	From, To time.Time
	// Profiles resolves Pollster's aliases; nil means DefaultProfiles().
	Profiles *Profiles
}

// Match reports whether p satisfies every constraint of f.
func (f Filter) Match(p *Poll) bool {
	switch {
	case f.Pollster != "" && f.Profiles.CanonicalName(f.Pollster) != p.Pollster && f.Pollster != p.Pollster,
		f.Question != "" && f.Question != p.Question,
		f.Subject != "" && f.Subject != p.Subject,
		f.Subgroup != "" && f.Subgroup != p.Subgroup,
		f.Population != PopulationUnknown && f.Population != p.Population,
		f.Mode != ModeUnknown && f.Mode != p.Mode,
		!f.From.IsZero() && p.End.Before(f.From),
		!f.To.IsZero() && p.End.After(f.To):
		return false
	}
	return true
}

// Apply returns the polls that match f, in their input order, in a new
// slice.
func (f Filter) Apply(polls []Poll) []Poll {
	var out []Poll
	if f.Pollster != "" {
		f.Pollster = f.Profiles.CanonicalName(f.Pollster) // once, not per poll
	}
	for i := range polls {
		if f.Match(&polls[i]) {
			out = append(out, polls[i])
		}
	}
	return out
}

// seriesKey identifies one series: a pollster's question about a subject
// among one population (and 538 subgroup).
type seriesKey struct {
	pollster, question, subject, subgroup string
	population                            Population
}

// releaseKey identifies one release of a series: the series and its
// fieldwork dates.
type releaseKey struct {
	seriesKey
	start, end time.Time
}

func keyOf(p *Poll) releaseKey {
	return releaseKey{seriesKey{p.Pollster, p.Question, p.Subject, p.Subgroup, p.Population}, p.Start, p.End}
}

// sameFloat is == with NaN equal to NaN: an unpublished share equals an
// unpublished share.
func sameFloat(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

// sameShares reports whether two polls publish the same shares (approve,
// disapprove, undecided, refused and the four-point detail).
func sameShares(a, b *Poll) bool {
	if !sameFloat(a.Approve, b.Approve) || !sameFloat(a.Disapprove, b.Disapprove) ||
		!sameFloat(a.Undecided, b.Undecided) || !sameFloat(a.Refused, b.Refused) {
		return false
	}
	if (a.Detail == nil) != (b.Detail == nil) {
		return false
	}
	if a.Detail == nil {
		return true
	}
	x, y := a.Detail, b.Detail
	return sameFloat(x.DefinitelyYes, y.DefinitelyYes) && sameFloat(x.RatherYes, y.RatherYes) &&
		sameFloat(x.RatherNo, y.RatherNo) && sameFloat(x.DefinitelyNo, y.DefinitelyNo)
}

// Merge reports one set of exact duplicates folded by Dedupe.
type Merge struct {
	Kept    int   // index of the kept poll in Dedupe's result
	From    int   // index of the kept poll in Dedupe's input
	Line    int   // source line of the kept poll
	Dropped []int // indices in the input of the copies removed
	Lines   []int // source lines of the copies removed, in the same order
}

// Dedupe removes exact duplicates: polls with the same pollster, question,
// subject, subgroup, population, fieldwork dates and shares (NaN equal to
// NaN). The first of each set is kept, in input order, and every removal is
// reported. Polls with the same dates but different shares are not
// duplicates in this sense; see MarkDuplicates.
func Dedupe(polls []Poll) ([]Poll, []Merge) {
	out := make([]Poll, 0, len(polls))
	byKey := make(map[releaseKey][]int, len(polls)) // key → indices in out
	var merges []Merge
	mergeOf := make(map[int]int)       // index in out → index in merges
	from := make([]int, 0, len(polls)) // index in out → index in polls
	for i := range polls {
		p := &polls[i]
		k := keyOf(p)
		dup := -1
		for _, j := range byKey[k] {
			if sameShares(&out[j], p) {
				dup = j
				break
			}
		}
		if dup < 0 {
			byKey[k] = append(byKey[k], len(out))
			out = append(out, *p)
			from = append(from, i)
			continue
		}
		m, ok := mergeOf[dup]
		if !ok {
			m = len(merges)
			mergeOf[dup] = m
			merges = append(merges, Merge{Kept: dup, From: from[dup], Line: out[dup].Line})
		}
		merges[m].Dropped = append(merges[m].Dropped, i)
		merges[m].Lines = append(merges[m].Lines, p.Line)
	}
	return out, merges
}

// DuplicateGroup is a set of polls of one series with the same fieldwork
// dates but different shares, as found by MarkDuplicates.
type DuplicateGroup struct {
	Indices []int // indices in the slice, ascending
	Lines   []int // their source lines
}

// MarkDuplicates finds polls of the same series (pollster, question,
// subject, subgroup, population) with the same fieldwork dates whose shares
// differ, sets the Duplicate flag on every member of each such group, and
// returns the groups in order of their first member. Nothing is dropped:
// which value is right (or whether to average) is the caller's decision.
// The FOM series, for example, prints 2014-05-18 twice, as 81/10/9 and
// 80/10/10.
func MarkDuplicates(polls []Poll) []DuplicateGroup {
	groups := make(map[releaseKey][]int)
	var order []releaseKey
	for i := range polls {
		k := keyOf(&polls[i])
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	var out []DuplicateGroup
	for _, k := range order {
		idx := groups[k]
		if len(idx) < 2 {
			continue
		}
		differ := false
		for _, j := range idx[1:] {
			if !sameShares(&polls[idx[0]], &polls[j]) {
				differ = true
				break
			}
		}
		if !differ {
			continue // exact copies: Dedupe's business
		}
		g := DuplicateGroup{Indices: idx}
		for _, j := range idx {
			polls[j].Flags |= Duplicate
			g.Lines = append(g.Lines, polls[j].Line)
		}
		out = append(out, g)
	}
	return out
}

// Repeat reports a poll flagged ForwardFilled by MarkForwardFilled.
type Repeat struct {
	Index, Line        int // the repeating poll
	Previous, PrevLine int // the release it repeats
	End, PreviousEnd   time.Time
}

// MarkForwardFilled flags polls whose shares are exactly those of the
// previous release of the same series (pollster, question, subject,
// subgroup, population; releases ordered by fieldwork end date, polls with
// the same end date being duplicates rather than releases), and returns one
// Repeat per flagged poll in date order. Such a repeat is what a scraper
// that carries values forward into months the pollster skipped produces —
// Levada.csv's June 2018 (79/20/1) equals May 2018 — but a real release can
// also repeat, so the flag marks a suspicion and nothing is dropped.
func MarkForwardFilled(polls []Poll) []Repeat {
	idx := make([]int, len(polls))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		pa, pb := &polls[a], &polls[b]
		ka, kb := keyOf(pa).seriesKey, keyOf(pb).seriesKey
		if c := cmp.Or(cmp.Compare(ka.pollster, kb.pollster), cmp.Compare(ka.question, kb.question),
			cmp.Compare(ka.subject, kb.subject), cmp.Compare(ka.subgroup, kb.subgroup),
			cmp.Compare(ka.population, kb.population)); c != 0 {
			return c
		}
		return pa.End.Compare(pb.End)
	})
	var out []Repeat
	// prev holds the indices of the previous release (all polls sharing its
	// end date); cur those of the release being scanned.
	var prev, cur []int
	for n, i := range idx {
		p := &polls[i]
		if n > 0 {
			q := &polls[idx[n-1]]
			if keyOf(q).seriesKey != keyOf(p).seriesKey {
				prev, cur = nil, nil
			} else if !q.End.Equal(p.End) {
				prev, cur = cur, nil
			}
		}
		cur = append(cur, i)
		for _, j := range prev {
			if sameShares(&polls[j], p) {
				p.Flags |= ForwardFilled
				out = append(out, Repeat{Index: i, Line: p.Line, Previous: j, PrevLine: polls[j].Line, End: p.End, PreviousEnd: polls[j].End})
				break
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Repeat) int { return a.End.Compare(b.End) })
	return out
}
