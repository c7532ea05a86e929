package poll

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Canonical CSV columns, in the order WriteCSV writes them. See the package
// documentation for what each holds.
const (
	colPollster = iota
	colQuestion
	colSubject
	colSubgroup
	colStart
	colEnd
	colPublished
	colSampleSize
	colPopulation
	colMode
	colApprove
	colDisapprove
	colUndecided
	colRefused
	colDefinitelyYes
	colRatherYes
	colRatherNo
	colDefinitelyNo
	colResponseRate
	colDesignEffect
	colWeight
	colGrade
	colAdjustedApprove
	colAdjustedDisapprove
	colFlags
	colID
	colLabels
	colSource
	colLine
	colAdjustments
	numCanonical
)

// canonicalColumns is the header of the canonical CSV format in the order
// WriteCSV writes it.
var canonicalColumns = [numCanonical]string{
	"pollster", "question", "subject", "subgroup", "start", "end", "published",
	"sample_size", "population", "mode",
	"approve", "disapprove", "undecided", "refused",
	"definitely_yes", "rather_yes", "rather_no", "definitely_no",
	"response_rate", "design_effect", "weight", "grade",
	"adjusted_approve", "adjusted_disapprove",
	"flags", "id", "labels", "source", "line", "adjustments",
}

// canonicalKeys maps the header key (see headerKey) of each canonical column
// to its index.
var canonicalKeys = func() map[string]int {
	m := make(map[string]int, numCanonical)
	for i, c := range canonicalColumns {
		m[headerKey(c)] = i
	}
	// What people call the fieldwork ends in a hand-made file.
	m["start date"], m["end date"] = colStart, colEnd
	return m
}()

// fteColumns are header names only FiveThirtyEight's files use (both
// layouts have at least one), which tell a 538 file handed to ReadCSV
// from a canonical file with "Start Date" and "End Date" columns.
var fteColumns = map[string]bool{"startdate": true, "enddate": true, "modeldate": true, "question id": true, "politician": true}

// CanonicalColumns returns the header of the canonical CSV format, in the
// order WriteCSV writes it (a new slice on each call).
func CanonicalColumns() []string { return append([]string(nil), canonicalColumns[:]...) }

// headerKey folds a header cell for matching: normalizeLabel, then '.', '_'
// and '-' as spaces, so that "No.Answer", "No_answer" and "no answer" match,
// as do "sample_size" and "Sample Size".
func headerKey(s string) string {
	s = normalizeLabel(s)
	if strings.ContainsAny(s, "._-") {
		s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == ' ' }), " ")
	}
	return s
}

// ReadCSV reads polls in the canonical CSV format written by WriteCSV, or a
// simple series file (Date, Approve, Disapprove, an optional "don't know"
// column, an optional pollster column), whichever the header shows.
//
// The header is matched case-insensitively, in any column order, ignoring
// '.', '_' and '-' ("No.Answer" = "no answer"); unknown columns are
// ignored. A missing required column (pollster — unless WithPollster is
// given —, start, end, approve, disapprove; for series files date, approve,
// disapprove) is a *ParseError on line 1 wrapping ErrMissingColumn and
// naming the column. A header that fits neither layout is ErrUnknownLayout.
//
// Every row that parses and passes Poll.Validate is returned; every other
// row gives one *ParseError (its first problem, with the line and 1-based
// field number) and the returned error joins them, in line order. See the
// package documentation for the conventions of series files (month
// placeholders, weekly end dates, derived "don't know").
//
// A canonical file of a megabyte or more is read in parts on GOMAXPROCS
// goroutines, with the polls and errors of a serial read. When r can also
// be read at offsets (io.ReaderAt and io.Seeker: an *os.File, a
// *bytes.Reader) and the file is plain UTF-8, it is read a part at a time
// instead of whole, so that the memory a read needs is that of the polls
// (328 bytes each) and a few parts; r is then left at its end.
func ReadCSV(r io.Reader, opts ...Option) ([]Poll, error) {
	cfg := newReadConfig(opts)
	if polls, err, ok := readCanonicalAt(r, &cfg); ok {
		return polls, err
	}
	el := &errorList{source: cfg.source}
	d, first, err := openDelimited(r, &cfg, el)
	if err != nil {
		return nil, err
	}
	firstLine := first[0].Line // first is reused by d
	h := findCSVHeader(d, first)
	width := len(h.row)
	switch h.kind {
	case csv538:
		return nil, cfg.sourced(&ParseError{Line: h.row[0].Line, Err: fmt.Errorf("%w: a FiveThirtyEight poll file: read it with Read538", ErrUnknownLayout)})
	case csvCanonical:
		polls := readCanonical(d, &h.canon, h.row[0].Line, width, &cfg, el)
		return polls, el.err()
	case csvSeries:
		polls := readSeries(d, &h.ser, h.row[0].Line, width, &cfg, h.direction, el)
		return polls, el.err()
	}
	return nil, cfg.sourced(&ParseError{Line: firstLine, Err: fmt.Errorf("%w: header has neither canonical columns (start, end, approve…) nor a date and an approve or disapprove column", ErrUnknownLayout)})
}

