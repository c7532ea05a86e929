package aggregate

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strings"

	"github.com/candorpoll/candor/poll"
)

// This file is the one input boundary of the models: every Fit turns its
// polls into a pollSet here, so that validation, the choice among several
// versions of one poll, sample sizes, day numbers and house labels mean
// the same in StateSpace, Bayes and Average. See "Input" in doc.go.

// MaxDays is the longest span, in days from the earliest fieldwork start to
// the latest fieldwork end, that a fit accepts: about 359 years. Longer
// spans are almost always a mistyped year (9999-12-31) and are an error
// (ErrSpan) rather than a series millions of days long.
const MaxDays = 1 << 17

// MaxPolls is the most polls a fit takes: the input boundary indexes them
// in 32 bits (a slice of this many Polls is over 700 GB). More is an error
// (ErrTooManyPolls).
const MaxPolls = math.MaxInt32

// DefaultSampleSize is the sample size given to a poll that has none when
// neither its pollster's other polls nor its profile give one (see
// Imputation).
const DefaultSampleSize = 1000

// inputRules are the choices every model makes alike when it reads polls.
// Each model has them as fields of its own (StateSpace, Average; Bayes
// through its Model).
type inputRules struct {
	splitModes, splitPops bool
	populations           []poll.Population // preference among versions; nil: defaultPopulations
	strict                bool
	profiles              *poll.Profiles // nil: poll.DefaultProfiles()
	placement             placement      // zero (as scatters decides) for every model; set by tests and BenchmarkInputPlacement
}

// placement says how group places the items: as scatters decides, or
// (for BenchmarkInputPlacement) one way whatever the polls.
type placement uint8

const (
	placeAsScattered placement = iota
	placeAtOnce
	placeStaged
)

// check reports an invalid rule as an ErrConfig error naming model.
func (r inputRules) check(model string) error {
	if r.populations != nil && len(r.populations) == 0 {
		return fmt.Errorf("%w: %s.Populations is empty (nil means the default order)", ErrConfig, model)
	}
	return nil
}

// defaultPopulations is the preference among the population versions of one
// poll: FiveThirtyEight's "All polls" rule for approval (A > RV > LV), then
// voters and unknown.
var defaultPopulations = []poll.Population{poll.Adults, poll.RegisteredVoters, poll.LikelyVoters, poll.Voters, poll.PopulationUnknown}

// Imputation records a value a fit supplied for a poll that did not
// publish it. Today only sample sizes are imputed.
type Imputation struct {
	Index    int    // position in the polls slice given to Fit
	Source   string // poll.Poll.Source
	Line     int    // poll.Poll.Line
	Pollster string
	Field    string  // "SampleSize"
	Value    float64 // the value used
	Rule     string  // how it was chosen, e.g. "median of the pollster's 12 other polls"
}

func (m Imputation) String() string {
	return fmt.Sprintf("%s: %s %s = %g (%s)", pollWhere(m.Index, m.Source, m.Line), m.Pollster, m.Field, m.Value, m.Rule)
}

// inputPoll is one poll as every model sees it: after validation and the
// choice among its versions.
//
// Its indices are 32 bits (a []poll.Poll of 2³¹ would be 700 GB) and its
// midpoint is computed, not stored (mid), which makes an item 80 bytes
// rather than 104: a million of them are written in midpoint order, into
// fresh memory, by every fit.
type inputPoll struct {
	src         int32      // index in the polls given to Fit of its first version
	vers, nvers int32      // its versions are pollSet.versions[vers : vers+nvers]
	house       int32      // index in pollSet.houses
	start, end  int        // day numbers (dayNumber)
	value       [3]float64 // by Share: Share.Value averaged over the versions; NaN when none publishes it
	n           float64    // sample size: own or imputed, averaged over the versions
	neff        float64    // n / design effect
	imputed     bool       // n (of some version) was imputed
	corrected   bool       // the first version (src) carries an audit trail of corrections
}

