package poll

import (
	"errors"
	"math"
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
