package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/chart"
	"github.com/candorpoll/candor/aggregate/report"
	"github.com/candorpoll/candor/poll"
)

// fileFlags are the flags of "pollagg FILE".
type fileFlags struct {
	format, pollster, source, question string
	model, reference                   string
	splitModes                         bool
	level                              float64
	seed                               uint64
	gap, gapSE                         string
	kappa                              float64
	from                               string
	out, houses, chartPath, pollsOut   string
	json, keepGoing, quiet             bool
}

const fileUsage = `pollagg reads a poll release file, fits a model and writes the daily
series, the house-effect table and a chart. For a report on several
files (house effects across pollsters, scenarios, an official result,
the HTML page): pollagg report -h.

Usage:
  pollagg [flags] FILE        (FILE "-" reads standard input)

Input. The format is detected from the content unless -format names it:
  csv      candor's canonical CSV, or a simple series file
           (Date, Approve, Disapprove[, "don't know"][, source]; use -pollster
           when it has no source/pollster column)
  538      FiveThirtyEight approval poll list or poll database
  levada   Levada Center tables (HTML page or CSV/TSV export)
  vtsiom   VTsIOM rating tables (HTML page or CSV/TSV export)
  fom      FOM tables (HTML page or CSV/TSV export)
Encodings (UTF-8 with or without BOM, Windows-1251), separators and decimal
commas are detected. Every rejected row is reported on standard error with
its line and column; without -keep-going any rejected row stops pollagg
before anything is written.

Output. The daily series goes to standard output (or -o) as CSV, or JSON
with -json (or an -o name ending in .json). A summary (house effects,
parameters, latest estimate) goes to standard error unless -q. Every
output flag takes a file name or "-" (standard output; one at most);
files are written whole or not at all (a temporary file renamed into
place once every output is complete).

Exit status: 0 success; 1 failure (no file written); 2 rejected rows were
skipped under -keep-going (outputs written from the good rows); 3 pollagg
crashed (a bug: please report it; no file written).

Flags:
`

// flagSet returns the flags of "pollagg FILE", parsed into c.
func (c *fileFlags) flagSet(stderr io.Writer) *flag.FlagSet {
	fs := newFlagSet("pollagg", fileUsage, stderr)
	fs.StringVar(&c.format, "format", "auto", "input `format`: auto, csv, 538, levada, vtsiom or fom")
	fs.StringVar(&c.pollster, "pollster", "", "pollster `name` for files that do not name one (e.g. Levada, FOM, VTsIOM)")
	fs.StringVar(&c.source, "source", "", "provenance recorded on each poll and in error messages (default: the file name)")
	fs.StringVar(&c.question, "question", "", "keep only polls of this question identifier (default: all)")
	fs.StringVar(&c.model, "model", "statespace", "`model`: statespace (Jackman's state-space model, ML), bayes (the same, sampled), average (538-style weighted average) or none (read and convert only)")
	fs.StringVar(&c.reference, "reference", "", "identify house effects relative to this `pollster` (statespace, bayes; default: weighted sum-to-zero, the pollsters' consensus)")
	fs.BoolVar(&c.splitModes, "split-modes", false, "one house effect per pollster and interview mode")
	fs.Float64Var(&c.level, "level", 0.95, "confidence `level` of the intervals")
	fs.Uint64Var(&c.seed, "seed", 1, "random `seed` of the Bayes sampler (same seed, same output)")
	fs.StringVar(&c.gap, "gap", "", "fear scenario: a falsification gap `direct:list` (shares 0–1 from a direct question and a list experiment, e.g. 0.71:0.61) applied to approval on the logit scale")
	fs.StringVar(&c.gapSE, "gap-se", "", "standard errors `direct:list` of the -gap shares (default 0:0)")
	fs.Float64Var(&c.kappa, "kappa", 0, "fear scenario: differential nonresponse, κ = (response rate of disapprovers)/(of approvers); < 1 lowers approval (default: none)")
	fs.StringVar(&c.from, "from", "", "apply the -gap/-kappa scenario to polls with fieldwork midpoint on or after this `date` (YYYY-MM-DD; default: all)")
	fs.StringVar(&c.out, "o", "-", "write the series to this `file` (\"-\": standard output)")
	fs.BoolVar(&c.json, "json", false, "write the series as JSON (default CSV)")
	fs.StringVar(&c.houses, "houses", "", "write the house-effect table as CSV to this `file`")
	fs.StringVar(&c.chartPath, "chart", "", "draw the trend and house effects to this `file` (.png or .svg; \"-\": SVG on standard output)")
	fs.StringVar(&c.pollsOut, "polls", "", "write the polls read (after the scenario) as canonical CSV to this `file`")
	fs.BoolVar(&c.keepGoing, "keep-going", false, "process the good rows of an input with rejected rows (exit status 2)")
	fs.BoolVar(&c.quiet, "q", false, "no summary on standard error")
	return fs
}