// csvKind is the layout a header row shows (findCSVHeader).
type csvKind uint8

const (
	csvUnknown   csvKind = iota
	csvCanonical         // canonical columns: start, end, or three others and no date
	csvSeries            // a date and an approve or disapprove column
	csv538               // a column only FiveThirtyEight's files have
)

// csvHeader is the header of a delimited file as ReadCSV reads it.
type csvHeader struct {
	row       []cell
	kind      csvKind
	canon     [numCanonical]int // column of each canonical field, -1 when absent
	ser       [numSeries]int    // column of each series field, -1 when absent
	direction bool              // Levada's "right direction" question
}

// findCSVHeader finds the header of a delimited file from its first
// record: a title row above the header (an export's «Рейтинг одобрения
// В. Путина») holds at most one cell, and up to maxTitleRows of them are
// skipped until a row reads as a header. It reads the records it skips
// from d; row is a copy.
func findCSVHeader(d *delimited, first []cell) csvHeader {
	h := csvHeader{row: slices.Clone(first)}
	for skipped := 0; ; skipped++ {
		var nCanon int
		var fte bool
		nCanon, h.direction, fte = scanHeader(h.row, &h.canon, &h.ser)
		switch {
		case fte:
			h.kind = csv538
		case h.canon[colStart] >= 0 || h.canon[colEnd] >= 0 || (nCanon >= 3 && h.ser[serDate] < 0):
			h.kind = csvCanonical
		case h.ser[serDate] >= 0 && (h.ser[serApprove] >= 0 || h.ser[serDisapprove] >= 0):
			h.kind = csvSeries
		}
		if h.kind != csvUnknown || h.ser[serDate] >= 0 || nCanon >= 3 || skipped == maxTitleRows || !isTitleRow(h.row) {
			return h
		}
		next, err := d.next()
		if err != nil {
			return h // no header below the title: an unknown layout
		}
		h.row = slices.Clone(next)
	}
}

// maxTitleRows is how many one-cell rows ReadCSV skips looking for its
// header: a title and a subtitle or note are common in exports; more is
// not a header problem but another file.
const maxTitleRows = 3

// isTitleRow reports whether a first record is a title above the header
// rather than a header: at most one non-empty cell.
func isTitleRow(row []cell) bool { return nonEmptyCells(row) <= 1 }

// scanHeader maps the columns of a header row to the canonical fields and
// to the series fields (see seriesColumn), and reports how many canonical
// columns it found, whether the series is Levada's "right direction"
// question, and whether the header is a FiveThirtyEight one.
func scanHeader(hdr []cell, canon *[numCanonical]int, ser *[numSeries]int) (nCanon int, direction, fte bool) {
	for i := range canon {
		canon[i] = -1
	}
	for i := range ser {
		ser[i] = -1
	}
	for i, c := range hdr {
		k := headerKey(c.Text)
		fte = fte || fteColumns[k]
		if j, ok := canonicalKeys[k]; ok && canon[j] < 0 {
			canon[j] = i
			nCanon++
		}
		if j, ok := seriesColumn(c.Text); ok && ser[j] < 0 {
			ser[j] = i
			direction = direction || k == "in the right direction"
		}
	}
	return nCanon, direction, fte
}

// sourced sets the configured source name on every ParseError in err.
func (c *readConfig) sourced(err error) error {
	if err != nil && c.source != "" {
		for _, pe := range ParseErrors(err) {
			if pe.Source == "" {
				pe.Source = c.source
			}
		}
	}
	return err
}

// missingColumn is the fatal error for an absent required column, at the
// header's line.
func missingColumn(line int, name string) error {
	return &ParseError{Line: line, Value: name, Err: fmt.Errorf("%w: %q", ErrMissingColumn, name)}
}

