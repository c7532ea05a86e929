package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/report"
	"github.com/candorpoll/candor/poll"
)

const reportUsage = `pollagg report reads poll files of any supported format, fits one model to
all of them (a house effect per pollster), refits it under fear-of-response
scenarios, sets an official result beside the polls and the forensic
estimate of the election's own polling stations, and writes the report,
the series, the house effects, the charts and one HTML page.

Usage:
  pollagg report [flags] FILE...

Each FILE's format is detected and named in the output (or -format names
it for all). Every rejected row is reported on standard error with its line
and column; without -keep-going any rejected row, or a file that gives no
polls, stops pollagg before anything is written.

By default a short summary goes to standard output (-v: the full report;
-q: nothing) and nothing is written. -o DIR writes every output into DIR
(NAME.txt, NAME.html, NAME-series.csv/.json, NAME-houses.csv,
NAME-scenarios.csv, NAME-polls.csv, NAME.png/.svg and, with -election,
NAME-fingerprint.png/.svg); each output flag writes one output to a file,
or to standard output for "-" (one at most; the summary then goes to
standard error). Outputs are written whole or not at all: each goes to a
temporary file in its folder, renamed into place once every output is
complete. Numbers in CSV and JSON are rounded to 0.01 unless
-full-precision; shares are percent, house effects percentage points.

A progress bar goes to standard error while the models run, when standard
error is a terminal (-progress). Ctrl-C stops the run cleanly: nothing is
written.

Example (the analysis of go run ./examples/russia, on the files):
  pollagg report -o out -pollster Levada -reference Levada -split-modes \
    -exclude 'VTsIOM:2008-05-07..2012-05-06=the office of President, held by Medvedev' \
    -from 2022-02-24 -gap 0.71:0.61 -gap-se 0.0083:0.03 -kappa 0.8,0.67,0.5 -manski \
    -official 87.28 -official-date 2024-03-17 \
    -election testdata/elections/2024.csv.zip \
    -election-remote testdata/elections/2024-electronic-voting.csv -keep-going \
    testdata/russia/Levada.csv testdata/russia/putin-approval-fom.csv \
    testdata/russia/vciom-presidential-approval-2006.csv

Exit status: 0 success; 1 failure or interruption (no file written); 2 done
under -keep-going with rejected rows or unusable files (reported on
standard error); 3 pollagg crashed (a bug: please report it; no file
written).

Flags:
`

