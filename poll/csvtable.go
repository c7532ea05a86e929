package poll

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// delimited streams the records of decoded text (see decodeText) with the
// position of every field. A syntax error rejects the record it occurs in
// and reading resumes on the line after that record's first line, so a
// stray quote never swallows the rest of a file.
//
// Records that fit on one line (nearly all poll files) take a fast path that
// splits lines without encoding/csv: one string conversion for the whole
// input instead of one allocation per record, with the same result (see
// nextFast).
type delimited struct {
	data  []byte
	comma rune
	r     *csv.Reader
	base  int // byte offset of the current csv.Reader's input in data
	lines int // lines of data before base
	row   []cell

	fast bool   // splitting lines directly (until a line needs encoding/csv)
	text string // data as a string, for the fast path
	off  int    // next byte to read, on the fast path
	line int    // lines before off, on the fast path

	// A part (see split) ends at the first line the fast path cannot
	// read, as at the end of its input, with stopped set and off and
	// line at that line's beginning: only the whole input's reader can
	// hand a record spanning lines to encoding/csv.
	part, stopped bool
	at            int // a part's offset in the whole input
}

// newDelimited prepares data for reading with separator comma, or with the
// separator sniffed by sniffComma when comma is 0. data must not be
// modified afterwards: cells are views of it.
func newDelimited(data []byte, comma rune) *delimited {
	if comma == 0 {
		comma = sniffComma(data)
	}
	// The text is a view of data, not a copy (a second copy of a large input
	// costs as much as parsing it): data comes from decodeText, which hands
	// over a buffer nothing writes (Read shares one among the readers it
	// tries), and it is never written.
	// Strings kept beyond a read are cloned or interned by the readers.
	text := ""
	if len(data) > 0 {
		text = unsafe.String(unsafe.SliceData(data), len(data))
	}
	return &delimited{data: data, comma: comma, fast: true, text: text}
}

// nextFast is next for the common case of one record per line: it skips
// empty lines, like encoding/csv, and splits the others with splitLine. At
// the first line splitLine cannot handle (a quoted field running onto the
// next line, a bare quote, text after a closing quote) it hands the rest of
// the input to encoding/csv, which then reads or reports it exactly as it
// would have from the start.
func (d *delimited) nextFast() ([]cell, error) {
	for d.off < len(d.text) {
		start := d.off
		rest := d.text[start:]
		end := strings.IndexByte(rest, '\n')
		if end < 0 {
			end = len(rest)
		}
		d.off += end + 1
		d.line++
		if end == 0 {
			continue
		}
		line := rest[:end]
		var row []cell
		ok := true
		if d.comma < utf8.RuneSelf && strings.IndexByte(line, '"') < 0 {
			row = splitPlain(line, byte(d.comma), d.line, d.row[:0])
		} else {
			row, ok = splitLine(line, d.comma, d.line, d.row[:0])
		}
		d.row = row
		if ok {
			return d.row, nil
		}
		if d.part {
			d.off, d.line, d.stopped = start, d.line-1, true
			return nil, io.EOF
		}
		d.fast = false
		d.reset(start, d.line-1)
		return d.next()
	}
	return nil, io.EOF
}

// splitPlain splits a line without quotes at an ASCII separator, eight
// bytes at a time: the fields of poll files are short, and a library scan
// per field costs more than finding every separator of a word at once.
func splitPlain(line string, comma byte, lineNo int, row []cell) []cell {
	pattern := lo8 * uint64(comma)
	start, col := 0, 1
	i := 0
	for ; i+8 <= len(line); i += 8 {
		m := zeroBytes(load8(line, i) ^ pattern) // the bytes equal to comma
		for m != 0 {
			j := i + bits.TrailingZeros64(m)/8
			row = append(row, cell{Text: line[start:j], Line: lineNo, Col: col})
			start, col = j+1, col+1
			m &= m - 1
		}
	}
	for ; i < len(line); i++ {
		if line[i] == comma {
			row = append(row, cell{Text: line[start:i], Line: lineNo, Col: col})
			start, col = i+1, col+1
		}
	}
	return append(row, cell{Text: line[start:], Line: lineNo, Col: col})
}

const lo8, hi8 = 0x0101010101010101, 0x8080808080808080