// pollSet is the models' common input.
type pollSet struct {
	polls    []poll.Poll    // as given to Fit
	profiles *poll.Profiles // pollster profiles of the fit (nil: the built-in set)
	items    []inputPoll    // sorted by mid day (stable)
	versions []int32        // indices into polls, grouped per item
	houses   []string       // house labels, sorted
	houseIdx map[string]int // while grouping: index of each label in houses
	first    int            // earliest fieldwork start (day number)
	last     int            // latest fieldwork end

	excluded []*PollError // polls left out, in input order
	imputed  []Imputation
	warnings []string

	// mem holds items and versions when taken from the pools
	// (scratch.go); release gives them back.
	mem scratch
}

// readPolls validates polls, chooses one version of each poll, supplies
// missing sample sizes and labels houses. Invalid polls (poll.Validate, an
// unusable audit trail) are left out and listed in excluded — or, with
// rules.strict, fail the whole read (ErrInvalidPoll). It fails with
// ErrNoPolls when nothing is left, ErrSpan when the polls span more than
// MaxDays and ErrTooManyPolls when there are more than MaxPolls.
func readPolls(polls []poll.Poll, rules inputRules) (*pollSet, error) {
	ps := &pollSet{polls: polls, profiles: rules.profiles}
	if len(polls) == 0 {
		return nil, fmt.Errorf("%w: none given", ErrNoPolls)
	}
	if len(polls) > MaxPolls {
		return nil, fmt.Errorf("%w: %d given, more than the %d a fit takes", ErrTooManyPolls, len(polls), MaxPolls)
	}
	// who[i] is poll i's pollster (−1: invalid poll).
	names := newPollsters(rules.profiles)
	who := make([]int32, len(polls))
	for i := range polls {
		p := &polls[i]
		err := p.Validate()
		if err == nil {
			err = checkTrail(p)
		}
		if err != nil {
			ps.excluded = append(ps.excluded, &PollError{Index: i, Source: p.Source, Line: p.Line, Err: err})
			who[i] = -1
			continue
		}
		who[i] = names.of(p.Pollster)
	}
	if len(ps.excluded) > 0 && rules.strict {
		return nil, joinErrors(pollErrs(ps.excluded))
	}
	if len(ps.excluded) > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d invalid polls were left out (Result.Excluded lists each and why)", len(ps.excluded)))
	}
	n := ps.sampleSizes(names, who)
	if err := ps.group(names, who, n, rules); err != nil {
		return nil, err
	}
	if len(ps.items) == 0 {
		return nil, fmt.Errorf("%w: all %d polls were left out: %w", ErrNoPolls, len(polls), joinErrors(pollErrs(ps.excluded)))
	}
	return ps, nil
}

func pollErrs(pe []*PollError) []error {
	errs := make([]error, len(pe))
	for i, e := range pe {
		errs[i] = e
	}
	return errs
}

// pollsters interns the pollster names of one read: each distinct name as
// written is resolved against the profiles (canonical name, profile) once,
// not once per poll — resolving normalises the name (Unicode, case,
// punctuation), which cost more than all the rest of the read.
type pollsters struct {
	profiles *poll.Profiles
	byName   map[string]int32 // name as written → index into who
	who      []pollster
	names    []string         // name as written, by index into who
	canon    []string         // distinct canonical names
	byCanon  map[string]int32 // canonical name → index into canon
	lastIdx  int32            // the index of the last name looked up: polls often come grouped by pollster
}

// fewPollsters is the number of distinct names up to which pollsters.of
// compares names rather than hash them.
const fewPollsters = 8

// pollster is one distinct pollster name as written.
type pollster struct {
	canon int32         // index into pollsters.canon
	prof  *poll.Profile // its profile; nil when the profiles do not know it
}

func newPollsters(profiles *poll.Profiles) *pollsters {
	return &pollsters{profiles: profiles, byName: map[string]int32{}, byCanon: map[string]int32{}, lastIdx: -1}
}

