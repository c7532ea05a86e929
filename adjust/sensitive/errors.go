package sensitive

import (
	"errors"

	"github.com/candorpoll/candor/adjust"
)

// Sentinel errors returned (wrapped with context) by the estimators of this
// package; test for them with errors.Is. The reader returns, besides,
// one *poll.ParseError per rejected row (see [ReadRespondents]).
//
// ErrEmpty, ErrProbability and ErrValue are adjust's own sentinels, not
// copies: a bad input is the same failure in either package, and
// errors.Is(err, adjust.ErrValue) and errors.Is(err, sensitive.ErrValue)
// are one test. The other five name failures only the survey-level
// estimators have, and live here.
var (
	// ErrEmpty: no observations (or none left after removing incomplete
	// rows). It is [adjust.ErrEmpty].
	ErrEmpty = adjust.ErrEmpty
	// ErrProbability: a probability or share lies outside (0, 1) where the
	// estimator needs it inside (a design probability, a prevalence on
	// the boundary). It is [adjust.ErrProbability].
	ErrProbability = adjust.ErrProbability
	// ErrValue: an input value is not finite or otherwise invalid (a
	// negative weight, a direct answer that is not 0 or 1, J < 1, …). It
	// is [adjust.ErrValue].
	ErrValue = adjust.ErrValue

	// ErrLength: slices that must be parallel have different lengths.
	ErrLength = errors.New("sensitive: mismatched slice lengths")
	// ErrCountRange: a list-experiment count is negative, not an integer,
	// above J for a control respondent or above J+1 for a treated one.
	ErrCountRange = errors.New("sensitive: item count out of range")
	// ErrGroupSize: a treatment or control group has fewer than two
	// respondents, so its variance cannot be estimated.
	ErrGroupSize = errors.New("sensitive: group too small")
	// ErrSingular: a design matrix or information matrix is singular, so
	// the coefficients or their standard errors are not identified.
	ErrSingular = errors.New("sensitive: singular matrix")
	// ErrNotConverged: an iterative fit stopped at its iteration limit
	// before meeting its tolerance.
	ErrNotConverged = errors.New("sensitive: fit did not converge")
)
