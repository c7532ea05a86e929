package chart

import (
	"image/color"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
)

// translucentFills returns the translucent fill colours of an SVG
// document, with how often each is used: the shaded bands and their
// legend samples (the legend backdrops are white).
func translucentFills(svg []byte) map[string]int {
	out := map[string]int{}
	for _, m := range regexp.MustCompile(`fill:(#[0-9A-F]{6});fill-opacity:0\.\d+`).FindAllSubmatch(svg, -1) {
		if string(m[1]) != "#FFFFFF" {
			out[string(m[1])]++
		}
	}
	return out
}

// TestFanHighlight: a fan shades one interval only, so that colours never
// blend: the first scenario's with an interval by default (not a set of
// bounds), or the one Options.Highlight names. Every scenario is a line
// in the legend, and the band's entry says whose interval it is.
func TestFanHighlight(t *testing.T) {
	res := testResult(200)
	flat := shift(res.Approve.Series, 0)
	for i := range flat {
		flat[i].Lower, flat[i].Upper = flat[i].Mean, flat[i].Mean
	}
	sc := []Scenario{
		{Series: shift(res.Approve.Series, 4), Bounds: true}, // unnamed bounds are not shaded by default either
		{Name: "point only", Series: flat},
		{Name: "as published", Series: res.Approve.Series},
		{Name: "gap", Series: shift(res.Approve.Series, -6), Level: 0.9},
		{Name: "nonresponse", Series: shift(res.Approve.Series, -3)},
	}
	tests := []struct {
		highlight string
		color     string // of the shaded band: the scenario's palette colour
		entry     string
	}{
		{"", "#009E73", "95% interval of the trend, as published"}, // third scenario: bluish green
		{"gap", "#CC79A7", "90% interval of the trend, gap"},
		{"point only", "", ""}, // a zero-width interval: nothing to shade
	}
	for _, tt := range tests {
		t.Run(tt.highlight, func(t *testing.T) {
			p, err := Fan(sc, Options{Highlight: tt.highlight})
			require.NoError(t, err)
			svg := mustSVG(t, Options{}, p)
			texts := textsOf(svgTexts(t, svg))
			for _, s := range sc[1:] {
				assert.Contains(t, texts, s.Name)
			}
			fills := translucentFills(svg)
			if tt.color == "" {
				assert.Empty(t, fills)
				return
			}
			// One band and its legend sample, of one colour (translucent
			// fills come out one shade off in SVG: compare the hue).
			require.Len(t, fills, 1, "%v", fills)
			for c, n := range fills {
				assert.Equal(t, 2, n)
				assertColor(t, tt.color, c)
			}
			assert.Contains(t, texts, tt.entry)
		})
	}
}

// assertColor checks that the SVG colour got is want, give or take the
// rounding of a translucent colour (vgsvg writes it one shade off).
func assertColor(t *testing.T, want, got string) {
	t.Helper()
	for i := 1; i < 7; i += 2 {
		assert.InDelta(t, hexByte(want[i:i+2]), hexByte(got[i:i+2]), 1, "%s vs %s", want, got)
	}
}

func hexByte(s string) float64 {
	var v int
	for _, r := range s {
		v *= 16
		switch {
		case r >= '0' && r <= '9':
			v += int(r - '0')
		default:
			v += int(r-'A') + 10
		}
	}
	return float64(v)
}

// TestColors: Options.Colors overrides the colour of a scenario, a set
// of house effects and a pollster's polls.
func TestColors(t *testing.T) {
	res := testResult(30)
	want := color.NRGBA{0x12, 0x34, 0x56, 0xff}
	fan, err := Fan([]Scenario{{Name: "a", Series: res.Approve.Series}}, Options{Colors: map[string]color.Color{"a": want}})
	require.NoError(t, err)
	houses, err := Houses(res, Options{Colors: map[string]color.Color{"statespace": want}})
	require.NoError(t, err)
	trend, err := Trend(res, testPolls(30), Options{Colors: map[string]color.Color{"ФОМ": want}})
	require.NoError(t, err)
	for i, p := range []*plot.Plot{fan, houses, trend} {
		svg := string(mustSVG(t, Options{}, p))
		var found []string
		for _, m := range regexp.MustCompile(`(?:stroke|fill):(#[0-9A-F]{6})`).FindAllStringSubmatch(svg, -1) {
			if c := m[1]; hexByte(c[1:3]) <= 0x13 && hexByte(c[3:5]) >= 0x33 && hexByte(c[3:5]) <= 0x35 && hexByte(c[5:7]) >= 0x55 && hexByte(c[5:7]) <= 0x57 {
				found = append(found, c)
			}
		}
		assert.NotEmpty(t, found, "chart %d", i)
	}
}
