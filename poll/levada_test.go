package poll

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
)

var nan = math.NaN()

// The 03.2020–08.2020 indicator table of release-formats.md §2.2, with its
// «Метод опроса» row, in four dresses: HTML (banner, thead/tbody, &nbsp;,
// methodology block for August), the same page in Windows-1251, and a
// semicolon CSV export with a BOM (no methodology block).
func TestReadLevadaIndicator2020(t *testing.T) {
	table := ruMonthly(levadaMode, DateApprox,
		"2020-03", 63, 36, 2,
		"2020-04", 59, 33, 8,
		"2020-05", 59, 34, 7,
		"2020-06", 60, 35, 6,
		"2020-07", 60, 33, 6,
		"2020-08", 66, 33, 1)
	withMethod := append([]ruShares(nil), table...)
	// «Опрос проведен 20-26 августа 2020 года … объемом 1601 человек»
	withMethod[5] = ruShares{"2020-08-20", "2020-08-26", 66, 33, 1, FaceToFace, 0}
	for _, tc := range []struct {
		file string
		want []ruShares
		n    int
	}{
		{"levada/indicator_ru_2020.html", withMethod, 1601},
		{"levada/indicator_ru_2020_cp1251.html", withMethod, 1601},
		{"levada/indicator_2020_bom.csv", table, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ruRead(t, ReadLevada, tc.file)
			require.NoError(t, err)
			ruCheck(t, got, tc.want)
			assert.Equal(t, tc.n, got[5].SampleSize)
			assert.Equal(t, 0, got[0].SampleSize)
			for _, p := range got {
				assert.Equal(t, "Levada", p.Pollster)
				assert.Equal(t, "approval", p.Question)
				assert.Equal(t, "Putin", p.Subject)
				assert.Equal(t, "Одобряю|Не одобряю|Нет ответа", p.Labels)
			}
			// The method row's raw text is kept.
			assert.Contains(t, got[1].Source, "(CATI)")
			assert.Contains(t, got[0].Source, "(face-to-face)")
		})
	}
}

// The «Метод опроса» row decides the mode, not the profile: a table that
// says CATI for a month outside April–July 2020 is read as phone.
func TestReadLevadaMethodRowOverridesProfile(t *testing.T) {
	in := ";09.2020;10.2020\nОдобряю;69;68\nНе одобряю;30;31\nНет ответа;1;1\nМетод опроса;телефонный опрос;личное интервью\n"
	got, err := ReadLevada(strings.NewReader(in))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, Phone, got[0].Mode)
	assert.Equal(t, FaceToFace, got[1].Mode)
	// WithMode beats both.
	got, err = ReadLevada(strings.NewReader(in), WithMode(Online))
	require.NoError(t, err)
	assert.Equal(t, Online, got[0].Mode)
}

// The English ratings page: labels and numbers in separate tables, the
// 07.2023–11.2023 values of release-formats.md §2.3; the English
// foreign-agent line is not a title.
func TestReadLevadaEnglishSplitTables(t *testing.T) {
	got, err := ruRead(t, ReadLevada, "levada/ratings_en_2023.html")
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox,
		"2023-07", 82, 15, 3,
		"2023-08", 80, 16, 4,
		"2023-09", 80, 17, 3,
		"2023-10", 82, 15, 3, // pinned: Levada Oct 2023 = 82/15/3
		"2023-11", 85, 13, 2))
	assert.Equal(t, "Approve|Disapprove|No answer", got[0].Labels)
	assert.Equal(t, "Putin's approval rating", got[0].Source)
	// Errors in the data table point into it: the Oct 2023 approve cell is
	// on line 15, the fourth cell of its row.
	assert.Equal(t, 13, got[3].Line)
}