// of returns the index of the pollster named name.
//
// It remembers the last name by its index alone: storing the string
// itself, a pointer, went through the collector's write barrier at every
// change of pollster, a fifth of the look-up while a collection ran.
func (pp *pollsters) of(name string) int32 {
	if k := pp.lastIdx; k >= 0 && pp.names[k] == name {
		return k
	}
	// A few pollsters, as most sets of polls have, are found by comparing
	// the names, not by hashing: equal strings that share their bytes (a
	// reader gives a pollster's polls one copy of its name, or one per
	// part of a large file read in parallel) compare in a few
	// instructions. Polls of five pollsters in no order spent 5% of the
	// peers' fit in the map.
	if len(pp.names) <= fewPollsters {
		for k, nk := range pp.names {
			if nk == name {
				pp.lastIdx = int32(k)
				return int32(k)
			}
		}
	}
	k, ok := pp.byName[name]
	if !ok {
		w := pollster{}
		if prof, found := pp.profiles.Lookup(name); found {
			w.prof = &prof
		}
		canon := pp.profiles.CanonicalName(name)
		c, seen := pp.byCanon[canon]
		if !seen {
			c = int32(len(pp.canon))
			pp.byCanon[canon] = c
			pp.canon = append(pp.canon, canon)
		}
		w.canon = c
		k = int32(len(pp.who))
		pp.byName[name] = k
		pp.who = append(pp.who, w)
		pp.names = append(pp.names, name)
	}
	pp.lastIdx = k
	return k
}

// designEffect is poll.Profiles.DesignEffect for a poll of this pollster:
// the poll's own design effect when set (positive and finite), else its
// profile's at the poll's end date, else 1 (TestPollstersMatchProfiles).
func (w *pollster) designEffect(p *poll.Poll) float64 {
	if p.DesignEffect > 0 && !math.IsInf(p.DesignEffect, 0) {
		return p.DesignEffect
	}
	if w.prof != nil {
		if d := w.prof.DesignEffectAt(p.End); d > 0 {
			return d
		}
	}
	return 1
}

// mode is the interview mode of a poll of this pollster: its own, or when
// unknown its profile's mode at the poll's end date.
func (w *pollster) mode(p *poll.Poll) poll.Mode {
	if p.Mode == poll.ModeUnknown && w.prof != nil {
		return w.prof.ModeAt(p.End)
	}
	return p.Mode
}

// sampleSizes returns the sample size of every valid poll (who[i] ≥ 0):
// its own, or for a poll without one (SampleSize ≤ 0) the median of the
// sample sizes of its pollster's other polls, else its pollster profile's
// default sample size, else DefaultSampleSize — each imputation recorded.
// It returns nil when every valid poll has its own (sampleSize reads them
// then), the common case, which needs no list.
func (ps *pollSet) sampleSizes(names *pollsters, who []int32) []float64 {
	polls := ps.polls
	missing := 0
	for i := range polls {
		if who[i] >= 0 && polls[i].SampleSize <= 0 {
			missing++
		}
	}
	if missing == 0 {
		return nil
	}
	n := make([]float64, len(polls))
	for i := range polls {
		if s := polls[i].SampleSize; who[i] >= 0 && s > 0 {
			n[i] = float64(s)
		}
	}
	byPollster := make([][]float64, len(names.canon)) // by canonical name
	for i := range polls {
		if who[i] >= 0 && n[i] > 0 {
			c := names.who[who[i]].canon
			byPollster[c] = append(byPollster[c], n[i])
		}
	}
	medians := make([]float64, len(byPollster))
	for c, v := range byPollster {
		if k := len(v); k > 0 {
			slices.Sort(v)
			medians[c] = (v[(k-1)/2] + v[k/2]) / 2
		}
	}
	var fromMedian, fromProfile, fromDefault int
	for i := range polls {
		p := &polls[i]
		if who[i] < 0 || n[i] > 0 {
			continue
		}
		w := &names.who[who[i]]
		imp := Imputation{Index: i, Source: p.Source, Line: p.Line, Pollster: p.Pollster, Field: "SampleSize"}
		if len(byPollster[w.canon]) > 0 {
			imp.Value, imp.Rule = medians[w.canon], fmt.Sprintf("median of the pollster's %d polls with a sample size", len(byPollster[w.canon]))
			fromMedian++
		} else if w.prof != nil && w.prof.SampleSize > 0 {
			imp.Value, imp.Rule = float64(w.prof.SampleSize), "the pollster profile's usual sample size"
			fromProfile++
		} else {
			imp.Value, imp.Rule = DefaultSampleSize, "DefaultSampleSize (no other poll or profile of the pollster gives one)"
			fromDefault++
		}
		n[i] = imp.Value
		ps.imputed = append(ps.imputed, imp)
	}
	ps.warnings = append(ps.warnings, fmt.Sprintf("%d polls have no sample size: imputed from the pollster's median (%d), its profile (%d), or %d (%d); Result.Imputed lists each",
		missing, fromMedian, fromProfile, DefaultSampleSize, fromDefault))
	return n
}

