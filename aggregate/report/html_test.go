package report

import (
	"context"
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// page returns r's page and its parsed document.
func page(t *testing.T, r *Report) (string, *html.Node) {
	t.Helper()
	var b strings.Builder
	require.NoError(t, r.WriteHTML(&b))
	doc, err := html.Parse(strings.NewReader(b.String()))
	require.NoError(t, err)
	return b.String(), doc
}

// find returns the elements of doc for which match holds.
func find(doc *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func text(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		} else {
			b.WriteString(text(c))
		}
	}
	return b.String()
}

func TestHTMLRussia(t *testing.T) {
	r, err := russiaReport()
	require.NoError(t, err)
	s, doc := page(t, r)

	// Self-contained: nothing is fetched (no external script, style,
	// image or frame; the only URLs are the SVG namespaces, and the
	// fingerprint's raster is inline data).
	for _, n := range find(doc, func(n *html.Node) bool { return attr(n, "src") != "" || attr(n, "href") != "" }) {
		ref := attr(n, "src") + attr(n, "href")
		assert.True(t, strings.HasPrefix(ref, "data:image/"), "<%s> refers to %.40q", n.Data, ref)
	}
	assert.NotContains(t, s, "<link")
	assert.NotContains(t, s, "@import")
	for _, u := range regexp.MustCompile(`https?://[^\s"'<>)]+`).FindAllString(s, -1) {
		assert.Contains(t, []string{"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, u)
	}

	// Every fitted poll with an approve share is a dot with its values on
	// hover, in its pollster's group; one checkbox per pollster.
	groups := find(doc, func(n *html.Node) bool { return n.Data == "g" && attr(n, "class") == "polls" })
	dots := 0
	for _, g := range groups {
		for _, c := range find(g, func(n *html.Node) bool { return n.Data == "circle" }) {
			dots++
			titles := find(c, func(n *html.Node) bool { return n.Data == "title" })
			require.Len(t, titles, 1)
			assert.Regexp(t, `^(Levada|FOM|VTsIOM)( \(.+\))?, \d{4}-\d\d-\d\d.*: approve \d`, text(titles[0]))
		}
	}
	assert.Equal(t, len(r.Polls), dots)
	boxes := find(doc, func(n *html.Node) bool { return n.Data == "input" && attr(n, "data-house") != "" })
	assert.Len(t, boxes, 3)
	assert.Len(t, groups, 3)
	assert.Contains(t, s, `Levada.csv:302)`, "the poll's file and line")

	// The hover data: days, means and intervals of the trend, its last
	// day the latest estimate.
	var hover hoverData
	data := find(doc, func(n *html.Node) bool { return attr(n, "id") == "trend-data" })
	require.Len(t, data, 1)
	require.NoError(t, json.Unmarshal([]byte(text(data[0])), &hover))
	require.Len(t, hover.Series, 1)
	hs := hover.Series[0]
	latest := r.Result.Approve.Latest()
	assert.Equal(t, dayOf(latest.Date), hs.Day[len(hs.Day)-1])
	assert.Equal(t, math.Round(latest.Mean*10)/10, hs.Mean[len(hs.Mean)-1])
	assert.LessOrEqual(t, len(hs.Day), maxHoverPoints+1)
	var fan hoverData
	data = find(doc, func(n *html.Node) bool { return attr(n, "id") == "fan-data" })
	require.Len(t, data, 1)
	require.NoError(t, json.Unmarshal([]byte(text(data[0])), &fan))
	assert.Len(t, fan.Series, len(r.Scenarios))
	assert.True(t, fan.Series[len(fan.Series)-1].Set)

	// The tables and the fingerprint are on the page.
	var captions []string
	for _, c := range find(doc, func(n *html.Node) bool { return n.Data == "caption" }) {
		captions = append(captions, text(c))
	}
	assert.Equal(t, []string{
		"Latest estimate (31 August 2024) by scenario",
		"House effects, points, relative to Levada face-to-face",
		"Official result, forensic estimate and polls, 17 March 2024 (95% intervals)",
		"Files read",
	}, captions)
	assert.Contains(t, s, "clean: Shpilkin (turnout–share)")
	assert.Contains(t, s, `<image preserveAspectRatio="none" `, "the fingerprint's raster fills its axes")
	assert.Contains(t, s, "vciom-presidential-approval-2006.csv:96:2:")
	charts := find(doc, func(n *html.Node) bool { return n.Data == "svg" && attr(n, "class") == "chart" })
	var ids []string
	for _, c := range charts {
		ids = append(ids, attr(c, "id"))
	}
	assert.Equal(t, []string{"trend", "fan", "houses", "integrity"}, ids)
	// The integrity chart: a row per row of the table, the forensic
	// interval as estimated (asymmetric), the set without a dot.
	rows := find(charts[3], func(n *html.Node) bool { return n.Data == "g" && strings.HasPrefix(attr(n, "class"), "house") })
	require.Len(t, rows, len(r.Integrity.Rows))
	assert.Equal(t, "house forensic", attr(rows[2], "class"))
	assert.Contains(t, text(rows[2]), "81.02% [79.75, 81.90]")
	bar := find(rows[2], func(n *html.Node) bool { return n.Data == "line" })
	dotAt := find(rows[2], func(n *html.Node) bool { return n.Data == "circle" })
	require.Len(t, bar, 1)
	require.Len(t, dotAt, 1)
	x := func(n *html.Node, k string) float64 {
		v, err := strconv.ParseFloat(attr(n, k), 64)
		require.NoError(t, err)
		return v
	}
	left, right := x(dotAt[0], "cx")-x(bar[0], "x1"), x(bar[0], "x2")-x(dotAt[0], "cx")
	assert.InDelta(t, (81.02-79.75)/(81.90-81.02), left/right, 0.02, "the bar is the interval as estimated")
	set := rows[len(rows)-1]
	assert.Equal(t, "house set", attr(set, "class"))
	assert.Empty(t, find(set, func(n *html.Node) bool { return n.Data == "circle" }))
}

func TestHTMLEscapes(t *testing.T) {
	c := small()
	evil := `<script>alert("x")</script> & "quotes"`
	c.Title = evil
	c.Notes = []string{evil}
	c.Exclude = []Exclusion{{Pollster: evil, Why: evil}}
	r, err := Run(context.Background(), c)
	require.NoError(t, err)
	s, doc := page(t, r)
	assert.NotContains(t, s, `<script>alert`)
	assert.Contains(t, s, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;`)
	// Only the page's own scripts.
	scripts := find(doc, func(n *html.Node) bool { return n.Data == "script" })
	assert.Len(t, scripts, 2, "the trend's hover data and the code (no fan without scenarios)")
	title := find(doc, func(n *html.Node) bool { return n.Data == "title" && n.Parent.Data == "head" })
	require.Len(t, title, 1)
	assert.Equal(t, evil, text(title[0]))
}
