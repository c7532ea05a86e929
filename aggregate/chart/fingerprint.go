package chart

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"gonum.org/v1/plot"
	plotpalette "gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/candorpoll/candor/aggregate/forensics"
)

// CECCredit is the credit line for charts of the polling-station files in
// testdata/elections (testdata/SOURCES.md).
const CECCredit = "Data: Central Election Commission of the Russian Federation, compiled by S. Shpilkin and I. Shukshin"

// FingerprintOptions configure Fingerprint. The zero value gives the
// defaults: a title naming the candidate, a logarithmic colour scale, no
// credit line.
type FingerprintOptions struct {
	// Options: Title, YLabel, Credit (e.g. CECCredit) and the size apply
	// (the x axis is always turnout); the rest is for time charts.
	Options
	// Linear colours the bins by their weight instead of log10(1 + weight).
	Linear bool
}

// Fingerprint draws an election's turnout × leader's-share histogram as
// a heat map (Klimek, Yegorov, Hanel & Thurner 2012): turnout on the x
// axis, the leader's share on the y axis, each bin coloured by the
// stations (or voters, or ballots: Histogram2D.Weight) it holds, on a
// logarithmic scale by default so that the sparse bins of a long tail
// stay visible; empty bins stay white. Honest counts make one compact
// cloud; ballot stuffing drags a comet towards 100% turnout and 100%
// share; counts written to targets leave a grid at whole percentages.
// Text is set in a sans-serif face. Errors: ErrNoData for a nil or empty
// histogram, ErrBadValue for a negative or non-finite bin or a bin count
// that does not match Bins.
func Fingerprint(h *forensics.Histogram2D, opt FingerprintOptions) (*plot.Plot, error) {
	if h == nil || h.Bins == 0 || h.Total == 0 {
		return nil, fmt.Errorf("%w: empty election fingerprint", ErrNoData)
	}
	if len(h.Counts) != h.Bins*h.Bins || !(h.Width > 0) || math.IsInf(h.Width, 0) {
		return nil, fmt.Errorf("%w: fingerprint with %d bins per axis of width %v holds %d counts", ErrBadValue, h.Bins, h.Width, len(h.Counts))
	}
	g := fingerprintGrid{h: h, log: !opt.Linear}
	lo, hi := math.Inf(1), 0.0
	for i, v := range h.Counts {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: fingerprint bin (%d, %d) holds %v", ErrBadValue, i/h.Bins, i%h.Bins, v)
		}
		if v > 0 {
			z := g.scale(v)
			lo, hi = math.Min(lo, z), math.Max(hi, z)
		}
	}
	if opt.Title == "" {
		opt.Title = fmt.Sprintf("election fingerprint: turnout × %s's share", h.Candidate)
	}
	p, k, err := opt.frame(opt.Title)
	if err != nil {
		return nil, err
	}
	p.X.Label.Text = "turnout, %"
	p.Y.Label.Text = opt.YLabel
	if p.Y.Label.Text == "" {
		p.Y.Label.Text = h.Candidate + ", % of the cast ballots"
	}
	scale := "log scale"
	if opt.Linear {
		scale = "linear scale"
	}
	en := message.NewPrinter(language.English)
	p.X.Label.Text += en.Sprintf("\ncolour: %s in %g×%g-point bins, %s (largest bin %.0f; %d stations)", h.Weight, h.Width, h.Width, scale, h.Max(), h.Stations)
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 100, 0, 100
	p.X.Tick.Marker = plot.ConstantTicks(percentTicks())
	p.Y.Tick.Marker = plot.ConstantTicks(percentTicks())

	hm := plotter.NewHeatMap(g, fingerprintPalette())
	// Bins below the smallest positive value are empty: left unpainted
	// (nil Underflow), so the background shows through.
	hm.Min, hm.Max = lo, hi
	if hm.Max <= hm.Min {
		hm.Max = hm.Min + 1 // one value everywhere: the darkest colour's neighbour
	}
	hm.Rasterized = true
	p.Add(heatMapGlyphs(hm))
	opt.finish(p, k, time.Time{}) // the credit line under the chart
	return p, nil
}

// fingerprintGrid adapts a Histogram2D to plotter.GridXYZ: columns are
// turnout bins, rows share bins.
type fingerprintGrid struct {
	h   *forensics.Histogram2D
	log bool
}

func (g fingerprintGrid) scale(v float64) float64 {
	if g.log {
		return math.Log10(1 + v)
	}
	return v
}

func (g fingerprintGrid) Dims() (c, r int) { return g.h.Bins, g.h.Bins }

// Z returns the scaled weight of turnout bin c, share bin r; an empty bin
// is −1, below every scaled weight, so the heat map leaves it unpainted.
func (g fingerprintGrid) Z(c, r int) float64 {
	v := g.h.At(c, r)
	if v == 0 {
		return -1
	}
	return g.scale(v)
}

func (g fingerprintGrid) X(c int) float64 { return (float64(c) + 0.5) * g.h.Width }
func (g fingerprintGrid) Y(r int) float64 { return (float64(r) + 0.5) * g.h.Width }

// fingerprintPalette runs from a light pink (one station) through green
// and blue to a dark purple (the fullest bin): Kindlmann's perceptually
// uniform map read from its light end, without its white and black
// extremes.
func fingerprintPalette() plotpalette.Palette {
	cm := moreland.Kindlmann()
	cm.SetMin(0)
	cm.SetMax(1)
	const n = 256
	cols := make([]color.Color, n)
	for i := range cols {
		c, err := cm.At(0.82 - 0.72*float64(i)/(n-1))
		if err != nil {
			c = color.Black // unreachable: the values lie inside [0, 1]
		}
		cols[i] = c
	}
	return colors(cols)
}

// colors is a gonum palette of fixed colours.
type colors []color.Color

func (c colors) Colors() []color.Color { return c }

// percentTicks labels 0–100 every 10 points, with unlabelled ticks every 5.
func percentTicks() []plot.Tick {
	var t []plot.Tick
	for v := 0; v <= 100; v += 5 {
		label := ""
		if v%10 == 0 {
			label = fmt.Sprint(v)
		}
		t = append(t, plot.Tick{Value: float64(v), Label: label})
	}
	return t
}
