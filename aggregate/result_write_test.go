package aggregate

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sampleResult is a hand-made result with awkward content: Cyrillic and
// markup in pollster names, a NaN, a Filtered series one day shorter, and
// other shares.
func writerSampleResult(days int) *Result {
	mk := func(share Share, base float64) *ShareResult {
		r := &ShareResult{Share: share}
		for d := range days {
			m := base + float64(d%7)/10
			r.Series = append(r.Series, Point{Date: avgDay(d), Mean: m, SD: 0.5, Lower: m - 1, Upper: m + 1, PollLower: m - 4, PollUpper: m + 4})
			if d > 0 {
				r.Filtered = append(r.Filtered, Point{Date: avgDay(d), Mean: m + 0.25, SD: 0.6, Lower: m - 1, Upper: m + 1.5, PollLower: m - 4, PollUpper: m + 4.5})
			}
		}
		r.Houses = []HouseEffect{
			{Pollster: "Левада-Центр", Value: -1.5, SE: 0.3, Polls: 40},
			{Pollster: "ВЦИОМ", Value: 2.25, SE: 0.2, Polls: 300},
			{Pollster: "A|B <script>&_*", Value: 0.1, SE: math.NaN(), Polls: 1},
		}
		return r
	}
	a := mk(Approve, 60)
	a.Params = Params{Sigma: 0.25, SigmaSE: 0.01, Tau: map[string]float64{"": 1.5, "ФОМ": 0.7}, LogLik: -123.5,
		Other: map[string]float64{"house_sd": 2, "nan": math.NaN()}}
	a.Diagnostics = []Diagnostic{{Name: "iterations", Value: 12, OK: true, Note: "converged"}}
	a.Warnings = []string{"a | warning <b>"}
	return &Result{Model: "average", Level: 0.95, Approve: a, Disapprove: mk(Disapprove, 30), Undecided: mk(Undecided, 10),
		Diagnostics: []Diagnostic{{Name: "sum-projection", Value: 0, OK: true, Note: "none"}},
		Warnings:    []string{"3 polls merged"}}
}

func TestResultAt(t *testing.T) {
	r := writerSampleResult(10).Approve
	p, ok := r.At(avgDay(4).Add(13 * time.Hour)) // any time on the day
	require.True(t, ok)
	assert.Equal(t, r.Series[4], p)
	_, ok = r.At(avgDay(10))
	assert.False(t, ok)
	_, ok = r.At(avgDay(-1))
	assert.False(t, ok)
	_, ok = (&ShareResult{}).At(avgDay(0))
	assert.False(t, ok)
}

func TestThin(t *testing.T) {
	idx := thin(writerSampleResult(10).Approve.Series)
	assert.Len(t, idx, 10)
	// 100 days from 2024-01-01: the first of Jan … Apr, plus the last day.
	idx = thin(writerSampleResult(100).Approve.Series)
	assert.Equal(t, []int{0, 31, 60, 91, 99}, idx)
	// 4,000 days: more than maxRows months, so every k-th day.
	idx = thin(writerSampleResult(4000).Approve.Series)
	assert.LessOrEqual(t, len(idx), maxRows+1)
	assert.Equal(t, 3999, idx[len(idx)-1])
}

func TestResultString(t *testing.T) {
	r := writerSampleResult(400)
	s := r.String()
	for _, want := range []string{"average model, share approve, level 95%", "sigma 0.2500 (SE 0.0100)", "tau 1.500", "tau[ФОМ] 0.700",
		"loglik -123.50", "house_sd 2", "share disapprove", "share undecided", "causal mean", "- a | warning <b>", "Левада-Центр"} {
		assert.Contains(t, s, want)
	}
	// Houses sorted by effect: ВЦИОМ (+2.25) before the others.
	assert.Less(t, strings.Index(s, "ВЦИОМ"), strings.Index(s, "Левада-Центр"))
	// Every line of a table has the same width in runes (alignment with
	// Cyrillic names).
	blocks := strings.Split(s, "\n\n")
	checked := 0
	for _, b := range blocks {
		lines := strings.Split(strings.TrimRight(b, "\n"), "\n")
		if !strings.HasPrefix(lines[0], "House effects") {
			continue
		}
		w := utf8.RuneCountInString(lines[1])
		for _, l := range lines[2:] {
			assert.Equal(t, w, utf8.RuneCountInString(l), l)
		}
		checked++
	}
	assert.Equal(t, 3, checked)
	// 400 days: 14 month starts + the last day, for each share (the last
	// day also in each share's "days" line).
	assert.Equal(t, 6, strings.Count(s, "2025-02-03"))
	assert.Contains(t, s, "nan NA")
	assert.Equal(t, 3, strings.Count(s, "2024-02-01"))
	assert.NotContains(t, s, "2024-01-02")
}

