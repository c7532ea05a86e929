package chart

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCalendarTicks(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name     string
		from, to time.Time
		max      int
		want     []string
	}{
		{"one day", date(2024, 3, 4).Add(-12 * time.Hour), date(2024, 3, 4).Add(12 * time.Hour), 8, []string{"4 Mar 2024"}},
		{"a week", date(2024, 3, 4), date(2024, 3, 10), 8, []string{"4 Mar 2024", "5 Mar", "6 Mar", "7 Mar", "8 Mar", "9 Mar", "10 Mar"}},
		{"a week across the new year", date(2023, 12, 29), date(2024, 1, 3), 8, []string{"29 Dec 2023", "30 Dec", "31 Dec", "1 Jan 2024", "2 Jan", "3 Jan"}},
		{"a month: Mondays", date(2024, 3, 1), date(2024, 3, 31), 8, []string{"4 Mar 2024", "11 Mar", "18 Mar", "25 Mar"}},
		{"400 days: quarters", date(2024, 3, 4), date(2025, 4, 7), 8, []string{"Apr 2024", "Jul", "Oct", "Jan 2025", "Apr"}},
		{"a year: quarters", date(2022, 1, 1), date(2022, 12, 31), 8, []string{"Jan 2022", "Apr", "Jul", "Oct"}},
		{"25 years: five-year steps", date(1999, 8, 15), date(2024, 8, 1), 8, []string{"2000", "2005", "2010", "2015", "2020"}},
		{"a narrow chart takes fewer labels", date(2022, 1, 1), date(2022, 12, 31), 3, []string{"Jan 2022", "Jul"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ticks := calendarTicks{maxMajor: tt.max}.Ticks(unix(tt.from), unix(tt.to))
			var labels []string
			minor := 0
			for _, tk := range ticks {
				assert.GreaterOrEqual(t, tk.Value, unix(tt.from))
				assert.LessOrEqual(t, tk.Value, unix(tt.to))
				assert.Zero(t, int64(tk.Value)%86400, "ticks fall on midnight")
				if tk.Label == "" {
					minor++
					continue
				}
				labels = append(labels, tk.Label)
			}
			assert.Equal(t, tt.want, labels)
			assert.LessOrEqual(t, len(labels), tt.max)
		})
	}
	assert.Empty(t, calendarTicks{}.Ticks(-1e300, 1e300), "no calendar beyond ±300,000 years")
}

// TestMaxDateLabels: the number of date labels follows the width the
// chart is laid out for.
func TestMaxDateLabels(t *testing.T) {
	narrow, wide := Options{Width: MinWidth}.maxDateLabels(), Options{}.maxDateLabels()
	require.Less(t, narrow, wide)
	assert.Equal(t, 8, wide)
	assert.GreaterOrEqual(t, narrow, 3)
}
