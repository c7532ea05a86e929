package poll

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Answer tables: the layout shared by Levada's and FOM's releases, a grid of
// answer options (approve, disapprove, "hard to say", …) against survey
// periods, in either orientation:
//
//   - periods as columns: a header row of date cells (08.2020, май.08,
//     «23 августа 2020») and one row per answer option, labelled in the
//     first cells (Levada's indicator tables, FOM's small tables);
//   - periods as rows: a header row of answer labels and one row per
//     period, the period in the first cells, with bare year rows («2020»)
//     or a year on the first month of each block («2017 Aug.») carried
//     down to the month rows that follow (Levada's press releases).
//
// Tables are recognised by content — a date header and a labelled answer
// row, or a header of answer labels — never by position, so extra rows
// («Сумма»), extra columns, footnote marks and markup changes do not matter.

// answerKind is what a row (or column) of an answer table reports.
type answerKind uint8

const (
	ansNone answerKind = iota
	ansApprove
	ansDisapprove
	ansUndecided
	ansRefused
	ansDefYes
	ansRatherYes
	ansRatherNo
	ansDefNo
	ansMethod // Levada's «Метод опроса» row: the interview mode per month
	ansTotal  // «Сумма», "Total": a check row, not an answer
)

// vocabulary maps normalised labels (labelKey) to answer kinds for one
// question.
type vocabulary struct {
	question string
	// kinds returns the labels' answers, keyed by labelKey. It folds the
	// labels on first use: folding every reader's vocabulary when the
	// package starts took a third of poll's initialisation (0.28 ms) in
	// every program, most of which read no release that needs them.
	kinds func() map[string]answerKind
}

// commonKinds are the labels every question shares: every "don't know"
// wording of release-formats.md §2.1, §4 and §7 counts as undecided, the
// "don't want to answer" wordings as refused.
var commonKinds = map[string]answerKind{
	"нет ответа": ansUndecided, "затрудняюсь ответить": ansUndecided, "затруднились ответить": ansUndecided,
	"затрудняются ответить": ansUndecided, "затрудняюсь с ответом": ansUndecided, "трудно сказать": ansUndecided,
	"затрудняюсь ответить нет ответа": ansUndecided, "не знаю": ansUndecided, "затрудняюсь": ansUndecided,
	"no answer": ansUndecided, "it is difficult to say": ansUndecided, "it is difficult to answer": ansUndecided,
	"difficult to answer": ansUndecided, "difficult to say": ansUndecided, "hard to say": ansUndecided,
	"can't say": ansUndecided, "cannot say": ansUndecided, "don't know": ansUndecided, "dk": ansUndecided,
	"hard to answer":  ansUndecided,
	"отказ от ответа": ansRefused, "не хочу отвечать": ansRefused, "refused": ansRefused,
	"refuse to answer": ansRefused, "don't want to answer": ansRefused, "prefer not to say": ansRefused,
	"метод опроса": ansMethod, "метод": ansMethod, "способ опроса": ansMethod, "survey method": ansMethod,
	"method": ansMethod, "mode": ansMethod, "survey mode": ansMethod,
	"сумма": ansTotal, "итого": ansTotal, "всего": ansTotal, "total": ansTotal, "sum": ansTotal,
}

func newVocabulary(question string, own map[string]answerKind) vocabulary {
	return vocabulary{question: question, kinds: sync.OnceValue(func() map[string]answerKind {
		kinds := maps.Clone(commonKinds)
		for k, x := range own {
			kinds[labelKey(k)] = x
		}
		return kinds
	})}
}

