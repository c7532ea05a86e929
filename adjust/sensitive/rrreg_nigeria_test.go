package sensitive

import (
	"context"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// sensitiveDir returns the directory of the R packages' example data
// (../shared/data/sensitive), given by CANDOR_SENSITIVE_DATA. The data are
// GPL and are not shipped with candor, so tests that need them are opt-in.
func sensitiveDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CANDOR_SENSITIVE_DATA")
	if dir == "" {
		t.Skip("CANDOR_SENSITIVE_DATA not set: skipping comparison with the R package data")
	}
	return dir
}

// readNigeria returns rr.q1 and the design matrix of rr's help-page example
// (intercept, cov.asset.index, cov.married, cov.age/10, (cov.age/10)²,
// cov.education, cov.female), with NaN for NA.
func readNigeria(t testing.TB, dir string) ([]float64, *mat.Dense) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "rr-pkg", "nigeria.csv"))
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	num := func(r []string, name string) float64 {
		s := r[col[name]]
		if s == "NA" {
			return math.NaN()
		}
		v, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err, "%s = %q", name, s)
		return v
	}
	n := len(recs) - 1
	y := make([]float64, n)
	x := mat.NewDense(n, 7, nil)
	for i, r := range recs[1:] {
		y[i] = num(r, "rr.q1")
		age := num(r, "cov.age") / 10
		x.SetRow(i, []float64{1, num(r, "cov.asset.index"), num(r, "cov.married"), age, age * age, num(r, "cov.education"), num(r, "cov.female")})
	}
	return y, x
}

// TestRRRegNigeria reproduces the summary printed on rr 1.4.2's rrreg help
// page (the forced-response Nigeria example, Blair, Imai & Zhou 2015,
// Table 3).
func TestRRRegNigeria(t *testing.T) {
	dir := sensitiveDir(t)
	y, x := readNigeria(t, dir)
	m := RRReg{RandomizedResponse: RandomizedResponse{Design: ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6}}
	fit, err := m.Fit(context.Background(), y, x)
	require.NoError(t, err)
	t.Log(fit)
	t.Log(fit.Iterations, fit.NewtonSteps, fit.N, fit.Dropped)
	// rr 1.4.2, ?rrreg, summary(rr.q1.reg.obj).
	wantCoef := []float64{-0.34017, 0.07896, -0.26743, -0.35283, 0.04099, -0.00691, -0.55439}
	wantSE := []float64{0.50856, 0.04136, 0.25451, 0.26423, 0.02603, 0.04558, 0.16244}
	for j := range wantCoef {
		assert.InDelta(t, wantCoef[j], fit.Coef[j], 5e-4, "coef %d", j)
		assert.InDelta(t, wantSE[j], fit.SE[j], 5e-4, "se %d", j)
	}
}

// BenchmarkRRRegNigeria times the help-page fit (2,423 complete rows, 7
// coefficients); it needs CANDOR_SENSITIVE_DATA like TestRRRegNigeria.
func BenchmarkRRRegNigeria(b *testing.B) {
	dir := os.Getenv("CANDOR_SENSITIVE_DATA")
	if dir == "" {
		b.Skip("CANDOR_SENSITIVE_DATA not set")
	}
	y, x := readNigeria(b, dir)
	m := RRReg{RandomizedResponse: RandomizedResponse{Design: ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Fit(context.Background(), y, x); err != nil {
			b.Fatal(err)
		}
	}
}
