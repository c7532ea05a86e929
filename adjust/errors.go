package adjust

import "errors"

// Sentinel errors returned (wrapped with context) by the estimators of this
// package; test for them with errors.Is.
var (
	// ErrEmpty: no observations (or none left after removing incomplete
	// rows).
	ErrEmpty = errors.New("adjust: no observations")
	// ErrLength: slices that must be parallel have different lengths.
	ErrLength = errors.New("adjust: mismatched slice lengths")
	// ErrCountRange: a list-experiment count is negative, not an integer,
	// above J for a control respondent or above J+1 for a treated one.
	ErrCountRange = errors.New("adjust: item count out of range")
	// ErrGroupSize: a treatment or control group has fewer than two
	// respondents, so its variance cannot be estimated.
	ErrGroupSize = errors.New("adjust: group too small")
	// ErrProbability: a probability or share lies outside (0, 1) where the
	// estimator needs it inside.
	ErrProbability = errors.New("adjust: probability outside (0, 1)")
	// ErrValue: an input value is not finite or otherwise invalid (a
	// negative weight, a direct answer that is not 0 or 1, a level outside
	// (0, 1), J < 1, …).
	ErrValue = errors.New("adjust: invalid value")
	// ErrSingular: a design matrix or information matrix is singular, so
	// the coefficients or their standard errors are not identified.
	ErrSingular = errors.New("adjust: singular matrix")
	// ErrNotConverged: an iterative fit stopped at its iteration limit
	// before meeting its tolerance.
	ErrNotConverged = errors.New("adjust: fit did not converge")
)
