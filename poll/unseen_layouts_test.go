package poll

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Layouts the first fixtures did not cover, written as a user would feed
// them (testdata/SOURCES.md, "files in these layouts not seen before"):
// other markup, other wordings of the "don't know" and «Метод опроса»
// cells, title rows above CSV headers, spreadsheet dates, two-row
// headers, numeric week ranges, dates in headings. Each case pins every
// poll (period, shares, mode, flags) and every error (line, column,
// sentinel).

func TestReadUnseenReleaseLayouts(t *testing.T) {
	ff := func(ym string) Mode { return FaceToFace }
	indicator2020 := ruMonthly(levadaMode, DateApprox,
		"2020-03", 63, 36, 2, "2020-04", 59, 33, 8, "2020-05", 59, 34, 7,
		"2020-06", 60, 35, 6, "2020-07", 60, 33, 6, "2020-08", 66, 33, 1)
	direction2020 := ruMonthly(levadaMode, DateApprox,
		"2020-03", 48, 42, 10, "2020-04", 42, 42, 17, "2020-05", 43, 42, 15,
		"2020-06", 43, 41, 16, "2020-07", 42, 40, 18, "2020-08", 51, 42, 7)
	release2021 := append([]ruShares{{"2021-08-19", "2021-08-26", 61, 37, 2, FaceToFace, 0}},
		ruMonthly(ff, DateApprox,
			"2021-07", 64, 35, 1, "2021-06", 66, 32, 2, "2021-05", 67, 32, 2, "2021-04", 65, 33, 2,
			"2021-03", 63, 35, 2, "2021-02", 65, 34, 2, "2021-01", 64, 34, 2,
			"2020-08", 66, 33, 1, "2019-08", 67, 31, 1)...)
	vtsiomWeeks := []ruShares{
		{"2020-08-10", "2020-08-16", 60.5, 30.1, 9.4, Phone, UndecidedDerived},
		{"2020-08-17", "2020-08-23", 61.9, 28.9, 9.2, Phone, UndecidedDerived},
	}
	fomWeeks := []ruShares{
		{"2020-08-21", "2020-08-23", 60, 25, 15, FaceToFace, DateApprox},
		{"2020-08-14", "2020-08-16", 58, 26, 16, FaceToFace, DateApprox},
		{"2020-08-07", "2020-08-09", 58, 27, 15, FaceToFace, DateApprox},
	}
	for _, tc := range []struct {
		name   string
		read   ruReader
		file   string
		want   []ruShares
		labels []string // Labels of the first poll of each question, in order
		errs   []ruErr
		check  func(t *testing.T, got []Poll)
	}{
		{
			// thead/th, inline styles, <b>/<span>/<strong> around numbers,
			// a number split over two spans, &nbsp; around a number and
			// inside a label, "1&nbsp;%"; method cells worded «Телефонный
			// опрос (CATI)», «телеф.», «тел. опрос», «опрос по телефону»;
			// and a second indicator (right direction) on the same page.
			name: "Levada styled indicator page", read: ReadLevada, file: "levada/indicator_ru_styled.html",
			want:   append(append([]ruShares(nil), indicator2020...), direction2020...),
			labels: []string{"Одобряю|Не одобряю|Нет ответа", "В правильном направлении|По неверному пути|Затруднились ответить"},
			check: func(t *testing.T, got []Poll) {
				for i, p := range got {
					assert.Equal(t, []string{"approval", "direction"}[i/6], p.Question)
					assert.Equal(t, []string{"Putin", "Russia"}[i/6], p.Subject)
				}
				assert.Contains(t, got[2].Source, "[телеф.]")
			},
		},
		{
			// The English site's label/data split with thead/th and <b>,
			// twice on one page, the second with "It is difficult to say".
			name: "Levada English split tables, two indicators", read: ReadLevada, file: "levada/indicator_en_split_th.html",
			want: append(ruMonthly(levadaMode, DateApprox,
				"2023-07", 82, 15, 3, "2023-08", 80, 16, 4, "2023-09", 80, 17, 3, "2023-10", 82, 15, 3, "2023-11", 85, 13, 2),
				ruMonthly(levadaMode, DateApprox,
					"2023-07", 66, 23, 12, "2023-08", 62, 24, 13, "2023-09", 62, 26, 12, "2023-10", 64, 21, 15, "2023-11", 67, 21, 12)...),
			labels: []string{"Approve|Disapprove|No answer", "In the right direction|On the wrong track|It is difficult to say"},
			check: func(t *testing.T, got []Poll) {
				assert.Equal(t, "Putin's approval rating", got[0].Source)
				assert.Equal(t, "direction", got[5].Question)
			},
		},
		{
			// «Затруднились ответить», year rows in colspan cells, a year
			// row «2019 г.» with empty cells, «июль»/«февр.» forms, a
			// footnote mark on «авг.*», and the methodology block in the
			// footnote with n written «1&nbsp;619».
			name: "Levada Russian release with DK column", read: ReadLevada, file: "levada/release_ru_2021-08_dk.html",
			want:   release2021,
			labels: []string{"Одобряю|Не одобряю|Затруднились ответить"},
			check: func(t *testing.T, got []Poll) {
				assert.Equal(t, 1619, got[0].SampleSize)
				assert.Equal(t, 0, got[1].SampleSize)
			},
		},
		{
			// A two-row header, columns in another order, «Затрудняюсь
			// ответить / нет ответа», full month names, a superscript
			// footnote on «Ноябрь¹», a «Сумма» row and «2021 год».
			name: "Levada release variants", read: ReadLevada, file: "levada/release_ru_2022-12_variants.html",
			want:   ruMonthly(ff, DateApprox, "2022-12", 81, 17, 2, "2022-11", 79, 18, 3, "2021-12", 65, 34, 1),
			labels: []string{"Не одобряю|Одобряю|Затрудняюсь ответить / нет ответа"},
		},
		{
			// Rowspan year cells and "It is difficult to say".
			name: "Levada English release with DK column", read: ReadLevada, file: "levada/release_en_2017_dk.html",
			want: ruMonthly(ff, DateApprox,
				"2017-08", 83, 15, 1, "2017-07", 83, 15, 2, "2017-06", 81, 18, 1, "2017-05", 81, 18, 1,
				"2017-04", 82, 18, 1, "2017-03", 82, 17, 1, "2017-02", 84, 15, 1, "2017-01", 85, 14, 1,
				"2016-08", 82, 18, 1, "2015-08", 83, 17, 1),
			labels: []string{"Approve|Disapprove|It is difficult to say"},
		},
		{
			// An Excel export: Windows-1251, CRLF, semicolons, decimal
			// commas, a title row above the header, a «Метод опроса» row.
			name: "Levada Windows-1251 export with title row", read: ReadLevada, file: "levada/export_title_cp1251.csv",
			want:   indicator2020,
			labels: []string{"Одобряю|Не одобряю|Нет ответа"},
			check: func(t *testing.T, got []Poll) {
				assert.Equal(t, "Одобрение деятельности В. Путина, % от числа опрошенных [личное интервью]", got[0].Source)
				assert.Equal(t, 2, got[0].Line)
			},
		},
		{
			// Months as rows with «Метод опроса» as a column, before the
			// answers.
			name: "Levada release with a method column", read: ReadLevada, file: "levada/release_method_column.csv",
			want:   ruMonthly(levadaMode, DateApprox, "2020-08", 66, 33, 1, "2020-07", 60, 33, 6, "2020-06", 60, 35, 6, "2020-05", 59, 34, 7, "2020-04", 59, 33, 8, "2020-03", 63, 36, 2),
			labels: []string{"Одобряю|Не одобряю|Нет ответа"},
			check: func(t *testing.T, got []Poll) {
				assert.True(t, strings.HasSuffix(got[1].Source, "ПРЕЗИДЕНТА РОССИИ? [телефонный опрос]"), got[1].Source)
				assert.True(t, strings.HasSuffix(got[0].Source, "[личное интервью]"), got[0].Source)
			},
		},
		{
			// Month headers turned into dates by a spreadsheet
			// (01.01.2022) or a scraper (15.03.2022).
			name: "Levada day-dated month columns", read: ReadLevada, file: "levada/indicator_daydates.csv",
			want:   ruMonthly(ff, DateApprox, "2022-01", 69, 29, 2, "2022-02", 71, 27, 1, "2022-03", 83, 15, 2),
			labels: []string{"Одобряю|Не одобряю|Нет ответа"},
		},
		{
			// A label table with the indicator's title and an empty row
			// above the labels, one row more than the data table.
			name: "Levada English split tables with a title row", read: ReadLevada, file: "levada/ratings_en_split_title.html",
			want:   ruMonthly(ff, DateApprox, "2023-10", 82, 15, 3, "2023-11", 85, 13, 2),
			labels: []string{"Approve|Disapprove|No answer"},
		},
		{
			// Bad cells: each is reported where it stands and only its
			// month is lost.
			name: "Levada malformed cells", read: ReadLevada, file: "levada/malformed_cells.html",
			want:   ruMonthly(ff, DateApprox, "2021-09", 64, 34, 2),
			labels: []string{"Одобряю|Не одобряю|Нет ответа"},
			errs: []ruErr{
				{3, 6, ErrDate},       // 13.2021
				{5, 3, ErrNumber},     // 6l
				{5, 5, ErrShareRange}, // 105
				{7, 4, ErrNumber},     // 1,234
			},
		},
		{
			// «Одобрение» and «Неодобрение» spanning their weeks over one
			// row of dates.
			name: "VTsIOM two-row header", read: ReadVTsIOM, file: "vtsiom/ratings_two_row_header.html",
			want:   vtsiomWeeks,
			labels: []string{"Одобрение|Неодобрение"},
		},
		{
			// A CSV export of both tables, each under a title row naming
			// its section, the header's first cell empty.
			name: "VTsIOM tables under title rows", read: ReadVTsIOM, file: "vtsiom/ratings_titles.csv",
			want:   vtsiomWeeks,
			labels: []string{"Одобрение|Неодобрение"},
		},
		{
			// Weeks as rows with numeric ranges in three spellings; a
			// reversed range is reported, not swapped.
			name: "VTsIOM numeric week ranges", read: ReadVTsIOM, file: "vtsiom/weeks_numeric_ranges.csv",
			want: []ruShares{vtsiomWeeks[1], vtsiomWeeks[0],
				{"2020-08-03", "2020-08-09", 60.3, 30.8, 8.9, Phone, UndecidedDerived}},
			labels: []string{"Одобрение|Неодобрение"},
			errs:   []ruErr{{5, 1, ErrDateOrder}},
		},
		{
			// The date in a heading above the question, not in the remark;
			// two tables, each with its own heading.
			name: "FOM date in heading", read: ReadFOM, file: "fom/fom_heading_date.html",
			want: []ruShares{
				{"2020-08-21", "2020-08-23", 60, 25, 15, FaceToFace, 0},
				{"2022-11-25", "2022-11-27", 77, 11, 11, FaceToFace, 0},
			},
			labels: []string{"Хорошо|Плохо|Затрудняюсь ответить"},
		},
		{
			// Highcharts data as point objects ({y: 58, color: …}, with
			// nested braces), [x, y] pairs and plain numbers; a point
			// without y loses its week only.
			name: "FOM Highcharts point objects", read: ReadFOM, file: "fom/fom_highcharts_points.html",
			want:   []ruShares{fomWeeks[2], fomWeeks[1]},
			labels: []string{"Хорошо|Плохо|Затрудняюсь ответить"},
			errs:   []ruErr{{10, 3, ErrNumber}},
		},
		{
			// Dates as rows under a title row (Windows-1251, CRLF,
			// semicolons; the title holds a comma), «9 авг. 2020».
			name: "FOM rows under a title row", read: ReadFOM, file: "fom/fom_rows_title_cp1251.csv",
			want:   fomWeeks,
			labels: []string{"Хорошо|Плохо|Затрудняюсь ответить"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ruRead(t, tc.read, tc.file)
			if tc.errs == nil {
				require.NoError(t, err)
			} else {
				ruCheckErrors(t, err, tc.errs)
			}
			ruCheck(t, got, tc.want)
			q := ""
			var labels []string
			for _, p := range got {
				if p.Question != q {
					q = p.Question
					labels = append(labels, p.Labels)
				}
			}
			assert.Equal(t, tc.labels, labels)
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

// A method column decides the mode over the profile, as the method row
// does, and WithSource keeps the cell's text.
func TestReadLevadaMethodColumnOverridesProfile(t *testing.T) {
	in := ";Одобряю;Не одобряю;Нет ответа;Метод опроса\n2020;;;;\nокт.;68;31;1;телефонный опрос\nсен.;69;30;1;личное интервью\n"
	got, err := ReadLevada(strings.NewReader(in), WithSource("test"))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, Phone, got[0].Mode)
	assert.Equal(t, FaceToFace, got[1].Mode)
	assert.Equal(t, "test [телефонный опрос]", got[0].Source)
}

// Label and mode details the fixtures above rely on, one by one.
func TestUnseenWordings(t *testing.T) {
	for _, tc := range []struct {
		label string
		want  answerKind
	}{
		{"Затрудняюсь ответить / нет ответа", ansUndecided},
		{"Затрудняюсь ответить/нет ответа", ansUndecided},
		{"Hard to say / No answer", ansUndecided},
		{"No answer/difficult to answer", ansUndecided},
		{"Одобряю / не одобряю", ansNone}, // a merged column is no answer at all
		{"Одобряю / нет ответа", ansNone},
		{"Одобряю / ", ansNone},
	} {
		assert.Equal(t, tc.want, levadaApproval.kind(tc.label), tc.label)
	}
	for _, tc := range []struct {
		cell string
		want Mode
	}{
		{"Телефонный опрос (CATI)", Phone}, {"телеф.", Phone}, {"тел. опрос", Phone}, {"опрос по телефону", Phone},
		{"Личное интервью", FaceToFace}, {"Опрос на дому (F2F)", FaceToFace}, {"Отель", FaceToFace},
	} {
		assert.Equal(t, tc.want, modeFromMethod(tc.cell), tc.cell)
	}
	for _, tc := range []struct{ in, start, end string }{
		{"16.08.2020 – 22.08.2020", "2020-08-16", "2020-08-22"},
		{"16.08.2020-22.08.2020", "2020-08-16", "2020-08-22"},
		{"16.08–22.08.2020", "2020-08-16", "2020-08-22"},
		{"16–22.08.2020", "2020-08-16", "2020-08-22"},
		{"28.12.2020 — 03.01.2021", "2020-12-28", "2021-01-03"},
		{"22.08.2020 - 16.08.2020", "2020-08-22", "2020-08-16"}, // reversed: the reader reports it
	} {
		sp, ok := parseDate(tc.in, nil)
		require.True(t, ok, tc.in)
		assert.Equal(t, ruDay(tc.start), sp.Start, tc.in)
		assert.Equal(t, ruDay(tc.end), sp.End, tc.in)
		assert.False(t, sp.Approx, tc.in)
	}
	for _, in := range []string{"31.02.2020 - 03.03.2020", "16 - 22.13.2020", "2020-08-16", "16.08.2020 - 22.08", "-22.08.2020", "16.08.20-22.08.2020"} {
		sp, ok := parseNumericRange(in)
		if ok {
			t.Errorf("%q parsed as a range: %v", in, sp)
		}
	}
}

// A CSV or TSV export with a title row above its header: the separator
// is the table's, not the title's (whose comma or lack of one used to
// decide), and ReadCSV finds the header below the title.
func TestSniffCommaTitleRow(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want rune
	}{
		{"Рейтинг, % от опрошенных\nДата;Одобряю;Не одобряю\n01.2022;69;29\n02.2022;71;27\n", ';'},
		{"Title without separators\n;08.2021;09.2021\nОдобряю;61,0;64,0\nНе одобряю;37,0;34,0\n", ';'},
		{"Title\nDate\tApprove\n2022-01\t69,5\n", '\t'},
		{"a,b\n1,2\n\nnote; with; semicolons\n", ','},
	} {
		assert.Equal(t, tc.want, sniffComma([]byte(tc.in)), tc.in)
	}
}

func TestReadCSVUnseenLayouts(t *testing.T) {
	t.Run("series under a title row, Windows-1251", func(t *testing.T) {
		// «Затруднились ответить» is the DK column and «Источник» the
		// pollster; dates on the 1st are month placeholders.
		got, err := ruRead(t, ReadCSV, "csv/series-title-cp1251.csv")
		require.NoError(t, err)
		require.Len(t, got, 3)
		for i, w := range []struct {
			ym      string
			a, d, u float64
		}{{"2021-06", 66, 32, 2}, {"2021-07", 64, 35, 1}, {"2021-08", 61, 37, 2}} {
			s, e := ruMonth(w.ym)
			p := got[i]
			assert.Equal(t, "Levada", p.Pollster)
			assert.Equal(t, ruDay(s), p.Start)
			assert.Equal(t, ruDay(e), p.End)
			assert.Equal(t, []float64{w.a, w.d, w.u}, []float64{p.Approve, p.Disapprove, p.Undecided})
			assert.Equal(t, DateApprox, p.Flags, "undecided is published, not derived")
			assert.Equal(t, FaceToFace, p.Mode)
			assert.Equal(t, i+3, p.Line)
		}
	})
	t.Run("a missing column is reported at the header below the title", func(t *testing.T) {
		in := "Рейтинг В. Путина\nДата;Одобряю;Не одобряю\n01.06.2021;66;32\n"
		_, err := ReadCSV(strings.NewReader(in))
		ruCheckErrors(t, err, []ruErr{{2, 0, ErrMissingColumn}})
	})
	t.Run("title rows without a header are an unknown layout, at the first line", func(t *testing.T) {
		_, err := ReadCSV(strings.NewReader("Рейтинг\nпо месяцам\n\nи только\nещё текст\n"))
		ruCheckErrors(t, err, []ruErr{{1, 0, ErrUnknownLayout}})
	})
	t.Run("canonical with Start Date and End Date columns", func(t *testing.T) {
		in := "Pollster,Start Date,End Date,Approve,Disapprove,Sample Size\nLevada,2023-10-19,2023-10-25,82,15,1600\n"
		got, err := ReadCSV(strings.NewReader(in))
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, ruDay("2023-10-19"), got[0].Start)
		assert.Equal(t, ruDay("2023-10-25"), got[0].End)
		assert.Equal(t, 1600, got[0].SampleSize)
		// 538's own files still go to Read538.
		_, err = ReadCSV(strings.NewReader("poll_id,pollster,start_date,end_date,question_id,politician,yes,no\n"))
		require.ErrorIs(t, err, ErrUnknownLayout)
		assert.Contains(t, err.Error(), "Read538")
	})
	t.Run("canonical, upper case, required columns only, % and grouped n", func(t *testing.T) {
		got, err := ruRead(t, ReadCSV, "csv/canonical-upper.csv")
		require.NoError(t, err)
		require.Len(t, got, 3)
		want := []struct {
			pollster, start, end string
			a, d                 float64
			n                    int
			mode                 Mode
		}{
			{"Levada", "2023-10-19", "2023-10-25", 82, 15, 1600, FaceToFace},
			{"Levada", "2022-03-24", "2022-03-31", 83, 15, 1600, FaceToFace},
			{"VTsIOM", "2020-09-21", "2020-09-27", 64.8, nan, 11200, Phone},
		}
		for i, w := range want {
			p := got[i]
			assert.Equal(t, w.pollster, p.Pollster)
			assert.Equal(t, ruDay(w.start), p.Start)
			assert.Equal(t, ruDay(w.end), p.End)
			assert.Equal(t, w.a, p.Approve)
			if w.d != w.d {
				assert.True(t, p.Disapprove != p.Disapprove, "disapprove not published: NaN")
			} else {
				assert.Equal(t, w.d, p.Disapprove)
			}
			assert.True(t, p.Undecided != p.Undecided, "no undecided column: NaN, not derived")
			assert.Equal(t, w.n, p.SampleSize)
			assert.Equal(t, w.mode, p.Mode)
			assert.Equal(t, Flags(0), p.Flags)
		}
	})
}

// A 538 poll list as a spreadsheet saves it: a BOM, CRLF, the columns in
// another order, an extra column with quoted commas, quotes and a line
// break.
func TestRead538Reordered(t *testing.T) {
	got, err := ruRead(t, Read538, "csv/538-reordered-bom.csv")
	require.NoError(t, err)
	require.Len(t, got, 4)
	for i, w := range []struct {
		pollster, start, end string
		a, d, adjA           float64
		n, line              int
		pop                  Population
		flags                Flags
	}{
		{"Gallup", "2017-01-20", "2017-01-22", 45, 45, 45.763413, 1500, 2, Adults, Tracking},
		{"Morning Consult", "2017-01-20", "2017-01-22", 46, 37, 45.561366, 1992, 3, RegisteredVoters, 0},
		{"Gallup", "2017-01-21", "2017-01-23", 45, 46, 45.763413, 1500, 5, Adults, Tracking},
		{"Ipsos", "2017-01-20", "2017-01-24", 42.1, 45.2, 43.381217, 1632, 6, Adults, Tracking},
	} {
		p := got[i]
		assert.Equal(t, w.pollster, p.Pollster)
		assert.Equal(t, ruDay(w.start), p.Start)
		assert.Equal(t, ruDay(w.end), p.End)
		assert.Equal(t, []float64{w.a, w.d, w.adjA}, []float64{p.Approve, p.Disapprove, p.AdjustedApprove})
		assert.Equal(t, w.n, p.SampleSize)
		assert.Equal(t, w.line, p.Line, "a quoted line break moves the next rows down")
		assert.Equal(t, w.pop, p.Population)
		assert.Equal(t, w.flags, p.Flags)
	}
}
