package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/candorpoll/candor/aggregate/report"
)

// name is the stem of the files the example writes.
const name = "russia-approval"

const usage = `russia runs candor's main analysis on its embedded data: Putin's approval
from the Levada Center, FOM and VTsIOM, the fear-of-response scenarios, and
the March 2024 official result beside the count's own polling stations.

Usage:
  russia [-o DIR]

It prints the full report and writes, into DIR (default: the current
directory, created if missing), russia-approval.txt, .html (one page with
the tables and charts), -series.csv/.json, -houses.csv, -scenarios.csv,
-polls.csv, .png/.svg (trend, scenarios, house effects) and
-fingerprint.png/.svg (the election's turnout × share histogram). All are
written or none.

The same analysis on files: pollagg report (see pollagg report -h).

Flags:
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command: exit status 0 on success, 1 on any failure (nothing
// written).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("russia", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	dir := fs.String("o", ".", "write the outputs into `DIR`")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 1
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "russia: unexpected arguments %q (the data are embedded; see -h)\n", fs.Args())
		return 1
	}
	if err := analyse(ctx, *dir, stdout); err != nil {
		fmt.Fprintln(stderr, "russia:", err)
		return 1
	}
	return 0
}

// analyse runs the report, prints it and writes its files into dir.
func analyse(ctx context.Context, dir string, w io.Writer) error {
	if err := report.CheckDir(dir); err != nil {
		return err // before the run, not after it
	}
	r, err := report.Run(ctx, config())
	if err != nil {
		return err
	}
	paths, err := r.WriteDir(dir, report.DirOptions{Name: name})
	if err != nil {
		return err
	}
	if err := r.WriteText(w); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "\nWritten (report, page, series, house effects, scenarios, polls, charts):\n")
	for _, p := range paths {
		if err == nil {
			_, err = fmt.Fprintf(w, "  %s\n", p)
		}
	}
	return err
}
