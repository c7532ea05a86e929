package chart

import (
	"bytes"
	"image/color"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// TestExtremeGlyphs: lines and a heat map that give gonum only their
// extreme glyph boxes pad a plot exactly as they do with all their
// boxes, and the drawings are the same bytes, on lines with repeated x,
// points beyond the axes' ranges (set by hand), ties at the extremes,
// lines of other widths (none: a line of width 0), and heat maps of
// every shape. Each line here has at most one point a column of the
// canvas, so that its M4 drawing (decimate.go) is the whole line.
func TestExtremeGlyphs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 25 {
		n := 1 + rng.IntN(400)
		mk := func(width float64) *plotter.Line {
			xy := make(plotter.XYs, n)
			for i := range xy {
				xy[i] = plotter.XY{X: float64(i), Y: math.Round(rng.NormFloat64() * 4)} // ties
				if rng.IntN(50) == 0 {
					xy[i].X = xy[max(0, i-1)].X // the same day twice
				}
			}
			l, err := newLine(xy, color.Black, width, nil)
			require.NoError(t, err)
			return l
		}
		a, b, c := mk(1.5), mk(6), mk(0)
		cols, rows := 1+rng.IntN(30), 1+rng.IntN(30)
		hm := plotter.NewHeatMap(randomGrid{cols, rows, rng.Float64()*10 - 5}, palette.Heat(8, 1))
		hm.Rasterized = trial%2 == 0
		build := func(wrap bool) *plot.Plot {
			p := plot.New()
			if wrap {
				p.Add(lineGlyphs(a), lineGlyphs(b), lineGlyphs(c), heatMapGlyphs(hm))
			} else {
				p.Add(a, b, c, hm)
			}
			switch trial % 3 {
			case 1: // points beyond the ranges on both sides
				p.X.Min, p.X.Max = float64(n)/4, float64(n)/2
				p.Y.Min, p.Y.Max = -2, 3
			case 2: // a range ending exactly at the extremes
				p.Y.Min, p.Y.Max = -1, 1
			}
			return p
		}
		plain, wrapped := build(false), build(true)
		for _, size := range []vg.Length{3 * vg.Centimeter, 12 * vg.Centimeter} {
			dc := func(p *plot.Plot) vg.Rectangle {
				return p.DataCanvas(draw.New(vgsvg.New(size, size))).Rectangle
			}
			require.Equal(t, dc(plain), dc(wrapped), "trial %d, size %v", trial, size)
		}
		var pb, wb bytes.Buffer
		require.NoError(t, Write(&pb, FormatSVG, []*plot.Plot{plain}, Options{}))
		require.NoError(t, Write(&wb, FormatSVG, []*plot.Plot{wrapped}, Options{}))
		require.True(t, bytes.Equal(pb.Bytes(), wb.Bytes()), "trial %d: the SVGs differ", trial)
		if trial%10 == 0 {
			pb.Reset()
			wb.Reset()
			require.NoError(t, Write(&pb, FormatPNG, []*plot.Plot{plain}, Options{}))
			require.NoError(t, Write(&wb, FormatPNG, []*plot.Plot{wrapped}, Options{}))
			require.True(t, bytes.Equal(pb.Bytes(), wb.Bytes()), "trial %d: the PNGs differ", trial)
		}
	}
}

// randomGrid is a heat map's grid of cols × rows cells from x0 on.
type randomGrid struct {
	cols, rows int
	x0         float64
}

func (g randomGrid) Dims() (int, int)   { return g.cols, g.rows }
func (g randomGrid) Z(c, r int) float64 { return float64((c*7 + r*3) % 5) }
func (g randomGrid) X(c int) float64    { return g.x0 + float64(c)*4 }
func (g randomGrid) Y(r int) float64    { return float64(r) / 3 }
