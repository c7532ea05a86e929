package aggregate

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/candorpoll/candor/poll"
)

// Share names one of the three shares a poll publishes. Every model,
// writer and chart reads a poll's share through Share.Value, the one
// definition of what each share means.
type Share uint8

// The shares.
const (
	// Approve is the published approval share.
	Approve Share = iota
	// Disapprove is the published disapproval share.
	Disapprove
	// Undecided is the "hard to say" share: neither approve nor
	// disapprove, and not a refusal. It is the published share when the
	// poll publishes it; otherwise 100 − approve − disapprove − refused,
	// with refused 0 when the poll does not publish refusals apart (the
	// derived share then includes them, as in VTsIOM's series; the readers
	// flag such polls poll.UndecidedDerived). The refused share
	// (poll.Poll.Refused) is kept apart and never modelled: a refusal is a
	// non-answer, not an opinion.
	Undecided
)

// allShares are the shares in their canonical order.
var allShares = []Share{Approve, Disapprove, Undecided}

var shareNames = [...]string{"approve", "disapprove", "undecided"}

// String returns "approve", "disapprove" or "undecided".
func (s Share) String() string {
	if int(s) < len(shareNames) {
		return shareNames[s]
	}
	return fmt.Sprintf("Share(%d)", uint8(s))
}

// ParseShare returns the share named by String's output.
func ParseShare(name string) (Share, error) {
	for i, n := range shareNames {
		if n == name {
			return Share(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown share %q (want approve, disapprove or undecided)", ErrConfig, name)
}

// Value returns p's value of share s in points, and NaN when p does not
// publish it (see Undecided for how a missing undecided share is derived;
// a derived share below 0, from rounding or a misprint, is NaN).
func (s Share) Value(p *poll.Poll) float64 {
	switch s {
	case Approve:
		return p.Approve
	case Disapprove:
		return p.Disapprove
	case Undecided:
		if !math.IsNaN(p.Undecided) {
			return p.Undecided
		}
		refused := p.Refused
		if math.IsNaN(refused) {
			refused = 0
		}
		if d := 100 - p.Approve - p.Disapprove - refused; d >= 0 {
			return d // NaN when approve or disapprove is unpublished
		}
	}
	return math.NaN()
}

// sharesOf returns the shares a model estimates: list in canonical order,
// or all three when list is empty. A repeated or unknown share is an
// ErrConfig error naming field.
func sharesOf(field string, list []Share) ([]Share, error) {
	if len(list) == 0 {
		return allShares, nil
	}
	var seen [3]bool
	for _, s := range list {
		if s > Undecided || seen[s] {
			return nil, fmt.Errorf("%w: %s: invalid or repeated share %v", ErrConfig, field, s)
		}
		seen[s] = true
	}
	var out []Share
	for _, s := range allShares {
		if seen[s] {
			out = append(out, s)
		}
	}
	return out, nil
}

// eachShare fits the shares of list (nil: all three; field names the
// configuration field in errors) by calling f for each, concurrently — the
// shares are fitted independently, so a three-share fit takes the time of
// the slowest. It returns the shares fitted and their results in
// canonical order.
//
// A share that no poll publishes (f's error wraps ErrNoPolls) fails the
// fit when list names it; when list is nil it is left out with a warning,
// so a file of approval shares alone still gets its approval fitted. Any
// other error, or no share left, is the join of the errors.
func eachShare[T any](field string, list []Share, f func(i int, s Share) (T, error)) (shares []Share, results []T, warnings []string, err error) {
	all, err := sharesOf(field, list)
	if err != nil {
		return nil, nil, nil, err
	}
	res := make([]T, len(all))
	errs := make([]error, len(all))
	// The last share is fitted on the calling goroutine: a one-share fit
	// starts no goroutine.
	var wg sync.WaitGroup
	for i, s := range all[:len(all)-1] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i], errs[i] = f(i, s)
		}()
	}
	last := len(all) - 1
	res[last], errs[last] = f(last, all[last])
	wg.Wait()
	var hard []error
	for i, s := range all {
		switch e := errs[i]; {
		case e == nil:
			shares = append(shares, s)
			results = append(results, res[i])
		case len(list) == 0 && errors.Is(e, ErrNoPolls):
			warnings = append(warnings, fmt.Sprintf("%s not estimated: %v", s, e))
			hard = append(hard, e) // an error only if nothing is left
		default:
			return nil, nil, nil, errors.Join(errs...)
		}
	}
	if len(shares) == 0 {
		return nil, nil, nil, errors.Join(hard...)
	}
	return shares, results, warnings, nil
}

