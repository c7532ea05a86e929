package forensics

import (
	"errors"
	"fmt"
	"strings"

	"github.com/candorpoll/candor/poll"
)

// Sentinel errors. Every rejected row of a reader is a *ParseError wrapping
// one of the reader sentinels, so errors.Is works on the *RowErrors the
// reader returns; the estimators' errors wrap the others.
var (
	// ErrEmpty: the input holds no header (or nothing at all).
	ErrEmpty = errors.New("forensics: empty input")
	// ErrEncoding: a cell is not valid UTF-8 text.
	ErrEncoding = errors.New("forensics: invalid text encoding")
	// ErrSyntax: the CSV itself is malformed (a stray quote).
	ErrSyntax = errors.New("forensics: malformed CSV")
	// ErrLayout: the header is not a protocol table this package knows
	// (no region column, or tik without uik).
	ErrLayout = errors.New("forensics: unknown layout")
	// ErrMissingColumn: a protocol line or the candidate columns are
	// absent from the header.
	ErrMissingColumn = errors.New("forensics: required column missing")
	// ErrFieldCount: a row has a different number of cells than the
	// header.
	ErrFieldCount = errors.New("forensics: wrong number of fields")
	// ErrMissing: a cell is empty in a row whose other counts are given
	// (a row whose counts are all empty is a station without data, kept in
	// Election.Unreported, not an error).
	ErrMissing = errors.New("forensics: required value missing")
	// ErrNumber: a count is not a whole number.
	ErrNumber = errors.New("forensics: invalid number")
	// ErrNegative: a count is negative.
	ErrNegative = errors.New("forensics: negative count")
	// ErrDuplicate: the same station (region, territorial and station
	// commission), or the same region in a region-level file, appears
	// twice; the later row is rejected.
	ErrDuplicate = errors.New("forensics: duplicate station")
	// ErrOmitted: more rows were rejected than the reader keeps errors for
	// (WithMaxErrors); they are counted in RowErrors.Omitted.
	ErrOmitted = errors.New("forensics: further rejected rows omitted")

	// ErrCandidate: a candidate name matches no column, or several.
	ErrCandidate = errors.New("forensics: unknown candidate")
	// ErrCandidates: two tables of one election list different
	// candidates.
	ErrCandidates = errors.New("forensics: candidate lists differ")
	// ErrNoData: no station is left to analyse after the exclusions.
	ErrNoData = errors.New("forensics: no stations to analyse")
	// ErrConfig: an estimator setting is out of its range (a level outside
	// (0, 1), a negative count, a bin width that does not divide 100, …).
	ErrConfig = errors.New("forensics: invalid setting")
)

// ParseError is a rejected row: poll's ParseError, so that every reader
// of the project reports "file:line:column: "value": message" alike. Err
// is one of this package's sentinels (possibly wrapped with detail).
type ParseError = poll.ParseError

// RowErrors is the error a reader returns beside the rows it kept: one
// *ParseError per rejected row, in file order, up to the reader's cap,
// and the number of further rejected rows. It unwraps to the parse errors
// (and to ErrOmitted when rows were omitted), so errors.Is and errors.As
// see every one of them.
type RowErrors struct {
	Errors  []*ParseError
	Omitted int // rejected rows beyond the cap: counted, not kept
}

func (e *RowErrors) Error() string {
	n := len(e.Errors) + e.Omitted
	if n == 1 && len(e.Errors) == 1 {
		return e.Errors[0].Error()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "forensics: %d rows rejected", n)
	for i, pe := range e.Errors {
		if i == 3 {
			fmt.Fprintf(&b, "; …")
			break
		}
		b.WriteString("; ")
		b.WriteString(pe.Error())
	}
	return b.String()
}

// Unwrap returns the parse errors, and an ErrOmitted error when rows were
// omitted.
func (e *RowErrors) Unwrap() []error {
	out := make([]error, 0, len(e.Errors)+1)
	for _, pe := range e.Errors {
		out = append(out, pe)
	}
	if e.Omitted > 0 {
		out = append(out, fmt.Errorf("%w: %d more", ErrOmitted, e.Omitted))
	}
	return out
}
