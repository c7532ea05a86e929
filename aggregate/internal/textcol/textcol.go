// Package textcol writes aligned plain-text tables for the text views of
// package aggregate and its report: columns padded to equal width,
// counted in runes so that Cyrillic names align.
package textcol

import (
	"strings"
	"unicode/utf8"
)

// Write appends rows to b as aligned columns, each line starting with
// indent and the columns separated by two spaces. align has one letter
// per column: 'l' pads on the right, 'r' on the left (numbers); a
// column without a letter is left-aligned. The last column of a row is
// never padded and trailing blanks are trimmed. Control characters that
// would break a line (tab, newline, carriage return, vertical tab, form
// feed) become spaces.
func Write(b *strings.Builder, rows [][]string, align, indent string) {
	var width []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(Clean(c)))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		line.WriteString(indent)
		for i, c := range r {
			c = Clean(c)
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			switch {
			case i < len(align) && align[i] == 'r':
				line.WriteString(pad + c)
			case i < len(r)-1:
				line.WriteString(c + pad)
			default:
				line.WriteString(c)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// Clean replaces the characters that would break a text table (tab,
// newline, carriage return, vertical tab, form feed) with spaces.
func Clean(c string) string {
	if !strings.ContainsAny(c, "\t\n\r\v\f") {
		return c
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r', '\v', '\f':
			return ' '
		}
		return r
	}, c)
}

// Wrap appends text to b as lines of at most width runes (a longer word
// stands alone), the first starting with first and the others with
// rest.
func Wrap(b *strings.Builder, text string, width int, first, rest string) {
	line := first
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	if !empty {
		b.WriteString(line + "\n")
	}
}
