package sensitive

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ListExperiment holds respondent-level data from a standard list
// experiment (item count technique): a control group reports how many of
// J non-sensitive items apply to them, a randomly assigned treatment group
// how many of the same J items plus the sensitive one.
//
// Y, Treat and (when given) Direct, Weight and the rows of X are parallel,
// one element per respondent. The zero value is not usable: Y, Treat and J
// are required. The estimators ([DiffInMeans], [ListML], …) never modify
// the data and are safe for concurrent use.
type ListExperiment struct {
	// Y are the reported counts: integers in 0..J for control and 0..J+1
	// for treated respondents.
	Y []float64
	// Treat marks respondents who received the list with the sensitive
	// item.
	Treat []bool
	// J is the number of control (non-sensitive) items, ≥ 1.
	J int
	// Direct optionally holds the answer to the sensitive question asked
	// directly: 1 (yes), 0 (no) or NaN where it was not asked. Nil when no
	// direct question was asked. Used by [Combined].
	Direct []float64
	// Weight optionally holds survey weights (≥ 0), used by
	// [WeightedDiffInMeans]; nil means unweighted.
	Weight []float64
	// X optionally holds covariates, one row per respondent, without an
	// intercept column (the estimators add one); categorical variables as
	// 0/1 dummies with one level left out ([ReadRespondents] builds them).
	// Nil means none. Used by [ListLM], [ListML] and [Combined]; the other
	// estimators ignore it.
	X mat.Matrix
}

// validate checks the data and returns the group sizes.
func (le *ListExperiment) validate() (n1, n0 int, err error) {
	if len(le.Y) == 0 {
		return 0, 0, fmt.Errorf("sensitive: list experiment: %w", ErrEmpty)
	}
	if len(le.Treat) != len(le.Y) {
		return 0, 0, fmt.Errorf("sensitive: list experiment: %w: %d counts, %d treatment flags", ErrLength, len(le.Y), len(le.Treat))
	}
	if le.Direct != nil && len(le.Direct) != len(le.Y) {
		return 0, 0, fmt.Errorf("sensitive: list experiment: %w: %d counts, %d direct answers", ErrLength, len(le.Y), len(le.Direct))
	}
	if le.Weight != nil && len(le.Weight) != len(le.Y) {
		return 0, 0, fmt.Errorf("sensitive: list experiment: %w: %d counts, %d weights", ErrLength, len(le.Y), len(le.Weight))
	}
	if le.J < 1 {
		return 0, 0, fmt.Errorf("sensitive: list experiment: %w: J = %d control items, need ≥ 1", ErrValue, le.J)
	}
	for i, y := range le.Y {
		top := le.J
		if le.Treat[i] {
			top++
			n1++
		} else {
			n0++
		}
		if !(y >= 0 && y <= float64(top)) || y != math.Trunc(y) {
			grp := "control"
			if le.Treat[i] {
				grp = "treated"
			}
			return 0, 0, fmt.Errorf("sensitive: list experiment: respondent %d (%s): %w: count %v not an integer in 0..%d", i, grp, ErrCountRange, y, top)
		}
		if le.Direct != nil {
			if d := le.Direct[i]; !math.IsNaN(d) && d != 0 && d != 1 {
				return 0, 0, fmt.Errorf("sensitive: list experiment: respondent %d: %w: direct answer %v is not 0, 1 or NaN", i, ErrValue, d)
			}
		}
	}
	if n1 < 2 || n0 < 2 {
		return n1, n0, fmt.Errorf("sensitive: list experiment: %w: %d treated and %d control respondents, need ≥ 2 each", ErrGroupSize, n1, n0)
	}
	return n1, n0, nil
}

// covariates checks X against the data for the estimator named what and
// returns its number of columns (0 without covariates): X must have one
// row per respondent and finite values in the rows listed (nil: all
// rows), the rows the estimator uses.
func (le *ListExperiment) covariates(what string, rows []int) (int, error) {
	if le.X == nil {
		return 0, nil
	}
	r, k := le.X.Dims()
	if r != len(le.Y) {
		return 0, fmt.Errorf("sensitive: %s: %w: %d covariate rows for %d respondents", what, ErrLength, r, len(le.Y))
	}
	check := func(i int) error {
		for j := 0; j < k; j++ {
			if v := le.X.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("sensitive: %s: respondent %d covariate %d: %w: %v", what, i, j, ErrValue, v)
			}
		}
		return nil
	}
	if rows == nil {
		for i := 0; i < r; i++ {
			if err := check(i); err != nil {
				return 0, err
			}
		}
		return k, nil
	}
	for _, i := range rows {
		if err := check(i); err != nil {
			return 0, err
		}
	}
	return k, nil
}
