package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/forensics"
	"github.com/candorpoll/candor/poll"
)

// Report is what Run found: the inputs and what became of them, the fit,
// the scenarios, the integrity table and the forensic summary. Its
// methods write it out (text, summary, series, house effects, charts,
// HTML, a folder of all of them).
type Report struct {
	Config Config

	// Inputs holds what each poll file gave, in Config.Files order.
	Inputs []Input
	// Read counts the polls read from every file; Excluded lists each
	// exclusion rule with the polls it left out; Polls are the polls
	// fitted (sorted by fieldwork end) and LastPoll the latest fieldwork
	// end among them.
	Read     int
	Excluded []Excluded
	Polls    []poll.Poll
	LastPoll time.Time

	// Result is the model fitted to Polls. Its Excluded and Imputed list
	// the polls the model could not use and the values it supplied.
	Result *aggregate.Result
	// Consensus is the same model on the pollsters' consensus scale
	// (weighted sum-to-zero, approve only) when Config.Reference is set;
	// nil otherwise.
	Consensus *aggregate.Result
	// Scenarios are "none (as published)" (Result) and each scenario of
	// Config.Scenarios, in the order gap, κ…, Manski.
	Scenarios []aggregate.PollScenario
	// Falsification holds the measures of Config.Scenarios.Gap; nil
	// without a gap scenario.
	Falsification *adjust.FalsificationMeasures

	// Integrity sets Config.Official beside the forensic estimate and
	// the scenarios; nil without an official result.
	Integrity *aggregate.IntegrityTable
	// Forensics and Fingerprint are the election's forensic summary and
	// turnout × share histogram; nil without Config.Election. Election
	// holds what its reader rejected (nil when nothing).
	Forensics   *forensics.Summary
	Fingerprint *forensics.Histogram2D
	Election    error

	// Warnings are the report's own (an exclusion that matched nothing, a
	// file that gave no polls, a Manski scenario without disapprove).
	// The model's are in Result.AllWarnings.
	Warnings []string
}

// Run reads the files, applies the exclusions, fits the model and the
// scenarios, reads the election and estimates its clean share, and
// builds the integrity table, reporting progress to c.Progress.
//
// Errors: ErrConfig for a configuration it cannot use; ErrRejected
// with c.Strict when a row was rejected or a file gave no polls (the
// Report is returned as well, holding the Inputs); ErrNoPolls when no
// poll is left to fit; a model's error when a fit fails (a poll the
// model could not use is not a failure: it is listed in
// Result.Excluded); the forensic reader's or estimators' errors;
// ctx.Err() when cancelled.
func Run(ctx context.Context, c Config) (*Report, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	r := &Report{Config: c}
	pr := newProgressor(&c)

	pr.start("reading")
	all, inputs := readPolls(&c)
	r.Inputs, r.Read = inputs, len(all)
	var failed []error
	for _, in := range inputs {
		if in.Err != nil {
			failed = append(failed, in.Err)
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s gave no polls: %v", in.Path, shortError(in.Err)))
		} else if in.RejectedCount > 0 && c.Strict {
			failed = append(failed, fmt.Errorf("%s: %d rows rejected", in.Path, in.RejectedCount))
		}
	}
	if c.Strict && len(failed) > 0 {
		return r, fmt.Errorf("%w: %w", ErrRejected, errors.Join(failed...))
	}
	r.Polls, r.Excluded = exclude(all, c.Exclude)
	for _, e := range r.Excluded {
		if len(e.Polls) == 0 {
			r.Warnings = append(r.Warnings, fmt.Sprintf("the exclusion of %v matched no poll", e.Exclusion))
		}
	}
	if len(r.Polls) == 0 {
		return r, fmt.Errorf("%w: %d polls read, %d left after the exclusions", ErrNoPolls, len(all), len(r.Polls))
	}
	for _, p := range r.Polls {
		r.LastPoll = maxTime(r.LastPoll, p.End)
	}
	pr.done()

	if err := r.fit(ctx, pr); err != nil {
		return r, err
	}
	if c.Election.Path != "" {
		pr.start("forensics")
		if err := r.forensics(ctx); err != nil {
			return r, err
		}
		pr.done()
	}
	if !c.Official.Date.IsZero() {
		var clean *forensics.CleanShare
		if r.Forensics != nil {
			cs := r.Forensics.Clean()
			clean = &cs
		}
		t, err := aggregate.Integrity(c.Official, clean, r.Scenarios...)
		if err != nil {
			return r, fmt.Errorf("integrity table: %w", err)
		}
		r.Integrity = t
	}
	return r, nil
}

