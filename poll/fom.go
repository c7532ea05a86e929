package poll

import (
	"fmt"
	"io"
	"strings"
)

// fomApproval is the vocabulary of FOM's question «Как вы считаете,
// президент Путин работает на своём посту скорее хорошо или скорее
// плохо?» (release-formats.md §4). It is a performance rating, not
// approval; the printed labels kept in Poll.Labels record the wording.
var fomApproval = newVocabulary("approval", map[string]answerKind{
	"хорошо": ansApprove, "скорее хорошо": ansApprove, "плохо": ansDisapprove, "скорее плохо": ansDisapprove,
	"well": ansApprove, "rather well": ansApprove, "good": ansApprove, "badly": ansDisapprove,
	"rather badly": ansDisapprove, "bad": ansDisapprove, "poorly": ansDisapprove,
})

// dateInText returns the first phrase of running text (a chart remark or
// caption) that names a day or a range of days in one of the month-name
// forms (parseMonthNameDate): «23 августа 2020», «25–27 ноября 2022
// года», «30 октября – 1 ноября 2020», "Aug 23, 2020". A month alone
// («август 2020») is not a fieldwork date. It reads the text once as date
// tokens, trying the phrases that start at each token against the next
// few, so its time is proportional to the text's length (a regular
// expression over the whole text took 18 s for a 50 MB line).
func dateInText(text string) (dateSpan, bool) {
	const span = 8 // the most tokens a phrase holds (monthNameDate)
	var win [span]dateTok
	n := 0
	var sp dateSpan
	found := false
	// phraseAt tries the phrases starting at win[0], longest first. A
	// phrase starts with a day or a month and holds a month.
	phraseAt := func() bool {
		if k := win[0].kind; k != tokNum && k != tokMonth {
			return false
		}
		month := false
		for _, t := range win[:n] {
			month = month || t.kind == tokMonth
		}
		if !month {
			return false
		}
		for l := n; l >= 2; l-- {
			if d, ok := monthNameDate(win[:l]); ok && !d.Approx {
				sp, found = d, true
				return true
			}
		}
		return false
	}
	scanDateTokens(text, func(t dateTok) bool {
		win[n] = t
		if n++; n < span {
			return true
		}
		if phraseAt() {
			return false
		}
		copy(win[:], win[1:])
		n--
		return true
	})
	for ; !found && n >= 2; n-- {
		if phraseAt() {
			break
		}
		copy(win[:], win[1:n])
	}
	return sp, found
}

// fomFallbackDate finds the period of a FOM table without dated columns in
// its caption or title, else in the text above it back to the previous
// table, nearest first (a heading «Опрос 21–23 августа 2020 г.» above the
// question), else in the remark after it.
func fomFallbackDate(t table) (dateSpan, cell, bool) {
	at := cell{}
	if len(t.Rows) > 0 && len(t.Rows[0]) > 0 {
		at = cell{Line: t.Rows[0][0].Line}
	}
	texts := []string{t.Title}
	for i := len(t.Lead) - 1; i >= 0; i-- {
		texts = append(texts, t.Lead[i])
	}
	texts = append(texts, t.Notes...)
	for i, s := range texts {
		if i > 0 && s == texts[0] {
			continue // the title is often the first note too: search it once
		}
		if sp, ok := dateInText(s); ok {
			at.Text = s
			return sp, at, true
		}
	}
	return dateSpan{}, cell{}, false
}

