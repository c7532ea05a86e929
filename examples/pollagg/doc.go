// Command pollagg is candor for people who do not write Go.
//
//	pollagg report [flags] FILE...   the report on any set of poll files
//	pollagg [flags] FILE             one file to a series, house effects and a chart
//
// "pollagg report" runs the analysis of examples/russia (package
// aggregate/report) on the analyst's own files: several files in any
// supported format, each detected and named; exclusions by pollster and
// date range; a reference pollster, mode and population splits, the
// model; fear-of-response scenarios (a falsification gap, nonresponse
// ratios κ, Manski bounds); an official result and the election's
// polling-station protocols to compare. It prints a summary of at most 25
// lines (-v: the full report) and writes the report, the series, the
// house effects, the PNG/SVG charts and a self-contained HTML page into a
// folder (-o DIR), or each to a file or standard output. For example, the
// analysis of go run ./examples/russia on the repository's copies of its
// files:
//
//	pollagg report -o report -pollster Levada -reference Levada -split-modes \
//	  -exclude 'VTsIOM:2008-05-07..2012-05-06' -keep-going \
//	  testdata/russia/Levada.csv testdata/russia/putin-approval-fom.csv \
//	  testdata/russia/vciom-presidential-approval-2006.csv
//
// Run "pollagg report -h" and "pollagg -h" for every flag. Typical uses of
// the one-file form:
//
//	pollagg levada.html > series.csv
//	pollagg -model average -chart trend.png -houses houses.csv approval_polllist.csv
//	pollagg -pollster FOM -json -o series.json putin-approval-fom.csv
//	pollagg -gap 0.71:0.61 -gap-se 0.0083:0.03 -from 2022-02-24 levada.csv
//	pollagg -polls canonical.csv -model none export.tsv
//
// Outputs are written whole or not at all: each goes to a temporary file
// beside its target and is renamed into place once every output is
// complete; "-" is standard output for every output flag. Ctrl-C stops a
// run cleanly, writing nothing.
//
// Exit status: 0 on success; 1 when the input could not be used, an
// output could not be written, or the run was interrupted (no file is
// written) — including any rejected row unless -keep-going is set; 2
// when -keep-going used the good rows and files of an input with
// rejected ones (every rejected row is reported on standard error with
// its line and column); 3 when pollagg crashed.
//
// A Go program that panics or hits a fatal runtime error (out of memory)
// exits with status 2, which would read as "done, some rows rejected".
// So pollagg does its work in a child process (itself, marked by an
// environment variable) and maps the child's exit: the child reports a
// partial success with a status of its own, and any status it did not
// choose, or death by a signal it was not sent by Ctrl-C, becomes 3,
// after the temporary files the child left in the output folders are
// removed.
package main
