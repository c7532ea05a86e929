package chart

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
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
		opt.Title = fmt.Sprintf("house effects on %s (%s)", opt.Share, res.Model)
	}
	return HouseEffects([]HouseSet{{Name: res.Model, Houses: sr.Houses, Level: res.Level}}, opt)
}

// HouseEffects draws one or more sets of house effects as a dot plot: one
// row per pollster, the effect in points on the x axis with a vertical
// line at zero, and a horizontal error bar of ±z·SE. Several sets are
// offset within each row and told apart by colour and legend.
//
// Rows are the pollsters of the first set (then any others), limited to
// opt.MaxHouses (default 30) with the most polls, and sorted by the first
// set's effect so that the most favourable house is at the top. It
// returns ErrNoData when no set has a house, and ErrBadValue for an
// effect or SE that is NaN or infinite (an SE may be NaN: no bar).
func HouseEffects(sets []HouseSet, opt Options) (*plot.Plot, error) {
	// Rank rows by poll count within the first set, then by count within
	// later sets for houses the first set lacks.
	counts := map[string]int{}
	value := map[string]float64{}
	for si, s := range sets {
		for _, h := range s.Houses {
			if !finite(h.Value) || math.IsInf(h.SE, 0) || h.SE < 0 {
				return nil, fmt.Errorf("%w: %s house %q: effect %g, SE %g", ErrBadValue, s.Name, h.Pollster, h.Value, h.SE)
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
	rows := rankHouses(counts)
	if n := opt.maxHouses(30); len(rows) > n {
		rows = rows[:n]
	}
	// Bottom row first: plot rows count upwards, so ascending effects put
	// the largest at the top.
	slices.SortStableFunc(rows, func(a, b string) int { return cmp.Compare(value[a], value[b]) })
	rowOf := make(map[string]int, len(rows))
	for i, n := range rows {
		rowOf[n] = i
	}

	p, lp, err := opt.newPlot("house effects")
	if err != nil {
		return nil, err
	}
	p.X.Label.Text = opt.YLabel
	if p.X.Label.Text == "" {
		p.X.Label.Text = "points (positive: reports more than the reference)"
	}

	zero, err := plotter.NewLine(plotter.XYs{{X: 0, Y: -0.5}, {X: 0, Y: float64(len(rows)) - 0.5}})
	if err != nil {
		return nil, err
	}
	zero.Color = trendColor
	zero.Width = vg.Points(0.7)
	p.Add(zero)

	xlo, xhi := 0.0, 0.0 // the zero line is always in view
	for si, s := range sets {
		c := opt.colorOf(s.Name, si)
		z := zQuantile(levelOf(s.Level))
		offset := 0.0
		if len(sets) > 1 {
			offset = 0.5 * (float64(si)/float64(len(sets)-1) - 0.5) // within ±0.25 of the row
		}
		var dots plotter.XYs
		var bars errPoints
		for _, h := range s.Houses {
			r, ok := rowOf[h.Pollster]
			if !ok {
				continue
			}
			xy := plotter.XY{X: h.Value, Y: float64(r) + offset}
			dots = append(dots, xy)
			xlo, xhi = min(xlo, xy.X), max(xhi, xy.X)
			if h.SE > 0 {
				bars = append(bars, errPoint{xy, z * h.SE})
				lp.data = append(lp.data, plotter.XYs{{X: xy.X - z*h.SE, Y: xy.Y}, {X: xy.X + z*h.SE, Y: xy.Y}})
				xlo, xhi = min(xlo, xy.X-z*h.SE), max(xhi, xy.X+z*h.SE)
			}
		}
		if len(dots) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(dots)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: c, Radius: vg.Points(3), Shape: draw.CircleGlyph{}}
		if len(bars) > 0 {
			eb, err := plotter.NewXErrorBars(bars)
			if err != nil {
				return nil, err
			}
			eb.Color = c
			eb.Width = vg.Points(1.2)
			eb.CapWidth = vg.Points(4)
			p.Add(eb)
		}
		p.Add(sc)
		lp.data = append(lp.data, dots)
		if len(sets) > 1 || s.Name != "" {
			label := s.Name
			if len(bars) > 0 {
				label = fmt.Sprintf("%s (%.0f%% interval)", s.Name, 100*levelOf(s.Level))
			}
			p.Legend.Add(label, sc)
		}
	}
	names := make([]string, len(rows))
	for i, n := range rows {
		names[i] = displayName(n)
	}
	p.Add(lp)
	// A margin keeps the outermost error-bar caps off the canvas edge.
	pad := 0.05 * max(xhi-xlo, 1e-9)
	p.X.Min, p.X.Max = xlo-pad, xhi+pad
	p.X.Tick.Marker = valueTicks{}
	p.NominalY(names...)
	// An axis label also keeps gonum from clipping the widest row name at
	// the canvas edge, which it does when the nominal axis has none.
	p.Y.Label.Text = "pollster"
	p.Y.Min, p.Y.Max = -0.6, float64(len(rows))-0.4
	return p, nil
}

// firstSetBonus ranks every house of the first set above the others.
const firstSetBonus = 1 << 40

// zQuantile returns Φ⁻¹((1 + level)/2).
func zQuantile(level float64) float64 { return math.Sqrt2 * math.Erfinv(level) }

// errPoint is a dot with a symmetric horizontal error.
type errPoint struct {
	plotter.XY
	half float64
}

type errPoints []errPoint

func (e errPoints) Len() int                         { return len(e) }
func (e errPoints) XY(i int) (float64, float64)      { return e[i].X, e[i].Y }
func (e errPoints) XError(i int) (low, high float64) { return e[i].half, e[i].half }
