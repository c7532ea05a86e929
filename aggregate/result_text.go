package aggregate

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/candorpoll/candor/aggregate/internal/textcol"
)

// maxRows is how many series rows the text, HTML and Markdown views show
// at most (plus the last day).
const maxRows = 24

// thin picks the rows of a long series to display: every point when there
// are at most maxRows, else the first day of each month when that gives
// at most maxRows, else every k-th point; the last point is always shown.
func thin(pts []Point) []int {
	n := len(pts)
	if n <= maxRows {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	var idx []int
	for i, p := range pts {
		if i == 0 || p.Date.Month() != pts[i-1].Date.Month() || p.Date.Year() != pts[i-1].Date.Year() {
			idx = append(idx, i)
		}
	}
	if len(idx) > maxRows {
		step := (n + maxRows - 1) / maxRows
		idx = idx[:0]
		for i := 0; i < n; i += step {
			idx = append(idx, i)
		}
	}
	if idx[len(idx)-1] != n-1 {
		idx = append(idx, n-1)
	}
	return idx
}

// table is one rendered table: the common form of the String, HTML and
// Markdown views.
type table struct {
	title  string
	header []string
	rows   [][]string
}

// view is a Result laid out for display.
type view struct {
	heading  string
	lines    []string // parameter lines under the heading
	tables   []table
	warnings []string
}

func fmtNum(x float64, prec int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "NA"
	}
	return strconv.FormatFloat(x, 'f', prec, 64)
}

// views lays out every share of r, then the fit's own diagnostics and
// warnings.
func (r *Result) views() []view {
	var out []view
	for _, sr := range r.Shares() {
		out = append(out, sr.view(r.Model, r.Level))
	}
	if len(r.Diagnostics) > 0 || len(r.Warnings) > 0 {
		v := view{heading: fmt.Sprintf("%s model, the fit as a whole", orNA(r.Model)), warnings: r.Warnings}
		if t, ok := diagnosticsTable(r.Diagnostics); ok {
			v.tables = append(v.tables, t)
		}
		out = append(out, v)
	}
	return out
}

func (r *ShareResult) view(model string, level float64) view {
	v := view{heading: fmt.Sprintf("%s model, share %s, level %s%%", orNA(model), r.Share, fmtNum(100*level, 0))}
	if len(r.Series) > 0 {
		v.lines = append(v.lines, fmt.Sprintf("days %s … %s (%d)", r.Series[0].Date.Format(time.DateOnly),
			r.Series[len(r.Series)-1].Date.Format(time.DateOnly), len(r.Series)))
	}
	if p := r.Params; p.Sigma != 0 || p.SigmaSE != 0 || p.LogLik != 0 || len(p.Tau) > 0 || len(p.Other) > 0 {
		var parts []string
		if p.Sigma != 0 || p.SigmaSE != 0 {
			parts = append(parts, fmt.Sprintf("sigma %s (SE %s)", fmtNum(p.Sigma, 4), fmtNum(p.SigmaSE, 4)))
		}
		for _, k := range sortedKeys(p.Tau) {
			name := "tau"
			if k != "" {
				name = "tau[" + k + "]"
			}
			parts = append(parts, name+" "+fmtNum(p.Tau[k], 3))
		}
		if p.LogLik != 0 {
			parts = append(parts, "loglik "+fmtNum(p.LogLik, 2))
		}
		for _, k := range sortedKeys(p.Other) {
			parts = append(parts, k+" "+fmtG(p.Other[k]))
		}
		v.lines = append(v.lines, "parameters: "+strings.Join(parts, ", "))
	}
	lvl := fmtNum(100*level, 0) + "%"
	if len(r.Series) > 0 {
		t := table{title: "Series (smoothed; interval for the average; band for a new poll)",
			header: []string{"date", "mean", "sd", lvl + " lower", lvl + " upper", "poll lower", "poll upper"}}
		filtered := make(map[int]Point, len(r.Filtered))
		for _, p := range r.Filtered {
			filtered[dayNumber(p.Date)] = p
		}
		if len(r.Filtered) > 0 {
			t.header = append(t.header, "causal mean")
		}
		for _, i := range thin(r.Series) {
			p := r.Series[i]
			row := []string{p.Date.Format(time.DateOnly), fmtNum(p.Mean, 1), fmtNum(p.SD, 2), fmtNum(p.Lower, 1),
				fmtNum(p.Upper, 1), fmtNum(p.PollLower, 1), fmtNum(p.PollUpper, 1)}
			if len(r.Filtered) > 0 {
				f, ok := filtered[dayNumber(p.Date)]
				if !ok {
					f.Mean = math.NaN()
				}
				row = append(row, fmtNum(f.Mean, 1))
			}
			t.rows = append(t.rows, row)
		}
		v.tables = append(v.tables, t)
	}
	if len(r.Houses) > 0 {
		hs := slices.Clone(r.Houses)
		slices.SortStableFunc(hs, func(a, b HouseEffect) int {
			switch {
			case a.Value > b.Value:
				return -1
			case a.Value < b.Value:
				return 1
			}
			return strings.Compare(a.Pollster, b.Pollster)
		})
		t := table{title: "House effects (points; + means the house reports more " + r.Share.String() + ")",
			header: []string{"pollster", "effect", "SE", "polls"}}
		for _, h := range hs {
			t.rows = append(t.rows, []string{h.Pollster, fmtSigned(h.Value), fmtNum(h.SE, 2), strconv.Itoa(h.Polls)})
		}
		v.tables = append(v.tables, t)
	}
	if t, ok := diagnosticsTable(r.Diagnostics); ok {
		v.tables = append(v.tables, t)
	}
	v.warnings = r.Warnings
	return v
}