// labelKey folds a printed label for vocabulary look-up: normalizeLabel,
// then punctuation that pollsters and scrapers use inconsistently
// («безусловно, да», "(Скорее) хорошо", "Approve.", "No.Answer",
// "hard_to_say") turned into spaces, footnote marks removed and
// typographic apostrophes straightened.
func labelKey(s string) string {
	s = normalizeLabel(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case ',', '.', ';', '(', ')', '«', '»', '"', '“', '”', '„', '_':
			return ' ' // "No.Answer", "hard_to_say", «безусловно, да»
		case '*', '¹', '²', '³':
			return -1
		case '’', '`', '´':
			return '\''
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// kind returns the answer a printed label stands for. A label joining
// wordings with slashes («Затрудняюсь ответить / нет ответа», "Hard to
// say/No answer") is that answer when every part names the same one; a
// slash between different answers (an ambiguous merged column) is none.
func (v vocabulary) kind(label string) answerKind {
	key := labelKey(label)
	kinds := v.kinds()
	if k, ok := kinds[key]; ok || !strings.Contains(key, "/") {
		return k
	}
	k := ansNone
	for _, part := range strings.Split(key, "/") {
		pk := kinds[strings.TrimSpace(part)]
		if pk == ansNone || (k != ansNone && pk != k) {
			return ansNone
		}
		k = pk
	}
	return k
}

// gridOptions are the reader-specific parts of reading an answer table.
type gridOptions struct {
	cfg      *readConfig
	pollster string
	// subject returns the Subject of the polls of table t for question q.
	subject func(t table, q string) string
	// days interprets, in place, the periods of one table (or chart) that
	// are single days: FOM's and VTsIOM's dates are the last days of their
	// fieldwork (perDay(lastDaySpan…)), Levada's monthly placeholders
	// stand for their months (monthPlaceholders); nil keeps the days.
	days func(spans []dateSpan)
	// fallback is the period of a table whose header holds no dates, found
	// in its caption or remark (FOM); ok=false when there is none.
	fallback func(t table) (dateSpan, cell, bool)
	// refused is set when a table shows that the file is not a release of
	// this reader's pollster (a pollster column naming another); reading
	// stops and the reader returns it alone.
	refused *ParseError
}

// perDay returns a days function applying f to each single-day period.
func perDay(f func(dateSpan) dateSpan) func([]dateSpan) {
	return func(spans []dateSpan) {
		for i, sp := range spans {
			if sp.Start.Equal(sp.End) && !sp.Approx {
				spans[i] = f(sp)
			}
		}
	}
}

// interpretDays applies o.days to spans, when set.
func (o *gridOptions) interpretDays(spans []dateSpan) {
	if o.days != nil {
		o.days(spans)
	}
}

// checkPollster checks the pollster a row's pollster (source) cell names,
// if any, against the reader's. A cell naming another pollster means the
// file is not one of the reader's releases (a series file of another
// pollster): o.refused is set and false returned. A cell holding an
// undecodable byte (U+FFFD; its line is reported already) is reported
// where it stands, and false returned too.
func (o *gridOptions) checkPollster(c cell, el *errorList) bool {
	name := strings.TrimSpace(c.Text)
	switch {
	case name == "":
		return true
	case strings.ContainsRune(name, utf8.RuneError):
		el.add(c, c.Text, fmt.Errorf("%w: pollster name", ErrEncoding))
		return false
	}
	if canon := o.cfg.profiles.CanonicalName(name); canon != o.pollster {
		o.refused = &ParseError{Line: c.Line, Column: c.Col, Value: c.Text, Err: fmt.Errorf(
			"%w: the pollster column names %s, not %s: not a %s release (read a series file with ReadCSV or Read)",
			ErrUnknownLayout, canon, o.pollster, o.pollster)}
		return false
	}
	return true
}

// gridPoll is a poll read from an answer table with where each of its
// values came from, so that later steps (methodology) can adjust it and
// errors can point at the right cell.
type gridPoll struct {
	p      Poll
	at     cell // the period's header cell (or row stub)
	method string
}

// cellAt returns row[i] or an empty cell positioned after the row's end (a
// ragged row is reported at the column where the value should be).
func cellAt(row []cell, i, line int) cell {
	if i < len(row) {
		return row[i]
	}
	if len(row) > 0 {
		line = row[0].Line
	}
	return cell{Line: line, Col: i + 1}
}

// dateLike reports whether a header cell that does not parse as a date was
// nevertheless meant as one (digits and month names only, like "13.2020"
// or "31 февраля 2021"), so that it is reported rather than ignored like
// the header of an extra column («Изменение», "Average").
func dateLike(s string) bool {
	toks, ok := tokenizeDate(trimFootnote(s))
	if !ok || len(toks) == 0 {
		// Unparseable punctuation: a date only if it is mostly digits.
		digits := 0
		for _, r := range s {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		return digits >= 4 && digits*2 >= utf8.RuneCountInString(strings.TrimSpace(s))
	}
	num := false
	for _, t := range toks {
		switch t.kind {
		case tokWord:
			return false
		case tokNum:
			num = true
		}
	}
	return num
}

// dateShaped reports whether s has the shape of a date, whatever its
// values: numeric with three parts or with a four-digit part ("01.0100",
// "31.02.2020", "13.2020"), or a month name with a number ("31 февраля
// 2021") — unlike a number with a point ("75.4"), which dateLike also
// accepts.
func dateShaped(s string) bool {
	s = trimFootnote(s)
	var parts [3]string
	switch n, _ := splitDate(s, &parts); n {
	case 3:
		return true
	case 2:
		return len(parts[0]) == 4 || len(parts[1]) == 4
	}
	toks, ok := tokenizeDate(s)
	if !ok {
		return false
	}
	k := kinds(toks)
	return strings.Contains(k, "m") && strings.Contains(k, "n")
}

// readShare parses a share cell: a number in 0–100, NaN when missing or
// printed only as a bound ("<1", below true; see parseShare). Footnote
// marks are ignored.
func readShare(c cell, el *errorList) (v float64, below, ok bool) {
	s := strings.TrimRight(strings.TrimSpace(c.Text), "*")
	v, below, missing, err := parseShare(s)
	if err != nil {
		el.add(c, c.Text, err)
		return math.NaN(), false, false
	}
	if missing || below {
		return math.NaN(), below, true
	}
	if v < 0 || v > 100 {
		el.add(c, c.Text, fmt.Errorf("%w: %g", ErrShareRange, v))
		return math.NaN(), false, false
	}
	return v, false, true
}

// shares accumulates the values of one period.
type shares struct {
	v      [ansTotal]float64
	has    [ansTotal]bool
	below  [ansTotal]bool // some part was printed only as a bound: the value is NaN
	cells  [ansTotal]cell
	labels []string
}

func newShares() shares {
	var s shares
	for i := range s.v {
		s.v[i] = math.NaN()
	}
	return s
}

// read parses share cell c (readShare) and records it as answer k with
// its printed label; false when the cell is unusable (reported in el).
func (s *shares) read(k answerKind, c cell, label string, el *errorList) bool {
	v, below, ok := readShare(c, el)
	if below {
		// The printed bound is kept with the label: "Нет ответа <1".
		s.below[k] = true
		label = strings.TrimSpace(label) + " " + strings.TrimSpace(c.Text)
	}
	if ok {
		s.set(k, v, c, label)
	}
	return ok
}

// set records a value; a second row of the same kind (two "hard to say"
// rows, say) is added to the first, since both are published parts of the
// same category.
func (s *shares) set(k answerKind, v float64, c cell, label string) {
	if s.has[k] && !math.IsNaN(s.v[k]) && !math.IsNaN(v) {
		s.v[k] += v
	} else if !s.has[k] || math.IsNaN(s.v[k]) {
		s.v[k] = v
		s.cells[k] = c
	}
	s.has[k] = true
	s.labels = append(s.labels, strings.TrimSpace(label))
}

// toPoll folds the shares into a Poll: the four-point scale into approve
// and disapprove with the detail kept (and FourPointScale set) when no
// binary row is published. It never renormalises.
func (s *shares) toPoll(o *gridOptions, t table, question string) Poll {
	if o.cfg.question != "" {
		question = o.cfg.question
	}
	p := Poll{
		Subject:  o.subject(t, question),
		Pollster: o.pollster, Question: question,
		Approve: s.v[ansApprove], Disapprove: s.v[ansDisapprove], Undecided: s.v[ansUndecided],
		Refused: s.v[ansRefused], AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
		// Levada, VTsIOM and FOM all sample the adult population (18+).
		Population: Adults,
		SampleSize: o.cfg.sampleSize, Labels: strings.Join(s.labels, "|"),
	}
	for k := range s.below {
		if s.below[k] {
			// A bound in one of two rows of a category (set adds them)
			// leaves the sum unknown too.
			s.v[k] = math.NaN()
			p.Flags |= BelowBound
		}
	}
	p.Approve, p.Disapprove, p.Undecided, p.Refused = s.v[ansApprove], s.v[ansDisapprove], s.v[ansUndecided], s.v[ansRefused]
	four := s.has[ansDefYes] || s.has[ansRatherYes] || s.has[ansRatherNo] || s.has[ansDefNo]
	if four {
		p.Detail = &FourPoint{DefinitelyYes: s.v[ansDefYes], RatherYes: s.v[ansRatherYes], RatherNo: s.v[ansRatherNo], DefinitelyNo: s.v[ansDefNo]}
		if !s.has[ansApprove] {
			p.Approve = s.v[ansDefYes] + s.v[ansRatherYes]
			p.Disapprove = s.v[ansRatherNo] + s.v[ansDefNo]
			p.Flags |= FourPointScale
		}
	}
	return p
}

// approveCell is where a missing-approve error points.
func (s *shares) approveCell(fallback cell) cell {
	for _, k := range []answerKind{ansApprove, ansDefYes, ansRatherYes, ansDisapprove} {
		if s.has[k] && s.cells[k].Line > 0 {
			return s.cells[k]
		}
	}
	return fallback
}

// finishPoll sets dates, checks the poll and either appends it or reports
// why not. at is the period's header cell.
func finishPoll(p Poll, sp dateSpan, at cell, s *shares, o *gridOptions, el *errorList, out *[]gridPoll, method string) {
	p.Start, p.End = sp.Start, sp.End
	if sp.Approx {
		p.Flags |= DateApprox
	}
	if sp.End.Before(sp.Start) {
		el.add(at, at.Text, fmt.Errorf("%w: fieldwork ends %s before it starts %s", ErrDateOrder, sp.End.Format(time.DateOnly), sp.Start.Format(time.DateOnly)))
		return
	}
	if math.IsNaN(p.Approve) && math.IsNaN(p.Disapprove) {
		c := s.approveCell(at)
		el.add(c, c.Text, fmt.Errorf("%w: no approve or disapprove value for %s", ErrMissing, at.Text))
		return
	}
	if o.cfg.source != "" {
		p.Source = o.cfg.source
	}
	if method != "" {
		// The «Метод опроса» cell as printed, for the record.
		p.Source = strings.TrimSpace(p.Source + " [" + method + "]")
	}
	p.Line = at.Line
	p.Mode = o.cfg.mode
	if p.Mode == ModeUnknown && method != "" {
		p.Mode = modeFromMethod(method)
	}
	if p.Mode == ModeUnknown {
		if prof := o.cfg.profiles.profile(p.Pollster); prof != nil {
			p.Mode = prof.ModeAt(p.End)
		}
	}
	if err := p.Validate(); err != nil {
		// Ranges were checked cell by cell; what is left concerns the
		// period as a whole (the sum), reported at its header.
		for _, e := range unwrapJoined(err) {
			var fe *FieldError
			if errors.As(e, &fe) {
				e = fe.Err
			}
			el.add(at, at.Text, e)
		}
		return
	}
	*out = append(*out, gridPoll{p: p, at: at, method: method})
}

// modeFromMethod reads a «Метод опроса» cell loosely, as
// release-formats.md §2.2 asks: anything mentioning a telephone (also
// abbreviated, «телеф.», «тел. опрос») or CATI is Phone, anything else
// face-to-face (the cells' exact wording was never captured).
func modeFromMethod(s string) Mode {
	t := strings.ToLower(s)
	if strings.Contains(t, "телеф") || strings.Contains(t, "cati") || strings.Contains(t, "phone") || slices.Contains(strings.FieldsFunc(t, func(r rune) bool { return !unicode.IsLetter(r) }), "тел") {
		return Phone
	}
	if m, err := ParseMode(s); err == nil && m != ModeUnknown {
		return m
	}
	return FaceToFace
}

// readGrid reads every answer table among tables for the first vocabulary
// (in order) that recognises it. It returns the polls, the question of
// each, and whether any table was recognised.
func readGrid(tables []table, vocabs []vocabulary, o *gridOptions, el *errorList) ([]gridPoll, bool) {
	var out []gridPoll
	found := false
	tables = mergeSplitTables(tables, vocabs)
	for _, t := range tables {
		for _, v := range vocabs {
			if readColumns(t, v, o, el, &out) || readRows(t, v, o, el, &out) {
				found = true
				break
			}
		}
		if o.refused != nil {
			return nil, true
		}
	}
	return out, found
}

// labelOf returns the label of a row in a periods-as-columns table: the
// last non-empty cell before the first period column (a first column may
// hold a row number or be empty). idx is its position.
func labelOf(row []cell, firstData int) (string, int) {
	for i := min(firstData, len(row)) - 1; i >= 0; i-- {
		if strings.TrimSpace(row[i].Text) != "" {
			return row[i].Text, i
		}
	}
	return "", -1
}

// findDateHeader returns the first row with period cells (periodCells)
// and which columns hold periods.
func findDateHeader(t table, cfg *readConfig) (hdr int, cols []int, spans []dateSpan, bad []int) {
	for r, row := range t.Rows {
		if cols, spans, bad, ok := periodCells(row, cfg); ok {
			return r, cols, spans, bad
		}
	}
	return -1, nil, nil, nil
}

// periodCells reads row as a header of periods: cols are the columns
// (from the second) holding dates, spans their periods, bad the columns
// meant as dates that are not (dateLike: "13.2020", "01.0100"). ok is
// false when the row is not such a header: no date, or more cells that
// merely look like numbers with points ("75.4") than dates. Cells shaped
// as dates but impossible (dateShaped: a year 0100, a 31 February) count
// with the dates, so that a header whose first columns are damaged is
// still the header, and each damaged column is reported; a row of such
// cells alone is a header too.
func periodCells(row []cell, cfg *readConfig) (cols []int, spans []dateSpan, bad []int, ok bool) {
	shaped, unshaped, other := 0, 0, 0
	for j := 1; j < len(row); j++ {
		txt := strings.TrimSpace(row[j].Text)
		if txt == "" {
			continue
		}
		if sp, ok := parseDate(txt, cfg); ok {
			cols = append(cols, j)
			spans = append(spans, sp)
			continue
		}
		switch {
		case !dateLike(txt):
			other++
			continue
		case dateShaped(txt):
			shaped++
		default:
			unshaped++
		}
		bad = append(bad, j)
	}
	if len(cols) == 0 {
		return nil, nil, bad, shaped > 0 && unshaped == 0 && other == 0
	}
	return cols, spans, bad, len(cols)+shaped >= unshaped
}

// firstPeriodColumn returns the first column of a header's period block,
// good or bad: the labels of the rows stand before it.
func firstPeriodColumn(cols, bad []int) int {
	if len(cols) == 0 || len(bad) > 0 && bad[0] < cols[0] {
		return bad[0]
	}
	return cols[0]
}

// readColumns reads a periods-as-columns table; false when t is not one.
func readColumns(t table, v vocabulary, o *gridOptions, el *errorList, out *[]gridPoll) bool {
	hdr, cols, spans, bad := findDateHeader(t, o.cfg)
	var fallback dateSpan
	var fbCell cell
	noDates := hdr < 0
	if noDates {
		if o.fallback == nil {
			return false
		}
		var ok bool
		if fallback, fbCell, ok = o.fallback(t); !ok {
			return false
		}
	}
	first := 1
	if !noDates {
		first = firstPeriodColumn(cols, bad)
	}
	type answerRow struct {
		kind  answerKind
		label string
		row   []cell
	}
	var rows []answerRow
	binary := false
	start := hdr + 1
	for _, row := range t.Rows[start:] {
		if !noDates && isDateRow(row, cols, o.cfg) {
			break // the header of a next block (VTsIOM prints two tables one under the other)
		}
		label, li := labelOf(row, first)
		if noDates {
			// Without a date header the label is the first non-numeric cell.
			label, li = "", -1
			for i, c := range row {
				if _, _, missing, err := parseShare(c.Text); err != nil && !missing {
					label, li = c.Text, i
					break
				}
			}
		}
		k := v.kind(label)
		if k == ansNone || li < 0 {
			continue
		}
		if k == ansApprove || k == ansDisapprove || (k >= ansDefYes && k <= ansDefNo) {
			binary = true
		}
		rows = append(rows, answerRow{k, label, row})
	}
	if !binary {
		return false
	}
	if noDates {
		// One period: the value column is the one right of the labels that
		// holds numbers in the approve row.
		cols, spans = nil, nil
		for _, ar := range rows {
			if ar.kind != ansApprove && ar.kind != ansDisapprove {
				continue
			}
			for j, c := range ar.row {
				if _, missing, err := parseNumber(c.Text); err == nil && !missing {
					cols = append(cols, j)
					spans = append(spans, fallback)
					break
				}
			}
			break
		}
		if len(cols) == 0 {
			return false
		}
	}
	for _, j := range bad {
		c := t.Rows[hdr][j]
		el.add(c, c.Text, fmt.Errorf("%w: period header not understood; its column is skipped", ErrDate))
	}
	o.interpretDays(spans)
	for ci, j := range cols {
		s := newShares()
		method := ""
		ok := true
		for _, ar := range rows {
			c := cellAt(ar.row, j, 0)
			switch ar.kind {
			case ansTotal:
				continue
			case ansMethod:
				method = strings.TrimSpace(c.Text)
				continue
			}
			if j >= len(ar.row) && !noDates {
				el.add(c, "", fmt.Errorf("%w: row %q ends before the column of %s", ErrFieldCount, short(strings.TrimSpace(ar.label)), t.Rows[hdr][j].Text))
				ok = false
				continue
			}
			if !s.read(ar.kind, c, ar.label, el) {
				ok = false
			}
		}
		if !ok {
			continue // the bad cell is reported; the period is not read half
		}
		at := fbCell
		if !noDates {
			at = t.Rows[hdr][j]
		}
		p := s.toPoll(o, t, v.question)
		p.Source = t.Title
		finishPoll(p, spans[ci], at, &s, o, el, out, method)
	}
	return true
}

// readRows reads a periods-as-rows table (press releases, series
// exports); false when t is not one. Every row below the header that names
// a period, or looks as if it meant to, is read or reported: an
// unreadable period (ErrDate), a period without a value (ErrMissing). A
// pollster (source) column is checked row by row (checkPollster).
func readRows(t table, v vocabulary, o *gridOptions, el *errorList, out *[]gridPoll) bool {
	hdr, methodCol, pollsterCol := -1, -1, -1
	var kindOf map[int]answerKind
	var labelOfCol map[int]string
	for r, row := range t.Rows {
		ks := map[int]answerKind{}
		ls := map[int]string{}
		binary := false
		mc, pc := -1, -1
		for j, c := range row {
			k := v.kind(c.Text)
			if k == ansMethod {
				mc = j // «Метод опроса» as a column: the mode of each month
			}
			if k == ansNone && (pc < 0 || headerKey(c.Text) == "pollster") {
				if f, ok := seriesColumn(c.Text); ok && f == serPollster {
					pc = j // pollster, else source or «Источник» (a canonical file's source is provenance)
				}
			}
			if k == ansNone || k == ansMethod {
				continue
			}
			ks[j], ls[j] = k, c.Text
			if k == ansApprove || k == ansDisapprove || (k >= ansDefYes && k <= ansDefNo) {
				binary = true
			}
		}
		if binary && len(ks) >= 2 {
			hdr, kindOf, labelOfCol, methodCol, pollsterCol = r, ks, ls, mc, pc
			break
		}
	}
	if hdr < 0 || datesUnder(t, hdr, kindOf, o.cfg) {
		return false
	}
	firstData := len(t.Rows[hdr])
	for j := range kindOf {
		firstData = min(firstData, j)
	}

	// First the period of every row, so that the table's single days are
	// interpreted together (o.days: Levada's monthly placeholders are a
	// property of the whole table).
	type period struct {
		row  []cell
		stub cell
		text string
		span dateSpan
	}
	var periods []period
	year := 0
	for _, row := range t.Rows[hdr+1:] {
		if pollsterCol >= 0 && pollsterCol < len(row) && !o.checkPollster(row[pollsterCol], el) {
			if o.refused != nil {
				return true
			}
			continue
		}
		// The stub: the non-empty cells before the first answer column
		// («2017», "Aug." under rowspan, or one cell «2017 Aug.»).
		var parts []string
		stub := cell{}
		for i := 0; i < firstData && i < len(row); i++ {
			if i == methodCol || i == pollsterCol {
				continue // not part of the period stub
			}
			if txt := strings.TrimSpace(row[i].Text); txt != "" {
				if len(parts) == 0 {
					stub = row[i]
				}
				parts = append(parts, txt)
			}
		}
		text := strings.Join(parts, " ")
		hasValues := false
		for j := range kindOf {
			if j < len(row) {
				if _, missing, _ := parseNumber(row[j].Text); !missing {
					hasValues = true
				}
			}
		}
		if len(row) > 0 && stub.Line == 0 {
			stub = cell{Line: row[0].Line, Col: 1}
		}
		if text == "" && !hasValues {
			continue
		}
		if v.kind(text) == ansTotal {
			continue
		}
		var sp dateSpan
		if y, m, ok := yearMonthCell(text); ok {
			switch {
			case m == 0: // a year row
				year = y
				if hasValues {
					el.add(stub, text, fmt.Errorf("%w: a year without a month", ErrDate))
				}
				continue
			case y == 0: // a month under the last year row
				if year == 0 {
					el.add(stub, text, fmt.Errorf("%w: month without a year row above it", ErrDate))
					continue
				}
				sp = monthSpan(year, m)
			default:
				year = y
				sp = monthSpan(y, m)
			}
		} else if d, ok := parseDate(text, o.cfg); ok {
			sp = d
		} else {
			if hasValues || dateLike(text) {
				el.add(stub, text, fmt.Errorf("%w: period not understood", ErrDate))
			}
			continue // otherwise a note under the table
		}
		if !hasValues {
			el.add(stub, text, fmt.Errorf("%w: no value for %s; the row is skipped", ErrMissing, text))
			continue
		}
		periods = append(periods, period{row, stub, text, sp})
	}
	spans := make([]dateSpan, len(periods))
	for i := range periods {
		spans[i] = periods[i].span
	}
	o.interpretDays(spans)

	for i, pr := range periods {
		row := pr.row
		s := newShares()
		ok := true
		for j := firstData; j < len(t.Rows[hdr]); j++ {
			k, isAns := kindOf[j]
			if !isAns || k == ansTotal {
				continue
			}
			c := cellAt(row, j, pr.stub.Line)
			if j >= len(row) {
				el.add(c, "", fmt.Errorf("%w: row %q ends before the column %q", ErrFieldCount, short(pr.text), short(labelOfCol[j])))
				ok = false
				continue
			}
			if !s.read(k, c, labelOfCol[j], el) {
				ok = false
			}
		}
		if !ok {
			continue
		}
		method := ""
		if methodCol >= 0 && methodCol < len(row) {
			method = strings.TrimSpace(row[methodCol].Text)
		}
		p := s.toPoll(o, t, v.question)
		p.Source = t.Title
		finishPoll(p, spans[i], pr.stub, &s, o, el, out, method)
	}
	return true
}

// datesUnder reports whether a row below the answer header hdr holds
// periods in the answer columns: then the answers head groups of period
// columns (VTsIOM's «Одобрение» and «Неодобрение» spanning their weeks
// over a row of dates), and the table's periods are not its rows.
func datesUnder(t table, hdr int, kindOf map[int]answerKind, cfg *readConfig) bool {
	cols := make([]int, 0, len(kindOf))
	for j := range kindOf {
		cols = append(cols, j)
	}
	for _, row := range t.Rows[hdr+1:] {
		if isDateRow(row, cols, cfg) {
			return true
		}
	}
	return false
}

// mergeSplitTables joins a label table with the data table that follows it
// (Levada's English indicator pages print the row names and the numbers as
// two tables): when a table holds only one column of text, some of it
// answer labels, and the next table has a date header but no labels, each
// data row gets the label of the same position prepended.
func mergeSplitTables(tables []table, vocabs []vocabulary) []table {
	var out []table
	for i := 0; i < len(tables); i++ {
		t := tables[i]
		if i+1 < len(tables) && isLabelTable(t, vocabs) {
			d := tables[i+1]
			if hdr, _, _, _ := findDateHeader(d, nil); hdr >= 0 && !hasLabels(d, hdr, vocabs) {
				labels := alignLabels(nonEmptyFirstCells(t), len(d.Rows), hdr, vocabs)
				data := d.Rows
				if len(labels) == len(data) {
					m := table{Title: d.Title, Notes: d.Notes}
					if m.Title == "" {
						m.Title = t.Title
					}
					for r, row := range data {
						nr := append([]cell{labels[r]}, row...)
						m.Rows = append(m.Rows, nr)
					}
					out = append(out, m)
					i++
					continue
				}
			}
		}
		out = append(out, t)
	}
	return out
}

// alignLabels lines up the row labels of a split table's label table with
// the rows of its data table (rows data rows, the period header at hdr):
// the label table may or may not have a cell for the header, and may hold
// extra rows above the labels (the indicator's title, an empty row),
// which are dropped provided none of them is an answer label. It returns
// one label per data row, or labels unchanged when they do not fit.
func alignLabels(labels []cell, rows, hdr int, vocabs []vocabulary) []cell {
	for _, want := range []int{rows, rows - hdr - 1} {
		extra := len(labels) - want
		if want <= 0 || extra < 0 {
			continue
		}
		known := false
		for _, c := range labels[:extra] {
			for _, v := range vocabs {
				known = known || v.kind(c.Text) != ansNone
			}
		}
		if known {
			continue
		}
		return append(make([]cell, rows-want), labels[extra:]...)
	}
	return labels
}

func isLabelTable(t table, vocabs []vocabulary) bool {
	known := 0
	for _, row := range t.Rows {
		n := 0
		for _, c := range row {
			if strings.TrimSpace(c.Text) != "" {
				n++
				for _, v := range vocabs {
					if k := v.kind(c.Text); k == ansApprove || k == ansDisapprove {
						known++
						break
					}
				}
			}
		}
		if n > 1 {
			return false
		}
	}
	return known > 0
}

func hasLabels(t table, hdr int, vocabs []vocabulary) bool {
	for _, row := range t.Rows[hdr+1:] {
		for _, c := range row {
			for _, v := range vocabs {
				if v.kind(c.Text) != ansNone {
					return true
				}
			}
		}
	}
	return false
}

// nonEmptyFirstCells returns, per row, the row's only text cell (or an
// empty cell), keeping one entry per row.
func nonEmptyFirstCells(t table) []cell {
	out := make([]cell, 0, len(t.Rows))
	for _, row := range t.Rows {
		c := cell{}
		for _, x := range row {
			if strings.TrimSpace(x.Text) != "" {
				c = x
				break
			}
		}
		out = append(out, c)
	}
	return out
}

// isDateRow reports whether row holds a period in any of the columns cols.
func isDateRow(row []cell, cols []int, cfg *readConfig) bool {
	for _, j := range cols {
		if j < len(row) {
			if _, ok := parseDate(row[j].Text, cfg); ok {
				return true
			}
		}
	}
	return false
}
