package report

import (
	"fmt"
	"io/fs"
	"math"
	"strings"
	"time"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/poll"
)

// Config says what a report reads, excludes, fits and compares. Its zero
// value is valid but for Files, of which at least one is needed: the
// files are detected and read, nothing is excluded, Jackman's state-space
// model is fitted with one house effect per pollster on the pollsters'
// consensus scale (weighted sum-to-zero) at the 95% level, the polls are
// taken as published (no scenario), and there is no official result and
// no election to compare.
type Config struct {
	// Title heads the report; "" gives "candor report: " and the
	// pollsters.
	Title string
	// Subject is whom the approval is of, for the charts' titles
	// ("Approval of Putin"); "" titles them "Approval".
	Subject string
	// Credit is the source line under the time charts; "" gives "Data: "
	// and the pollsters, "; analysis: candor".
	Credit string

	// Files are the poll files, read in order, each with poll.Read (or
	// the reader Format names); see File.
	Files []File
	// FS is the file system Files and Election are read from; nil means
	// the operating system's files, paths as given (relative to the
	// working directory).
	FS fs.FS
	// Pollster names the pollster of every file that names none (a series
	// file with neither a pollster nor a source column, such as Levada's
	// series); File.Pollster overrides it for one file. A file that names
	// its pollster keeps it.
	Pollster string
	// Format names the reader of every file; "" detects each file's
	// layout (poll.Read) and reports what it found.
	Format poll.Format
	// Strict makes any rejected row, and any file that gives no polls, an
	// error (ErrRejected) before anything is fitted. By default they are
	// reported (Report.Files, every rejected row with its line and column)
	// and the polls that could be read are used.
	Strict bool
	// Exclude leaves polls out of every fit, each rule reported with the
	// polls it matched (Report.Excluded).
	Exclude []Exclusion
	// Notes are the analyst's remarks, printed under the data they
	// concern (e.g. that one pollster asks another question).
	Notes []string

	// Model is the model fitted: ModelStateSpace (the zero value),
	// ModelBayes or ModelAverage.
	Model Model
	// Reference identifies the house effects relative to this pollster's
	// polls (aggregate.ReferenceHouse); "" gives the pollsters' consensus
	// (aggregate.WeightedSumToZero). Not for ModelAverage. With a
	// reference the report also fits the consensus scale (approve only)
	// and says how far the two levels differ.
	Reference string
	// SplitModes gives each pollster × interview mode its own house
	// effect; SplitPopulations each pollster × population.
	SplitModes, SplitPopulations bool
	// Level of every interval; 0 means 0.95.
	Level float64
	// Sampler configures ModelBayes.
	Sampler Sampler

	// Scenarios are the fear-of-response assumptions under which the
	// approve share is refitted; the zero value has none (the polls as
	// published).
	Scenarios Scenarios
	// Official is the result the polls and the forensic estimate are
	// compared with (approve share); a zero Date means none.
	Official aggregate.Official
	// Election is the polling-station file of that election for the
	// forensic estimate; a zero Path means none.
	Election Election

	// Progress, when set, is called as the work advances (see Progress).
	// It is called from the goroutine of Run and from the sampler's chain
	// goroutines, never concurrently.
	Progress func(Progress)
}

// File is one poll file.
type File struct {
	// Path is the file's path in Config.FS (or the operating system's).
	Path string
	// Pollster names the file's pollster when the file names none; ""
	// means Config.Pollster.
	Pollster string
}

// Exclusion leaves out the polls of a pollster whose fieldwork midpoint
// lies in a date range. The standing example: VTsIOM's series tracks the
// office of President, so its weeks from 7 May 2008 to 6 May 2012
// measure Dmitry Medvedev, not Putin.
type Exclusion struct {
	// Pollster is matched by canonical name, so aliases work; "" matches
	// every pollster.
	Pollster string
	// From and To bound the fieldwork midpoint (poll.Poll.Midpoint),
	// inclusive; a zero time leaves that end open.
	From, To time.Time
	// Why is printed with the polls left out.
	Why string
}