// rowWidthError checks a row against the header width: a short row is
// truncated (ErrFieldCount at the first absent field); extra cells are
// allowed only when empty (a trailing separator).
func rowWidthError(row []cell, width int) *ParseError {
	if len(row) < width {
		return &ParseError{Line: row[0].Line, Column: len(row) + 1, Err: fmt.Errorf("%w: %d of %d fields (truncated row)", ErrFieldCount, len(row), width)}
	}
	for _, c := range row[width:] {
		if strings.TrimSpace(c.Text) != "" {
			return &ParseError{Line: c.Line, Column: c.Col, Value: c.Text, Err: fmt.Errorf("%w: %d fields, header has %d", ErrFieldCount, len(row), width)}
		}
	}
	return nil
}

// interner shares one copy of strings that repeat across rows (pollster,
// question, source…), so that polls do not pin whole CSV records. A few
// recent values per column answer the common case, a value seen a row or
// two above, without hashing.
type interner struct {
	m      map[string]string
	recent []recent[string] // by column
}

func newInterner(columns int) interner {
	return interner{m: map[string]string{}, recent: make([]recent[string], columns)}
}

// get returns the shared copy of s, the text of column f.
func (in interner) get(f int, s string) string {
	if v, ok := in.recent[f].get(s); ok {
		return v
	}
	v, ok := in.m[s]
	if !ok {
		v = strings.Clone(s)
		in.m[v] = v
	}
	in.recent[f].put(s, v)
	return v
}

// recent remembers the last few distinct texts of a column and what they
// mapped to: a few string comparisons are cheaper than hashing, and columns
// of poll files cycle through few values.
type recent[V any] struct {
	raw  [8]string // views of the input; valid while it is read
	val  [8]V
	n, i int
}

func (r *recent[V]) get(s string) (V, bool) {
	for k := 0; k < r.n; k++ {
		if r.raw[k] == s {
			return r.val[k], true
		}
	}
	var zero V
	return zero, false
}

func (r *recent[V]) put(s string, v V) {
	r.raw[r.i], r.val[r.i] = s, v
	r.i = (r.i + 1) % len(r.raw)
	r.n = max(r.n, r.i)
	if r.i == 0 {
		r.n = len(r.raw)
	}
}

// pollsterCache memoises the canonical name and the profile lookup per
// distinct pollster cell, which would otherwise normalise the name on every
// row.
type pollsterCache struct {
	profiles *Profiles
	seen     map[string]pollsterInfo
	recent   *recent[pollsterInfo]
}

func newPollsterCache(ps *Profiles) pollsterCache {
	return pollsterCache{profiles: ps, seen: map[string]pollsterInfo{}, recent: &recent[pollsterInfo]{}}
}

type pollsterInfo struct {
	name    string
	profile *Profile // in the reader's set, read only
}

func (pc pollsterCache) get(raw string) pollsterInfo {
	if v, ok := pc.recent.get(raw); ok {
		return v
	}
	if v, ok := pc.seen[raw]; ok {
		pc.recent.put(raw, v)
		return v
	}
	var v pollsterInfo
	if p := pc.profiles.profile(raw); p != nil {
		v = pollsterInfo{name: p.Name, profile: p}
	} else {
		v = pollsterInfo{name: strings.Clone(strings.TrimSpace(raw))}
	}
	pc.seen[strings.Clone(raw)] = v
	pc.recent.put(raw, v)
	return v
}

// modeFor returns the mode the configuration or the pollster's profile
// gives for a poll ending at end.
func (c *readConfig) modeFor(pi pollsterInfo, end time.Time) Mode {
	if c.mode != ModeUnknown {
		return c.mode
	}
	if pi.profile != nil {
		return pi.profile.ModeAt(end)
	}
	return ModeUnknown
}

// validationError converts the first problem Validate found into a
// ParseError at the column of the field concerned (column 0 when the field
// has no column).
func validationError(err error, line int, row []cell, colOf func(field string) int) *ParseError {
	var fe *FieldError
	if !errors.As(err, &fe) {
		return &ParseError{Line: line, Err: err}
	}
	pe := &ParseError{Line: line, Err: fe.Err}
	if i := colOf(fe.Field); i >= 0 && i < len(row) {
		pe.Column, pe.Value = row[i].Col, row[i].Text
	}
	return pe
}