// The 2020-11-27 press release: months as rows, newest first, under year
// rows; both its approval table and its "right direction" table.
func TestReadLevadaRelease2020(t *testing.T) {
	got, err := ruRead(t, ReadLevada, "levada/release_ru_2020-11-27.html")
	require.NoError(t, err)
	require.Len(t, got, 26)
	approval := ruMonthly(levadaMode, DateApprox,
		"2020-11", 65, 34, 1, "2020-10", 68, 31, 1, "2020-09", 69, 30, 1, "2020-08", 66, 33, 1,
		"2020-07", 60, 33, 6, "2020-06", 60, 35, 6, "2020-05", 59, 34, 7, "2020-04", 59, 33, 8,
		"2020-03", 63, 36, 2, "2020-02", 69, 30, 1, "2020-01", 68, 31, 1,
		"2019-11", 68, 31, 1, "2018-11", 66, 33, 1)
	direction := ruMonthly(levadaMode, DateApprox,
		"2020-11", 48, 43, 9, "2020-10", 49, 43, 8, "2020-09", 50, 40, 10, "2020-08", 51, 42, 7,
		"2020-07", 42, 40, 18, "2020-06", 43, 41, 16, "2020-05", 43, 42, 15, "2020-04", 42, 42, 17,
		"2020-03", 48, 42, 10, "2020-02", 53, 38, 10, "2020-01", 52, 39, 10,
		"2019-11", 48, 42, 11, "2018-11", 47, 42, 11)
	ruCheck(t, got[:13], approval)
	ruCheck(t, got[13:], direction)
	for _, p := range got[:13] {
		assert.Equal(t, "approval", p.Question)
		assert.Equal(t, "Putin", p.Subject)
	}
	for _, p := range got[13:] {
		assert.Equal(t, "direction", p.Question)
		assert.Equal(t, "В правильном направлении|По неверному пути|Затруднились ответить", p.Labels)
	}
	assert.Contains(t, got[0].Source, "ОДОБРЯЕТЕ ИЛИ НЕ ОДОБРЯЕТЕ")
}

// The English 2017-09-26 release ("2017 Aug." then "Jul."; "2016 Aug."),
// as HTML and as a TSV export with the year in a column of its own.
func TestReadLevadaEnglishRelease2017(t *testing.T) {
	want := ruMonthly(levadaMode, DateApprox,
		"2017-08", 83, 15, 1, "2017-07", 83, 15, 2, "2017-06", 81, 18, 1, "2017-05", 81, 18, 1,
		"2017-04", 82, 18, 1, "2017-03", 82, 17, 1, "2017-02", 84, 15, 1, "2017-01", 85, 14, 1,
		"2016-08", 82, 18, 1, "2015-08", 83, 17, 1, "2014-08", 84, 15, 1, "2013-08", 63, 36, 1)
	for _, f := range []string{"levada/release_en_2017-09-26.html", "levada/release_en_2017.tsv"} {
		t.Run(f, func(t *testing.T) {
			got, err := ruRead(t, ReadLevada, f)
			require.NoError(t, err)
			ruCheck(t, got, want)
			assert.Equal(t, "Putin", got[0].Subject)
		})
	}
}

// 2009 releases: months as columns labelled май.08 … мар.09, lower-case
// «нет ответа», a question title in row 1, Windows-1251 and semicolons;
// and the transposed copy with rows «Май 08».
func TestReadLevada2009TwoDigitYears(t *testing.T) {
	got, err := ruRead(t, ReadLevada, "levada/release_ru_2009_cp1251.csv")
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox,
		"2008-05", 80, 15, 5, "2008-06", 83, 13, 5, "2008-07", 80, 17, 3, "2008-08", 83, 15, 2,
		"2008-09", 88, 10, 2, "2008-10", 83, 14, 4, "2008-11", 86, 12, 2, "2008-12", 83, 15, 2,
		"2009-01", 83, 14, 3, "2009-02", 78, 20, 2, "2009-03", 78, 20, 2))
	assert.Equal(t, "Одобряю|Не одобряю|нет ответа", got[0].Labels)
	assert.Contains(t, got[0].Source, "ПРЕМЬЕР-МИНИСТРА")

	// An explicit encoding gives the same result.
	again, err := ruRead(t, ReadLevada, "levada/release_ru_2009_cp1251.csv", WithEncoding(charmap.Windows1251), WithComma(';'))
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprint(got), fmt.Sprint(again)) // NaN ≠ NaN defeats assert.Equal on the structs

	got, err = ruRead(t, ReadLevada, "levada/transposed_2008.tsv")
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox,
		"2008-05", 80, 15, 5, "2008-06", 83, 13, 5, "2008-07", 80, 17, 3, "2008-08", 83, 15, 2, "2008-09", 88, 10, 2))
}

