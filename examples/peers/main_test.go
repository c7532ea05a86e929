package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun: the command reproduces the statsmodels peer's σ̂ and house
// effects and writes the daily series, one row a day.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	require.NoError(t, run(&b, filepath.Join("..", "..", "testdata", "peers", "synthetic_polls.csv"), dir))
	assert.Equal(t, "sigma_hat=0.3215 loglik=-3570.91 house=[2.925, -1.946, 0.114, 0.949, -2.042]\n", b.String())
	f, err := os.Open(filepath.Join(dir, "candor_latent.csv"))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+800)
	ref, err := os.Open(filepath.Join("..", "..", "testdata", "peers", "results", "statsmodels_latent.csv"))
	require.NoError(t, err)
	defer ref.Close()
	want, err := csv.NewReader(ref).ReadAll()
	require.NoError(t, err)
	for d := 1; d <= 800; d++ {
		got, _ := strconv.ParseFloat(rows[d][2], 64)
		exp, _ := strconv.ParseFloat(want[d][1], 64)
		assert.InDelta(t, exp, got, 1e-5, "day %d", d-1)
	}
}
