package poll

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// vtsiomShares names the two tables (or rows, or columns) VTsIOM publishes.
var vtsiomShares = newVocabulary("approval", map[string]answerKind{
	"одобрение": ansApprove, "неодобрение": ansDisapprove, "не одобрение": ansDisapprove,
	"одобряют": ansApprove, "не одобряют": ansDisapprove,
	"approval": ansApprove, "disapproval": ansDisapprove, "approve": ansApprove, "disapprove": ansDisapprove,
})

// vtsiomPresident are the row labels of the president's row; the series
// tracks the office (Medvedev May 2008 – May 2012), hence Subject
// "President".
var vtsiomPresident = []string{"президент россии", "президент рф", "президент", "president of russia", "president of the russian federation", "president"}

// vtsiomCell is one value of the institution tables with its period.
type vtsiomCell struct {
	span dateSpan
	at   cell // the period's header cell
	val  [2]*cell
}

// ReadVTsIOM reads VTsIOM's approval ratings of state institutions
// (wciom.ru/ratings/dejatelnost-gosudarstvennykh-institutov/), saved as an
// HTML page or exported to CSV/TSV. VTsIOM publishes approval and
// disapproval as two tables, headed «Одобрение» and «Неодобрение», with
// institutions as rows and weekly periods as columns; this reader pairs the
// two by period for the row «Президент России» (WithSubject selects
// another institution by its printed name, e.g. WithSubject("Правительство
// России")). Tables for one institution with rows (or columns)
// «Одобрение»/«Неодобрение» are read too.
//
// Period headers are dates such as «Сент 28 2025», «28.09.2025», month
// abbreviations short or long (Фев/Февр, Июн/Июнь, Сент…), or a fieldwork
// range «22-28 сентября 2025». A single date is the last day of a
// seven-day week (Start = End − 6 days, the VTsIOM profile's FieldDays); a
// range is used as printed.
// Values have one decimal, with a decimal comma or point.
//
// VTsIOM publishes no "don't know" share: Undecided = 100 − approve −
// disapprove with UndecidedDerived set, and NaN (not derived) when either
// share is missing or the two add up to more than 100. Mode and sample size
// come from the VTsIOM profile at the end of fieldwork (phone since 2017,
// 11,200 a week since June 2018) unless WithMode/WithSampleSize say
// otherwise. Subject is "President" for the president's row, else the
// WithSubject name.
//
// A period with neither share is ErrMissing (VTsIOM's NA,NA weeks); every
// rejected cell or period is a *ParseError in the joined error, and the
// good polls are returned regardless. Input without the tables is
// ErrUnknownLayout, and so is a table whose pollster (source) column names
// another pollster than VTsIOM (or WithPollster's): the file is refused at
// that cell, with no polls, as ReadLevada does.
func ReadVTsIOM(r io.Reader, opts ...Option) ([]Poll, error) {
	cfg := newReadConfig(opts)
	subject := "President"
	names := vtsiomPresident
	if cfg.subject != "" {
		subject = cfg.subject
		names = []string{cfg.subject}
	}
	targets := make([]string, len(names)) // never write into the shared vtsiomPresident
	for i, n := range names {
		targets[i] = labelKey(n)
	}
	return readRelease(r, &cfg, func(doc htmlDoc, el *errorList) ([]Poll, *ParseError) {
		o := gridOptions{cfg: &cfg, pollster: pollsterName(&cfg, "VTsIOM"),
			subject: func(table, string) string { return subject }}
		// A week given by one date is the reporting period ending on it
		// (release-formats.md §3), FieldDays (7) long per the VTsIOM
		// profile; the page states that convention, so the span is not
		// approximate.
		o.days = perDay(lastDaySpan(cfg.profiles, o.pollster, "VTsIOM", false))
		gps, found := readGrid(doc.Tables, []vocabulary{vtsiomShares}, &o, el)
		if o.refused != nil {
			return nil, o.refused
		}
		secPolls, secFound := readVTsIOMSections(doc.Tables, targets, &o, el)
		if !found && !secFound {
			el.push(&ParseError{Line: 1,
				Err: fmt.Errorf("%w: no VTsIOM table headed «Одобрение»/«Неодобрение» with weekly columns", ErrUnknownLayout)})
			return nil, nil
		}
		return vtsiomPolls(append(gps, secPolls...), &cfg), nil
	})
}

// vtsiomPolls completes the polls read from VTsIOM's tables: the derived
// "don't know" and the profile's sample size.
func vtsiomPolls(gps []gridPoll, cfg *readConfig) []Poll {
	polls := make([]Poll, 0, len(gps))
	for _, gp := range gps {
		p := gp.p
		if !math.IsNaN(p.Approve) && !math.IsNaN(p.Disapprove) && math.IsNaN(p.Undecided) && p.Approve+p.Disapprove <= 100 {
			// Rounded to 0.1: keep the remainder at that precision so that
			// 100 − 75.4 − 14.6 prints as 10, not 9.999999999999995.
			p.Undecided = math.Round((100-p.Approve-p.Disapprove)*1e6) / 1e6
			p.Flags |= UndecidedDerived
		}
		if prof := cfg.profiles.profile(p.Pollster); prof != nil && cfg.sampleSize == 0 && p.SampleSize == 0 {
			p.SampleSize = prof.At(p.End).SampleSize
		}
		polls = append(polls, p)
	}
	return polls
}