// String returns e.g. "VTsIOM, fieldwork midpoint 2008-05-07 … 2012-05-06".
func (e Exclusion) String() string {
	who := e.Pollster
	if who == "" {
		who = "every pollster"
	}
	from, to := "…", "…"
	if !e.From.IsZero() {
		from = e.From.Format(time.DateOnly)
	}
	if !e.To.IsZero() {
		to = e.To.Format(time.DateOnly)
	}
	return fmt.Sprintf("%s, fieldwork midpoint %s to %s", who, from, to)
}

// matches reports whether the exclusion covers p.
func (e Exclusion) matches(p *poll.Poll) bool {
	if e.Pollster != "" && poll.CanonicalName(e.Pollster) != p.Pollster && e.Pollster != p.Pollster {
		return false
	}
	mid := p.Midpoint()
	return (e.From.IsZero() || !mid.Before(e.From)) && (e.To.IsZero() || !mid.After(e.To))
}

// Model names the model a report fits.
type Model uint8

// The models.
const (
	// ModelStateSpace: Jackman's state-space model, σ and τ by maximum
	// likelihood (aggregate.StateSpace). Fast and exact: the default.
	ModelStateSpace Model = iota
	// ModelBayes: the same model sampled (aggregate.Bayes), intervals
	// that carry the uncertainty of σ and τ; slow on long series.
	ModelBayes
	// ModelAverage: a FiveThirtyEight-style weighted average
	// (aggregate.Average).
	ModelAverage
)

// String returns "statespace", "bayes" or "average".
func (m Model) String() string {
	switch m {
	case ModelStateSpace:
		return "statespace"
	case ModelBayes:
		return "bayes"
	case ModelAverage:
		return "average"
	}
	return fmt.Sprintf("Model(%d)", uint8(m))
}

