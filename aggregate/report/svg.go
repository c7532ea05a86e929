package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/chart"
	"github.com/candorpoll/candor/aggregate/internal/m4"
	"github.com/candorpoll/candor/poll"
)

// This file lays out the page's charts as plain values (coordinates,
// path data, labels) for page.html.tmpl, which writes them as SVG
// elements: html/template escapes every name and label.

// The charts' geometry, in SVG user units.
const (
	svgW, svgH                         = 900, 400
	marginL, marginR, marginT, marginB = 48, 16, 14, 36
	maxHoverPoints                     = 2500 // hover data per series; longer series are thinned
	maxColoured                        = 8    // pollsters with their own colour; the rest are grey
)

// tick is one labelled axis tick at X (time axis) or Y (value axis).
type tick struct {
	Pos   float64
	Label string
}

// pathSeries is one series of a time chart: its line, its interval as a
// band, and its hover data.
type pathSeries struct {
	Name   string
	Class  string // CSS class giving its colour, "c0"…, or "trend"
	Line   string // path data of the mean; "" for a set (no line)
	Band   string // path data of the interval polygon
	Dashed bool   // edges of a set drawn dashed
	Upper  string // path data of the band's edges, for a set
	Lower  string
	Note   string
}

// pollDot is one poll on the trend chart.
type pollDot struct {
	X, Y  float64
	Title string
}

// pollGroup holds the polls of one pollster: its index (for the toggle),
// its colour class and its dots.
type pollGroup struct {
	Index int
	Name  string
	Class string
	Count int
	Dots  []pollDot
}

// markDot is a labelled reference value (the official result).
type markDot struct {
	X, Y  float64
	Label string
}

// hoverSeries is one series' values for the hover readout: days since
// 1970-01-01 and the mean and interval (rounded to 0.1) on each.
type hoverSeries struct {
	Name string    `json:"name"`
	Day  []int     `json:"day"`
	Mean []float64 `json:"mean"`
	Lo   []float64 `json:"lo"`
	Hi   []float64 `json:"hi"`
	Set  bool      `json:"set"`
}

// hoverData is what the page's script needs to turn a pointer position
// into a day: the x of day Day0 and the width of one day.
type hoverData struct {
	Day0   int           `json:"day0"`
	X0     float64       `json:"x0"`
	DX     float64       `json:"dx"`
	Series []hoverSeries `json:"series"`
}

// timeChart is a chart over time.
type timeChart struct {
	ID           string
	W, H         int
	Left, Right  float64
	Top, Bottom  float64
	XTicks       []tick
	YTicks       []tick
	YLabel       string
	Series       []pathSeries
	PollBand     [2]string // path data of the band for a new poll (trend chart)
	Groups       []pollGroup
	Marks        []markDot
	Hover        hoverData
	Title, Alt   string
	Credit, Note string
}

// scaler maps days and values to SVG coordinates.
type scaler struct {
	day0, day1 int
	lo, hi     float64
}

func (s scaler) x(day int) float64 {
	span := max(s.day1-s.day0, 1)
	return marginL + float64(day-s.day0)/float64(span)*(svgW-marginL-marginR)
}

func (s scaler) y(v float64) float64 {
	return svgH - marginB - (v-s.lo)/(s.hi-s.lo)*(svgH-marginT-marginB)
}

// dayOf is the number of whole UTC days since 1970-01-01.
func dayOf(t time.Time) int { return int(math.Floor(float64(t.Unix()) / 86400)) }

