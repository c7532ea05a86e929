package main

import (
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
	"github.com/candorpoll/candor/poll"
)

// Exit statuses.
const (
	exitOK       = 0
	exitFailure  = 1
	exitRejected = 2 // -keep-going: done, but some rows were rejected
)

// config holds the parsed flags.
type config struct {
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

const usageText = `pollagg reads a poll release file, fits a model and writes the daily
series, the house-effect table and a chart.

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
parameters, latest estimate) goes to standard error unless -q.

Exit status: 0 success; 1 failure (nothing written); 2 rejected rows were
skipped under -keep-going (outputs written from the good rows).

Flags:
`

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var c config
	fs := flag.NewFlagSet("pollagg", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.format, "format", "auto", "input `format`: auto, csv, 538, levada, vtsiom or fom")
	fs.StringVar(&c.pollster, "pollster", "", "pollster `name` for files that do not name one (e.g. Levada, FOM, VTsIOM)")
	fs.StringVar(&c.source, "source", "", "provenance recorded on each poll and in error messages (default: the file name)")
	fs.StringVar(&c.question, "question", "", "keep only polls of this question identifier (default: all)")
	fs.StringVar(&c.model, "model", "statespace", "`model`: statespace (Jackman's state-space model, ML), bayes (the same, sampled), average (538-style weighted average) or none (read and convert only)")
	fs.StringVar(&c.reference, "reference", "", "identify house effects relative to this `pollster` (statespace, bayes; default: weighted sum-to-zero, the pollsters' consensus)")
	fs.BoolVar(&c.splitModes, "split-modes", false, "one house effect per pollster and interview mode (statespace, bayes)")
	fs.Float64Var(&c.level, "level", 0.95, "confidence `level` of the intervals")
	fs.Uint64Var(&c.seed, "seed", 1, "random `seed` of the Bayes sampler (same seed, same output)")
	fs.StringVar(&c.gap, "gap", "", "fear scenario: a falsification gap `direct:list` (shares 0–1 from a direct question and a list experiment, e.g. 0.71:0.61) applied to approval on the logit scale")
	fs.StringVar(&c.gapSE, "gap-se", "", "standard errors `direct:list` of the -gap shares (default 0:0)")
	fs.Float64Var(&c.kappa, "kappa", 0, "fear scenario: differential nonresponse, κ = (response rate of disapprovers)/(of approvers); < 1 lowers approval (default: none)")
	fs.StringVar(&c.from, "from", "", "apply the -gap/-kappa scenario to polls with fieldwork midpoint on or after this `date` (YYYY-MM-DD; default: all)")
	fs.StringVar(&c.out, "o", "", "write the series to this `file` instead of standard output")
	fs.BoolVar(&c.json, "json", false, "write the series as JSON (default CSV)")
	fs.StringVar(&c.houses, "houses", "", "write the house-effect table as CSV to this `file`")
	fs.StringVar(&c.chartPath, "chart", "", "draw the trend and house effects to this `file` (.png or .svg)")
	fs.StringVar(&c.pollsOut, "polls", "", "write the polls read (after the scenario) as canonical CSV to this `file`")
	fs.BoolVar(&c.keepGoing, "keep-going", false, "process the good rows of an input with rejected rows (exit status 2)")
	fs.BoolVar(&c.quiet, "q", false, "no summary on standard error")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitFailure
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "pollagg: want exactly one input FILE (\"-\" for standard input); see pollagg -h")
		return exitFailure
	}
	status, err := c.execute(fs.Arg(0), stdin, stdout, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "pollagg:", err)
		return exitFailure
	}
	return status
}

