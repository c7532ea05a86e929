package poll

import (
	"fmt"
	"io"
	"strings"
)

// levadaApproval and levadaDirection are the answer vocabularies of
// Levada's approval indicator (binary and four-point, release-formats.md
// §2.1) and of its "right direction / wrong track" indicator, which shares
// the same tables and pages.
var (
	levadaApproval = newVocabulary("approval", map[string]answerKind{
		"одобряю": ansApprove, "не одобряю": ansDisapprove, "одобряют": ansApprove, "не одобряют": ansDisapprove,
		"approve": ansApprove, "disapprove": ansDisapprove, "approve of": ansApprove, "do not approve": ansDisapprove,
		"don't approve": ansDisapprove,
		"безусловно да": ansDefYes, "скорее да": ansRatherYes, "скорее нет": ansRatherNo, "безусловно нет": ansDefNo,
		"определенно да": ansDefYes, "определенно нет": ansDefNo, "да безусловно": ansDefYes, "нет безусловно": ansDefNo,
		"безусловно одобряю": ansDefYes, "скорее одобряю": ansRatherYes, "скорее не одобряю": ansRatherNo, "безусловно не одобряю": ansDefNo,
		"definitely yes": ansDefYes, "rather yes": ansRatherYes, "rather no": ansRatherNo, "definitely no": ansDefNo,
		"definitely approve": ansDefYes, "rather approve": ansRatherYes, "rather disapprove": ansRatherNo, "definitely disapprove": ansDefNo,
	})
	levadaDirection = newVocabulary("direction", map[string]answerKind{
		"в правильном направлении": ansApprove, "по неверному пути": ansDisapprove, "по неправильному пути": ansDisapprove,
		"дела идут в правильном направлении": ansApprove, "события ведут нас по неверному пути": ansDisapprove,
		"in the right direction": ansApprove, "right direction": ansApprove, "on the right track": ansApprove,
		"on the wrong track": ansDisapprove, "wrong track": ansDisapprove, "on the wrong path": ansDisapprove, "wrong path": ansDisapprove,
	})
)

// levadaSubjects name the institution an approval table is about, from
// words in its title; Putin, the reason this reader exists, is tried first
// and is the default when the title names none.
var levadaSubjects = []struct{ cue, subject string }{
	{"путин", "Putin"}, {"putin", "Putin"}, {"президент", "Putin"}, {"president", "Putin"},
	{"мишустин", "Mishustin"}, {"mishustin", "Mishustin"}, {"медведев", "Medvedev"}, {"medvedev", "Medvedev"},
	{"премьер", "Prime Minister"}, {"prime minister", "Prime Minister"},
	{"правительств", "Government"}, {"government", "Government"},
	{"дум", "Duma"}, {"duma", "Duma"}, {"совет федерации", "Federation Council"}, {"federation council", "Federation Council"},
	{"губернатор", "Governors"}, {"governor", "Governors"},
}

func levadaSubject(cfg *readConfig) func(t table, q string) string {
	return func(t table, q string) string {
		if cfg.subject != "" {
			return cfg.subject
		}
		if q == "direction" {
			return "Russia"
		}
		title := strings.ToLower(t.Title)
		for _, s := range levadaSubjects {
			if strings.Contains(title, s.cue) {
				return s.subject
			}
		}
		return "Putin"
	}
}

// pollsterName is WithPollster's name, canonicalised, or def.
func pollsterName(cfg *readConfig, def string) string {
	if strings.TrimSpace(cfg.pollster) != "" {
		return cfg.profiles.CanonicalName(cfg.pollster)
	}
	return def
}

