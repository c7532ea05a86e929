package adjust

import "errors"

// Sentinel errors returned (wrapped with context) by the functions of this
// package; test for them with errors.Is. Package adjust/sensitive returns
// the same three values for the same failures (its ErrEmpty, ErrValue and
// ErrProbability are these), so one errors.Is test covers both packages.
var (
	// ErrEmpty: no observations (or none left after removing incomplete
	// rows).
	ErrEmpty = errors.New("adjust: no observations")
	// ErrProbability: a probability or share lies outside (0, 1) where the
	// estimator needs it inside.
	ErrProbability = errors.New("adjust: probability outside (0, 1)")
	// ErrValue: an input value is not finite or otherwise invalid (a
	// negative weight, a level outside (0, 1), an unknown method, …).
	ErrValue = errors.New("adjust: invalid value")
)
