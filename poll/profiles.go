package poll

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Profiles is an immutable set of pollster profiles, safe for concurrent
// use. Its profiles are looked up by name or alias (see NormalizeName).
//
// A set never changes once built, and nothing in the process shares one
// set between callers unless they pass it to each other: a caller that
// needs its own pollsters builds its own set with NewProfiles and hands it
// to readers (WithProfiles) and models, and no other caller sees it. A nil
// *Profiles is the built-in set, DefaultProfiles(), in every method.
type Profiles struct {
	byKey  map[string]*Profile // NormalizeName of every name and alias
	byName map[string]*Profile // exact canonical names, the common case in hot loops
	all    []*Profile          // sorted by Name
}

// defaultProfiles is the built-in set. It is never modified after package
// initialisation, so sharing it is safe.
var defaultProfiles = func() *Profiles {
	ps, err := buildProfiles(builtinProfiles())
	if err != nil {
		panic(err) // the built-ins are consistent; a clash here is a programming error
	}
	return ps
}()

// DefaultProfiles returns the built-in set: Levada, VTsIOM, FOM, Russian
// Field, Chronicles and ExtremeScan (see profile.go for their sources). It
// is shared and immutable.
func DefaultProfiles() *Profiles { return defaultProfiles }

// NewProfiles returns the built-in set with extra profiles added; an extra
// profile with the Name of a built-in replaces it whole (its aliases
// included). Each profile is validated: a non-empty Name given once, no
// negative or non-finite SampleSize, DesignEffect or FieldDays, a known
// Mode, periods that do not end before they start, and margin statements
// that imply a design effect (DesignEffectFromMargin); a violation is an
// error wrapping ErrProfile. A name or alias that would belong to two
// pollsters is an error wrapping ErrProfileConflict. The profiles are
// copied: changing them afterwards does not change the set.
func NewProfiles(extra ...Profile) (*Profiles, error) {
	named := map[string]bool{}
	for i := range extra {
		if err := extra[i].validate(); err != nil {
			return nil, err
		}
		if named[extra[i].Name] {
			return nil, fmt.Errorf("%w: %q given twice", ErrProfile, extra[i].Name)
		}
		named[extra[i].Name] = true
	}
	var list []Profile
	for _, p := range defaultProfiles.all {
		if !named[p.Name] {
			list = append(list, *p)
		}
	}
	return buildProfiles(append(list, extra...))
}

// buildProfiles indexes list, which holds each Name once, checking that no
// name or alias belongs to two pollsters.
func buildProfiles(list []Profile) (*Profiles, error) {
	ps := &Profiles{byKey: map[string]*Profile{}, byName: map[string]*Profile{}}
	for i := range list {
		cp := list[i].clone()
		for _, k := range append([]string{cp.Name}, cp.Aliases...) {
			key := NormalizeName(k)
			if old, ok := ps.byKey[key]; ok && old.Name != cp.Name {
				return nil, fmt.Errorf("%w: %q is %s", ErrProfileConflict, k, old.Name)
			}
			ps.byKey[key] = &cp
		}
		ps.byName[cp.Name] = &cp
		ps.all = append(ps.all, &cp)
	}
	slices.SortFunc(ps.all, func(a, b *Profile) int { return strings.Compare(a.Name, b.Name) })
	return ps, nil
}

// validate checks what NewProfiles requires of a profile.
func (p *Profile) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %q: %s", ErrProfile, p.Name, fmt.Sprintf(format, args...))
	}
	if strings.TrimSpace(p.Name) == "" {
		return fmt.Errorf("%w: empty name", ErrProfile)
	}
	design := func(what string, n int, deff float64, days int, m Mode) error {
		switch {
		case n < 0:
			return bad("%s sample size %d", what, n)
		case !(deff >= 0) || math.IsInf(deff, 1):
			return bad("%s design effect %v", what, deff)
		case days < 0:
			return bad("%s fieldwork days %d", what, days)
		case int(m) >= len(modeNames):
			return bad("%s mode %d", what, m)
		}
		return nil
	}
	if err := design("default", p.SampleSize, p.DesignEffect, p.FieldDays, p.Mode); err != nil {
		return err
	}
	for i, per := range p.Periods {
		if err := design(fmt.Sprintf("period %d", i+1), per.SampleSize, per.DesignEffect, per.FieldDays, per.Mode); err != nil {
			return err
		}
		if !per.From.IsZero() && !per.To.IsZero() && !per.From.Before(per.To) {
			return bad("period %d ends (%s, exclusive) before it starts (%s)", i+1, per.To.Format(time.DateOnly), per.From.Format(time.DateOnly))
		}
	}
	for i, m := range p.Margins {
		if _, err := m.DesignEffect(); err != nil {
			return fmt.Errorf("%w: %q: margin statement %d: %w", ErrProfile, p.Name, i+1, err)
		}
	}
	return nil
}