// diagnosticsTable lays out diagnostics; ok is false when there are none.
func diagnosticsTable(ds []Diagnostic) (t table, ok bool) {
	if len(ds) == 0 {
		return t, false
	}
	t = table{title: "Diagnostics", header: []string{"check", "value", "ok", "note"}}
	for _, d := range ds {
		ok := "no"
		if d.OK {
			ok = "yes"
		}
		t.rows = append(t.rows, []string{d.Name, fmtG(d.Value), ok, d.Note})
	}
	return t, true
}

// fmtG formats a parameter or diagnostic value with five significant
// digits; NaN and ±Inf are "NA".
func fmtG(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "NA"
	}
	return strconv.FormatFloat(x, 'g', 5, 64)
}

func fmtSigned(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "NA"
	}
	return strconv.FormatFloat(x, 'f', 2, 64)
}

func orNA(s string) string {
	if s == "" {
		return "NA"
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// String returns the result as aligned text tables: a heading with the
// model, share, level and parameters; the series thinned to at most
// maxRows dates (monthly for long series) plus the last day; the house
// effects sorted by effect; diagnostics and warnings. The other shares
// follow in the same form.
func (r *Result) String() string {
	var b strings.Builder
	for i, v := range r.views() {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(v.heading + "\n")
		for _, l := range v.lines {
			b.WriteString(l + "\n")
		}
		for _, t := range v.tables {
			b.WriteString("\n" + t.title + "\n")
			writeAligned(&b, t)
		}
		if len(v.warnings) > 0 {
			b.WriteString("\nWarnings\n")
			for _, w := range v.warnings {
				b.WriteString("- " + w + "\n")
			}
		}
	}
	return b.String()
}

// writeAligned writes a table with columns padded to equal width: the
// first column (a date or a name) left-aligned, the others (numbers)
// right-aligned. Widths count runes, so Cyrillic names align; cells
// beyond the header's columns are not shown.
func writeAligned(b *strings.Builder, t table) {
	rows := append([][]string{t.header}, make([][]string, len(t.rows))...)
	for i, r := range t.rows {
		rows[i+1] = r[:min(len(r), len(t.header))]
	}
	textcol.Write(b, rows, "l"+strings.Repeat("r", max(len(t.header)-1, 0)), "")
}

// HTML returns the same tables as String as an HTML fragment (a <div>
// holding headings, <table> elements and a warning list), every text
// HTML-escaped.
func (r *Result) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="candor-result">` + "\n")
	for _, v := range r.views() {
		fmt.Fprintf(&b, "<h3>%s</h3>\n", html.EscapeString(v.heading))
		for _, l := range v.lines {
			fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(l))
		}
		for _, t := range v.tables {
			fmt.Fprintf(&b, "<table>\n<caption>%s</caption>\n<thead><tr>", html.EscapeString(t.title))
			for _, h := range t.header {
				fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(h))
			}
			b.WriteString("</tr></thead>\n<tbody>\n")
			for _, row := range t.rows {
				b.WriteString("<tr>")
				for _, c := range row {
					fmt.Fprintf(&b, "<td>%s</td>", html.EscapeString(c))
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</tbody>\n</table>\n")
		}
		if len(v.warnings) > 0 {
			b.WriteString("<ul class=\"warnings\">\n")
			for _, w := range v.warnings {
				fmt.Fprintf(&b, "<li>%s</li>\n", html.EscapeString(w))
			}
			b.WriteString("</ul>\n")
		}
	}
	b.WriteString("</div>\n")
	return b.String()
}

// mdEscaper escapes the characters that Markdown (CommonMark and GitHub
// tables) would interpret inside a table cell.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, `|`, `\|`, `&`, `&amp;`, `*`, `\*`, `_`, `\_`, "`", "\\`", `[`, `\[`, `]`, `\]`,
	`<`, `&lt;`, `>`, `&gt;`, `#`, `\#`, "\n", " ", "\r", " ",
)

// Markdown returns the same tables as String as GitHub-flavoured Markdown,
// every text escaped.
func (r *Result) Markdown() string {
	var b strings.Builder
	for i, v := range r.views() {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "### %s\n\n", mdEscaper.Replace(v.heading))
		for _, l := range v.lines {
			fmt.Fprintf(&b, "%s\n\n", mdEscaper.Replace(l))
		}
		for _, t := range v.tables {
			fmt.Fprintf(&b, "**%s**\n\n", mdEscaper.Replace(t.title))
			writeMDRow(&b, t.header)
			b.WriteString("|")
			for range t.header {
				b.WriteString("---|")
			}
			b.WriteString("\n")
			for _, row := range t.rows {
				writeMDRow(&b, row)
			}
			b.WriteString("\n")
		}
		if len(v.warnings) > 0 {
			b.WriteString("**Warnings**\n\n")
			for _, w := range v.warnings {
				fmt.Fprintf(&b, "- %s\n", mdEscaper.Replace(w))
			}
		}
	}
	return b.String()
}

func writeMDRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + mdEscaper.Replace(c) + " |")
	}
	b.WriteString("\n")
}
