package poll

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Population is who a poll sampled.
type Population uint8

// Populations, in the order FiveThirtyEight prefers them for approval
// questions (adults first).
const (
	PopulationUnknown Population = iota
	Adults                       // all adults ("a")
	RegisteredVoters             // registered voters ("rv")
	LikelyVoters                 // likely voters ("lv")
	Voters                       // voters, unspecified ("v")
)

var populationNames = [...]string{"unknown", "a", "rv", "lv", "v"}

// String returns the short code used in the canonical CSV: a, rv, lv, v or
// unknown.
func (p Population) String() string {
	if int(p) < len(populationNames) {
		return populationNames[p]
	}
	return fmt.Sprintf("Population(%d)", uint8(p))
}

// ParsePopulation parses a population code (a, rv, lv, v, adults,
// registered, likely, unknown or the empty string), case-insensitively.
func ParsePopulation(s string) (Population, error) {
	for i, n := range populationNames {
		if s == n {
			return Population(i), nil // the canonical code, as WriteCSV writes it
		}
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "unknown", "na":
		return PopulationUnknown, nil
	case "a", "adults", "adult", "all adults":
		return Adults, nil
	case "rv", "registered", "registered voters":
		return RegisteredVoters, nil
	case "lv", "likely", "likely voters":
		return LikelyVoters, nil
	case "v", "voters":
		return Voters, nil
	}
	return PopulationUnknown, fmt.Errorf("%w: population %q", ErrUnknownValue, short(s))
}

// Mode is how interviews were conducted. Mode changes are series breaks
// (Levada's telephone months in April–July 2020, VTsIOM's move to the
// telephone in 2017), so every poll carries its own.
type Mode uint8

// Interview modes.
const (
	ModeUnknown Mode = iota
	FaceToFace       // personal interview at the respondent's home
	Phone            // CATI, landline and/or mobile
	Online           // web panel
	Mixed            // more than one mode
)

var modeNames = [...]string{"unknown", "face-to-face", "phone", "online", "mixed"}

// String returns the name used in the canonical CSV.
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode parses a mode name. It accepts the canonical names and common
// English and Russian descriptions («телефон», CATI, «личное интервью»,
// IVR, "Online Panel", "Live Phone"…); anything mentioning a telephone is
// Phone.
func ParseMode(s string) (Mode, error) {
	for i, n := range modeNames {
		if s == n {
			return Mode(i), nil // the canonical name, as WriteCSV writes it
		}
	}
	t := strings.ToLower(strings.TrimSpace(s))
	switch {
	case t == "" || t == "unknown" || t == "na":
		return ModeUnknown, nil
	case t == "mixed" || strings.Contains(t, "/") || strings.Contains(t, "mixed"):
		return Mixed, nil
	case strings.Contains(t, "телефон") || strings.Contains(t, "cati") || strings.Contains(t, "phone") || strings.Contains(t, "ivr"):
		return Phone, nil
	case strings.Contains(t, "online") || strings.Contains(t, "internet") || strings.Contains(t, "интернет") || strings.Contains(t, "web"):
		return Online, nil
	case strings.Contains(t, "face") || strings.Contains(t, "личн") || strings.Contains(t, "на дому") || strings.Contains(t, "f2f") || strings.Contains(t, "capi") || strings.Contains(t, "papi") || strings.Contains(t, "поквартир"):
		return FaceToFace, nil
	}
	return ModeUnknown, fmt.Errorf("%w: mode %q", ErrUnknownValue, short(s))
}

// Flags record facts about how a value was obtained. They never change a
// value; they let models and users decide what to do.
type Flags uint16

// Flag bits.
const (
	// UndecidedDerived: the undecided share was not published but computed
	// as 100 − approve − disapprove (VTsIOM; series files without a DK
	// column).
	UndecidedDerived Flags = 1 << iota
	// ForwardFilled: the row repeats the previous release of the same
	// series exactly and may be a scraper's carried-forward gap.
	ForwardFilled
	// Duplicate: another row with the same pollster, question, population
	// and fieldwork dates exists (see Collection.Dedupe).
	Duplicate
	// Tracking: a tracking poll with overlapping samples.
	Tracking
	// FourPointScale: approve/disapprove were folded from a four-point scale.
	FourPointScale
	// MultiVersion: the row averages several versions of one poll (538's
	// "multiversions").
	MultiVersion
	// DateApprox: the fieldwork dates are the calendar month (or another
	// reference period), not the published fieldwork window.
	DateApprox
	// OutOfOrder: the row's date breaks the order of its file, as a typo
	// would (see MarkOutOfOrder).
	OutOfOrder
	// DateCorrected: the dates were moved by a documented correction of a
	// known typo (see ApplyCorrections); the row was OutOfOrder.
	DateCorrected
	// BelowBound: a share was published only as an upper bound ("<1",
	// "менее 1"); it is NaN, and a remainder is not derived from it.
	BelowBound
)

