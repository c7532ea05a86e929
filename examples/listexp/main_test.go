package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/adjust"
)

func TestReport(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, run(&b))
	out := b.String()
	for _, want := range []string{
		"List experiment, 2000 respondents",
		"difference in means",
		"ML (Imai 2011, EM)",
		"design-effect test (Blair & Imai 2012): Bonferroni-corrected p = ",
		"placebo test I",
		"Randomized response (forced response",
		"  2024-08         85",
	} {
		assert.Contains(t, out, want)
	}
}

// TestRecoversTruth: on the synthetic data every estimator's 95% interval
// covers the value the data were drawn from, and the falsifiers are
// caught by placebo test I.
func TestRecoversTruth(t *testing.T) {
	r, err := analyse(context.Background())
	require.NoError(t, err)
	covers := func(name string, e adjust.Estimate, truth float64) {
		lo, hi := e.CI(0.95)
		assert.True(t, lo <= truth && truth <= hi, "%s: %v does not cover %v", name, e, truth)
	}
	direct := truthPrevalence + (1-truthPrevalence)*truthFalsify
	covers("direct", r.direct, direct)
	covers("difference in means", r.dim, truthPrevalence)
	covers("ML", r.ml.Prevalence, truthPrevalence)
	covers("randomized response", r.rr, truthPrevalence)
	covers("Kuran rate (list)", r.measures.Kuran, truthFalsify)
	covers("Kuran rate (RR)", r.rrFalsification.Kuran, truthFalsify)
	assert.Greater(t, r.design.PValue, 0.05, "no design effect was built in")
	assert.Less(t, r.combined.PlaceboI.PValue, 0.05, "falsifiers violate the combined estimator's assumption")

	// The correction lowers every month and records its audit trail.
	require.Len(t, r.listed, 20)
	for i, p := range r.listed {
		assert.Less(t, p.Approve, r.published[i].Approve)
		require.Len(t, p.Adjustments, 1)
		assert.Equal(t, "falsification-gap", p.Adjustments[0].Name)
		assert.Greater(t, adjust.SharedVariance(p), 0.0)
	}
}
