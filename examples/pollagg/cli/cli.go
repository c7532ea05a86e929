// Package cli is the pollagg command: "pollagg report FILE..." (the
// report on any set of files, package aggregate/report) and "pollagg
// FILE" (one file to a series, house effects and a chart). Command
// pollagg runs Run under a supervisor that keeps a crash from looking
// like a partial success (see package main); the tests run Run
// in-process.
package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/candorpoll/candor/aggregate/report"
)

// Exit statuses of Run.
const (
	ExitOK      = 0 // done
	ExitFailure = 1 // failed, or interrupted: nothing was written
	ExitPartial = 2 // -keep-going: done, but some input was rejected (reported on standard error)
)

// Run runs pollagg with args (without the program name) and returns its
// exit status. ctx cancels the work (Ctrl-C): Run then returns
// ExitFailure having written nothing.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "report" {
		return runReport(ctx, args[1:], stdout, stderr)
	}
	return runFile(ctx, args, stdin, stdout, stderr)
}

// newFlagSet returns an empty flag set that reports errors on stderr and
// prints usage, then the flags, for -h.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	return fs
}

// OutputDirs returns the folders args would write into (the folders of
// every output flag that names a file, and -o of the report), for a
// supervisor that removes what a crashed run left there
// (report.RemoveTemps). Arguments that do not parse give no folders.
func OutputDirs(args []string) []string {
	var paths []string
	if len(args) > 0 && args[0] == "report" {
		var c reportFlags
		fs := c.flagSet(io.Discard)
		if fs.Parse(args[1:]) != nil {
			return nil
		}
		if c.dir != "" {
			paths = append(paths, filepath.Join(c.dir, "x"))
		}
		paths = append(paths, c.outputs()...)
	} else {
		var c fileFlags
		fs := c.flagSet(io.Discard)
		if fs.Parse(args) != nil {
			return nil
		}
		paths = append(paths, c.out, c.houses, c.chartPath, c.pollsOut)
	}
	var dirs []string
	seen := map[string]bool{}
	for _, p := range paths {
		if p == "" || p == "-" {
			continue
		}
		d := filepath.Dir(p)
		if !seen[d] {
			seen[d] = true
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// target is one output: a file written atomically, or standard output
// for "-".
type target struct {
	flag, path string
	write      func(io.Writer) error
}

// commit writes the outputs all or none. The files of targets are
// staged (report.Stage: each complete in a temporary file beside its
// target) after staged, which the caller staged already; the target
// "-" is rendered in memory and then written to stdout; only when all
// of that has worked are the files renamed into place. On an error
// every staged file is removed, so no output file appears or changes
// (what reached stdout cannot be taken back). It returns the paths
// written.
func commit(targets []target, staged []*report.Staged, stdout io.Writer) ([]string, error) {
	discard := func() {
		for _, s := range staged {
			s.Discard()
		}
	}
	var files []report.FileOutput
	var toStdout *target
	for i, t := range targets {
		switch t.path {
		case "":
		case "-":
			toStdout = &targets[i]
		default:
			files = append(files, report.FileOutput{Path: t.path, Write: t.write})
		}
	}
	var buf bytes.Buffer
	if toStdout != nil {
		if err := toStdout.write(&buf); err != nil {
			discard()
			return nil, fmt.Errorf("%s: %w", toStdout.flag, err)
		}
	}
	s, err := report.Stage(files)
	if err != nil {
		discard()
		return nil, err
	}
	staged = append(staged, s)
	if toStdout != nil {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			discard()
			return nil, fmt.Errorf("%s: standard output: %w", toStdout.flag, err)
		}
	}
	var paths []string
	for i, s := range staged {
		p, err := s.Commit()
		if err != nil {
			for _, rest := range staged[i+1:] {
				rest.Discard()
			}
			return nil, err
		}
		paths = append(paths, p...)
	}
	return paths, nil
}

// oneStdout checks that at most one output goes to standard output.
func oneStdout(targets []target) error {
	var to []string
	for _, t := range targets {
		if t.path == "-" {
			to = append(to, t.flag)
		}
	}
	if len(to) > 1 {
		return fmt.Errorf("%s all write to standard output (\"-\"); give all but one a file name", strings.Join(to, ", "))
	}
	return nil
}

// checkOutputs reports, before any work, an output file that could not
// be written (report.CheckOutput).
func checkOutputs(targets []target) error {
	for _, t := range targets {
		if t.path != "" && t.path != "-" {
			if err := report.CheckOutput(t.path); err != nil {
				return fmt.Errorf("%s %w", t.flag, err)
			}
		}
	}
	return nil
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// parse parses args into fs; when it returns ok false, the command ends
// with status (ExitOK after -h, ExitFailure after a bad flag, which fs
// has reported).
func parse(fs *flag.FlagSet, args []string) (status int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitFailure, false
	}
	return 0, true
}

// finish returns a command's exit status: status, or ExitFailure when
// err is not nil, which it prints, as prog's, on stderr ("interrupted;
// nothing written" when ctx was cancelled).
func finish(ctx context.Context, prog string, status int, err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return status
	case interrupted(ctx, err):
		fmt.Fprintln(stderr, prog+": interrupted; nothing written")
	default:
		fmt.Fprintln(stderr, prog+":", err)
	}
	return ExitFailure
}

// interrupted says whether err is the cancellation of ctx.
func interrupted(ctx context.Context, err error) bool {
	return ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded))
}