// load8 returns the eight bytes of s at i as a little-endian word.
func load8(s string, i int) uint64 {
	return uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
		uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
}

// zeroBytes returns the high bit of each zero byte of x, exactly (no
// borrow from one byte into the next, unlike the shorter test).
func zeroBytes(x uint64) uint64 { return ^((x&^hi8 + ^uint64(hi8)) | x | ^uint64(hi8)) }

// indexSepOrQuote returns the index of the first byte of s that is sep or
// a double quote, or -1; eight bytes at a time.
func indexSepOrQuote(s string, sep byte) int {
	ps, pq := lo8*uint64(sep), lo8*uint64('"')
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := load8(s, i)
		if m := zeroBytes(x^ps) | zeroBytes(x^pq); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(s); i++ {
		if s[i] == sep || s[i] == '"' {
			return i
		}
	}
	return -1
}

// splitLine splits one line into fields: unquoted fields as they stand,
// quoted fields ("…", with "" for a quote) unquoted. ok is false when the
// line is not a complete record by itself or is malformed, so that
// encoding/csv must decide.
func splitLine(line string, comma rune, lineNo int, row []cell) (_ []cell, ok bool) {
	sepLen := utf8.RuneLen(comma)
	for col := 1; ; col++ {
		if strings.HasPrefix(line, `"`) {
			escaped := false
			i := 1
			for {
				j := strings.IndexByte(line[i:], '"')
				if j < 0 {
					return row, false // the field goes on after the line break
				}
				j += i
				if j+1 < len(line) && line[j+1] == '"' {
					escaped, i = true, j+2
					continue
				}
				field := line[1:j]
				if escaped {
					field = strings.ReplaceAll(field, `""`, `"`)
				}
				row = append(row, cell{Text: field, Line: lineNo, Col: col})
				line = line[j+1:]
				break
			}
			if line == "" {
				return row, true
			}
			if r, _ := utf8.DecodeRuneInString(line); r != comma {
				return row, false // text after the closing quote
			}
			line = line[sepLen:]
			continue
		}
		var i int
		if comma < utf8.RuneSelf {
			if i = indexSepOrQuote(line, byte(comma)); i >= 0 && line[i] == '"' {
				return row, false // a bare quote
			}
		} else {
			i = strings.IndexRune(line, comma)
		}
		field := line
		if i >= 0 {
			field = line[:i]
		}
		if comma >= utf8.RuneSelf && strings.IndexByte(field, '"') >= 0 {
			return row, false // a bare quote
		}
		row = append(row, cell{Text: field, Line: lineNo, Col: col})
		if i < 0 {
			return row, true
		}
		line = line[i+sepLen:]
	}
}

// split divides the rest of d's input into at most n parts that begin
// and end at line breaks, each about as long, for reading in parallel;
// lines[k] is the count of lines of part k (its line breaks, and one more
// for the last part, as countLines counts). It returns nil when d is not on
// its fast path. Reading the parts in turn gives the records d would give,
// up to the first part that stops (see delimited.part): the fast path
// splits each line by itself, so a part needs nothing from the lines
// before it but their count.
func (d *delimited) split(n int) (parts []*delimited, lines []int) {
	if !d.fast || d.off >= len(d.text) {
		return nil, nil
	}
	rest := len(d.text) - d.off
	for k, start, line := 1, d.off, d.line; start < len(d.text); k++ {
		end := len(d.text)
		if k < n {
			end = max(start, d.off+k*rest/n)
			if i := strings.IndexByte(d.text[end:], '\n'); i >= 0 {
				end += i + 1
			} else {
				end = len(d.text)
			}
		}
		c := strings.Count(d.text[start:end], "\n")
		if end == len(d.text) {
			c++
		}
		parts = append(parts, &delimited{data: d.data[start:end], comma: d.comma, fast: true, text: d.text[start:end], line: line, part: true, at: start})
		lines = append(lines, c)
		start, line = end, line+c
	}
	return parts, lines
}

// resume makes d go on where part p stopped, with encoding/csv.
func (d *delimited) resume(p *delimited) {
	d.fast = false
	d.reset(p.at+p.off, p.line)
}

