package forensics

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// DefaultMaxErrors is how many rejected rows a reader keeps a *ParseError
// for; further rejected rows are only counted (RowErrors.Omitted), so that
// a garbled file cannot fill memory with errors.
const DefaultMaxErrors = 1000

// Option configures a reader. No options means: comma-separated (or the
// separator sniffed from the header), source "input", DefaultMaxErrors.
type Option func(*readConfig)

type readConfig struct {
	source    string
	comma     rune
	maxErrors int
	sizeHint  int64 // bytes of input when known, to size the station slice
}

// WithSource names the input in every ParseError and in Election.Source.
// ReadFile and ReadZip default to the file (or archive member) name.
func WithSource(name string) Option { return func(c *readConfig) { c.source = name } }

// WithComma fixes the separator (',', ';' or '\t'). Default: the one of
// the three that occurs most often in the header line outside quotes,
// comma on a tie.
func WithComma(r rune) Option { return func(c *readConfig) { c.comma = r } }

// WithMaxErrors sets how many rejected rows keep their *ParseError
// (default DefaultMaxErrors; a value below 1 keeps the default).
func WithMaxErrors(n int) Option { return func(c *readConfig) { c.maxErrors = n } }

// withSizeHint tells the reader the input's size, so that it can size
// the station slice once instead of growing it (a protocol row takes
// about 130 bytes; the hint is capped, so a false size costs little).
func withSizeHint(n int64) Option { return func(c *readConfig) { c.sizeHint = n } }

func newReadConfig(opts []Option) readConfig {
	var c readConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.maxErrors < 1 {
		c.maxErrors = DefaultMaxErrors
	}
	return c
}

// ReadFile reads a protocol table from a file: a CSV file, or a zip
// archive holding one (detected by content, not by name), as in
// testdata/elections/. The source defaults to the file name, or to the
// archive member's name.
func ReadFile(path string, opts ...Option) (*Election, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var magic [4]byte
	n, _ := io.ReadFull(f, magic[:])
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	if n == 4 && string(magic[:]) == "PK\x03\x04" {
		return ReadZip(f, fi.Size(), opts...)
	}
	return Read(f, append([]Option{WithSource(filepath.Base(path)), withSizeHint(fi.Size())}, opts...)...)
}

// ReadZip reads the one CSV (or .txt) table inside a zip archive, such
// as the compilers' 2024.csv.zip. An archive with no table or with
// several is ErrLayout. The source defaults to the member's name.
func ReadZip(r io.ReaderAt, size int64, opts ...Option) (*Election, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	var tables []*zip.File
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		if f.FileInfo().IsDir() || strings.HasPrefix(name, "__macosx/") {
			continue
		}
		if strings.HasSuffix(name, ".csv") || strings.HasSuffix(name, ".txt") {
			tables = append(tables, f)
		}
	}
	if len(tables) != 1 {
		return nil, fmt.Errorf("%w: the archive holds %d tables (.csv or .txt), want 1", ErrLayout, len(tables))
	}
	rc, err := tables[0].Open()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	defer rc.Close()
	n := int64(tables[0].UncompressedSize64 & (1<<62 - 1))
	return Read(rc, append([]Option{WithSource(tables[0].Name), withSizeHint(n)}, opts...)...)
}

// Read reads a protocol table in the layout of the compilers' files
// (testdata/SOURCES.md): a header row, then one row per polling station
// with columns region, tik and uik (region, territorial and station
// commission), the twelve protocol lines, headed in Russian as the
// Central Election Commission words them (matched by their key words:
// «включенных в список», «полученных», «досрочно», «в помещении», «вне
// помещения», «погашенных», «переносных», «стационарных»,
// «недействительных», «действительных», «утраченных», «не учтенных»), and
// one column per candidate: every column after the last protocol line,
// except a url column. A table with a region column but no tik and uik
// columns is a region-level table (the 2024 remote e-voting): its rows
// go to Election.Remote. UTF-8 with or without a byte-order mark.
//
// Read returns every row it could read. A row is rejected, with one
// *ParseError giving its line, column, value and sentinel, when it has
// the wrong number of cells (ErrFieldCount), an empty cell among given
// counts (ErrMissing), a count that is not a whole number (ErrNumber) or
// is negative (ErrNegative), an empty or undecodable name (ErrMissing,
// ErrEncoding), or repeats a station (ErrDuplicate). The error returned
// beside the rows is then a *RowErrors holding them (the first
// WithMaxErrors, and the count of the rest). Rows whose counts are all
// empty are stations without results: kept in Election.Unreported with
// their line, not rejected. Arithmetic between the protocol lines is not
// checked here: see Election.Check.
//
// A missing or unusable header gives a nil Election and ErrEmpty,
// ErrLayout or ErrMissingColumn; a read failure is returned as is.
func Read(r io.Reader, opts ...Option) (*Election, error) {
	cfg := newReadConfig(opts)
	br := bufio.NewReaderSize(r, 1<<16)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	if cfg.comma == 0 {
		head, _ := br.Peek(1 << 16)
		cfg.comma = sniffComma(head)
	}
	rd := reader{cfg: cfg, cr: newRecords(br, cfg.comma), errs: &RowErrors{}}
	if err := rd.header(); err != nil {
		return nil, err
	}
	if err := rd.rows(); err != nil {
		return nil, err
	}
	if len(rd.errs.Errors) > 0 {
		return rd.e, rd.errs
	}
	return rd.e, nil
}