// complete returns ErrIncomplete when r has no fit to write (no result,
// no approve series, or a scenario with neither a fit nor bounds).
func (r *Report) complete() error {
	if r == nil || r.Result == nil || r.Result.Approve == nil || len(r.Result.Approve.Series) == 0 {
		return ErrIncomplete
	}
	for _, s := range r.Scenarios {
		if (s.Result == nil) == (s.Bounds == nil) || s.Result != nil && s.Result.Approve == nil ||
			s.Bounds != nil && (len(s.Bounds) == 0 || r.Result.Disapprove == nil) {
			return fmt.Errorf("%w: scenario %q has neither an approve fit nor bounds", ErrIncomplete, s.Name)
		}
	}
	return nil
}

// forensics reads the election and summarises it.
func (r *Report) forensics(ctx context.Context) error {
	c := &r.Config
	e, rejected, err := readElection(c.FS, c.Election.Path)
	if err != nil {
		return err
	}
	r.Election = rejected
	if c.Election.Remote != "" {
		ev, rejected, err := readElection(c.FS, c.Election.Remote)
		if err != nil {
			return err
		}
		r.Election = errors.Join(r.Election, rejected)
		if err := e.AttachRemote(ev); err != nil {
			return fmt.Errorf("%s: %w", c.Election.Remote, err)
		}
	}
	seed, level := c.Election.Seed, c.level()
	if r.Forensics, err = forensics.Summarize(ctx, e, c.Election.Candidate,
		forensics.IntegerTest{Seed: seed, Level: level}, forensics.Shpilkin{Seed: seed, Level: level}); err != nil {
		return fmt.Errorf("%s: %w", c.Election.Path, err)
	}
	r.Fingerprint, err = forensics.NewHistogram2D(e, forensics.HistogramOptions{Leader: r.Forensics.Candidate})
	if err != nil {
		return fmt.Errorf("%s: fingerprint: %w", c.Election.Path, err)
	}
	return nil
}

// readElection reads a polling-station or e-voting file: a .zip archive
// with forensics.ReadZip, anything else with forensics.Read. Rows the
// reader rejected are not an error here (they are reported with the
// election: rejected is the reader's *forensics.RowErrors, or nil); a
// file it cannot use at all is a *FileError.
func readElection(fsys fs.FS, name string) (e *forensics.Election, rejected, err error) {
	data, err := readFile(fsys, name)
	if err != nil {
		return nil, nil, &FileError{Path: name, Err: err}
	}
	src := forensics.WithSource(baseName(fsys, name))
	if strings.HasSuffix(strings.ToLower(name), ".zip") {
		e, err = forensics.ReadZip(bytes.NewReader(data), int64(len(data)), src)
	} else {
		e, err = forensics.Read(bytes.NewReader(data), src)
	}
	var rows *forensics.RowErrors
	switch {
	case e == nil || (err != nil && !errors.As(err, &rows)):
		return nil, nil, &FileError{Path: name, Err: err}
	case err != nil:
		return e, err, nil
	}
	return e, nil, nil
}

// progressor turns the stages of Run and the sampler's per-chain
// reports into Progress values, calling Config.Progress under a mutex.
type progressor struct {
	mu     sync.Mutex
	report func(Progress)
	cur    Progress
	chain  map[int]int // iterations done per chain of the current stage
}

// newProgressor counts the stages c will go through.
func newProgressor(c *Config) *progressor {
	n := 2 // reading, the fit
	if c.Reference != "" {
		n++
	}
	if c.Scenarios.Gap.Direct.Value != 0 {
		n++
	}
	n += len(c.Scenarios.Kappas)
	if c.Election.Path != "" {
		n++
	}
	return &progressor{report: c.Progress, cur: Progress{Stages: n}}
}

func (p *progressor) start(stage string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur.Stage, p.cur.Index, p.cur.Done, p.cur.Total = stage, p.cur.Index+1, 0, 1
	p.chain = map[int]int{}
	p.send()
}

func (p *progressor) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cur.Done = p.cur.Total
	p.send()
}

// iterations returns an aggregate.Bayes.Progress function for a stage
// of runs chain runs (chains × shares): it records that run chain has
// done iter of its total iterations, out of total·runs for the stage.
func (p *progressor) iterations(runs int) func(chain, iter, total int) {
	return func(chain, iter, total int) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.chain[chain] = iter
		p.cur.Total = total * runs
		p.cur.Done = 0
		for _, n := range p.chain {
			p.cur.Done += n
		}
		p.send()
	}
}

func (p *progressor) send() {
	if p.report != nil {
		p.report(p.cur)
	}
}

// shortError returns the first line of err's message.
func shortError(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