func (d *delimited) reset(base, lines int) {
	d.base, d.lines = base, lines
	d.r = csv.NewReader(bytes.NewReader(d.data[base:]))
	d.r.Comma = d.comma
	d.r.FieldsPerRecord = -1
	// Strict quotes: a bare quote is reported rather than silently glued
	// into the field, and an unterminated quote is caught below.
	d.r.LazyQuotes = false
	d.r.ReuseRecord = true
}

// next returns the next record's cells, valid until the following call
// (the slice is reused; the strings are not). It returns io.EOF at the end,
// and a *ParseError wrapping ErrSyntax for a malformed record, after which
// reading may continue.
func (d *delimited) next() ([]cell, error) {
	if d.fast {
		return d.nextFast()
	}
	rec, err := d.r.Read()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return nil, err
		}
		start := pe.StartLine
		if start == 0 {
			start = pe.Line
		}
		// Report the record's first line; when the error lies on a later
		// line (a quoted field that never closes), name the field that
		// opened on the first line.
		line, col := d.lines+pe.Line, pe.Column
		if pe.Line != start {
			line, col = d.lines+start, -1
		}
		perr := &ParseError{
			Line:   line,
			Column: d.fieldAt(line, col),
			Err:    fmt.Errorf("%w: %v", ErrSyntax, pe.Err),
		}
		// Resume on the line after the record's first line.
		d.skipTo(d.lines + start + 1)
		return nil, perr
	}
	d.row = d.row[:0]
	for i, text := range rec {
		line, _ := d.r.FieldPos(i)
		d.row = append(d.row, cell{Text: text, Line: d.lines + line, Col: i + 1})
	}
	return d.row, nil
}

// skipTo restarts reading at the beginning of absolute line target.
func (d *delimited) skipTo(target int) {
	off, line := d.base, d.lines+1
	for line < target && off < len(d.data) {
		i := bytes.IndexByte(d.data[off:], '\n')
		if i < 0 {
			off = len(d.data)
			break
		}
		off += i + 1
		line++
	}
	d.reset(off, line-1)
}

// fieldAt converts a 1-based byte column on an absolute line into a 1-based
// field number, counting separators outside quotes; byteCol < 0 means the
// end of the line.
func (d *delimited) fieldAt(line, byteCol int) int {
	off := d.base
	for l := d.lines + 1; l < line && off < len(d.data); l++ {
		i := bytes.IndexByte(d.data[off:], '\n')
		if i < 0 {
			return 1
		}
		off += i + 1
	}
	eol := bytes.IndexByte(d.data[off:], '\n')
	if eol < 0 {
		eol = len(d.data) - off
	}
	if byteCol < 0 || byteCol-1 > eol {
		byteCol = eol + 1
	}
	return fieldOfByte(d.data[off:off+byteCol-1], d.comma)
}

// fieldOfByte returns the 1-based field number in which the byte following
// prefix (a line's beginning) stands, counting separators outside quotes.
func fieldOfByte(prefix []byte, comma rune) int {
	field, quoted := 1, false
	sep := []byte(string(comma))
	for i := 0; i < len(prefix); i++ {
		switch {
		case prefix[i] == '"':
			quoted = !quoted
		case !quoted && bytes.HasPrefix(prefix[i:], sep):
			field++
		}
	}
	return field
}

// commaFor returns the separator of delimited text: cfg's, or sniffed.
func commaFor(cfg *readConfig) func([]byte) rune {
	return func(data []byte) rune {
		if cfg.comma != 0 {
			return cfg.comma
		}
		return sniffComma(data)
	}
}

// openDelimited starts reading a file whose records are lines, for ReadCSV
// and Read538: it decodes r with undecodable lines blanked (pushed to el,
// with field numbers) and reads the header. err, fatal, has the source
// set.
func openDelimited(r io.Reader, cfg *readConfig, el *errorList) (d *delimited, hdr []cell, err error) {
	data, err := decodeTextLines(r, cfg.enc, blankBadLines, commaFor(cfg), el)
	if err != nil {
		return nil, nil, cfg.sourced(err)
	}
	d = newDelimited(data, cfg.comma)
	hdr, err = d.next()
	if err == io.EOF {
		return nil, nil, cfg.sourced(&ParseError{Line: 1, Err: ErrEmpty})
	}
	if err != nil {
		return nil, nil, cfg.sourced(err)
	}
	return d, hdr, nil
}

