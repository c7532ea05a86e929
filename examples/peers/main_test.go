package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun: the command reproduces the statsmodels peer's σ̂ and house
// effects and writes the daily series, one row a day, in the peer's
// layout (day, estimate, sd; pollster, estimate, sd).
func TestRun(t *testing.T) {
	dir := t.TempDir()
	var b bytes.Buffer
	require.NoError(t, run(&b, filepath.Join("..", "..", "testdata", "peers", "synthetic_polls.csv"), dir, false))
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
	require.Equal(t, want[0], rows[0])
	for d := 1; d <= 800; d++ {
		assert.Equal(t, want[d][0], rows[d][0])
		for c := 1; c <= 2; c++ {
			got, err := strconv.ParseFloat(rows[d][c], 64)
			require.NoError(t, err)
			exp, _ := strconv.ParseFloat(want[d][c], 64)
			assert.InDelta(t, exp, got, 1e-5, "day %d column %s", d-1, want[0][c])
		}
	}
	got, want := readCSV(t, filepath.Join(dir, "candor_house.csv")), readCSV(t, filepath.Join("..", "..", "testdata", "peers", "results", "statsmodels_house.csv"))
	require.Equal(t, len(want), len(got))
	require.Equal(t, want[0], got[0])
	for i := 1; i < len(want); i++ {
		assert.Equal(t, want[i][0], got[i][0])
		for c := 1; c <= 2; c++ {
			g, err := strconv.ParseFloat(got[i][c], 64)
			require.NoError(t, err)
			e, _ := strconv.ParseFloat(want[i][c], 64)
			assert.InDelta(t, e, g, 1e-5, "%s %s", want[i][0], want[0][c])
		}
	}
}

// TestRunAll: -all writes every column of the result instead.
func TestRunAll(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, run(io.Discard, filepath.Join("..", "..", "testdata", "peers", "synthetic_polls.csv"), dir, true))
	rows := readCSV(t, filepath.Join(dir, "candor_latent.csv"))
	require.Len(t, rows, 1+800)
	assert.Equal(t, []string{"date", "share", "mean", "sd"}, rows[0][:4])
	assert.Greater(t, len(rows[0]), 10, "the filtered series and the bands too")
	assert.Contains(t, rows[0], "filtered_mean", "-all keeps the causal series")
	assert.NotEmpty(t, rows[800][slices.Index(rows[0], "filtered_mean")])
	houses := readCSV(t, filepath.Join(dir, "candor_house.csv"))
	assert.Equal(t, []string{"share", "pollster", "effect", "se", "polls"}, houses[0])
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return rows
}