// num formats a coordinate with one decimal.
func num(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// round1 rounds to one decimal, for the hover readout.
func round1(x float64) float64 { return math.Round(x*10) / 10 }

// thinned returns at most n of pts, evenly spaced by index, the first and
// the last always kept: the hover readout needs a value every few days
// of a series of decades, not every day (the paths keep every peak:
// pathPoints).
func thinned(pts []aggregate.Point, n int) []aggregate.Point {
	step := (len(pts) + n - 1) / n
	if step <= 1 {
		return pts
	}
	out := make([]aggregate.Point, 0, n+1)
	for i := 0; i < len(pts); i += step {
		out = append(out, pts[i])
	}
	if (len(pts)-1)%step != 0 {
		out = append(out, pts[len(pts)-1])
	}
	return out
}

// pathPoints returns the points of pts a path of f draws: m4's,
// with columns one horizontal unit wide (the page's charts are 900 units
// across, about a CSS pixel each): of the points in one column the
// first, lowest, highest and last, so that a path keeps every peak of a
// daily series of decades at a few points per unit.
func (s scaler) pathPoints(pts []aggregate.Point, f func(aggregate.Point) float64) []aggregate.Point {
	return m4.Thin(pts, func(p aggregate.Point) float64 { return s.x(dayOf(p.Date)) }, f)
}

// linePath is the SVG path data of f over pts.
func (s scaler) linePath(pts []aggregate.Point, f func(aggregate.Point) float64) string {
	var b strings.Builder
	s.appendPath(&b, s.pathPoints(pts, f), f, "M")
	return b.String()
}

// appendPath writes the points of f over pts to b as path commands, the
// first with command first (M to start a path, L to go on with one).
func (s scaler) appendPath(b *strings.Builder, pts []aggregate.Point, f func(aggregate.Point) float64, first string) {
	for i, p := range pts {
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString(" L")
		}
		b.WriteString(num(s.x(dayOf(p.Date))) + "," + num(s.y(f(p))))
	}
}

// bandPath is the SVG path data of the polygon between lo and hi over
// pts: the upper edge left to right, the lower edge back, each through
// its own points (pathPoints).
func (s scaler) bandPath(pts []aggregate.Point, lo, hi func(aggregate.Point) float64) string {
	if len(pts) == 0 {
		return ""
	}
	var b strings.Builder
	s.appendPath(&b, s.pathPoints(pts, hi), hi, "M")
	lower := s.pathPoints(pts, lo)
	slices.Reverse(lower)
	s.appendPath(&b, lower, lo, " L")
	b.WriteString(" Z")
	return b.String()
}

func mean(p aggregate.Point) float64      { return p.Mean }
func lower(p aggregate.Point) float64     { return p.Lower }
func upper(p aggregate.Point) float64     { return p.Upper }
func pollLower(p aggregate.Point) float64 { return p.PollLower }
func pollUpper(p aggregate.Point) float64 { return p.PollUpper }

// valueRange returns a value axis from lo to hi padded to multiples of
// 5 points, inside 0–100.
func valueRange(lo, hi float64) (float64, float64) {
	if !(lo <= hi) {
		return 0, 100
	}
	lo, hi = math.Max(0, math.Floor((lo-2)/5)*5), math.Min(100, math.Ceil((hi+2)/5)*5)
	if hi-lo < 10 {
		hi = math.Min(100, lo+10)
		lo = hi - 10
	}
	return lo, hi
}