// sniffComma returns the separator of the first line of head: the most
// frequent of comma, semicolon and tab outside quotes, comma on a tie.
func sniffComma(head []byte) rune {
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	var n [3]int
	quoted := false
	for _, c := range head {
		switch c {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				n[0]++
			}
		case ';':
			if !quoted {
				n[1]++
			}
		case '\t':
			if !quoted {
				n[2]++
			}
		}
	}
	switch {
	case n[1] > n[0] && n[1] >= n[2]:
		return ';'
	case n[2] > n[0] && n[2] > n[1]:
		return '\t'
	}
	return ','
}

// layout is what the header says about the columns.
type layout struct {
	width      int  // cells in the header
	stations   bool // tik and uik present: one row per station
	region     int  // column of region
	tik, uik   int  // columns of tik and uik (stations only)
	lines      [protocolLines]int
	candidates []int // columns of the candidates
}

// reader holds the state of one Read.
type reader struct {
	cfg    readConfig
	cr     *records
	lay    layout
	e      *Election
	errs   *RowErrors
	seen   seenStations            // station → line, for duplicates
	intern map[string]internedName // region and territorial names, stored once
	last   [2]internedName         // the region and territorial names of the row before
	votes  []int                   // backing store the rows' Votes are cut from
}

func (rd *reader) source() string {
	if rd.cfg.source != "" {
		return rd.cfg.source
	}
	return "input"
}

// reject records a rejected row, keeping at most maxErrors errors.
func (rd *reader) reject(line, col int, value string, err error) {
	if len(rd.errs.Errors) >= rd.cfg.maxErrors {
		rd.errs.Omitted++
		return
	}
	rd.errs.Errors = append(rd.errs.Errors, &ParseError{Source: rd.cfg.source, Line: line, Column: col, Value: value, Err: err})
}

// header reads the first non-empty record and works out the layout.
func (rd *reader) header() error {
	var rec []string
	for {
		var err error
		rec, err = rd.cr.Read()
		if err == io.EOF {
			return &ParseError{Source: rd.cfg.source, Line: 1, Err: ErrEmpty}
		}
		if err != nil {
			return rd.readError(err)
		}
		if !blank(rec) {
			break
		}
	}
	line := rd.cr.FieldPos()
	lay := layout{width: len(rec), region: -1, tik: -1, uik: -1}
	for i := range lay.lines {
		lay.lines[i] = -1
	}
	last := -1
	names := make([]string, len(rec))
	for j, h := range rec {
		if !utf8.ValidString(h) {
			return &ParseError{Source: rd.cfg.source, Line: line, Column: j + 1, Value: h, Err: ErrEncoding}
		}
		names[j] = strings.TrimSpace(h)
		switch n := normalizeHeader(h); n {
		case "region", "регион":
			lay.region = j
		case "tik", "тик":
			lay.tik = j
		case "uik", "уик":
			lay.uik = j
		default:
			i := protocolLine(n)
			if i < 0 {
				continue
			}
			if lay.lines[i] >= 0 {
				return &ParseError{Source: rd.cfg.source, Line: line, Column: j + 1, Value: names[j],
					Err: fmt.Errorf("%w: protocol line %d also in column %d", ErrLayout, i+1, lay.lines[i]+1)}
			}
			lay.lines[i] = j
			last = max(last, j)
		}
	}
	if lay.region < 0 {
		return &ParseError{Source: rd.cfg.source, Line: line, Err: fmt.Errorf("%w: no region column", ErrLayout)}
	}
	if (lay.tik < 0) != (lay.uik < 0) {
		return &ParseError{Source: rd.cfg.source, Line: line, Err: fmt.Errorf("%w: a station table needs both tik and uik", ErrLayout)}
	}
	lay.stations = lay.tik >= 0
	var missing []string
	for i, c := range lay.lines {
		if c < 0 {
			missing = append(missing, fmt.Sprintf("%d (%s)", i+1, lineKeys[i][0]))
		}
	}
	if len(missing) > 0 {
		return &ParseError{Source: rd.cfg.source, Line: line, Err: fmt.Errorf("%w: protocol line %s", ErrMissingColumn, strings.Join(missing, ", "))}
	}
	var cands []string
	for j := last + 1; j < len(rec); j++ {
		if n := normalizeHeader(rec[j]); n == "url" || j == lay.region || j == lay.tik || j == lay.uik {
			continue
		}
		lay.candidates = append(lay.candidates, j)
		cands = append(cands, names[j])
	}
	if len(cands) == 0 {
		return &ParseError{Source: rd.cfg.source, Line: line, Err: fmt.Errorf("%w: no candidate columns after protocol line 12", ErrMissingColumn)}
	}
	rd.lay = lay
	rd.e = &Election{Source: rd.source(), Candidates: cands}
	if lay.stations && rd.cfg.sizeHint > 0 {
		rd.e.Stations = make([]Station, 0, min(rd.cfg.sizeHint/100, 1<<20))
	}
	rd.seen = seenStations{byCommission: map[[2]int32]map[string]int{}}
	rd.intern = make(map[string]internedName)
	return nil
}

