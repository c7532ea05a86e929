package chart

import (
	"bytes"
	"flag"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/candorpoll/candor/aggregate/forensics"
)

// pixelAt draws p on a 16 × 15 cm canvas and returns the colour at data
// coordinates (x, y).
func pixelAt(p *plot.Plot, x, y float64) color.Color {
	w, h := 16*vg.Centimeter, 15*vg.Centimeter
	c := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(DefaultDPI))
	dc := draw.New(c)
	p.Draw(dc)
	da := p.DataCanvas(dc)
	tx, ty := p.Transforms(&da)
	img := c.Image()
	px := int(tx(x).Dots(DefaultDPI))
	py := img.Bounds().Dy() - int(ty(y).Dots(DefaultDPI))
	return img.At(px, py)
}

// luminance returns the relative luminance of c in [0, 1].
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 0xffff
}

// handHistogram is a 10-point-bin fingerprint: a cloud around 60%
// turnout and 75% share, and a tail towards the top right corner.
func handHistogram() *forensics.Histogram2D {
	h := &forensics.Histogram2D{Candidate: "Leader", Width: 10, Bins: 10, Counts: make([]float64, 100), Stations: 60}
	for _, c := range [][3]float64{{6, 7, 30}, {5, 7, 10}, {6, 6, 10}, {8, 8, 5}, {9, 9, 5}} {
		h.Counts[int(c[0])*10+int(c[1])] = c[2]
		h.Total += c[2]
	}
	return h
}

func TestFingerprint(t *testing.T) {
	h := handHistogram()
	p, err := Fingerprint(h, FingerprintOptions{Options: Options{Credit: CECCredit}})
	require.NoError(t, err)
	assert.Equal(t, "election fingerprint: turnout × Leader's share", p.Title.Text)
	assert.Equal(t, "Leader, % of the cast ballots", p.Y.Label.Text)
	for _, v := range []font.Variant{p.Title.TextStyle.Font.Variant, p.X.Label.TextStyle.Font.Variant, p.Y.Label.TextStyle.Font.Variant, p.X.Tick.Label.Font.Variant} {
		assert.Equal(t, font.Variant("Sans"), v)
	}
	assert.Equal(t, 0.0, p.X.Min)
	assert.Equal(t, 100.0, p.Y.Max)

	// The grid the heat map reads: bin centres, log weights, empty bins
	// below the colour range.
	g := fingerprintGrid{h: h, log: true}
	c, r := g.Dims()
	assert.Equal(t, 10, c)
	assert.Equal(t, 10, r)
	assert.Equal(t, 65.0, g.X(6))
	assert.Equal(t, 75.0, g.Y(7))
	assert.InDelta(t, math.Log10(31), g.Z(6, 7), 1e-12)
	assert.Equal(t, -1.0, g.Z(0, 0))
	assert.Equal(t, 30.0, fingerprintGrid{h: h}.Z(6, 7))

	// The fullest bin is dark, the tail's bins lighter, an empty corner
	// white.
	dark := luminance(pixelAt(p, 65, 75))
	tail := luminance(pixelAt(p, 95, 95))
	white := luminance(pixelAt(p, 5, 5))
	assert.Less(t, dark, 0.35)
	assert.Greater(t, tail, dark+0.2)
	assert.Greater(t, white, 0.95)
	img, err := PNG([]*plot.Plot{p}, Options{Width: 16 * vg.Centimeter, Height: 15 * vg.Centimeter})
	require.NoError(t, err)
	_, err = png.Decode(bytes.NewReader(img))
	require.NoError(t, err)
	svg, err := SVG([]*plot.Plot{p}, Options{})
	require.NoError(t, err)
	// The axis label and the credit line under the chart (the footer).
	assert.Contains(t, string(svg), "turnout, %")
	assert.Contains(t, string(svg), "stations in 10×10-point bins, log scale (largest bin 30; 60 stations)")
	assert.Contains(t, string(svg), "Central Election Commission")

	lin, err := Fingerprint(h, FingerprintOptions{Linear: true, Options: Options{Title: "2024", YLabel: "Putin, %"}})
	require.NoError(t, err)
	assert.Equal(t, "2024", lin.Title.Text)
	assert.Equal(t, "Putin, %", lin.Y.Label.Text)
	assert.Contains(t, lin.X.Label.Text, "linear scale")
}

func TestFingerprintErrors(t *testing.T) {
	_, err := Fingerprint(nil, FingerprintOptions{})
	assert.ErrorIs(t, err, ErrNoData)
	_, err = Fingerprint(&forensics.Histogram2D{Bins: 10, Width: 10, Counts: make([]float64, 100)}, FingerprintOptions{})
	assert.ErrorIs(t, err, ErrNoData)
	bad := handHistogram()
	bad.Counts[3] = math.NaN()
	_, err = Fingerprint(bad, FingerprintOptions{})
	assert.ErrorIs(t, err, ErrBadValue)
	short := handHistogram()
	short.Counts = short.Counts[:50]
	_, err = Fingerprint(short, FingerprintOptions{})
	assert.ErrorIs(t, err, ErrBadValue)
	neg := handHistogram()
	neg.Counts[0] = -1
	_, err = Fingerprint(neg, FingerprintOptions{})
	assert.ErrorIs(t, err, ErrBadValue)
	_, err = Fingerprint(handHistogram(), FingerprintOptions{Options: Options{MaxHouses: -1}})
	assert.ErrorIs(t, err, ErrOption)
}

// fingerprintPNG writes the 2024 fingerprint chart of the README:
// go test ./aggregate/chart -run TestFingerprint2024 -fingerprint.png testdata/fingerprint-2024.png
var fingerprintPNG = flag.String("fingerprint.png", "", "write the 2024 election fingerprint chart to this PNG file")

// The 2024 fingerprint from the file in testdata renders.
func TestFingerprint2024(t *testing.T) {
	e, err := forensics.ReadFile(filepath.Join("..", "..", "testdata", "elections", "2024.csv.zip"))
	require.NoError(t, err)
	h, err := forensics.NewHistogram2D(e, forensics.HistogramOptions{})
	require.NoError(t, err)
	p, err := Fingerprint(h, FingerprintOptions{Options: Options{Credit: CECCredit}})
	require.NoError(t, err)
	p.Title.Text = "Russia 2024: turnout × Putin's share by polling station"
	img, err := PNG([]*plot.Plot{p}, Options{Width: 15 * vg.Centimeter, Height: 14 * vg.Centimeter})
	require.NoError(t, err)
	assert.Greater(t, len(img), 10000)
	if *fingerprintPNG != "" {
		require.NoError(t, os.WriteFile(*fingerprintPNG, img, 0o644))
	}
}
