package aggregate

import (
	"errors"
	"fmt"
)

// Sentinel errors returned (wrapped) by the models' Fit methods; test for
// them with errors.Is.
var (
	// ErrNoPolls: no poll is usable for the requested share (none given,
	// or none publishes the share, or every one was filtered out).
	ErrNoPolls = errors.New("aggregate: no usable polls")
	// ErrConfig: a configuration field holds an invalid value (negative
	// where only positive values make sense, a level outside (0, 1), …).
	ErrConfig = errors.New("aggregate: invalid configuration")
	// ErrInvalidPoll: a poll failed validation (see PollError).
	ErrInvalidPoll = errors.New("aggregate: invalid poll")
)

// PollError reports a poll a model cannot use, naming where it came from
// (its Source and Line, as set by the poll readers) and its position in
// the slice passed to Fit. It wraps the validation error (a *poll.FieldError
// chain) and ErrInvalidPoll.
type PollError struct {
	Index  int    // position in the polls slice given to Fit
	Source string // poll.Poll.Source
	Line   int    // poll.Poll.Line; 0 when not from a file
	Err    error
}

func (e *PollError) Error() string {
	where := fmt.Sprintf("poll %d", e.Index)
	switch {
	case e.Source != "" && e.Line > 0:
		where += fmt.Sprintf(" (%s:%d)", e.Source, e.Line)
	case e.Line > 0:
		where += fmt.Sprintf(" (line %d)", e.Line)
	case e.Source != "":
		where += fmt.Sprintf(" (%s)", e.Source)
	}
	return fmt.Sprintf("aggregate: %s: %v", where, e.Err)
}

// Unwrap returns ErrInvalidPoll and the underlying validation error, so
// that both errors.Is(err, ErrInvalidPoll) and errors.Is(err,
// poll.ErrShareRange) (for instance) hold.
func (e *PollError) Unwrap() []error { return []error{ErrInvalidPoll, e.Err} }

// More sentinel errors of the state-space models (see also errors.go).
var (
	// ErrTooFewPolls: there are polls, but not enough to estimate what was
	// asked (for instance fewer polls than free house effects plus one).
	ErrTooFewPolls = errors.New("aggregate: too few polls")
	// ErrNoSampleSize: a poll has no sample size and its pollster has no
	// profile (poll.Lookup) giving a default one, so its sampling variance
	// is unknown.
	ErrNoSampleSize = errors.New("aggregate: unknown sample size")
)