// ParseModel returns the model named s ("statespace", "bayes" or
// "average"; case-insensitive), or an error wrapping ErrConfig.
func ParseModel(s string) (Model, error) {
	for _, m := range []Model{ModelStateSpace, ModelBayes, ModelAverage} {
		if strings.EqualFold(s, m.String()) {
			return m, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown model %q (want statespace, bayes or average)", ErrConfig, s)
}

// Sampler configures the Bayes sampler; zero fields take
// aggregate.Bayes's defaults (4 chains, 100 warm-up iterations, 1,000
// draws per chain). Same seed, same report.
type Sampler struct {
	Chains, Warmup, Draws int
	Seed                  uint64
}

// Scenarios are the fear-of-response assumptions: each refits the approve
// share to polls corrected from From on (adjust.Segmented), the
// correction's calibration error carried into the intervals. "none (as
// published)", the model as fitted, always comes first.
type Scenarios struct {
	// From is the first fieldwork midpoint the corrections apply to (for
	// Russia, the full-scale invasion of 24 February 2022, when the
	// evidence they are calibrated on was gathered); zero: every poll.
	From time.Time
	// Gap is a direct question against a list experiment
	// (adjust.GapCorrection on the logit scale); a zero Direct.Value
	// means no gap scenario.
	Gap adjust.Falsification
	// GapSource says where Gap comes from, printed with its measures.
	GapSource string
	// Kappas are differential-nonresponse ratios κ = r_d/r_a
	// (adjust.Nonresponse), one scenario each.
	Kappas []float64
	// Manski adds the worst-case bounds for "hard to say": the identified
	// set from "all of them disapprove" to "all of them approve", no
	// refit (needs the disapprove share).
	Manski bool
}

// Election is the polling-station file of the election compared with the
// polls, for the forensic estimate (package forensics).
type Election struct {
	// Path is the polling-station file (a .zip or a delimited table in
	// the layout forensics.Read takes), in Config.FS.
	Path string
	// Remote is the region-level remote e-voting table of the same
	// election; "" means none.
	Remote string
	// Candidate is the candidate whose share is estimated; "" means the
	// one with the most votes.
	Candidate string
	// Seed seeds the integer-percentage test and Shpilkin's bootstrap.
	Seed uint64
}

// Progress reports how far Run has come. Stage names the work (e.g.
// "reading", "fit statespace", "scenario nonresponse κ = 0.8",
// "forensics"), Stage numbers it (1 … Stages; Stages is known when Run
// starts), and Done out of Total measures the stage itself: Bayes
// iterations summed over chains and shares, otherwise 0 of 1 at the start
// and 1 of 1 at the end.
type Progress struct {
	Stage         string
	Index, Stages int
	Done, Total   int
}

// Fraction returns the share of the whole run done, in [0, 1].
func (p Progress) Fraction() float64 {
	if p.Stages <= 0 {
		return 0
	}
	in := 0.0
	if p.Total > 0 {
		in = math.Min(float64(p.Done)/float64(p.Total), 1)
	}
	return math.Min((float64(p.Index-1)+in)/float64(p.Stages), 1)
}

// check reports a configuration Run cannot use, wrapping ErrConfig.
func (c *Config) check() error {
	switch {
	case len(c.Files) == 0:
		return fmt.Errorf("%w: no poll files", ErrConfig)
	case c.Model > ModelAverage:
		return fmt.Errorf("%w: unknown model %v", ErrConfig, c.Model)
	case c.Model == ModelAverage && c.Reference != "":
		return fmt.Errorf("%w: a reference pollster identifies the state-space models' house effects, not the average's", ErrConfig)
	case c.Level != 0 && !(c.Level > 0 && c.Level < 1):
		return fmt.Errorf("%w: level %v outside (0, 1)", ErrConfig, c.Level)
	case c.Sampler.Chains < 0 || c.Sampler.Warmup < 0 || c.Sampler.Draws < 0:
		return fmt.Errorf("%w: negative chains, warm-up or draws (%+v)", ErrConfig, c.Sampler)
	}
	switch c.Format {
	case "", poll.FormatCSV, poll.Format538, poll.FormatLevada, poll.FormatVTsIOM, poll.FormatFOM:
	default:
		return fmt.Errorf("%w: unknown format %q", ErrConfig, c.Format)
	}
	for i, f := range c.Files {
		if f.Path == "" {
			return fmt.Errorf("%w: file %d has no path", ErrConfig, i+1)
		}
	}
	for _, e := range c.Exclude {
		if !e.From.IsZero() && !e.To.IsZero() && e.To.Before(e.From) {
			return fmt.Errorf("%w: exclusion %v ends before it starts", ErrConfig, e)
		}
	}
	for _, k := range c.Scenarios.Kappas {
		if !(k > 0) || math.IsInf(k, 0) {
			return fmt.Errorf("%w: κ = %v must be positive and finite", ErrConfig, k)
		}
	}
	if c.Scenarios.Gap.Direct.Value != 0 {
		if _, err := c.Scenarios.Gap.Measures(); err != nil {
			return fmt.Errorf("%w: falsification gap: %w", ErrConfig, err)
		}
	}
	if o := c.Official; !o.Date.IsZero() {
		if !(o.Value >= 0 && o.Value <= 100) || !(o.SD >= 0) || math.IsInf(o.SD, 0) {
			return fmt.Errorf("%w: official value %v (sd %v) outside 0–100", ErrConfig, o.Value, o.SD)
		}
	}
	if c.Election.Path == "" && (c.Election.Remote != "" || c.Election.Candidate != "") {
		return fmt.Errorf("%w: an e-voting file or candidate without a polling-station file", ErrConfig)
	}
	return nil
}

// level returns the configured level, 0.95 by default.
func (c *Config) level() float64 {
	if c.Level == 0 {
		return 0.95
	}
	return c.Level
}
