package poll

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Sentinel errors. Every error returned by a reader for a rejected row is a
// *ParseError wrapping one of these, so errors.Is works on the joined error.
var (
	// ErrShareRange: a share is outside 0–100 (or not a finite number).
	ErrShareRange = errors.New("poll: share outside 0–100")
	// ErrShareSum: the published shares add up to more than
	// 100 + ShareSumTolerance.
	ErrShareSum = errors.New("poll: shares sum to more than 100")
	// ErrSampleSize: a sample size is negative, zero where given, or not a
	// whole number.
	ErrSampleSize = errors.New("poll: invalid sample size")
	// ErrDateOrder: fieldwork ends before it starts, or is published before
	// it ends.
	ErrDateOrder = errors.New("poll: dates out of order")
	// ErrDate: a date cell cannot be parsed.
	ErrDate = errors.New("poll: invalid date")
	// ErrNumber: a numeric cell cannot be parsed (including thousands
	// separators such as "1,234", which are ambiguous with decimal commas).
	ErrNumber = errors.New("poll: invalid number")
	// ErrMissing: a value required by the layout is empty or NA.
	ErrMissing = errors.New("poll: required value missing")
	// ErrMissingColumn: a required column is absent from the header.
	ErrMissingColumn = errors.New("poll: required column missing")
	// ErrFieldCount: a row has fewer cells than the header (truncated row).
	ErrFieldCount = errors.New("poll: wrong number of fields")
	// ErrSyntax wraps a CSV syntax error, such as a bare quote inside an
	// unquoted field or a quoted field that never closes.
	ErrSyntax = errors.New("poll: malformed CSV")
	// ErrUnknownLayout: the input is not in any layout the reader knows.
	ErrUnknownLayout = errors.New("poll: unknown layout")
	// ErrEncoding: the input is not valid text in a supported encoding.
	ErrEncoding = errors.New("poll: invalid text encoding")
	// ErrEmpty: the input holds no data.
	ErrEmpty = errors.New("poll: empty input")
	// ErrUnknownValue: a categorical cell (population, mode, flag) is not
	// recognised.
	ErrUnknownValue = errors.New("poll: unknown value")
	// ErrNoShares: neither approve nor disapprove is published.
	ErrNoShares = errors.New("poll: no share published")

	// ErrTooMany: a reader found more than MaxErrors rejections; the
	// *ParseError ending its error list wraps it through an *Omitted that
	// counts those not listed.
	ErrTooMany = errors.New("poll: too many rejections")

	// ErrMargin: a margin-of-error statement that implies no design effect
	// (DesignEffectFromMargin): a margin or sample size that is not
	// positive, or a proportion or confidence level outside (0, 1).
	ErrMargin = errors.New("poll: invalid margin-of-error statement")
	// ErrProfile: a pollster profile given to NewProfiles is invalid.
	ErrProfile = errors.New("poll: invalid pollster profile")
	// ErrProfileConflict: a name or alias given to NewProfiles already
	// belongs to another pollster.
	ErrProfileConflict = errors.New("poll: pollster name already taken")
)

// ShareSumTolerance is how far, in points, the published shares of one poll
// may add up to beyond 100 before Validate rejects them with ErrShareSum.
// Three shares rounded to integers can sum to 101.5 at most; one more point
// allows for small unpublished categories and a pollster's own rounding
// (release-formats.md, section 8). Sums below 100 are never an error: an
// unpublished category takes the rest.
const ShareSumTolerance = 2.0

// ParseError reports a rejected row or cell. Line and Column are 1-based;
// Column is 0 when the error concerns the whole row. Value is the offending
// text as read, cut to its first maxValueLen bytes (followed by "…") when
// longer, so that an error about a huge line does not hold the line.
type ParseError struct {
	Source string // file name or description; may be empty
	Line   int
	Column int
	Value  string
	Err    error
}

// Error returns "source:line:column: "value": message", the form editors
// and terminals turn into a link to the cell. As in go/token, the source
// is left out when unknown ("3:2: …") and so is a zero column
// ("source:3: …"); so is an empty value.
func (e *ParseError) Error() string {
	var b strings.Builder
	if e.Source != "" {
		b.WriteString(e.Source)
		b.WriteByte(':')
	}
	b.WriteString(strconv.Itoa(e.Line))
	if e.Column > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Column))
	}
	b.WriteString(": ")
	if e.Value != "" {
		b.WriteString(strconv.Quote(e.Value))
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// maxValueLen is how much of an offending text a ParseError keeps.
const maxValueLen = 200

// clipValue returns short(s) in its own memory (never a view of the
// input).
func clipValue(s string) string { return strings.Clone(short(s)) }

// short returns s, or its first maxValueLen bytes followed by "…": what an
// error message quotes of a cell, so that a message about a huge cell is
// not itself huge.
func short(s string) string {
	if len(s) <= maxValueLen {
		return s
	}
	cut := maxValueLen
	for cut > maxValueLen-utf8.UTFMax && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// Unwrap returns the underlying error, usually one of the sentinels.
func (e *ParseError) Unwrap() error { return e.Err }

// ParseErrors extracts every *ParseError from err, which may be a single
// error or one built with errors.Join (as readers return). It returns nil
// when err holds none.
func ParseErrors(err error) []*ParseError {
	var out []*ParseError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if pe, ok := e.(*ParseError); ok {
			out = append(out, pe)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		walk(errors.Unwrap(e))
	}
	walk(err)
	return out
}

// MaxErrors is how many rejections a reader lists, each as a *ParseError.
// A file with more (a file of another layout read as this one, a column of
// values in the wrong unit) lists the MaxErrors that come first in the file
// — by line, then column — and ends the list with one more *ParseError,
// at the first line left out, whose Err is an *Omitted wrapping ErrTooMany
// and saying how many rejections were left out and on which lines. Rejected
// counts them all. The cap keeps the memory of a read proportional to its
// input and its result rather than to the number of its errors.
const MaxErrors = 1000

// Omitted is the Err of the *ParseError that ends an error list capped at
// MaxErrors.
type Omitted struct {
	Count               int // rejections found but not listed
	FirstLine, LastLine int // lines of the first and the last of them
}

func (o *Omitted) Error() string {
	return fmt.Sprintf("%v: %d more rejections on lines %d–%d are not listed (a reader lists the first %d)",
		ErrTooMany, o.Count, o.FirstLine, o.LastLine, MaxErrors)
}

// Unwrap returns ErrTooMany.
func (o *Omitted) Unwrap() error { return ErrTooMany }

// Rejected returns how many rejections err reports: one per *ParseError,
// and for a list capped at MaxErrors the ones it left out (Omitted.Count)
// instead of the ParseError that counts them.
func Rejected(err error) int {
	n := 0
	for _, pe := range ParseErrors(err) {
		var o *Omitted
		if errors.As(pe.Err, &o) {
			n += o.Count
			continue
		}
		n++
	}
	return n
}
