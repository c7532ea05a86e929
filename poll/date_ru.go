package poll

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Month-name dates, Russian and English (release-formats.md §6).
//
// A date cell is split into tokens — numbers, month names, dashes and other
// words — and the token sequence is matched against the forms pollsters
// print. Separators (space, no-break space, '.', ',', '/') only split
// tokens, so «май.08», «Май 08», "Nov. 10", "Nov.00" and "may.04" are one
// form, [month, year]. Words such as «года», «г.» and "of" are ignored.
//
// Forms and what they mean:
//
//	[month year]            май.08, Nov. 10, Август 2020   the calendar month (Approx)
//	[year month]            2017 Aug.                       the calendar month (Approx)
//	[day month year]        23 августа 2020                 that day
//	[month day year]        Aug 23, 2020; Сент 28 2025      that day
//	[d - d month year]      19-26 августа 2021              a range
//	[d month - d month y]   27 января – 2 февраля 2022      a range across months
//	[month d - d, y]        Sep 22–28, 2025                 a range (English order)
//	[month d - month d, y]  January 27 – February 2, 2022   a range across months
//
// Two-digit years are 2000 + YY, except YY ≥ 88, which is 19YY: Levada's
// English tables mix 1990s and 2000s columns (Nov.00 next to older ones),
// and no Russian series used here starts before 1988.

// monthNames maps every accepted month spelling (lower case, ё→е, without
// the full stop) to its month: Russian nominative, genitive and the
// abbreviations seen in Levada and VTsIOM tables (short and long: фев and
// февр, сен and сент, ноя and нояб, июн and июнь), and English names and
// abbreviations (Sep and Sept).
var monthNames = func() map[string]time.Month {
	m := map[string]time.Month{}
	add := func(mon time.Month, names ...string) {
		for _, n := range names {
			m[n] = mon
		}
	}
	add(time.January, "январь", "января", "янв", "january", "jan")
	add(time.February, "февраль", "февраля", "фев", "февр", "february", "feb")
	add(time.March, "март", "марта", "мар", "march", "mar")
	add(time.April, "апрель", "апреля", "апр", "april", "apr")
	add(time.May, "май", "мая", "may")
	add(time.June, "июнь", "июня", "июн", "june", "jun")
	add(time.July, "июль", "июля", "июл", "july", "jul")
	add(time.August, "август", "августа", "авг", "august", "aug")
	add(time.September, "сентябрь", "сентября", "сен", "сент", "september", "sep", "sept")
	add(time.October, "октябрь", "октября", "окт", "october", "oct")
	add(time.November, "ноябрь", "ноября", "ноя", "нояб", "november", "nov")
	add(time.December, "декабрь", "декабря", "дек", "december", "dec")
	return m
}()

// ignoredDateWords are words that may surround a date without changing it.
var ignoredDateWords = map[string]bool{
	"года": true, "год": true, "г": true, "гг": true, "годов": true,
	"of": true, "the": true, "from": true, "с": true,
}

// rangeWords join the two ends of a range like a dash: «с 27 января по 2
// февраля», "from January 27 to February 2".
var rangeWords = map[string]bool{"по": true, "до": true, "to": true, "till": true, "until": true}

// dateTokKind classifies a token of a date cell.
type dateTokKind uint8

const (
	tokNum dateTokKind = iota + 1
	tokMonth
	tokDash
	tokWord
	tokBad // a character or a run no date holds: another digit, symbol, a word of 13+ letters, 5+ digits
)

type dateTok struct {
	kind   dateTokKind
	n      int // value of a number or month
	digits int // digits of a number
}

// monthByName returns the month a single word names ("ноя.", "Сентября",
// "Sept"), ignoring case, ё/е and a trailing full stop.
func monthByName(s string) (time.Month, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimRight(s, ".")
	s = strings.ReplaceAll(s, "ё", "е")
	m, ok := monthNames[s]
	return m, ok
}

// scanDateTokens calls yield with the date tokens of s, in order, until
// yield returns false. Separators (space, '.', ',', '/') only split
// tokens; words that may surround a date («года», "of") are left out;
// letters after digits without a separator ("2020г") start a new token.
// Anything no date holds is a tokBad. The scan reads s once, without
// copying it, so that a long text costs time in proportion to its length.
func scanDateTokens(s string, yield func(dateTok) bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var t dateTok
		switch {
		case r >= '0' && r <= '9':
			j, v := i, 0
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				v = v*10 + int(s[j]-'0')
				j++
			}
			t = dateTok{kind: tokNum, n: v, digits: j - i}
			if j-i > 4 {
				t = dateTok{kind: tokBad}
			}
			i = j
		case isLetter(r):
			j, n := i, 0
			for j < len(s) {
				r, size := utf8.DecodeRuneInString(s[j:])
				if !isLetter(r) {
					break
				}
				j, n = j+size, n+1
			}
			w := s[i:j]
			i = j
			if n > 12 {
				t = dateTok{kind: tokBad}
				break
			}
			t = dateTok{kind: tokWord}
			if n > maxDateWord {
				break // longer than any month, range or ignored word
			}
			var buf [4 * maxDateWord]byte
			lw := foldWord(buf[:0], w)
			switch {
			case rangeWords[string(lw)]:
				t = dateTok{kind: tokDash}
			case ignoredDateWords[string(lw)]:
				continue
			default:
				if m, ok := monthNames[string(lw)]; ok {
					t = dateTok{kind: tokMonth, n: int(m)}
				}
			}
		case r == '-' || r == '–' || r == '—' || r == '‒' || r == '−':
			t = dateTok{kind: tokDash}
			i += size
		case r == '.' || r == ',' || r == '/' || unicode.IsSpace(r):
			i += size
			continue
		default:
			t = dateTok{kind: tokBad}
			i += size
		}
		if !yield(t) {
			return
		}
	}
}