// vtsiomSection returns which table a label or title opens: 0 for
// approval («Одобрение»), 1 for disapproval («Неодобрение»), -1 for
// neither. With exact the label must be the section's name alone;
// otherwise a title mentioning it («Одобрение деятельности
// государственных институтов») counts.
func vtsiomSection(text string, exact bool) int {
	key := labelKey(text)
	if exact {
		switch key {
		case "одобрение", "approval":
			return 0
		case "неодобрение", "не одобрение", "disapproval":
			return 1
		}
		return -1
	}
	switch {
	case strings.Contains(key, "неодобрение") || strings.Contains(key, "не одобрение") || strings.Contains(key, "disapproval"):
		return 1
	case strings.Contains(key, "одобрение") || strings.Contains(key, "approval"):
		return 0
	}
	return -1
}

// readVTsIOMSections reads the institution tables. Section («Одобрение» or
// «Неодобрение») and period header carry from row to row and, for the
// section, from table to table, so both the HTML form (two tables) and a
// CSV export of both tables one under the other are read.
func readVTsIOMSections(tables []table, targets []string, o *gridOptions, el *errorList) ([]gridPoll, bool) {
	found := false
	weeks := map[[2]time.Time]*vtsiomCell{}
	var order [][2]time.Time
	section := -1
	var targetSeen bool
	var firstHeader cell
	for _, t := range tables {
		if sec := vtsiomSection(t.Title, false); sec >= 0 {
			section = sec
		}
		var cols []int
		var spans []dateSpan
		var hdr []cell
		first := 0 // the first column of the period block (labels before it)
		// colSection is the section of each column under a header row
		// naming both sections side by side (a two-row header: «Одобрение»
		// and «Неодобрение» spanning their weeks, the dates below); each
		// label covers its column and those up to the next label.
		var colSection []int
		for _, row := range t.Rows {
			var at []int
			var secs []int
			// A row of one cell is a title («Неодобрение деятельности
			// государственных институтов, %» above a table of a CSV
			// export), matched like a table's title; otherwise cells
			// must be the bare section names.
			title := nonEmptyCells(row) == 1
			for j, c := range row {
				if sec := vtsiomSection(c.Text, !title); sec >= 0 {
					at, secs = append(at, j), append(secs, sec)
				}
			}
			switch {
			case len(at) == 1:
				section, colSection = secs[0], nil
			case len(at) > 1:
				section = secs[0]
				colSection = make([]int, len(row))
				for j := range colSection {
					colSection[j] = -1
				}
				for i, j := range at {
					end := len(row)
					if i+1 < len(at) {
						end = at[i+1]
					}
					for k := j; k < end; k++ {
						colSection[k] = secs[i]
					}
				}
			}
			if rc, rs, bad, ok := periodCells(row, o.cfg); ok {
				o.interpretDays(rs)
				cols, spans, hdr, first = rc, rs, row, firstPeriodColumn(rc, bad)
				if section >= 0 {
					found = true
					if firstHeader.Line == 0 {
						firstHeader = row[first]
					}
				}
				for _, j := range bad {
					el.add(row[j], row[j].Text, fmt.Errorf("%w: period header not understood; its column is skipped", ErrDate))
				}
				continue
			}
			if section < 0 || cols == nil {
				continue
			}
			label, _ := labelOf(row, first)
			key := labelKey(label)
			hit := false
			for _, tg := range targets {
				if key == tg {
					hit = true
					break
				}
			}
			if !hit {
				continue
			}
			// Labels are matched whole, so «Президент» does not catch
			// «Администрация президента»; a second row with the same label
			// in one section is reported below, not silently preferred.
			targetSeen = true
			for ci, j := range cols {
				sp := spans[ci]
				k := [2]time.Time{sp.Start, sp.End}
				w := weeks[k]
				if w == nil {
					w = &vtsiomCell{span: sp, at: hdr[j]}
					weeks[k] = w
					order = append(order, k)
				}
				c := cellAt(row, j, 0)
				sec := section
				if j < len(colSection) && colSection[j] >= 0 {
					sec = colSection[j]
				}
				if w.val[sec] != nil {
					el.add(c, c.Text, fmt.Errorf("%w: a second value for %s", ErrUnknownLayout, hdr[j].Text))
					continue
				}
				w.val[sec] = &c
			}
		}
	}
	if found && !targetSeen {
		el.push(&ParseError{Line: firstHeader.Line,
			Err: fmt.Errorf("%w: no row %q in the VTsIOM tables", ErrMissing, targets[0])})
	}
	var out []gridPoll
	for _, k := range order {
		w := weeks[k]
		s := newShares()
		good := true
		for sec, kind := range []answerKind{ansApprove, ansDisapprove} {
			if w.val[sec] == nil {
				continue
			}
			if !s.read(kind, *w.val[sec], [...]string{"Одобрение", "Неодобрение"}[sec], el) {
				good = false
			}
		}
		if !good {
			continue
		}
		p := s.toPoll(o, table{}, vtsiomShares.question)
		finishPoll(p, w.span, w.at, &s, o, el, &out, "")
	}
	return out, found
}