// runFile is "pollagg [flags] FILE".
func runFile(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c fileFlags
	fs := c.flagSet(stderr)
	if status, ok := parse(fs, args); !ok {
		return status
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "pollagg: want exactly one input FILE (\"-\" for standard input), or \"pollagg report FILE...\"; see pollagg -h")
		return ExitFailure
	}
	status, err := c.execute(ctx, fs.Arg(0), stdin, stdout, stderr)
	return finish(ctx, "pollagg", status, err, stderr)
}

// execute runs one invocation; the error return means exit status 1.
func (c *fileFlags) execute(ctx context.Context, name string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	outputs := []target{{"-polls", c.pollsOut, nil}, {"-o", c.out, nil}, {"-houses", c.houses, nil}, {"-chart", c.chartPath, nil}}
	if err := oneStdout(outputs); err != nil {
		return 0, err
	}
	if err := checkOutputs(outputs); err != nil {
		return 0, err
	}
	in, err := openInput(name, stdin)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	if c.source == "" && name != "-" {
		c.source = filepath.Base(name)
	}
	format := poll.Format(c.format)
	if c.format == "auto" {
		format = ""
	}
	polls, read := report.Read(in, c.source, format, c.pollster)
	if format == "" && read.Detected.Format != "" && !c.quiet {
		fmt.Fprintln(stderr, "pollagg: detected", read.Detected)
	}
	if read.Err != nil {
		var fe *report.FileError
		if errors.As(read.Err, &fe) && read.Detected.Format == "" && format == "" {
			return 0, fmt.Errorf("format not recognised: %w\nName the format with -format to see every error of one reader", fe.Err)
		}
		return 0, fmt.Errorf("no polls read as %s: %w", cmp.Or(string(read.Detected.Format), c.format), errors.Unwrap(read.Err))
	}
	status := ExitOK
	if read.RejectedCount > 0 {
		for _, pe := range read.Rejected {
			fmt.Fprintln(stderr, pe)
		}
		if !c.keepGoing {
			return 0, fmt.Errorf("%d rows rejected (format %s); nothing written. Fix the input, or use -keep-going to process the %d good rows", read.RejectedCount, read.Detected.Format, len(polls))
		}
		fmt.Fprintf(stderr, "pollagg: %d rows rejected, continuing with %d good rows (-keep-going)\n", read.RejectedCount, len(polls))
		status = ExitPartial
	}
	if c.question != "" {
		polls = poll.Filter{Question: c.question}.Apply(polls)
	}
	if len(polls) == 0 {
		return 0, fmt.Errorf("no polls to use (format %s)", read.Detected.Format)
	}
	if polls, err = c.scenario(polls); err != nil {
		return 0, err
	}
	targets := []target{{"-polls", c.pollsOut, func(w io.Writer) error { return poll.WriteCSV(w, polls) }}}
	if c.model == "none" {
		if err := oneStdout(targets); err != nil {
			return 0, err
		}
		if _, err := commit(targets, nil, stdout); err != nil {
			return 0, err
		}
		if !c.quiet {
			fmt.Fprintf(stderr, "pollagg: read %d polls (format %s)\n", len(polls), read.Detected.Format)
		}
		return status, nil
	}
	res, err := c.fit(ctx, polls)
	if res == nil {
		return 0, err
	}
	if len(res.Excluded) > 0 {
		for _, e := range res.Excluded {
			fmt.Fprintln(stderr, "pollagg: left out by the model:", e)
		}
		if !c.keepGoing {
			return 0, fmt.Errorf("the model left out %d invalid polls; nothing written. Use -keep-going to fit the others", len(res.Excluded))
		}
		status = ExitPartial
	}
	if !c.quiet {
		fmt.Fprintf(stderr, "pollagg: %d polls (format %s), model %s\n%s\n", len(polls), read.Detected.Format, c.model, res)
		// The models read the corrections' audit trail: the calibration
		// error shared by every corrected poll is in the intervals.
		if v, ok := res.Approve.Params.Other["calibration_var_max"]; ok && v > 0 {
			fmt.Fprintf(stderr, "pollagg: the scenario's calibration error (shared by every corrected poll) adds up to %.2f points of SD to the level; the intervals include it\n", math.Sqrt(v))
		}
	}
	series := func(w io.Writer) error {
		if c.json || strings.EqualFold(filepath.Ext(c.out), ".json") {
			return res.WriteJSON(w)
		}
		return res.WriteCSV(w)
	}
	targets = append(targets,
		target{"-o", c.out, series},
		target{"-houses", c.houses, res.WriteHousesCSV},
		target{"-chart", c.chartPath, func(w io.Writer) error { return drawChart(w, c.chartPath, res, polls) }})
	if err := oneStdout(targets); err != nil {
		return 0, err
	}
	if _, err := commit(targets, nil, stdout); err != nil {
		return 0, err
	}
	return status, nil
}

