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
