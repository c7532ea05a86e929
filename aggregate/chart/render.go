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

// Default sizes: a plot is DefaultWidth wide and DefaultHeight high per
// stacked plot, a size that reads well on screen and in a report.
const (
	DefaultWidth  = 20 * vg.Centimeter
	DefaultHeight = 11 * vg.Centimeter
	// DPI is the resolution of PNG output.
	DPI = 110
)

// Formats accepted by Write.
const (
	FormatPNG = "png"
	FormatSVG = "svg"
)

// Write renders the plots stacked vertically (aligned, equal heights) into
// one image of the given format ("png" or "svg") and writes it to w. A
// zero width or height means DefaultWidth, or DefaultHeight times the
// number of plots.
func Write(w io.Writer, format string, width, height vg.Length, plots ...*plot.Plot) error {
	if len(plots) == 0 {
		return fmt.Errorf("%w: no plots to render", ErrNoData)
	}
	for i, p := range plots {
		if p == nil {
			return fmt.Errorf("%w: plot %d is nil", ErrNoData, i)
		}
	}
	width, height = size(width, height, len(plots))
	var c vg.CanvasWriterTo
	switch format {
	case FormatPNG:
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(DPI))}
	case FormatSVG:
		c = vgsvg.New(width, height)
	default:
		return fmt.Errorf("%w: unsupported format %q (want %q or %q)", ErrOption, format, FormatPNG, FormatSVG)
	}
	draw1(c, width, height, plots)
	_, err := c.WriteTo(w)
	return err
}

// PNG renders the plots stacked vertically as a PNG image (see Write).
func PNG(width, height vg.Length, plots ...*plot.Plot) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, FormatPNG, width, height, plots...); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// SVG renders the plots stacked vertically as an SVG document (see
// Write). Text stays text, so pollster names can be searched and copied.
func SVG(width, height vg.Length, plots ...*plot.Plot) ([]byte, error) {
	var b bytes.Buffer
	if err := Write(&b, FormatSVG, width, height, plots...); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Image renders the plots stacked vertically into an image.Image, e.g.
// for a notebook's image display.
func Image(width, height vg.Length, plots ...*plot.Plot) (image.Image, error) {
	if len(plots) == 0 {
		return nil, fmt.Errorf("%w: no plots to render", ErrNoData)
	}
	width, height = size(width, height, len(plots))
	c := vgimg.NewWith(vgimg.UseWH(width, height), vgimg.UseDPI(DPI))
	draw1(c, width, height, plots)
	return c.Image(), nil
}

func size(width, height vg.Length, n int) (vg.Length, vg.Length) {
	if width <= 0 {
		width = DefaultWidth
	}
	if height <= 0 {
		height = DefaultHeight * vg.Length(n)
	}
	return width, height
}

// draw1 draws the plots in one column, aligned so that their data areas
// share left and right edges.
func draw1(c vg.Canvas, width, height vg.Length, plots []*plot.Plot) {
	dc := draw.NewCanvas(c, width, height)
	if len(plots) == 1 {
		plots[0].Draw(dc)
		return
	}
	grid := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		grid[i] = []*plot.Plot{p}
	}
	tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadY: vg.Centimeter / 2, PadTop: vg.Centimeter / 4, PadBottom: vg.Centimeter / 4}
	canvases := plot.Align(grid, tiles, dc)
	for i, p := range plots {
		p.Draw(canvases[i][0])
	}
}