// nextRow returns the next well-formed record, pushing to el a
// *ParseError for every record it skips: malformed (ErrSyntax) or, when
// width > 0, of another width than the header's (see rowWidthError). ok
// is false at the end of the input, and after an error that is not a
// ParseError (a failing reader), which it also pushes, since reading
// cannot go on past it. The row is reused by the next call (see next).
func (d *delimited) nextRow(width int, el *errorList) (row []cell, ok bool) {
	for {
		row, err := d.next()
		if err == io.EOF {
			return nil, false
		}
		if err != nil {
			el.push(err)
			if _, ok := err.(*ParseError); !ok {
				return nil, false
			}
			continue
		}
		if width > 0 {
			if pe := rowWidthError(row, width); pe != nil {
				el.push(pe)
				continue
			}
		}
		return row, true
	}
}

// sniffComma picks the separator among ',', ';' and '\t': for each, count
// the occurrences outside quotes on the first 20 non-empty lines and find
// the most common non-zero count; the winner is the candidate whose count
// recurs on the most lines. Lines without the candidate do not vote, so
// that a title row above the header («Одобрение деятельности В. Путина»,
// as Excel exports of release tables have) or a note below the table does
// not decide the separator: only the table's own rows, which share one
// width, do. Ties go to tab, then semicolon (a semicolon file may hold
// decimal commas), then comma. Without any candidate it returns ','.
func sniffComma(data []byte) rune {
	cands := []rune{'\t', ';', ','}
	var lines [][]byte
	for len(data) > 0 && len(lines) < 20 {
		i := bytes.IndexByte(data, '\n')
		var l []byte
		if i < 0 {
			l, data = data, nil
		} else {
			l, data = data[:i], data[i+1:]
		}
		if len(bytes.TrimSpace(l)) > 0 {
			lines = append(lines, l)
		}
	}
	best, bestScore := ',', 0
	for _, c := range cands {
		freq := map[int]int{} // non-zero count → lines with that count
		for _, l := range lines {
			n, quoted := 0, false
			for _, b := range l { // the candidates and '"' are ASCII
				if b == '"' {
					quoted = !quoted
				} else if rune(b) == c && !quoted {
					n++
				}
			}
			if n > 0 {
				freq[n]++
			}
		}
		score := 0
		for _, f := range freq {
			score = max(score, f)
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

// rowCursor is the state the row parsers of ReadCSV and Read538 share: the
// cell index of each of the reader's fields (-1 when the file lacks it),
// the row being parsed, and the row's first error.
type rowCursor struct {
	idx []int
	row []cell
	err *ParseError
}

// text returns the cell of field f, or "" when the file lacks it.
func (rc *rowCursor) text(f int) string {
	if i := rc.idx[f]; i >= 0 {
		return rc.row[i].Text
	}
	return ""
}

// fail records the first error of the row, at field f's cell (at the row
// when the file lacks f).
func (rc *rowCursor) fail(f int, err error) {
	if rc.err != nil {
		return
	}
	pe := &ParseError{Line: rc.row[0].Line, Err: err}
	if i := rc.idx[f]; i >= 0 {
		pe.Line, pe.Column, pe.Value = rc.row[i].Line, rc.row[i].Col, rc.row[i].Text
	}
	rc.err = pe
}

// number parses field f as a share or other float: empty or NA is NaN, and
// so is a field the file lacks.
func (rc *rowCursor) number(f int) float64 {
	if rc.idx[f] < 0 {
		return math.NaN()
	}
	v, _, err := parseNumber(rc.text(f))
	if err != nil {
		rc.fail(f, err)
	}
	return v
}

// pollster returns the pollster name in field f, or fallback (the
// WithPollster name) when the cell is empty or the file lacks f; with
// neither, the row fails with ErrMissing.
func (rc *rowCursor) pollster(f int, fallback string) string {
	raw := rc.text(f)
	if strings.TrimSpace(raw) == "" {
		raw = fallback
	}
	if strings.TrimSpace(raw) == "" {
		rc.fail(f, fmt.Errorf("%w: pollster", ErrMissing))
	}
	return raw
}
