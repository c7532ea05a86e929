package poll

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func validPoll() Poll {
	return Poll{Pollster: "Levada", Start: date(2023, 10, 19), End: date(2023, 10, 25), SampleSize: 1600,
		Approve: 82, Disapprove: 15, Undecided: 3, Refused: math.NaN(), ResponseRate: math.NaN()}
}

func TestValidate(t *testing.T) {
	require.NoError(t, (&Poll{Start: date(2020, 1, 1), End: date(2020, 1, 1), Approve: 50, Disapprove: math.NaN(), Undecided: math.NaN(), Refused: math.NaN()}).Validate())
	v := validPoll()
	require.NoError(t, v.Validate())
	for _, tc := range []struct {
		name   string
		modify func(*Poll)
		field  string
		err    error
	}{
		{"no shares", func(p *Poll) { p.Approve, p.Disapprove = math.NaN(), math.NaN() }, "Approve", ErrNoShares},
		{"negative share", func(p *Poll) { p.Disapprove = -1 }, "Disapprove", ErrShareRange},
		{"share over 100", func(p *Poll) { p.Approve = 100.5; p.Disapprove, p.Undecided = 0, 0 }, "Approve", ErrShareRange},
		{"infinite share", func(p *Poll) { p.Undecided = math.Inf(1) }, "Undecided", ErrShareRange},
		{"refused out of range", func(p *Poll) { p.Refused = 101 }, "Refused", ErrShareRange},
		{"sum 107", func(p *Poll) { p.Approve, p.Disapprove, p.Undecided = 67, 20, 20 }, "Approve", ErrShareSum},
		{"sum just over tolerance", func(p *Poll) { p.Approve, p.Disapprove, p.Undecided = 85, 15, 2.01 }, "Approve", ErrShareSum},
		{"detail out of range", func(p *Poll) { p.Detail = &FourPoint{-1, 2, 3, 4} }, "Detail", ErrShareRange},
		{"negative n", func(p *Poll) { p.SampleSize = -1600 }, "SampleSize", ErrSampleSize},
		{"reversed dates", func(p *Poll) { p.Start, p.End = p.End, p.Start }, "End", ErrDateOrder},
		{"published early", func(p *Poll) { p.Published = date(2023, 10, 20) }, "Published", ErrDateOrder},
		{"no dates", func(p *Poll) { p.Start = time.Time{} }, "Start", ErrDate},
		{"response rate", func(p *Poll) { p.ResponseRate = 1.2 }, "ResponseRate", ErrShareRange},
		{"negative deff", func(p *Poll) { p.DesignEffect = -1 }, "DesignEffect", ErrShareRange},
		{"NaN weight", func(p *Poll) { p.Weight = math.NaN() }, "Weight", ErrShareRange},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := validPoll()
			tc.modify(&p)
			err := p.Validate()
			require.ErrorIs(t, err, tc.err)
			var fe *FieldError
			require.True(t, errors.As(err, &fe))
			assert.Equal(t, tc.field, fe.Field)
		})
	}
}

func TestValidateToleranceAndDerived(t *testing.T) {
	p := validPoll()
	p.Approve, p.Disapprove, p.Undecided = 85, 15, 2 // 102: at the tolerance
	assert.NoError(t, p.Validate())
	p.Approve, p.Disapprove, p.Undecided = 60, 30, 5 // 95: an unpublished category takes the rest
	assert.NoError(t, p.Validate())
	// A derived undecided share adds no information to the sum.
	p.Approve, p.Disapprove, p.Undecided, p.Flags = 70, 31.5, 0, UndecidedDerived
	assert.NoError(t, p.Validate())
}

func TestValidateReportsEveryProblem(t *testing.T) {
	p := validPoll()
	p.SampleSize = -1
	p.Approve = 200
	p.Weight = -1
	fields := map[string]bool{}
	for _, e := range p.Validate().(interface{ Unwrap() []error }).Unwrap() {
		var fe *FieldError
		require.True(t, errors.As(e, &fe))
		fields[fe.Field] = true
	}
	assert.Equal(t, map[string]bool{"Approve": true, "SampleSize": true, "Weight": true}, fields)
}

// TestValidFastPath holds Validate's fast path (valid) to the full check
// (problems) on polls whose every field is drawn from its edge values: the
// two must agree on whether a poll has a problem.
func TestValidFastPath(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	// Each list starts with the values a valid poll can have; draws
	// favour the start (the least of three), so that valid and invalid
	// polls are both common.
	shares := []float64{3, 33.3, nan, 0, math.Copysign(0, -1), 50, 60, 100, 100 + ShareSumTolerance, 100.5, -1e-9, inf, -inf}
	rates := []float64{nan, 0, 0.5, 1, 1.0000001, -0.1, inf}
	nonNeg := []float64{0, 1.7, inf, -0.5, nan}
	days := []time.Time{date(2023, 10, 19), date(2023, 10, 25), date(2023, 10, 26), {}}
	details := []*FourPoint{nil, {DefinitelyYes: 40, RatherYes: 40, RatherNo: 10, DefinitelyNo: nan}, {DefinitelyYes: 101}, {RatherNo: -1},
		{RatherYes: inf}, {DefinitelyNo: -inf}, {DefinitelyYes: nan, RatherYes: nan, RatherNo: nan, DefinitelyNo: nan}, {RatherNo: 100}}
	rng := rand.New(rand.NewPCG(7, 11))
	idx := func(n int) int { return min(rng.IntN(n), rng.IntN(n), rng.IntN(n)) }
	pick := func(v []float64) float64 { return v[idx(len(v))] }
	agreeValid, agreeInvalid := 0, 0 // polls on which both say valid, both invalid
	for range 200000 {
		p := Poll{
			Approve: pick(shares), Disapprove: pick(shares), Undecided: pick(shares), Refused: pick(shares),
			Detail:     details[idx(len(details))],
			SampleSize: []int{1600, 0, -1}[idx(3)],
			Start:      days[idx(len(days))], End: days[idx(len(days))], Published: days[rng.IntN(len(days))],
			ResponseRate: pick(rates), DesignEffect: pick(nonNeg), Weight: pick(nonNeg),
		}
		if rng.IntN(2) == 0 {
			p.Flags |= UndecidedDerived
		}
		full := p.problems()
		if p.valid() != (full == nil) {
			t.Fatalf("valid() = %v but problems() = %v for %+v", p.valid(), full, p)
		}
		if full == nil {
			agreeValid++
		} else {
			agreeInvalid++
		}
	}
	// Both answers must be common for the comparison to mean anything.
	require.Greater(t, agreeValid, 1000)
	require.Greater(t, agreeInvalid, 1000)
}
