package poll

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Series-file columns (Date, Approve, Disapprove, a "don't know" column, a
// pollster column), matched by headerKey.
const (
	serDate = iota
	serApprove
	serDisapprove
	serUndecided
	serPollster
	numSeries
)

var seriesKeys = map[string]int{
	"date": serDate, "дата": serDate, "month": serDate, "месяц": serDate, "week": serDate, "неделя": serDate,

	"approve": serApprove, "approval": serApprove, "одобряю": serApprove, "одобряют": serApprove, "одобрение": serApprove,
	"хорошо": serApprove, "in the right direction": serApprove,

	"disapprove": serDisapprove, "disapproval": serDisapprove, "не одобряю": serDisapprove, "не одобряют": serDisapprove,
	"неодобрение": serDisapprove, "плохо": serDisapprove, "on the wrong track": serDisapprove,

	"undecided": serUndecided, "dont know": serUndecided,

	"source": serPollster, "pollster": serPollster, "источник": serPollster,
}

// seriesColumn maps a series file's column header to its field: the
// names of seriesKeys, or any "don't know" or "refused" wording the
// release readers accept (commonKinds: «Затруднились ответить», "It is
// difficult to say", "No.Answer", "hard_to_say", …) for the undecided
// column, so that both readers count the same wordings.
func seriesColumn(header string) (int, bool) {
	if j, ok := seriesKeys[headerKey(header)]; ok {
		return j, true
	}
	if commonKinds[labelKey(header)] == ansUndecided {
		return serUndecided, true
	}
	return 0, false
}

// readSeries reads the rows of a simple series file after its header:
// Date, Approve, Disapprove, an optional "don't know" column and an
// optional pollster ("source") column; other columns (Putin_Index, Net…)
// are ignored.
//
// The dates of such files are not fieldwork windows, so the whole file is
// looked at before any date is interpreted (seriesDates). When the file has
// no "don't know" column the undecided share is the remainder
// 100 − approve − disapprove, flagged UndecidedDerived.
func readSeries(d *delimited, idx *[numSeries]int, hdrLine, width int, cfg *readConfig, direction bool, el *errorList) []Poll {
	missing := false
	for _, c := range []struct {
		col  int
		name string
	}{{serApprove, "approve"}, {serDisapprove, "disapprove"}} {
		if idx[c.col] < 0 {
			el.push(missingColumn(hdrLine, c.name))
			missing = true
		}
	}
	if idx[serPollster] < 0 && cfg.pollster == "" {
		el.push(&ParseError{Line: hdrLine, Value: "source", Err: fmt.Errorf("%w: no pollster or source column; name the pollster with WithPollster", ErrMissingColumn)})
		missing = true
	}
	if missing {
		return nil
	}
	question := cfg.question
	if question == "" {
		question = "approval"
		if direction {
			question = "direction"
		}
	}
	pc := newPollsterCache(cfg.profiles)
	type pending struct {
		p    Poll
		pi   pollsterInfo
		row  []cell
		span dateSpan
	}
	var rows []pending
	for {
		row, ok := d.nextRow(width, el)
		if !ok {
			break
		}
		row = append([]cell(nil), row...)
		line := row[0].Line
		at := func(c int) cell { return row[idx[c]] }
		fail := func(c int, err error) {
			el.push(&ParseError{Line: at(c).Line, Column: at(c).Col, Value: at(c).Text, Err: err})
		}
		span, ok := parseDate(at(serDate).Text, cfg)
		if !ok {
			fail(serDate, fmt.Errorf("%w: %q", ErrDate, short(strings.TrimSpace(at(serDate).Text))))
			continue
		}
		var shares [3]float64
		var flags Flags
		bad := false
		for k, c := range []int{serApprove, serDisapprove, serUndecided} {
			shares[k] = math.NaN()
			if idx[c] < 0 {
				continue
			}
			v, below, _, err := parseShare(at(c).Text)
			if err != nil {
				fail(c, err)
				bad = true
				break
			}
			if below {
				flags |= BelowBound
			}
			shares[k] = v
		}
		if bad {
			continue
		}
		if math.IsNaN(shares[0]) && math.IsNaN(shares[1]) {
			fail(serApprove, fmt.Errorf("%w: neither approve nor disapprove is published", ErrMissing))
			continue
		}
		raw := ""
		if idx[serPollster] >= 0 {
			raw = at(serPollster).Text
		}
		if strings.TrimSpace(raw) == "" {
			raw = cfg.pollster
		}
		if strings.TrimSpace(raw) == "" {
			fail(serPollster, fmt.Errorf("%w: pollster", ErrMissing))
			continue
		}
		pi := pc.get(raw)
		p := Poll{
			Pollster: pi.name, Question: question, Subject: cfg.subject,
			SampleSize: cfg.sampleSize,
			Approve:    shares[0], Disapprove: shares[1], Undecided: shares[2], Refused: math.NaN(),
			AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
			Source: cfg.source, Line: line, Flags: flags,
		}
		if idx[serUndecided] < 0 && !math.IsNaN(p.Approve) && !math.IsNaN(p.Disapprove) {
			// Rounded to 1e-10 so that 100 − 75.4 − 17.2 is 7.4, not
			// 7.399999999999991. A negative remainder (shares summing past
			// 100 by rounding) cannot be a share: it stays unpublished.
			if u := math.Round((100-p.Approve-p.Disapprove)*1e10) / 1e10; u >= 0 {
				p.Undecided = u
				p.Flags |= UndecidedDerived
			}
		}
		rows = append(rows, pending{p: p, pi: pi, row: row, span: span})
	}

	spans := make([]dateSpan, len(rows))
	fieldDays := make([]int, len(rows))
	for i := range rows {
		spans[i] = rows[i].span
		if pr := rows[i].pi.profile; pr != nil {
			fieldDays[i] = pr.At(spans[i].End).FieldDays
		}
	}
	seriesDates(spans, fieldDays)
	polls := make([]Poll, 0, len(rows))
	for i := range rows {
		p := &rows[i].p
		p.Start, p.End = spans[i].Start, spans[i].End
		if spans[i].Approx {
			p.Flags |= DateApprox
		}
		p.Mode = cfg.modeFor(rows[i].pi, p.End)
		if err := p.Validate(); err != nil {
			el.push(validationError(err, p.Line, rows[i].row, func(field string) int {
				switch field {
				case "Approve":
					return idx[serApprove]
				case "Disapprove":
					return idx[serDisapprove]
				case "Undecided":
					return idx[serUndecided]
				case "Start", "End":
					return idx[serDate]
				}
				return -1
			}))
			continue
		}
		polls = append(polls, *p)
	}
	return polls
}

// seriesDates interprets the dates of a series file in place:
//
//   - Month placeholders. When every date is a single day, all on the same
//     day of the month, and the median gap between consecutive distinct
//     dates is 28–31 days (Levada's monthly files, dated on the 1st or the
//     15th by the scraper), each date stands for its calendar month: the
//     span becomes the first to the last day of the month, Approx.
//   - Weekly end dates. When the median gap is 7 days (the weekly FOM and
//     VTsIOM files, dated by the end of the reporting week), each date is the
//     last day of the release's fieldwork: Start = End − (fieldDays[i] − 1)
//     days, with fieldDays[i] the FieldDays of the row's pollster profile
//     at that date (FOM's Friday–Sunday omnibus 3, VTsIOM's weekly
//     aggregate 7). Only for a pollster without a known FieldDays does the
//     spacing decide: a seven-day window, Start = End − 6 days. Approx
//     either way, because the window is inferred, not printed.
//   - Otherwise dates are taken as printed (one-day spans; month labels
//     such as 08.2020 are already month spans).
func seriesDates(spans []dateSpan, fieldDays []int) {
	days := make([]time.Time, 0, len(spans))
	for _, s := range spans {
		if s.Approx || !s.Start.Equal(s.End) {
			return // the file prints periods itself
		}
		days = append(days, s.End)
	}
	sameDay, median := spacing(days)
	switch {
	case sameDay && median >= 28 && median <= 31:
		for i, s := range spans {
			spans[i] = monthSpan(s.End.Year(), s.End.Month())
		}
	case median == 7:
		for i, s := range spans {
			days := fieldDays[i]
			if days <= 0 {
				days = median
			}
			spans[i] = dateSpan{Start: s.End.AddDate(0, 0, -(days - 1)), End: s.End, Approx: true}
		}
	}
}

// spacing reports whether days all fall on the same day of the month, and
// the median gap in days between consecutive distinct days (0 with fewer
// than two). It sorts days.
func spacing(days []time.Time) (sameDay bool, median int) {
	sameDay = true
	for _, d := range days {
		sameDay = sameDay && d.Day() == days[0].Day()
	}
	sort.Slice(days, func(i, j int) bool { return days[i].Before(days[j]) })
	var gaps []int
	for i := 1; i < len(days); i++ {
		if g := int(days[i].Sub(days[i-1]).Hours() / 24); g > 0 {
			gaps = append(gaps, g)
		}
	}
	if len(gaps) == 0 {
		return sameDay, 0
	}
	sort.Ints(gaps)
	return sameDay, gaps[len(gaps)/2]
}
