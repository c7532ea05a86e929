package chart

import (
	"bytes"
	"image"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// walk is a noisy daily series of n days: a random walk with its band,
// the shape of a trend over decades.
func walk(n int) (mean, lo, hi plotter.XYs) {
	rng := rand.New(rand.NewPCG(7, 1))
	v := 60.0
	for i := range n {
		v += 0.3 * rng.NormFloat64()
		w := 2 + rng.Float64()
		x := float64(i) * 86400
		mean = append(mean, plotter.XY{X: x, Y: v})
		lo = append(lo, plotter.XY{X: x, Y: v - w})
		hi = append(hi, plotter.XY{X: x, Y: v + w})
	}
	return mean, lo, hi
}

// walkPlotters returns walk's band, as Trend draws it but opaque (so that
// a change of its edges can show by more than a translucent fill's
// shade), and its line.
func walkPlotters(t *testing.T, n int) (*plotter.Polygon, *plotter.Line) {
	mean, lo, hi := walk(n)
	ring := slices.Concat(hi, lo)
	slices.Reverse(ring[len(hi):])
	band, err := plotter.NewPolygon(ring)
	require.NoError(t, err)
	band.Color, band.LineStyle.Width = grey(trendGrey), 0
	line, err := newLine(mean, grey(trendGrey), 1.5, nil)
	require.NoError(t, err)
	return band, line
}

// plotOf is a plot of the given plotters.
func plotOf(ps ...plot.Plotter) *plot.Plot {
	p := plot.New()
	p.Add(ps...)
	return p
}

// raster draws p at 110 dpi, 20 × 11 cm.
func raster(p *plot.Plot) image.Image {
	c := vgimg.NewWith(vgimg.UseWH(DefaultWidth, DefaultHeight), vgimg.UseDPI(DefaultDPI))
	p.Draw(draw.New(c))
	return c.Image()
}

// farPixels returns the pixels that differ between a and b by more than
// 96 of 255 in some channel, and the pixels of a that are inked.
func farPixels(a, b image.Image) (far, inked int) {
	diff := func(x, y uint32) uint32 { return max(x, y) - min(x, y) }
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r0, g0, b0, _ := a.At(x, y).RGBA()
			r1, g1, b1, _ := b.At(x, y).RGBA()
			if r0>>8 < 250 || g0>>8 < 250 || b0>>8 < 250 {
				inked++
			}
			if max(diff(r0, r1), diff(g0, g1), diff(b0, b1))>>8 > 96 {
				far++
			}
		}
	}
	return far, inked
}

// thinLine is a line drawn through the points a thinning keeps.
type thinLine struct {
	*plotter.Line
	thin func(xy plotter.XYs, c draw.Canvas, p *plot.Plot) plotter.XYs
}

func (l thinLine) Plot(c draw.Canvas, p *plot.Plot) {
	d := *l.Line
	d.XYs = l.thin(l.XYs, c, p)
	d.Plot(c, p)
}

// TestDecimatedRaster: a 25-year daily series drawn through its M4 points
// is, at 110 dpi, the image drawn through all of them but for the
// anti-aliasing at the edges of the line, where its inner zigzags within
// a pixel column are no longer stroked: at most 3% of the inked pixels
// differ by more than 96 of 255 (2.2% for the line, 0.5% for the band's
// edges). Thinnings that do not keep each column's extremes — every third
// point, or each run's first and last — differ by 10% and 23%.
func TestDecimatedRaster(t *testing.T) {
	const days = 9000
	band, line := walkPlotters(t, days)
	tests := []struct {
		name    string
		full    plot.Plotter
		thin    plot.Plotter
		atMost  float64 // of the inked pixels, the share that may differ
		atLeast float64 // … or must
	}{
		{"line", line, m4Line{line}, 0.03, 0},
		{"band", band, m4Polygon{band}, 0.03, 0},
		{"every third point", line, thinLine{line, func(xy plotter.XYs, _ draw.Canvas, _ *plot.Plot) plotter.XYs {
			var out plotter.XYs
			for i := 0; i < len(xy); i += 3 {
				out = append(out, xy[i])
			}
			return out
		}}, 1, 0.05},
		{"first and last of each run", line, thinLine{line, func(xy plotter.XYs, c draw.Canvas, p *plot.Plot) plotter.XYs {
			keep := m4Points(xy, c, p) // the same runs, without their extremes
			trX, _ := p.Transforms(&c)
			col := func(x float64) float64 { return math.Floor(float64(trX(x) / columnWidth(c))) }
			var out plotter.XYs
			for i, q := range keep {
				if i == 0 || i == len(keep)-1 || col(q.X) != col(keep[i-1].X) || col(q.X) != col(keep[i+1].X) {
					out = append(out, q)
				}
			}
			return out
		}}, 1, 0.05},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			far, inked := farPixels(raster(plotOf(tt.full)), raster(plotOf(tt.thin)))
			share := float64(far) / float64(inked)
			t.Logf("%d of %d inked pixels differ by more than 96 of 255 (%.2f%%)", far, inked, 100*share)
			require.Positive(t, inked)
			assert.LessOrEqual(t, share, tt.atMost)
			assert.GreaterOrEqual(t, share, tt.atLeast)
		})
	}
}

