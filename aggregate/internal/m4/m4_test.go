package m4

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestKeep checks the points kept on hand-made runs: of each run of
// consecutive points in one column the first, lowest, highest and last,
// in line order, each once; a point without a column number is kept and
// ends its run.
func TestKeep(t *testing.T) {
	type pt struct{ x, y float64 }
	line := func(v ...float64) []pt {
		out := make([]pt, len(v)/2)
		for i := range out {
			out[i] = pt{v[2*i], v[2*i+1]}
		}
		return out
	}
	tens := func(x float64) float64 { return x / 10 } // columns 10 units wide
	tests := []struct {
		name   string
		in     []pt
		want   []int
		column func(float64) float64
	}{
		{"empty", nil, []int{}, tens},
		{"one point", line(1, 5), []int{0}, tens},
		{"one a column", line(1, 5, 11, 6, 21, 4), []int{0, 1, 2}, tens},
		{"low before high", line(0, 5, 1, 2, 2, 4, 3, 9, 4, 6, 5, 7), []int{0, 1, 3, 5}, tens},
		{"high before low", line(0, 5, 1, 9, 2, 4, 3, 2, 4, 6, 5, 7), []int{0, 1, 3, 5}, tens},
		{"first the lowest, last the highest", line(0, 1, 1, 5, 2, 3, 3, 9), []int{0, 3}, tens},
		{"ties: the earliest", line(0, 5, 1, 2, 2, 2, 3, 9, 4, 9, 5, 7), []int{0, 1, 3, 5}, tens},
		{"two columns", line(0, 5, 1, 2, 2, 9, 3, 4, 10, 1, 11, 8, 12, 0, 13, 3), []int{0, 1, 2, 3, 4, 5, 6, 7}, tens},
		{"runs, not columns: back into one", line(0, 1, 1, 2, 2, 3, 15, 0, 3, 4, 4, 5, 5, 6), []int{0, 2, 3, 4, 6}, tens},
		{"a band: right and back", line(0, 9, 5, 8, 9, 9, 9, 1, 5, 2, 0, 1), []int{0, 3, 5}, tens},
		{"NaN heights are never extremes", line(0, 5, 1, math.NaN(), 2, 1, 3, 6), []int{0, 2, 3}, tens},
		{"a run that starts with NaN", line(0, math.NaN(), 1, 5, 2, 1, 3, 9, 4, 6), []int{0, 2, 3, 4}, tens},
		{"NaN heights only", line(0, math.NaN(), 1, math.NaN(), 2, math.NaN()), []int{0, 2}, tens},
		{"no column number", line(0, 1, 1, 2, 2, 3, 3, 4), []int{0, 1, 2, 3}, func(float64) float64 { return math.NaN() }},
		{"off the drawing", line(0, 1, 1, 2, 2, 3), []int{0, 1, 2}, func(float64) float64 { return 1e300 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Keep(len(tt.in), func(i int) float64 { return tt.column(tt.in[i].x) }, func(i int) float64 { return tt.in[i].y })
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestKeepExtent: on a seeded walk of 10,000 points over 300 columns,
// every column's lowest and highest point, and every run's ends, are kept
// — the whole line's extent in each column — and at most four points a
// run.
func TestKeepExtent(t *testing.T) {
	const n, cols = 10000, 300
	x := func(i int) float64 { return float64(i) * cols / n }
	ys := make([]float64, n)
	v := 0.0
	for i := range ys {
		v += math.Sin(float64(i)*0.7) + math.Sin(float64(i*i)*1e-3) // deterministic, jagged
		ys[i] = v
	}
	y := func(i int) float64 { return ys[i] }
	keep := Keep(n, x, y)
	kept := map[int]bool{}
	perCol := map[int]int{}
	for _, i := range keep {
		kept[i] = true
		perCol[int(x(i))]++
	}
	for c := range cols {
		lo, hi, first, last := -1, -1, -1, -1
		for i := range n {
			if int(x(i)) != c {
				continue
			}
			if first < 0 {
				first = i
			}
			last = i
			if lo < 0 || ys[i] < ys[lo] {
				lo = i
			}
			if hi < 0 || ys[i] > ys[hi] {
				hi = i
			}
		}
		for _, i := range []int{first, last, lo, hi} {
			assert.True(t, kept[i], "column %d: point %d", c, i)
		}
		assert.LessOrEqual(t, perCol[c], 4, "column %d", c)
	}
	assert.Less(t, len(keep), n/8)
}

// TestThin: Thin keeps the points Keep names, in order, for any slice.
func TestThin(t *testing.T) {
	type pt struct{ x, y float64 }
	pts := []pt{{0, 5}, {1, 2}, {2, 4}, {3, 9}, {4, 6}, {5, 7}, {12, 1}}
	got := Thin(pts, func(p pt) float64 { return p.x / 10 }, func(p pt) float64 { return p.y })
	assert.Equal(t, []pt{{0, 5}, {1, 2}, {3, 9}, {5, 7}, {12, 1}}, got)
	assert.Empty(t, Thin([]pt(nil), func(p pt) float64 { return p.x }, func(p pt) float64 { return p.y }))
}
