package report

import (
	"errors"
	"fmt"
)

// Sentinel errors, usable with errors.Is.
var (
	// ErrConfig: the configuration cannot be used (no files, an unknown
	// model or format, a reference pollster for the average, a level
	// outside (0, 1), a reversed exclusion, a κ that is not positive, an
	// official value outside 0–100, …).
	ErrConfig = errors.New("report: invalid configuration")
	// ErrRejected: with Config.Strict, some rows were rejected or some
	// file gave no polls. Report.Files says which and why.
	ErrRejected = errors.New("report: input rejected")
	// ErrNoPolls: no file gave a poll, or every poll was excluded.
	ErrNoPolls = errors.New("report: no polls to fit")
	// ErrNoChart: the report holds nothing a chart could draw (a fit
	// with no series, or no election for the fingerprint).
	ErrNoChart = errors.New("report: nothing to chart")
	// ErrIncomplete: the report has no fit to write (Run returned an
	// error before fitting, or the Report was not made by Run).
	ErrIncomplete = errors.New("report: no fit to write")
)

// FileError is a poll or election file that could not be used at all: it
// could not be opened or read, or no reader recognised it, or it gave no
// polls. Err is the reader's error (for poll files a joined list of
// *poll.ParseError with line and column).
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return fmt.Sprintf("report: %s: %v", e.Path, e.Err) }

func (e *FileError) Unwrap() error { return e.Err }