var flagNames = []string{"undecided-derived", "forward-filled", "duplicate", "tracking", "four-point", "multiversion", "date-approx", "out-of-order", "date-corrected", "below-bound"}

// Has reports whether all bits of g are set in f.
func (f Flags) Has(g Flags) bool { return f&g == g }

// String lists the set flags separated by "|", or "" when none is set.
func (f Flags) String() string {
	var parts []string
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "|")
}

// ParseFlags parses the output of Flags.String.
func ParseFlags(s string) (Flags, error) {
	var f Flags
	if strings.TrimSpace(s) == "" {
		return 0, nil
	}
outer:
	for rest, more := s, true; more; {
		var p string
		p, rest, more = strings.Cut(rest, "|")
		p = strings.TrimSpace(p)
		for i, n := range flagNames {
			if p == n {
				f |= 1 << i
				continue outer
			}
		}
		return f, fmt.Errorf("%w: flag %q", ErrUnknownValue, short(p))
	}
	return f, nil
}

// FourPoint holds the published detail of a four-point approval scale
// («безусловно да / скорее да / скорее нет / безусловно нет»), in percent.
// Approve is DefinitelyYes + RatherYes and Disapprove RatherNo +
// DefinitelyNo.
type FourPoint struct {
	DefinitelyYes, RatherYes, RatherNo, DefinitelyNo float64
}

// Adjustment is one entry of a poll's audit trail: a correction applied to
// its published shares by package adjust (or by the caller). Shares stay in
// the Poll; this records what changed them, by how much and with what
// uncertainty, as typed values the models read.
type Adjustment struct {
	// Name identifies the correction, e.g. "falsification-gap".
	Name string
	// Params are the evidence it was applied with, by name (a measured
	// gap and its SE, an assumed κ): for a reader of the trail. The models
	// do not read them.
	Params map[string]float64
	// Approve and Disapprove are the changes made, in points (after − before).
	Approve, Disapprove float64
	// Jacobian holds how the shares the correction produced depend on the
	// shares it was applied to, so that the poll's own sampling error can
	// be carried through it; nil when the correction passes that error
	// through unchanged.
	Jacobian *Jacobian
	// Variance is the variance (points²) the correction's own uncertainty
	// adds to the approve share of this poll.
	Variance float64
	// Calibration names the evidence behind Variance when that error is
	// shared: every entry with the same non-empty Calibration — the same
	// measured gap, the same assumed κ, applied to many polls — carries one
	// calibration error, perfectly correlated across the polls, which
	// pooling polls cannot average out. Empty when the error is the poll's
	// own, independent across polls.
	Calibration string
}

// Jacobian holds the derivatives of the approve and disapprove shares a
// correction produced with respect to those it was applied to (undecided
// being the total minus both): [[∂A'/∂A, ∂A'/∂D], [∂D'/∂A, ∂D'/∂D]].
type Jacobian [2][2]float64

// Poll is one published result of one question for one population over one
// fieldwork period.
//
// Shares are percent (0–100). A share that was not published is NaN, never
// 0: a 0 is a published zero. Dates are UTC midnight.
type Poll struct {
	Pollster string // canonical pollster name (see Lookup), e.g. "Levada"
	Question string // question identifier, e.g. "approval"
	Subject  string // whom the question is about, e.g. "Putin" or "President"
	// Subgroup is the source's own grouping of the row, kept verbatim:
	// FiveThirtyEight lists every poll under "All polls" and again under
	// "Adults" or "Voters". Empty for most sources.
	Subgroup string

	Start, End time.Time // fieldwork period (inclusive)
	Published  time.Time // release date; zero when unknown

	SampleSize int        // realised n; 0 when unknown
	Population Population // who was sampled
	Mode       Mode       // how
	// Flags record how values were obtained (e.g. UndecidedDerived). It
	// sits beside Population and Mode, which are a byte each, so that
	// the three share one word: a Poll is 328 bytes rather than 336.
	Flags Flags

	Approve, Disapprove, Undecided float64 // percent; NaN when not published
	Refused                        float64 // "don't want to answer" apart from "hard to say"; NaN when not published separately
	Detail                         *FourPoint

	ResponseRate float64 // 0–1; 0 or NaN when unknown
	DesignEffect float64 // the poll's own design effect; 0 when unknown (see EffectiveDesignEffect)
	Weight       float64 // a weight supplied with the poll (e.g. 538's); 0 when not given
	Grade        string  // a rating of the pollster supplied with the poll (538's letter grade, e.g. "B+"); empty when not given

	// AdjustedApprove and AdjustedDisapprove are a source's own adjusted
	// values (FiveThirtyEight's house-effect-adjusted toplines); NaN when
	// absent. They are kept apart so they can never be mistaken for raw
	// toplines.
	AdjustedApprove, AdjustedDisapprove float64

	Source string // provenance: file, URL or table title
	Line   int    // line in the source file where the row starts; 0 when not from a file
	ID     string // a source identifier (538 poll_id/question_id), if any
	Labels string // printed answer labels, "|"-separated, as published

	Adjustments []Adjustment // audit trail of corrections applied
}

