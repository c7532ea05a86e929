package report

import (
	"cmp"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/candorpoll/candor/poll"
)

// Input is what one poll file gave.
type Input struct {
	Path string // as given in Config.Files
	Name string // its base name: the polls' Source and the prefix of every error
	// Detected is what poll.Read found (format, layout, encoding,
	// pollsters, the deciding header); with Config.Format it names that
	// reader.
	Detected poll.Detected
	// Polls counts the polls read; First and Last are the earliest and
	// latest fieldwork end among them.
	Polls       int
	First, Last time.Time
	// Rejected lists the rows the reader rejected, each with its line,
	// column and reason; a list the reader capped ends with one
	// *poll.ParseError counting the rest. RejectedCount counts them all.
	Rejected      []*poll.ParseError
	RejectedCount int
	// Err is a *FileError when the file gave no polls (it could not be
	// read, no reader recognised it, or every row was rejected).
	Err error
}

// Excluded is one exclusion rule and the polls it left out, in date
// order.
type Excluded struct {
	Exclusion Exclusion
	Polls     []poll.Poll
}

// readers are the package poll readers Config.Format can name.
var readers = map[poll.Format]func(io.Reader, ...poll.Option) ([]poll.Poll, error){
	poll.FormatCSV: poll.ReadCSV, poll.Format538: poll.Read538, poll.FormatLevada: poll.ReadLevada,
	poll.FormatVTsIOM: poll.ReadVTsIOM, poll.FormatFOM: poll.ReadFOM,
}

// readFile returns the bytes of name from fsys, or from the operating
// system's files when fsys is nil.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	if fsys == nil {
		return os.ReadFile(name)
	}
	return fs.ReadFile(fsys, name)
}

// openFile opens name in fsys, or in the operating system's files when
// fsys is nil.
func openFile(fsys fs.FS, name string) (io.ReadCloser, error) {
	if fsys == nil {
		return os.Open(name)
	}
	return fsys.Open(name)
}

// baseName is the last element of a path in fsys (slash-separated) or of
// an operating-system path.
func baseName(fsys fs.FS, name string) string {
	if fsys == nil {
		return filepath.Base(name)
	}
	return path.Base(name)
}

// readPolls reads every file of c and returns the polls, sorted by
// fieldwork end (stable: file order, then row order, on equal days), and
// what each file gave.
func readPolls(c *Config) ([]poll.Poll, []Input) {
	var all []poll.Poll
	inputs := make([]Input, len(c.Files))
	for i, f := range c.Files {
		file, err := openFile(c.FS, f.Path)
		if err != nil {
			inputs[i] = Input{Path: f.Path, Name: baseName(c.FS, f.Path), Err: &FileError{Path: f.Path, Err: err}}
			continue
		}
		polls, in := Read(file, baseName(c.FS, f.Path), c.Format, cmp.Or(f.Pollster, c.Pollster))
		file.Close()
		in.Path = f.Path
		if fe, ok := in.Err.(*FileError); ok {
			fe.Path = f.Path
		}
		inputs[i] = in
		all = append(all, polls...)
	}
	slices.SortStableFunc(all, func(a, b poll.Poll) int { return a.End.Compare(b.End) })
	return all, inputs
}

// Read reads one poll file as Run does: with poll.Read, which detects
// the layout, or with the reader format names ("" detects); name is the
// polls' Source and the prefix of every error, pollster the pollster of a
// file that names none. r is read once, by the reader itself (no copy is
// held here: a large file costs what its reader costs). The Input says
// what the file gave; Input.Err is a *FileError (with Path name) when it
// gave no polls, including when r cannot be read.
func Read(r io.Reader, name string, format poll.Format, pollster string) ([]poll.Poll, Input) {
	in := Input{Path: name, Name: name}
	opts := []poll.Option{poll.WithSource(name)}
	if pollster != "" {
		opts = append(opts, poll.WithPollster(pollster))
	}
	var polls []poll.Poll
	var err error
	if read, ok := readers[format]; ok {
		polls, err = read(r, opts...)
		in.Detected = poll.Detected{Format: format, Layout: "as named", Rows: len(polls), Rejected: poll.Rejected(err),
			Pollsters: pollsters(polls), Why: "the format was named, not detected"}
	} else {
		polls, in.Detected, err = poll.Read(r, opts...)
	}
	if len(polls) == 0 {
		if err == nil {
			err = fmt.Errorf("%w: no polls", poll.ErrEmpty)
		}
		in.Err = &FileError{Path: name, Err: err}
		return nil, in
	}
	in.Polls = len(polls)
	in.First, in.Last = polls[0].End, polls[0].End
	for _, p := range polls {
		in.First, in.Last = minTime(in.First, p.End), maxTime(in.Last, p.End)
	}
	in.Rejected, in.RejectedCount = poll.ParseErrors(err), poll.Rejected(err)
	return polls, in
}

// exclude applies the exclusion rules: it returns the polls no rule
// matches and, per rule, the polls it matched (a poll matched by several
// rules is counted under the first).
func exclude(polls []poll.Poll, rules []Exclusion) ([]poll.Poll, []Excluded) {
	if len(rules) == 0 {
		return polls, nil
	}
	out := make([]Excluded, len(rules))
	for i, r := range rules {
		out[i].Exclusion = r
	}
	kept := make([]poll.Poll, 0, len(polls))
next:
	for _, p := range polls {
		for i, r := range rules {
			if r.matches(&p) {
				out[i].Polls = append(out[i].Polls, p)
				continue next
			}
		}
		kept = append(kept, p)
	}
	return kept, out
}

// pollsters returns the distinct pollsters of polls, sorted.
func pollsters(polls []poll.Poll) []string {
	var out []string
	for _, p := range polls {
		if !slices.Contains(out, p.Pollster) {
			out = append(out, p.Pollster)
		}
	}
	slices.Sort(out)
	return out
}

// lineRanges lists the file lines of polls compactly, by source:
// "vciom.csv lines 120–311, 313" (consecutive lines joined).
func lineRanges(polls []poll.Poll) string {
	bySource := map[string][]int{}
	var sources []string
	for _, p := range polls {
		if _, ok := bySource[p.Source]; !ok {
			sources = append(sources, p.Source)
		}
		bySource[p.Source] = append(bySource[p.Source], p.Line)
	}
	var parts []string
	for _, s := range sources {
		lines := bySource[s]
		slices.Sort(lines)
		var spans []string
		for i := 0; i < len(lines); {
			j := i
			for j+1 < len(lines) && lines[j+1] <= lines[j]+1 {
				j++
			}
			if j > i {
				spans = append(spans, fmt.Sprintf("%d–%d", lines[i], lines[j]))
			} else {
				spans = append(spans, fmt.Sprint(lines[i]))
			}
			i = j + 1
		}
		name := s
		if name == "" {
			name = "(no file)"
		}
		parts = append(parts, name+" lines "+strings.Join(spans, ", "))
	}
	return strings.Join(parts, "; ")
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
