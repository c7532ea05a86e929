package poll

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FOM's weekly values for 26 July – 23 August 2020 (the saved FOM series),
// as a single-date table with the date in the chart remark, as dated
// columns, as a Highcharts script, and as a Windows-1251 export with dates
// as rows. A single date is the last day of a Friday–Sunday omnibus.
func TestReadFOMLayouts(t *testing.T) {
	f := DateApprox // the start is inferred
	weeks := []ruShares{
		{"2020-07-24", "2020-07-26", 62, 25, 13, FaceToFace, f},
		{"2020-07-31", "2020-08-02", 60, 27, 13, FaceToFace, f},
		{"2020-08-07", "2020-08-09", 58, 27, 15, FaceToFace, f},
		{"2020-08-14", "2020-08-16", 58, 26, 16, FaceToFace, f},
		{"2020-08-21", "2020-08-23", 60, 25, 15, FaceToFace, f},
	}
	for _, tc := range []struct {
		file   string
		want   []ruShares
		labels string
	}{
		{"fom/fom_2020-08-23.html", weeks[4:], "Хорошо|Плохо|Затрудняюсь ответить"},
		{"fom/fom_weeks_2020.html", weeks[1:], "(Скорее) хорошо|(Скорее) плохо|Затрудняюсь ответить"},
		{"fom/fom_highcharts_2020.html", weeks, "Затрудняюсь ответить|Плохо|Хорошо"},
		{"fom/fom_series_cp1251.csv", weeks, "Хорошо|Плохо|Затрудняюсь ответить"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ruRead(t, ReadFOM, tc.file)
			require.NoError(t, err)
			ruCheck(t, got, tc.want)
			for _, p := range got {
				assert.Equal(t, "FOM", p.Pollster)
				assert.Equal(t, "Putin", p.Subject)
				assert.Equal(t, tc.labels, p.Labels)
			}
		})
	}
}

// A fieldwork range in full is used as printed: 25–27 November 2022,
// 77/11/11 (release-formats.md §4).
func TestReadFOMRange(t *testing.T) {
	got, err := ruRead(t, ReadFOM, "fom/fom_2022-11.html")
	require.NoError(t, err)
	ruCheck(t, got, []ruShares{{"2022-11-25", "2022-11-27", 77, 11, 11, FaceToFace, 0}})
}

// The Highcharts series are found by name whatever their order, and a
// series shorter than the categories is reported, not padded.
func TestReadFOMHighchartsByName(t *testing.T) {
	page := "<html><body><script>\n" + // line 1
		"var opts = {xAxis: {categories: [\"16 августа 2020\", \"23 августа 2020\"]},\n" + // line 2
		"series: [{name: 'Хорошо', data: [58, 60]},\n" + // line 3
		"{name: 'Затрудняюсь ответить', data: [16]},\n" + // line 4
		"{name: 'Плохо', data: [26, 2x5]}]};\n" + // line 5
		"</script></body></html>\n"
	got, err := ReadFOM(strings.NewReader(page))
	require.Error(t, err)
	require.Len(t, got, 1)
	ruCheck(t, got, []ruShares{{"2020-08-14", "2020-08-16", 58, 26, 16, FaceToFace, DateApprox}})
	ruCheckErrors(t, err, []ruErr{
		{2, 2, ErrFieldCount}, // no «Затрудняюсь ответить» value for 23 августа
		{5, 2, ErrNumber},     // 2x5
	})
}

func TestReadFOMMalformed(t *testing.T) {
	in := "Дата;Хорошо;Плохо;Затрудняюсь ответить\n" +
		"2 августа 2020;60;27;13\n" +
		"9 августа 2020;158;27;15\n" + // line 3: out of range
		"31 июня 2020;58;26;16\n" + // line 4: no such day
		"23 августа 2020;60;45;15\n" // line 5: sums to 120
	got, err := ReadFOM(strings.NewReader(in))
	require.Error(t, err)
	ruCheck(t, got, []ruShares{{"2020-07-31", "2020-08-02", 60, 27, 13, FaceToFace, DateApprox}})
	ruCheckErrors(t, err, []ruErr{{3, 2, ErrShareRange}, {4, 1, ErrDate}, {5, 1, ErrShareSum}})

	// A table with no date anywhere cannot be placed in time.
	_, err = ReadFOM(strings.NewReader("<table><tr><td>Хорошо</td><td>60</td></tr><tr><td>Плохо</td><td>25</td></tr></table>"))
	require.ErrorIs(t, err, ErrUnknownLayout)
}

// dateInText finds the first phrase naming a day, in every form the
// remarks and captions print, and skips months alone and other numbers.
func TestDateInText(t *testing.T) {
	for _, tc := range []struct {
		text       string
		start, end string // "" = none found
	}{
		{"Данные за 23 августа 2020. Опрос «ФОМнибус», 1500 респондентов.", "2020-08-23", "2020-08-23"},
		{"Опрос 25–27 ноября 2022 года, 1500 респондентов", "2022-11-25", "2022-11-27"},
		{"опрос 30 октября – 1 ноября 2020", "2020-10-30", "2020-11-01"},
		{"Fieldwork Aug 23, 2020; n = 1500", "2020-08-23", "2020-08-23"},
		{"в 137 населенных пунктах, август 2020, 12 августа без года; затем 21–23 августа 2020 г.", "2020-08-21", "2020-08-23"},
		{"опрос 12 августа проведен по выборке 1600 человек", "", ""},
		{"", "", ""},
	} {
		sp, ok := dateInText(tc.text)
		if tc.start == "" {
			assert.False(t, ok, tc.text)
			continue
		}
		require.True(t, ok, tc.text)
		assert.Equal(t, ruDay(tc.start), sp.Start, tc.text)
		assert.Equal(t, ruDay(tc.end), sp.End, tc.text)
	}
}