// readError turns a CSV syntax error into a *ParseError; other errors
// (I/O) are returned unchanged.
func (rd *reader) readError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{Source: rd.cfg.source, Line: pe.Line, Err: fmt.Errorf("%w: %v", ErrSyntax, pe.Err)}
	}
	return err
}

// rows reads every data row after the header.
func (rd *reader) rows() error {
	for {
		rec, err := rd.cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			rd.reject(pe.Line, 0, "", fmt.Errorf("%w: %v", ErrSyntax, pe.Err))
			continue
		}
		if blank(rec) {
			continue
		}
		rd.row(rec, rd.cr.FieldPos())
	}
}

// row parses one data row, keeping it or rejecting it.
func (rd *reader) row(rec []string, line int) {
	lay := &rd.lay
	if len(rec) != lay.width {
		rd.reject(line, 0, fmt.Sprint(len(rec)), fmt.Errorf("%w: %d cells, header has %d", ErrFieldCount, len(rec), lay.width))
		return
	}
	region, ok := rd.name(rec, lay.region, line)
	if !ok {
		return
	}
	var tik internedName
	var uik string
	if lay.stations {
		if tik, ok = rd.name(rec, lay.tik, line); !ok {
			return
		}
		uik = trimSpace(rec[lay.uik])
		if !utf8.ValidString(uik) {
			rd.reject(line, lay.uik+1, rec[lay.uik], ErrEncoding)
			return
		}
		if uik == "" {
			rd.reject(line, lay.uik+1, "", fmt.Errorf("%w: empty name", ErrMissing))
			return
		}
		uik = strings.Clone(uik)
	}
	if first, dup := rd.seen.line(region.id, tik.id, uik); dup {
		rd.reject(line, 0, "", fmt.Errorf("%w: first at line %d", ErrDuplicate, first))
		return
	}
	// Counts: all empty is a station without results; otherwise every
	// one must be a whole number. The first bad cell rejects the row.
	var p Protocol
	nc := len(lay.candidates)
	if len(rd.votes) < nc {
		// One block for many rows: the Votes slices are cut from it
		// with their capacity capped, so they never alias.
		rd.votes = make([]int, max(nc, 1<<16))
	}
	votes := rd.votes[:nc:nc]
	empty, badCol := 0, -1
	var badErr error
	parse := func(j int, dst *int) {
		v, err := parseCount(rec[j])
		if err == nil {
			*dst = v
			return
		}
		if err == ErrMissing {
			empty++
		}
		if badCol < 0 {
			badCol, badErr = j, err
		}
	}
	for i, j := range lay.lines {
		parse(j, p.line(i))
	}
	for c, j := range lay.candidates {
		parse(j, &votes[c])
	}
	switch {
	case empty == protocolLines+nc:
		rd.seen.add(region.id, tik.id, uik, line)
		rd.e.Unreported = append(rd.e.Unreported, Unreported{Region: region.s, Territorial: tik.s, Name: uik, Line: line})
		return
	case badCol >= 0:
		rd.reject(line, badCol+1, rec[badCol], badErr)
		return
	}
	rd.votes = rd.votes[nc:]
	rd.seen.add(region.id, tik.id, uik, line)
	if lay.stations {
		rd.e.Stations = append(rd.e.Stations, Station{Region: region.s, Territorial: tik.s, Name: uik, Line: line, Protocol: p, Votes: votes})
	} else {
		rd.e.Remote = append(rd.e.Remote, RegionTotal{Region: region.s, Line: line, Protocol: p, Votes: votes})
	}
}

