package chart

import (
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Text sizes, in points. Tick labels, the legend and the row labels of
// house effects share one size so that the chart reads as one table; the
// footer is smaller because it is read last, if at all.
const (
	titleSize  = 12
	labelSize  = 10 // axis labels
	tickSize   = 9
	keySize    = 9 // legend entries and house-effect rows
	markSize   = 9
	footerSize = 8
)

// sans is Liberation Sans, which gonum/plot embeds and registers in
// font.DefaultCache: a sans-serif face with Cyrillic, so that «Левада»
// renders the same on every machine. Each chart sets it on its own text
// styles; plot.DefaultFont, which every other plot in the process uses,
// is left alone.
func sans(size vg.Length) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: size}
}

// textStyle returns a sans-serif style of the given size and colour,
// anchored at its left and vertically centred, drawn by p's text handler.
func textStyle(p *plot.Plot, size vg.Length, c color.Color) text.Style {
	return text.Style{Color: c, Font: sans(size), XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: p.TextHandler}
}

// useSans sets every text style gonum gives a plot to sans-serif.
func useSans(p *plot.Plot) {
	p.Title.TextStyle.Font = sans(titleSize)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(labelSize)
		a.Tick.Label.Font = sans(tickSize)
	}
	p.Legend.TextStyle.Font = sans(keySize)
}

// wrap breaks s into lines no wider than width in style sty, at spaces;
// a word wider than width gets a line of its own.
func wrap(s string, sty text.Style, width vg.Length) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && sty.Width(line+" "+w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// truncate shortens s with an ellipsis until it is no wider than width
// in style sty; it returns "" when not even the ellipsis fits. The cut
// is found by bisection (widths grow with the number of runes kept), so
// that a pathological name costs a few measurements, not one per rune.
func truncate(s string, sty text.Style, width vg.Length) string {
	if sty.Width(s) <= width {
		return s
	}
	r := []rune(s)
	cut := func(n int) string { return strings.TrimRight(string(r[:n]), " ") + "…" }
	lo, hi := -1, len(r) // cut(lo) fits (lo = -1: nothing fits yet); cut(hi) does not
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if sty.Width(cut(mid)) <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	if lo < 0 {
		return ""
	}
	return cut(lo)
}
