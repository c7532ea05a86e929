package poll

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// readRelease is the frame of ReadLevada, ReadVTsIOM and ReadFOM: decode
// r into a document (readDocument), read its polls with read, and return
// them with the joined error. read pushes its rejections to el and returns
// a refusal instead of polls when the file shows it is not the reader's
// (a pollster column naming another pollster); the refusal is then the
// only error.
//
// A delimited export is first read up to probeRows records (an HTML page
// until its tables hold probeRows rows) and read there: when that gives
// no table of the reader's, or a table without one good period, the file
// is plainly not one of the reader's releases, and reading stops there
// with ErrUnknownLayout (or the refusal), rather than building a table of
// the whole file only to reject every row of it. That keeps the memory of
// a read of someone else's large file to the file itself.
func readRelease(r io.Reader, cfg *readConfig, read func(doc htmlDoc, el *errorList) ([]Poll, *ParseError)) ([]Poll, error) {
	el := &errorList{source: cfg.source}
	probe := func(prefix htmlDoc) error {
		scratch := &errorList{}
		polls, refused := read(prefix, scratch)
		switch {
		case refused != nil:
			return refused
		case len(polls) > 0:
			return nil
		}
		pes := scratch.parseErrors()
		if len(pes) == 0 {
			return nil
		}
		if errors.Is(pes[0], ErrUnknownLayout) {
			return pes[0]
		}
		return &ParseError{Line: pes[0].Line, Err: fmt.Errorf("%w: the first %d records give no poll of this layout (first rejection: %v)",
			ErrUnknownLayout, probeRows, pes[0])}
	}
	doc, err := readDocument(r, cfg, el, probe)
	if err != nil {
		return nil, cfg.sourced(err)
	}
	polls, refused := read(doc, el)
	if refused != nil {
		return nil, cfg.sourced(refused)
	}
	return polls, el.err()
}

// probeRows is how many records of a delimited export readRelease reads
// before deciding whether the file can be one of the reader's releases.
// Release tables are a few hundred rows at most (26 years of months).
const probeRows = 1000

// readDocument decodes a release saved from a pollster's site — an HTML
// page or a CSV/TSV export of its tables — into tables and free text, the
// common input of ReadLevada, ReadVTsIOM and ReadFOM.
//
// HTML is recognised by its tags (looksLikeHTML). A delimited export is
// one table; its rows holding a single text cell (a question title above
// the table, a methodology paragraph below it) are also returned as text
// blocks, the first of them as the table's title. CSV syntax errors are
// pushed to el, with every readable row kept. A last line that ends the
// file without a line break and holds fewer fields than the row above it
// is a row cut short (a truncated download): it is reported with
// ErrFieldCount and left out, rather than read with values missing or
// shortened. When the export has more than probeRows records (an HTML
// page's tables, probeRows rows), probe is called with the document read
// so far; an error from it ends the read. err, fatal, means nothing could
// be read.
//
// Undecodable lines (invalid UTF-8 and not Windows-1251, control bytes)
// are recovered line by line in a delimited export, as ReadCSV does: each
// is pushed to el as ErrEncoding with its line and field, and the rest of
// the file is read (unless the first line or half the lines are bad). The
// line is kept with its bad bytes marked rather than emptied
// (markBadLines), so that headers and sections keep their places. An HTML
// page with such a line is rejected whole: a bad byte can sit inside a
// tag, and a damaged <td> or <tr> moves every later cell of its table to
// another row or column — another period — which no line-level repair
// can detect.
func readDocument(r io.Reader, cfg *readConfig, el *errorList, probe func(htmlDoc) error) (htmlDoc, error) {
	sep := func(data []byte) rune {
		if looksLikeHTML(data) {
			return 0 // byte columns: an HTML line has no fields
		}
		return commaFor(cfg)(data)
	}
	lines := &errorList{}
	data, err := decodeTextLines(r, cfg.enc, markBadLines, sep, lines)
	if err != nil {
		return htmlDoc{}, err
	}
	if looksLikeHTML(data) {
		if pes := lines.parseErrors(); len(pes) > 0 {
			return htmlDoc{}, pes[0]
		}
		return readHTMLTables(data, probe)
	}
	el.merge(lines)
	d := newDelimited(data, sep(data))
	var t table
	for {
		row, ok := d.nextRow(0, el)
		if !ok {
			break
		}
		t.Rows = append(t.Rows, slices.Clone(row))
		if len(t.Rows) == probeRows+1 && probe != nil {
			prefix := t
			prefix.Rows = t.Rows[:probeRows:probeRows]
			if err := probe(delimitedDoc(prefix, cfg)); err != nil {
				return htmlDoc{}, err
			}
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Rows = dropCutRow(t.Rows, el)
	}
	return delimitedDoc(t, cfg), nil
}

// dropCutRow reports and removes the last row when the file was cut in
// it (see readDocument): it has fewer fields than the row above it and is
// not a note (one cell of text that is neither a number nor a date).
func dropCutRow(rows [][]cell, el *errorList) [][]cell {
	if len(rows) < 2 {
		return rows
	}
	last, prev := rows[len(rows)-1], rows[len(rows)-2]
	if len(last) >= len(prev) {
		return rows
	}
	if nonEmptyCells(last) == 1 {
		txt := strings.TrimSpace(last[0].Text)
		if _, ok := parseDate(txt, nil); !ok && !dateLike(txt) && !isNumberCell(txt) && txt != "" {
			return rows // a note under the table
		}
	}
	c := last[len(last)-1]
	el.add(c, c.Text, fmt.Errorf("%w: the file ends inside this row: %d of %d fields and no line break (a truncated file?); the row is skipped",
		ErrFieldCount, len(last), len(prev)))
	return rows[:len(rows)-1]
}

// delimitedDoc is the document of a delimited export's table t: its rows
// holding a single text cell are text blocks, the first above the grid
// the table's title.
func delimitedDoc(t table, cfg *readConfig) htmlDoc {
	var doc htmlDoc
	seenGrid := false
	for _, row := range t.Rows {
		var only *cell
		n := 0
		for i := range row {
			if strings.TrimSpace(row[i].Text) != "" {
				n++
				only = &row[i]
			}
		}
		if n == 1 && !isNumberCell(only.Text) {
			if _, ok := parseDate(only.Text, cfg); !ok && utf8.RuneCountInString(only.Text) > 12 {
				if !isBanner(only.Text) {
					doc.Text = append(doc.Text, textBlock{Text: strings.TrimSpace(only.Text), Line: only.Line})
					if !seenGrid {
						t.Title = strings.TrimSpace(only.Text)
					}
				}
			}
		}
		if n > 1 {
			seenGrid = true
		}
	}
	for _, tb := range doc.Text {
		t.Notes = append(t.Notes, tb.Text)
	}
	doc.Tables = []table{t}
	return doc
}

// isNumberCell reports whether s is a value cell; a bound ("<1") is one.
func isNumberCell(s string) bool {
	if len(s) > 64 {
		return false // no number or bound is printed that long
	}
	_, below, missing, err := parseShare(s)
	return err == nil && (below || !missing)
}