// group collects the versions of each poll and keeps one. Rows are
// versions of one poll when they share pollster, question, subject and
// fieldwork period and either the poll part of their ID (538's
// "poll_id/question_id") or no ID at all: FiveThirtyEight lists one poll
// under several subgroups and, for one poll, rows for several populations
// and question versions. Of a poll's versions only those in the most
// preferred population (rules.populations) are used; among them an exact
// copy (same numbers) counts once, and when the rows carry a poll ID the
// differing versions of one question are averaged into one poll — without
// an ID, rows with different numbers are different polls that happen to
// share their dates, and each is kept. Every choice is counted in a
// warning.
func (ps *pollSet) group(names *pollsters, who []int32, n []float64, rules inputRules) error {
	polls := ps.polls
	pops := rules.populations
	if pops == nil {
		pops = defaultPopulations
	}
	// rank is by population its place among the distinct populations of
	// pops, or −1 when not in it: below 256, so that a poll's fits in a
	// byte (prank) however long pops is.
	var rank [256]int
	for i := range rank {
		rank[i] = -1
	}
	distinct := 0
	for _, pop := range pops {
		if rank[pop] < 0 {
			rank[pop] = distinct
			distinct++
		}
	}
	// Polls are grouped through a hash table (groupIndex) keyed by a
	// 64-bit mix of pollster and fieldwork days; among the groups of a
	// key the group is found by comparing pollster, days, question,
	// subject and poll ID. No string is hashed or built per poll, and two
	// polls are one group only when all of those are equal.
	idOf := func(p *poll.Poll) string {
		id, _, _ := strings.Cut(p.ID, "/")
		return id
	}
	// Groups as linked lists through next, in order of first appearance,
	// so that grouping allocates nothing per poll.
	var tmp scratch // the grouping's own tables, given back on return
	defer tmp.release()
	index := newGroupIndex(&tmp, len(polls))
	// Per group: first and last poll; most polls are a group of their own.
	head, tail := tmp.int32s(len(polls))[:0], tmp.int32s(len(polls))[:0]
	next := tmp.int32s(len(polls))
	day := take(&tmp, &dayPool, len(polls)) // start and end day numbers
	// What the passes below need of each poll and group, taken here, where
	// the polls are read anyway: each pass over a million polls of 328
	// bytes for a byte of each cost a few hundredths of a second.
	prank := take(&tmp, &uint8Pool, len(polls))          // rank of the poll's population
	identified := take(&tmp, &uint8Pool, len(polls))[:0] // by group: 1 when its first poll has an ID
	canon := func(i int32) int32 { return names.who[who[i]].canon }
	otherPop := 0
	for i := range polls {
		next[i] = -1
		if who[i] < 0 {
			continue
		}
		p := &polls[i]
		if rank[p.Population] < 0 {
			otherPop++
			continue
		}
		prank[i] = uint8(rank[p.Population])
		day[i] = [2]int{dayNumber(p.Start), dayNumber(p.End)}
		c := canon(int32(i))
		k := uint64(day[i][0])*0x9e3779b97f4a7c15 ^ uint64(day[i][1]-day[i][0])<<40 ^ uint64(c)
		slot := index.slot(k, func(g int32) bool {
			h := head[g]
			q := &polls[h]
			return canon(h) == c && day[h] == day[i] && q.Question == p.Question && q.Subject == p.Subject && idOf(q) == idOf(p)
		})
		if g := slot.group - 1; g >= 0 {
			next[tail[g]] = int32(i)
			tail[g] = int32(i)
			continue
		}
		*slot = groupSlot{check: uint32(k), group: int32(len(head)) + 1}
		head = append(head, int32(i))
		tail = append(tail, int32(i))
		identified = append(identified, uint8(boolInt(p.ID != "")))
	}
	if otherPop > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d polls in populations not in the preference list were not used", otherPop))
	}
	if len(head) == 0 {
		return nil
	}
	// The polls each group keeps, group by group in order of first
	// appearance (so that the polls are read in their order, not in the
	// order of the days): its versions in its most preferred population,
	// an exact copy once.
	keptOff := tmp.int32s(len(head) + 1)
	kept := ps.mem.int32s(len(polls))[:0]
	merged, copies, otherVersions := 0, 0, 0
	for g := range head {
		best := len(pops)
		for i := head[g]; i >= 0; i = next[i] {
			best = min(best, int(prank[i]))
		}
		from := len(kept)
		for i := head[g]; i >= 0; i = next[i] {
			if int(prank[i]) != best {
				otherVersions++
				continue
			}
			copyOf := false
			for _, j := range kept[from:] {
				if samePublished(&polls[i], &polls[j]) {
					copyOf = true
					break
				}
			}
			if copyOf {
				copies++
				continue
			}
			kept = append(kept, i)
		}
		keptOff[g+1] = int32(len(kept))
		if identified[g] == 1 {
			// Versions of one identified poll: averaged into one item.
			merged += len(kept) - from - 1
		}
	}
	items := func(g int) int { // the items group g makes
		if identified[g] == 1 {
			return 1
		}
		return int(keptOff[g+1] - keptOff[g])
	}
	// The days spanned: the first group (in order of first appearance)
	// starting earliest and the first ending latest name the polls of the
	// error.
	firstG, lastG := 0, 0
	for g := range head {
		d := day[head[g]]
		if d[0] < day[head[firstG]][0] {
			firstG = g
		}
		if d[1] > day[head[lastG]][1] {
			lastG = g
		}
	}
	ps.first, ps.last = day[head[firstG]][0], day[head[lastG]][1]
	if span := ps.last - ps.first + 1; span > MaxDays {
		firstIdx, lastIdx := int(kept[keptOff[firstG]]), int(kept[keptOff[lastG]])
		a, b := &polls[firstIdx], &polls[lastIdx]
		return fmt.Errorf("%w: the polls span %d days, from %s (%s) to %s (%s), more than the %d a fit holds: a mistyped year?",
			ErrSpan, span, a.Start.Format("2006-01-02"), pollWhere(firstIdx, a.Source, a.Line),
			b.End.Format("2006-01-02"), pollWhere(lastIdx, b.Source, b.Line), MaxDays)
	}
	// Each group's items go to their place in midpoint order, ties in
	// order of first appearance: a counting sort of the groups (linear in
	// the groups and the days, at most MaxDays), so that the items come
	// out sorted without being moved.
	count := take(&tmp, &intPool, ps.last-ps.first+2)
	mid := func(g int) int {
		d := day[head[g]]
		return d[0] + (d[1]-d[0])/2 - ps.first
	}
	for g := range head {
		count[mid(g)+1] += items(g)
	}
	for d := 1; d < len(count); d++ {
		count[d] += count[d-1]
	}
	ps.houseIdx = map[string]int{}
	houses := map[uint64]int{}
	ps.items = take(&ps.mem, &itemPool, count[len(count)-1])
	staged := rules.placement == placeStaged ||
		rules.placement == placeAsScattered && scatters(len(ps.items), len(head), func(g int) int { return count[mid(g)] })
	place := newPlacer(&tmp, ps.items, count, ps.first, staged)
	// The items' versions are the kept polls as they stand, group by group:
	// an identified poll's item takes its group's, every other item one.
	ps.versions = kept
	for g := range head {
		from, to := int(keptOff[g]), int(keptOff[g+1])
		if identified[g] == 1 {
			place.put(ps.item(from, to, n, names, who, day, houses, rules))
			continue
		}
		for k := from; k < to; k++ {
			place.put(ps.item(k, k+1, n, names, who, day, houses, rules))
		}
	}
	place.finish()
	if merged > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d poll versions (several questions or rows of one poll in one population) were averaged into their poll", merged))
	}
	if copies > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d rows repeat a poll exactly (one poll listed under several subgroups) and were counted once", copies))
	}
	if otherVersions > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d rows are another population's version of a poll used in a preferred population, and were not used", otherVersions))
	}
	// Houses sorted by label.
	horder := make([]int, len(ps.houses))
	for h := range horder {
		horder[h] = h
	}
	slices.SortFunc(horder, func(a, b int) int { return strings.Compare(ps.houses[a], ps.houses[b]) })
	rename := make([]int, len(horder))
	sorted := make([]string, len(horder))
	for to, from := range horder {
		rename[from] = to
		sorted[to] = ps.houses[from]
	}
	ps.houses = sorted
	for i := range ps.items {
		ps.items[i].house = int32(rename[ps.items[i].house])
	}
	return nil
}