// ReadFOM reads a release of the Public Opinion Foundation (ФОМ): an HTML
// page saved from fom.ru or a CSV/TSV export. It reads the tables with rows
// «Хорошо / Плохо / Затрудняюсь ответить» (also «(Скорее) хорошо»), with
// one or several dated columns, or with dates as rows; a table without
// dated columns takes its date from its caption or chart remark («23
// августа 2020»). Newer pages that embed the chart as Highcharts options in
// a <script> are read too: series are identified by their names
// («Хорошо», «Плохо», «Затрудняюсь ответить»), never by position, and the
// dates come from the chart's categories; a series' data may be numbers,
// point objects ({y: 58, color: …}) or [x, y] pairs.
//
// Dates: a fieldwork range given in full («25–27 ноября 2022») is used as
// is; a single date is the last day of FOM's Friday–Sunday omnibus, so the
// poll spans that day and the two before it (the FOM profile's FieldDays),
// with DateApprox set because the start is inferred. Pollster "FOM", Question "approval" (FOM's
// хорошо/плохо performance rating, kept apart by its Labels), Subject
// "Putin" unless WithSubject; mode from the FOM profile (face-to-face)
// unless WithMode.
//
// The error joins a *ParseError per rejected cell or period; the good
// polls are returned regardless. Input with no such table or chart is
// ErrUnknownLayout, and so is a table whose pollster (source) column names
// another pollster than FOM (or WithPollster's), as ReadLevada does.
func ReadFOM(r io.Reader, opts ...Option) ([]Poll, error) {
	cfg := newReadConfig(opts)
	return readRelease(r, &cfg, func(doc htmlDoc, el *errorList) ([]Poll, *ParseError) {
		o := gridOptions{cfg: &cfg, pollster: pollsterName(&cfg, "FOM"), fallback: fomFallbackDate,
			subject: func(table, string) string {
				if cfg.subject != "" {
					return cfg.subject
				}
				return "Putin"
			}}
		// A single date is the last day of the omnibus, whose length
		// (Profile.FieldDays, 3 for FOM's Friday–Sunday «ФОМнибус») comes
		// from the profile; the first day is inferred, hence DateApprox.
		o.days = perDay(lastDaySpan(cfg.profiles, o.pollster, "FOM", true))
		gps, found := readGrid(doc.Tables, []vocabulary{fomApproval}, &o, el)
		if o.refused != nil {
			return nil, o.refused
		}
		for _, s := range doc.Scripts {
			if charts := readHighcharts(s, fomApproval, &o, el); charts != nil {
				gps = append(gps, charts...)
				found = true
			}
		}
		if !found {
			el.push(&ParseError{Line: 1,
				Err: fmt.Errorf("%w: no FOM table (rows «Хорошо»/«Плохо» with a date) or Highcharts series found", ErrUnknownLayout)})
			return nil, nil
		}
		return gridPolls(gps), nil
	})
}

var (
	hcCategoriesRE = pattern(`categories\s*:\s*\[`)
	hcNameRE       = pattern(`name\s*:\s*(?:'([^'\n]*)'|"([^"\n]*)")`)
	hcDataRE       = pattern(`data\s*:\s*\[`)
	hcStringRE     = pattern(`'([^'\n]*)'|"([^"\n]*)"`)
	hcTitleRE      = pattern(`title\s*:\s*\{\s*text\s*:\s*(?:'([^'\n]*)'|"([^"\n]*)")`)
)

// scanJS walks s from i, skipping quoted strings (with backslash escapes),
// and calls visit for every other byte with the bracket depth before that
// byte ('[' and '{' open, ']' and '}' close). visit returns true to stop;
// scanJS returns the index it stopped at, or -1 at the end of s. Both
// array helpers below need exactly this lexical walk.
func scanJS(s string, i int, visit func(j int, c byte, depth int) bool) int {
	depth := 0
	var quote byte
	for j := i; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == '\\' {
				j++
			} else if c == quote {
				quote = 0
			}
			continue
		case c == '\'' || c == '"':
			quote = c
			continue
		}
		if visit(j, c, depth) {
			return j
		}
		switch c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
		}
	}
	return -1
}

// bracketed returns the text between the '[' ending at i and its matching
// ']', skipping nested brackets and braces ([[x, y], …], [{y: 58}, …]) and
// quoted strings, and where it ends.
func bracketed(s string, i int) (string, int, bool) {
	j := scanJS(s, i, func(_ int, c byte, depth int) bool {
		return (c == ']' || c == '}') && depth == 0
	})
	if j < 0 {
		return "", 0, false
	}
	return s[i:j], j, s[j] == ']'
}

// splitElements splits the body of a JavaScript array at its top-level
// commas, returning each element with its byte offset in body.
func splitElements(body string) (elems []string, offs []int) {
	start := 0
	scanJS(body, 0, func(j int, c byte, depth int) bool {
		if c == ',' && depth == 0 {
			elems, offs = append(elems, body[start:j]), append(offs, start)
			start = j + 1
		}
		return false
	})
	return append(elems, body[start:]), append(offs, start)
}

// hcYRE finds the y value of a Highcharts point object {y: 58, …}.
var hcYRE = pattern(`(?:^|[{,\s])["']?y["']?\s*:\s*([^,}\s]+)`)

