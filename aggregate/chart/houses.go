package chart

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/candorpoll/candor/aggregate"
)

// HouseSet is one set of house effects to draw, e.g. one model's
// estimates or a published table to compare with.
type HouseSet struct {
	Name   string
	Houses []aggregate.HouseEffect
	// Level is the confidence level of the error bars (±z·SE); 0 means
	// 0.95. Houses with SE 0 or NaN are drawn without a bar.
	Level float64
}

// Houses draws the house effects of a result's share opt.Share (approve by
// default) as a dot plot with error bars at res.Level (see HouseEffects).
func Houses(res *aggregate.Result, opt Options) (*plot.Plot, error) {
	sr, err := opt.shareOf(res)
	if err != nil {
		return nil, err
	}
	if opt.Title == "" {
		opt.Title = fmt.Sprintf("house effects on %s", opt.Share)
		if res.Model != "" {
			opt.Title = fmt.Sprintf("house effects on %s (%s model)", opt.Share, res.Model)
		}
	}
	return HouseEffects([]HouseSet{{Name: res.Model, Houses: sr.Houses, Level: res.Level}}, opt)
}

// HouseEffects draws one or more sets of house effects as a dot plot:
// one row per pollster, the effect in points on the x axis with a
// vertical line at zero, and a horizontal error bar of ±z·SE,
// z = Φ⁻¹((1 + level)/2). Several sets are offset within each row and
// told apart by colour and legend.
//
// Each row is labelled inside the data area, above its dots, with the
// pollster's name and its number of polls, e.g. "FOM/face-to-face (374)"
// (the first set's count that is not zero). Labels inside, rather than
// at the left of the axis, keep the data area as wide as that of the
// charts stacked with it however long the names are; a name too long
// for the width is shortened with an ellipsis. Rendered with the
// default height, the chart grows with its rows.
//
// Rows are the pollsters of the first set (then any others), limited to
// opt.MaxHouses (default 30) with the most polls, and sorted by effect
// (the first set's that has the house) so that the most favourable
// house is at the top. It
// returns ErrNoData when no set has a house, ErrBadValue for an effect
// or SE that is NaN or infinite (an SE may be NaN: no bar), and
// ErrOption for an invalid option.
func HouseEffects(sets []HouseSet, opt Options) (*plot.Plot, error) {
	// Rank rows by poll count within the first set, then by count within
	// later sets for houses the first set lacks.
	counts := map[string]int{}
	value := map[string]float64{}
	polls := map[string]int{}
	for si, s := range sets {
		for _, h := range s.Houses {
			if !finite(h.Value) || math.IsInf(h.SE, 0) || h.SE < 0 {
				return nil, fmt.Errorf("%w: %s house %q: effect %g, SE %g", ErrBadValue, s.Name, h.Pollster, h.Value, h.SE)
			}
			if polls[h.Pollster] == 0 && h.Polls > 0 {
				polls[h.Pollster] = h.Polls
			}
			if _, seen := value[h.Pollster]; seen {
				continue
			}
			value[h.Pollster] = h.Value
			rank := h.Polls
			if si == 0 {
				rank += firstSetBonus
			}
			counts[h.Pollster] = rank
		}
	}
	if len(counts) == 0 {
		return nil, fmt.Errorf("%w: no house effects", ErrNoData)
	}
	p, k, err := opt.frame("house effects")
	if err != nil {
		return nil, err
	}
	rows := RankPollsters(counts)
	if n := opt.maxHouses(30); len(rows) > n {
		rows = rows[:n]
	}
	// Top row first: the largest effect at the top.
	slices.SortStableFunc(rows, func(a, b string) int { return cmp.Compare(value[b], value[a]) })
	rowOf := make(map[string]int, len(rows))
	hr := &houseRows{style: textStyle(p, keySize, color.Black)}
	hr.style.YAlign = draw.YTop
	for i, n := range rows {
		rowOf[n] = i
		label := displayName(n)
		if polls[n] > 0 {
			label = fmt.Sprintf("%s (%d)", label, polls[n])
		}
		hr.labels = append(hr.labels, label)
	}

	xlo, xhi := 0.0, 0.0 // the zero line is always in view
	for si, s := range sets {
		rs := rowSet{color: opt.colorOf(s.Name, si), value: make([]float64, len(rows)), half: make([]float64, len(rows))}
		z := zQuantile(levelOf(s.Level))
		for i := range rs.value {
			rs.value[i] = math.NaN()
		}
		drawn, bars := false, false
		for _, h := range s.Houses {
			r, ok := rowOf[h.Pollster]
			if !ok || !math.IsNaN(rs.value[r]) {
				continue
			}
			rs.value[r], drawn = h.Value, true
			xlo, xhi = min(xlo, h.Value), max(xhi, h.Value)
			if h.SE > 0 {
				rs.half[r], bars = z*h.SE, true
				xlo, xhi = min(xlo, h.Value-z*h.SE), max(xhi, h.Value+z*h.SE)
			}
		}
		if !drawn {
			continue
		}
		hr.sets = append(hr.sets, rs)
		label := s.Name
		if bars {
			label = fmt.Sprintf("bars: %s intervals", percent(levelOf(s.Level)))
			if s.Name != "" {
				label = fmt.Sprintf("%s (bars: %s intervals)", s.Name, percent(levelOf(s.Level)))
			}
		}
		if label != "" {
			k.add(label, setThumb{color: rs.color, bar: bars})
		}
	}

	zero, err := newLine(plotter.XYs{{X: 0, Y: 0}, {X: 0, Y: float64(len(rows))}}, grey(trendGrey), 0.7, nil)
	if err != nil {
		return nil, err
	}
	p.Add(zero, hr)
	// The axis spans at least 2 points, so that a lone house at zero (a
	// single pollster, the reference) gets round ticks rather than a
	// range of nothing; a margin keeps the outermost caps off the edge.
	if xhi-xlo < 2 {
		mid := (xlo + xhi) / 2
		xlo, xhi = mid-1, mid+1
	}
	pad := 0.05 * (xhi - xlo)
	p.X.Min, p.X.Max = xlo-pad, xhi+pad
	p.X.Tick.Marker = valueTicks{}
	p.X.Label.Text = opt.YLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "points above (+) or below (−) the reference"
	}
	// The rows are the y axis: no ticks and no line, the labels being
	// inside the data area; rowAxis tells the renderer the height the
	// rows need.
	p.Y.Min, p.Y.Max = 0, float64(len(rows))
	p.Y.Tick.Marker = rowAxis{rows: len(rows), sets: len(hr.sets)}
	p.Y.Tick.Length = 0
	p.Y.Width = 0
	p.Y.Padding = vg.Points(6)
	opt.finish(p, k, time.Time{})
	return p, nil
}