func canonicalColumnOf(field string) int {
	switch field {
	case "Approve":
		return colApprove
	case "Disapprove":
		return colDisapprove
	case "Undecided":
		return colUndecided
	case "Refused":
		return colRefused
	case "Detail":
		return colDefinitelyYes
	case "SampleSize":
		return colSampleSize
	case "Start":
		return colStart
	case "End":
		return colEnd
	case "Published":
		return colPublished
	case "ResponseRate":
		return colResponseRate
	case "DesignEffect":
		return colDesignEffect
	case "Weight":
		return colWeight
	}
	return -1
}

// readCanonical reads the rows of a canonical file after its header,
// pushing its errors to el. A large file is read in parts on several
// goroutines (see readCanonicalParts), with the result of a serial read.
func readCanonical(d *delimited, idx *[numCanonical]int, hdrLine, width int, cfg *readConfig, el *errorList) []Poll {
	if missingCanonical(idx, hdrLine, cfg, el) {
		return nil
	}
	// The result has a slot for every line, so that it is never grown (a
	// copy of hundreds of megabytes) and each part can fill the slots of
	// its own lines.
	if workers, parts := cfg.parallelism(len(d.text) - d.off); workers > 1 && parts > 1 {
		if ps, lines := d.split(parts); len(ps) > 1 {
			open := func(_, k int) (*delimited, error) { return ps[k], nil }
			polls, stop, _ := readCanonicalParts(open, lines, prefaulted(d.line+sum(lines), workers), workers, idx, width, cfg, el)
			if stop == nil {
				return polls
			}
			d.resume(stop)
			return newCanonReader(idx, cfg).rows(d, width, polls, el)
		}
	}
	return newCanonReader(idx, cfg).rows(d, width, make([]Poll, 0, countLines(d.data)), el)
}

// missingCanonical pushes to el an error for each required column the
// header at line hdrLine lacks, and reports whether it lacks any.
func missingCanonical(idx *[numCanonical]int, hdrLine int, cfg *readConfig, el *errorList) bool {
	missing := false
	if idx[colPollster] < 0 && cfg.pollster == "" {
		el.push(missingColumn(hdrLine, "pollster"))
		missing = true
	}
	for _, c := range []int{colStart, colEnd, colApprove, colDisapprove} {
		if idx[c] < 0 {
			el.push(missingColumn(hdrLine, canonicalColumns[c]))
			missing = true
		}
	}
	return missing
}

// rows reads the rows of d into the free capacity of polls, whose slots
// are zero, pushing its errors to el.
func (cr *canonReader) rows(d *delimited, width int, polls []Poll, el *errorList) []Poll {
	for {
		row, ok := d.nextRow(width, el)
		if !ok {
			return polls
		}
		// The next slot is zero already (fresh from make, or cleared after
		// a rejected row): parse fills it in place instead of appending a
		// zero Poll, which would write every byte of the result twice.
		if len(polls) < cap(polls) {
			polls = polls[:len(polls)+1]
		} else {
			polls = append(polls, Poll{}) // more records than lines counted: cannot happen
		}
		p := &polls[len(polls)-1]
		if pe := cr.parse(p, row); pe != nil {
			*p = Poll{}
			polls = polls[:len(polls)-1]
			el.push(pe)
		}
	}
}

// canonReader holds what is shared across the rows of one canonical file.
type canonReader struct {
	rowCursor
	cfg *readConfig
	in  interner
	pc  pollsterCache
}

func newCanonReader(idx *[numCanonical]int, cfg *readConfig) *canonReader {
	return &canonReader{rowCursor: rowCursor{idx: idx[:]}, cfg: cfg, in: newInterner(numCanonical), pc: newPollsterCache(cfg.profiles)}
}

// optional parses a column whose zero means "unknown" (response rate,
// design effect, weight): an empty cell is 0 and NA is NaN, which keeps the
// round trip exact.
func (cr *canonReader) optional(c int) float64 {
	if cr.text(c) == "" {
		return 0
	}
	s := strings.TrimSpace(cr.text(c))
	if s == "" {
		return 0
	}
	v, _, err := parseNumber(s)
	if err != nil {
		cr.fail(c, err)
	}
	return v
}

