package poll

import (
	"errors"
	"fmt"
	"math"
)

// FieldError names the Poll field a validation error concerns, so a reader
// can map it back to a column.
type FieldError struct {
	Field string // Poll field name, e.g. "Approve"
	Err   error
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %v", e.Field, e.Err) }

// Unwrap returns the underlying sentinel.
func (e *FieldError) Unwrap() error { return e.Err }

// Validate checks the poll's internal consistency and returns every problem
// found joined with errors.Join, each a *FieldError wrapping a sentinel:
//
//   - ErrNoShares when approve and disapprove are both NaN;
//   - ErrShareRange for a share (or four-point detail) outside 0–100 or infinite;
//   - ErrShareSum when the published shares exceed 100 + ShareSumTolerance;
//   - ErrSampleSize for a negative sample size;
//   - ErrDateOrder when End is before Start, or Published before End;
//   - ErrDate when Start or End is zero;
//   - ErrShareRange for a response rate outside [0, 1] or a negative design
//     effect or weight.
func (p *Poll) Validate() error {
	if p.valid() {
		return nil
	}
	return p.problems()
}

// valid reports whether problems would find none, without building the
// list: every reader and every fit validates each poll, and the list's
// setup (a slice of the shares, errors.Join) was most of the cost of a
// valid poll. TestValidFastPath holds the two to the same answer.
func (p *Poll) valid() bool {
	inRange := func(v float64) bool { return !(v < 0 || v > 100) } // NaN passes: not published
	if math.IsNaN(p.Approve) && math.IsNaN(p.Disapprove) {
		return false
	}
	if !inRange(p.Approve) || !inRange(p.Disapprove) || !inRange(p.Undecided) || !inRange(p.Refused) {
		return false
	}
	// The sum in problems' order, so that the two agree to the last bit at
	// the tolerance.
	sum := 0.0
	if !math.IsNaN(p.Approve) {
		sum += p.Approve
	}
	if !math.IsNaN(p.Disapprove) {
		sum += p.Disapprove
	}
	if !math.IsNaN(p.Undecided) && !p.Flags.Has(UndecidedDerived) {
		sum += p.Undecided
	}
	if !math.IsNaN(p.Refused) {
		sum += p.Refused
	}
	if sum > 100+ShareSumTolerance {
		return false
	}
	if d := p.Detail; d != nil && (!inRange(d.DefinitelyYes) || !inRange(d.RatherYes) || !inRange(d.RatherNo) || !inRange(d.DefinitelyNo)) {
		return false
	}
	if p.SampleSize < 0 || p.Start.IsZero() || p.End.IsZero() || p.End.Before(p.Start) {
		return false
	}
	if !p.Published.IsZero() && p.Published.Before(p.End) {
		return false
	}
	if r := p.ResponseRate; r < 0 || r > 1 {
		return false
	}
	return p.DesignEffect >= 0 && p.Weight >= 0 // NaN fails
}

// problems is Validate's list of everything wrong with the poll. Every
// rule here has its twin in valid, which decides the common case (a valid
// poll) about twice as fast: on 2,000 valid polls the pair took 38 µs,
// this function alone 78 µs, and one function that made its errors out of
// line (no formatting arguments in its frame) 60 µs. A rule added here
// must be added there, and its field to TestValidFastPath's draws.
func (p *Poll) problems() error {
	var errs []error
	add := func(field string, err error) { errs = append(errs, &FieldError{field, err}) }
	if math.IsNaN(p.Approve) && math.IsNaN(p.Disapprove) {
		add("Approve", ErrNoShares)
	}
	sum := 0.0
	for _, s := range []struct {
		name string
		v    float64
	}{{"Approve", p.Approve}, {"Disapprove", p.Disapprove}, {"Undecided", p.Undecided}, {"Refused", p.Refused}} {
		if math.IsNaN(s.v) {
			continue
		}
		if math.IsInf(s.v, 0) || s.v < 0 || s.v > 100 {
			add(s.name, fmt.Errorf("%w: %g", ErrShareRange, s.v))
			continue
		}
		if s.name == "Undecided" && p.Flags.Has(UndecidedDerived) {
			continue // derived from the others; it cannot add information
		}
		sum += s.v
	}
	if sum > 100+ShareSumTolerance {
		add("Approve", fmt.Errorf("%w: %g", ErrShareSum, sum))
	}
	if d := p.Detail; d != nil {
		for _, v := range []float64{d.DefinitelyYes, d.RatherYes, d.RatherNo, d.DefinitelyNo} {
			if !math.IsNaN(v) && (math.IsInf(v, 0) || v < 0 || v > 100) {
				add("Detail", fmt.Errorf("%w: %g", ErrShareRange, v))
			}
		}
	}
	if p.SampleSize < 0 {
		add("SampleSize", fmt.Errorf("%w: %d", ErrSampleSize, p.SampleSize))
	}
	if p.Start.IsZero() || p.End.IsZero() {
		add("Start", ErrDate)
	} else if p.End.Before(p.Start) {
		add("End", fmt.Errorf("%w: ends %s before it starts %s", ErrDateOrder, p.End.Format("2006-01-02"), p.Start.Format("2006-01-02")))
	}
	if !p.Published.IsZero() && !p.End.IsZero() && p.Published.Before(p.End) {
		add("Published", fmt.Errorf("%w: published %s before fieldwork ends %s", ErrDateOrder, p.Published.Format("2006-01-02"), p.End.Format("2006-01-02")))
	}
	if r := p.ResponseRate; !math.IsNaN(r) && (r < 0 || r > 1) {
		add("ResponseRate", fmt.Errorf("%w: response rate %g", ErrShareRange, r))
	}
	if p.DesignEffect < 0 || math.IsNaN(p.DesignEffect) {
		add("DesignEffect", fmt.Errorf("%w: design effect %g", ErrShareRange, p.DesignEffect))
	}
	if p.Weight < 0 || math.IsNaN(p.Weight) {
		add("Weight", fmt.Errorf("%w: weight %g", ErrShareRange, p.Weight))
	}
	return errors.Join(errs...)
}

// zQuantile returns Φ⁻¹((1 + level)/2), the two-sided normal quantile for
// a confidence level in (0, 1); NaN otherwise.
func zQuantile(level float64) float64 {
	if !(level > 0 && level < 1) {
		return math.NaN()
	}
	return math.Sqrt2 * math.Erfinv(level)
}