// The October 2019 four-point question (release-formats.md §2.1):
// definitely yes 26, rather yes 44, rather no 18, definitely no 10; the
// remainder ("hard to say") is not published and stays NaN.
func TestReadLevadaFourPoint(t *testing.T) {
	got, err := ruRead(t, ReadLevada, "levada/fourpoint_2019.html")
	require.NoError(t, err)
	ruCheck(t, got, []ruShares{{"2019-10-01", "2019-10-31", 70, 28, nan, FaceToFace, FourPointScale | DateApprox}})
	require.NotNil(t, got[0].Detail)
	assert.Equal(t, FourPoint{DefinitelyYes: 26, RatherYes: 44, RatherNo: 18, DefinitelyNo: 10}, *got[0].Detail)
	assert.Equal(t, "Безусловно, да|Скорее, да|Скорее, нет|Безусловно, нет", got[0].Labels)

	// English wording, months as rows.
	en := "\tDefinitely yes\tRather yes\tRather no\tDefinitely no\tDifficult to answer\n2019 Oct.\t26\t44\t18\t10\t2\n"
	got, err = ReadLevada(strings.NewReader(en))
	require.NoError(t, err)
	ruCheck(t, got, []ruShares{{"2019-10-01", "2019-10-31", 70, 28, 2, FaceToFace, FourPointScale | DateApprox}})
}

// The methodology block of the August 2021 release gives the August poll
// its fieldwork (19–26 August) and n = 1619; the other months keep their
// calendar spans. The English block (27 January – 2 February 2022, 1626
// people) goes to January, the month fieldwork started in.
func TestReadLevadaMethodology(t *testing.T) {
	got, err := ruRead(t, ReadLevada, "levada/methodology_2021-08.html")
	require.NoError(t, err)
	want := ruMonthly(levadaMode, DateApprox, "2021-05", 67, 32, 2, "2021-06", 66, 32, 2, "2021-07", 64, 35, 1)
	want = append(want, ruShares{"2021-08-19", "2021-08-26", 61, 37, 2, FaceToFace, 0})
	ruCheck(t, got, want)
	assert.Equal(t, 1619, got[3].SampleSize)
	assert.Equal(t, 0, got[2].SampleSize)

	got, err = ruRead(t, ReadLevada, "levada/events_en_2022-02.html")
	require.NoError(t, err)
	want = ruMonthly(levadaMode, DateApprox, "2021-11", 63, 35, 2, "2021-12", 65, 34, 1)
	want = append(want, ruShares{"2022-01-27", "2022-02-02", 69, 29, 2, FaceToFace, 0})
	ruCheck(t, got, want)
	assert.Equal(t, 1626, got[2].SampleSize)
	assert.Equal(t, "Approve|Disapprove|Can’t say", got[2].Labels)
}

// Malformed inputs: every bad cell or period is reported with its line,
// column and sentinel, and the good periods of the same file are returned.
func TestReadLevadaMalformed(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []ruShares
		errs []ruErr
	}{
		{
			"levada/malformed_indicator.html",
			ruMonthly(levadaMode, DateApprox, "2020-03", 63, 36, 2, "2020-09", 69, 30, 1),
			[]ruErr{
				{3, 4, ErrShareSum},   // 05.2020 sums to 110
				{3, 5, ErrDate},       // header 13.2020
				{4, 3, ErrNumber},     // 5x9
				{4, 7, ErrMissing},    // 08.2020 all NA
				{5, 6, ErrShareRange}, // 133
			},
		},
		{
			"levada/malformed_release.tsv",
			ruMonthly(levadaMode, DateApprox, "2020-10", 68, 31, 1, "2019-11", 68, 31, 1),
			[]ruErr{
				{2, 1, ErrDate},       // ноя. before any year row
				{5, 4, ErrShareRange}, // -1
				{6, 1, ErrDate},       // абв.
				{7, 4, ErrFieldCount}, // truncated row
			},
		},
		{
			"levada/malformed_methodology.html",
			ruMonthly(levadaMode, DateApprox, "2021-05", 67, 32, 2, "2021-06", 66, 32, 2, "2021-07", 64, 35, 1, "2021-08", 61, 37, 2),
			[]ruErr{{36, 0, ErrDateOrder}}, // «Опрос проведен 26-19 августа»: not applied
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got, err := ruRead(t, ReadLevada, tc.file, WithSource(tc.file))
			require.Error(t, err)
			ruCheck(t, got, tc.want)
			ruCheckErrors(t, err, tc.errs)
			for _, pe := range ParseErrors(err) {
				assert.Equal(t, tc.file, pe.Source)
			}
		})
	}
}

