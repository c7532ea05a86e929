package poll

import (
	"errors"
	"slices"
)

// errorList collects the errors of one read: the MaxErrors *ParseErrors
// that come first in the file, counting the others (see MaxErrors), and any
// other error (a failing io.Reader) as it is. It is a max-heap on position
// while full, so that errors found out of line order (the release readers
// read tables column by column) still keep the first MaxErrors of the file.
type errorList struct {
	source string
	kept   []*ParseError // a max-heap on (Line, Column, seq) once len == MaxErrors
	seq    []int         // push order of kept, to keep equal positions in that order
	other  []error
	n      int // ParseErrors pushed

	omitted, firstOmitted, lastOmitted int
}

// after reports whether kept[i] comes after kept[j] in the file.
func (e *errorList) after(i, j int) bool {
	a, b := e.kept[i], e.kept[j]
	if a.Line != b.Line {
		return a.Line > b.Line
	}
	if a.Column != b.Column {
		return a.Column > b.Column
	}
	return e.seq[i] > e.seq[j]
}

// push adds an error: a *ParseError is kept or counted (see errorList);
// anything else is kept. A nil error is ignored.
func (e *errorList) push(err error) {
	pe, ok := err.(*ParseError)
	if !ok {
		if err != nil {
			e.other = append(e.other, err)
		}
		return
	}
	e.n++
	if len(e.kept) < MaxErrors {
		e.kept = append(e.kept, pe)
		e.seq = append(e.seq, e.n)
		if len(e.kept) == MaxErrors {
			for i := len(e.kept)/2 - 1; i >= 0; i-- {
				e.down(i)
			}
		}
		return
	}
	top := e.kept[0]
	if pe.Line < top.Line || pe.Line == top.Line && pe.Column < top.Column {
		e.kept[0], e.seq[0] = pe, e.n
		e.down(0)
		e.count(top.Line)
		return
	}
	e.count(pe.Line)
}

// down restores the max-heap order below kept[i].
func (e *errorList) down(i int) {
	for {
		top, l, r := i, 2*i+1, 2*i+2
		if l < len(e.kept) && e.after(l, top) {
			top = l
		}
		if r < len(e.kept) && e.after(r, top) {
			top = r
		}
		if top == i {
			return
		}
		e.kept[i], e.kept[top] = e.kept[top], e.kept[i]
		e.seq[i], e.seq[top] = e.seq[top], e.seq[i]
		i = top
	}
}

// count records a left-out error at line.
func (e *errorList) count(line int) {
	if e.omitted == 0 || line < e.firstOmitted {
		e.firstOmitted = line
	}
	e.lastOmitted = max(e.lastOmitted, line)
	e.omitted++
}

// countMany records n left-out errors on lines first to last, after the
// list has been filled with earlier ones.
func (e *errorList) countMany(n, first, last int) {
	e.count(first)
	e.count(last)
	e.omitted += n - 2
}

// add reports a rejected cell.
func (e *errorList) add(c cell, value string, err error) {
	e.push(&ParseError{Line: c.Line, Column: c.Col, Value: value, Err: err})
}

// addRow reports a rejected row (or line), without a column.
func (e *errorList) addRow(line int, value string, err error) {
	e.push(&ParseError{Line: line, Value: value, Err: err})
}

// merge adds the errors of o (a list of its own, whose order is kept for
// errors at the same position).
func (e *errorList) merge(o *errorList) {
	for _, pe := range o.parseErrors() {
		e.push(pe)
	}
	if o.omitted > 0 {
		e.countMany(o.omitted, o.firstOmitted, o.lastOmitted)
	}
	e.other = append(e.other, o.other...)
}

// empty reports whether no error was pushed.
func (e *errorList) empty() bool { return e.n == 0 && len(e.other) == 0 }

// parseErrors returns the kept ParseErrors, in file order.
func (e *errorList) parseErrors() []*ParseError {
	out := slices.Clone(e.kept)
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		switch {
		case e.after(i, j):
			return 1
		case e.after(j, i):
			return -1
		}
		return 0
	})
	for k, i := range idx {
		out[k] = e.kept[i]
	}
	return out
}

// err returns the joined error of the read, nil when there is none: the
// kept ParseErrors in file order, each with the source set and its Value
// clipped and copied (so that no error holds the input), then the
// ParseError counting the left-out ones, then any other error.
func (e *errorList) err() error {
	if e.empty() {
		return nil
	}
	pes := e.parseErrors()
	errs := make([]error, 0, len(pes)+1+len(e.other))
	for _, pe := range pes {
		if pe.Source == "" {
			pe.Source = e.source
		}
		pe.Value = clipValue(pe.Value)
		errs = append(errs, pe)
	}
	if e.omitted > 0 {
		errs = append(errs, &ParseError{Source: e.source, Line: e.firstOmitted,
			Err: &Omitted{Count: e.omitted, FirstLine: e.firstOmitted, LastLine: e.lastOmitted}})
	}
	errs = append(errs, e.other...)
	return errors.Join(errs...)
}

// unwrapJoined returns the errors err joins (errors.Join), or err alone.
func unwrapJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