// firstSetBonus ranks every house of the first set above the others.
const firstSetBonus = 1 << 40

// zQuantile returns Φ⁻¹((1 + level)/2).
func zQuantile(level float64) float64 { return math.Sqrt2 * math.Erfinv(level) }

// houseRows draws the rows of a house-effect chart: for each pollster
// (top row first) its label at the top left of the row, and below it
// one dot with an error bar per set, offset so that the sets do not
// overlap. It draws in points within each row rather than in data
// coordinates so that the label and the dots never collide, whatever
// the height of the chart.
type houseRows struct {
	labels []string
	sets   []rowSet
	style  text.Style
}

// rowSet is one set's dots: value[i] (NaN: not in this set) and the half
// width of its bar, half[i] (0: no bar), in row i.
type rowSet struct {
	color       color.Color
	value, half []float64
}

// Row geometry, in points.
const (
	rowLabelPad = 2 // above and below a row label
	dotRadius   = 3
	dotPitch    = 7 // between the dots of two sets in one row
	capHalf     = 3 // half the height of an error bar's cap
	rowMargin   = 3 // below the lowest dot of a row
)

// Plot implements plot.Plotter.
func (hr *houseRows) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	n := len(hr.labels)
	rule := draw.LineStyle{Color: grey(ruleGrey), Width: vg.Points(0.5)}
	bar := draw.LineStyle{Width: vg.Points(1.2)}
	labelH := hr.style.Height("Ág")
	for i, label := range hr.labels {
		top, bottom := trY(float64(n-i)), trY(float64(n-i-1))
		if i > 0 {
			c.StrokeLine2(rule, c.Min.X, top, c.Max.X, top)
		}
		c.FillText(hr.style, vg.Point{X: c.Min.X + rowLabelPad, Y: top - rowLabelPad},
			truncate(label, hr.style, c.Size().X-2*rowLabelPad))
		// The dots share the room below the label, centred in it.
		hi, lo := top-labelH-2*rowLabelPad, bottom+rowMargin
		pitch := min(vg.Points(dotPitch), (hi-lo)/vg.Length(max(len(hr.sets), 1)))
		y := (hi+lo)/2 + pitch*vg.Length(len(hr.sets)-1)/2
		for _, s := range hr.sets {
			if v := s.value[i]; !math.IsNaN(v) {
				bar.Color = s.color
				if h := s.half[i]; h > 0 {
					x0, x1 := trX(v-h), trX(v+h)
					for _, l := range c.ClipLinesX([]vg.Point{{X: x0, Y: y}, {X: x1, Y: y}}) {
						c.StrokeLines(bar, l)
					}
					for _, x := range []vg.Length{x0, x1} {
						if c.ContainsX(x) {
							c.StrokeLine2(bar, x, y-capHalf, x, y+capHalf)
						}
					}
				}
				c.DrawGlyph(draw.GlyphStyle{Color: s.color, Radius: dotRadius, Shape: draw.CircleGlyph{}}, vg.Point{X: trX(v), Y: y})
			}
			y -= pitch
		}
	}
}

