package poll

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Two tables «Одобрение» and «Неодобрение», weekly columns «Июл 26 2020» …
// «Авг 23 2020» (the saved VTsIOM series: 61.5/29.4 … 61.9/28.9). Each
// week ends on its date; undecided is the derived remainder.
func TestReadVTsIOMTwoTables(t *testing.T) {
	got, err := ruRead(t, ReadVTsIOM, "vtsiom/ratings_2020.html")
	require.NoError(t, err)
	f := UndecidedDerived
	ruCheck(t, got, []ruShares{
		{"2020-07-20", "2020-07-26", 61.5, 29.4, 9.1, Phone, f},
		{"2020-07-27", "2020-08-02", 60.0, 31.0, 9.0, Phone, f},
		{"2020-08-03", "2020-08-09", 60.3, 30.8, 8.9, Phone, f},
		{"2020-08-10", "2020-08-16", 60.5, 30.1, 9.4, Phone, f},
		{"2020-08-17", "2020-08-23", 61.9, 28.9, 9.2, Phone, f},
	})
	for _, p := range got {
		assert.Equal(t, "VTsIOM", p.Pollster)
		assert.Equal(t, "President", p.Subject)
		assert.Equal(t, "approval", p.Question)
		assert.Equal(t, 11200, p.SampleSize) // the profile's weekly n since June 2018
	}
}

// Fieldwork ranges as headers («22-28 сентября 2025»), both tables one
// under the other in a Windows-1251 semicolon export with decimal commas,
// and weeks with only approval published (release-formats.md §3:
// 77.2/— in March 2022, 74.6/— in October 2023, 75.4/14.6 in September
// 2025).
func TestReadVTsIOMRangesExport(t *testing.T) {
	got, err := ruRead(t, ReadVTsIOM, "vtsiom/ratings_ranges_cp1251.csv")
	require.NoError(t, err)
	ruCheck(t, got, []ruShares{
		{"2022-03-07", "2022-03-13", 77.2, nan, nan, Phone, 0},
		{"2023-10-09", "2023-10-15", 74.6, nan, nan, Phone, 0},
		{"2025-09-22", "2025-09-28", 75.4, 14.6, 10.0, Phone, UndecidedDerived},
	})
	assert.Equal(t, 10.0, got[2].Undecided) // exactly, not 9.999999999999995
}

// Another institution is selected by its printed name; the row is matched
// exactly, so «Президент» does not catch «Администрация президента».
func TestReadVTsIOMOtherInstitution(t *testing.T) {
	in := "Одобрение\t28.02.2021\t07.03.2021\n" +
		"Администрация президента\t40,0\t41,0\n" +
		"Президент\t64,1\t63,8\n" +
		"Правительство России\t50,2\t51,0\n" +
		"Неодобрение\t28.02.2021\t07.03.2021\n" +
		"Президент\t24,0\t25,1\n" +
		"Правительство России\t30,0\t29,5\n"
	got, err := ReadVTsIOM(strings.NewReader(in))
	require.NoError(t, err)
	ruCheck(t, got, []ruShares{
		{"2021-02-22", "2021-02-28", 64.1, 24.0, 11.9, Phone, UndecidedDerived},
		{"2021-03-01", "2021-03-07", 63.8, 25.1, 11.1, Phone, UndecidedDerived},
	})
	got, err = ReadVTsIOM(strings.NewReader(in), WithSubject("правительство россии"))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, 50.2, got[0].Approve)
	assert.Equal(t, 30.0, got[0].Disapprove)
	assert.Equal(t, "правительство россии", got[0].Subject)
}