// isLetter is unicode.IsLetter with the letters of dates (ASCII and
// Russian Cyrillic) answered without a table look-up.
func isLetter(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return r|0x20 >= 'a' && r|0x20 <= 'z'
	case r >= 'А' && r <= 'я' || r == 'ё' || r == 'Ё':
		return true
	}
	return unicode.IsLetter(r)
}

// foldWord appends w to dst in lower case with ё as е, the form of the
// month, range and ignored words: ASCII and Russian letters directly,
// others through unicode.ToLower.
func foldWord(dst []byte, w string) []byte {
	for _, r := range w {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'А' && r <= 'Я':
			r += 0x20 // both alphabets put the small letters 0x20 above the capitals
		case r == 'ё' || r == 'Ё':
			r = 'е'
		default:
			r = unicode.ToLower(r)
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// maxDateWord is the length, in letters, of the longest month name, range
// word or ignored word ("september").
const maxDateWord = 9

// maxDateToks is the most tokens a date cell holds («28 декабря 2021 –
// 3 января 2022» has seven); tokenizeDate gives up beyond twice that.
const maxDateToks = 16

// tokenizeDate splits s into date tokens (scanDateTokens). It reports
// false if s holds anything no date holds (tokBad) or more than
// maxDateToks tokens, which keeps long or odd cells cheap.
func tokenizeDate(s string) ([]dateTok, bool) {
	var toks []dateTok
	ok := true
	scanDateTokens(s, func(t dateTok) bool {
		ok = t.kind != tokBad && len(toks) < maxDateToks
		toks = append(toks, t)
		return ok
	})
	if !ok {
		return nil, false
	}
	return toks, true
}

// yearOf interprets a number token as a year: four digits within 1900–2199,
// or two digits (see the pivot above).
func yearOf(t dateTok) (int, bool) {
	if t.kind != tokNum {
		return 0, false
	}
	switch t.digits {
	case 4:
		if t.n >= 1900 && t.n < 2200 {
			return t.n, true
		}
	case 2:
		if t.n >= 88 {
			return 1900 + t.n, true
		}
		return 2000 + t.n, true
	}
	return 0, false
}

// dayOf returns a valid date for day token d of month m in year y.
func dayOf(d dateTok, m, y int) (time.Time, bool) {
	if d.kind != tokNum || d.digits > 2 || d.n < 1 || m < 1 || m > 12 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d.n, 0, 0, 0, 0, time.UTC)
	if t.Day() != d.n { // 31 February and the like
		return time.Time{}, false
	}
	return t, true
}

// monthSpan returns the first and last day of a calendar month.
func monthSpan(y int, m time.Month) dateSpan {
	start := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	return dateSpan{Start: start, End: start.AddDate(0, 1, -1), Approx: true}
}

// kinds returns the token kinds as a compact pattern string: 'n' number,
// 'm' month, '-' dash, 'w' other word, 'x' tokBad.
func kinds(toks []dateTok) string {
	b := make([]byte, len(toks))
	for i, t := range toks {
		b[i] = " nm-wx"[t.kind]
	}
	return string(b)
}

// parseMonthNameDate parses the month-name forms listed at the top of this
// file. It reports false when s is not one of them (including a month
// without a year, which only a table's year rows can complete; see
// monthByName).
func parseMonthNameDate(s string) (dateSpan, bool) {
	toks, ok := tokenizeDate(s)
	if !ok {
		return dateSpan{}, false
	}
	return monthNameDate(toks)
}

// monthNameDate reads a token sequence as one of the month-name forms
// (parseMonthNameDate).
func monthNameDate(toks []dateTok) (dateSpan, bool) {
	if len(toks) < 2 || len(toks) > 8 {
		return dateSpan{}, false
	}
	day := func(d, m, y dateTok) (time.Time, bool) {
		yr, ok := yearOf(y)
		if !ok || y.digits != 4 {
			return time.Time{}, false
		}
		return dayOf(d, m.n, yr)
	}
	rng := func(a, b time.Time, ok1, ok2 bool) (dateSpan, bool) {
		if !ok1 || !ok2 {
			return dateSpan{}, false
		}
		// The order is not checked here: a reversed range is a data error
		// (ErrDateOrder) that the reader reports with the cell's position.
		return dateSpan{Start: a, End: b}, true
	}
	t := toks
	switch kinds(toks) {
	case "mn": // май.08, Nov. 10, Август 2020
		if y, ok := yearOf(t[1]); ok {
			return monthSpan(y, time.Month(t[0].n)), true
		}
	case "nm": // 2017 Aug.
		if y, ok := yearOf(t[0]); ok && t[0].digits == 4 {
			return monthSpan(y, time.Month(t[1].n)), true
		}
	case "nmn": // 23 августа 2020
		d, ok := day(t[0], t[1], t[2])
		return dateSpan{Start: d, End: d}, ok
	case "mnn": // Aug 23, 2020
		d, ok := day(t[1], t[0], t[2])
		return dateSpan{Start: d, End: d}, ok
	case "n-nmn": // 19-26 августа 2021
		a, ok1 := day(t[0], t[3], t[4])
		b, ok2 := day(t[2], t[3], t[4])
		return rng(a, b, ok1, ok2)
	case "nm-nmn": // 27 января – 2 февраля 2022
		b, ok2 := day(t[3], t[4], t[5])
		a, ok1 := day(t[0], t[1], t[5])
		if ok1 && ok2 && a.After(b) { // 28 декабря – 3 января 2022: starts the year before
			a = a.AddDate(-1, 0, 0)
		}
		return rng(a, b, ok1, ok2)
	case "nmn-nmn": // 28 декабря 2021 – 3 января 2022
		a, ok1 := day(t[0], t[1], t[2])
		b, ok2 := day(t[4], t[5], t[6])
		return rng(a, b, ok1, ok2)
	case "mn-nn": // Sep 22–28, 2025
		a, ok1 := day(t[1], t[0], t[4])
		b, ok2 := day(t[3], t[0], t[4])
		return rng(a, b, ok1, ok2)
	case "mn-mnn": // January 27 – February 2, 2022
		b, ok2 := day(t[4], t[3], t[5])
		a, ok1 := day(t[1], t[0], t[5])
		if ok1 && ok2 && a.After(b) {
			a = a.AddDate(-1, 0, 0)
		}
		return rng(a, b, ok1, ok2)
	case "mnn-mnn": // December 28, 2021 – January 3, 2022
		a, ok1 := day(t[1], t[0], t[2])
		b, ok2 := day(t[5], t[4], t[6])
		return rng(a, b, ok1, ok2)
	}
	return dateSpan{}, false
}

// yearMonthCell classifies the first cell of a row in a press-release
// table whose rows are months (release-formats.md §2.4.1 and §2.4.3):
//
//   - a bare four-digit year («2020»): year, no month;
//   - a month without a year («ноя.», "Jul."): month, no year;
//   - a full month date («2017 Aug.», «май.08»): both.
//
// ok is false for anything else.
func yearMonthCell(s string) (year int, month time.Month, ok bool) {
	s = trimFootnote(s)
	toks, good := tokenizeDate(s)
	if !good {
		return 0, 0, false
	}
	switch kinds(toks) {
	case "n":
		if toks[0].digits == 4 {
			if y, ok := yearOf(toks[0]); ok {
				return y, 0, true
			}
		}
	case "m":
		return 0, time.Month(toks[0].n), true
	case "mn", "nm":
		if sp, ok := parseMonthNameDate(s); ok {
			return sp.Start.Year(), sp.Start.Month(), true
		}
	}
	return 0, 0, false
}

// trimFootnote removes surrounding white space and the footnote marks
// ('*', superscript digits) that releases attach to a period («Ноябрь*»,
// "2017 Aug.¹").
func trimFootnote(s string) string {
	return strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), "*¹²³⁴⁵⁶⁷⁸⁹⁰"))
}

// parseDate parses any date cell the readers accept: the numeric forms of
// parseNumericDate, then the month-name forms of parseMonthNameDate, then
// numeric ranges (parseNumericRange), then —
// only under WithLegacyDates — float-damaged month labels ("8.202").
// Surrounding white space (no-break spaces included) and trailing footnote
// marks ('*', superscript digits) are ignored.
func parseDate(s string, cfg *readConfig) (dateSpan, bool) {
	s = trimFootnote(s)
	if sp, ok := parseNumericDate(s); ok {
		return sp, true
	}
	if sp, ok := parseMonthNameDate(s); ok {
		return sp, true
	}
	if sp, ok := parseNumericRange(s); ok {
		return sp, true
	}
	if cfg != nil && cfg.legacyDates {
		return parseLegacyMonth(s)
	}
	return dateSpan{}, false
}
