package sensitive

import (
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// vignetteExperiment loads one of the simulated data sets of the list
// package's combined-list vignette (testdata/sensitive/combined-vignette.csv)
// with J = 4 (counts 1–4 in control, up to 5 treated) and its covariate X
// when present.
func vignetteExperiment(t testing.TB, example int) (*ListExperiment, *mat.Dense) {
	t.Helper()
	f, err := os.Open("../../testdata/sensitive/combined-vignette.csv")
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	le := &ListExperiment{J: 4}
	var xs []float64
	for _, r := range rows[1:] {
		if r[0] != strconv.Itoa(example) {
			continue
		}
		y, err := strconv.ParseFloat(r[1], 64)
		require.NoError(t, err)
		d, err := strconv.ParseFloat(r[3], 64)
		require.NoError(t, err)
		le.Y = append(le.Y, y)
		le.Treat = append(le.Treat, r[2] == "1")
		le.Direct = append(le.Direct, d)
		if r[4] != "NA" {
			x, err := strconv.ParseFloat(r[4], 64)
			require.NoError(t, err)
			xs = append(xs, x)
		}
	}
	if len(xs) == 0 {
		return le, nil
	}
	return le, mat.NewDense(len(xs), 1, xs)
}

func TestCombinedVignette(t *testing.T) {
	// The list package's vignette "combined-list" prints these values for
	// combinedListDirect on data simulated with set.seed(123); the data
	// were regenerated with R 4.2.2 (sample.kind = "Rounding", the sampler
	// the vignette was built with) and reproduce its printed difference in
	// means 0.6334232.
	le, _ := vignetteExperiment(t, 1)
	c, err := Combined{}.Fit(le)
	require.NoError(t, err)
	const tol = 5e-9
	assert.InDelta(t, 0.65863351, c.Estimate.Value, tol)
	assert.InDelta(t, 0.04987643, c.Estimate.SE, tol)
	assert.InDelta(t, 0.33333333, c.Direct.Value, tol)
	assert.InDelta(t, 0.01217567, c.Direct.SE, tol)
	assert.InDelta(t, 0.63342318, c.Conventional.Value, tol)
	assert.InDelta(t, 0.05996451, c.Conventional.SE, tol)
	assert.InDelta(t, 0.9232591, c.PlaceboI.Estimate.Value, 5e-8)
	assert.InDelta(t, 0.09940286, c.PlaceboI.Estimate.SE, tol)
	assert.InDelta(t, 0.4401031, c.PlaceboI.PValue, 5e-8)
	assert.Equal(t, 500, c.PlaceboI.N)
	assert.InDelta(t, 0.00177798, c.PlaceboII.Estimate.Value, tol)
	assert.InDelta(t, 0.02436116, c.PlaceboII.Estimate.SE, tol)
	assert.InDelta(t, 0.9418187, c.PlaceboII.PValue, 5e-8)
	assert.Equal(t, 1500, c.PlaceboII.N)
	assert.Equal(t, 1500, c.N)
	assert.NotEmpty(t, c.String())

	// Design-affected respondents: placebo test I rejects.
	le, _ = vignetteExperiment(t, 2)
	c, err = Combined{}.Fit(le)
	require.NoError(t, err)
	assert.InDelta(t, 0.75924415, c.PlaceboI.Estimate.Value, tol)
	assert.InDelta(t, 0.10355750, c.PlaceboI.Estimate.SE, tol)
	assert.InDelta(t, 0.02007988, c.PlaceboI.PValue, tol)
	assert.Equal(t, 500, c.PlaceboI.N)

	// Treatment moves the direct answer: placebo test II rejects.
	le, _ = vignetteExperiment(t, 3)
	c, err = Combined{}.Fit(le)
	require.NoError(t, err)
	assert.InDelta(t, -0.05092491, c.PlaceboII.Estimate.Value, tol)
	assert.InDelta(t, 0.02364766, c.PlaceboII.Estimate.SE, tol)
	assert.InDelta(t, 0.03128051, c.PlaceboII.PValue, tol)

	// Covariate adjustment (out.4 without, out.5 with the covariate X).
	le, X := vignetteExperiment(t, 4)
	c, err = Combined{}.Fit(le)
	require.NoError(t, err)
	assert.InDelta(t, 0.68373531, c.Estimate.Value, tol)
	assert.InDelta(t, 0.03165778, c.Estimate.SE, tol)
	le.X = X
	c, err = Combined{}.Fit(le)
	require.NoError(t, err)
	assert.InDelta(t, 0.67850607, c.Estimate.Value, tol)
	assert.InDelta(t, 0.02051244, c.Estimate.SE, tol)
}

func TestCombinedDropsMissingDirect(t *testing.T) {
	le, _ := vignetteExperiment(t, 1)
	full, err := Combined{}.Fit(le)
	require.NoError(t, err)
	// Adding respondents without a direct answer changes nothing.
	le.Y = append(le.Y, 5, 0)
	le.Treat = append(le.Treat, true, false)
	le.Direct = append(le.Direct, math.NaN(), math.NaN())
	c, err := Combined{}.Fit(le)
	require.NoError(t, err)
	assert.Equal(t, full, c)
}

func TestCombinedAliasedCovariate(t *testing.T) {
	// A dummy that is constant among direct "no" answerers is aliased in
	// that subset; as in R's lm it is dropped there and used elsewhere.
	le, _ := vignetteExperiment(t, 1)
	X := mat.NewDense(len(le.Y), 1, nil)
	for i, d := range le.Direct {
		X.Set(i, 0, d) // the direct answer itself: aliased in both subsets
	}
	le.X = X
	c, err := Combined{}.Fit(le)
	require.NoError(t, err)
	le.X = nil
	plain, err := Combined{}.Fit(le)
	require.NoError(t, err)
	assert.InDelta(t, plain.Estimate.Value, c.Estimate.Value, 1e-12)
	assert.InDelta(t, plain.PlaceboI.Estimate.Value, c.PlaceboI.Estimate.Value, 1e-12)
}

func TestCombinedCoverage(t *testing.T) {
	// Seeded simulation of respondents with known hidden opinions: 60% hold
	// the sensitive opinion, a third of them deny it when asked directly
	// (no false confessions), list with J = 3 control items. The combined
	// estimator's 95% interval covers the true prevalence 0.6 in 93–97% of
	// replications (400 by default; 2,000 with -calib.full). The truth is
	// the population share: the SEs include the sampling of respondents,
	// so measured against each sample's own share they overcover.
	reps := simcheck.Replicates(400, 2000)
	rng := rand.New(rand.NewPCG(71, 72))
	cover, coverDiM := 0, 0
	for r := 0; r < reps; r++ {
		le, _ := simulateHidden(rng, 1000, 3, 0.6, 1.0/3)
		const truth = 0.6
		c, err := Combined{}.Fit(le)
		require.NoError(t, err)
		lo, hi := c.Estimate.CI(0.95)
		if lo <= truth && truth <= hi {
			cover++
		}
		e, err := DiffInMeans{}.Fit(le)
		require.NoError(t, err)
		lo, hi = e.CI(0.95)
		if lo <= truth && truth <= hi {
			coverDiM++
		}
	}
	simcheck.AssertCoverage(t, "combined list+direct", cover, reps)
	simcheck.AssertCoverage(t, "difference in means", coverDiM, reps)
}

// simulateHidden draws n respondents of whom a share pi hold a sensitive
// opinion; holders deny it to the direct question with probability
// withhold; non-holders never claim it. Half get the treatment list of
// J + 1 items (control items independent with prevalence 0.5). It returns
// the experiment and the sample's true prevalence.
func simulateHidden(rng *rand.Rand, n, J int, pi, withhold float64) (*ListExperiment, float64) {
	le := &ListExperiment{J: J, Y: make([]float64, n), Treat: make([]bool, n), Direct: make([]float64, n)}
	var holders int
	for i := 0; i < n; i++ {
		z := rng.Float64() < pi
		if z {
			holders++
		}
		y := 0
		for j := 0; j < J; j++ {
			if rng.Float64() < 0.5 {
				y++
			}
		}
		le.Treat[i] = rng.Float64() < 0.5
		if le.Treat[i] && z {
			y++
		}
		le.Y[i] = float64(y)
		if z && rng.Float64() >= withhold {
			le.Direct[i] = 1
		}
	}
	return le, float64(holders) / float64(n)
}

func TestCombinedErrors(t *testing.T) {
	le := handExperiment()
	_, err := Combined{}.Fit(le)
	assert.ErrorIs(t, err, ErrEmpty)
	le.Direct = []float64{math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()}
	_, err = Combined{}.Fit(le)
	assert.ErrorIs(t, err, ErrEmpty)
	le.Direct = []float64{0, 0, 0, 0, 0, 0, 0, 0, 0}
	_, err = Combined{}.Fit(le)
	assert.ErrorIs(t, err, ErrGroupSize) // nobody says yes: placebo test I impossible
	le.Direct = []float64{1, 0, 0, 1, 0, 1, 0, 0, 1}
	le.X = mat.NewDense(3, 1, nil)
	_, err = Combined{}.Fit(le)
	assert.ErrorIs(t, err, ErrLength)
}