// New returns a poll of pollster (its canonical name when the pollster is
// known, see CanonicalName) fielded from start to end, with the published
// approve and disapprove shares and every other share unpublished:
// Undecided, Refused, AdjustedApprove and AdjustedDisapprove are NaN, as
// the readers leave them, where a Poll literal would leave them 0 — a
// published zero. start and end keep their calendar day and become UTC
// midnights. Set any other field directly:
//
//	p := poll.New("Левада", start, end, 82, 15)
//	p.Undecided, p.SampleSize = 3, 1600
//
// Pass NaN for a share that was not published either.
func New(pollster string, start, end time.Time, approve, disapprove float64) Poll {
	day := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return Poll{
		Pollster: CanonicalName(pollster),
		Start:    day(start), End: day(end),
		Approve: approve, Disapprove: disapprove,
		Undecided: math.NaN(), Refused: math.NaN(),
		AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
	}
}

// Midpoint returns the midpoint day of the fieldwork period,
// Start + ⌊(End − Start)/2⌋ days: the convention of Jackman (2005) and of
// the reference implementations.
func (p *Poll) Midpoint() time.Time {
	days := int(p.End.Sub(p.Start).Hours() / 24)
	return p.Start.AddDate(0, 0, days/2)
}

// EffectiveDesignEffect returns DefaultProfiles().DesignEffect(p): the
// poll's own design effect when set, else its pollster's built-in profile
// at the poll's end date, else 1. Use Profiles.DesignEffect to resolve
// pollsters against another set.
func (p *Poll) EffectiveDesignEffect() float64 { return defaultProfiles.DesignEffect(p) }

// EffectiveSampleSize returns DefaultProfiles().SampleSize(p): n/deff, with
// n the sample size or, when that is unknown, the built-in profile's default
// sample size; 0 when neither is known. Use Profiles.SampleSize to resolve
// pollsters against another set.
func (p *Poll) EffectiveSampleSize() float64 { return defaultProfiles.SampleSize(p) }

// StandardError returns the sampling standard error, in points, of a share
// of share percent under the poll's design:
//
//	SE = 100·√(deff·p(1 − p)/n),  p = share/100
//
// It returns NaN when the share or the sample size is unknown.
func (p *Poll) StandardError(share float64) float64 {
	neff := p.EffectiveSampleSize()
	if neff <= 0 || math.IsNaN(share) {
		return math.NaN()
	}
	q := share / 100
	return 100 * math.Sqrt(q*(1-q)/neff)
}

// MarginOfError returns z·SE for the share at the two-sided confidence
// level (e.g. 0.95), in points.
func (p *Poll) MarginOfError(share, level float64) float64 {
	return zQuantile(level) * p.StandardError(share)
}

// Net returns approve − disapprove (NaN when either is unpublished).
func (p *Poll) Net() float64 { return p.Approve - p.Disapprove }

// String returns a one-line summary such as
// "Levada 2023-10-19..2023-10-25 n=1600 approve 82 disapprove 15 undecided 3".
func (p *Poll) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s..%s", p.Pollster, p.Start.Format(time.DateOnly), p.End.Format(time.DateOnly))
	if p.SampleSize > 0 {
		fmt.Fprintf(&b, " n=%d", p.SampleSize)
	}
	if p.Population != PopulationUnknown {
		fmt.Fprintf(&b, " %s", p.Population)
	}
	if p.Mode != ModeUnknown {
		fmt.Fprintf(&b, " %s", p.Mode)
	}
	fmt.Fprintf(&b, " approve %s disapprove %s undecided %s", fmtShare(p.Approve), fmtShare(p.Disapprove), fmtShare(p.Undecided))
	if f := p.Flags.String(); f != "" {
		fmt.Fprintf(&b, " [%s]", f)
	}
	return b.String()
}

func fmtShare(v float64) string {
	if math.IsNaN(v) {
		return "NA"
	}
	return fmt.Sprintf("%g", v)
}
