package poll

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMonthNameDate(t *testing.T) {
	month := func(ym string) dateSpan {
		s, e := ruMonth(ym)
		return dateSpan{Start: ruDay(s), End: ruDay(e), Approx: true}
	}
	span := func(a, b string) dateSpan { return dateSpan{Start: ruDay(a), End: ruDay(b)} }
	for _, tc := range []struct {
		in   string
		want dateSpan
	}{
		// Month and two-digit year (release-formats.md §2.4.2, §2.4.3, §6).
		{"май.08", month("2008-05")},
		{"Май 08", month("2008-05")},
		{"июн.08", month("2008-06")},
		{"мар.09", month("2009-03")},
		{"Nov. 10", month("2010-11")},
		{"Nov.00", month("2000-11")},
		{"Jun.23", month("2023-06")},
		{"may.04", month("2004-05")},
		{"Nov.99", month("1999-11")}, // YY ≥ 88 → 19YY
		{"Aug.88", month("1988-08")},
		{"дек.87", month("2087-12")},
		{"Сент 08", month("2008-09")},
		{"февр.21", month("2021-02")},
		{"Sept. 17", month("2017-09")},
		// Month and four-digit year, either order.
		{"2017 Aug.", month("2017-08")},
		{"Август 2020", month("2020-08")},
		{"ноябрь 2019 г.", month("2019-11")},
		{"June 2021", month("2021-06")},
		// Days.
		{"23 августа 2020", span("2020-08-23", "2020-08-23")},
		{"23 августа 2020 года", span("2020-08-23", "2020-08-23")},
		{"1 МАЯ 2022 г.", span("2022-05-01", "2022-05-01")},
		{"Aug 23, 2020", span("2020-08-23", "2020-08-23")},
		{"Сент 28 2025", span("2025-09-28", "2025-09-28")},
		{"Июнь 07 2020", span("2020-06-07", "2020-06-07")},
		{"Ноя 29 2020", span("2020-11-29", "2020-11-29")},
		{"3 ЁЖ 2020", dateSpan{}}, // not a month
		// Ranges.
		{"19-26 августа 2021", span("2021-08-19", "2021-08-26")},
		{"19–26 августа 2021 года", span("2021-08-19", "2021-08-26")},
		{"27 января – 2 февраля 2022 года", span("2022-01-27", "2022-02-02")},
		{"28 декабря – 3 января 2022", span("2021-12-28", "2022-01-03")},
		{"28 декабря 2021 — 3 января 2022", span("2021-12-28", "2022-01-03")},
		{"с 27 января по 2 февраля 2022 года", span("2022-01-27", "2022-02-02")},
		{"Sep 22–28, 2025", span("2025-09-22", "2025-09-28")},
		{"January 27 – February 2, 2022", span("2022-01-27", "2022-02-02")},
		{"January 27 to February 2, 2022", span("2022-01-27", "2022-02-02")},
		{"22-28 сентября 2025", span("2025-09-22", "2025-09-28")},
		// Reversed ranges parse; the reader reports ErrDateOrder.
		{"26-19 августа 2021", span("2021-08-26", "2021-08-19")},
	} {
		got, ok := parseMonthNameDate(tc.in)
		if tc.want.Start.IsZero() {
			assert.False(t, ok, tc.in)
			continue
		}
		require.True(t, ok, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
}

func TestParseMonthNameDateRejects(t *testing.T) {
	for _, in := range []string{
		"", "август", "ноя.", "2020", "31 июня 2020", "30 февраля 2021", "0 мая 2020", "23 августа 20",
		"Nov. 1", "Nov. 2020 Dec.", "Одобряю", "82", "08.2020", "2020-08-15", "23 августа 12020",
		"август август 2020", "1-2-3 мая 2020", "abc 12", "12 abc 2020",
	} {
		_, ok := parseMonthNameDate(in)
		assert.False(t, ok, "%q", in)
	}
}

func TestParseDate(t *testing.T) {
	cfg := &readConfig{}
	sp, ok := parseDate(" 08.2020\u00a0", cfg)
	require.True(t, ok)
	assert.Equal(t, ruDay("2020-08-31"), sp.End)
	assert.True(t, sp.Approx)

	for _, in := range []string{"май.08*", "май.08¹", "май.08 **"} { // footnote marks
		sp, ok = parseDate(in, cfg)
		require.True(t, ok, in)
		assert.Equal(t, time.May, sp.Start.Month(), in)
	}

	_, ok = parseDate("8.202", cfg)
	assert.False(t, ok, "float-damaged months need WithLegacyDates")
	sp, ok = parseDate("8.202", &readConfig{legacyDates: true})
	require.True(t, ok)
	assert.Equal(t, ruDay("2020-08-01"), sp.Start)

	_, ok = parseDate("Изменение", cfg)
	assert.False(t, ok)
}

func TestYearMonthCell(t *testing.T) {
	for _, tc := range []struct {
		in string
		y  int
		m  time.Month
		ok bool
	}{
		{"2020", 2020, 0, true},
		{"ноя.", 0, time.November, true},
		{"май", 0, time.May, true},
		{"Jul.", 0, time.July, true},
		{"Sept.", 0, time.September, true},
		{"июнь", 0, time.June, true},
		{"2017 Aug.", 2017, time.August, true},
		{"май.08", 2008, time.May, true},
		{"20", 0, 0, false},
		{"Сумма", 0, 0, false},
		{"23 августа 2020", 0, 0, false},
	} {
		y, m, ok := yearMonthCell(tc.in)
		assert.Equal(t, tc.ok, ok, tc.in)
		assert.Equal(t, tc.y, y, tc.in)
		assert.Equal(t, tc.m, m, tc.in)
	}
}

// foldWord and isLetter, the fast paths of the date scanner, agree with
// strings.ToLower (ё as е) and unicode.IsLetter on every letter of the
// Basic Multilingual Plane and on the month names.
func TestFoldWordAndIsLetter(t *testing.T) {
	for r := rune(0); r < 0x10000; r++ {
		if isLetter(r) != unicode.IsLetter(r) {
			t.Fatalf("isLetter(%q)", r)
		}
		if !unicode.IsLetter(r) || !utf8.ValidRune(r) {
			continue
		}
		want := strings.ReplaceAll(strings.ToLower(string(r)), "ё", "е")
		if got := string(foldWord(nil, string(r))); got != want {
			t.Fatalf("foldWord(%q) = %q, want %q", r, got, want)
		}
	}
	for name := range monthNames {
		assert.Equal(t, name, string(foldWord(nil, strings.ToUpper(name))))
	}
}
