package chart

import (
	"cmp"
	"image/color"
	"slices"
)

// colorAt returns colour i, cycling, of the Okabe–Ito colour-blind-safe
// palette (Okabe & Ito 2008, "Color Universal Design"), without its
// black, which is kept for the trend line, and with yellow last because
// it is hard to see on white. The palette is a literal inside the
// function so that no caller can change it for everyone.
func colorAt(i int) color.NRGBA {
	palette := [...]color.NRGBA{
		{0x00, 0x72, 0xB2, 0xff}, // blue
		{0xD5, 0x5E, 0x00, 0xff}, // vermillion
		{0x00, 0x9E, 0x73, 0xff}, // bluish green
		{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
		{0xE6, 0x9F, 0x00, 0xff}, // orange
		{0x56, 0xB4, 0xE9, 0xff}, // sky blue
		{0x88, 0x88, 0x88, 0xff}, // grey
		{0xF0, 0xE4, 0x42, 0xff}, // yellow
	}
	return palette[i%len(palette)]
}

// grey returns an opaque grey of level v (0 black, 255 white): the trend
// line, the pollsters beyond Options.MaxHouses, the footer and the
// separators are greys, so that colour is left to the data.
func grey(v uint8) color.NRGBA { return color.NRGBA{v, v, v, 0xff} }

const (
	trendGrey  = 0x10 // the trend line and the zero line: near black
	otherGrey  = 0xb0 // polls of the pollsters without a colour of their own
	footerGrey = 0x55 // the credit and last-poll line
	ruleGrey   = 0xdd // separators between house-effect rows
)

// markColor is the colour of a reference mark (e.g. an election result):
// a dark red that no palette colour is close to.
func markColor() color.NRGBA { return color.NRGBA{0xc0, 0, 0, 0xff} }

// translucent returns c with alpha a (0–255).
func translucent(c color.Color, a uint8) color.NRGBA {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A = a
	return n
}

// RankPollsters orders pollster names by descending count, ties by name:
// the order in which Trend gives pollsters their colours and HouseEffects
// its rows, deterministic whatever the input order. Other views of the
// same polls (the report's web page) use it to colour pollsters alike.
func RankPollsters(counts map[string]int) []string {
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return names
}

// houseColors assigns the first max ranked houses their own colour (or the
// caller's override); the rest are absent from the map and drawn as
// "other".
func houseColors(ranked []string, max int, override map[string]color.Color) map[string]color.Color {
	m := make(map[string]color.Color, min(max, len(ranked)))
	for i, n := range ranked {
		if i >= max {
			break
		}
		if c, ok := override[n]; ok {
			m[n] = c
			continue
		}
		m[n] = colorAt(i)
	}
	return m
}
