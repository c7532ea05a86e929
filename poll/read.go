package poll

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Format names the reader that reads a layout.
type Format string

// Formats, by reader.
const (
	FormatCSV    Format = "csv"    // ReadCSV: the canonical CSV format or a series file
	Format538    Format = "538"    // Read538: FiveThirtyEight's poll list or poll database
	FormatLevada Format = "levada" // ReadLevada: a Levada Center release
	FormatVTsIOM Format = "vtsiom" // ReadVTsIOM: VTsIOM's rating tables
	FormatFOM    Format = "fom"    // ReadFOM: a FOM release
)

// Detected is what Read found in its input and how it decided.
type Detected struct {
	Format    Format   // the reader that read the input; "" when none did
	Layout    string   // e.g. "canonical CSV", "series file", "HTML page", "CSV export"
	Encoding  string   // "UTF-8", "UTF-8 with BOM", "UTF-16 with BOM", "Windows-1251" or the one given
	Pollsters []string // the pollsters of the polls read, sorted
	Rows      int      // polls read
	Rejected  int      // rejections reported (Rejected), those left out of a capped list included
	// Why is the evidence for Format: the header that decided it, with its
	// line, or what each candidate reader made of the input.
	Why string
}

// String returns a one-line summary such as "csv (series file, UTF-8):
// 707 polls of VTsIOM, 10 rejected; line 1: header Date, Approve,
// Disapprove, source".
func (d Detected) String() string {
	if d.Format == "" {
		return "no format: " + d.Why
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s, %s): %d polls", d.Format, d.Layout, d.Encoding, d.Rows)
	switch n := len(d.Pollsters); {
	case n == 0:
	case n <= 5:
		fmt.Fprintf(&b, " of %s", strings.Join(d.Pollsters, ", "))
	default:
		fmt.Fprintf(&b, " of %d pollsters", n)
	}
	fmt.Fprintf(&b, ", %d rejected; %s", d.Rejected, d.Why)
	return b.String()
}

// Read reads polls from r in whatever layout the readers of this package
// know, and reports what it found. It reads r once, decides the format
// from the content and reads the input with that format's reader, passing
// opts on; the polls and the error are that reader's.
//
// The decision, in order:
//
//   - a delimited file whose header (after up to three title rows) has a
//     column only FiveThirtyEight's files have is Read538's;
//   - one with canonical columns, or a date and an approve or disapprove
//     column (a series file), is ReadCSV's, and only ReadCSV's: a series
//     file names its pollster in a column or through WithPollster, and a
//     series file that does neither is reported (ErrMissingColumn), never
//     handed to a release reader that would label it with its own
//     pollster;
//   - anything else (HTML pages, exports of release tables) is tried with
//     ReadLevada, ReadFOM and ReadVTsIOM, first the reader whose answer
//     labels the input mentions most; the one that reads the most polls,
//     then the fewest rejections, wins. Only the best result so far is
//     kept, and a release reader gives up early on a file that is plainly
//     not its layout (see ReadLevada).
//
// Detected says which format was used, why (the deciding header and its
// line, or what each candidate made of the input), the encoding, the
// pollsters of the polls read, and how many polls were read and rejected.
// Input that no reader recognises gives no polls, a Detected with an empty
// Format and an error wrapping ErrUnknownLayout that says what each
// reader made of it.
func Read(r io.Reader, opts ...Option) ([]Poll, Detected, error) {
	cfg := newReadConfig(opts)
	data, _, err := readAllSized(r)
	if err != nil {
		return nil, Detected{}, fmt.Errorf("poll: reading input: %w", err)
	}
	in := func() io.Reader { return &inputBytes{data: data} }
	te := detectEncoding(data, cfg.enc)
	det := Detected{Encoding: te.name}
	head, html := sniffHead(data, &cfg)

	if !html {
		if h, ok := csvHead(head, &cfg); ok {
			switch h.kind {
			case csv538:
				det.Format, det.Layout = Format538, "FiveThirtyEight poll file"
				polls, err := Read538(in(), opts...)
				return polls, det.done(polls, err, h, "FiveThirtyEight columns"), err
			case csvCanonical:
				det.Format, det.Layout = FormatCSV, "canonical CSV"
				polls, err := ReadCSV(in(), opts...)
				return polls, det.done(polls, err, h, "canonical columns"), err
			case csvSeries:
				det.Format, det.Layout = FormatCSV, "series file"
				polls, err := ReadCSV(in(), opts...)
				return polls, det.done(polls, err, h, "a date and approve/disapprove columns"), err
			}
		}
	}

	det.Layout = "HTML page"
	var said []string // what each format made of the input
	if !html {
		det.Layout = "CSV export"
		if commaFor(&cfg)(head) == '\t' {
			det.Layout = "TSV export"
		}
		said = append(said, "csv: header has neither canonical columns (start, end, approve…) nor a date and an approve or disapprove column",
			"538: header has none of FiveThirtyEight's columns (startdate, enddate, modeldate, question_id, politician)")
	}
	var best struct {
		format Format
		polls  []Poll
		err    error
	}
	for _, c := range releaseCandidates(head) {
		polls, err := c.read(in(), opts...)
		msg := fmt.Sprintf("%s read %d polls, %d rejected", c.format, len(polls), Rejected(err))
		if len(polls) == 0 && err != nil {
			msg = fmt.Sprintf("%s: %s", c.format, reason(err))
		}
		said = append(said, msg)
		if len(polls) == 0 {
			continue
		}
		if best.polls == nil || len(polls) > len(best.polls) ||
			len(polls) == len(best.polls) && Rejected(err) < Rejected(best.err) {
			best.format, best.polls, best.err = c.format, polls, err
		}
	}
	if best.polls == nil {
		det.Layout = ""
		det.Why = "no reader recognised the input (" + strings.Join(said, "; ") + ")"
		det.Rejected = 1
		return nil, det, cfg.sourced(&ParseError{Line: 1, Err: fmt.Errorf("%w: no reader recognised the input:\n  %s",
			ErrUnknownLayout, strings.Join(said, "\n  "))})
	}
	det.Format = best.format
	det.Rows, det.Rejected, det.Pollsters = len(best.polls), Rejected(best.err), pollsters(best.polls)
	det.Why = "the release reader that read the most polls (" + strings.Join(said, "; ") + ")"
	return best.polls, det, best.err
}