func (cr *canonReader) date(c int) time.Time {
	if t, ok := quickDay(cr.text(c)); ok {
		return t
	}
	s := strings.TrimSpace(cr.text(c))
	if s == "" {
		return time.Time{}
	}
	sp, ok := parseDate(s, cr.cfg)
	if !ok {
		cr.fail(c, fmt.Errorf("%w: %q", ErrDate, short(s)))
		return time.Time{}
	}
	if c == colStart {
		return sp.Start
	}
	return sp.End
}

// setText sets *dst to the interned text of column c unless it is empty:
// parse fills a zero Poll, and skipping the store of an empty string
// saves a pointer write (a write barrier while the collector runs, as it
// does while a large result is being filled).
func (cr *canonReader) setText(dst *string, c int) {
	if s := cr.text(c); s != "" {
		*dst = cr.in.get(c, s)
	}
}

func (cr *canonReader) parse(p *Poll, row []cell) *ParseError {
	cr.row, cr.err = row, nil
	cfg := cr.cfg

	pi := cr.pc.get(cr.pollster(colPollster, cfg.pollster))
	p.Pollster = pi.name
	p.Question = cr.in.get(colQuestion, cr.text(colQuestion))
	if p.Question == "" {
		p.Question = cfg.question
	}
	p.Subject = cr.in.get(colSubject, cr.text(colSubject))
	if p.Subject == "" {
		p.Subject = cfg.subject
	}
	cr.setText(&p.Subgroup, colSubgroup)
	p.Start = cr.date(colStart)
	p.End = cr.date(colEnd)
	if t := cr.date(colPublished); !t.IsZero() {
		p.Published = t // the slot is zero: no store (and no write barrier) for the common empty cell
	}
	if p.Start.IsZero() {
		cr.fail(colStart, fmt.Errorf("%w: start date", ErrMissing))
	}
	if p.End.IsZero() {
		cr.fail(colEnd, fmt.Errorf("%w: end date", ErrMissing))
	}
	if n, missing, err := parseCount(cr.text(colSampleSize)); err != nil {
		cr.fail(colSampleSize, err)
	} else if missing {
		p.SampleSize = cfg.sampleSize
	} else {
		p.SampleSize = n
	}
	if pop, err := ParsePopulation(cr.text(colPopulation)); err != nil {
		cr.fail(colPopulation, err)
	} else {
		p.Population = pop
	}
	switch {
	case cfg.mode != ModeUnknown:
		p.Mode = cfg.mode
	case cr.idx[colMode] >= 0:
		m, err := ParseMode(cr.text(colMode))
		if err != nil {
			cr.fail(colMode, err)
		}
		p.Mode = m
	default:
		p.Mode = cfg.modeFor(pi, p.End)
	}
	p.Approve = cr.number(colApprove)
	p.Disapprove = cr.number(colDisapprove)
	p.Undecided = cr.number(colUndecided)
	p.Refused = cr.number(colRefused)
	fp := FourPoint{cr.number(colDefinitelyYes), cr.number(colRatherYes), cr.number(colRatherNo), cr.number(colDefinitelyNo)}
	if !math.IsNaN(fp.DefinitelyYes) || !math.IsNaN(fp.RatherYes) || !math.IsNaN(fp.RatherNo) || !math.IsNaN(fp.DefinitelyNo) {
		detail := fp // allocated only for rows that have detail
		p.Detail = &detail
	}
	p.ResponseRate = cr.optional(colResponseRate)
	p.DesignEffect = cr.optional(colDesignEffect)
	p.Weight = cr.optional(colWeight)
	cr.setText(&p.Grade, colGrade)
	p.AdjustedApprove = cr.number(colAdjustedApprove)
	p.AdjustedDisapprove = cr.number(colAdjustedDisapprove)
	if f, err := ParseFlags(cr.text(colFlags)); err != nil {
		cr.fail(colFlags, err)
	} else {
		p.Flags = f
	}
	if s := cr.text(colID); s != "" {
		p.ID = strings.Clone(s)
	}
	cr.setText(&p.Labels, colLabels)
	p.Source = cr.in.get(colSource, cr.text(colSource))
	if p.Source == "" {
		p.Source = cfg.source
	}
	p.Line = row[0].Line
	if cr.idx[colLine] >= 0 {
		p.Line = 0
		if s := strings.TrimSpace(cr.text(colLine)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 {
				cr.fail(colLine, fmt.Errorf("%w: line %q", ErrNumber, short(s)))
			}
			p.Line = n
		}
	}
	if s := cr.text(colAdjustments); strings.TrimSpace(s) != "" {
		adj, err := decodeAdjustments(s)
		if err != nil {
			cr.fail(colAdjustments, err)
		}
		p.Adjustments = adj
	}
	if math.IsNaN(p.Approve) && math.IsNaN(p.Disapprove) {
		cr.fail(colApprove, fmt.Errorf("%w: neither approve nor disapprove is published", ErrMissing))
	}
	if cr.err != nil {
		return cr.err
	}
	if err := p.Validate(); err != nil {
		return validationError(err, row[0].Line, row, func(field string) int {
			if c := canonicalColumnOf(field); c >= 0 {
				return cr.idx[c]
			}
			return -1
		})
	}
	return nil
}

