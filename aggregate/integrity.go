package aggregate

import (
	"fmt"
	"math"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/candorpoll/candor/aggregate/forensics"
	"github.com/candorpoll/candor/aggregate/internal/textcol"
)

// PollScenario is what the polls imply under one assumption about them
// (a fear-of-response scenario): either a model refitted to corrected
// polls (Result), or an identified set with no point estimate (Bounds,
// such as Manski's bounds for "hard to say"), one Point per day whose
// Lower and Upper are the set's interval. Exactly one of the two is set.
type PollScenario struct {
	Name       string // e.g. "none (as published)", "falsification gap"
	Assumption string // what the scenario assumes, printed beside it
	Result     *Result
	Bounds     []Point
}

// IntegritySource says where a row of an integrity table comes from.
type IntegritySource uint8

// The sources of an integrity table's rows, in the order the table lists
// them.
const (
	// FromOfficial: the official result as given, or as recomputed by the
	// forensic method from the stations it analysed.
	FromOfficial IntegritySource = iota
	// FromForensics: the forensic clean share (forensics.CleanShare).
	FromForensics
	// FromPolls: the poll-implied estimate under a PollScenario.
	FromPolls
)

// String returns "official", "forensics" or "polls".
func (s IntegritySource) String() string {
	switch s {
	case FromOfficial:
		return "official"
	case FromForensics:
		return "forensics"
	case FromPolls:
		return "polls"
	}
	return fmt.Sprintf("IntegritySource(%d)", uint8(s))
}

// IntegrityRow is one estimate of an integrity table, in points.
type IntegrityRow struct {
	Source IntegritySource
	Name   string
	// Value is the estimate; NaN for an identified set (Set).
	Value float64
	// Lower and Upper are its interval at Level (for a Set, the set's
	// interval); NaN for a value taken as exact.
	Lower, Upper float64
	Level        float64
	Set          bool // an identified set: Lower–Upper, no point estimate
	// Gap is Official.Value − Value, with its interval GapLower–GapUpper
	// at Level; NaN for the official rows and for sets.
	Gap, GapLower, GapUpper float64
	// P is the two-sided probability of a gap at least this large if the
	// official value measured the same level (poll rows with a Result:
	// Comparison.P); NaN where the row has no sampling model (the
	// forensic interval is a bootstrap interval, not a normal one).
	P float64
	// Inside reports, for a set, whether the official value lies in it.
	Inside bool
	// Note says what the row rests on (a scenario's assumption, the
	// forensic method, the stations counted).
	Note string
	// Comparison is the full comparison of a poll row with a Result.
	Comparison *Comparison
}

// IntegrityTable sets an official result beside the forensic estimate of
// the count's own stations and the poll-implied estimate under each
// scenario: the three independent views of an election an
// election-integrity report compares. Rows are in the order official,
// forensic, polls (scenario order). Caveats are what every reader of the
// table must be told with it.
type IntegrityTable struct {
	Official Official
	Level    float64 // level of the poll rows' intervals
	Clean    *forensics.CleanShare
	Rows     []IntegrityRow
	Caveats  []string
}

// integrityCaveats are printed under every integrity table.
var integrityCaveats = []string{
	"Approval is not a vote: \"do you approve of his work?\" and a ballot for him are different acts, and undecided and non-voting respondents enter them differently.",
	"Turnout: the official share is of the ballots counted, the polls describe all adults; differential turnout alone moves the two apart.",
	"The poll intervals hold sampling and modelled non-sampling error only; a bias shared by every poll (fear, coverage) is invisible to them, which is what the scenarios explore.",
}

// cleanCaveat is printed under a table with a forensic row, before the
// method's own assumptions.
const cleanCaveat = "The clean share rests on its method's assumptions (below) and is of the polling-station ballots; it says how much of the count a known fingerprint of falsification accounts for, not what an honest count would have been."