// seenStations holds the line of every row kept, by commission: a
// station by its territorial commission's stations (keyed by region and
// territorial number, interned), a region-level row by its region
// (territorial 0) under the name "". Rows come grouped by commission, so
// the map of the row before's commission is kept at hand: a row hashes
// its station's name in a map of a few dozen, which stays in cache. One
// map of every station keyed by all three names was a fifth of a read. A
// commission's map is made when its first row is kept, so rejected rows
// cost none.
type seenStations struct {
	byCommission map[[2]int32]map[string]int
	last         [2]int32       // the commission of lastMap
	lastMap      map[string]int // nil: none kept at hand
}

// line returns the line of the commission's row named name, and whether
// there is one.
func (s *seenStations) line(region, territorial int32, name string) (int, bool) {
	l, ok := s.of(region, territorial, false)[name] // a nil map has no rows
	return l, ok
}

// add records the line of the commission's row named name.
func (s *seenStations) add(region, territorial int32, name string, line int) {
	s.of(region, territorial, true)[name] = line
}

// of returns the map of the commission's rows, name → line; nil when it
// has none and create is false.
func (s *seenStations) of(region, territorial int32, create bool) map[string]int {
	k := [2]int32{region, territorial}
	if s.lastMap != nil && k == s.last {
		return s.lastMap
	}
	m := s.byCommission[k]
	if m == nil {
		if !create {
			return nil
		}
		m = map[string]int{}
		s.byCommission[k] = m
	}
	s.last, s.lastMap = k, m
	return m
}

// internedName is a region or territorial commission's name, stored
// once, and its number (1, 2, … in order of first appearance).
type internedName struct {
	s  string
	id int32
}

// name returns cell j of rec trimmed, stored once per distinct value (a
// region or territorial commission repeats on many rows), or rejects the
// row when the cell is empty or not UTF-8.
func (rd *reader) name(rec []string, j, line int) (internedName, bool) {
	s := trimSpace(rec[j])
	last := &rd.last[0]
	if j != rd.lay.region {
		last = &rd.last[1]
	}
	if s == last.s && s != "" { // rows come by region and commission: most repeat the row before
		return *last, true
	}
	if v, ok := rd.intern[s]; ok {
		*last = v
		return v, true
	}
	if !utf8.ValidString(s) {
		rd.reject(line, j+1, rec[j], ErrEncoding)
		return internedName{}, false
	}
	if s == "" {
		rd.reject(line, j+1, "", fmt.Errorf("%w: empty name", ErrMissing))
		return internedName{}, false
	}
	v := internedName{s: strings.Clone(s), id: int32(len(rd.intern) + 1)}
	rd.intern[v.s] = v
	*last = v
	return v, true
}

// trimSpace is strings.TrimSpace, returning s at once when neither end is
// a space (the names, which begin and end with a Cyrillic letter, would
// otherwise take its slow path for non-ASCII text).
func trimSpace(s string) string {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if s != "" && !isSpace(first) && !isSpace(last) {
		return s
	}
	return strings.TrimSpace(s)
}

// isSpace is unicode.IsSpace without its table search for the letters
// between Latin-1 and U+1680, the first space above it (Cyrillic is
// U+0400–U+04FF).
func isSpace(r rune) bool { return (r <= 0xff || r >= 0x1680) && unicode.IsSpace(r) }

// parseCount parses a non-negative whole number, allowing surrounding
// spaces; an empty cell is ErrMissing.
func parseCount(s string) (int, error) {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	if s == "" {
		return 0, ErrMissing
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
	}
	if s == "" || len(s) > 15 {
		return 0, ErrNumber
	}
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, ErrNumber
		}
		v = v*10 + int(c-'0')
	}
	if neg && v != 0 {
		return 0, ErrNegative
	}
	return v, nil
}

// blank reports whether every cell of rec is empty or spaces.
func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// normalizeHeader folds a header or name for matching: lower case, ё as
// е, runs of spaces as one, no byte-order mark, trimmed.
func normalizeHeader(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, "ё", "е"), "Ё", "е"))
	return strings.Join(strings.Fields(s), " ")
}

// lineKeys are the key words that identify each protocol line in a
// normalised header; the first is the name used in messages. They are
// tried in the order of lineOrder, so that «вне помещения» is not taken
// for «в помещении» nor «недействительных» for «действительных».
var lineKeys = [protocolLines][]string{
	{"включенных в список", "внесенных в список"},
	{"полученных"},
	{"досрочно"},
	{"в помещении"},
	{"вне помещения"},
	{"погашенных"},
	{"переносных"},
	{"стационарных"},
	{"недействительных"},
	{"действительных"},
	{"утраченных"},
	{"не учтенных", "неучтенных"},
}

var lineOrder = [protocolLines]int{0, 1, 2, 4, 3, 5, 6, 7, 8, 9, 10, 11}

// protocolLine returns the 0-based protocol line a normalised header
// names, or -1.
func protocolLine(h string) int {
	for _, i := range lineOrder {
		for _, k := range lineKeys[i] {
			if strings.Contains(h, k) {
				return i
			}
		}
	}
	return -1
}
