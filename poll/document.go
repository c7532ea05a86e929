package poll

import (
	"errors"
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
func readDocument(r io.Reader, cfg *readConfig) (htmlDoc, error) {
	data, err := decodeText(r, cfg.enc)
	if err != nil {
		var pe *ParseError
		if errors.As(err, &pe) && pe.Source == "" {
			pe.Source = cfg.source
		}
		return htmlDoc{}, err
	}
	if looksLikeHTML(data) {
		return readHTMLTables(data), nil
	}
	t, err := readDelimited(data, cfg.comma)
	for _, pe := range ParseErrors(err) {
		if pe.Source == "" {
			pe.Source = cfg.source
		}
	}
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

func isNumberCell(s string) bool {
	_, missing, err := parseNumber(s)
	return err == nil && !missing
}