// reportFlags are the flags of "pollagg report".
type reportFlags struct {
	// input
	title, subject, pollster, format string
	exclude, notes                   multiFlag
	keepGoing                        bool
	// model
	model, reference                string
	splitModes, splitPopulations    bool
	level                           float64
	chains, draws, warmup           int
	seed                            uint64
	from, gap, gapSE, kappa, gapSrc string
	manski                          bool
	// comparison
	official                            float64
	officialDate, officialLabel         string
	election, electionRemote, candidate string
	// output
	dir, name                                            string
	series, houses, scenarios, polls, chart, fingerprint string
	html, text                                           string
	json, fullPrecision, verbose, quiet                  bool
	period, progress                                     string
}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, "; ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// flagSet returns the flags of "pollagg report", parsed into c.
func (c *reportFlags) flagSet(stderr io.Writer) *flag.FlagSet {
	fs := newFlagSet("pollagg report", reportUsage, stderr)
	fs.StringVar(&c.title, "title", "", "the report's `title` (default: the pollsters)")
	fs.StringVar(&c.subject, "subject", "", "whom the approval is of, for the charts' titles (`name`, e.g. Putin)")
	fs.StringVar(&c.pollster, "pollster", "", "pollster `name` for files that name none (e.g. Levada for Levada's series file)")
	fs.StringVar(&c.format, "format", "auto", "input `format` of every file: auto, csv, 538, levada, vtsiom or fom")
	fs.Var(&c.exclude, "exclude", "leave out polls of `POLLSTER:FROM..TO[=WHY]` by fieldwork midpoint (dates YYYY-MM-DD, inclusive; either may be empty; an empty POLLSTER is every pollster); repeatable")
	fs.Var(&c.notes, "note", "a `remark` printed with the data (e.g. a pollster's question wording); repeatable")
	fs.BoolVar(&c.keepGoing, "keep-going", false, "use the good rows and files when some are rejected (exit status 2)")

	fs.StringVar(&c.model, "model", "statespace", "`model`: statespace (Jackman's state-space model, ML), bayes (the same, sampled) or average (538-style)")
	fs.StringVar(&c.reference, "reference", "", "house effects relative to this `pollster` (statespace, bayes; default: the pollsters' weighted consensus)")
	fs.BoolVar(&c.splitModes, "split-modes", false, "one house effect per pollster and interview mode")
	fs.BoolVar(&c.splitPopulations, "split-populations", false, "one house effect per pollster and population")
	fs.Float64Var(&c.level, "level", 0.95, "confidence `level` of every interval")
	fs.IntVar(&c.chains, "chains", 4, "bayes: `number` of chains")
	fs.IntVar(&c.draws, "draws", 1000, "bayes: `number` of draws kept per chain")
	fs.IntVar(&c.warmup, "warmup", 100, "bayes: warm-up `iterations` per chain")
	fs.Uint64Var(&c.seed, "seed", 1, "random `seed` of the Bayes sampler and the forensic Monte Carlo (same seed, same output)")

	fs.StringVar(&c.from, "from", "", "apply the scenarios to polls with fieldwork midpoint on or after this `date` (YYYY-MM-DD; default: every poll)")
	fs.StringVar(&c.gap, "gap", "", "scenario: a falsification gap `direct:list` (shares 0–1 from a direct question and a list experiment, e.g. 0.71:0.61), on the logit scale")
	fs.StringVar(&c.gapSE, "gap-se", "", "standard errors `direct:list` of the -gap shares (default 0:0)")
	fs.StringVar(&c.gapSrc, "gap-source", "", "where the -gap comes from (`text` printed with it)")
	fs.StringVar(&c.kappa, "kappa", "", "scenarios: differential nonresponse ratios κ = r_d/r_a, a `list` such as 0.8,0.67,0.5")
	fs.BoolVar(&c.manski, "manski", false, "scenario: Manski's bounds for \"hard to say\" (no assumption about them)")

	fs.Float64Var(&c.official, "official", 0, "an official result (`percent`) to compare approval with; needs -official-date")
	fs.StringVar(&c.officialDate, "official-date", "", "the `date` of -official (YYYY-MM-DD)")
	fs.StringVar(&c.officialLabel, "official-label", "", "what -official is (`text`)")
	fs.StringVar(&c.election, "election", "", "polling-station protocols of that election (`file`: .zip or CSV) for the forensic clean share and fingerprint")
	fs.StringVar(&c.electionRemote, "election-remote", "", "the election's region-level remote e-voting (`file`)")
	fs.StringVar(&c.candidate, "candidate", "", "the `candidate` of -election (default: the one with most votes)")

	fs.StringVar(&c.dir, "o", "", "write every output into `DIR` (created if missing)")
	fs.StringVar(&c.name, "name", "report", "file-name `stem` of the outputs in -o DIR")
	fs.StringVar(&c.series, "series", "", "write the series of every share to `file` (CSV; JSON for .json or -json; \"-\": standard output)")
	fs.BoolVar(&c.json, "json", false, "write -series as JSON")
	fs.StringVar(&c.houses, "houses", "", "write the house effects (CSV) to `file`")
	fs.StringVar(&c.scenarios, "scenarios", "", "write approval under every scenario (CSV) to `file`")
	fs.StringVar(&c.polls, "polls", "", "write the polls fitted (canonical CSV) to `file`")
	fs.StringVar(&c.chart, "chart", "", "draw trend, scenarios and house effects to `file` (.png or .svg; \"-\": SVG)")
	fs.StringVar(&c.fingerprint, "fingerprint", "", "draw the election's fingerprint to `file` (.png or .svg; \"-\": SVG); needs -election")
	fs.StringVar(&c.html, "html", "", "write the HTML page to `file`")
	fs.StringVar(&c.text, "text", "", "write the full report to `file`")
	fs.StringVar(&c.period, "period", "daily", "`period` of the written series: daily, weekly or monthly (the estimate on each period's last day)")
	fs.BoolVar(&c.fullPrecision, "full-precision", false, "write numbers as computed instead of rounded to 0.01")
	fs.BoolVar(&c.verbose, "v", false, "print the full report instead of the summary")
	fs.BoolVar(&c.quiet, "q", false, "print neither summary nor report")
	fs.StringVar(&c.progress, "progress", "auto", "progress bar on standard error: auto (when it is a terminal), always or never")
	return fs
}

