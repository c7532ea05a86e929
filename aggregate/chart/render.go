package chart

import (
	"bytes"
	"fmt"
	"image"
	"io"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Formats accepted by Write.
const (
	FormatPNG = "png"
	FormatSVG = "svg"
)

// Write renders the plots stacked vertically, in the order given, into
// one image of the given format (FormatPNG or FormatSVG) and writes it
// to w. The image is opt.Width wide; each plot is opt.Height high
// (see Options for the defaults), and PNG has opt.DPI dots per inch.
// The plots' data areas share their left and right edges, so that the
// dates of a trend and a fan line up and no plot's long labels squeeze
// another: the edges are those of the plot that needs the widest
// margins.
//
// It returns ErrNoData for no plots or a nil one, and ErrOption for an
// unknown format or a size that cannot be drawn.
func Write(w io.Writer, format string, plots []*plot.Plot, opt Options) error {
	var c vg.CanvasWriterTo
	switch format {
	case FormatPNG:
		img, err := newImage(plots, opt)
		if err != nil {
			return err
		}
		c = vgimg.PngCanvas{Canvas: img}
	case FormatSVG:
		width, heights, err := sizes(plots, opt)
		if err != nil {
			return err
		}
		c = vgsvg.New(width, sum(heights))
		drawStack(c, width, heights, plots)
	default:
		return fmt.Errorf("%w: unsupported format %q (want %q or %q)", ErrOption, format, FormatPNG, FormatSVG)
	}
	_, err := c.WriteTo(w)
	return err
}

// PNG renders the plots stacked vertically as a PNG image (see Write).
func PNG(plots []*plot.Plot, opt Options) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, FormatPNG, plots, opt); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// SVG renders the plots stacked vertically as an SVG document (see
// Write). Text stays text, so pollster names can be searched and copied.
func SVG(plots []*plot.Plot, opt Options) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, FormatSVG, plots, opt); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Image renders the plots stacked vertically into an image.Image (see
// Write), e.g. for a notebook's image display.
func Image(plots []*plot.Plot, opt Options) (image.Image, error) {
	c, err := newImage(plots, opt)
	if err != nil {
		return nil, err
	}
	return c.Image(), nil
}

// newImage draws the stack on a raster canvas at opt.DPI.
func newImage(plots []*plot.Plot, opt Options) (*vgimg.Canvas, error) {
	width, heights, err := sizes(plots, opt)
	if err != nil {
		return nil, err
	}
	height := sum(heights)
	dpi := vg.Length(opt.dpi())
	if px := float64(width/vg.Inch*dpi) * float64(height/vg.Inch*dpi); px > maxPixels {
		return nil, fmt.Errorf("%w: %.0f cm × %.0f cm at %d dpi is %.0f megapixels, more than %d", ErrOption,
			width/vg.Centimeter, height/vg.Centimeter, opt.dpi(), px/1e6, maxPixels/1_000_000)
	}
	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(opt.dpi()))
	drawStack(c, width, heights, plots)
	return c, nil
}

// sizes checks the plots and options and returns the image width and
// the height of each plot: opt.Height, or by default DefaultHeight, or
// for a house-effect chart (see rowAxis) what its rows need if more.
func sizes(plots []*plot.Plot, opt Options) (vg.Length, []vg.Length, error) {
	if err := opt.check(); err != nil {
		return 0, nil, err
	}
	if len(plots) == 0 {
		return 0, nil, fmt.Errorf("%w: no plots to render", ErrNoData)
	}
	heights := make([]vg.Length, len(plots))
	for i, p := range plots {
		if p == nil {
			return 0, nil, fmt.Errorf("%w: plot %d is nil", ErrNoData, i)
		}
		heights[i] = opt.Height
		if heights[i] == 0 {
			heights[i] = DefaultHeight
			if r, ok := p.Y.Tick.Marker.(rowAxis); ok {
				heights[i] = max(heights[i], r.height())
			}
		}
	}
	return opt.width(), heights, nil
}

func sum(xs []vg.Length) vg.Length {
	var s vg.Length
	for _, x := range xs {
		s += x
	}
	return s
}

// stackPad is the margin around each plot of a stack: a quarter of a
// centimetre, so that two plots are half a centimetre apart.
const stackPad = vg.Centimeter / 4

// drawStack draws the plots in one column, each in a tile of its height,
// top first.
func drawStack(c vg.Canvas, width vg.Length, heights []vg.Length, plots []*plot.Plot) {
	dc := draw.NewCanvas(c, width, sum(heights))
	for i, t := range stack(dc, heights, plots) {
		plots[i].Draw(t)
	}
}

// stack returns the tile of each plot in a column on dc, the tiles
// narrowed so that the plots' data areas share left and right edges: the
// largest left and right margins any plot needs. Unlike plot.Align it
// lets the heights differ, so that a house-effect chart can be as tall
// as its rows need.
func stack(dc draw.Canvas, heights []vg.Length, plots []*plot.Plot) []draw.Canvas {
	tiles := make([]draw.Canvas, len(plots))
	top := dc.Max.Y
	var left, right vg.Length
	for i, p := range plots {
		tiles[i] = draw.Crop(dc, stackPad, -stackPad, 0, 0)
		tiles[i].Max.Y = top - stackPad
		tiles[i].Min.Y = top - heights[i] + stackPad
		top -= heights[i]
		d := p.DataCanvas(tiles[i])
		left = max(left, d.Min.X-tiles[i].Min.X)
		right = max(right, tiles[i].Max.X-d.Max.X)
	}
	for i, p := range plots {
		d := p.DataCanvas(tiles[i])
		tiles[i] = draw.Crop(tiles[i], left-(d.Min.X-tiles[i].Min.X), -(right - (tiles[i].Max.X - d.Max.X)), 0, 0)
	}
	return tiles
}
