package poll_test

import (
	"fmt"
	"strings"

	"github.com/candorpoll/candor/poll"
)

// A Levada indicator table as saved from levada.ru: months as columns,
// the «Метод опроса» row marking the 2020 telephone months, and the
// methodology block giving August's fieldwork and sample size.
func ExampleReadLevada() {
	page := `<html><body>
<p>НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН И РАСПРОСТРАНЕН ИНОСТРАННЫМ АГЕНТОМ АНО «ЛЕВАДА-ЦЕНТР». 18+</p>
<p>ВЫ В ЦЕЛОМ ОДОБРЯЕТЕ ИЛИ НЕ ОДОБРЯЕТЕ ДЕЯТЕЛЬНОСТЬ ВЛАДИМИРА ПУТИНА НА ПОСТУ ПРЕЗИДЕНТА РОССИИ?</p>
<table>
<tr><th></th><th>07.2020</th><th>08.2020</th></tr>
<tr><td>Одобряю</td><td>60</td><td>66</td></tr>
<tr><td>Не одобряю</td><td>33</td><td>33</td></tr>
<tr><td>Нет ответа</td><td>6</td><td>1</td></tr>
<tr><td>Метод опроса</td><td>(CATI)</td><td>(face-to-face)</td></tr>
</table>
<p>Опрос проведен 20-26 августа 2020 года по репрезентативной всероссийской выборке
городского и сельского населения объемом 1601 человек … Исследование проводится на дому
у респондента методом личного интервью.</p>
</body></html>`
	polls, err := poll.ReadLevada(strings.NewReader(page))
	if err != nil {
		fmt.Println(err)
	}
	for _, p := range polls {
		fmt.Println(p.String())
	}
	// Output:
	// Levada 2020-07-01..2020-07-31 a phone approve 60 disapprove 33 undecided 6 [date-approx]
	// Levada 2020-08-20..2020-08-26 n=1601 a face-to-face approve 66 disapprove 33 undecided 1
}

// A press-release table read with its errors: months as rows under year
// rows, newest first; the bad row is reported with its line and column
// and the good rows are kept.
func ExampleReadLevada_errors() {
	tsv := "\tОдобряю\tНе одобряю\tНет ответа\n" +
		"2023\t\t\t\n" +
		"ноя.\t85\t13\t2\n" +
		"окт.\t82\t15\t3\n" +
		"сен.\t80\t17\t3x\n"
	polls, err := poll.ReadLevada(strings.NewReader(tsv), poll.WithSource("release.tsv"))
	for _, p := range polls {
		fmt.Println(p.String())
	}
	for _, pe := range poll.ParseErrors(err) {
		fmt.Println(pe.Source, pe.Line, pe.Column, pe.Value)
	}
	// Output:
	// Levada 2023-11-01..2023-11-30 a face-to-face approve 85 disapprove 13 undecided 2 [date-approx]
	// Levada 2023-10-01..2023-10-31 a face-to-face approve 82 disapprove 15 undecided 3 [date-approx]
	// release.tsv 5 4 3x
}

// VTsIOM publishes approval and disapproval as two tables; the reader pairs
// them by week for the president's row and derives "don't know" as the
// remainder.
func ExampleReadVTsIOM() {
	csv := "Одобрение;22-28 сентября 2025\n" +
		"Президент России;75,4\n" +
		"Неодобрение;22-28 сентября 2025\n" +
		"Президент России;14,6\n"
	polls, err := poll.ReadVTsIOM(strings.NewReader(csv))
	if err != nil {
		fmt.Println(err)
	}
	for _, p := range polls {
		fmt.Println(p.String())
	}
	// Output:
	// VTsIOM 2025-09-22..2025-09-28 n=11200 a phone approve 75.4 disapprove 14.6 undecided 10 [undecided-derived]
}

// FOM's small table with the date in the chart remark. A single date is
// the last day of the Friday–Sunday omnibus.
func ExampleReadFOM() {
	page := `<p>Как вы считаете, президент Путин работает на своём посту скорее хорошо или скорее плохо?</p>
<table>
<tr><td>Хорошо</td><td>60</td></tr>
<tr><td>Плохо</td><td>25</td></tr>
<tr><td>Затрудняюсь ответить</td><td>15</td></tr>
</table>
<p>Данные за 23 августа 2020.</p>`
	polls, err := poll.ReadFOM(strings.NewReader(page))
	if err != nil {
		fmt.Println(err)
	}
	for _, p := range polls {
		fmt.Println(p.String(), p.Labels)
	}
	// Output:
	// FOM 2020-08-21..2020-08-23 a face-to-face approve 60 disapprove 25 undecided 15 [date-approx] Хорошо|Плохо|Затрудняюсь ответить
}
