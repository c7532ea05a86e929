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

// fitted fits the three models once for all tests: the Bayes sampler
// and the ML fit on 6,700 polls take a few seconds of CPU.
var fitted = sync.OnceValues(func() (*fits, error) { return fit(context.Background()) })

func TestReport(t *testing.T) {
	f, err := fitted()
	require.NoError(t, err)
	dir := t.TempDir()
	var b bytes.Buffer
	require.NoError(t, f.report(&b, dir))
	out := b.String()
	for _, want := range []string{
		`6712 polls ("All polls"), 92 pollsters, fieldwork 20 Jan 2017 to 1 Dec 2020.`,
		// The two rows the reader rejects are listed with line and column.
		`approval_polllist.csv:6564:21: "10/13/2020": poll: dates out of order`,
		"Average (538-style)",
		"StateSpace (ML)",
		"Bayes (FFBS Gibbs)",
		"Rasmussen Reports/Pulse Opinion Research",
		filepath.Join(dir, chartFile),
	} {
		assert.Contains(t, out, want)
	}
	png, err := os.ReadFile(filepath.Join(dir, chartFile))
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")))
}

// TestHouseEffectsAgreeWith538: every model's house effects correlate
// with 538's published adjustment (issue 3's bar for Average is 0.9).
func TestHouseEffectsAgreeWith538(t *testing.T) {
	f, err := fitted()
	require.NoError(t, err)
	assert.Equal(t, 49, f.nCorr)
	assert.GreaterOrEqual(t, f.rAverage, 0.9)
	assert.GreaterOrEqual(t, f.rSSM, 0.9)
	assert.GreaterOrEqual(t, f.rBayes, 0.9)
	// ML and the posterior mean of the same model agree closely.
	assert.InDelta(t, f.ssm.Params.Sigma, f.bayes.Params.Sigma, 0.01)
	assert.InDelta(t, f.ssm.Series[len(f.ssm.Series)-1].Mean, f.bayes.Series[len(f.bayes.Series)-1].Mean, 0.3)
}
