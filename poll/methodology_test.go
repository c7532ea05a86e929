package poll

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindMethodology(t *testing.T) {
	const errBlock = "Статистическая погрешность при выборке 1600 человек (с вероятностью 0,95) не превышает: 3,4% для показателей, близких к 50%"
	for _, tc := range []struct {
		name   string
		blocks []string
		want   methodology
		ok     bool
	}{
		{
			"Levada August 2021 (release-formats.md §2.5)",
			[]string{"Опрос проведен 19-26 августа 2021 года по репрезентативной всероссийской выборке городского и сельского населения объемом 1619 человек в возрасте от 18 лет и старше в 137 населенных пунктах, 50 субъектах РФ. Исследование проводится на дому у респондента методом личного интервью.", errBlock},
			methodology{Fieldwork: dateSpan{Start: ruDay("2021-08-19"), End: ruDay("2021-08-26")}, N: 1619, Mode: FaceToFace, Line: 1},
			true,
		},
		{
			"across months, no-break spaces, sample in the next block",
			[]string{"Опрос был проведен 27\u00a0января – 2\u00a0февраля 2022\u00a0года по репрезентативной выборке", "объемом 1\u00a0626 человек. Опрос проводился методом телефонного интервью (CATI)."},
			methodology{Fieldwork: dateSpan{Start: ruDay("2022-01-27"), End: ruDay("2022-02-02")}, N: 1626, Mode: Phone, Line: 1},
			true,
		},
		{
			"English",
			[]string{"Some intro.", "The survey was conducted from January 27 to February 2, 2022 among a representative sample of all Russian urban and rural residents. The sample was comprised of 1,626 people aged 18 or older. The survey was conducted as a personal interview in respondents' homes."},
			methodology{Fieldwork: dateSpan{Start: ruDay("2022-01-27"), End: ruDay("2022-02-02")}, N: 1626, Mode: FaceToFace, Line: 2},
			true,
		},
		{
			"the nominal n of the error statement is not the sample",
			[]string{"Опрос проведен 20-26 августа 2020 года.", errBlock},
			methodology{Fieldwork: dateSpan{Start: ruDay("2020-08-20"), End: ruDay("2020-08-26")}, Line: 1},
			true,
		},
		{"no block", []string{errBlock, "Одобряю"}, methodology{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var blocks []textBlock
			for i, b := range tc.blocks {
				blocks = append(blocks, textBlock{Text: b, Line: i + 1})
			}
			got, ok := findMethodology(blocks)
			require.Equal(t, tc.ok, ok)
			assert.Equal(t, tc.want, got)
		})
	}
}
