package sensitive

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// The data sets of the R package list are GPL and not shipped with candor.
// These tests read them from the directory named by CANDOR_SENSITIVE_DATA
// (holding list-pkg/*.csv) and are skipped when it is unset:
//
//	CANDOR_SENSITIVE_DATA=/path/to/sensitive go test ./adjust/sensitive -run Reference

func sensitiveFile(t *testing.T, name string) *os.File {
	t.Helper()
	dir := os.Getenv("CANDOR_SENSITIVE_DATA")
	if dir == "" {
		t.Skip("CANDOR_SENSITIVE_DATA not set")
	}
	f, err := os.Open(filepath.Join(dir, "list-pkg", name))
	require.NoError(t, err)
	t.Cleanup(func() { f.Close() })
	return f
}

func TestReferenceMLCovariates(t *testing.T) {
	// ictreg(y ~ south + age + male + college, treat = "treat", J = 3,
	// method = "ml") on race and affirm. Reference values: the same
	// likelihood maximized in R 4.2.2 (optim BFGS, reltol 1e-16;
	// optimHess SEs), not the package's own printout.
	tests := []struct {
		file           string
		delta, deltaSE []float64
		psi, psiSE     []float64
		loglik         float64
	}{
		{"race.csv",
			[]float64{-5.508094501, 1.675521867, 0.6358350664, 0.8463572861, -0.3153358896},
			[]float64{1.021059219, 0.5585283579, 0.1633333053, 0.4937311572, 0.4735949156},
			[]float64{1.191377469, -0.2920265504, 0.0332277661, -0.2505929277, -0.5164091774},
			[]float64{0.1436842291, 0.09692366974, 0.02767627526, 0.08194177164, 0.08368224879},
			-1444.394172},
		{"affirm.csv",
			[]float64{-1.298502194, 1.17680312, 0.2952619229, 0.03960064931, -0.3431541542},
			[]float64{0.5563486825, 0.4800297666, 0.1011853159, 0.3463084059, 0.3357961533},
			[]float64{1.387938239, -0.234452746, 0.02779957461, -0.3528290619, -0.6705828845},
			[]float64{0.158675193, 0.1076048239, 0.02844535193, 0.09239568108, 0.09624755254},
			-1434.54203},
	}
	for _, tc := range tests {
		r, err := ReadRespondents(sensitiveFile(t, tc.file), Columns{Covariates: []string{"south", "age", "male", "college"}})
		require.NoError(t, err)
		c, dropped := r.Complete()
		assert.Empty(t, dropped)
		fit, err := ListML{}.Fit(context.Background(), c.ListExperiment(3))
		require.NoError(t, err, tc.file)
		for j := range tc.delta {
			assert.InDelta(t, tc.delta[j], fit.Delta[j], 5e-4, "%s δ%d", tc.file, j)
			assert.InDelta(t, tc.deltaSE[j], fit.DeltaSE[j], 5e-4, "%s SE δ%d", tc.file, j)
			assert.InDelta(t, tc.psi[j], fit.Psi[j], 5e-4, "%s ψ%d", tc.file, j)
			assert.InDelta(t, tc.psiSE[j], fit.PsiSE[j], 5e-4, "%s SE ψ%d", tc.file, j)
		}
		assert.InDelta(t, tc.loglik, fit.LogLik, 5e-4, tc.file)
	}
}

