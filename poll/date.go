package poll

import (
	"strings"
	"time"
)

// dateSpan is a parsed date cell: a single day (Start == End) or a period
// such as a calendar month. Approx is set when the cell names a reference
// period (a month) rather than fieldwork days.
type dateSpan struct {
	Start, End time.Time
	Approx     bool
}

// lastDaySpan returns a function that turns a release dated by its last
// day into its fieldwork window, FieldDays long from the profile (in ps) of
// pollster in force at that day, or else of own (the pollster whose page
// layout the reader reads: the window is a fact of its design, not of the
// name a caller gives it with WithPollster). approx sets Approx on the
// result: whether the source's date convention leaves the start inferred.
// Without a known FieldDays the day is kept as it is.
func lastDaySpan(ps *Profiles, pollster, own string, approx bool) func(dateSpan) dateSpan {
	return func(sp dateSpan) dateSpan {
		start, ok := ps.FieldworkStart(pollster, sp.End)
		if !ok {
			start, ok = ps.FieldworkStart(own, sp.End)
		}
		if !ok {
			return sp
		}
		return dateSpan{Start: start, End: sp.End, Approx: approx}
	}
}

// parseNumericDate parses the all-numeric date forms found in poll files
// (release-formats.md §6):
//
//	YYYY-MM-DD, YYYY/MM/DD   ISO; one-digit month and day accepted
//	M/D/YYYY, M/D/YY         US, as in FiveThirtyEight files; YY means 20YY
//	DD.MM.YYYY               Russian
//	MM.YYYY, M.YYYY, YYYY-MM a calendar month: first to last day, Approx
//
// Surrounding white space is ignored. ok is false when s is not one of
// these forms or names no real day (31.02.2020) of 1900–2099. Float-damaged month labels
// ("8.202") are not accepted here; see parseLegacyMonth.
func parseNumericDate(s string) (dateSpan, bool) {
	if t, ok := quickDay(s); ok {
		return dateSpan{Start: t, End: t}, true
	}
	s = strings.TrimSpace(s)
	var parts [3]string
	n, sep := splitDate(s, &parts)
	switch {
	case n == 3 && sep == '-' && len(parts[0]) == 4,
		n == 3 && sep == '/' && len(parts[0]) == 4:
		return numericDay(parts[0], parts[1], parts[2])
	case n == 3 && sep == '/':
		y := parts[2]
		switch len(y) {
		case 2:
			y = "20" + y
		case 4:
		default:
			return dateSpan{}, false
		}
		return numericDay(y, parts[0], parts[1])
	case n == 3 && sep == '.' && len(parts[2]) == 4:
		return numericDay(parts[2], parts[1], parts[0])
	case n == 2 && sep == '.' && len(parts[1]) == 4 && len(parts[0]) <= 2:
		return numericMonth(parts[1], parts[0])
	case n == 2 && sep == '-' && len(parts[0]) == 4 && len(parts[1]) <= 2:
		return numericMonth(parts[0], parts[1])
	}
	return dateSpan{}, false
}

// parseLegacyMonth repairs a month label that a spreadsheet stored as a
// number, dropping the trailing zeros of the year: "8.202" is 08.2020,
// "10.201" is 10.2010, "1.2" is 01.2000. The year is the digits after the
// point padded with zeros to four digits and must fall in 1900–2099. Used
// only under WithLegacyDates, because such a cell is otherwise a number.
func parseLegacyMonth(s string) (dateSpan, bool) {
	s = strings.TrimSpace(s)
	m, y, ok := strings.Cut(s, ".")
	if !ok || len(m) == 0 || len(m) > 2 || len(y) == 0 || len(y) > 4 || !allDigits(m) || !allDigits(y) {
		return dateSpan{}, false
	}
	y += "0000"[:4-len(y)]
	return numericMonth(y, m)
}

// splitDate splits s on one separator ('-', '/' or '.') used consistently,
// into at most three all-digit parts.
func splitDate(s string, parts *[3]string) (n int, sep byte) {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			continue
		}
		if (c != '-' && c != '/' && c != '.') || (sep != 0 && c != sep) || n == 2 || i == start {
			return 0, 0
		}
		sep = c
		parts[n] = s[start:i]
		n++
		start = i + 1
	}
	if start == len(s) || sep == 0 {
		return 0, 0
	}
	parts[n] = s[start:]
	return n + 1, sep
}

func atoiSmall(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		v = v*10 + int(s[i]-'0')
	}
	return v
}

