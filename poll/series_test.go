package poll

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// byEnd indexes polls by the year and month of their end date.
func byMonth(polls []Poll) map[string]Poll {
	m := make(map[string]Poll, len(polls))
	for _, p := range polls {
		m[p.End.Format("2006-01")] = p
	}
	return m
}

func TestReadCSVLevadaSeries(t *testing.T) {
	for _, file := range []string{"russia/Levada.csv", "russia/putin-approval-levada-1999.csv"} {
		t.Run(file, func(t *testing.T) {
			polls, err := ReadCSV(openTestdata(t, file), WithPollster("Levada"))
			require.NoError(t, err)
			m := byMonth(polls)
			for _, c := range []struct {
				month   string
				a, d, u float64
			}{
				{"1999-08", 31, 33, 37},
				{"2020-05", 59, 34, 7},
			} {
				p, ok := m[c.month]
				require.True(t, ok, c.month)
				assert.Equal(t, [3]float64{c.a, c.d, c.u}, [3]float64{p.Approve, p.Disapprove, p.Undecided}, c.month)
			}
			aug := m["1999-08"]
			assert.Equal(t, date(1999, 8, 1), aug.Start, "month placeholder → whole month")
			assert.Equal(t, date(1999, 8, 31), aug.End)
			assert.True(t, aug.Flags.Has(DateApprox))
			assert.False(t, aug.Flags.Has(UndecidedDerived))
			assert.Equal(t, "Levada", aug.Pollster)
			assert.Equal(t, "approval", aug.Question)
			assert.Equal(t, FaceToFace, aug.Mode)
			for _, mo := range []string{"2020-04", "2020-05", "2020-06", "2020-07"} {
				assert.Equal(t, Phone, m[mo].Mode, mo)
			}
			assert.Equal(t, FaceToFace, m["2020-08"].Mode)
		})
	}
}

func TestReadCSVLevadaPinnedValues(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "russia/Levada.csv"), WithPollster("Levada"))
	require.NoError(t, err)
	assert.Equal(t, 301, len(polls))
	m := byMonth(polls)
	for month, want := range map[string][3]float64{
		"2023-10": {82, 15, 3},
		"2022-03": {83, 15, 2},
		"1999-08": {31, 33, 37},
	} {
		p := m[month]
		assert.Equal(t, want, [3]float64{p.Approve, p.Disapprove, p.Undecided}, month)
	}
	// The 1999 file has no pollster option to fall back on but a source column.
	p99, err := ReadCSV(openTestdata(t, "russia/putin-approval-levada-1999.csv"))
	require.NoError(t, err)
	assert.Equal(t, 252, len(p99))
	assert.Equal(t, "Levada", p99[0].Pollster)
	_, hasJune := byMonth(p99)["2018-06"]
	assert.False(t, hasJune, "the gap is kept, not filled")
}

func TestReadCSVSeriesNeedsPollster(t *testing.T) {
	_, err := ReadCSV(openTestdata(t, "russia/Levada.csv"))
	require.ErrorIs(t, err, ErrMissingColumn)
	assert.Contains(t, err.Error(), "WithPollster")
}

func TestReadCSVLevada2Direction(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "russia/Levada2.csv"), WithPollster("Levada"), WithSource("Levada2.csv"))
	require.Equal(t, 337, len(polls))
	pes := ParseErrors(err)
	require.Len(t, pes, 1)
	assert.ErrorIs(t, pes[0], ErrShareSum)
	assert.Equal(t, 339, pes[0].Line)
	assert.Equal(t, 2, pes[0].Column)
	assert.Equal(t, "67", pes[0].Value)
	assert.Equal(t, "Levada2.csv", pes[0].Source)
	first := polls[0]
	assert.Equal(t, "direction", first.Question)
	assert.Equal(t, [3]float64{32, 45, 23}, [3]float64{first.Approve, first.Disapprove, first.Undecided})
	assert.Equal(t, date(1996, 7, 1), first.Start)
}