// ReadLevada reads a Levada Center release: an HTML page saved from
// levada.ru (Russian or English) or a CSV/TSV export of its tables. It
// finds every approval (and "right direction") table by content and
// returns one Poll per survey month, in table order, plus an error joining
// a *ParseError for every cell or period it rejected; the good polls are
// returned regardless.
//
// Layouts (release-formats.md §2): the indicator table with months as
// columns headed MM.YYYY, answer rows «Одобряю / Не одобряю / Нет ответа»
// or "Approve / Disapprove / No answer" and an optional «Метод опроса» row;
// the English site's split form (labels and numbers in two tables); press
// releases with months as rows grouped under year rows («2020», «ноя.»,
// «окт.» …) or "2017 Aug." rows; two-digit-year months (май.08, "Nov.00");
// the four-point scale («безусловно да / скорее да / скорее нет /
// безусловно нет»), folded into approve and disapprove with Detail kept and
// FourPointScale set. Every "don't know" wording counts as undecided; the
// printed labels are kept in Poll.Labels. A share printed as a bound
// («Нет ответа» "<1", «менее 1») is NaN, the month is kept with BelowBound
// set and the cell's text appended to its label in Labels.
//
// A month's poll spans the calendar month with DateApprox set (so do the
// single days of a table that are a spreadsheet's or scraper's
// placeholders for months, 01.08.2020 or 2020-08-15: each on the 1st or the
// 15th and no two in one month; see monthPlaceholders. Other days, such as
// a weekly series' dates, are kept as printed). Its mode is
// WithMode's, else the «Метод опроса» cell, in a row or (months as rows)
// a column (telephone/CATI → Phone, else FaceToFace; the raw text is
// appended to Source), else the Levada profile's (telephone April–July
// 2020). When the page carries the
// methodology block («Опрос проведен 19-26 августа 2021 года … объемом
// 1619 человек …»), the poll of the surveyed month gets its exact
// fieldwork dates, sample size and mode instead, without DateApprox.
//
// Question is "approval" (or "direction"); Subject is "Putin" unless the
// table's title names another institution ("Government", "Duma", …) or
// WithSubject says otherwise. Population is Adults. Source is WithSource's
// name, else the table's title. Line is the line of the period's header
// cell (months as columns) or of its row (months as rows). Input with no
// recognisable table is ErrUnknownLayout.
//
// Errors concerning one cell (an unreadable number, a share outside 0–100)
// point at that cell; errors concerning a whole period (shares summing to
// more than 100 + ShareSumTolerance, no share at all, reversed dates) point
// at the period's cell: its column header, or the first cell of its row
// when months are rows. A reversed methodology block is reported at its
// line with Column 0 and not applied. A period row without any value, a
// row whose period cannot be read, and a last row cut short by a
// truncated file are reported too; nothing is skipped silently.
//
// A table with a pollster (source) column is read only when every row
// names Levada (or WithPollster's pollster): a series file of VTsIOM or FOM
// is refused with one *ParseError wrapping ErrUnknownLayout at the first
// cell naming another pollster, and no polls (read such files with
// ReadCSV, or Read). A delimited export whose first 1,000 records give no
// Levada poll is refused there, without reading the rest.
func ReadLevada(r io.Reader, opts ...Option) ([]Poll, error) {
	cfg := newReadConfig(opts)
	return readRelease(r, &cfg, func(doc htmlDoc, el *errorList) ([]Poll, *ParseError) {
		o := gridOptions{cfg: &cfg, pollster: pollsterName(&cfg, "Levada"), subject: levadaSubject(&cfg), days: monthPlaceholders}
		return readAnswerTables(doc, &o, []vocabulary{levadaApproval, levadaDirection}, el, "Levada",
			"a header of months and an «Одобряю»/\"Approve\" row, or a header of answers and rows of months; "+
				"float-damaged month headers such as 8.202 need WithLegacyDates")
	})
}

// monthPlaceholders reads the single days of a Levada table as the months
// they stand for when they are placeholders: each on the 1st or the 15th,
// and no two in one month (release-formats.md §6: a spreadsheet turns the
// header 08.2020 into the date 01.08.2020; a scraper dates every month on
// the 15th). Levada polls for a week or more and publishes months, never a
// one-day period, so such days in its monthly tables are not fieldwork.
// Days that are not placeholders — weekly dates, whatever their day of the
// month — are kept as printed.
func monthPlaceholders(spans []dateSpan) {
	months := map[[2]int]bool{}
	for _, sp := range spans {
		if !sp.Start.Equal(sp.End) || sp.Approx {
			continue
		}
		y, m, d := sp.End.Date()
		if d != 1 && d != 15 || months[[2]int{y, int(m)}] {
			return
		}
		months[[2]int{y, int(m)}] = true
	}
	for i, sp := range spans {
		if sp.Start.Equal(sp.End) && !sp.Approx {
			spans[i] = monthSpan(sp.End.Year(), sp.End.Month())
		}
	}
}

// readAnswerTables is the body of ReadLevada: read the answer tables of
// doc, apply the methodology block. A file that is not the reader's
// (gridOptions.refused) gives no polls and the refusal.
func readAnswerTables(doc htmlDoc, o *gridOptions, vocabs []vocabulary, el *errorList, who, want string) ([]Poll, *ParseError) {
	gps, found := readGrid(doc.Tables, vocabs, o, el)
	if o.refused != nil {
		return nil, o.refused
	}
	if !found {
		el.push(&ParseError{Line: 1,
			Err: fmt.Errorf("%w: no %s answer table found (want %s)", ErrUnknownLayout, who, want)})
		return nil, nil
	}
	if m, ok := findMethodology(doc.Text); ok {
		if m.Fieldwork.End.Before(m.Fieldwork.Start) {
			el.addRow(m.Line, "", fmt.Errorf("%w: methodology fieldwork ends %s before it starts %s; not applied",
				ErrDateOrder, m.Fieldwork.End.Format("2006-01-02"), m.Fieldwork.Start.Format("2006-01-02")))
		} else {
			applyMethodology(gps, m, o.cfg)
		}
	}
	return gridPolls(gps), nil
}

// gridPolls returns the polls of gps.
func gridPolls(gps []gridPoll) []Poll {
	polls := make([]Poll, len(gps))
	for i, gp := range gps {
		polls[i] = gp.p
	}
	return polls
}
