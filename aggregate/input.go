package aggregate

import (
	"cmp"
	"errors"
	"fmt"
	"math"
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
}

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
type inputPoll struct {
	src             int // index in the polls given to Fit of its first version
	vers, nvers     int // its versions are pollSet.versions[vers : vers+nvers]
	house           int
	start, end, mid int        // day numbers (dayNumber); mid = start + ⌊(end − start)/2⌋
	value           [3]float64 // by Share: Share.Value averaged over the versions; NaN when none publishes it
	n               float64    // sample size: own or imputed, averaged over the versions
	neff            float64    // n / design effect
	imputed         bool       // n (of some version) was imputed
}

// pollSet is the models' common input.
type pollSet struct {
	polls    []poll.Poll    // as given to Fit
	profiles *poll.Profiles // pollster profiles of the fit (nil: the built-in set)
	items    []inputPoll    // sorted by mid day (stable)
	versions []int          // indices into polls, grouped per item
	houses   []string       // house labels, sorted
	houseIdx map[string]int // while grouping: index of each label in houses
	first    int            // earliest fieldwork start (day number)
	last     int            // latest fieldwork end

	excluded []*PollError // polls left out, in input order
	imputed  []Imputation
	warnings []string
}

// readPolls validates polls, chooses one version of each poll, supplies
// missing sample sizes and labels houses. Invalid polls (poll.Validate, an
// unusable audit trail) are left out and listed in excluded — or, with
// rules.strict, fail the whole read (ErrInvalidPoll). It fails with
// ErrNoPolls when nothing is left and ErrSpan when the polls span more
// than MaxDays.
func readPolls(polls []poll.Poll, rules inputRules) (*pollSet, error) {
	ps := &pollSet{polls: polls, profiles: rules.profiles}
	if len(polls) == 0 {
		return nil, fmt.Errorf("%w: none given", ErrNoPolls)
	}
	valid := make([]bool, len(polls))
	for i := range polls {
		p := &polls[i]
		err := p.Validate()
		if err == nil {
			err = checkTrail(p)
		}
		if err != nil {
			ps.excluded = append(ps.excluded, &PollError{Index: i, Source: p.Source, Line: p.Line, Err: err})
			continue
		}
		valid[i] = true
	}
	if len(ps.excluded) > 0 && rules.strict {
		return nil, joinErrors(pollErrs(ps.excluded))
	}
	if len(ps.excluded) > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d invalid polls were left out (Result.Excluded lists each and why)", len(ps.excluded)))
	}
	n := ps.sampleSizes(valid)
	if err := ps.group(valid, n, rules); err != nil {
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

// sampleSizes returns the sample size of every valid poll: its own, or
// for a poll without one (SampleSize ≤ 0) the median of the sample sizes
// of its pollster's other polls, else its pollster profile's default
// sample size, else DefaultSampleSize — each imputation recorded.
func (ps *pollSet) sampleSizes(valid []bool) []float64 {
	polls := ps.polls
	n := make([]float64, len(polls))
	byPollster := map[string][]float64{}
	missing := 0
	for i := range polls {
		if !valid[i] {
			continue
		}
		if s := polls[i].SampleSize; s > 0 {
			n[i] = float64(s)
			name := ps.profiles.CanonicalName(polls[i].Pollster)
			byPollster[name] = append(byPollster[name], n[i])
		} else {
			missing++
		}
	}
	if missing == 0 {
		return n
	}
	medians := make(map[string]float64, len(byPollster))
	for name, v := range byPollster {
		slices.Sort(v)
		k := len(v)
		medians[name] = (v[(k-1)/2] + v[k/2]) / 2
	}
	var fromMedian, fromProfile, fromDefault int
	for i := range polls {
		p := &polls[i]
		if !valid[i] || n[i] > 0 {
			continue
		}
		name := ps.profiles.CanonicalName(p.Pollster)
		imp := Imputation{Index: i, Source: p.Source, Line: p.Line, Pollster: p.Pollster, Field: "SampleSize"}
		if m, ok := medians[name]; ok {
			imp.Value, imp.Rule = m, fmt.Sprintf("median of the pollster's %d polls with a sample size", len(byPollster[name]))
			fromMedian++
		} else if prof, ok := ps.profiles.Lookup(p.Pollster); ok && prof.SampleSize > 0 {
			imp.Value, imp.Rule = float64(prof.SampleSize), "the pollster profile's usual sample size"
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
func (ps *pollSet) group(valid []bool, n []float64, rules inputRules) error {
	polls := ps.polls
	pops := rules.populations
	if pops == nil {
		pops = defaultPopulations
	}
	rank := make(map[poll.Population]int, len(pops))
	for i, pop := range pops {
		if _, dup := rank[pop]; !dup {
			rank[pop] = i
		}
	}
	type key struct {
		pollster, question, subject, pollID string
		start, end                          int
	}
	keyOf := func(p *poll.Poll) key {
		id, _, _ := strings.Cut(p.ID, "/")
		return key{ps.profiles.CanonicalName(p.Pollster), p.Question, p.Subject, id, dayNumber(p.Start), dayNumber(p.End)}
	}
	// Groups as linked lists through next, in order of first appearance,
	// so that grouping allocates nothing per poll.
	group := make(map[key]int, len(polls))
	var head, tail []int
	next := make([]int, len(polls))
	otherPop := 0
	for i := range polls {
		next[i] = -1
		if !valid[i] {
			continue
		}
		if _, ok := rank[polls[i].Population]; !ok {
			otherPop++
			continue
		}
		k := keyOf(&polls[i])
		g, seen := group[k]
		if !seen {
			group[k] = len(head)
			head = append(head, i)
			tail = append(tail, i)
			continue
		}
		next[tail[g]] = i
		tail[g] = i
	}
	if otherPop > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d polls in populations not in the preference list were not used", otherPop))
	}
	ps.houseIdx = map[string]int{}
	ps.items = make([]inputPoll, 0, len(head))
	ps.first, ps.last = math.MaxInt, math.MinInt
	var firstIdx, lastIdx int
	merged, copies, otherVersions := 0, 0, 0
	var idx, kept []int
	for _, h0 := range head {
		idx = idx[:0]
		for i := h0; i >= 0; i = next[i] {
			idx = append(idx, i)
		}
		best := len(pops)
		for _, i := range idx {
			best = min(best, rank[polls[i].Population])
		}
		kept = kept[:0]
		for _, i := range idx {
			if rank[polls[i].Population] != best {
				otherVersions++
				continue
			}
			copyOf := false
			for _, j := range kept {
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
		if polls[h0].ID != "" {
			// Versions of one identified poll: averaged.
			merged += len(kept) - 1
			ps.add(kept, n, rules)
		} else {
			for k := range kept {
				ps.add(kept[k:k+1], n, rules)
			}
		}
	}
	for k := range ps.items {
		it := &ps.items[k]
		if it.start < ps.first {
			ps.first, firstIdx = it.start, it.src
		}
		if it.end > ps.last {
			ps.last, lastIdx = it.end, it.src
		}
	}
	if len(ps.items) == 0 {
		return nil
	}
	if span := ps.last - ps.first + 1; span > MaxDays {
		a, b := &polls[firstIdx], &polls[lastIdx]
		return fmt.Errorf("%w: the polls span %d days, from %s (%s) to %s (%s), more than the %d a fit holds: a mistyped year?",
			ErrSpan, span, a.Start.Format("2006-01-02"), pollWhere(firstIdx, a.Source, a.Line),
			b.End.Format("2006-01-02"), pollWhere(lastIdx, b.Source, b.Line), MaxDays)
	}
	if merged > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d poll versions (several questions or rows of one poll in one population) were averaged into their poll", merged))
	}
	if copies > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d rows repeat a poll exactly (one poll listed under several subgroups) and were counted once", copies))
	}
	if otherVersions > 0 {
		ps.warnings = append(ps.warnings, fmt.Sprintf("%d rows are another population's version of a poll used in a preferred population, and were not used", otherVersions))
	}
	// Houses sorted by label; items sorted by day.
	order := make([]int, len(ps.houses))
	for h := range order {
		order[h] = h
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(ps.houses[a], ps.houses[b]) })
	rename := make([]int, len(order))
	sorted := make([]string, len(order))
	for to, from := range order {
		rename[from] = to
		sorted[to] = ps.houses[from]
	}
	ps.houses = sorted
	for i := range ps.items {
		ps.items[i].house = rename[ps.items[i].house]
	}
	slices.SortStableFunc(ps.items, func(a, b inputPoll) int { return cmp.Compare(a.mid, b.mid) })
	return nil
}

// add appends the poll whose versions (indices into ps.polls, in the
// preferred population, none a copy of another) are vers, with sample
// sizes n.
func (ps *pollSet) add(vers []int, n []float64, rules inputRules) {
	polls := ps.polls
	it := inputPoll{vers: len(ps.versions), nvers: len(vers), src: vers[0]}
	ps.versions = append(ps.versions, vers...)
	p0 := &polls[vers[0]]
	it.start, it.end = dayNumber(p0.Start), dayNumber(p0.End)
	it.mid = it.start + (it.end-it.start)/2
	var sv, nv [3]float64
	for _, i := range vers {
		q := &polls[i]
		for _, s := range allShares {
			if v := s.Value(q); !math.IsNaN(v) {
				sv[s] += v
				nv[s]++
			}
		}
		it.n += n[i]
		it.neff += n[i] / ps.profiles.DesignEffect(q)
		it.imputed = it.imputed || q.SampleSize <= 0
	}
	for s := range sv {
		it.value[s] = sv[s] / nv[s] // NaN when no version publishes it
	}
	it.n /= float64(len(vers))
	it.neff /= float64(len(vers))
	lab := houseLabel(p0, rules)
	h, ok := ps.houseIdx[lab]
	if !ok {
		h = len(ps.houses)
		ps.houseIdx[lab] = h
		ps.houses = append(ps.houses, lab)
	}
	it.house = h
	ps.items = append(ps.items, it)
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
	name := rules.profiles.CanonicalName(p.Pollster)
	if rules.splitModes {
		mode := p.Mode
		if mode == poll.ModeUnknown {
			if prof, ok := rules.profiles.Lookup(p.Pollster); ok {
				mode = prof.ModeAt(p.End)
			}
		}
		if mode != poll.ModeUnknown {
			name += "/" + mode.String()
		}
	}
	if rules.splitPops && p.Population != poll.PopulationUnknown {
		name += "/" + p.Population.String()
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