// chartValue returns the share a Highcharts data element holds: a number
// or null as it stands, the y of a point object {y: 58, color: …}, or the
// last element of a pair [x, 58]. An object without y is returned whole,
// to be reported as an unreadable number.
func chartValue(elem string) string {
	t := strings.TrimSpace(elem)
	switch {
	case strings.HasPrefix(t, "{"):
		if m := hcYRE().FindStringSubmatch(t); m != nil {
			t = m[1]
		}
	case strings.HasPrefix(t, "["):
		if inner, _, ok := bracketed(t, 1); ok {
			parts, _ := splitElements(inner)
			t = strings.TrimSpace(parts[len(parts)-1])
		}
	}
	if t == "null" {
		t = ""
	}
	return t
}

// readHighcharts reads a Highcharts chart embedded in a script: the
// categories array gives the dates, and each series whose name the
// vocabulary knows gives one share per date. It returns nil when the
// script holds no such chart. Cells are positioned at the script line of
// each array with Column = the element's 1-based index.
func readHighcharts(s textBlock, v vocabulary, o *gridOptions, el *errorList) []gridPoll {
	src := s.Text
	loc := hcCategoriesRE().FindStringIndex(src)
	if loc == nil {
		return nil
	}
	// lineAt counts lines from the last offset asked for, not from the
	// start: offsets mostly grow (the elements of one array), and counting
	// from the start for each of them made a long chart quadratic.
	lastOff, lastLine := 0, s.Line
	lineAt := func(off int) int {
		if off < lastOff {
			lastOff, lastLine = 0, s.Line
		}
		lastLine += strings.Count(src[lastOff:off], "\n")
		lastOff = off
		return lastLine
	}
	inner, _, ok := bracketed(src, loc[1])
	if !ok {
		return nil
	}
	var dates []cell
	for _, m := range hcStringRE().FindAllStringSubmatchIndex(inner, -1) {
		a, b := m[2], m[3]
		if a < 0 {
			a, b = m[4], m[5]
		}
		dates = append(dates, cell{Text: inner[a:b], Line: lineAt(loc[1] + a), Col: len(dates) + 1})
	}
	type series struct {
		kind  answerKind
		label string
		cells []cell
	}
	var ss []series
	binary := false
	for _, nm := range hcNameRE().FindAllStringSubmatchIndex(src, -1) {
		name := ""
		if nm[2] >= 0 {
			name = src[nm[2]:nm[3]]
		} else {
			name = src[nm[4]:nm[5]]
		}
		k := v.kind(name)
		if k == ansNone || k == ansMethod || k == ansTotal {
			continue
		}
		// The series' data array is the next one after its name.
		dl := hcDataRE().FindStringIndex(src[nm[1]:])
		if dl == nil {
			continue
		}
		start := nm[1] + dl[1]
		body, _, ok := bracketed(src, start)
		if !ok {
			continue
		}
		var cells []cell
		parts, offs := splitElements(body)
		for e, part := range parts {
			lead := len(part) - len(strings.TrimLeft(part, " \t\n"))
			cells = append(cells, cell{Text: chartValue(part), Line: lineAt(start + offs[e] + lead), Col: len(cells) + 1})
		}
		if strings.TrimSpace(body) == "" {
			cells = nil
		}
		ss = append(ss, series{k, name, cells})
		if k == ansApprove || k == ansDisapprove {
			binary = true
		}
	}
	if !binary || len(dates) == 0 {
		return nil
	}
	var out []gridPoll
	t := table{}
	if m := hcTitleRE().FindStringSubmatch(src); m != nil {
		t.Title = m[1] + m[2]
	}
	spans := make([]dateSpan, len(dates))
	parsed := make([]bool, len(dates))
	for i, dc := range dates {
		spans[i], parsed[i] = parseDate(dc.Text, o.cfg)
	}
	o.interpretDays(spans)
	for i, dc := range dates {
		sp := spans[i]
		if !parsed[i] {
			el.add(dc, dc.Text, fmt.Errorf("%w: chart category not understood", ErrDate))
			continue
		}
		sh := newShares()
		good := true
		for _, se := range ss {
			if i >= len(se.cells) {
				c := cell{Line: dc.Line, Col: i + 1}
				el.add(c, "", fmt.Errorf("%w: series %q has no value for %s", ErrFieldCount, se.label, dc.Text))
				good = false
				continue
			}
			if !sh.read(se.kind, se.cells[i], se.label, el) {
				good = false
			}
		}
		if !good {
			continue
		}
		p := sh.toPoll(o, t, v.question)
		p.Source = t.Title
		finishPoll(p, sp, dc, &sh, o, el, &out, "")
	}
	return out
}