// Layouts the fixtures do not show: extra columns and rows («Сумма», a
// change column), footnote marks, trailing and no-break spaces in headers,
// mixed-case labels, th everywhere, a rowspan'd year column, nested markup,
// and tables that are not approval tables on the same page.
func TestReadLevadaUnseenVariants(t *testing.T) {
	page := `<html><body>
<p>Какие из перечисленных проблем вас тревожат?</p>
<table><tr><td>Рост цен</td><td>58</td></tr><tr><td>Бедность</td><td>41</td></tr></table>
<h3>Одобрение деятельности Владимира Путина*</h3>
<table>
<tr><th>%</th><th>10.2023 </th><th> 11.2023&nbsp;</th><th>Изменение</th></tr>
<tr><th><em>ОДОБРЯЮ*</em></th><td>82</td><td>85</td><td>+3</td></tr>
<tr><th>не  одобряю</th><td> 15 </td><td>13</td><td>-2</td></tr>
<tr><th>Затрудняюсь ответить</th><td>3</td><td>2</td><td>-1</td></tr>
<tr><th>Сумма</th><td>100</td><td>100</td><td></td></tr>
</table>
<table>
<tr><td></td><td></td><td>Approve</td><td>Disapprove</td><td>It is difficult to say</td></tr>
<tr><td rowspan="2">2022</td><td>Mar.</td><td>83</td><td>15</td><td>2</td></tr>
<tr><td>Feb.</td><td>71</td><td>27</td><td>1</td></tr>
<tr><td>1999</td><td>Aug.</td><td>31</td><td>33</td><td>37</td></tr>
</table>
<p>*Footnote.</p>
</body></html>`
	got, err := ReadLevada(strings.NewReader(page))
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox,
		"2023-10", 82, 15, 3, "2023-11", 85, 13, 2,
		"2022-03", 83, 15, 2, "2022-02", 71, 27, 1, "1999-08", 31, 33, 37))
	assert.Equal(t, "ОДОБРЯЮ*|не одобряю|Затрудняюсь ответить", got[0].Labels)
}

// WithSubject, WithQuestion and WithPollster override the conventions;
// titles naming another institution set the Subject.
func TestReadLevadaOptionsAndSubjects(t *testing.T) {
	in := "Approval of the Government\n,08.2023\nApprove,50\nDisapprove,45\nNo answer,5\n"
	got, err := ReadLevada(strings.NewReader(in))
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "Government", got[0].Subject)

	got, err = ReadLevada(strings.NewReader(in), WithSubject("Cabinet"), WithQuestion("gov-approval"), WithPollster("Левада-Центр"), WithSource("x.csv"))
	require.NoError(t, err)
	assert.Equal(t, "Cabinet", got[0].Subject)
	assert.Equal(t, "gov-approval", got[0].Question)
	assert.Equal(t, "Levada", got[0].Pollster)
	assert.Equal(t, "x.csv", got[0].Source)
}

func TestReadLevadaUnknownLayoutAndEncoding(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		is   error
	}{
		{"no table", "<html><body><p>Нет данных</p></body></html>", ErrUnknownLayout},
		{"other table", "<table><tr><td>Рост цен</td><td>58</td></tr></table>", ErrUnknownLayout},
		{"csv without answers", "a,b\n1,2\n", ErrUnknownLayout},
		{"empty", " \n", ErrEmpty},
		{"junk", "\x00\x01\x02binary", ErrEncoding},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadLevada(strings.NewReader(tc.in))
			assert.Empty(t, got)
			require.ErrorIs(t, err, tc.is)
			require.NotEmpty(t, ParseErrors(err))
		})
	}
}

// A page of several indicators: a trust table (not an answer table) is
// skipped, the government's approval table gets its Subject from its
// heading, and markup inside cells (<p>, entities, upper-case tags) does
// not change the labels. The numbers are test input, not published values.
func TestReadLevadaSeveralIndicators(t *testing.T) {
	page := `<HTML><BODY>
<h4>Доверие политикам</h4>
<table><tr><td></td><td>10.2023</td></tr><tr><td>Путин</td><td>58</td></tr></table>
<h4>Одобрение деятельности правительства</h4>
<table><tr><td></td><td>10.2023</td><td>11.2023</td></tr>
<tr><TD><p>Одобряю</p></TD><td>55</td><td>57</td></tr>
<tr><td><p>Не</p><p>одобряю</p></td><td>40</td><td>38</td></tr>
<tr><td>Нет&#160;ответа</td><td>5</td><td>5</td></tr></table>
</BODY></HTML>`
	got, err := ReadLevada(strings.NewReader(page))
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox, "2023-10", 55, 40, 5, "2023-11", 57, 38, 5))
	assert.Equal(t, "Government", got[0].Subject)
	assert.Equal(t, "Одобряю|Не одобряю|Нет ответа", got[0].Labels)
}