// Integrity builds the integrity table of an official result: the
// official value; when clean is not nil, the share its method started
// from (CleanShare.Official, the official share at the stations it
// analysed) and the clean share with its interval; and, for each
// scenario, the poll-implied estimate on Official.Date with the gap and
// its probability (Compare, for a scenario with a Result) or the
// identified set and whether the official value lies in it (Bounds).
//
// The gap of the forensic row is Official.Value − clean.Share, its
// interval Official.Value minus the clean share's interval (the
// official value taken as exact: its SD, if any, is not added to a
// bootstrap interval). A set that does not reach Official.Date gives a
// row with a NaN interval and a note saying so.
//
// Errors: ErrConfig for an official result Compare refuses or a clean
// share whose value or interval is not finite or not ordered; a
// scenario with both or neither of Result and Bounds; Compare's errors
// for a scenario's Result, wrapped with the scenario's name.
func Integrity(off Official, clean *forensics.CleanShare, scenarios ...PollScenario) (*IntegrityTable, error) {
	if !(off.Value >= 0 && off.Value <= 100) || !(off.SD >= 0) || math.IsInf(off.SD, 0) || off.Date.IsZero() {
		return nil, fmt.Errorf("%w: Integrity: official value %v, sd %v, date %v", ErrConfig, off.Value, off.SD, off.Date)
	}
	t := &IntegrityTable{Official: off, Level: 0.95, Clean: clean, Caveats: append([]string(nil), integrityCaveats...)}
	row := IntegrityRow{Source: FromOfficial, Name: "official result", Note: off.Label, Value: off.Value, Lower: math.NaN(), Upper: math.NaN(),
		Gap: math.NaN(), GapLower: math.NaN(), GapUpper: math.NaN(), P: math.NaN()}
	if off.SD > 0 {
		z := distuv.UnitNormal.Quantile(0.5 + t.Level/2)
		row.Lower, row.Upper, row.Level = off.Value-z*off.SD, off.Value+z*off.SD, t.Level
	}
	t.Rows = append(t.Rows, row)
	if clean != nil {
		if !finite(clean.Share) || !finite(clean.Lower) || !finite(clean.Upper) || clean.Lower > clean.Share || clean.Share > clean.Upper {
			return nil, fmt.Errorf("%w: Integrity: clean share %v with interval [%v, %v]", ErrConfig, clean.Share, clean.Lower, clean.Upper)
		}
		if finite(clean.Official) {
			t.Rows = append(t.Rows, IntegrityRow{Source: FromOfficial, Name: "official, at the stations analysed", Value: clean.Official,
				Lower: math.NaN(), Upper: math.NaN(), Gap: math.NaN(), GapLower: math.NaN(), GapUpper: math.NaN(), P: math.NaN(),
				Note: "the share " + clean.Method + " starts from"})
		}
		note := fmt.Sprintf("%.2f M anomalous votes taken out", clean.Anomalous/1e6)
		t.Rows = append(t.Rows, IntegrityRow{Source: FromForensics, Name: "clean: " + clean.Method, Value: clean.Share,
			Lower: clean.Lower, Upper: clean.Upper, Level: clean.Level,
			Gap: off.Value - clean.Share, GapLower: off.Value - clean.Upper, GapUpper: off.Value - clean.Lower, P: math.NaN(), Note: note})
		t.Caveats = append(t.Caveats, cleanCaveat)
		for _, a := range clean.Assumptions {
			t.Caveats = append(t.Caveats, clean.Method+" assumes: "+a)
		}
	}
	for i, s := range scenarios {
		name := s.Name
		if name == "" {
			name = fmt.Sprintf("scenario %d", i+1)
		}
		switch {
		case (s.Result == nil) == (s.Bounds == nil):
			return nil, fmt.Errorf("%w: Integrity: scenario %q must have a Result or Bounds, not both or neither", ErrConfig, name)
		case s.Result != nil:
			c, err := Compare(s.Result, off)
			if err != nil {
				return nil, fmt.Errorf("scenario %q: %w", name, err)
			}
			z := distuv.UnitNormal.Quantile(0.5 + c.Level/2)
			t.Level = c.Level
			t.Rows = append(t.Rows, IntegrityRow{Source: FromPolls, Name: name, Value: c.Estimate,
				Lower: c.Estimate - z*c.SE, Upper: c.Estimate + z*c.SE, Level: c.Level,
				Gap: c.Gap, GapLower: c.Lower, GapUpper: c.Upper, P: c.P, Note: s.Assumption, Comparison: &c})
		default:
			r := IntegrityRow{Source: FromPolls, Name: name, Value: math.NaN(), Set: true, Lower: math.NaN(), Upper: math.NaN(),
				Gap: math.NaN(), GapLower: math.NaN(), GapUpper: math.NaN(), P: math.NaN(), Note: s.Assumption}
			if p, ok := pointOn(s.Bounds, off.Date); ok {
				r.Lower, r.Upper = p.Lower, p.Upper
				r.Inside = off.Value >= p.Lower && off.Value <= p.Upper
			} else {
				r.Note = strings.TrimPrefix(r.Note+"; no bounds on "+off.Date.Format(time.DateOnly), "; ")
			}
			t.Rows = append(t.Rows, r)
		}
	}
	return t, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// String formats the table with its caveats: one row per estimate with
// its interval, the gap to the official value with its interval, the
// probability of a gap that large (poll rows), and what the row rests on.
func (t *IntegrityTable) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Official result, forensic estimate and polls, %s (percent; %s%% intervals)\n",
		t.Official.Date.Format("2 January 2006"), fmtNum(100*t.Level, 0))
	textcol.Write(&b, t.Cells(), "lrrrrl", "  ")
	b.WriteString("Caveats:\n")
	for _, c := range t.Caveats {
		textcol.Wrap(&b, c, 100, "  - ", "    ")
	}
	return b.String()
}