// groupIndex finds the group of a poll from a 64-bit mix of its pollster
// and days: open addressing with linear probing, one slot a group, at
// least twice as many slots as polls, allocated once. Groups whose mixes
// are equal take a slot each, told apart by the caller's comparison. Go's
// map, with a chain of groups per key beside it, was 5% of the peers' fit
// and a tenth of a 1,000,000-poll one.
type groupIndex struct {
	slots []groupSlot
	shift uint // 64 − log₂ len(slots)
}

// groupSlot holds a group and a check of its key; group is the index + 1
// (0: empty). The check is the key's low 32 bits, which rule out most
// other groups met while probing before the caller's comparison, which
// decides: eight bytes a slot rather than sixteen.
type groupSlot struct {
	check uint32
	group int32
}

func newGroupIndex(tmp *scratch, n int) groupIndex {
	b := bits.Len(uint(2*n - 1))
	return groupIndex{slots: take(tmp, &slotPool, 1<<b), shift: uint(64 - b)}
}

// slot returns the slot of the group with key k for which same reports
// true, or the empty slot where such a group goes.
func (gi *groupIndex) slot(k uint64, same func(g int32) bool) *groupSlot {
	mask := len(gi.slots) - 1
	// Fibonacci hashing: the high bits of the product spread every bit of
	// k over the table.
	at := int((k * 0x9e3779b97f4a7c15) >> gi.shift)
	for {
		s := &gi.slots[at&mask]
		if s.group == 0 || (s.check == uint32(k) && same(s.group-1)) {
			return s
		}
		at++
	}
}

