package aggregate

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// At returns the smoothed point (from Series) on the UTC day of date, and
// false when the series has no point on that day.
func (r *Result) At(date time.Time) (Point, bool) { return pointOn(r.Series, date) }

// pointOn returns the point of pts (in date order) on the UTC day of date.
// It searches by date rather than by offset from the first point because
// a series may have gaps: the filtered series skips the days on which the
// past polls do not identify the level.
func pointOn(pts []Point, date time.Time) (Point, bool) {
	d := dayNumber(date)
	i := sort.Search(len(pts), func(i int) bool { return dayNumber(pts[i].Date) >= d })
	if i < len(pts) && dayNumber(pts[i].Date) == d {
		return pts[i], true
	}
	return Point{}, false
}

// shares returns the result and its other shares, in the order approve,
// disapprove, undecided.
func (r *Result) shares() []*Result {
	out := []*Result{r}
	if r.Disapprove != nil {
		out = append(out, r.Disapprove)
	}
	if r.Undecided != nil {
		out = append(out, r.Undecided)
	}
	return out
}

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

// views lays out r and its other shares.
func (r *Result) views() []view {
	var out []view
	for _, s := range r.shares() {
		out = append(out, s.view())
	}
	return out
}

func (r *Result) view() view {
	v := view{heading: fmt.Sprintf("%s model, share %s, level %s%%", orNA(r.Model), orNA(r.Share), fmtNum(100*r.Level, 0))}
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
	lvl := fmtNum(100*r.Level, 0) + "%"
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
		t := table{title: "House effects (points; + means the house reports more " + orNA(r.Share) + ")",
			header: []string{"pollster", "effect", "SE", "polls"}}
		for _, h := range hs {
			t.rows = append(t.rows, []string{h.Pollster, fmtSigned(h.Value), fmtNum(h.SE, 2), strconv.Itoa(h.Polls)})
		}
		v.tables = append(v.tables, t)
	}
	if len(r.Diagnostics) > 0 {
		t := table{title: "Diagnostics", header: []string{"check", "value", "ok", "note"}}
		for _, d := range r.Diagnostics {
			ok := "no"
			if d.OK {
				ok = "yes"
			}
			t.rows = append(t.rows, []string{d.Name, fmtG(d.Value), ok, d.Note})
		}
		v.tables = append(v.tables, t)
	}
	v.warnings = r.Warnings
	return v
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
// right-aligned. Widths count runes, so Cyrillic names align.
func writeAligned(b *strings.Builder, t table) {
	rows := append([][]string{clean(t.header)}, make([][]string, len(t.rows))...)
	for i, r := range t.rows {
		rows[i+1] = clean(r)
	}
	width := make([]int, len(t.header))
	for _, r := range rows {
		for j, c := range r {
			if j < len(width) {
				width[j] = max(width[j], utf8.RuneCountInString(c))
			}
		}
	}
	for _, r := range rows {
		for j, c := range r {
			if j >= len(width) {
				break
			}
			pad := strings.Repeat(" ", width[j]-utf8.RuneCountInString(c))
			switch {
			case j == 0:
				b.WriteString(c + pad)
			default:
				b.WriteString("  " + pad + c)
			}
		}
		b.WriteString("\n")
	}
}

// clean removes characters that would break a text table.
func clean(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.Map(func(r rune) rune {
			switch r {
			case '\t', '\n', '\r', '\v', '\f':
				return ' '
			}
			return r
		}, c)
	}
	return out
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