// GlyphBoxes implements plot.GlyphBoxer: the dots' horizontal extent, so
// that a dot at the end of the axis is not cut off. The boxes have no
// height: the rows' vertical layout is Plot's own.
func (hr *houseRows) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	var boxes []plot.GlyphBox
	for _, s := range hr.sets {
		for _, v := range s.value {
			if !math.IsNaN(v) {
				boxes = append(boxes, plot.GlyphBox{X: p.X.Norm(v), Y: 0.5, Rectangle: vg.Rectangle{
					Min: vg.Point{X: -dotRadius}, Max: vg.Point{X: dotRadius}}})
			}
		}
	}
	return boxes
}

// setThumb is the legend sample of a set of house effects: a dot, on an
// error bar when the set has them.
type setThumb struct {
	color color.Color
	bar   bool
}

// Thumbnail implements plot.Thumbnailer.
func (t setThumb) Thumbnail(c *draw.Canvas) {
	mid := c.Center()
	if t.bar {
		sty := draw.LineStyle{Color: t.color, Width: vg.Points(1.2)}
		x0, x1 := c.Min.X+2, c.Max.X-2
		c.StrokeLine2(sty, x0, mid.Y, x1, mid.Y)
		c.StrokeLine2(sty, x0, mid.Y-capHalf, x0, mid.Y+capHalf)
		c.StrokeLine2(sty, x1, mid.Y-capHalf, x1, mid.Y+capHalf)
	}
	c.DrawGlyph(draw.GlyphStyle{Color: t.color, Radius: dotRadius, Shape: draw.CircleGlyph{}}, mid)
}

// rowAxis is the y axis of a house-effect chart. It has no ticks (the
// rows are labelled inside the data area) but knows how many rows and
// sets there are, which is how the renderer learns the height the chart
// needs: a *plot.Plot has no other place to carry it.
type rowAxis struct{ rows, sets int }

// Ticks implements plot.Ticker.
func (rowAxis) Ticks(min, max float64) []plot.Tick { return nil }

// height is the height a chart with these rows needs: a label and the
// dots per row, plus the title, legend, axis and footer around them.
func (r rowAxis) height() vg.Length {
	const aroundRows = 120 // points
	label := vg.Length(keySize)*1.2 + 2*rowLabelPad
	row := label + vg.Length(max(r.sets, 1))*dotPitch + rowMargin + 2*capHalf
	return vg.Length(r.rows)*row + aroundRows
}