// mid is the item's midpoint day, start + ⌊(end − start)/2⌋.
func (it *inputPoll) mid() int { return it.start + (it.end-it.start)/2 }

// sampleSize is the sample size of poll q = polls[i] from sampleSizes's
// list n: its own when n is nil.
func sampleSize(n []float64, q *poll.Poll, i int) float64 {
	if n == nil {
		return float64(q.SampleSize)
	}
	return n[i]
}

// placer puts the items, made in the order of the polls, at their places
// in midpoint order: a counting sort, stable, whose day counts group has
// made (count: the items before each day, from day first). Polls in no
// order of days scatter their items over the whole list, and a scattered
// write that misses the cache while the item's poll is being read, five
// lines of it, waits for both: a million polls in random order took 1.7
// times as long to read as in day order. For such polls, beyond what a
// core's cache holds, the placer stages the items in the order they are
// made, written as the polls are read, and scatters them once they are
// all made, when nothing else is read: the read of a million polls in
// random order takes a quarter less (BenchmarkInputPlacement), for 80
// bytes a poll held while the read runs. Polls in day order, as most files
// are, place their items near each other, and the staging would only add
// a copy.
type placer struct {
	dst   []inputPoll
	count []int       // next place of each day's items in dst
	first int         // day number of count[0]
	stage []inputPoll // the items as made (nil: put places them at once)
}