// One-institution layouts: rows «Одобрение»/«Неодобрение» under weekly
// columns, or weeks as rows.
func TestReadVTsIOMSingleSeries(t *testing.T) {
	for _, in := range []string{
		";Сент 21 2025;Сент 28 2025\nОдобрение;75,8;75,4\nНеодобрение;14,2;14,6\n",
		"Неделя;Одобрение;Неодобрение\nСент 21 2025;75,8;14,2\nСентябрь 28 2025;75,4;14,6\n",
	} {
		got, err := ReadVTsIOM(strings.NewReader(in))
		require.NoError(t, err)
		ruCheck(t, got, []ruShares{
			{"2025-09-15", "2025-09-21", 75.8, 14.2, 10.0, Phone, UndecidedDerived},
			{"2025-09-22", "2025-09-28", 75.4, 14.6, 10.0, Phone, UndecidedDerived},
		})
	}
}

func TestReadVTsIOMMalformed(t *testing.T) {
	in := "Одобрение;Янв 10 2021;Янв 17 2021;Янв 24 2021;28-22 сентября 2025;Фев 07 2021;Фев 14 2021\n" + // line 1
		"Президент России;64,5;6O,3;NA;75,4;70,1;64,0\n" + // line 2
		"Неодобрение;Янв 10 2021;Янв 17 2021;Янв 24 2021;28-22 сентября 2025;Фев 07 2021;Фев 14 2021\n" + // line 3
		"Президент России;24,8;25,0;NA;14,6;35,0;24,9\n" // line 4
	got, err := ReadVTsIOM(strings.NewReader(in))
	require.Error(t, err)
	ruCheck(t, got, []ruShares{
		{"2021-01-04", "2021-01-10", 64.5, 24.8, 10.7, Phone, UndecidedDerived},
		{"2021-02-08", "2021-02-14", 64.0, 24.9, 11.1, Phone, UndecidedDerived},
	})
	ruCheckErrors(t, err, []ruErr{
		{1, 5, ErrDateOrder}, // 28-22 сентября
		{1, 6, ErrShareSum},  // 70.1 + 35.0
		{2, 3, ErrNumber},    // 6O,3 (a letter O)
		{2, 4, ErrMissing},   // NA and NA
	})

	_, err = ReadVTsIOM(strings.NewReader("Одобрение;Янв 10 2021\nПравительство России;50\n"))
	ruCheckErrors(t, err, []ruErr{{1, 0, ErrMissing}})

	_, err = ReadVTsIOM(strings.NewReader("<table><tr><td>Рейтинг</td></tr></table>"))
	require.ErrorIs(t, err, ErrUnknownLayout)
}

// The readers share only read-only tables; run under -race this checks
// that concurrent reads do not write shared state.
func TestRussianReadersConcurrent(t *testing.T) {
	files := map[string]ruReader{
		"vtsiom/ratings_2020.html":          ReadVTsIOM,
		"levada/release_ru_2020-11-27.html": ReadLevada,
		"fom/fom_highcharts_2020.html":      ReadFOM,
	}
	want := map[string]string{}
	for f, r := range files {
		got, err := ruRead(t, r, f)
		require.NoError(t, err)
		want[f] = fmt.Sprint(got)
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		for f, r := range files {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var opts []Option
				if i == 3 {
					opts = append(opts, WithSubject("Президент России"))
				}
				got, err := ruRead(t, r, f, opts...)
				assert.NoError(t, err)
				if i != 3 {
					assert.Equal(t, want[f], fmt.Sprint(got))
				}
			}()
		}
	}
	wg.Wait()
}

// A bound ("<1") is NaN with BelowBound, and no remainder is derived from
// it (hand-made: the real weeks print 14,2 and 14,6).
func TestReadVTsIOMBelowBound(t *testing.T) {
	in := ";Сент 21 2025;Сент 28 2025\nОдобрение;75,8;75,4\nНеодобрение;<1;14,6\n"
	got, err := ReadVTsIOM(strings.NewReader(in))
	require.NoError(t, err)
	ruCheck(t, got, []ruShares{
		{"2025-09-15", "2025-09-21", 75.8, nan, nan, Phone, BelowBound},
		{"2025-09-22", "2025-09-28", 75.4, 14.6, 10.0, Phone, UndecidedDerived},
	})
}
