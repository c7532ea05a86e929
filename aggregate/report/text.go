package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/internal/textcol"
	"github.com/candorpoll/candor/poll"
)

// WriteText writes the full report: the data read, rejected and left
// out; the model and its parameters (with their units); the house
// effects; the latest estimate under each scenario; the integrity table;
// the forensic summary; every warning.
func (r *Report) WriteText(w io.Writer) error {
	if err := r.complete(); err != nil {
		return err
	}
	var b strings.Builder
	title := r.title()
	fmt.Fprintf(&b, "%s\n%s\n", title, strings.Repeat("=", len([]rune(title))))
	r.textData(&b)
	r.textModel(&b)
	r.textHouses(&b)
	r.textScenarios(&b)
	r.textIntegrity(&b)
	r.textForensics(&b)
	r.textWarnings(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

// title is Config.Title or one naming the pollsters.
func (r *Report) title() string {
	switch {
	case r.Config.Title != "":
		return r.Config.Title
	case r.Config.Subject != "":
		return "candor report: approval of " + r.Config.Subject + " (" + strings.Join(pollsters(r.Polls), ", ") + ")"
	}
	return "candor report: " + strings.Join(pollsters(r.Polls), ", ")
}

func section(b *strings.Builder, s string) {
	fmt.Fprintf(b, "\n%s\n%s\n", s, strings.Repeat("-", len([]rune(s))))
}

// table writes rows as aligned columns indented by two spaces.
func table(b *strings.Builder, rows [][]string, align string) { textcol.Write(b, rows, align, "  ") }

// month formats a day as its month, "" for a zero time.
func month(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01")
}

// count formats an integer with thousands separators.
func count(n int) string { return message.NewPrinter(language.English).Sprint(n) }

func (r *Report) textData(b *strings.Builder) {
	section(b, "Data")
	rows := [][]string{{"file", "format", "pollster", "polls", "from", "to", "rejected"}}
	for _, in := range r.Inputs {
		format := "—"
		if in.Detected.Format != "" {
			format = fmt.Sprintf("%s (%s, %s)", in.Detected.Format, in.Detected.Layout, in.Detected.Encoding)
		}
		rows = append(rows, []string{in.Name, format, strings.Join(in.Detected.Pollsters, ", "), fmt.Sprint(in.Polls),
			month(in.First), month(in.Last), fmt.Sprint(in.RejectedCount)})
	}
	table(b, rows, "lllrllr")
	for _, in := range r.Inputs {
		switch {
		case in.Err != nil:
			fmt.Fprintf(b, "  %s: no polls: %v\n", in.Name, in.Err)
		case len(in.Rejected) > 0:
			lines := make([]string, 0, len(in.Rejected))
			for _, pe := range in.Rejected {
				if pe.Line > 0 {
					lines = append(lines, fmt.Sprint(pe.Line))
				}
			}
			fmt.Fprintf(b, "  %s: %d rows rejected by the reader (lines %s):\n", in.Name, in.RejectedCount, strings.Join(lines, ", "))
			for _, pe := range in.Rejected {
				fmt.Fprintf(b, "    %v\n", pe)
			}
		}
	}
	for _, e := range r.Excluded {
		x := e.Exclusion
		from, to := "the first poll", "the last poll"
		if !x.From.IsZero() {
			from = x.From.Format("2 Jan 2006")
		}
		if !x.To.IsZero() {
			to = x.To.Format("2 Jan 2006")
		}
		who := x.Pollster
		if who == "" {
			who = "all pollsters'"
		}
		fmt.Fprintf(b, "  Left out: %d %s polls with fieldwork midpoint from %s to %s", len(e.Polls), who, from, to)
		if len(e.Polls) > 0 {
			fmt.Fprintf(b, " (%s)", lineRanges(e.Polls))
		}
		b.WriteString(".\n")
		if x.Why != "" {
			wrap(b, x.Why, "  ")
		}
	}
	fmt.Fprintf(b, "  Modelled: %s polls of %s read, the last fielded until %s.\n", count(len(r.Polls)), count(r.Read), r.LastPoll.Format("2 January 2006"))
	for _, n := range r.Config.Notes {
		wrap(b, n, "  ")
	}
}

// wrap writes text as lines of at most 92 characters, each starting with
// indent.
func wrap(b *strings.Builder, text, indent string) { textcol.Wrap(b, text, 92, indent, indent) }

// modelText describes each model in a few lines.
var modelText = map[Model]string{
	ModelStateSpace: "Jackman's state-space model (aggregate.StateSpace): a daily random walk for each share, " +
		"every poll observed at its fieldwork midpoint with sampling error (design effect from the " +
		"pollster's stated margin of error) plus non-sampling error τ, one house effect per %s, %s. " +
		"σ and τ by maximum likelihood.",
	ModelBayes: "Jackman's state-space model sampled from its posterior (aggregate.Bayes, collapsed Gibbs: " +
		"σ and τ from their marginal posterior, house effects and the daily path exactly): every poll " +
		"observed at its fieldwork midpoint with sampling and non-sampling error τ, one house effect per %s, %s. " +
		"Intervals carry the uncertainty of σ and τ.",
	ModelAverage: "A FiveThirtyEight-style weighted average (aggregate.Average): polls weighted by sample size " +
		"and recency, one shrunk house effect per %s, %s.",
}

// houseUnit says what a house is under c's splits.
func (c *Config) houseUnit() string {
	switch {
	case c.SplitModes && c.SplitPopulations:
		return "pollster, interview mode and population"
	case c.SplitModes:
		return "pollster and interview mode"
	case c.SplitPopulations:
		return "pollster and population"
	}
	return "pollster"
}

// scale says what the level and the house effects are relative to.
func (r *Report) scale() string {
	switch {
	case r.Config.Model == ModelAverage:
		return "the average poll"
	case r.Config.Reference != "":
		return r.referenceLabel()
	}
	return "the pollsters' weighted consensus"
}

// referenceLabel names the reference house as the report prints it,
// e.g. "Levada face-to-face".
func (r *Report) referenceLabel() string {
	ref := r.Config.Reference
	if r.Result != nil && r.Result.Approve != nil {
		canon := strings.ToLower(canonical(ref))
		for _, h := range r.Result.Approve.Houses {
			name, _, _ := strings.Cut(h.Pollster, "/")
			if strings.ToLower(name) == canon && h.SE == 0 && h.Value == 0 {
				return strings.ReplaceAll(h.Pollster, "/", " ")
			}
		}
	}
	return canonical(ref)
}

func (r *Report) textModel(b *strings.Builder) {
	c := &r.Config
	section(b, "Model")
	scaleText := "the level on " + r.scale() + " (sum-to-zero weighted by polls)"
	switch {
	case c.Model == ModelAverage:
		scaleText = "the level that of the average poll"
	case c.Reference != "":
		scaleText = r.referenceLabel() + " as the reference"
	}
	wrap(b, fmt.Sprintf(modelText[c.Model], c.houseUnit(), scaleText), "  ")
	if c.Model == ModelBayes {
		s := c.Sampler
		fmt.Fprintf(b, "  sampler: %d chains, %d warm-up iterations, %d draws each, seed %d\n",
			c.chains(), cmpInt(s.Warmup, 100), cmpInt(s.Draws, 1000), s.Seed)
	}
	for _, sr := range r.Result.Shares() {
		b.WriteString("  " + shareParams(sr) + "\n")
	}
	r.textImputed(b)
	if n := len(r.Result.Excluded); n > 0 {
		fmt.Fprintf(b, "  %d polls left out by the model (invalid):\n", n)
		for _, e := range r.Result.Excluded {
			fmt.Fprintf(b, "    %v\n", e)
		}
	}
	for _, w := range r.Result.AllWarnings() {
		wrap(b, "warning: "+w, "  ")
	}
}

// textImputed says which values the model supplied, grouped by file,
// pollster, value and rule, with the lines of the polls concerned.
func (r *Report) textImputed(b *strings.Builder) {
	type group struct {
		source, pollster, field, rule string
		value                         float64
	}
	var order []group
	polls := map[group][]poll.Poll{}
	for _, m := range r.Result.Imputed {
		g := group{m.Source, m.Pollster, m.Field, m.Rule, m.Value}
		if _, ok := polls[g]; !ok {
			order = append(order, g)
		}
		polls[g] = append(polls[g], poll.Poll{Source: m.Source, Line: m.Line})
	}
	if len(order) == 0 {
		return
	}
	fmt.Fprintf(b, "  Values the model supplied for %s polls that publish none:\n", count(len(r.Result.Imputed)))
	for _, g := range order {
		textcol.Wrap(b, fmt.Sprintf("%s = %g for %d %s polls (%s): %s", g.field, g.value, len(polls[g]), g.pollster, g.rule, lineRanges(polls[g])), 92, "    ", "      ")
	}
}

// shareParams describes a share's fitted parameters with their units: σ
// is in points per day on the points scale and in logit units per day on
// the logit scale (a share with a poll outside 10–90%); τ and the house
// effects are always in points.
func shareParams(sr *aggregate.ShareResult) string {
	p := sr.Params
	unit := "points/day"
	if p.Other["logit"] == 1 {
		unit = "logit units/day (fitted on the logit scale)"
	}
	s := fmt.Sprintf("%s: σ̂ = %.3f %s", sr.Share, p.Sigma, unit)
	if p.SigmaSE > 0 {
		s = fmt.Sprintf("%s: σ̂ = %.3f (SE %.3f) %s", sr.Share, p.Sigma, p.SigmaSE, unit)
	}
	if tau, ok := p.Tau[""]; ok {
		s += fmt.Sprintf(", τ̂ = %.2f points", tau)
	}
	if n := len(sr.Series); n > 0 {
		s += fmt.Sprintf(", %s days from %s to %s", count(n), sr.Series[0].Date.Format("2 Jan 2006"), sr.Series[n-1].Date.Format("2 Jan 2006"))
	}
	return s
}

func cmpInt(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// z is the normal quantile of a two-sided interval at level.
func z(level float64) float64 {
	if !(level > 0 && level < 1) {
		level = 0.95
	}
	return math.Sqrt2 * math.Erfinv(level)
}

// levelText formats a level as "95%".
func levelText(level float64) string { return trimZero(fmt.Sprintf("%.1f", 100*level)) + "%" }

func (r *Report) textHouses(b *strings.Builder) {
	res := r.Result
	if len(res.Approve.Houses) == 0 {
		return
	}
	lvl := levelText(res.Level)
	section(b, fmt.Sprintf("House effects (points, relative to %s; %s intervals)", r.scale(), lvl))
	table(b, r.houseRows(), "lrrrrrr")
	b.WriteString("  (disapprove and undecided: effect (SE))\n")
	if r.Consensus != nil {
		c := r.Consensus.Approve.Latest()
		wrap(b, fmt.Sprintf("Identification matters: on the pollsters' consensus scale (weighted sum-to-zero) "+
			"the latest approval is %.1f [%.1f, %.1f] instead of %.1f: the consensus level sits between the houses, "+
			"and where only %s publishes, its effect carries the level.",
			c.Mean, c.Lower, c.Upper, res.Approve.Latest().Mean, canonical(r.Config.Reference)), "  ")
	}
}

// houseRows is the house-effect table: house, polls, approve, SE,
// interval, disapprove (SE), undecided (SE).
func (r *Report) houseRows() [][]string {
	res := r.Result
	zz := z(res.Level)
	rows := [][]string{{"house", "polls", "approve", "SE", levelText(res.Level) + " interval", "disapprove", "undecided"}}
	other := func(sr *aggregate.ShareResult, house string) string {
		if sr != nil {
			for _, h := range sr.Houses {
				if h.Pollster == house {
					return fmt.Sprintf("%+.1f (%.1f)", h.Value, h.SE)
				}
			}
		}
		return "—"
	}
	for _, h := range res.Approve.Houses {
		ci, se := "reference", "—"
		if h.SE > 0 {
			ci = fmt.Sprintf("[%+.1f, %+.1f]", h.Value-zz*h.SE, h.Value+zz*h.SE)
			se = fmt.Sprintf("%.2f", h.SE)
		}
		rows = append(rows, []string{h.Pollster, fmt.Sprint(h.Polls), fmt.Sprintf("%+.2f", h.Value), se, ci,
			other(res.Disapprove, h.Pollster), other(res.Undecided, h.Pollster)})
	}
	return rows
}

// scenarioRows is the table of the latest estimate under each scenario.
func (r *Report) scenarioRows() [][]string {
	lvl := levelText(r.Result.Level)
	rows := [][]string{{"scenario", "approve", lvl + " interval", "vs none", "assumption"}}
	base := r.Result.Approve.Latest()
	for _, s := range r.Scenarios {
		if s.Bounds != nil {
			lo, hi := identified(r.Result)
			pt := s.Bounds[len(s.Bounds)-1]
			rows = append(rows, []string{s.Name, fmt.Sprintf("%.1f–%.1f", lo, hi), fmt.Sprintf("[%.1f, %.1f]", pt.Lower, pt.Upper), "", s.Assumption})
			continue
		}
		pt := s.Result.Approve.Latest()
		rows = append(rows, []string{s.Name, fmt.Sprintf("%.1f", pt.Mean), fmt.Sprintf("[%.1f, %.1f]", pt.Lower, pt.Upper),
			fmt.Sprintf("%+.1f", pt.Mean-base.Mean), s.Assumption})
	}
	return rows
}

func (r *Report) textScenarios(b *strings.Builder) {
	section(b, fmt.Sprintf("Latest estimate by fear-of-response scenario (approve, %%, %s intervals)", levelText(r.Result.Level)))
	from := "every poll"
	if f := r.Config.Scenarios.From; !f.IsZero() {
		from = "polls fielded from " + f.Format("2 January 2006") + " on"
	}
	fmt.Fprintf(b, "  %s; corrections apply to %s.\n", r.Result.Approve.Latest().Date.Format("2 January 2006"), from)
	table(b, r.scenarioRows(), "lrrrl")
	if m := r.Falsification; m != nil {
		src := r.Config.Scenarios.GapSource
		if src != "" {
			src = " (" + src + ")"
		}
		wrap(b, fmt.Sprintf("Falsification gap%s: gap %.2f (SE %.3f), ratio %.3f, Kuran falsification rate %.3f (SE %.3f): "+
			"the share of private opponents who would say they approve. Read it as a scenario, not a finding.",
			src, m.Gap.Value, m.Gap.SE, m.Ratio.Value, m.Kuran.Value, m.Kuran.SE), "  ")
	}
	if len(r.Scenarios) > 1 {
		wrap(b, "Intervals of corrected scenarios include the calibration error, shared by every corrected poll.", "  ")
	}
	if slices.ContainsFunc(r.Scenarios, func(s aggregate.PollScenario) bool { return s.Bounds != nil }) {
		wrap(b, "Manski bounds assume nothing about those who answer \"hard to say\".", "  ")
	}
}

func (r *Report) textIntegrity(b *strings.Builder) {
	t := r.Integrity
	if t == nil {
		return
	}
	section(b, fmt.Sprintf("%s: the official result against the count's own stations and the polls", t.Official.Date.Format("January 2006")))
	b.WriteString(indent(t.String(), "  "))
}

func (r *Report) textForensics(b *strings.Builder) {
	if r.Forensics == nil {
		return
	}
	section(b, "Election forensics")
	b.WriteString(indent(r.Forensics.String(), "  "))
	if r.Election != nil {
		fmt.Fprintf(b, "  rows the election reader rejected: %v\n", r.Election)
	}
}

func (r *Report) textWarnings(b *strings.Builder) {
	if len(r.Warnings) == 0 {
		return
	}
	section(b, "Warnings")
	for _, w := range r.Warnings {
		wrap(b, "- "+w, "  ")
	}
}

// indent prefixes every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

// canonical is the canonical name of a pollster (built-in profiles), or
// the name itself.
func canonical(name string) string { return poll.CanonicalName(name) }