// csvFloat formats a number for CSV: the shortest exact representation,
// and an empty cell for NaN or ±Inf.
func csvFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return ""
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// WriteCSV writes the full daily series of every share, one row per day
// per share, with the columns
//
//	date, share, mean, sd, lower, upper, poll_lower, poll_upper
//
// (Series: smoothed) followed, when the model has a causal estimate, by
// filtered_mean, filtered_sd, filtered_lower, filtered_upper,
// filtered_poll_lower, filtered_poll_upper (empty on a day Filtered
// lacks). Dates are YYYY-MM-DD; NaN is an empty cell.
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	hasFiltered := false
	for _, s := range r.shares() {
		hasFiltered = hasFiltered || len(s.Filtered) > 0
	}
	header := []string{"date", "share", "mean", "sd", "lower", "upper", "poll_lower", "poll_upper"}
	if hasFiltered {
		header = append(header, "filtered_mean", "filtered_sd", "filtered_lower", "filtered_upper", "filtered_poll_lower", "filtered_poll_upper")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	pointCells := func(p Point) []string {
		return []string{csvFloat(p.Mean), csvFloat(p.SD), csvFloat(p.Lower), csvFloat(p.Upper), csvFloat(p.PollLower), csvFloat(p.PollUpper)}
	}
	for _, s := range r.shares() {
		filtered := make(map[int]Point, len(s.Filtered))
		for _, p := range s.Filtered {
			filtered[dayNumber(p.Date)] = p
		}
		for _, p := range s.Series {
			row := append([]string{p.Date.Format(time.DateOnly), s.Share}, pointCells(p)...)
			if hasFiltered {
				if f, ok := filtered[dayNumber(p.Date)]; ok {
					row = append(row, pointCells(f)...)
				} else {
					row = append(row, "", "", "", "", "", "")
				}
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteHousesCSV writes the house-effect table of every share with the
// columns share, pollster, effect, se, polls.
func (r *Result) WriteHousesCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"share", "pollster", "effect", "se", "polls"}); err != nil {
		return err
	}
	for _, s := range r.shares() {
		for _, h := range s.Houses {
			if err := cw.Write([]string{s.Share, h.Pollster, csvFloat(h.Value), csvFloat(h.SE), strconv.Itoa(h.Polls)}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// jsonFloat is a float64 that encodes NaN and ±Inf as JSON null (JSON has
// no NaN) and decodes null as NaN.
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("aggregate: JSON number %s: %w", b, err)
	}
	*f = jsonFloat(x)
	return nil
}

// jsonDate is a day written as "YYYY-MM-DD".
type jsonDate time.Time

func (d jsonDate) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(d).UTC().Format(time.DateOnly) + `"`), nil
}

func (d *jsonDate) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("aggregate: JSON date: %w", err)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return fmt.Errorf("aggregate: JSON date: %w", err)
	}
	*d = jsonDate(t)
	return nil
}

// The JSON form of a Result. Field names are part of the API.
type (
	jsonPoint struct {
		Date      jsonDate  `json:"date"`
		Mean      jsonFloat `json:"mean"`
		SD        jsonFloat `json:"sd"`
		Lower     jsonFloat `json:"lower"`
		Upper     jsonFloat `json:"upper"`
		PollLower jsonFloat `json:"poll_lower"`
		PollUpper jsonFloat `json:"poll_upper"`
	}
	jsonHouse struct {
		Pollster string    `json:"pollster"`
		Value    jsonFloat `json:"effect"`
		SE       jsonFloat `json:"se"`
		Polls    int       `json:"polls"`
	}
	jsonParams struct {
		Sigma   jsonFloat            `json:"sigma"`
		SigmaSE jsonFloat            `json:"sigma_se"`
		Tau     map[string]jsonFloat `json:"tau"`
		LogLik  jsonFloat            `json:"loglik"`
		Other   map[string]jsonFloat `json:"other"`
	}
	jsonDiagnostic struct {
		Name  string    `json:"name"`
		Value jsonFloat `json:"value"`
		OK    bool      `json:"ok"`
		Note  string    `json:"note"`
	}
	jsonResult struct {
		Model       string           `json:"model"`
		Share       string           `json:"share"`
		Level       jsonFloat        `json:"level"`
		Series      []jsonPoint      `json:"series"`
		Filtered    []jsonPoint      `json:"filtered"`
		Houses      []jsonHouse      `json:"houses"`
		Params      jsonParams       `json:"params"`
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
		Warnings    []string         `json:"warnings"`
		Disapprove  *jsonResult      `json:"disapprove"`
		Undecided   *jsonResult      `json:"undecided"`
	}
)

func toJSONPoints(pts []Point) []jsonPoint {
	if pts == nil {
		return nil
	}
	out := make([]jsonPoint, len(pts))
	for i, p := range pts {
		out[i] = jsonPoint{jsonDate(p.Date), jsonFloat(p.Mean), jsonFloat(p.SD), jsonFloat(p.Lower),
			jsonFloat(p.Upper), jsonFloat(p.PollLower), jsonFloat(p.PollUpper)}
	}
	return out
}

