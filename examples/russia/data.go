package main

import (
	"embed"
	"fmt"
	"slices"

	"github.com/candorpoll/candor/poll"
)

// The series files are embedded so that the example runs from any working
// directory without network access. They are unmodified copies of
// testdata/russia/ (see data/SOURCES.md); go:embed cannot reach outside
// this directory.
//
//go:embed data/*.csv
var dataFS embed.FS

// seriesFile is one embedded series and how to read it.
type seriesFile struct {
	name     string // file in data/
	pollster string // for files without a pollster column
}

var seriesFiles = []seriesFile{
	{"Levada.csv", "Levada"},
	{"putin-approval-fom.csv", "FOM"},
	{"vciom-presidential-approval-2006.csv", "VTsIOM"},
}

// loaded is what reading the embedded series gave: the polls, sorted by
// fieldwork end, and every row a reader rejected, by file.
type loaded struct {
	polls    []poll.Poll
	rejected map[string][]*poll.ParseError
}

// load reads the embedded series with poll.ReadCSV. Rejected rows are not
// fatal: the readers return every good row and report each bad one, and
// the report lists them.
func load() (*loaded, error) {
	l := &loaded{rejected: map[string][]*poll.ParseError{}}
	for _, f := range seriesFiles {
		r, err := dataFS.Open("data/" + f.name)
		if err != nil {
			return nil, err
		}
		ps, err := poll.ReadCSV(r, poll.WithPollster(f.pollster), poll.WithSource(f.name))
		r.Close()
		if err != nil {
			pes := poll.ParseErrors(err)
			if len(pes) == 0 {
				return nil, fmt.Errorf("reading %s: %w", f.name, err)
			}
			l.rejected[f.name] = pes
		}
		l.polls = append(l.polls, ps...)
	}
	slices.SortStableFunc(l.polls, func(a, b poll.Poll) int { return a.End.Compare(b.End) })
	return l, nil
}
