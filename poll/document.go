package poll

import (
	"io"
	"strings"
)

// readDocument decodes a release saved from a pollster's site — an HTML
// page or a CSV/TSV export of its tables — into tables and free text, the
// common input of ReadLevada, ReadVTsIOM and ReadFOM.
//
// HTML is recognised by its tags (looksLikeHTML). A delimited export is
// one table; its rows holding a single text cell (a question title above
// the table, a methodology paragraph below it) are also returned as text
// blocks, the first of them as the table's title. CSV syntax errors are
// returned in the error, with every readable row kept.
//
// Undecodable lines (invalid UTF-8 and not Windows-1251, control bytes)
// are recovered line by line in a delimited export, as ReadCSV does: each
// is reported as ErrEncoding with its line and field, and the rest of the
// file is read (unless the first line or half the lines are bad). The
// line is kept with its bad bytes marked rather than emptied
// (markBadLines), so that headers and sections keep their places. An HTML
// page with such a line is rejected whole: a bad byte can sit inside a
// tag, and a damaged <td> or <tr> moves every later cell of its table to
// another row or column — another period — which no line-level repair
// can detect.
func readDocument(r io.Reader, cfg *readConfig) (htmlDoc, error) {
	data, lineErrs, err := decodeTextLines(r, cfg.enc, markBadLines)
	if err != nil {
		return htmlDoc{}, cfg.sourced(err)
	}
	if looksLikeHTML(data) {
		if len(lineErrs) > 0 {
			return htmlDoc{}, cfg.sourced(lineErrs[0])
		}
		return readHTMLTables(data), nil
	}
	comma := cfg.comma
	if comma == 0 {
		comma = sniffComma(data)
	}
	fieldColumns(lineErrs, comma)
	t, err := readDelimited(data, comma)
	var rowErrs []error
	if err != nil {
		rowErrs = unwrapJoined(err)
	}
	err = cfg.joined(lineErrs, rowErrs)
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
			if _, ok := parseDate(only.Text, cfg); !ok && len([]rune(only.Text)) > 12 {
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
	return doc, err
}

// isNumberCell reports whether s is a value cell; a bound ("<1") is one.
func isNumberCell(s string) bool {
	_, below, missing, err := parseShare(s)
	return err == nil && (below || !missing)
}