func TestReferenceMLUnconstrained(t *testing.T) {
	// ictreg(y ~ south + age + male + college, data = race, J = 3,
	// constrained = FALSE): the same likelihood maximized in R 4.2.2
	// (optim; optimHess SEs), order (δ, ψ₀, ψ₁).
	want := []float64{-6.225920908, 1.379301002, 0.6550206255, 1.365523775, -0.1821958337,
		1.156224508, -0.2986789346, 0.03142825296, -0.2177420939, -0.488136801,
		3.779591843, -0.2698631167, -0.1281638706, -1.688078225, -0.9536047697}
	wantSE := []float64{1.045680629, 0.8195573681, 0.2072953848, 0.6120430936, 0.5686124647,
		0.1564695641, 0.1068372372, 0.03173417968, 0.0858094834, 0.08664538197,
		2.154516881, 0.5897906252, 0.1571126727, 1.6297333, 0.7142880434}
	r, err := ReadRespondents(sensitiveFile(t, "race.csv"), Columns{Covariates: []string{"south", "age", "male", "college"}})
	require.NoError(t, err)
	fit, err := ListML{Unconstrained: true}.Fit(context.Background(), r.ListExperiment(3))
	require.NoError(t, err)
	got := append(append(append([]float64(nil), fit.Delta...), fit.Psi...), fit.Psi1...)
	gotSE := append(append(append([]float64(nil), fit.DeltaSE...), fit.PsiSE...), fit.Psi1SE...)
	for j := range want {
		assert.InDelta(t, want[j], got[j], 5e-4, "coefficient %d", j)
		assert.InDelta(t, wantSE[j], gotSE[j], 5e-4, "SE %d", j)
	}
	assert.InDelta(t, -1441.019765, fit.LogLik, 5e-4)
}

func TestReferenceLMCovariates(t *testing.T) {
	// ictreg(y ~ south + age + male + college, data = race, J = 3,
	// method = "lm"): lm(y ~ x + x:treat - 1) with sandwich::vcovHC
	// (type "HC3"), recomputed in R 4.2.2; order (γ, β).
	want := []float64{2.406064195, -0.1802073264, 0.02047343837, -0.2017671053, -0.3940769297,
		-0.4342989837, 0.2019751181, 0.07309382369, 0.1802288991, 0.1144615848}
	wantSE := []float64{0.1051137628, 0.07449674961, 0.01998018711, 0.06521814538, 0.06405675968,
		0.1603255621, 0.1175962452, 0.0305081045, 0.09846403735, 0.09775270742}
	r, err := ReadRespondents(sensitiveFile(t, "race.csv"), Columns{Covariates: []string{"south", "age", "male", "college"}})
	require.NoError(t, err)
	fit, err := ListLM{}.Fit(r.ListExperiment(3))
	require.NoError(t, err)
	got := append(append([]float64(nil), fit.Psi...), fit.Delta...)
	gotSE := append(append([]float64(nil), fit.PsiSE...), fit.DeltaSE...)
	for j := range want {
		assert.InDelta(t, want[j], got[j], 1e-8, "coefficient %d", j)
		assert.InDelta(t, wantSE[j], gotSE[j], 1e-8, "SE %d", j)
	}
	assert.InDelta(t, 0.07127448887, fit.Prevalence.Value, 1e-9)
	assert.InDelta(t, 0.04823742631, fit.Prevalence.SE, 1e-9)
}

func TestReferenceDiffInMeansFromCSV(t *testing.T) {
	// Same values as TestDiffInMeansReference, through the CSV reader
	// (affirm's treat is TRUE/FALSE).
	for file, want := range map[string][2]float64{
		"race.csv":   {0.06779744025, 0.04961912056},
		"affirm.csv": {0.4947403427, 0.0542983787},
	} {
		r, err := ReadRespondents(sensitiveFile(t, file), Columns{})
		require.NoError(t, err)
		e, err := DiffInMeans{}.Fit(r.ListExperiment(3))
		require.NoError(t, err)
		assert.InDelta(t, want[0], e.Value, 1e-9, file)
		assert.InDelta(t, want[1], e.SE, 1e-9, file)
	}
}