func fromJSONPoints(pts []jsonPoint) []Point {
	if pts == nil {
		return nil
	}
	out := make([]Point, len(pts))
	for i, p := range pts {
		out[i] = Point{time.Time(p.Date), float64(p.Mean), float64(p.SD), float64(p.Lower),
			float64(p.Upper), float64(p.PollLower), float64(p.PollUpper)}
	}
	return out
}

func toJSONMap(m map[string]float64) map[string]jsonFloat {
	if m == nil {
		return nil
	}
	out := make(map[string]jsonFloat, len(m))
	for k, v := range m {
		out[k] = jsonFloat(v)
	}
	return out
}

func fromJSONMap(m map[string]jsonFloat) map[string]float64 {
	if m == nil {
		return nil
	}
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = float64(v)
	}
	return out
}

func (r *Result) toJSON() *jsonResult {
	if r == nil {
		return nil
	}
	j := &jsonResult{Model: r.Model, Share: r.Share, Level: jsonFloat(r.Level),
		Series: toJSONPoints(r.Series), Filtered: toJSONPoints(r.Filtered),
		Params: jsonParams{Sigma: jsonFloat(r.Params.Sigma), SigmaSE: jsonFloat(r.Params.SigmaSE),
			Tau: toJSONMap(r.Params.Tau), LogLik: jsonFloat(r.Params.LogLik), Other: toJSONMap(r.Params.Other)},
		Warnings:   r.Warnings,
		Disapprove: r.Disapprove.toJSON(), Undecided: r.Undecided.toJSON()}
	if j.Series == nil {
		j.Series = []jsonPoint{}
	}
	j.Houses = make([]jsonHouse, len(r.Houses))
	for i, h := range r.Houses {
		j.Houses[i] = jsonHouse{h.Pollster, jsonFloat(h.Value), jsonFloat(h.SE), h.Polls}
	}
	j.Diagnostics = make([]jsonDiagnostic, len(r.Diagnostics))
	for i, d := range r.Diagnostics {
		j.Diagnostics[i] = jsonDiagnostic{d.Name, jsonFloat(d.Value), d.OK, d.Note}
	}
	if j.Warnings == nil {
		j.Warnings = []string{}
	}
	return j
}

func (j *jsonResult) result() *Result {
	if j == nil {
		return nil
	}
	r := &Result{Model: j.Model, Share: j.Share, Level: float64(j.Level),
		Series: fromJSONPoints(j.Series), Filtered: fromJSONPoints(j.Filtered),
		Params: Params{Sigma: float64(j.Params.Sigma), SigmaSE: float64(j.Params.SigmaSE),
			Tau: fromJSONMap(j.Params.Tau), LogLik: float64(j.Params.LogLik), Other: fromJSONMap(j.Params.Other)},
		Disapprove: j.Disapprove.result(), Undecided: j.Undecided.result()}
	for _, h := range j.Houses {
		r.Houses = append(r.Houses, HouseEffect{h.Pollster, float64(h.Value), float64(h.SE), h.Polls})
	}
	for _, d := range j.Diagnostics {
		r.Diagnostics = append(r.Diagnostics, Diagnostic{d.Name, float64(d.Value), d.OK, d.Note})
	}
	if len(j.Warnings) > 0 {
		r.Warnings = j.Warnings
	}
	return r
}

// MarshalJSON encodes the result with snake_case field names: model,
// share, level, series and filtered (arrays of {date, mean, sd, lower,
// upper, poll_lower, poll_upper}), houses ({pollster, effect, se, polls}),
// params ({sigma, sigma_se, tau, loglik, other}), diagnostics ({name,
// value, ok, note}), warnings, and disapprove and undecided (the same
// object, or null). Dates are "YYYY-MM-DD"; NaN and ±Inf are null.
func (r Result) MarshalJSON() ([]byte, error) { return json.Marshal(r.toJSON()) }

// UnmarshalJSON decodes what MarshalJSON writes (null numbers become NaN).
func (r *Result) UnmarshalJSON(b []byte) error {
	var j jsonResult
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = *j.result()
	return nil
}

// WriteJSON writes the result as indented JSON (see MarshalJSON).
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.toJSON())
}