func TestReadCSVFOM(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "russia/putin-approval-fom.csv"))
	require.NoError(t, err)
	require.Equal(t, 374, len(polls))
	p := polls[0] // 2019-12-22,62,26,12,"FOM": the file is not sorted
	assert.Equal(t, "FOM", p.Pollster)
	assert.Equal(t, date(2019, 12, 22), p.End)
	assert.Equal(t, date(2019, 12, 20), p.Start, "weekly end date: the Friday–Sunday omnibus, Start = End − 2 days (FOM profile's FieldDays)")
	assert.True(t, p.Flags.Has(DateApprox))
	assert.Equal(t, [3]float64{62, 26, 12}, [3]float64{p.Approve, p.Disapprove, p.Undecided})
	assert.Equal(t, FaceToFace, p.Mode)
}

func TestReadCSVVTsIOM(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "russia/vciom-presidential-approval-2006.csv"))
	require.Equal(t, 707, len(polls))
	pes := ParseErrors(err)
	require.Len(t, pes, 10, "the ten NA,NA rows are reported, not dropped silently")
	var lines []int
	for _, pe := range pes {
		assert.ErrorIs(t, pe, ErrMissing)
		assert.Equal(t, 2, pe.Column)
		assert.Equal(t, "NA", pe.Value)
		lines = append(lines, pe.Line)
	}
	assert.Equal(t, []int{96, 114, 115, 309, 321, 358, 371, 392, 393, 422}, lines)
	p := polls[0]
	assert.Equal(t, "VTsIOM", p.Pollster)
	assert.Equal(t, 75.4, p.Approve)
	assert.Equal(t, 17.2, p.Disapprove)
	assert.Equal(t, 7.4, p.Undecided, "derived as 100 − 75.4 − 17.2, rounded to 1e-10")
	assert.True(t, p.Flags.Has(UndecidedDerived))
	assert.Equal(t, date(2006, 1, 9), p.Start)
	assert.Equal(t, FaceToFace, p.Mode, "before 2017")
	last := polls[len(polls)-1]
	assert.Equal(t, Phone, last.Mode)
}

func TestReadCSVSeriesCP1251(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "csv/series-cp1251.csv"), WithPollster("Левада"))
	require.NoError(t, err)
	require.Equal(t, 4, len(polls))
	p := polls[1]
	assert.Equal(t, date(2020, 4, 1), p.Start)
	assert.Equal(t, date(2020, 4, 30), p.End)
	assert.Equal(t, [3]float64{59, 33, 8}, [3]float64{p.Approve, p.Disapprove, p.Undecided})
	assert.Equal(t, Phone, p.Mode)
	assert.Equal(t, 3, p.Line)
}

func TestReadCSVSeriesWeeklyTSV(t *testing.T) {
	polls, err := ReadCSV(openTestdata(t, "csv/series-weekly.tsv"))
	require.NoError(t, err)
	require.Equal(t, 3, len(polls))
	p := polls[2]
	assert.Equal(t, "VTsIOM", p.Pollster)
	assert.Equal(t, 73.1, p.Approve)
	assert.Equal(t, 18.9, p.Disapprove)
	assert.Equal(t, 8.0, p.Undecided)
	assert.Equal(t, date(2006, 1, 23), p.Start)
	assert.Equal(t, date(2006, 1, 29), p.End)
}