func TestReferenceCombinedListExps(t *testing.T) {
	// The documented example of combinedListDirect: complete cases of
	// combinedListExps, directsfirst == 1 (500 respondents), list 1 with
	// and without the covariates gender + ideology + education + race.
	// Reference values recomputed in R 4.2.2 with combinedListDirect's
	// algorithm (lm and var; the function's own code path).
	numeric := []string{"directsfirst", "listsfirst", "firstbyone"}
	for k := 1; k <= 5; k++ {
		for _, p := range []string{"list%dtreat", "list%dN", "direct%d"} {
			numeric = append(numeric, fmt.Sprintf(p, k))
		}
	}
	factors := []string{"gender", "ideology", "education", "race", "age"}
	r, err := ReadRespondents(sensitiveFile(t, "combinedListExps.csv"), Columns{
		Count: "list1N", Treat: "list1treat", Direct: "direct1",
		Covariates: numeric, Factors: factors,
	})
	require.NoError(t, err)
	c, _ := r.Complete()
	require.Equal(t, 1014, c.Len(), "complete cases as na.omit")
	col := map[string]int{}
	for j, name := range c.Covariates {
		col[name] = j
	}
	var keep []int
	for i := 0; i < c.Len(); i++ {
		if c.X.At(i, col["directsfirst"]) == 1 {
			keep = append(keep, i)
		}
	}
	require.Len(t, keep, 500)
	le := &ListExperiment{J: 4}
	var cov []float64
	var covCols []int
	for j, name := range c.Covariates {
		for _, f := range []string{"gender:", "ideology:", "education:", "race:"} {
			if len(name) > len(f) && name[:len(f)] == f {
				covCols = append(covCols, j)
			}
		}
	}
	for _, i := range keep {
		le.Y = append(le.Y, c.Y[i])
		le.Treat = append(le.Treat, c.Treat[i])
		le.Direct = append(le.Direct, c.Direct[i])
		for _, j := range covCols {
			cov = append(cov, c.X.At(i, j))
		}
	}
	res, err := Combined{}.Fit(le)
	require.NoError(t, err)
	assert.InDelta(t, 0.6656184211, res.Estimate.Value, 1e-9)
	assert.InDelta(t, 0.04840343151, res.Estimate.SE, 1e-9)
	assert.InDelta(t, 0.656, res.Direct.Value, 1e-9)
	assert.InDelta(t, 0.02126575804, res.Direct.SE, 1e-9)
	assert.InDelta(t, 0.7477390956, res.Conventional.Value, 1e-9)
	assert.InDelta(t, 0.08441010011, res.Conventional.SE, 1e-9)
	assert.InDelta(t, 1.05396152, res.PlaceboI.Estimate.Value, 1e-8)
	assert.InDelta(t, 0.09452733799, res.PlaceboI.Estimate.SE, 1e-9)
	assert.InDelta(t, 0.5680971026, res.PlaceboI.PValue, 1e-9)
	assert.Equal(t, 328, res.PlaceboI.N)
	assert.InDelta(t, 0.0662665066, res.PlaceboII.Estimate.Value, 1e-9)
	assert.InDelta(t, 0.04243974719, res.PlaceboII.Estimate.SE, 1e-9)
	assert.InDelta(t, 0.1184233717, res.PlaceboII.PValue, 1e-9)

	le.X = mat.NewDense(len(keep), len(covCols), cov)
	res, err = Combined{}.Fit(le)
	require.NoError(t, err)
	assert.InDelta(t, 0.6645735791, res.Estimate.Value, 1e-9)
	assert.InDelta(t, 0.04732327191, res.Estimate.SE, 1e-9)
	assert.InDelta(t, 0.7362174416, res.Conventional.Value, 1e-9)
	assert.InDelta(t, 0.08204347426, res.Conventional.SE, 1e-9)
	assert.InDelta(t, 1.058177297, res.PlaceboI.Estimate.Value, 1e-8)
	assert.InDelta(t, 0.09223538606, res.PlaceboI.Estimate.SE, 1e-9)
	assert.InDelta(t, 0.5282052256, res.PlaceboI.PValue, 1e-9)
	assert.InDelta(t, 0.04366577709, res.PlaceboII.Estimate.Value, 1e-9)
	assert.InDelta(t, 0.03896286164, res.PlaceboII.Estimate.SE, 1e-9)
	assert.InDelta(t, 0.2624145106, res.PlaceboII.PValue, 1e-9)
}
