package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// analysed runs the analysis once for the tests that only read it.
var analysed = sync.OnceValues(func() (*analysis, error) { return analyse(context.Background()) })

func TestReport(t *testing.T) {
	a, err := analysed()
	require.NoError(t, err)
	dir := t.TempDir()
	var b bytes.Buffer
	require.NoError(t, a.report(&b, dir))
	out := b.String()
	for _, want := range []string{
		"Levada.csv                            Levada      301  1999-08  2024-08         0",
		"putin-approval-fom.csv                FOM         374  2013-02  2020-08         0",
		// The ten NA weeks of the VTsIOM file are reported, not dropped silently.
		"vciom-presidential-approval-2006.csv  VTsIOM      707  2006-01  2020-08        10",
		"vciom-presidential-approval-2006.csv:96:2: ",
		"Left out: 193 VTsIOM weeks from 7 May 2008 to 6 May 2012",
		"House effects (points, relative to Levada face-to-face; 95% intervals)",
		"Latest estimate by fear-of-response scenario",
		"  31 August 2024; corrections apply to polls fielded from 24 February 2022 on.",
		"  falsification gap ",
		"  nonresponse κ = 0.5 ",
		"  Manski bounds ",
		"official vote share, March 2024 presidential election: 87.28% on 17 March 2024.",
		"Caveats: approval of the president's work is not a vote share",
		filepath.Join(dir, chartFile),
	} {
		assert.Contains(t, out, want)
	}

	// The reference house: no effect, no SE (regexp: column widths follow
	// the other rows).
	assert.Regexp(t, `\n  Levada/face-to-face +297 +\+0\.00 +— +reference`, out)

	png, err := os.ReadFile(filepath.Join(dir, chartFile))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")))
	assert.Greater(t, len(png), 100_000, "a chart of 1,200 polls and three panels")

	// Same input, same bytes: a fresh run from the embedded files gives
	// the same report and chart.
	var again bytes.Buffer
	require.NoError(t, run(&again, dir))
	assert.Equal(t, out, again.String())
	png2, err := os.ReadFile(filepath.Join(dir, chartFile))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(png, png2), "chart differs between runs")
}

// TestScenarios checks the numbers behind the report against what the
// models must give, not against printed text.
func TestScenarios(t *testing.T) {
	a, err := analysed()
	require.NoError(t, err)

	// House effects relative to Levada: FOM reads a few points lower
	// (issue 3: a raw gap of about −3.5 over 2012–2020), each with an SE.
	effects := map[string]float64{}
	for _, h := range a.base.Houses {
		effects[h.Pollster] = h.Value
		if h.Pollster != "Levada/face-to-face" {
			assert.Greater(t, h.SE, 0.0, h.Pollster)
		}
	}
	assert.InDelta(t, -3.5, effects["FOM/face-to-face"], 1.0)
	assert.InDelta(t, 0, effects["VTsIOM/face-to-face"], 1.0)
	assert.Less(t, effects["Levada/phone"], -2.0, "Levada's 2020 phone months read lower")

	// Scenarios: each correction lowers approval, more for smaller κ; the
	// corrected intervals are wider than the uncorrected one by the
	// calibration error; the Manski set starts at the published level.
	latest := map[string]float64{}
	sd := map[string]float64{}
	for _, s := range a.scenarios {
		p := s.latest()
		latest[s.Name], sd[s.Name] = p.Mean, p.SD
		assert.Less(t, p.Lower, p.Upper, s.Name)
	}
	none := latest["none (as published)"]
	assert.InDelta(t, 85, none, 3, "Levada's 2024 readings are 85–87")
	assert.Less(t, latest["falsification gap"], none-3)
	assert.Greater(t, sd["falsification gap"], sd["nonresponse κ = 0.8"], "gap scenario carries its calibration error")
	assert.Less(t, latest["nonresponse κ = 0.8"], none)
	assert.Less(t, latest["nonresponse κ = 0.67"], latest["nonresponse κ = 0.8"])
	assert.Less(t, latest["nonresponse κ = 0.5"], latest["nonresponse κ = 0.67"])
	lo, hi := identified(a.base, len(a.base.Series)-1)
	assert.InDelta(t, none, lo, 1e-9)
	assert.Greater(t, hi, lo)
}
