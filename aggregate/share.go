package aggregate

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/candorpoll/candor/poll"
)

// Share names one of the three shares a poll publishes.
type Share uint8

// The shares. Undecided is the published "hard to say" (plus refusals when
// the pollster folds them in), or 100 − approve − disapprove when the poll
// does not publish it (see observationsFor).
const (
	Approve Share = iota
	Disapprove
	Undecided
)

var shareNames = [...]string{"approve", "disapprove", "undecided"}

// String returns "approve", "disapprove" or "undecided".
func (s Share) String() string {
	if int(s) < len(shareNames) {
		return shareNames[s]
	}
	return fmt.Sprintf("Share(%d)", uint8(s))
}

// value returns the share of p, deriving the undecided share as
// 100 − approve − disapprove when it is not published.
func (s Share) value(p *poll.Poll) float64 {
	switch s {
	case Approve:
		return p.Approve
	case Disapprove:
		return p.Disapprove
	case Undecided:
		if !math.IsNaN(p.Undecided) {
			return p.Undecided
		}
		if d := 100 - p.Approve - p.Disapprove; d >= 0 {
			return d // NaN when either is unpublished
		}
	}
	return math.NaN()
}

// eachShare runs f for every share concurrently — the shares are fitted
// independently, so a three-share fit takes the time of the slowest — and
// returns the results in the order of shares, or the join of every error.
// (Shared by StateSpace and Bayes.)
func eachShare[T any](shares []Share, f func(i int, s Share) (T, error)) ([]T, error) {
	results := make([]T, len(shares))
	errs := make([]error, len(shares))
	var wg sync.WaitGroup
	for i, s := range shares {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = f(i, s)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return results, nil
}

// assembleShares applies the sum ≤ 100 projection when all three shares
// were estimated and hangs the results off the first of approve,
// disapprove and undecided. (Shared with Bayes.)
func assembleShares(results []*Result, shares []Share) *Result {
	if len(shares) == 3 {
		constrainSum(results, shares)
	}
	byShare := map[Share]*Result{}
	for i, sh := range shares {
		byShare[sh] = results[i]
	}
	var top *Result
	for _, sh := range []Share{Approve, Disapprove, Undecided} {
		r, ok := byShare[sh]
		if !ok {
			continue
		}
		switch {
		case top == nil:
			top = r
		case sh == Disapprove:
			top.Disapprove = r
		case sh == Undecided:
			top.Undecided = r
		}
	}
	return top
}

// constrainSum makes the approve, disapprove and undecided means sum to at
// most 100 on every day of the smoothed and filtered series: when the sum
// exceeds 100 by e, share k's mean moves down by d_k = e·SD_k²/Σ SD² (its
// SD, interval and band are scaled by the same factor 1 − d_k/mean, which
// keeps them inside [0, 100]), the least-squares projection onto the sum of 100
// weighted by the estimates' precision (what conditioning the three
// independent estimates on a sum of 100 gives). The largest move is
// reported as the diagnostic "sum-projection" on the first result.
func constrainSum(results []*Result, shares []Share) {
	var rs [3]*Result
	for i, sh := range shares {
		rs[sh] = results[i]
	}
	worst := 0.0
	apply := func(get func(*Result) []Point) {
		a, b, c := get(rs[0]), get(rs[1]), get(rs[2])
		// Align by date: the three series may start on different days.
		idx := map[time.Time][3]int{}
		for i, p := range a {
			idx[p.Date] = [3]int{i, -1, -1}
		}
		for i, p := range b {
			if v, ok := idx[p.Date]; ok {
				v[1] = i
				idx[p.Date] = v
			}
		}
		for i, p := range c {
			if v, ok := idx[p.Date]; ok {
				v[2] = i
				idx[p.Date] = v
			}
		}
		for _, v := range idx {
			if v[1] < 0 || v[2] < 0 {
				continue
			}
			ps := [3]*Point{&a[v[0]], &b[v[1]], &c[v[2]]}
			// A share at 0 cannot move down: the excess is shared among the
			// others only, and a share that reaches 0 passes the rest of its
			// part on in the next pass (at most three; before, the remainder
			// was left and the sum stayed above 100 — a mean clamped to 0 on
			// the points scale, found by the degenerate tests).
			for range 3 {
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
		}
	}
	apply(func(r *Result) []Point { return r.Series })
	apply(func(r *Result) []Point { return r.Filtered })
	rs[0].Diagnostics = append(rs[0].Diagnostics, Diagnostic{Name: "sum-projection", Value: worst, OK: worst < 1,
		Note: "largest move (points) of any share's mean to make approve + disapprove + undecided ≤ 100"})
}