// set returns ps, or the built-in set when ps is nil.
func (ps *Profiles) set() *Profiles {
	if ps == nil {
		return defaultProfiles
	}
	return ps
}

// profile returns the set's profile for name (canonical names without
// normalising), or nil. The profile must not be modified or handed out.
func (ps *Profiles) profile(name string) *Profile {
	s := ps.set()
	if p, ok := s.byName[name]; ok {
		return p
	}
	return s.byKey[NormalizeName(name)]
}

// Lookup returns the profile whose name or alias matches name after
// NormalizeName. The returned Profile is a deep copy: changing it does not
// change the set.
func (ps *Profiles) Lookup(name string) (Profile, bool) {
	if p := ps.profile(name); p != nil {
		return p.clone(), true
	}
	return Profile{}, false
}

// CanonicalName returns the canonical name for a pollster name or alias,
// or name itself (trimmed) when the set does not know it.
func (ps *Profiles) CanonicalName(name string) string {
	if p := ps.profile(name); p != nil {
		return p.Name
	}
	return strings.TrimSpace(name)
}

// All returns a copy of every profile of the set, sorted by name.
func (ps *Profiles) All() []Profile {
	s := ps.set()
	out := make([]Profile, len(s.all))
	for i, p := range s.all {
		out[i] = p.clone()
	}
	return out
}

// FieldworkStart returns the first day of the fieldwork of a release of
// pollster dated by its last day, end: end − (FieldDays − 1) days with the
// FieldDays of the pollster's profile in force at end. ok is false when the
// set does not know the pollster or its profile does not state FieldDays;
// the caller then needs another rule (the series reader uses the spacing
// of the dates).
func (ps *Profiles) FieldworkStart(pollster string, end time.Time) (start time.Time, ok bool) {
	p := ps.profile(pollster)
	if p == nil {
		return time.Time{}, false
	}
	days := p.At(end).FieldDays
	if days <= 0 {
		return time.Time{}, false
	}
	return end.AddDate(0, 0, -(days - 1)), true
}

// DesignEffect returns the design effect to use for poll p: its own when
// set (positive and finite), else that of its pollster's profile in this
// set at the poll's end date, else 1.
func (ps *Profiles) DesignEffect(p *Poll) float64 {
	if p.DesignEffect > 0 && !math.IsInf(p.DesignEffect, 0) {
		return p.DesignEffect
	}
	if prof := ps.profile(p.Pollster); prof != nil {
		if d := prof.DesignEffectAt(p.End); d > 0 {
			return d
		}
	}
	return 1
}

// SampleSize returns the effective sample size of poll p, n/deff: n is the
// poll's sample size or, when that is unknown, the default sample size of
// its pollster's profile in this set, and deff is DesignEffect(p). It
// returns 0 when neither n is known.
func (ps *Profiles) SampleSize(p *Poll) float64 {
	n := float64(p.SampleSize)
	if n <= 0 {
		if prof := ps.profile(p.Pollster); prof != nil {
			n = float64(prof.SampleSize)
		}
	}
	if n <= 0 {
		return 0
	}
	return n / ps.DesignEffect(p)
}

// Lookup is DefaultProfiles().Lookup: the built-in profile for a name or
// alias.
func Lookup(name string) (Profile, bool) { return defaultProfiles.Lookup(name) }

// CanonicalName is DefaultProfiles().CanonicalName: the built-in canonical
// name for a pollster name or alias, or name itself (trimmed).
func CanonicalName(name string) string { return defaultProfiles.CanonicalName(name) }

// FieldworkStart is DefaultProfiles().FieldworkStart.
func FieldworkStart(pollster string, end time.Time) (start time.Time, ok bool) {
	return defaultProfiles.FieldworkStart(pollster, end)
}

// clone copies p with its own slices, so that a set and its callers never
// share backing arrays.
func (p *Profile) clone() Profile {
	cp := *p
	cp.Aliases = slices.Clone(p.Aliases)
	cp.Margins = slices.Clone(p.Margins)
	cp.Periods = slices.Clone(p.Periods)
	return cp
}

// NormalizeName folds a pollster name or label for matching: Unicode NFC,
// lower case, ё → е, quotes, dots and dashes removed, spaces collapsed.
func NormalizeName(s string) string {
	s = norm.NFC.String(strings.ToLower(s))
	s = strings.ReplaceAll(s, "ё", "е")
	var b strings.Builder
	space := false
	for _, r := range s {
		switch r {
		case '«', '»', '"', '\'', '“', '”', '„', '.', '-', '–', '—', '_':
			r = ' '
		case '\u00a0', '\u2009', '\u202f', '\t':
			r = ' '
		}
		if r == ' ' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