// quickDay parses the two day forms poll files hold by the million —
// YYYY-MM-DD (WriteCSV, series files) and M/D/YYYY or M/D/YY
// (FiveThirtyEight) — without splitting, to the day parseNumericDate would
// give; ok is false for anything else, which the general parsers then read.
func quickDay(s string) (time.Time, bool) {
	var y, m, d int
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		var ok1, ok2, ok3 bool
		y, ok1 = digitsAt(s, 0, 4)
		m, ok2 = digitsAt(s, 5, 2)
		d, ok3 = digitsAt(s, 8, 2)
		if !ok1 || !ok2 || !ok3 {
			return time.Time{}, false
		}
	} else {
		i := strings.IndexByte(s, '/')
		if i < 1 || i > 2 {
			return time.Time{}, false
		}
		j := i + 1 + strings.IndexByte(s[i+1:], '/')
		if j-i-1 < 1 || j-i-1 > 2 || (len(s)-j-1 != 4 && len(s)-j-1 != 2) {
			return time.Time{}, false
		}
		var ok1, ok2, ok3 bool
		m, ok1 = digitsAt(s, 0, i)
		d, ok2 = digitsAt(s, i+1, j-i-1)
		y, ok3 = digitsAt(s, j+1, len(s)-j-1)
		if !ok1 || !ok2 || !ok3 {
			return time.Time{}, false
		}
		if len(s)-j-1 == 2 {
			y += 2000
		}
	}
	return civilDay(y, m, d)
}

// digitsAt returns the number the n bytes of s at i spell, which must all
// be ASCII digits.
func digitsAt(s string, i, n int) (int, bool) {
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// daysIn returns the number of days in month m of year y.
func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// unixDays returns the days from 1970-01-01 to y-m-d in the proleptic
// Gregorian calendar (Hinnant's days_from_civil).
func unixDays(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400 // y ≥ 1899 here, so no negative division
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}

// numericDay builds a one-day span, rejecting impossible dates (civilDay).
func numericDay(ys, ms, ds string) (dateSpan, bool) {
	if len(ms) > 2 || len(ds) > 2 || len(ys) != 4 {
		return dateSpan{}, false
	}
	t, ok := civilDay(atoiSmall(ys), atoiSmall(ms), atoiSmall(ds))
	return dateSpan{Start: t, End: t}, ok
}

// civilDay returns the UTC midnight of y-m-d, or false for a day that does
// not exist or a year outside 1900–2099, which no poll has (a
// spreadsheet's zero date 01.01.0001, a year typed 0100).
func civilDay(y, m, d int) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) || y < 1900 || y > 2099 {
		return time.Time{}, false
	}
	return time.Unix(unixDays(y, m, d)*86400, 0).UTC(), true
}

// numericMonth builds the span of a calendar month (Approx).
func numericMonth(ys, ms string) (dateSpan, bool) {
	y, m := atoiSmall(ys), atoiSmall(ms)
	if m < 1 || m > 12 || y < 1900 || y > 2099 {
		return dateSpan{}, false
	}
	return monthSpan(y, time.Month(m)), true
}

// parseNumericRange parses a fieldwork range written with numeric dates,
// as VTsIOM's and FOM's spreadsheet exports print weeks: "16.08.2020 –
// 22.08.2020", "16.08–22.08.2020" or "16–22.08.2020" (the left end taking
// the year, or month and year, of the right end), with a hyphen, en dash
// or em dash, spaced or not. Each end must be a real day in the DD.MM.YYYY
// form; a reversed range is returned as printed, for the reader to report.
func parseNumericRange(s string) (dateSpan, bool) {
	for i, r := range s {
		if r != '-' && r != '–' && r != '—' && r != '‒' && r != '−' {
			continue
		}
		left := strings.TrimSpace(s[:i])
		right := strings.TrimSpace(s[i+len(string(r)):])
		var parts [3]string
		if n, sep := splitDate(right, &parts); n != 3 || sep != '.' || len(parts[2]) != 4 {
			continue
		}
		end, ok := numericDay(parts[2], parts[1], parts[0])
		if !ok {
			continue
		}
		var lp [3]string
		n, sep := splitDate(left, &lp)
		if n == 0 && allDigits(left) && left != "" { // "16–22.08.2020"
			n, sep, lp[0] = 1, '.', left
		}
		if sep != '.' {
			continue
		}
		var start dateSpan
		switch n {
		case 1:
			start, ok = numericDay(parts[2], parts[1], lp[0])
		case 2:
			start, ok = numericDay(parts[2], lp[1], lp[0])
		case 3:
			start, ok = numericDay(lp[2], lp[1], lp[0])
		default:
			ok = false
		}
		if ok {
			return dateSpan{Start: start.Start, End: end.End}, true
		}
	}
	return dateSpan{}, false
}
