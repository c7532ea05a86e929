// Command pollagg is candor for people who do not write Go: it reads a
// poll release file, fits a model and writes the daily series, the
// house-effect table and a chart.
//
// Usage:
//
//	pollagg [flags] FILE        (FILE "-" reads standard input)
//
// Run "pollagg -h" for every flag. Typical uses:
//
//	pollagg levada.html > series.csv
//	pollagg -model average -chart trend.png -houses houses.csv approval_polllist.csv
//	pollagg -pollster FOM -json -o series.json putin-approval-fom.csv
//	pollagg -gap 0.71:0.61 -gap-se 0.0083:0.03 -from 2022-02-24 levada.csv
//	pollagg -polls canonical.csv -model none export.tsv
//
// Exit status: 0 on success; 1 when the input could not be used (nothing
// is written) — including any rejected row unless -keep-going is set; 2
// when -keep-going processed the good rows of an input with rejected
// rows (every rejected row is reported on standard error with its line
// and column).
package main