// done completes a Detected decided by a delimited header.
func (d Detected) done(polls []Poll, err error, h csvHeader, what string) Detected {
	d.Rows, d.Rejected, d.Pollsters = len(polls), Rejected(err), pollsters(polls)
	names := make([]string, 0, len(h.row))
	for _, c := range h.row {
		if t := strings.TrimSpace(c.Text); t != "" {
			names = append(names, t)
		}
	}
	if len(names) > 8 {
		names = append(names[:8], "…")
	}
	d.Why = fmt.Sprintf("line %d: header with %s (%s)", h.row[0].Line, what, strings.Join(names, ", "))
	return d
}

// pollsters returns the distinct pollsters of polls, sorted.
func pollsters(polls []Poll) []string {
	seen := map[string]bool{}
	var out []string
	for i := range polls {
		if p := polls[i].Pollster; !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// sniffSize is how much of the input Read decodes to decide its format.
const sniffSize = 64 << 10

// sniffHead decodes the first sniffSize bytes of data (cut at a line
// break) as the readers would, and reports whether the input is HTML.
// Undecodable lines are marked, not reported: the reader reports them.
func sniffHead(data []byte, cfg *readConfig) ([]byte, bool) {
	prefix := data
	if len(prefix) > sniffSize {
		prefix = prefix[:sniffSize]
		if i := bytes.LastIndexByte(prefix, '\n'); i > 0 {
			prefix = prefix[:i+1]
		}
	}
	head, err := decodeTextLines(&inputBytes{data: prefix}, cfg.enc, markBadLines, nil, &errorList{})
	if err != nil {
		head = prefix
	}
	return head, looksLikeHTML(head)
}

// csvHead reads the header of a delimited text as ReadCSV would.
func csvHead(head []byte, cfg *readConfig) (csvHeader, bool) {
	d := newDelimited(head, commaFor(cfg)(head))
	for {
		first, err := d.next()
		switch {
		case err == io.EOF:
			return csvHeader{}, false
		case err != nil:
			continue // a malformed record: the reader reports it
		}
		return findCSVHeader(d, first), true
	}
}

// releaseCandidate is a release reader Read may try.
type releaseCandidate struct {
	format Format
	read   func(io.Reader, ...Option) ([]Poll, error)
	words  []string // answer labels and names that point to it
}

var releaseReaders = []releaseCandidate{
	{FormatLevada, ReadLevada, []string{"одобряю", "approve", "левада", "levada", "метод опроса", "в правильном направлении"}},
	{FormatFOM, ReadFOM, []string{"хорошо", "плохо", "фом", "fom.ru", "highcharts"}},
	{FormatVTsIOM, ReadVTsIOM, []string{"одобрение", "неодобрение", "вциом", "wciom"}},
}

// releaseCandidates orders the release readers by how often the words
// pointing to each occur in head (a stable sort: Levada, FOM, VTsIOM on
// ties).
func releaseCandidates(head []byte) []releaseCandidate {
	low := strings.ToLower(string(head))
	score := func(c releaseCandidate) int {
		n := 0
		for _, w := range c.words {
			n += strings.Count(low, w)
		}
		return n
	}
	out := slices.Clone(releaseReaders)
	slices.SortStableFunc(out, func(a, b releaseCandidate) int { return score(b) - score(a) })
	return out
}

// reason returns what a reader's error says first, without the source
// and the sentinel of an unknown layout: "no FOM table … found".
func reason(err error) string {
	pes := ParseErrors(err)
	if len(pes) == 0 {
		return err.Error()
	}
	s := pes[0].Err.Error()
	if after, ok := strings.CutPrefix(s, ErrUnknownLayout.Error()+": "); ok {
		s = after
	}
	if pes[0].Line > 1 || pes[0].Column > 0 {
		pe := *pes[0]
		pe.Source = ""
		s = pe.Error()
	}
	return s
}

// inputBytes is an io.Reader over input already read, which readAllSized
// hands over without copying, so that Read can try several readers on one
// input. Readers never write into the bytes they read.
type inputBytes struct {
	data []byte
	off  int
}

func (b *inputBytes) Read(p []byte) (int, error) {
	if b.off >= len(b.data) {
		return 0, io.EOF
	}
	n := copy(p, b.data[b.off:])
	b.off += n
	return n, nil
}