// placerDirectMax is the most items the placer places as they are made
// whatever their order: 5 MB of them, a little more than a core's L2
// cache here (2 MB a core), below which the scattered writes cost little;
// by measurement, staging already helped at 100,000 polls.
const placerDirectMax = 1 << 16

// placerNear is how far, in items, from the place of the group before a
// group's items go without counting as far (320 KB of them).
const placerNear = 4096

// scatters reports whether placing items as they are made, group by
// group (at: where group g's go), would scatter them: more of them than a
// core's cache holds, and a quarter of the groups or more going far from
// the group before.
func scatters(items, groups int, at func(g int) int) bool {
	if items <= placerDirectMax {
		return false
	}
	far, prev := 0, 0
	for g := range groups {
		a := at(g)
		if a < prev-placerNear || a > prev+placerNear {
			far++
		}
		prev = a
	}
	return 4*far >= groups
}

// newPlacer returns a placer into dst, staging the items when staged.
func newPlacer(tmp *scratch, dst []inputPoll, count []int, first int, staged bool) *placer {
	pl := &placer{dst: dst, count: count, first: first}
	if staged {
		pl.stage = take(tmp, &itemPool, len(dst))[:0]
	}
	return pl
}

// put places it after every item put before it on its day.
func (pl *placer) put(it inputPoll) {
	if pl.stage != nil {
		pl.stage = append(pl.stage, it)
		return
	}
	pl.place(&it)
}

func (pl *placer) place(it *inputPoll) {
	d := it.mid() - pl.first
	pl.dst[pl.count[d]] = *it
	pl.count[d]++
}

// finish places the staged items, in the order they were put.
func (pl *placer) finish() {
	for i := range pl.stage {
		pl.place(&pl.stage[i])
	}
}

// item makes the item of the poll whose versions (indices into ps.polls,
// in the preferred population, none a copy of another) are
// ps.versions[from:to], with sample sizes n (sampleSizes; nil: the polls'
// own), pollsters who and fieldwork days day; houses maps what makes the
// houses seen so far — canonical pollster, and mode and population when
// the rules split by them (houseLabel) — to their index in ps.houses.
func (ps *pollSet) item(from, to int, n []float64, names *pollsters, who []int32, day [][2]int, houses map[uint64]int, rules inputRules) inputPoll {
	polls := ps.polls
	vers := ps.versions[from:to]
	it := inputPoll{vers: int32(from), nvers: int32(to - from), src: vers[0]}
	p0 := &polls[vers[0]]
	// Read here, where the polls are read in their order: the models read
	// the items in midpoint order, and a look into the poll for its trail
	// missed the cache at every item of an unsorted million.
	it.corrected = len(p0.Adjustments) > 0
	it.start, it.end = day[vers[0]][0], day[vers[0]][1]
	var sv, nv [3]float64
	for _, i := range vers {
		q := &polls[i]
		for _, s := range allShares {
			if v := s.Value(q); !math.IsNaN(v) {
				sv[s] += v
				nv[s]++
			}
		}
		ni := sampleSize(n, q, int(i))
		it.n += ni
		it.neff += ni / names.who[who[i]].designEffect(q)
		it.imputed = it.imputed || q.SampleSize <= 0
	}
	for s := range sv {
		it.value[s] = sv[s] / nv[s] // NaN when no version publishes it
	}
	it.n /= float64(len(vers))
	it.neff /= float64(len(vers))
	w := &names.who[who[vers[0]]]
	mode, pop := w.houseParts(p0, rules)
	key := uint64(w.canon)<<16 | uint64(mode)<<8 | uint64(pop)
	h, ok := houses[key]
	if !ok {
		lab := houseName(names.canon[w.canon], mode, pop)
		if h, ok = ps.houseIdx[lab]; !ok {
			h = len(ps.houses)
			ps.houseIdx[lab] = h
			ps.houses = append(ps.houses, lab)
		}
		houses[key] = h
	}
	it.house = int32(h)
	return it
}

