package data

import (
	"embed"
	"fmt"
	"io/fs"
	"slices"

	"github.com/candorpoll/candor/poll"
)

//go:embed *.csv *.zip
var files embed.FS

// FS returns the embedded files: the three poll series (Files) and the
// polling-station protocols of the March 2024 presidential election with
// its remote e-voting (Election2024, Election2024Remote).
func FS() fs.FS { return files }

// The election files of FS: copies of testdata/elections/.
const (
	Election2024       = "2024.csv.zip"
	Election2024Remote = "2024-electronic-voting.csv"
)

// File is one embedded series and how to read it.
type File struct {
	Name     string // file name in this package
	Pollster string // canonical pollster name; the files have no pollster column (Levada) or name it themselves
}

// Files are the embedded series.
var Files = []File{
	{"Levada.csv", "Levada"},
	{"putin-approval-fom.csv", "FOM"},
	{"vciom-presidential-approval-2006.csv", "VTsIOM"},
}

// Series is what reading the embedded series gave.
type Series struct {
	// Polls from every file, sorted by fieldwork end (stable).
	Polls []poll.Poll
	// Rejected holds every row a reader rejected, by file name: the
	// readers return each good row and report each bad one (the VTsIOM
	// file has ten weeks with "NA" for both shares).
	Rejected map[string][]*poll.ParseError
}

// Load reads every embedded series with poll.ReadCSV. Rejected rows are
// not an error: they are returned in Series.Rejected for the caller to
// report.
func Load() (*Series, error) {
	s := &Series{Rejected: map[string][]*poll.ParseError{}}
	for _, f := range Files {
		r, err := files.Open(f.Name)
		if err != nil {
			return nil, err
		}
		ps, err := poll.ReadCSV(r, poll.WithPollster(f.Pollster), poll.WithSource(f.Name))
		r.Close()
		if err != nil {
			pes := poll.ParseErrors(err)
			if len(pes) == 0 {
				return nil, fmt.Errorf("reading %s: %w", f.Name, err)
			}
			s.Rejected[f.Name] = pes
		}
		s.Polls = append(s.Polls, ps...)
	}
	slices.SortStableFunc(s.Polls, func(a, b poll.Poll) int { return a.End.Compare(b.End) })
	return s, nil
}