// assemble puts the per-share results of one fit side by side in a
// Result, after making the estimated shares' means sum to at most 100 on
// every day (constrainSum) when more than one share was estimated.
func assemble(model string, level float64, results []*ShareResult) *Result {
	r := &Result{Model: model, Level: level}
	if len(results) > 1 {
		r.Diagnostics = append(r.Diagnostics, constrainSum(results))
	}
	for _, sr := range results {
		r.set(sr)
	}
	return r
}

// constrainSum makes the means of the estimated shares (two or three)
// sum to at most 100 on every day of the smoothed and filtered series:
// when the sum exceeds 100 by e, share k's mean moves down by
// d_k = e·SD_k²/Σ SD² (its SD, interval and band are scaled by the same
// factor 1 − d_k/mean, which keeps them inside [0, 100]), the
// least-squares projection onto the sum of 100 weighted by the estimates'
// precision (what conditioning the independent estimates on a sum of 100
// gives). It returns the diagnostic "sum-projection", the largest move.
func constrainSum(results []*ShareResult) Diagnostic {
	worst := 0.0
	series := make([][]Point, len(results))
	apply := func() {
		// The series may start on different days and the filtered ones
		// skip days: walk them together by date.
		pos := make([]int, len(series))
		ps := make([]*Point, len(series))
		for {
			d, done := math.MaxInt, false
			for k, pts := range series {
				if pos[k] == len(pts) {
					done = true
					break
				}
				d = min(d, dayNumber(pts[pos[k]].Date))
			}
			if done {
				return
			}
			all := true
			for k, pts := range series {
				if dayNumber(pts[pos[k]].Date) != d {
					all = false
					continue
				}
				ps[k] = &pts[pos[k]]
				pos[k]++
			}
			if all {
				worst = max(worst, projectSum(ps))
			}
		}
	}
	for k, r := range results {
		series[k] = r.Series
	}
	apply()
	for k, r := range results {
		series[k] = r.Filtered
	}
	apply()
	return Diagnostic{Name: "sum-projection", Value: worst, OK: worst < 1,
		Note: "largest move (points) of any share's mean to make the estimated shares sum to at most 100"}
}

// projectSum moves the points of one day so that their means sum to at
// most 100 (constrainSum) and returns the largest move.
func projectSum(ps []*Point) float64 {
	worst := 0.0
	// A share at 0 cannot move down: the excess is shared among the others
	// only, and a share that reaches 0 passes the rest of its part on in
	// the next pass (at most one pass per share; before, the remainder was
	// left and the sum stayed above 100 — a mean clamped to 0 on the
	// points scale, found by the degenerate tests).
	for range ps {
		sum, vs := 0.0, 0.0
		for _, p := range ps {
			sum += p.Mean
			if p.Mean > 0 {
				vs += p.SD * p.SD
			}
		}
		e := sum - 100
		if e <= 1e-12 || !(vs > 0) {
			break
		}
		for _, p := range ps {
			if !(p.Mean > 0) {
				continue
			}
			d := e * p.SD * p.SD / vs
			// Scale rather than shift the interval and band, so that
			// bounds inside [0, 100] stay there.
			f := max(p.Mean-d, 0) / p.Mean
			p.Mean *= f
			p.Lower *= f
			p.Upper *= f
			p.PollLower *= f
			p.PollUpper *= f
			p.SD *= f
			worst = max(worst, d)
		}
	}
	return worst
}