func (c *fileFlags) check() error {
	switch c.format {
	case "auto", "csv", "538", "levada", "vtsiom", "fom":
	default:
		return fmt.Errorf("unknown -format %q (want auto, csv, 538, levada, vtsiom or fom)", c.format)
	}
	switch c.model {
	case "statespace", "bayes", "average", "none":
	default:
		return fmt.Errorf("unknown -model %q (want statespace, bayes, average or none)", c.model)
	}
	if !(c.level > 0 && c.level < 1) {
		return fmt.Errorf("-level %v outside (0, 1)", c.level)
	}
	if c.kappa < 0 || math.IsInf(c.kappa, 0) || math.IsNaN(c.kappa) {
		return fmt.Errorf("-kappa %v must be positive", c.kappa)
	}
	if c.gapSE != "" && c.gap == "" {
		return errors.New("-gap-se without -gap")
	}
	if c.from != "" && c.gap == "" && c.kappa == 0 {
		return errors.New("-from without a scenario (-gap or -kappa)")
	}
	if c.model == "average" && (c.reference != "") {
		return errors.New("-reference applies to statespace and bayes, not average")
	}
	return chartExt("-chart", c.chartPath)
}

// chartExt checks that a chart file name ends in .png or .svg ("-" and
// "" pass: SVG on standard output, or no chart).
func chartExt(flagName, path string) error {
	if path == "" || path == "-" {
		return nil
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext != ".png" && ext != ".svg" {
		return fmt.Errorf("%s %q: want a .png or .svg file name, or \"-\" for SVG on standard output", flagName, path)
	}
	return nil
}

// chartFormat is the format of a chart file: PNG for .png, SVG otherwise
// (.svg and "-").
func chartFormat(path string) string {
	if strings.EqualFold(filepath.Ext(path), ".png") {
		return chart.FormatPNG
	}
	return chart.FormatSVG
}

// openInput opens the input file, or standard input for "-". The readers
// read it once; holding a copy here would double the memory of a large
// file.
func openInput(name string, stdin io.Reader) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(stdin), nil
	}
	return os.Open(name)
}

// scenario applies the -gap and -kappa corrections through adjust.Chain,
// which records them on every poll (see -polls).
func (c *fileFlags) scenario(polls []poll.Poll) ([]poll.Poll, error) {
	var chain adjust.Chain
	from, err := parseDate("-from", c.from)
	if err != nil {
		return nil, err
	}
	add := func(corr adjust.Correction) {
		if from.IsZero() {
			chain = append(chain, corr)
			return
		}
		chain = append(chain, adjust.Segmented{{Until: from}, {From: from, Correction: corr}})
	}
	if c.gap != "" {
		f, err := falsification(c.gap, c.gapSE)
		if err != nil {
			return nil, err
		}
		add(adjust.GapCorrection{Falsification: f})
	}
	if c.kappa > 0 {
		add(adjust.Nonresponse{DisapproverResponseRatio: c.kappa})
	}
	if len(chain) == 0 {
		return polls, nil
	}
	return chain.Apply(polls)
}

// falsification parses -gap and -gap-se.
func falsification(gap, gapSE string) (adjust.Falsification, error) {
	d, l, err := pair("-gap", gap)
	if err != nil {
		return adjust.Falsification{}, err
	}
	var dse, lse float64
	if gapSE != "" {
		if dse, lse, err = pair("-gap-se", gapSE); err != nil {
			return adjust.Falsification{}, err
		}
	}
	return adjust.Falsification{Direct: adjust.Estimate{Value: d, SE: dse}, List: adjust.Estimate{Value: l, SE: lse}}, nil
}

// parseDate parses a YYYY-MM-DD flag value; "" is the zero time.
func parseDate(flagName, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s %q: want YYYY-MM-DD", flagName, s)
	}
	return t, nil
}

// pair parses "a:b" into two numbers.
func pair(flagName, s string) (float64, float64, error) {
	a, b, ok := strings.Cut(s, ":")
	x, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	y, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("%s %q: want two numbers as a:b, e.g. 0.71:0.61", flagName, s)
	}
	return x, y, nil
}

func (c *fileFlags) fit(ctx context.Context, polls []poll.Poll) (*aggregate.Result, error) {
	ss := aggregate.StateSpace{Level: c.level, SplitModes: c.splitModes}
	if c.reference != "" {
		ss.Identify = aggregate.ReferenceHouse(c.reference)
	}
	var res *aggregate.Result
	var err error
	switch c.model {
	case "average":
		res, err = aggregate.Average{Level: c.level, SplitModes: c.splitModes}.Fit(ctx, polls)
	case "bayes":
		res, err = aggregate.Bayes{Model: ss, Seed: c.seed}.Fit(ctx, polls)
	default:
		res, err = ss.Fit(ctx, polls)
	}
	if res != nil && err != nil && !errors.Is(err, aggregate.ErrInvalidPoll) {
		res = nil
	}
	return res, err
}

// drawChart draws the trend over the polls and, when the model has house
// effects, the house-effect chart below it.
func drawChart(w io.Writer, path string, res *aggregate.Result, polls []poll.Poll) error {
	trend, err := chart.Trend(res, polls, chart.Options{})
	if err != nil {
		return err
	}
	plots := []*plot.Plot{trend}
	if len(res.Approve.Houses) > 0 {
		h, err := chart.Houses(res, chart.Options{})
		if err != nil {
			return err
		}
		plots = append(plots, h)
	}
	return chart.Write(w, chartFormat(path), plots, chart.Options{})
}
