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
	// ErrInvalidPoll: a poll failed validation (see PollError). By default
	// such polls are left out of the fit, listed in Result.Excluded and
	// returned as this error beside the result; with Strict they fail it.
	ErrInvalidPoll = errors.New("aggregate: invalid poll")
	// ErrSpan: the polls (or an anchor) span more days than a fit holds
	// (MaxDays), as a mistyped year does.
	ErrSpan = errors.New("aggregate: span too long")
	// ErrTooFewPolls: there are polls, but not enough to estimate what was
	// asked (for instance fewer polls than free house effects plus one).
	ErrTooFewPolls = errors.New("aggregate: too few polls")
	// ErrTooManyPolls: more polls were given than a fit indexes
	// (MaxPolls).
	ErrTooManyPolls = errors.New("aggregate: too many polls")
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
	return fmt.Sprintf("aggregate: %s: %v", pollWhere(e.Index, e.Source, e.Line), e.Err)
}

// pollWhere names a poll by its position in the slice given to Fit and,
// when known, the file and line it was read from.
func pollWhere(index int, source string, line int) string {
	where := fmt.Sprintf("poll %d", index)
	switch {
	case source != "" && line > 0:
		where += fmt.Sprintf(" (%s:%d)", source, line)
	case line > 0:
		where += fmt.Sprintf(" (line %d)", line)
	case source != "":
		where += fmt.Sprintf(" (%s)", source)
	}
	return where
}

// Unwrap returns ErrInvalidPoll and the underlying validation error, so
// that both errors.Is(err, ErrInvalidPoll) and errors.Is(err,
// poll.ErrShareRange) (for instance) hold.
func (e *PollError) Unwrap() []error { return []error{ErrInvalidPoll, e.Err} }