// samePublished reports whether two rows publish the same numbers for the
// same population and sample (538 lists one poll under several subgroups).
func samePublished(p, q *poll.Poll) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return p.Population == q.Population && p.SampleSize == q.SampleSize &&
		eq(p.Approve, q.Approve) && eq(p.Disapprove, q.Disapprove) && eq(p.Undecided, q.Undecided)
}

// houseLabel returns the house a poll belongs to: its pollster's canonical
// name, followed with split modes by "/" and the mode — the poll's own, or
// when unknown its pollster profile's mode at the poll's end date (Levada's
// 2020 telephone months, VTsIOM's move to the telephone in 2017) — and
// with split populations by "/" and the population code (a, rv, lv, v)
// when known.
func houseLabel(p *poll.Poll, rules inputRules) string {
	names := newPollsters(rules.profiles)
	w := &names.who[names.of(p.Pollster)]
	mode, pop := w.houseParts(p, rules)
	return houseName(names.canon[w.canon], mode, pop)
}

// houseParts returns what makes a poll's house beside its pollster under
// the rules: its mode (pollster.mode) with split modes and its population
// with split populations, unknown (not in the label) otherwise.
func (w *pollster) houseParts(p *poll.Poll, rules inputRules) (poll.Mode, poll.Population) {
	var mode poll.Mode
	var pop poll.Population
	if rules.splitModes {
		mode = w.mode(p)
	}
	if rules.splitPops {
		pop = p.Population
	}
	return mode, pop
}

// houseName is the label of the house of a canonical pollster name with
// mode and population (unknown: not part of the label).
func houseName(name string, mode poll.Mode, pop poll.Population) string {
	if mode != poll.ModeUnknown {
		name += "/" + mode.String()
	}
	if pop != poll.PopulationUnknown {
		name += "/" + pop.String()
	}
	return name
}

// correction reads item it's audit trail for share s (calibration.go),
// with its sampling covariance at the sample size the fit uses (an imputed
// one included).
func (ps *pollSet) correction(it *inputPoll, s Share) pollCorrection {
	p := &ps.polls[it.src]
	if it.imputed {
		q := *p
		q.SampleSize = int(math.Round(it.n))
		return correctionFor(&q, s, ps.profiles)
	}
	return correctionFor(p, s, ps.profiles)
}

// release gives the pooled items and versions back (scratch.go) when
// the model is done with the set; the set may not be used after.
func (ps *pollSet) release() {
	ps.mem.release()
	ps.items, ps.versions = nil, nil
}

// finish copies what the read left out, imputed and warned about into r;
// it returns the joined errors of the excluded polls (nil when none), which
// Fit returns beside the result.
func (ps *pollSet) finish(r *Result) error {
	r.Excluded = ps.excluded
	r.Imputed = ps.imputed
	r.Warnings = append(slices.Clone(ps.warnings), r.Warnings...)
	if len(ps.excluded) == 0 {
		return nil
	}
	return joinErrors(pollErrs(ps.excluded))
}

// joinErrors joins errs, prefixed with their count when there are several.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return fmt.Errorf("%d invalid polls: %w", len(errs), errors.Join(errs...))
}
