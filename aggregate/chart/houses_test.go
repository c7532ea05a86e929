package chart

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/candorpoll/candor/aggregate"
)

// TestHouseRows: one row per pollster, labelled with its poll count,
// the largest effect on top; MaxHouses keeps the pollsters with the most
// polls of the first set, a later set's houses ranking after the first
// set's; a later set gives the effect and count the first set lacks.
func TestHouseRows(t *testing.T) {
	res := testResult(10)
	ours := HouseSet{Name: "candor", Houses: res.Approve.Houses, Level: 0.95}
	theirs := HouseSet{Name: "538", Houses: []aggregate.HouseEffect{
		{Pollster: "ФОМ", Value: -2, SE: math.NaN()},
		{Pollster: "Only538", Value: 3, Polls: 99},
	}}
	tests := []struct {
		name string
		sets []HouseSet
		opt  Options
		rows []string // top to bottom
		key  []string // legend entries
	}{
		{"one set", []HouseSet{ours}, Options{}, []string{"Левада-Центр (30)", "VTsIOM (80)", "ФОМ (50)"},
			[]string{"candor (bars: 95% intervals)"}},
		{"two sets", []HouseSet{ours, theirs}, Options{}, []string{"Only538 (99)", "Левада-Центр (30)", "VTsIOM (80)", "ФОМ (50)"},
			[]string{"candor (bars: 95% intervals)", "538"}},
		{"max houses", []HouseSet{ours, theirs}, Options{MaxHouses: 2}, []string{"VTsIOM (80)", "ФОМ (50)"}, nil},
		{"no counts, no name, no bars", []HouseSet{{Houses: []aggregate.HouseEffect{{Pollster: "A", Value: 1}, {Pollster: "", Value: -1}}}},
			Options{}, []string{"A", "(unnamed)"}, nil},
		{"unnamed set with bars", []HouseSet{{Houses: []aggregate.HouseEffect{{Pollster: "A", Value: 1, SE: 1}}, Level: 0.9}},
			Options{}, []string{"A"}, []string{"bars: 90% intervals"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := HouseEffects(tt.sets, tt.opt)
			require.NoError(t, err)
			texts := svgTexts(t, mustSVG(t, Options{}, p))
			// Row labels are drawn top to bottom, at the left of the data
			// area; check their order by height.
			var prev float64 = math.Inf(1)
			for _, r := range tt.rows {
				tx := findText(t, texts, r)
				assert.Equal(t, r, tx.Text)
				assert.Less(t, tx.Y, prev, "%q is below the row before", r)
				prev = tx.Y
			}
			if tt.name == "max houses" {
				assert.NotContains(t, textsOf(texts), "Левада-Центр (30)")
			}
			for _, k := range tt.key {
				assert.Contains(t, textsOf(texts), k)
			}
			assert.Contains(t, textsOf(texts), "points above (+) or below (−) the reference")
		})
	}
}

// TestHouseLabelsInside: a pollster name too long for the chart is
// shortened with an ellipsis inside the data area, and the x-axis label
// can be changed.
func TestHouseLabelsInside(t *testing.T) {
	long := strings.Repeat("Очень длинное название социологической службы ", 8)
	p, err := HouseEffects([]HouseSet{{Name: "m", Houses: []aggregate.HouseEffect{{Pollster: long, Value: 1, SE: 0.5, Polls: 7}}}},
		Options{YLabel: "points vs Levada"})
	require.NoError(t, err)
	texts := svgTexts(t, mustSVG(t, Options{}, p))
	assert.Contains(t, textsOf(texts), "points vs Levada")
	row := findTextPrefix(t, texts, "Очень длинное")
	assert.True(t, strings.HasSuffix(row.Text, "…"), row.Text)
	assert.Less(t, len(row.Text), len(long))
	sty := textStyle(p, keySize, nil)
	assert.LessOrEqual(t, row.X+float64(sty.Width(row.Text).Points()), float64(DefaultWidth.Points()), "the label ends inside the image")
}

// TestHouseHeight: rendered at the default height, a house-effect chart
// grows with its rows and sets, so that labels and dots keep their room;
// a few rows take DefaultHeight, and Options.Height overrides both.
func TestHouseHeight(t *testing.T) {
	chart := func(rows, sets int) *plot.Plot {
		var hs []HouseSet
		for s := range sets {
			var h []aggregate.HouseEffect
			for r := range rows {
				h = append(h, aggregate.HouseEffect{Pollster: strings.Repeat("x", r+1), Value: float64(r), SE: 0.3, Polls: 10})
			}
			hs = append(hs, HouseSet{Name: strings.Repeat("s", s+1), Houses: h})
		}
		p, err := HouseEffects(hs, Options{})
		require.NoError(t, err)
		return p
	}
	height := func(opt Options, plots ...*plot.Plot) vg.Length {
		_, hs, err := sizes(plots, opt)
		require.NoError(t, err)
		return sum(hs)
	}
	few, many, manySets := chart(3, 1), chart(30, 1), chart(30, 3)
	assert.Equal(t, DefaultHeight, height(Options{}, few))
	assert.Greater(t, height(Options{}, many), DefaultHeight)
	assert.Greater(t, height(Options{}, manySets), height(Options{}, many))
	// Each row has room for a label line and a dot per set.
	assert.GreaterOrEqual(t, height(Options{}, manySets)/30, vg.Length(keySize+3*dotPitch))
	assert.Equal(t, 2*MinHeight, height(Options{Height: MinHeight}, many, few))

	// The rows' extra height is theirs alone: a trend above keeps its own.
	trend, err := Trend(testResult(30), nil, Options{})
	require.NoError(t, err)
	_, hs, err := sizes([]*plot.Plot{trend, many}, Options{})
	require.NoError(t, err)
	assert.Equal(t, DefaultHeight, hs[0])
	assert.Equal(t, height(Options{}, many), hs[1])
}

// TestHouseAxis: the effect axis always shows zero and spans at least
// two points, with round labels even for a single house at zero.
func TestHouseAxis(t *testing.T) {
	for _, hs := range [][]aggregate.HouseEffect{
		{{Pollster: "Levada", Polls: 301}}, // one pollster: the reference
		{{Pollster: "A", Value: 3, SE: 0.1}, {Pollster: "B", Value: 3.5, SE: 0.1}},
		{{Pollster: "A", Value: -40, SE: 2}},
	} {
		p, err := HouseEffects([]HouseSet{{Name: "m", Houses: hs}}, Options{})
		require.NoError(t, err)
		assert.LessOrEqual(t, p.X.Min, 0.0)
		assert.GreaterOrEqual(t, p.X.Max, 0.0)
		assert.GreaterOrEqual(t, p.X.Max-p.X.Min, 2.0)
		var labels []string
		for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		assert.GreaterOrEqual(t, len(labels), 3, "%v", labels)
		seen := map[string]bool{}
		for _, l := range labels {
			assert.False(t, seen[l], "label %q twice in %v", l, labels)
			assert.NotEqual(t, "-0", l)
			seen[l] = true
		}
	}
}