// yTicks labels the value axis every 5 or 10 points.
func (s scaler) yTicks() []tick {
	step := 10.0
	if s.hi-s.lo <= 40 {
		step = 5
	}
	var out []tick
	for v := math.Ceil(s.lo/step) * step; v <= s.hi+1e-9; v += step {
		out = append(out, tick{s.y(v), strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return out
}

// xTicks labels the time axis on 1 January every 1, 2, 5, 10 or 20
// years, or on the first of every 1, 3 or 6 months for short spans, with
// at most 12 labels.
func (s scaler) xTicks() []tick {
	first, last := time.Unix(int64(s.day0)*86400, 0).UTC(), time.Unix(int64(s.day1)*86400, 0).UTC()
	for _, months := range []int{1, 3, 6, 12, 24, 60, 120, 240} {
		var out []tick
		y, m := first.Year(), first.Month()
		t := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		if months >= 12 {
			t = time.Date(y-y%(months/12), 1, 1, 0, 0, 0, 0, time.UTC)
		} else {
			t = time.Date(y, time.Month((int(m)-1)/months*months+1), 1, 0, 0, 0, 0, time.UTC)
		}
		for ; !t.After(last); t = t.AddDate(0, months, 0) {
			if t.Before(first) {
				continue
			}
			format := "2006"
			if months < 12 {
				format = "Jan 2006"
			}
			out = append(out, tick{s.x(dayOf(t)), t.Format(format)})
		}
		if len(out) <= 12 {
			return out
		}
	}
	return nil
}

// hoverOf returns a series' hover data, thinned to at most
// maxHoverPoints days (the last day always kept).
func hoverOf(name string, pts []aggregate.Point, set bool) hoverSeries {
	h := hoverSeries{Name: name, Set: set}
	for _, p := range thinned(pts, maxHoverPoints) {
		h.add(p)
	}
	return h
}

func (h *hoverSeries) add(p aggregate.Point) {
	h.Day = append(h.Day, dayOf(p.Date))
	m := round1(p.Mean)
	if h.Set || math.IsNaN(m) {
		m = 0
	}
	h.Mean = append(h.Mean, m)
	h.Lo = append(h.Lo, round1(p.Lower))
	h.Hi = append(h.Hi, round1(p.Upper))
}

// pollsterClasses assigns the maxColoured pollsters with the most polls
// their own colour class (c0…), the others "other"; ties by name.
func pollsterClasses(polls []poll.Poll) ([]string, map[string]string) {
	n := map[string]int{}
	for _, p := range polls {
		n[p.Pollster]++
	}
	names := chart.RankPollsters(n) // the PNG chart's order of colours
	class := make(map[string]string, len(names))
	for i, name := range names {
		class[name] = "other"
		if i < maxColoured {
			class[name] = "c" + strconv.Itoa(i)
		}
	}
	return names, class
}

// trendChart lays out the approve trend with its interval, the band for
// a new poll, the polls by pollster (each with a hover title) and the
// official result.
func (r *Report) trendChart() timeChart {
	sr := r.Result.Approve
	pts := sr.Series
	c := timeChart{ID: "trend", W: svgW, H: svgH, YLabel: "approve, %"}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		lo, hi = math.Min(lo, p.Lower), math.Max(hi, p.Upper)
	}
	for _, p := range r.Polls {
		if v := p.Approve; !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	s := scaler{day0: dayOf(pts[0].Date), day1: dayOf(pts[len(pts)-1].Date)}
	s.lo, s.hi = valueRange(lo, hi)
	c.frame(s)
	c.Series = []pathSeries{{Name: "trend", Class: "trend", Line: s.linePath(pts, mean), Band: s.bandPath(pts, lower, upper)}}
	if hasPollBand(pts) {
		c.PollBand = [2]string{s.linePath(pts, pollLower), s.linePath(pts, pollUpper)}
	}
	names, class := pollsterClasses(r.Polls)
	index := map[string]int{}
	for i, n := range names {
		index[n] = i
		c.Groups = append(c.Groups, pollGroup{Index: i, Name: n, Class: class[n]})
	}
	for _, p := range r.Polls {
		if math.IsNaN(p.Approve) {
			continue
		}
		g := &c.Groups[index[p.Pollster]]
		g.Count++
		mid := p.Midpoint()
		g.Dots = append(g.Dots, pollDot{X: s.x(dayOf(mid)), Y: s.y(math.Min(math.Max(p.Approve, s.lo), s.hi)), Title: pollTitle(&p)})
	}
	c.Marks = r.markDots(s)
	c.Hover = hoverData{Day0: s.day0, X0: s.x(s.day0), DX: s.x(s.day0+1) - s.x(s.day0), Series: []hoverSeries{hoverOf("approve", pts, false)}}
	c.Title = r.trendTitle()
	c.Alt = fmt.Sprintf("Line chart of approval from %s to %s with its %s interval and %d polls", pts[0].Date.Format("2006"), pts[len(pts)-1].Date.Format("2006"), levelText(r.Result.Level), len(r.Polls))
	c.Note = fmt.Sprintf("Line: the %s estimate; dark band: its %s interval for the level; dashed: where a new poll of an average pollster would fall. Dots: the polls at their fieldwork midpoints (hover for each; untick a pollster to hide it).",
		modelName[r.Config.Model], levelText(r.Result.Level))
	return c
}

// hasPollBand reports whether the points carry a band for a new poll.
func hasPollBand(pts []aggregate.Point) bool {
	for _, p := range pts {
		if math.IsNaN(p.PollLower) || math.IsNaN(p.PollUpper) || (p.PollLower == 0 && p.PollUpper == 0) {
			return false
		}
	}
	return len(pts) > 0
}

// frame sets the chart's plot area and axes from s.
func (c *timeChart) frame(s scaler) {
	c.Left, c.Right, c.Top, c.Bottom = marginL, svgW-marginR, marginT, svgH-marginB
	c.XTicks, c.YTicks = s.xTicks(), s.yTicks()
}

// markDots places the official result, when it falls inside the chart.
func (r *Report) markDots(s scaler) []markDot {
	o := r.Config.Official
	if o.Date.IsZero() || dayOf(o.Date) < s.day0 || dayOf(o.Date) > s.day1 || o.Value < s.lo || o.Value > s.hi {
		return nil
	}
	return []markDot{{X: s.x(dayOf(o.Date)), Y: s.y(o.Value), Label: fmt.Sprintf("%s: %.2f%% on %s", cmp.Or(o.Label, "official result"), o.Value, o.Date.Format(time.DateOnly))}}
}

// pollTitle is a poll's hover text.
func pollTitle(p *poll.Poll) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", p.Pollster)
	if p.Mode != poll.ModeUnknown {
		fmt.Fprintf(&b, " (%s)", p.Mode)
	}
	fmt.Fprintf(&b, ", %s", p.Start.Format(time.DateOnly))
	if !p.End.Equal(p.Start) {
		fmt.Fprintf(&b, " to %s", p.End.Format(time.DateOnly))
	}
	fmt.Fprintf(&b, ": approve %s", trimZero(strconv.FormatFloat(p.Approve, 'f', 1, 64)))
	if !math.IsNaN(p.Disapprove) {
		fmt.Fprintf(&b, ", disapprove %s", trimZero(strconv.FormatFloat(p.Disapprove, 'f', 1, 64)))
	}
	if p.SampleSize > 0 {
		fmt.Fprintf(&b, ", n = %d", p.SampleSize)
	}
	if p.Source != "" {
		fmt.Fprintf(&b, " (%s", p.Source)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(")")
	}
	return b.String()
}

// fanChart lays out the scenarios from fanFrom: a band and a line for
// each refitted scenario, dashed edges for a set.
func (r *Report) fanChart() *timeChart {
	if len(r.Scenarios) < 2 {
		return nil
	}
	from := r.fanFrom()
	window := func(pts []aggregate.Point) []aggregate.Point {
		i, _ := slices.BinarySearchFunc(pts, from, func(p aggregate.Point, t time.Time) int { return p.Date.Compare(t) })
		return pts[i:]
	}
	c := &timeChart{ID: "fan", W: svgW, H: svgH, YLabel: "approve, %"}
	lo, hi := math.Inf(1), math.Inf(-1)
	var day0, day1 int
	for i, sc := range r.Scenarios {
		pts := window(scenarioPoints(sc))
		if len(pts) == 0 {
			return nil
		}
		if i == 0 {
			day0, day1 = dayOf(pts[0].Date), dayOf(pts[len(pts)-1].Date)
		}
		for _, p := range pts {
			lo, hi = math.Min(lo, p.Lower), math.Max(hi, p.Upper)
		}
	}
	s := scaler{day0: day0, day1: day1}
	s.lo, s.hi = valueRange(lo, hi)
	c.frame(s)
	c.Hover = hoverData{Day0: s.day0, X0: s.x(s.day0), DX: s.x(s.day0+1) - s.x(s.day0)}
	for i, sc := range r.Scenarios {
		pts := window(scenarioPoints(sc))
		// One band, the published series' interval: the others would
		// cover each other. Their intervals are in the hover readout.
		ps := pathSeries{Name: sc.Name, Class: "c" + strconv.Itoa(i%maxColoured), Note: sc.Assumption}
		if i == 0 {
			ps.Band = s.bandPath(pts, lower, upper)
		}
		if sc.Bounds != nil {
			ps.Class = "set"
			ps.Dashed, ps.Upper, ps.Lower = true, s.linePath(pts, upper), s.linePath(pts, lower)
		} else {
			ps.Line = s.linePath(pts, mean)
		}
		c.Series = append(c.Series, ps)
		c.Hover.Series = append(c.Hover.Series, hoverOf(sc.Name, pts, sc.Bounds != nil))
	}
	c.Marks = r.markDots(s)
	c.Title = r.approval() + " under each fear-of-response scenario"
	c.Alt = fmt.Sprintf("Bands of approval under %d scenarios from %s", len(r.Scenarios), time.Unix(int64(day0)*86400, 0).UTC().Format("January 2006"))
	c.Note = "Lines: approval under each scenario; shaded: the " + levelText(r.Result.Level) + " interval of the published series; dashed: the Manski bounds, an identified set (no line: a set favours no value inside it). Hover for every scenario's value and interval on a day."
	return c
}

// scenarioPoints are the approve points a scenario draws.
func scenarioPoints(s aggregate.PollScenario) []aggregate.Point {
	if s.Result != nil {
		return s.Result.Approve.Series
	}
	return s.Bounds
}

// dot is one row of a dot plot: a value with its interval.
type dot struct {
	Y, X, Lo, Hi float64
	Name, Title  string
	Class        string // "" (a poll-implied estimate), "ref" (a reference: no interval), "forensic", "set" (an interval, no value)
}

// dotChart is a dot plot: one row per estimate, a value with its
// interval on the x axis, and a vertical line at a reference value.
type dotChart struct {
	ID          string
	W, H        int
	Left, Right float64
	Bottom      float64 // y where the rows end and the axis starts
	Ref         float64 // x of the reference line
	RefLabel    string
	XLabel      string
	XTicks      []tick
	Dots        []dot
	Alt         string
}

// row is one estimate of a dot plot in data units; NaN Value: a set.
type row struct {
	name, title, class string
	value, lo, hi      float64
}

// newDotChart lays out rows, top to bottom, on an x axis that holds every
// interval and ref.
func newDotChart(id string, rows []row, ref float64, xlabel, alt string) *dotChart {
	lo, hi := ref, ref
	for _, r := range rows {
		for _, v := range []float64{r.value, r.lo, r.hi} {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	lo, hi = math.Floor(lo-0.5), math.Ceil(hi+0.5)
	const left, right, height = 260.0, svgW - 24.0, 22.0
	x := func(v float64) float64 { return left + (v-lo)/(hi-lo)*(right-left) }
	c := &dotChart{ID: id, W: svgW, H: int(height*float64(len(rows)) + 56), Left: left, Right: right, Ref: x(ref), XLabel: xlabel, Alt: alt}
	c.Bottom = float64(c.H) - 34
	step := 1.0
	for (hi-lo)/step > 12 {
		step *= 2
	}
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		c.XTicks = append(c.XTicks, tick{x(v), strconv.FormatFloat(v, 'f', -1, 64)})
	}
	for i, r := range rows {
		d := dot{Y: 16 + height*float64(i), X: x(r.value), Lo: x(r.lo), Hi: x(r.hi), Name: r.name, Title: r.title, Class: r.class}
		if math.IsNaN(r.value) {
			d.X = math.NaN()
		}
		if math.IsNaN(r.lo) || math.IsNaN(r.hi) {
			d.Lo, d.Hi = 0, 0 // no interval to draw
		}
		c.Dots = append(c.Dots, d)
	}
	return c
}

// houseChart is the dot plot of the approve house effects, largest
// first, with their intervals; the reference house has none.
func (r *Report) houseChart() *dotChart {
	houses := slices.Clone(r.Result.Approve.Houses)
	if len(houses) == 0 {
		return nil
	}
	slices.SortStableFunc(houses, func(a, b aggregate.HouseEffect) int { return cmp.Compare(b.Value, a.Value) })
	zz := z(r.Result.Level)
	var rows []row
	for _, h := range houses {
		rw := row{name: h.Pollster, value: h.Value, lo: h.Value - zz*h.SE, hi: h.Value + zz*h.SE,
			title: fmt.Sprintf("%s: %+.2f points (SE %.2f), %d polls", h.Pollster, h.Value, h.SE, h.Polls)}
		if h.SE == 0 {
			rw.class, rw.lo, rw.hi = "ref", math.NaN(), math.NaN()
			rw.title = fmt.Sprintf("%s: the reference (0 by definition), %d polls", h.Pollster, h.Polls)
		}
		rows = append(rows, rw)
	}
	return newDotChart("houses", rows, 0, "points above (+) or below (−) "+r.scale(),
		fmt.Sprintf("Dot plot of %d house effects on approval with %s intervals", len(houses), levelText(r.Result.Level)))
}

// integrityChart is the integrity table as a dot plot: the official
// result (and the line through it), the forensic clean share with its
// interval as estimated (not made symmetric), and the poll-implied
// estimate under each scenario; a set is drawn as its interval alone.
func (r *Report) integrityChart() *dotChart {
	t := r.Integrity
	if t == nil {
		return nil
	}
	var rows []row
	for _, ir := range t.Rows {
		rw := row{name: ir.Name, value: ir.Value, lo: ir.Lower, hi: ir.Upper}
		switch {
		case ir.Source == aggregate.FromOfficial:
			rw.class = "ref"
			rw.title = fmt.Sprintf("%s: %.2f%%", ir.Name, ir.Value)
			if ir.Note != "" {
				rw.title += " (" + ir.Note + ")"
			}
		case ir.Source == aggregate.FromForensics:
			rw.class = "forensic"
			rw.title = fmt.Sprintf("%s: %.2f%% [%.2f, %.2f], %s below the official result", ir.Name, ir.Value, ir.Lower, ir.Upper, trimZero(fmt.Sprintf("%.2f", ir.Gap)))
		case ir.Set:
			rw.name, rw.class = "polls: "+ir.Name, "set"
			rw.title = fmt.Sprintf("polls: %s: the set [%.1f, %.1f]%%", ir.Name, ir.Lower, ir.Upper)
		default:
			rw.name = "polls: " + ir.Name
			rw.title = fmt.Sprintf("polls: %s: %.1f%% [%.1f, %.1f]; the official result %+.1f points above it, P = %s", ir.Name, ir.Value, ir.Lower, ir.Upper, ir.Gap, pText(ir.P))
		}
		rows = append(rows, rw)
	}
	c := newDotChart("integrity", rows, t.Official.Value, "percent",
		fmt.Sprintf("Dot plot: the official result %.2f%%, the forensic clean share and %d poll-implied estimates with their intervals", t.Official.Value, len(r.Scenarios)))
	c.RefLabel = fmt.Sprintf("official %.2f%%", t.Official.Value)
	return c
}