// Cells returns the table as String lays it out: a header row (estimate,
// share, interval, official − estimate, P(gap this large), rests on) and
// one row of text cells per estimate. Official and forensic shares have
// two decimals, poll-implied ones one; a set shows its interval as the
// share and whether the official value lies inside it.
func (t *IntegrityTable) Cells() [][]string {
	rows := [][]string{{"estimate", "share", "interval", "official − estimate", "P(gap this large)", "rests on"}}
	for _, r := range t.Rows {
		prec := 1
		if r.Source != FromPolls {
			prec = 2
		}
		share, interval, gap, p := fmtNum(r.Value, prec), "", "", ""
		if r.Set {
			share = "set"
			if finite(r.Lower) {
				share = fmtNum(r.Lower, prec) + "–" + fmtNum(r.Upper, prec)
				gap = "official outside"
				if r.Inside {
					gap = "official inside"
				}
			}
		}
		if !r.Set && finite(r.Lower) {
			interval = "[" + fmtNum(r.Lower, prec) + ", " + fmtNum(r.Upper, prec) + "]"
		}
		if finite(r.Gap) {
			gap = signed(r.Gap, prec) + " [" + signed(r.GapLower, prec) + ", " + signed(r.GapUpper, prec) + "]"
		}
		if finite(r.P) {
			p = pValue(r.P)
		}
		name := r.Name
		if r.Source == FromPolls {
			name = "polls: " + name
		}
		rows = append(rows, []string{name, share, interval, gap, p, r.Note})
	}
	return rows
}

// signed formats x with a sign and prec decimals.
func signed(x float64, prec int) string {
	if !finite(x) {
		return "NA"
	}
	return fmt.Sprintf("%+.*f", prec, x)
}

// pValue formats a probability: two significant digits, "< 0.001" below.
func pValue(p float64) string {
	if p < 0.001 {
		return "< 0.001"
	}
	return fmt.Sprintf("%.2g", p)
}