func TestReadCSVSeriesDates(t *testing.T) {
	for _, tc := range []struct {
		name       string
		in         string
		opts       []Option
		start, end time.Time
		approx     bool
	}{
		{"irregular days kept", "Date,Approve,Disapprove\n2020-01-03,1,2\n2020-02-17,1,2\n2020-03-01,1,2\n", nil, date(2020, 1, 3), date(2020, 1, 3), false},
		{"single row kept", "Date,Approve,Disapprove\n2020-01-15,1,2\n", nil, date(2020, 1, 15), date(2020, 1, 15), false},
		{"month labels", "Date,Approve,Disapprove\n01.2020,1,2\n", nil, date(2020, 1, 1), date(2020, 1, 31), true},
		{"legacy float damage", "Date,Approve,Disapprove\n8.202,1,2\n", []Option{WithLegacyDates(true)}, date(2020, 8, 1), date(2020, 8, 31), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			polls, err := ReadCSV(strings.NewReader(tc.in), append(tc.opts, WithPollster("FOM"))...)
			require.NoError(t, err)
			require.NotEmpty(t, polls)
			assert.Equal(t, tc.start, polls[0].Start)
			assert.Equal(t, tc.end, polls[0].End)
			assert.Equal(t, tc.approx, polls[0].Flags.Has(DateApprox))
		})
	}
	_, err := ReadCSV(strings.NewReader("Date,Approve,Disapprove\n8.202,1,2\n"), WithPollster("FOM"))
	require.ErrorIs(t, err, ErrDate, "float-damaged dates only with WithLegacyDates")
}

func TestReadCSVSeriesOneSharePublished(t *testing.T) {
	polls, err := ReadCSV(strings.NewReader("Date,Approve,Disapprove\n2022-03-13,77.2,NA\n"), WithPollster("VTsIOM"))
	require.NoError(t, err)
	require.Equal(t, 1, len(polls))
	assert.Equal(t, 77.2, polls[0].Approve)
	assert.True(t, math.IsNaN(polls[0].Disapprove))
	assert.True(t, math.IsNaN(polls[0].Undecided), "cannot derive the remainder from one share")
	assert.False(t, polls[0].Flags.Has(UndecidedDerived))
}

func TestReadCSVSeriesRussianHeaders(t *testing.T) {
	in := "Неделя\tХорошо\tПлохо\tЗатрудняюсь ответить\n23.08.2020\t63\t23\t14\n30.08.2020\t64\t23\t13\n"
	polls, err := ReadCSV(strings.NewReader(in), WithPollster("ФОМ"))
	require.NoError(t, err)
	require.Equal(t, 2, len(polls))
	assert.Equal(t, "FOM", polls[1].Pollster)
	assert.Equal(t, date(2020, 8, 28), polls[1].Start, "FOM's omnibus: Friday 28 to Sunday 30 August")
	assert.Equal(t, [3]float64{64, 23, 13}, [3]float64{polls[1].Approve, polls[1].Disapprove, polls[1].Undecided})
}

// The weekly window is the pollster's FieldDays, the same for a series
// file and for the pollster's own reader; only an unknown pollster falls
// back on the spacing (seven days).
func TestReadCSVSeriesFieldDays(t *testing.T) {
	weekly := "Date,Approve,Disapprove\n2020-08-16,58,26\n2020-08-23,60,25\n2020-08-30,64,23\n"
	for _, tc := range []struct {
		pollster string
		start    time.Time
	}{
		{"FOM", date(2020, 8, 21)},
		{"ВЦИОМ", date(2020, 8, 17)},
		{"Some Unknown Pollster", date(2020, 8, 17)},
		{"Levada", date(2020, 8, 17)}, // known, but no FieldDays stated
	} {
		t.Run(tc.pollster, func(t *testing.T) {
			polls, err := ReadCSV(strings.NewReader(weekly), WithPollster(tc.pollster))
			require.NoError(t, err)
			require.Len(t, polls, 3)
			assert.Equal(t, tc.start, polls[1].Start)
			assert.Equal(t, date(2020, 8, 23), polls[1].End)
			assert.True(t, polls[1].Flags.Has(DateApprox))
		})
	}

	// The same FOM weeks through ReadFOM and through the series reader.
	fom, err := ReadFOM(strings.NewReader("Дата;Хорошо;Плохо;Затрудняюсь ответить\n16.08.2020;58;26;16\n23.08.2020;60;25;15\n30.08.2020;64;23;13\n"))
	require.NoError(t, err)
	ser, err := ReadCSV(strings.NewReader("Date,Approve,Disapprove,DK\n2020-08-16,58,26,16\n2020-08-23,60,25,15\n2020-08-30,64,23,13\n"), WithPollster("FOM"))
	require.NoError(t, err)
	require.Len(t, fom, 3)
	require.Len(t, ser, 3)
	for i := range fom {
		assert.Equal(t, [2]time.Time{fom[i].Start, fom[i].End}, [2]time.Time{ser[i].Start, ser[i].End}, "week %d", i)
	}

	// The same VTsIOM week through ReadVTsIOM and through the series reader.
	vts, err := ReadVTsIOM(strings.NewReader("Одобрение;23.08.2020;30.08.2020\nПрезидент России;60.1;61.2\nНеодобрение;23.08.2020;30.08.2020\nПрезидент России;30.2;29.9\n"))
	require.NoError(t, err)
	ser, err = ReadCSV(strings.NewReader("Date,Approve,Disapprove\n2020-08-23,60.1,30.2\n2020-08-30,61.2,29.9\n"), WithPollster("VTsIOM"))
	require.NoError(t, err)
	require.Len(t, vts, 2)
	require.Len(t, ser, 2)
	for i := range vts {
		assert.Equal(t, date(2020, 8, 17+7*i), vts[i].Start)
		assert.Equal(t, [2]time.Time{vts[i].Start, vts[i].End}, [2]time.Time{ser[i].Start, ser[i].End}, "week %d", i)
	}
}