// TestDecimatedVector: on a vector canvas a line keeps at most four
// points per half point of width, and a series with at most one point a
// column is drawn exactly as before: the same SVG, byte for byte.
func TestDecimatedVector(t *testing.T) {
	svgOf := func(p *plot.Plot) string {
		c := vgsvg.New(DefaultWidth, DefaultHeight)
		p.Draw(draw.New(c))
		var buf bytes.Buffer
		_, err := c.WriteTo(&buf)
		require.NoError(t, err)
		return buf.String()
	}
	// vertices counts the points of the drawn paths.
	vertices := func(s string) int { return strings.Count(s, "L") }

	_, line := walkPlotters(t, 9000)
	full, thin := svgOf(plotOf(line)), svgOf(plotOf(m4Line{line}))
	columns := int(math.Ceil(float64(DefaultWidth / vectorColumn)))
	t.Logf("9,000 days: %d bytes, %d vertices; thinned %d bytes, %d vertices (at most %d)", len(full), vertices(full), len(thin), vertices(thin), 4*columns)
	assert.LessOrEqual(t, vertices(thin), 4*columns)
	assert.Less(t, vertices(thin), vertices(full)/2)

	band, line := walkPlotters(t, 500) // under one point a column
	assert.Equal(t, svgOf(plotOf(band, line)), svgOf(plotOf(m4Polygon{band}, m4Line{line})))
}

// TestColumnWidth: a raster canvas has columns of one pixel at its
// resolution, a vector one of half a point, also when gonum wraps the
// canvas in canvases (as its padding does: a draw.Canvas as the
// vg.Canvas of another) and as the plotters see it inside Write.
func TestColumnWidth(t *testing.T) {
	nest := func(c vg.CanvasSizer) draw.Canvas {
		inner := draw.New(c)
		mid := draw.Canvas{Canvas: &inner, Rectangle: inner.Rectangle}
		return draw.Canvas{Canvas: mid, Rectangle: mid.Rectangle}
	}
	for _, tt := range []struct {
		name string
		c    vg.CanvasSizer
		want vg.Length
	}{
		{"png at 110 dpi", vgimg.NewWith(vgimg.UseWH(DefaultWidth, DefaultHeight), vgimg.UseDPI(110)), vg.Inch / 110},
		{"png at 300 dpi", vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(DefaultWidth, DefaultHeight), vgimg.UseDPI(300))}, vg.Inch / 300},
		{"svg", vgsvg.New(DefaultWidth, DefaultHeight), vectorColumn},
		{"pdf", vgpdf.New(DefaultWidth, DefaultHeight), vectorColumn},
	} {
		assert.InDelta(t, float64(tt.want), float64(columnWidth(draw.New(tt.c))), 1e-12, tt.name)
		assert.InDelta(t, float64(tt.want), float64(columnWidth(nest(tt.c))), 1e-12, tt.name+", nested")
	}

	// As the plotters see it: a probe drawn by Write and Image.
	probe := &widthProbe{}
	p := plot.New()
	p.Add(probe)
	for _, tt := range []struct {
		name  string
		write func() error
		want  vg.Length
	}{
		{"Write png", func() error { return Write(io.Discard, FormatPNG, []*plot.Plot{p}, Options{DPI: 150}) }, vg.Inch / 150},
		{"Write svg", func() error { return Write(io.Discard, FormatSVG, []*plot.Plot{p}, Options{}) }, vectorColumn},
		{"Image", func() error { _, err := Image([]*plot.Plot{p}, Options{}); return err }, vg.Inch / DefaultDPI},
	} {
		probe.widths = nil
		require.NoError(t, tt.write(), tt.name)
		require.NotEmpty(t, probe.widths, tt.name)
		for _, w := range probe.widths {
			assert.InDelta(t, float64(tt.want), float64(w), 1e-12, tt.name)
		}
	}
}

// widthProbe is a plotter that records the column width of each canvas
// it is drawn on.
type widthProbe struct{ widths []vg.Length }

func (w *widthProbe) Plot(c draw.Canvas, _ *plot.Plot) { w.widths = append(w.widths, columnWidth(c)) }

// TestChartsThinned: Trend and Fan draw their lines and bands through
// their M4 points. On a smooth series of 9,000 days each line keeps about
// two points a column: under a third of the vertices of the whole lines
// (a quarter), which any one line or band drawn whole would exceed.
func TestChartsThinned(t *testing.T) {
	const days = 9000
	res := testResult(days)
	trend, err := Trend(res, nil, Options{})
	require.NoError(t, err)
	fan, err := Fan([]Scenario{
		{Name: "as published", Series: res.Approve.Series},
		{Name: "bounds", Series: shift(res.Approve.Series, 3), Bounds: true},
	}, Options{})
	require.NoError(t, err)
	for _, tt := range []struct {
		name  string
		p     *plot.Plot
		whole int // vertices of the lines and bands drawn whole
	}{
		{"trend: line, band, two dashed edges", trend, days * 5},
		{"fan: line, band, two dashed edges", fan, days * 5},
	} {
		svg, err := SVG([]*plot.Plot{tt.p}, Options{})
		require.NoError(t, err)
		n := strings.Count(string(svg), "L")
		t.Logf("%s: %d vertices, %d drawn whole", tt.name, n, tt.whole)
		assert.Less(t, n, tt.whole/3, tt.name)
	}
}
