package poll

import (
	"strings"
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

// A methodology statement inside a long text is found by the windows
// around its cue words, as in a short one (after up to maxCueWindows
// false cues), and the search of a long text without one stays bounded.
func TestMethodologyInLongText(t *testing.T) {
	const stmt = "Опрос проведен 19-26 августа 2021 года по репрезентативной выборке объемом 1619 человек. Исследование проводится на дому у респондента методом личного интервью."
	filler := strings.Repeat("опрос 12 августа, выборка 1600 человек в 137 населенных пунктах; ", 2000)
	cues := strings.Repeat("опрос 12 августа, проведение в 137 населенных пунктах; ", maxCueWindows/2)
	for _, text := range []string{stmt, filler + stmt, stmt + filler, cues + stmt + filler,
		filler + strings.Replace(stmt, "Опрос проведен", "ОПРОС ПРОВЕДЕН", 1) + filler} {
		m, ok := findMethodology([]textBlock{{Text: text, Line: 7}})
		require.True(t, ok, "%d: %.80s", len(text), text)
		assert.Equal(t, ruDay("2021-08-19"), m.Fieldwork.Start)
		assert.Equal(t, ruDay("2021-08-26"), m.Fieldwork.End)
		assert.Equal(t, 1619, m.N)
		assert.Equal(t, FaceToFace, m.Mode)
	}
	_, ok := findMethodology([]textBlock{{Text: filler + cues + filler}})
	assert.False(t, ok)
	en := strings.Repeat("nothing here; ", 1000) + "The survey was conducted from January 27 to February 2, 2022. The sample was comprised of 1,626 people."
	m, ok := findMethodology([]textBlock{{Text: en}})
	require.True(t, ok)
	assert.Equal(t, ruDay("2022-01-27"), m.Fieldwork.Start)
	assert.Equal(t, 1626, m.N)
}
