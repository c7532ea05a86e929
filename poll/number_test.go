package poll

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseNumber(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    float64
		missing bool
		err     error
	}{
		{"82", 82, false, nil},
		{" 75,4 ", 75.4, false, nil},
		{"75.4", 75.4, false, nil},
		{"\u00a048%", 48, false, nil},
		{"48 %", 48, false, nil},
		{"0,125", 0.125, false, nil},
		{"-2", -2, false, nil},
		{"1e-05", 1e-05, false, nil},
		{"1.2345678901234567e+21", 1.2345678901234567e+21, false, nil},
		{"", 0, true, nil},
		{"NA", 0, true, nil},
		{"N/A", 0, true, nil},
		{"n/a", 0, true, nil},
		{"null", 0, true, nil},
		{"-", 0, true, nil},
		{"—", 0, true, nil},
		{"–", 0, true, nil},
		{"1,234", 0, false, ErrNumber},
		{"12,500", 0, false, ErrNumber},
		{"1,234.5", 0, false, ErrNumber},
		{"1 600", 0, false, ErrNumber},
		{"NaN", 0, false, ErrNumber},
		{"Inf", 0, false, ErrNumber},
		{"-Inf", 0, false, ErrNumber},
		{"1e400", 0, false, ErrNumber},
		{"0x1p-2", 0, false, ErrNumber},
		{"1_000", 0, false, ErrNumber},
		{"abc", 0, false, ErrNumber},
		{"%", 0, false, ErrNumber},
		{"1,2,3", 0, false, ErrNumber},
		{".", 0, false, ErrNumber},
		{"1e", 0, false, ErrNumber},
	} {
		t.Run(tc.in, func(t *testing.T) {
			v, missing, err := parseNumber(tc.in)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.missing, missing)
			if tc.missing {
				assert.True(t, math.IsNaN(v))
			} else {
				assert.Equal(t, tc.want, v)
			}
		})
	}
}

func TestParseCount(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    int
		missing bool
		err     error
	}{
		{"1600", 1600, false, nil},
		{"1 600", 1600, false, nil},
		{"11\u00a0200", 11200, false, nil},
		{"11\u2009200", 11200, false, nil},
		{"1600.0", 1600, false, nil},
		{"1 600.0", 1600, false, nil},
		{"NA", 0, true, nil},
		{"", 0, true, nil},
		{"1,234", 0, false, ErrNumber},
		{"1 60", 0, false, ErrNumber},
		{"1234 5", 0, false, ErrNumber},
		{"-5", 0, false, ErrSampleSize},
		{"0", 0, false, ErrSampleSize},
		{"1600.5", 0, false, ErrSampleSize},
		{"1e20", 0, false, ErrSampleSize},
		{"many", 0, false, ErrNumber},
	} {
		t.Run(tc.in, func(t *testing.T) {
			n, missing, err := parseCount(tc.in)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.missing, missing)
			assert.Equal(t, tc.want, n)
		})
	}
}

func TestParseCountCommaMessage(t *testing.T) {
	_, _, err := parseCount("1,234")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "thousands separator")
}