// English column forms: lower-case "may.04" in a CSV export with the
// question in row 1, "Nov.00"/"Nov. 10" with the 1990s/2000s pivot (values
// from the Levada series).
func TestReadLevadaEnglishColumnForms(t *testing.T) {
	in := "Do you approve of the activities of Vladimir Putin?,,\n" +
		",may.04,jun.06\n" +
		"approve,76,77\n" +
		"disapprove,21,21\n" +
		"difficult to answer,2,2\n"
	got, err := ReadLevada(strings.NewReader(in))
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox, "2004-05", 76, 21, 2, "2006-06", 77, 21, 2))

	in = "\tNov.00\tNov.02\tNov. 10\tNov. 11\nApprove\t70\t83\t78\t67\nDisapprove\t22\t15\t19\t32\nCan't say\t8\t2\t2\t1\n"
	got, err = ReadLevada(strings.NewReader(in))
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox,
		"2000-11", 70, 22, 8, "2002-11", 83, 15, 2, "2010-11", 78, 19, 2, "2011-11", 67, 32, 1))
}

// Float-damaged month headers (8.202 for 08.2020) are reported as bad
// headers unless WithLegacyDates asks for the repair.
func TestReadLevadaLegacyDates(t *testing.T) {
	in := ";7.202;8.202\nОдобряю;60;66\nНе одобряю;33;33\nНет ответа;6;1\n"
	got, err := ReadLevada(strings.NewReader(in))
	assert.Empty(t, got)
	require.ErrorIs(t, err, ErrUnknownLayout)

	got, err = ReadLevada(strings.NewReader(in), WithLegacyDates(true))
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox, "2020-07", 60, 33, 6, "2020-08", 66, 33, 1))
}

// Scraper exports (the R tracker's transposed indicator table) label the
// columns Date / Approve / Disapprove / No.Answer, with MM.YYYY rows.
func TestReadLevadaScraperExport(t *testing.T) {
	in := "Date;Approve;Disapprove;No.Answer\n07.2020;60;33;6\n08.2020;66;33;1\n"
	got, err := ReadLevada(strings.NewReader(in))
	require.NoError(t, err)
	ruCheck(t, got, ruMonthly(levadaMode, DateApprox, "2020-07", 60, 33, 6, "2020-08", 66, 33, 1))
	assert.Equal(t, "Approve|Disapprove|No.Answer", got[0].Labels)
}

// «Нет ответа» printed as "<1", "менее 1" or "< 1": the month is kept with
// its approve and disapprove, Undecided is NaN (not 0, not the bound), the
// poll is flagged BelowBound, the printed cell stays in Labels, and the
// flag survives the canonical CSV round trip.
func TestReadLevadaBelowBound(t *testing.T) {
	got, err := ruRead(t, ReadLevada, "levada/indicator_ru_2022_bound.html")
	require.NoError(t, err)
	want := ruMonthly(levadaMode, DateApprox,
		"2022-09", 77, 21, nan,
		"2022-10", 79, 19, 2,
		"2022-11", 79, 18, nan,
		"2022-12", 81, 17, nan)
	for _, i := range []int{0, 2, 3} {
		want[i].flags |= BelowBound
	}
	ruCheck(t, got, want)
	assert.Equal(t, "Одобряю|Не одобряю|Нет ответа <1", got[0].Labels)
	assert.Equal(t, "Одобряю|Не одобряю|Нет ответа", got[1].Labels)
	assert.Equal(t, "Одобряю|Не одобряю|Нет ответа менее 1", got[2].Labels)

	var buf strings.Builder
	require.NoError(t, WriteCSV(&buf, got))
	back, err := ReadCSV(strings.NewReader(buf.String()))
	require.NoError(t, err)
	require.Len(t, back, len(got))
	for i := range got {
		assert.Equal(t, got[i].Flags, back[i].Flags, "poll %d", i)
		assert.Equal(t, got[i].Labels, back[i].Labels, "poll %d", i)
		assert.Equal(t, math.IsNaN(got[i].Undecided), math.IsNaN(back[i].Undecided), "poll %d", i)
	}
	assert.Contains(t, buf.String(), "below-bound")
}
