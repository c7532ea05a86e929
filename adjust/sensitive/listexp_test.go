package sensitive

import (
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countsExperiment expands the (treat, y, count) frequency table of one
// data set in testdata/sensitive/list-counts.csv into respondent rows.
// The table is a tabulation of the R package list's data sets: for the
// intercept-only estimators it is the sufficient statistic.
func countsExperiment(t testing.TB, dataset string, J int) *ListExperiment {
	t.Helper()
	f, err := os.Open("../../testdata/sensitive/list-counts.csv")
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	le := &ListExperiment{J: J}
	for _, r := range rows[1:] {
		if r[0] != dataset {
			continue
		}
		treat := r[1] == "1"
		y, err := strconv.Atoi(r[2])
		require.NoError(t, err)
		c, err := strconv.Atoi(r[3])
		require.NoError(t, err)
		for k := 0; k < c; k++ {
			le.Y = append(le.Y, float64(y))
			le.Treat = append(le.Treat, treat)
		}
	}
	require.NotEmpty(t, le.Y, "data set %s", dataset)
	return le
}

func handExperiment() *ListExperiment {
	// docs/methods.md §7.1 test value: y₁ = (2, 3, 1, 3, 2), y₀ = (1, 2, 1, 2).
	return &ListExperiment{
		Y:     []float64{2, 3, 1, 3, 2, 1, 2, 1, 2},
		Treat: []bool{true, true, true, true, true, false, false, false, false},
		J:     3,
	}
}

func TestListExperimentErrors(t *testing.T) {
	tr := []bool{true, true, false, false}
	tests := []struct {
		name string
		le   ListExperiment
		want error
	}{
		{"empty", ListExperiment{J: 3}, ErrEmpty},
		{"length", ListExperiment{Y: []float64{1, 2, 3}, Treat: tr, J: 3}, ErrLength},
		{"direct length", ListExperiment{Y: []float64{1, 2, 3, 1}, Treat: tr, J: 3, Direct: []float64{1}}, ErrLength},
		{"J", ListExperiment{Y: []float64{1, 2, 3, 1}, Treat: tr, J: 0}, ErrValue},
		{"control above J", ListExperiment{Y: []float64{1, 2, 4, 1}, Treat: tr, J: 3}, ErrCountRange},
		{"treated above J+1", ListExperiment{Y: []float64{5, 2, 3, 1}, Treat: tr, J: 3}, ErrCountRange},
		{"negative", ListExperiment{Y: []float64{-1, 2, 3, 1}, Treat: tr, J: 3}, ErrCountRange},
		{"fraction", ListExperiment{Y: []float64{1.5, 2, 3, 1}, Treat: tr, J: 3}, ErrCountRange},
		{"NaN", ListExperiment{Y: []float64{math.NaN(), 2, 3, 1}, Treat: tr, J: 3}, ErrCountRange},
		{"direct value", ListExperiment{Y: []float64{1, 2, 3, 1}, Treat: tr, J: 3, Direct: []float64{0, 1, 2, 0}}, ErrValue},
		{"group of one", ListExperiment{Y: []float64{1, 2, 3, 1}, Treat: []bool{true, false, false, false}, J: 3}, ErrGroupSize},
		{"no control", ListExperiment{Y: []float64{1, 2, 3, 1}, Treat: []bool{true, true, true, true}, J: 3}, ErrGroupSize},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DiffInMeans{}.Fit(&tc.le)
			assert.ErrorIs(t, err, tc.want)
			_, err = DesignTest{}.Fit(&tc.le)
			assert.ErrorIs(t, err, tc.want)
		})
	}
}