// A pollster given with its own FieldDays (WithProfiles) gets its own
// window from the series reader, per the period in force at each date;
// without the set the spacing decides.
func TestReadCSVSeriesProfileFieldDays(t *testing.T) {
	ps, err := NewProfiles(Profile{Name: "FieldDays Test Pollster", FieldDays: 2,
		Periods: []Period{{From: date(2020, 8, 20), FieldDays: 4}}})
	require.NoError(t, err)
	const in = "Date,Approve,Disapprove\n2020-08-16,58,26\n2020-08-23,60,25\n"
	polls, err := ReadCSV(strings.NewReader(in), WithPollster("FieldDays Test Pollster"), WithProfiles(ps))
	require.NoError(t, err)
	require.Len(t, polls, 2)
	assert.Equal(t, date(2020, 8, 15), polls[0].Start, "two days before the period")
	assert.Equal(t, date(2020, 8, 20), polls[1].Start, "four days within it")
	polls, err = ReadCSV(strings.NewReader(in), WithPollster("FieldDays Test Pollster"))
	require.NoError(t, err)
	assert.Equal(t, date(2020, 8, 10), polls[0].Start, "seven days by the spacing")
}

// Series files: a bound is NaN with BelowBound, the row is kept, and the
// undecided remainder is derived from no bound (values 09–10.2022 from
// Levada.csv with hand-substituted bounds).
func TestReadSeriesBelowBound(t *testing.T) {
	polls, err := ReadCSV(strings.NewReader("Date,Approve,Disapprove,No_answer\n2022-09-01,77,21,<1\n2022-10-01,79,19,2\n"), WithPollster("Levada"))
	require.NoError(t, err)
	require.Len(t, polls, 2)
	assert.Equal(t, 77.0, polls[0].Approve)
	assert.Equal(t, 21.0, polls[0].Disapprove)
	assert.True(t, math.IsNaN(polls[0].Undecided))
	assert.True(t, polls[0].Flags.Has(BelowBound))
	assert.False(t, polls[1].Flags.Has(BelowBound))
	assert.Equal(t, 2.0, polls[1].Undecided)

	polls, err = ReadCSV(strings.NewReader("Date,Approve,Disapprove\n2022-09-01,77,менее 1\n2022-10-01,79,19\n"), WithPollster("Levada"))
	require.NoError(t, err)
	require.Len(t, polls, 2)
	assert.True(t, math.IsNaN(polls[0].Disapprove))
	assert.True(t, math.IsNaN(polls[0].Undecided), "no remainder from a bound")
	assert.Equal(t, BelowBound, polls[0].Flags&(BelowBound|UndecidedDerived))
	assert.Equal(t, UndecidedDerived, polls[1].Flags&(BelowBound|UndecidedDerived))
}