func TestResultHTML(t *testing.T) {
	h := writerSampleResult(3).HTML()
	assert.Contains(t, h, "A|B &lt;script&gt;&amp;_*")
	assert.NotContains(t, h, "<script>")
	assert.Contains(t, h, "<td>Левада-Центр</td>")
	assert.Contains(t, h, "<li>a | warning &lt;b&gt;</li>")
	assert.Equal(t, strings.Count(h, "<table>"), strings.Count(h, "</table>"))
	// 3 shares × (series header + 3 days, houses header + 3) + approve's
	// diagnostics (2) + the fit's diagnostics (2).
	assert.Equal(t, 3*(4+4)+2+2, strings.Count(h, "<tr>"))
	assert.Contains(t, h, "<li>3 polls merged</li>")
}

func TestResultMarkdown(t *testing.T) {
	m := writerSampleResult(3).Markdown()
	assert.Contains(t, m, `| A\|B &lt;script&gt;&amp;\_\* |`)
	assert.Contains(t, m, "| Левада-Центр | -1.50 | 0.30 | 40 |")
	assert.Contains(t, m, `- a \| warning &lt;b&gt;`)
	// Every table row has as many unescaped pipes as its header.
	for _, l := range strings.Split(m, "\n") {
		if strings.HasPrefix(l, "| pollster") {
			assert.Equal(t, 5, strings.Count(l, "|"))
		}
		if strings.HasPrefix(l, "| A\\|B") {
			assert.Equal(t, 5, strings.Count(l, "|")-strings.Count(l, `\|`))
		}
	}
}

func TestResultWriteCSV(t *testing.T) {
	r := writerSampleResult(5)
	r.Approve.Series[2].SD = math.NaN()
	var buf bytes.Buffer
	require.NoError(t, r.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+3*5)
	assert.Equal(t, []string{"date", "share", "mean", "sd", "lower", "upper", "poll_lower", "poll_upper",
		"filtered_mean", "filtered_sd", "filtered_lower", "filtered_upper", "filtered_poll_lower", "filtered_poll_upper"}, rows[0])
	assert.Equal(t, []string{"2024-01-01", "approve", "60", "0.5", "59", "61", "56", "64", "", "", "", "", "", ""}, rows[1])
	assert.Equal(t, "2024-01-02", rows[2][0])
	assert.Equal(t, "60.35", rows[2][8])
	assert.Equal(t, "", rows[3][3], "NaN is an empty cell")
	assert.Equal(t, "disapprove", rows[6][1])
	assert.Equal(t, "undecided", rows[15][1])

	// Without any Filtered series the filtered columns are absent.
	r2 := &Result{Model: "statespace", Approve: &ShareResult{Series: r.Approve.Series[:2]}}
	buf.Reset()
	require.NoError(t, r2.WriteCSV(&buf))
	rows, err = csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Len(t, rows[0], 8)
	assert.Len(t, rows, 3)
}

func TestResultWriteHousesCSV(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, writerSampleResult(2).WriteHousesCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+3*3)
	assert.Equal(t, []string{"share", "pollster", "effect", "se", "polls"}, rows[0])
	assert.Equal(t, []string{"approve", "Левада-Центр", "-1.5", "0.3", "40"}, rows[1])
	assert.Equal(t, []string{"approve", "A|B <script>&_*", "0.1", "", "1"}, rows[3])
}

