package report

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"

	"github.com/candorpoll/candor/aggregate/chart"
)

// Chart formats.
const (
	PNG = chart.FormatPNG
	SVG = chart.FormatSVG
)

// modelName names the model in chart titles.
var modelName = map[Model]string{ModelStateSpace: "state-space", ModelBayes: "Bayesian state-space", ModelAverage: "weighted-average"}

// marks are the official result drawn on the time charts.
func (r *Report) marks() []chart.Mark {
	o := r.Config.Official
	if o.Date.IsZero() {
		return nil
	}
	return []chart.Mark{{Date: o.Date, Value: o.Value, Label: fmt.Sprintf("official %.2f%%", o.Value)}}
}

// fanFrom is where the scenario fan starts: the start of the year before
// the corrections apply, so that the scenarios visibly part from the
// published series; the whole series when they apply to every poll.
func (r *Report) fanFrom() time.Time {
	f := r.Config.Scenarios.From
	if f.IsZero() {
		return f
	}
	return time.Date(f.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC)
}

// trendTitle is the title of the trend chart.
func (r *Report) trendTitle() string {
	return fmt.Sprintf("%s (scale: %s): %s trend and polls", r.approval(), r.scale(), modelName[r.Config.Model])
}

// approval names what is charted: "Approval", or "Approval of " and
// Config.Subject.
func (r *Report) approval() string {
	if r.Config.Subject != "" {
		return "Approval of " + r.Config.Subject
	}
	return "Approval"
}

// credit is the source line under the time charts.
func (r *Report) credit() string {
	if r.Config.Credit != "" {
		return r.Config.Credit
	}
	return "Data: " + strings.Join(pollsters(r.Polls), ", ") + "; analysis: candor"
}

// plots are the report's time charts: the trend with its interval, the
// range for a new poll and the polls by pollster; the fan of scenarios
// (when there is more than the published one); the house effects (when
// the model has them).
func (r *Report) plots() ([]*plot.Plot, error) {
	if len(r.Result.Approve.Series) == 0 {
		return nil, fmt.Errorf("%w: the fit has no series", ErrNoChart)
	}
	var opt chart.Options // the default size, for the charts and the renderer alike
	trendOpt := opt
	trendOpt.Title, trendOpt.Marks, trendOpt.Credit = r.trendTitle(), r.marks(), r.credit()
	trend, err := chart.Trend(r.Result, r.Polls, trendOpt)
	if err != nil {
		return nil, fmt.Errorf("trend chart: %w", err)
	}
	plots := []*plot.Plot{trend}
	if len(r.Scenarios) > 1 {
		fanOpt := opt
		var sc []chart.Scenario
		for _, s := range r.Scenarios {
			if s.Result != nil {
				sc = append(sc, chart.Scenario{Name: s.Name, Series: s.Result.Approve.Series, Level: s.Result.Level})
				continue
			}
			// The bounds in dark grey: the palette's next colour, sky
			// blue, is hard to tell from the shaded interval.
			name := s.Name + `: "hard to say" all approve, or none`
			sc = append(sc, chart.Scenario{Name: name, Series: s.Bounds, Bounds: true})
			fanOpt.Colors = map[string]color.Color{name: color.Gray{Y: 0x40}}
		}
		fanOpt.Title = r.approval() + " under fear-of-response scenarios"
		if f := r.Config.Scenarios.From; !f.IsZero() {
			fanOpt.Title += " (corrections from " + f.Format("2 Jan 2006") + ")"
		}
		fanOpt.From, fanOpt.Marks = r.fanFrom(), r.marks()
		fan, err := chart.Fan(sc, fanOpt)
		if err != nil {
			return nil, fmt.Errorf("scenario chart: %w", err)
		}
		plots = append(plots, fan)
	}
	if len(r.Result.Approve.Houses) > 0 {
		houseOpt := opt
		houseOpt.Title = "House effects on approval, relative to " + r.scale()
		houses, err := chart.Houses(r.Result, houseOpt)
		if err != nil {
			return nil, fmt.Errorf("house-effect chart: %w", err)
		}
		plots = append(plots, houses)
	}
	return plots, nil
}

// WriteChart draws the trend, the scenario fan and the house effects,
// stacked, as one PNG or SVG image (format PNG or SVG).
func (r *Report) WriteChart(w io.Writer, format string) error {
	if err := r.complete(); err != nil {
		return err
	}
	plots, err := r.plots()
	if err != nil {
		return err
	}
	return chart.Write(w, format, plots, chart.Options{})
}

// WriteFingerprint draws the election's turnout × share histogram
// (chart.Fingerprint, with the Central Election Commission's credit) as a
// PNG or SVG image; ErrNoChart without an election.
func (r *Report) WriteFingerprint(w io.Writer, format string) error {
	if r.Fingerprint == nil {
		return fmt.Errorf("%w: no election", ErrNoChart)
	}
	// The size of aggregate/chart/testdata/fingerprint-2024.png.
	opt := chart.Options{Credit: chart.CECCredit, Width: 15 * vg.Centimeter, Height: 14 * vg.Centimeter}
	p, err := chart.Fingerprint(r.Fingerprint, chart.FingerprintOptions{Options: opt})
	if err != nil {
		return fmt.Errorf("fingerprint: %w", err)
	}
	if format != SVG {
		return chart.Write(w, format, []*plot.Plot{p}, opt)
	}
	var b bytes.Buffer
	if err := chart.Write(&b, format, []*plot.Plot{p}, opt); err != nil {
		return err
	}
	_, err = w.Write(stretchRasters(b.Bytes()))
	return err
}

// stretchRasters makes the raster images of an SVG document fill the
// boxes they are drawn in. The heat map is a raster of one pixel per
// bin, drawn into the rectangle of the data area; gonum/plot's SVG
// canvas writes it without preserveAspectRatio, whose default ("xMidYMid
// meet") keeps the raster square and leaves part of the rectangle empty
// in every browser, so the bins would no longer sit on their axes.
func stretchRasters(svg []byte) []byte {
	return bytes.ReplaceAll(svg, []byte("<image "), []byte(`<image preserveAspectRatio="none" `))
}