// adjustmentJSON is the encoding of one Adjustment in the adjustments
// column. Floats are strings in strconv's shortest form so that NaN and
// infinities survive and every value round-trips bit for bit.
type adjustmentJSON struct {
	Name        string            `json:"name"`
	Params      map[string]string `json:"params"`
	Approve     string            `json:"approve"`
	Disapprove  string            `json:"disapprove"`
	Jacobian    *[4]string        `json:"jacobian,omitempty"` // row by row
	Variance    string            `json:"variance"`
	Calibration string            `json:"calibration,omitempty"`
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func encodeAdjustments(adj []Adjustment) (string, error) {
	if len(adj) == 0 {
		return "", nil
	}
	out := make([]adjustmentJSON, len(adj))
	for i, a := range adj {
		j := adjustmentJSON{Name: a.Name, Approve: fmtFloat(a.Approve), Disapprove: fmtFloat(a.Disapprove), Variance: fmtFloat(a.Variance), Calibration: a.Calibration}
		if m := a.Jacobian; m != nil {
			j.Jacobian = &[4]string{fmtFloat(m[0][0]), fmtFloat(m[0][1]), fmtFloat(m[1][0]), fmtFloat(m[1][1])}
		}
		if a.Params != nil {
			j.Params = make(map[string]string, len(a.Params))
			for k, v := range a.Params {
				j.Params[k] = fmtFloat(v)
			}
		}
		out[i] = j
	}
	b, err := json.Marshal(out) // map keys are sorted: deterministic output
	return string(b), err
}

func decodeAdjustments(s string) ([]Adjustment, error) {
	var in []adjustmentJSON
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("%w: adjustments: %v", ErrUnknownValue, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: adjustments: trailing data", ErrUnknownValue)
	}
	if len(in) == 0 {
		return nil, nil // "[]" and "null" mean no audit trail, as an empty cell does
	}
	pf := func(s string) (float64, error) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("%w: adjustments: %q", ErrNumber, short(s))
		}
		return v, nil
	}
	out := make([]Adjustment, len(in))
	for i, j := range in {
		a := Adjustment{Name: j.Name, Calibration: j.Calibration}
		var err error
		if j.Jacobian != nil {
			var m Jacobian
			for k, v := range j.Jacobian {
				if m[k/2][k%2], err = pf(v); err != nil {
					return nil, err
				}
			}
			a.Jacobian = &m
		}
		if a.Approve, err = pf(j.Approve); err != nil {
			return nil, err
		}
		if a.Disapprove, err = pf(j.Disapprove); err != nil {
			return nil, err
		}
		if a.Variance, err = pf(j.Variance); err != nil {
			return nil, err
		}
		if j.Params != nil {
			a.Params = make(map[string]float64, len(j.Params))
			for k, v := range j.Params {
				if a.Params[k], err = pf(v); err != nil {
					return nil, err
				}
			}
		}
		out[i] = a
	}
	return out, nil
}