func TestResultJSON(t *testing.T) {
	r := writerSampleResult(4)
	var buf bytes.Buffer
	require.NoError(t, r.WriteJSON(&buf))

	// The structure: snake_case names, YYYY-MM-DD dates, null for NaN.
	var m map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
	for _, k := range []string{"model", "level", "approve", "disapprove", "undecided", "diagnostics", "warnings"} {
		assert.Contains(t, m, k)
	}
	ap := m["approve"].(map[string]any)
	for _, k := range []string{"share", "series", "filtered", "houses", "params", "diagnostics", "warnings"} {
		assert.Contains(t, ap, k)
	}
	assert.Equal(t, "approve", ap["share"])
	p0 := ap["series"].([]any)[0].(map[string]any)
	assert.Equal(t, map[string]any{"date": "2024-01-01", "mean": 60.0, "sd": 0.5, "lower": 59.0, "upper": 61.0, "poll_lower": 56.0, "poll_upper": 64.0}, p0)
	h2 := ap["houses"].([]any)[2].(map[string]any)
	assert.Nil(t, h2["se"])
	assert.Equal(t, "A|B <script>&_*", h2["pollster"])
	params := ap["params"].(map[string]any)
	assert.Nil(t, params["other"].(map[string]any)["nan"])
	assert.Equal(t, 1.5, params["tau"].(map[string]any)[""])
	assert.Equal(t, "undecided", m["undecided"].(map[string]any)["share"])
	assert.Equal(t, []any{"3 polls merged"}, m["warnings"])

	// Round trip through Result: equal, with NaN kept as NaN.
	var back Result
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	assert.True(t, math.IsNaN(back.Approve.Houses[2].SE))
	assert.True(t, math.IsNaN(back.Approve.Params.Other["nan"]))
	back.Approve.Houses[2].SE, r.Approve.Houses[2].SE = 0, 0
	back.Approve.Params.Other["nan"], r.Approve.Params.Other["nan"] = 0, 0
	for _, s := range []*ShareResult{r.Approve, r.Disapprove, r.Undecided} {
		s.Houses[2].SE = 0
	}
	for _, s := range []*ShareResult{(&back).Approve, back.Disapprove, back.Undecided} {
		s.Houses[2].SE = 0
	}
	assert.Equal(t, r, &back)

	// json.Marshal on the value and the pointer agree with WriteJSON.
	b1, err := json.Marshal(r)
	require.NoError(t, err)
	b2, err := json.Marshal(*r)
	require.NoError(t, err)
	assert.Equal(t, b1, b2)
	var compact bytes.Buffer
	buf.Reset()
	require.NoError(t, r.WriteJSON(&buf))
	require.NoError(t, json.Compact(&compact, buf.Bytes()))
	assert.Equal(t, string(b1), compact.String())

	// Bad input is an error, not a panic.
	assert.Error(t, json.Unmarshal([]byte(`{"approve":{"share":"approve","series":[{"date":"2024-13-01"}]}}`), &back))
	assert.Error(t, json.Unmarshal([]byte(`{"level":"x"}`), &back))
	assert.Error(t, json.Unmarshal([]byte(`{"approve":{"share":"net"}}`), &back), "unknown share")
	assert.Error(t, json.Unmarshal([]byte(`{"approve":{"share":"disapprove"},"disapprove":{"share":"disapprove"}}`), &back), "share twice")
}

// TestResultWriteCSVBytes: WriteCSV writes exactly what encoding/csv
// writes for the same cells (its fast path relies on no cell needing
// quotes), on a result with NaN, infinities, tiny and huge numbers, a
// filtered series with holes and one out of date order.
func TestResultWriteCSVBytes(t *testing.T) {
	r := writerSampleResult(40)
	s := r.Approve.Series
	s[3].Mean, s[4].SD, s[5].Lower, s[6].Upper = math.Inf(1), math.Inf(-1), 1e-300, -123456789.125
	s[7].PollLower, s[8].PollUpper = 5e-324, 1e21
	r.Disapprove.Filtered = append(r.Disapprove.Filtered[:10], r.Disapprove.Filtered[20:]...)
	slices.Reverse(r.Undecided.Filtered) // out of order: looked up, not walked
	var got, want bytes.Buffer
	require.NoError(t, r.WriteCSV(&got))
	cw := csv.NewWriter(&want)
	cells := func(p Point) []string {
		return []string{csvFloat(p.Mean), csvFloat(p.SD), csvFloat(p.Lower), csvFloat(p.Upper), csvFloat(p.PollLower), csvFloat(p.PollUpper)}
	}
	require.NoError(t, cw.Write([]string{"date", "share", "mean", "sd", "lower", "upper", "poll_lower", "poll_upper",
		"filtered_mean", "filtered_sd", "filtered_lower", "filtered_upper", "filtered_poll_lower", "filtered_poll_upper"}))
	for _, sr := range r.Shares() {
		for _, p := range sr.Series {
			row := append([]string{p.Date.Format(time.DateOnly), sr.Share.String()}, cells(p)...)
			found := false
			for _, f := range sr.Filtered {
				if f.Date.Equal(p.Date) {
					row, found = append(row, cells(f)...), true
				}
			}
			if !found {
				row = append(row, "", "", "", "", "", "")
			}
			require.NoError(t, cw.Write(row))
		}
	}
	cw.Flush()
	require.Equal(t, want.String(), got.String())
}

// BenchmarkResultWriteCSV writes a three-share result of 100,000 days with
// filtered series (about 45 MB); the bar is 50 MB/s.
func BenchmarkResultWriteCSV(b *testing.B) {
	r := writerSampleResult(100000)
	for _, sr := range r.Shares() {
		for i := range sr.Series {
			f := 1 + float64(i)*1e-7 // numbers of realistic length
			p := &sr.Series[i]
			p.Mean, p.SD, p.Lower, p.Upper, p.PollLower, p.PollUpper = p.Mean*f, p.SD*f, p.Lower*f, p.Upper*f, p.PollLower*f, p.PollUpper*f
		}
	}
	var buf bytes.Buffer
	require.NoError(b, r.WriteCSV(&buf))
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	c0, _ := cpuTime()
	for b.Loop() {
		buf.Reset()
		if err := r.WriteCSV(&buf); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, c0)
}