// outputs are the paths of the single-output flags.
func (c *reportFlags) outputs() []string {
	return []string{c.series, c.houses, c.scenarios, c.polls, c.chart, c.fingerprint, c.html, c.text}
}

// config checks the flags and turns them into a report.Config.
func (c *reportFlags) config(files []string) (report.Config, report.SeriesOptions, error) {
	var so report.SeriesOptions
	rc := report.Config{Title: c.title, Subject: c.subject, Pollster: c.pollster, Strict: !c.keepGoing, Notes: c.notes,
		Reference: c.reference, SplitModes: c.splitModes, SplitPopulations: c.splitPopulations, Level: c.level,
		Sampler: report.Sampler{Chains: c.chains, Draws: c.draws, Warmup: c.warmup, Seed: c.seed}}
	if len(files) == 0 {
		return rc, so, errors.New("no input FILE; see pollagg report -h")
	}
	for _, f := range files {
		rc.Files = append(rc.Files, report.File{Path: f})
	}
	if c.format != "auto" {
		rc.Format = poll.Format(c.format)
	}
	var err error
	if rc.Model, err = report.ParseModel(c.model); err != nil {
		return rc, so, fmt.Errorf("-model: %w", err)
	}
	if c.chains < 1 || c.draws < 1 || c.warmup < 0 {
		return rc, so, fmt.Errorf("-chains %d, -draws %d, -warmup %d: want at least one chain and one draw", c.chains, c.draws, c.warmup)
	}
	for _, e := range c.exclude {
		x, err := parseExclusion(e)
		if err != nil {
			return rc, so, err
		}
		rc.Exclude = append(rc.Exclude, x)
	}
	if rc.Scenarios.From, err = parseDate("-from", c.from); err != nil {
		return rc, so, err
	}
	switch {
	case c.gapSE != "" && c.gap == "":
		return rc, so, errors.New("-gap-se without -gap")
	case c.gapSrc != "" && c.gap == "":
		return rc, so, errors.New("-gap-source without -gap")
	case c.gap != "":
		if rc.Scenarios.Gap, err = falsification(c.gap, c.gapSE); err != nil {
			return rc, so, err
		}
		if rc.Scenarios.Gap.Direct.Value == 0 {
			return rc, so, fmt.Errorf("-gap %q: the direct share must be positive", c.gap)
		}
		rc.Scenarios.GapSource = c.gapSrc
	}
	if c.kappa != "" {
		for _, k := range strings.Split(c.kappa, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(k), 64)
			if err != nil {
				return rc, so, fmt.Errorf("-kappa %q: want numbers separated by commas, e.g. 0.8,0.67,0.5", c.kappa)
			}
			rc.Scenarios.Kappas = append(rc.Scenarios.Kappas, v)
		}
	}
	rc.Scenarios.Manski = c.manski
	if c.from != "" && c.gap == "" && c.kappa == "" {
		return rc, so, errors.New("-from without a scenario that corrects polls (-gap or -kappa)")
	}
	if c.officialDate != "" || c.official != 0 || c.officialLabel != "" {
		d, err := parseDate("-official-date", c.officialDate)
		if err != nil {
			return rc, so, err
		}
		if d.IsZero() {
			return rc, so, errors.New("-official needs -official-date")
		}
		rc.Official = aggregate.Official{Label: c.officialLabel, Date: d, Value: c.official}
	}
	rc.Election = report.Election{Path: c.election, Remote: c.electionRemote, Candidate: c.candidate, Seed: c.seed}
	if c.fingerprint != "" && c.election == "" {
		return rc, so, errors.New("-fingerprint needs -election")
	}
	for flagName, p := range map[string]string{"-chart": c.chart, "-fingerprint": c.fingerprint} {
		if err := chartExt(flagName, p); err != nil {
			return rc, so, err
		}
	}
	if c.verbose && c.quiet {
		return rc, so, errors.New("-v and -q together")
	}
	switch c.progress {
	case "auto", "always", "never":
	default:
		return rc, so, fmt.Errorf("-progress %q: want auto, always or never", c.progress)
	}
	if c.name == "" || strings.ContainsAny(c.name, `/\`) {
		return rc, so, fmt.Errorf("-name %q: want a file-name stem without a folder", c.name)
	}
	if so.Period, err = report.ParsePeriod(c.period); err != nil {
		return rc, so, fmt.Errorf("-period: %w", err)
	}
	so.FullPrecision = c.fullPrecision
	return rc, so, nil
}

// parseExclusion parses POLLSTER:FROM..TO[=WHY].
func parseExclusion(s string) (report.Exclusion, error) {
	bad := fmt.Errorf("-exclude %q: want POLLSTER:FROM..TO[=WHY], e.g. VTsIOM:2008-05-07..2012-05-06", s)
	spec, why, _ := strings.Cut(s, "=")
	who, dates, ok := strings.Cut(spec, ":")
	from, to, ok2 := strings.Cut(dates, "..")
	if !ok || !ok2 || strings.TrimSpace(from) == "" && strings.TrimSpace(to) == "" && strings.TrimSpace(who) == "" {
		return report.Exclusion{}, bad
	}
	x := report.Exclusion{Pollster: strings.TrimSpace(who), Why: strings.TrimSpace(why)}
	var err error
	if x.From, err = parseDate("-exclude", strings.TrimSpace(from)); err != nil {
		return x, bad
	}
	if x.To, err = parseDate("-exclude", strings.TrimSpace(to)); err != nil {
		return x, bad
	}
	return x, nil
}

// runReport is "pollagg report".
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var c reportFlags
	fs := c.flagSet(stderr)
	if status, ok := parse(fs, args); !ok {
		return status
	}
	status, err := c.run(ctx, fs.Args(), stdout, stderr)
	return finish(ctx, "pollagg report", status, err, stderr)
}

// run runs the report; the error return means exit status 1.
func (c *reportFlags) run(ctx context.Context, files []string, stdout, stderr io.Writer) (int, error) {
	rc, so, err := c.config(files)
	if err != nil {
		return 0, err
	}
	if err := oneStdout(c.targets(nil, so)); err != nil {
		return 0, err
	}
	if err := checkOutputs(c.targets(nil, so)); err != nil {
		return 0, err
	}
	if c.dir != "" {
		if err := report.CheckDir(c.dir); err != nil {
			return 0, fmt.Errorf("-o %w", err)
		}
	}
	// The summary goes where no output goes.
	say := stdout
	if slices.Contains(c.outputs(), "-") {
		say = stderr
	}
	if c.progress == "always" || c.progress == "auto" && isTerminal(stderr) {
		bar := newProgressBar(stderr, isTerminal(stderr))
		rc.Progress = bar.update
		defer bar.finish()
	}
	r, err := report.Run(ctx, rc)
	if r != nil {
		printRejected(r, stderr)
	}
	if err != nil {
		if errors.Is(err, report.ErrRejected) {
			return 0, fmt.Errorf("%s; nothing written. Fix the input, or use -keep-going to use the rest", rejectedCount(r))
		}
		return 0, err
	}
	status := ExitOK
	if n := rejectedCount(r); n != "" {
		if !c.keepGoing { // the model left out polls: rows rejected late
			return 0, fmt.Errorf("%s; nothing written. Fix the input, or use -keep-going to use the rest", n)
		}
		fmt.Fprintf(stderr, "pollagg report: %s; continuing with the rest (-keep-going)\n", n)
		status = ExitPartial
	}

	var staged []*report.Staged
	if c.dir != "" {
		s, err := r.StageDir(c.dir, report.DirOptions{Name: c.name, Series: so})
		if err != nil {
			return 0, fmt.Errorf("-o %w", err)
		}
		staged = append(staged, s)
	}
	paths, err := commit(c.targets(r, so), staged, stdout)
	if err != nil {
		return 0, err
	}
	switch {
	case c.quiet:
	case c.verbose:
		err = r.WriteText(say)
	default:
		err = r.WriteSummary(say)
	}
	if err == nil && !c.quiet && len(paths) > 0 {
		_, err = fmt.Fprintf(say, "Written: %s\n", written(paths))
	}
	if err != nil {
		// The outputs are complete and in place; only the summary failed.
		return 0, fmt.Errorf("printing the report: %w", err)
	}
	return status, nil
}

// written lists paths by folder: "report/: report.txt, report.html;
// s.csv".
func written(paths []string) string {
	var dirs []string
	names := map[string][]string{}
	for _, p := range paths {
		d := filepath.Dir(p)
		if _, ok := names[d]; !ok {
			dirs = append(dirs, d)
		}
		names[d] = append(names[d], filepath.Base(p))
	}
	var parts []string
	for _, d := range dirs {
		part := strings.Join(names[d], ", ")
		if d != "." {
			part = d + string(filepath.Separator) + ": " + part
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}

// targets are the single-output flags and what each writes from r (nil:
// for checking the paths only).
func (c *reportFlags) targets(r *report.Report, so report.SeriesOptions) []target {
	return []target{
		{"-series", c.series, func(w io.Writer) error {
			if c.json || strings.EqualFold(filepath.Ext(c.series), ".json") {
				return r.WriteSeriesJSON(w, so)
			}
			return r.WriteSeriesCSV(w, so)
		}},
		{"-houses", c.houses, func(w io.Writer) error { return r.WriteHousesCSV(w, so) }},
		{"-scenarios", c.scenarios, func(w io.Writer) error { return r.WriteScenariosCSV(w, so) }},
		{"-polls", c.polls, func(w io.Writer) error { return r.WritePollsCSV(w) }},
		{"-chart", c.chart, func(w io.Writer) error { return r.WriteChart(w, chartFormat(c.chart)) }},
		{"-fingerprint", c.fingerprint, func(w io.Writer) error { return r.WriteFingerprint(w, chartFormat(c.fingerprint)) }},
		{"-html", c.html, func(w io.Writer) error { return r.WriteHTML(w) }},
		{"-text", c.text, func(w io.Writer) error { return r.WriteText(w) }},
	}
}

// printRejected writes every rejected row, every file that gave no
// polls and every poll the model left out to stderr.
func printRejected(r *report.Report, stderr io.Writer) {
	for _, in := range r.Inputs {
		if in.Err != nil {
			fmt.Fprintln(stderr, in.Err)
		}
		for _, pe := range in.Rejected {
			fmt.Fprintln(stderr, pe)
		}
	}
	if r.Result != nil {
		for _, e := range r.Result.Excluded {
			fmt.Fprintln(stderr, "left out by the model:", e)
		}
	}
}

// rejectedCount says how much input was not used: "" when all was.
func rejectedCount(r *report.Report) string {
	rows, files := 0, 0
	for _, in := range r.Inputs {
		rows += in.RejectedCount
		if in.Err != nil {
			files++
		}
	}
	var parts []string
	if rows > 0 {
		parts = append(parts, fmt.Sprintf("%d rows rejected", rows))
	}
	if files > 0 {
		parts = append(parts, fmt.Sprintf("%d files gave no polls", files))
	}
	if r.Result != nil && len(r.Result.Excluded) > 0 {
		parts = append(parts, fmt.Sprintf("%d polls left out by the model", len(r.Result.Excluded)))
	}
	return strings.Join(parts, ", ")
}

// progressBar draws report.Progress on a terminal as one line redrawn in
// place, or, on anything else (-progress always), as a line per stage.
type progressBar struct {
	w        io.Writer
	terminal bool
	last     time.Time
	stage    int
	drawn    bool
}

func newProgressBar(w io.Writer, terminal bool) *progressBar {
	return &progressBar{w: w, terminal: terminal}
}

// update is the report's Progress function (never called concurrently).
func (b *progressBar) update(p report.Progress) {
	if !b.terminal {
		if p.Index != b.stage {
			b.stage = p.Index
			fmt.Fprintf(b.w, "pollagg report: %d/%d %s\n", p.Index, p.Stages, p.Stage)
		}
		return
	}
	done := p.Total > 0 && p.Done >= p.Total
	now := time.Now()
	if !done && now.Sub(b.last) < 100*time.Millisecond && p.Index == b.stage {
		return
	}
	b.last = now
	b.stage = p.Index
	const width = 30
	f := p.Fraction()
	n := int(f * width)
	detail := ""
	if p.Total > 1 {
		detail = fmt.Sprintf(" (%d/%d)", p.Done, p.Total)
	}
	fmt.Fprintf(b.w, "\r\033[K[%s%s] %3.0f%% %d/%d %s%s", strings.Repeat("#", n), strings.Repeat("-", width-n), 100*f, p.Index, p.Stages, p.Stage, detail)
	b.drawn = true
}

// finish clears the bar's line.
func (b *progressBar) finish() {
	if b.terminal && b.drawn {
		fmt.Fprint(b.w, "\r\033[K")
	}
}
