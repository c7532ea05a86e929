package poll

import (
	"bytes"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// textBlock is a run of text outside tables (a heading, paragraph, caption
// or div) or the body of a <script>, with the line it starts on.
type textBlock struct {
	Text string
	Line int
}

// htmlDoc is what the Russian readers need from a saved web page: every
// table with its cells' positions, the free text in page order, and the
// scripts (FOM's Highcharts data).
type htmlDoc struct {
	Tables  []table
	Text    []textBlock // banners removed
	Scripts []textBlock
}

// looksLikeHTML reports whether decoded input is an HTML page or fragment
// rather than a delimited export: it starts with a tag and mentions one of
// the elements the readers use.
func looksLikeHTML(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	if len(t) == 0 || t[0] != '<' {
		return false
	}
	head := data
	if len(head) > 1<<20 {
		head = head[:1<<20]
	}
	low := bytes.ToLower(head)
	for _, tag := range []string{"<table", "<html", "<!doctype", "<script", "<body", "<p", "<div"} {
		if bytes.Contains(low, []byte(tag)) {
			return true
		}
	}
	return false
}

// isBanner reports whether text is the legally required foreign-agent
// notice that opens every Russian Levada page («НАСТОЯЩИЙ МАТЕРИАЛ
// (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ…») or closes
// the English ones ("…acting as foreign agents"). It is not data, and being
// in capitals it would otherwise be mistaken for a question title.
func isBanner(text string) bool {
	t := strings.ToLower(text)
	return (strings.Contains(t, "иностранн") && strings.Contains(t, "агент")) ||
		strings.Contains(t, "foreign agent")
}

// blockTags end a run of loose text: the text before and after them belongs
// to different blocks.
var blockTags = map[string]bool{
	"p": true, "div": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "ul": true, "ol": true, "br": true, "section": true, "article": true, "header": true,
	"footer": true, "blockquote": true, "title": true, "body": true, "head": true, "html": true,
	"table": true, "tr": true, "td": true, "th": true, "caption": true, "hr": true, "dt": true, "dd": true,
	"figcaption": true, "figure": true, "main": true, "nav": true, "pre": true,
}

// spanned is a cell covering later rows (rowspan).
type spanned struct {
	col, rows int
}

// tableBuilder accumulates one <table> while the tokenizer walks it.
type tableBuilder struct {
	idx          int // position in the output (tables are ordered by where they start)
	t            table
	row          []cell
	inRow        bool
	cell         *cell
	cellBuf      strings.Builder
	colspan      int
	placeholders int // cells added for colspan and rowspan so far
	rowspan      int
	spans        []spanned
	caption      strings.Builder
	inCapt       bool
	rows         *int // rows of every table of the page so far
}

// Limits on what colspan and rowspan may add to one table, so that a
// hostile page (colspan=1000 rowspan=1000 on every cell) cannot make the
// reader allocate gigabytes: real release tables span a few cells.
const (
	maxSpanCells  = 1 << 16 // placeholder cells per table
	maxLiveSpans  = 256     // rowspan columns active at once
	maxSpanLength = 1000    // rows or columns one cell may span (HTML caps colspan at 1000)
)

// fillSpans inserts an empty placeholder for every cell spanning into the
// current row at the current position, so that columns stay aligned.
func (b *tableBuilder) fillSpans(line int, all bool) {
	for {
		if b.placeholders >= maxSpanCells {
			b.spans = nil // out of budget: stop aligning rather than grow without bound
			return
		}
		found := false
		for i := range b.spans {
			if b.spans[i].rows > 0 && b.spans[i].col == len(b.row) {
				b.row = append(b.row, cell{Line: line, Col: len(b.row) + 1})
				b.placeholders++
				found = true
			}
		}
		if !found {
			if !all {
				return
			}
			// Trailing spanned columns beyond the last cell of the row.
			maxCol := -1
			for _, s := range b.spans {
				if s.rows > 0 && s.col > maxCol {
					maxCol = s.col
				}
			}
			if maxCol < len(b.row) {
				return
			}
			b.row = append(b.row, cell{Line: line, Col: len(b.row) + 1})
			b.placeholders++
		}
	}
}

func (b *tableBuilder) closeCell() {
	if b.cell == nil {
		return
	}
	c := *b.cell
	c.Text = strings.Join(strings.Fields(b.cellBuf.String()), " ")
	c.Col = len(b.row) + 1
	start := len(b.row)
	b.row = append(b.row, c)
	for i := 1; i < b.colspan && i < maxSpanLength && b.placeholders < maxSpanCells; i++ {
		b.row = append(b.row, cell{Line: c.Line, Col: len(b.row) + 1})
		b.placeholders++
	}
	if b.rowspan > 1 {
		for i := start; i < len(b.row) && len(b.spans) < maxLiveSpans; i++ {
			// Counted down as rows close, this one included.
			b.spans = append(b.spans, spanned{col: i, rows: b.rowspan})
		}
	}
	b.cell = nil
	b.cellBuf.Reset()
}

func (b *tableBuilder) closeRow(line int) {
	b.closeCell()
	if !b.inRow {
		return
	}
	b.fillSpans(line, true)
	// Rows spanned into by the cells above: one fewer to go.
	kept := b.spans[:0]
	for _, s := range b.spans {
		if s.rows--; s.rows > 0 {
			kept = append(kept, s)
		}
	}
	b.spans = kept
	if len(b.row) > 0 {
		b.t.Rows = append(b.t.Rows, b.row)
		*b.rows++
	}
	b.row = nil
	b.inRow = false
}

func attrInt(tok html.Token, name string) int {
	for _, a := range tok.Attr {
		if a.Key == name {
			n, err := strconv.Atoi(strings.TrimSpace(a.Val))
			if err == nil && n > 0 {
				return n
			}
		}
	}
	return 1
}

// readHTMLTables extracts every table of an HTML page (or fragment) with
// golang.org/x/net/html's tokenizer rather than its parser, because only
// the tokenizer exposes the raw bytes of each token, from which the line of
// every cell is counted. It never fails: HTML is read as leniently as
// browsers read it (unclosed cells and rows are closed by the next one,
// missing <tr> is implied, thead/tbody/tfoot are transparent, th is a cell
// like td). colspan repeats empty cells and rowspan inserts empty
// placeholders below, so that columns stay aligned.
//
// Each table's Title is the caption, else the last text block between the
// previous table and this one, else (when two tables follow each other
// directly, as on Levada's English pages where labels and numbers are
// separate tables) the previous table's title. Lead holds every text block
// between the previous table and this one (headings above a question), and
// Notes the text blocks after the table up to the next one.
//
// When the page's tables reach probeRows rows, probe, if not nil, is
// called with the document read so far (the open tables with the rows
// they have); an error from it ends the read (see readRelease).
func readHTMLTables(data []byte, probe func(htmlDoc) error) (htmlDoc, error) {
	var doc htmlDoc
	rows, probed := 0, false
	z := html.NewTokenizer(bytes.NewReader(data))
	line := 1
	var stack []*tableBuilder
	var loose strings.Builder
	looseLine := 0
	textSinceTable := 0 // index into doc.Text of the first block since the last table closed
	lastTitle := ""
	inScript, inStyle, inSup := false, false, 0
	var built []*tableBuilder

	flush := func() {
		s := strings.Join(strings.Fields(loose.String()), " ")
		loose.Reset()
		if s != "" && !isBanner(s) {
			doc.Text = append(doc.Text, textBlock{Text: s, Line: looseLine})
		}
		looseLine = 0
	}
	finish := func(b *tableBuilder) {
		b.closeRow(line)
		if c := strings.Join(strings.Fields(b.caption.String()), " "); c != "" {
			b.t.Title = c
		}
		built[b.idx] = b
	}

	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		tokLine := line
		nl := bytes.Count(raw, []byte{'\n'})
		tok := z.Token()
		var top *tableBuilder
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tt {
		case html.TextToken:
			switch {
			case inScript:
				doc.Scripts = append(doc.Scripts, textBlock{Text: tok.Data, Line: tokLine})
			case inStyle:
			case top != nil && top.inCapt:
				top.caption.WriteString(tok.Data)
			case top != nil && top.cell != nil:
				if inSup > 0 {
					break // footnote markers such as «Одобряю¹» are not part of the label
				}
				if strings.TrimSpace(top.cellBuf.String()) == "" {
					// Point the cell at its first non-blank text, which may
					// sit lines below the <td>.
					if i := strings.IndexFunc(tok.Data, func(r rune) bool { return !isSpaceRune(r) }); i >= 0 {
						top.cell.Line = tokLine + strings.Count(tok.Data[:i], "\n")
					}
				}
				top.cellBuf.WriteString(tok.Data)
			case top != nil:
				// Text between cells is formatting whitespace (or stray
				// text browsers would hoist out of the table); keep it as a
				// loose block so nothing disappears.
				if strings.TrimSpace(tok.Data) != "" {
					if looseLine == 0 {
						looseLine = tokLine
					}
					loose.WriteString(tok.Data)
					loose.WriteByte(' ')
				}
			default:
				if i := strings.IndexFunc(tok.Data, func(r rune) bool { return !isSpaceRune(r) }); i >= 0 && looseLine == 0 {
					looseLine = tokLine + strings.Count(tok.Data[:i], "\n")
				}
				loose.WriteString(tok.Data)
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name := tok.Data
			end := tt == html.EndTagToken
			selfClosing := tt == html.SelfClosingTagToken
			if blockTags[name] {
				if top != nil && top.cell != nil {
					top.cellBuf.WriteByte(' ') // <td><p>Не</p><p>одобряю</p></td> is two words
				} else {
					flush()
				}
			}
			switch name {
			case "script":
				inScript = !end && !selfClosing
			case "style":
				inStyle = !end && !selfClosing
			case "sup":
				if end {
					if inSup > 0 {
						inSup--
					}
				} else if !selfClosing {
					inSup++
				}
			case "br":
				if top != nil && top.cell != nil {
					top.cellBuf.WriteByte(' ')
				} else {
					loose.WriteByte(' ')
				}
			case "table":
				if !end {
					if top != nil {
						top.closeCell() // a nested table ends the outer cell's own text
					}
					b := &tableBuilder{idx: len(built), rows: &rows}
					built = append(built, nil)
					// Title: the last block of text since the previous table.
					title := ""
					if len(doc.Text) > textSinceTable {
						title = doc.Text[len(doc.Text)-1].Text
						for _, tb := range doc.Text[textSinceTable:] {
							b.t.Lead = append(b.t.Lead, tb.Text)
						}
					} else {
						title = lastTitle
					}
					b.t.Title = title
					stack = append(stack, b)
				} else if top != nil {
					finish(top)
					stack = stack[:len(stack)-1]
					lastTitle = top.t.Title
					textSinceTable = len(doc.Text)
				}
			case "caption":
				if top != nil {
					top.inCapt = !end
				}
			case "tr":
				if top != nil {
					top.closeRow(tokLine)
					if !end {
						top.inRow = true
						top.fillSpans(tokLine, false)
					}
				}
			case "td", "th":
				if top == nil {
					break
				}
				if end {
					top.closeCell()
					top.fillSpans(tokLine, false)
					break
				}
				top.closeCell()
				if !top.inRow {
					top.inRow = true
				}
				top.fillSpans(tokLine, false)
				top.cell = &cell{Line: tokLine}
				top.colspan = attrInt(tok, "colspan")
				top.rowspan = attrInt(tok, "rowspan")
				if top.rowspan > maxSpanLength {
					top.rowspan = maxSpanLength
				}
			case "thead", "tbody", "tfoot":
				if top != nil {
					top.closeRow(tokLine)
				}
			}
		}
		line += nl
		if rows >= probeRows && !probed && probe != nil {
			probed = true
			if err := probe(snapshot(doc, built, stack)); err != nil {
				return htmlDoc{}, err
			}
		}
	}
	flush()
	for len(stack) > 0 {
		finish(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
	}
	for _, b := range built {
		if b != nil {
			doc.Tables = append(doc.Tables, b.t)
		}
	}
	attachNotes(&doc)
	return doc, nil
}

// snapshot is the document of a page read so far: the finished tables and
// the open ones with their rows so far, in page order.
func snapshot(doc htmlDoc, built, open []*tableBuilder) htmlDoc {
	snap := htmlDoc{Text: slices.Clone(doc.Text), Scripts: slices.Clone(doc.Scripts)}
	tables := make([]*tableBuilder, len(built))
	copy(tables, built)
	for _, b := range open {
		tables[b.idx] = b
	}
	for _, b := range tables {
		if b != nil {
			t := b.t
			t.Rows = t.Rows[:len(t.Rows):len(t.Rows)]
			snap.Tables = append(snap.Tables, t)
		}
	}
	attachNotes(&snap)
	return snap
}

// attachNotes gives each table the text blocks that follow it, up to the
// start of the next table.
func attachNotes(doc *htmlDoc) {
	for i := range doc.Tables {
		from := tableLine(doc.Tables[i], false)
		to := int(^uint(0) >> 1)
		if i+1 < len(doc.Tables) {
			to = tableLine(doc.Tables[i+1], true)
		}
		// doc.Text is in page order, so in line order: the notes of a
		// table are a run of it, found by binary search rather than by a
		// scan per table (quadratic on a page of many tables).
		k := sort.Search(len(doc.Text), func(k int) bool { return doc.Text[k].Line > from })
		for ; k < len(doc.Text) && doc.Text[k].Line < to; k++ {
			doc.Tables[i].Notes = append(doc.Tables[i].Notes, doc.Text[k].Text)
		}
	}
}

// tableLine returns the first (first=true) or last line of a table's cells.
func tableLine(t table, first bool) int {
	l := 0
	for _, r := range t.Rows {
		for _, c := range r {
			if first && (l == 0 || c.Line < l) && c.Line > 0 {
				l = c.Line
			}
			if !first && c.Line > l {
				l = c.Line
			}
		}
	}
	return l
}

func isSpaceRune(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', '\u00a0', '\u2009', '\u202f', '\u2002', '\u2003', '\u200b':
		return true
	}
	return false
}