// WriteCSV writes polls in the canonical CSV format: a header of
// CanonicalColumns(), then one row per poll. Floats are written in strconv's
// shortest round-trip form ('g', -1) so that ReadCSV gives back the same
// bits; an unpublished (NaN) share is an empty cell; response rate, design
// effect and weight write 0 as an empty cell and NaN as NA; dates are
// YYYY-MM-DD (empty when zero); flags use Flags.String; the audit trail is
// JSON in the adjustments column.
//
// ReadCSV(WriteCSV(polls)) returns polls field for field when every poll is
// valid, its dates are UTC midnights, its pollster name is canonical (see
// CanonicalName), and a Detail or Adjustments that is present is not empty.
func WriteCSV(w io.Writer, polls []Poll) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf []byte
	for i, c := range canonicalColumns {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, c...)
	}
	buf = append(buf, '\n')
	if _, err := bw.Write(buf); err != nil {
		return err
	}
	for i := range polls {
		var err error
		buf, err = appendCanonical(buf[:0], &polls[i])
		if err != nil {
			return fmt.Errorf("poll: WriteCSV: poll %d: %w", i, err)
		}
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendCanonical appends one canonical row (with its newline) to buf.
func appendCanonical(buf []byte, p *Poll) ([]byte, error) {
	share := func(b []byte, v float64) []byte {
		if math.IsNaN(v) {
			return b
		}
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	optional := func(b []byte, v float64) []byte {
		switch {
		case v == 0 && !math.Signbit(v):
			return b
		case math.IsNaN(v):
			return append(b, "NA"...)
		}
		return strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	date := func(b []byte, t time.Time) []byte {
		if t.IsZero() {
			return b
		}
		return t.AppendFormat(b, time.DateOnly)
	}
	for _, s := range [...]string{p.Pollster, p.Question, p.Subject, p.Subgroup, p.Grade, p.ID, p.Labels, p.Source} {
		if i := strings.IndexFunc(s, func(r rune) bool { return r < 0x20 && r != '\t' && r != '\n' || r == 0x7f }); i >= 0 {
			return buf, fmt.Errorf("%w: control character in %q (ReadCSV would reject the file)", ErrEncoding, short(s))
		}
	}
	adj, err := encodeAdjustments(p.Adjustments)
	if err != nil {
		return buf, err
	}
	buf = appendField(buf, p.Pollster, ',')
	buf = appendField(buf, p.Question, ',')
	buf = appendField(buf, p.Subject, ',')
	buf = appendField(buf, p.Subgroup, ',')
	buf = append(date(buf, p.Start), ',')
	buf = append(date(buf, p.End), ',')
	buf = append(date(buf, p.Published), ',')
	if p.SampleSize != 0 {
		buf = strconv.AppendInt(buf, int64(p.SampleSize), 10)
	}
	buf = append(buf, ',')
	buf = append(append(buf, p.Population.String()...), ',')
	buf = append(append(buf, p.Mode.String()...), ',')
	buf = append(share(buf, p.Approve), ',')
	buf = append(share(buf, p.Disapprove), ',')
	buf = append(share(buf, p.Undecided), ',')
	buf = append(share(buf, p.Refused), ',')
	if d := p.Detail; d != nil {
		buf = append(share(buf, d.DefinitelyYes), ',')
		buf = append(share(buf, d.RatherYes), ',')
		buf = append(share(buf, d.RatherNo), ',')
		buf = append(share(buf, d.DefinitelyNo), ',')
	} else {
		buf = append(buf, ",,,,"...)
	}
	buf = append(optional(buf, p.ResponseRate), ',')
	buf = append(optional(buf, p.DesignEffect), ',')
	buf = append(optional(buf, p.Weight), ',')
	buf = appendField(buf, p.Grade, ',')
	buf = append(share(buf, p.AdjustedApprove), ',')
	buf = append(share(buf, p.AdjustedDisapprove), ',')
	buf = appendField(buf, p.Flags.String(), ',')
	buf = appendField(buf, p.ID, ',')
	buf = appendField(buf, p.Labels, ',')
	buf = appendField(buf, p.Source, ',')
	if p.Line != 0 {
		buf = strconv.AppendInt(buf, int64(p.Line), 10)
	}
	buf = append(buf, ',')
	buf = appendField(buf, adj, '\n')
	return buf, nil
}

// appendField appends s as a CSV field followed by sep, quoting it when it
// holds a separator, quote or line break, or starts or ends with white space
// (which readers may trim), and escaping quotes by doubling.
func appendField(buf []byte, s string, sep byte) []byte {
	if s == "" {
		return append(buf, sep)
	}
	needs := s[0] == ' ' || s[0] == '\t' || s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s == `\.`
	if !needs {
		for i := 0; i < len(s); i++ {
			switch s[i] {
			case ',', ';', '\t', '"', '\n', '\r':
				needs = true
			}
			if needs {
				break
			}
		}
	}
	if !needs {
		return append(append(buf, s...), sep)
	}
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			buf = append(buf, '"')
		}
		buf = append(buf, s[i])
	}
	return append(buf, '"', sep)
}
