package poll

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseNumericDate(t *testing.T) {
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in         string
		start, end time.Time
		approx     bool
		ok         bool
	}{
		{"2020-08-15", d(2020, 8, 15), d(2020, 8, 15), false, true},
		{" 2020-8-5 ", d(2020, 8, 5), d(2020, 8, 5), false, true},
		{"2020/08/15", d(2020, 8, 15), d(2020, 8, 15), false, true},
		{"1/20/2017", d(2017, 1, 20), d(2017, 1, 20), false, true},
		{"12/3/20", d(2020, 12, 3), d(2020, 12, 3), false, true},
		{"19.08.2021", d(2021, 8, 19), d(2021, 8, 19), false, true},
		{"08.2020", d(2020, 8, 1), d(2020, 8, 31), true, true},
		{"2.2024", d(2024, 2, 1), d(2024, 2, 29), true, true},
		{"2023-10", d(2023, 10, 1), d(2023, 10, 31), true, true},
		{"8.202", time.Time{}, time.Time{}, false, false},
		{"2023-02-30", time.Time{}, time.Time{}, false, false},
		{"13/1/2020", time.Time{}, time.Time{}, false, false},
		{"2020-13", time.Time{}, time.Time{}, false, false},
		{"2020-08/15", time.Time{}, time.Time{}, false, false},
		{"20-08-15", time.Time{}, time.Time{}, false, false},
		{"1/2/123", time.Time{}, time.Time{}, false, false},
		{"август 2020", time.Time{}, time.Time{}, false, false},
		{"", time.Time{}, time.Time{}, false, false},
		{"2020--01", time.Time{}, time.Time{}, false, false},
		{"2020-01-", time.Time{}, time.Time{}, false, false},
		{"1.2.3.4", time.Time{}, time.Time{}, false, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseNumericDate(tc.in)
			assert.Equal(t, tc.ok, ok)
			if tc.ok {
				assert.Equal(t, tc.start, got.Start)
				assert.Equal(t, tc.end, got.End)
				assert.Equal(t, tc.approx, got.Approx)
			}
		})
	}
}

func TestParseLegacyMonth(t *testing.T) {
	for _, tc := range []struct {
		in string
		y  int
		m  time.Month
		ok bool
	}{
		{"8.202", 2020, 8, true},
		{"10.202", 2020, 10, true},
		{"10.201", 2010, 10, true},
		{"1.2", 2000, 1, true},
		{"12.2019", 2019, 12, true},
		{"13.202", 0, 0, false},
		{"8.", 0, 0, false},
		{"8.20201", 0, 0, false},
		{"x.202", 0, 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseLegacyMonth(tc.in)
			assert.Equal(t, tc.ok, ok)
			if ok {
				assert.Equal(t, time.Date(tc.y, tc.m, 1, 0, 0, 0, 0, time.UTC), got.Start)
				assert.True(t, got.Approx)
			}
		})
	}
}

// quickDay, the fast path for YYYY-MM-DD and M/D/YYYY, agrees with
// time.Date on every day of 1900–2099 in every form it reads (and with
// parseNumericDate's general path), and declines what that declines.
func TestQuickDay(t *testing.T) {
	for d := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2100; d = d.AddDate(0, 0, 1) {
		forms := []string{d.Format(time.DateOnly), d.Format("1/2/2006"), d.Format("01/02/2006")}
		if d.Year() >= 2000 {
			forms = append(forms, d.Format("1/2/06"))
		}
		for _, s := range forms {
			got, ok := quickDay(s)
			if !ok || !got.Equal(d) || got.Location() != time.UTC {
				t.Fatalf("%s: %v %v", s, got, ok)
			}
		}
	}
	for _, s := range []string{"2021-02-29", "2020-13-01", "2020-00-10", "2020-01-00", "2020-04-31", "1899-12-31", "2100-01-01",
		"0001-01-01", "2020/01/01", "2020-1-01", " 2020-01-01", "2/29/2021", "13/1/2020", "1/32/2020", "1/1/202", "/1/2020",
		"1//2020", "111/1/2020", "1/1/20200", "a/1/2020", "1/1/2020 "} {
		_, ok := quickDay(s)
		assert.False(t, ok, s)
	}
}