// execute runs one invocation; the error return means exit status 1.
func (c *config) execute(name string, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	if err := c.check(); err != nil {
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
	polls, rejected, nRejected, format, err := c.read(in, stderr)
	if err != nil {
		return 0, err
	}
	status := exitOK
	if nRejected > 0 {
		for _, pe := range rejected {
			fmt.Fprintln(stderr, pe)
		}
		if !c.keepGoing {
			return 0, fmt.Errorf("%d rows rejected (format %s); nothing written. Fix the input, or use -keep-going to process the %d good rows", nRejected, format, len(polls))
		}
		fmt.Fprintf(stderr, "pollagg: %d rows rejected, continuing with %d good rows (-keep-going)\n", nRejected, len(polls))
		status = exitRejected
	}
	if c.question != "" {
		polls = poll.Filter{Question: c.question}.Apply(polls)
	}
	if len(polls) == 0 {
		return 0, fmt.Errorf("no polls to use (format %s)", format)
	}
	if polls, err = c.scenario(polls); err != nil {
		return 0, err
	}
	if c.pollsOut != "" {
		if err := writeFile(c.pollsOut, func(w io.Writer) error { return poll.WriteCSV(w, polls) }); err != nil {
			return 0, err
		}
	}
	if c.model == "none" {
		if !c.quiet {
			fmt.Fprintf(stderr, "pollagg: read %d polls (format %s)\n", len(polls), format)
		}
		return status, nil
	}
	res, err := c.fit(polls)
	if err != nil {
		return 0, err
	}
	if !c.quiet {
		fmt.Fprintf(stderr, "pollagg: %d polls (format %s), model %s\n%s\n", len(polls), format, c.model, res)
		// The models read the corrections' audit trail: the calibration
		// error shared by every corrected poll is in the intervals.
		if v, ok := res.Approve.Params.Other["calibration_var_max"]; ok && v > 0 {
			fmt.Fprintf(stderr, "pollagg: the scenario's calibration error (shared by every corrected poll) adds up to %.2f points of SD to the level; the intervals include it\n", math.Sqrt(v))
		}
	}
	if err := c.write(res, polls, stdout); err != nil {
		return 0, err
	}
	return status, nil
}

func (c *config) check() error {
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
	if c.chartPath != "" {
		if ext := strings.ToLower(filepath.Ext(c.chartPath)); ext != ".png" && ext != ".svg" {
			return fmt.Errorf("-chart %q: want a .png or .svg file name", c.chartPath)
		}
	}
	return nil
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

// readers names the poll package's readers for -format; -format auto
// uses poll.Read, which detects the layout.
var readers = map[string]func(io.Reader, ...poll.Option) ([]poll.Poll, error){
	"csv": poll.ReadCSV, "538": poll.Read538, "levada": poll.ReadLevada, "fom": poll.ReadFOM, "vtsiom": poll.ReadVTsIOM,
}

// read parses the input with the named reader or, for -format auto, with
// poll.Read, which says what it detected. rejected lists the reader's
// rejections (a list capped by the reader ends with one counting the
// rest) and n counts them all. A reader's fatal error (no polls at all)
// fails the read.
func (c *config) read(in io.Reader, stderr io.Writer) (polls []poll.Poll, rejected []*poll.ParseError, n int, format string, err error) {
	opts := []poll.Option{poll.WithSource(c.source)}
	if c.pollster != "" {
		opts = append(opts, poll.WithPollster(c.pollster))
	}
	format = c.format
	if format == "auto" {
		var det poll.Detected
		polls, det, err = poll.Read(in, opts...)
		format = string(det.Format)
		if det.Format == "" {
			return nil, nil, 0, "", fmt.Errorf("format not recognised: %w\nName the format with -format to see every error of one reader", err)
		}
		if !c.quiet {
			fmt.Fprintln(stderr, "pollagg: detected", det)
		}
	} else {
		polls, err = readers[format](in, opts...)
	}
	if len(polls) == 0 && err != nil {
		return nil, nil, 0, format, fmt.Errorf("no polls read as %s: %w", format, err)
	}
	return polls, poll.ParseErrors(err), poll.Rejected(err), format, nil
}

// scenario applies the -gap and -kappa corrections through adjust.Chain,
// which records them on every poll (see -polls).
func (c *config) scenario(polls []poll.Poll) ([]poll.Poll, error) {
	var chain adjust.Chain
	var from time.Time
	if c.from != "" {
		t, err := time.Parse(time.DateOnly, c.from)
		if err != nil {
			return nil, fmt.Errorf("-from %q: want YYYY-MM-DD", c.from)
		}
		from = t
	}
	add := func(corr adjust.Correction) {
		if from.IsZero() {
			chain = append(chain, corr)
			return
		}
		chain = append(chain, adjust.Segmented{{Until: from}, {From: from, Correction: corr}})
	}
	if c.gap != "" {
		d, l, err := pair("-gap", c.gap)
		if err != nil {
			return nil, err
		}
		var dse, lse float64
		if c.gapSE != "" {
			if dse, lse, err = pair("-gap-se", c.gapSE); err != nil {
				return nil, err
			}
		}
		add(adjust.GapCorrection{Falsification: adjust.Falsification{
			Direct: adjust.Estimate{Value: d, SE: dse},
			List:   adjust.Estimate{Value: l, SE: lse},
		}})
	}
	if c.kappa > 0 {
		add(adjust.Nonresponse{DisapproverResponseRatio: c.kappa})
	}
	if len(chain) == 0 {
		return polls, nil
	}
	return chain.Apply(polls)
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

func (c *config) fit(polls []poll.Poll) (*aggregate.Result, error) {
	ctx := context.Background()
	ss := aggregate.StateSpace{Level: c.level, SplitModes: c.splitModes}
	if c.reference != "" {
		ss.Identify = aggregate.ReferenceHouse(c.reference)
	}
	switch c.model {
	case "average":
		if c.reference != "" || c.splitModes {
			return nil, errors.New("-reference and -split-modes apply to statespace and bayes, not average")
		}
		return aggregate.Average{Level: c.level}.Fit(ctx, polls)
	case "bayes":
		return aggregate.Bayes{Model: ss, Seed: c.seed}.Fit(ctx, polls)
	}
	return ss.Fit(ctx, polls)
}

func (c *config) write(res *aggregate.Result, polls []poll.Poll, stdout io.Writer) error {
	series := func(w io.Writer) error {
		if c.json || strings.EqualFold(filepath.Ext(c.out), ".json") {
			return res.WriteJSON(w)
		}
		return res.WriteCSV(w)
	}
	if c.out == "" {
		if err := series(stdout); err != nil {
			return err
		}
	} else if err := writeFile(c.out, series); err != nil {
		return err
	}
	if c.houses != "" {
		if err := writeFile(c.houses, res.WriteHousesCSV); err != nil {
			return err
		}
	}
	if c.chartPath != "" {
		return writeFile(c.chartPath, func(w io.Writer) error { return drawChart(w, c.chartPath, res, polls) })
	}
	return nil
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
	format := chart.FormatPNG
	if strings.EqualFold(filepath.Ext(path), ".svg") {
		format = chart.FormatSVG
	}
	return chart.Write(w, format, plots, chart.Options{})
}

// writeFile creates name and writes to it, reporting the first error of
// the write or the close.
func writeFile(name string, write func(io.Writer) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	return f.Close()
}
