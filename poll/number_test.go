package poll

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
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

// A share printed only as an upper bound is NaN with below set; a bound
// that is not a share, or no bound at all, is ErrNumber.
func TestParseShareBound(t *testing.T) {
	for _, tc := range []struct {
		in          string
		want        float64 // NaN: not a number we may store
		below, miss bool
		err         error
	}{
		{"<1", math.NaN(), true, false, nil},
		{"< 1", math.NaN(), true, false, nil},
		{"<\u00a01", math.NaN(), true, false, nil},
		{" <0,5 ", math.NaN(), true, false, nil},
		{"<1%", math.NaN(), true, false, nil},
		{"≤1", math.NaN(), true, false, nil},
		{"менее 1", math.NaN(), true, false, nil},
		{"Менее 0,5", math.NaN(), true, false, nil},
		{"меньше 1", math.NaN(), true, false, nil},
		{"12", 12, false, false, nil},
		{"75,4", 75.4, false, false, nil},
		{"NA", math.NaN(), false, true, nil},
		{"", math.NaN(), false, true, nil},
		{"<", 0, false, false, ErrNumber},
		{"<NA", 0, false, false, ErrNumber},
		{"<0", 0, false, false, ErrNumber},
		{"<-1", 0, false, false, ErrNumber},
		{"<101", 0, false, false, ErrNumber},
		{"<1,234", 0, false, false, ErrNumber},
		{"<<1", 0, false, false, ErrNumber},
		{">1", 0, false, false, ErrNumber},
		{"менее", 0, false, false, ErrNumber},
		{"1<", 0, false, false, ErrNumber},
	} {
		t.Run(tc.in, func(t *testing.T) {
			v, below, miss, err := parseShare(tc.in)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.False(t, below)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.below, below)
			assert.Equal(t, tc.miss, miss)
			if math.IsNaN(tc.want) {
				assert.True(t, math.IsNaN(v), "got %g", v)
			} else {
				assert.Equal(t, tc.want, v)
			}
		})
	}
	// parseNumber itself stays strict: a bound is not a number.
	_, _, err := parseNumber("<1")
	require.ErrorIs(t, err, ErrNumber)
}

// plainDecimal, the fast path of parseNumber, gives strconv's bits on
// every input it accepts and declines the rest: seeded random decimals
// of every length, including those strconv rounds.
func TestPlainDecimalMatchesStrconv(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	accepted := 0
	for range 200_000 {
		var b strings.Builder
		for n := 1 + r.IntN(17); n > 0; n-- {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		s := b.String()
		if r.IntN(3) > 0 {
			i := r.IntN(len(s) + 1)
			s = s[:i] + "." + s[i:]
		}
		got, ok := plainDecimal(s)
		if !ok {
			continue
		}
		accepted++
		want, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err, s)
		require.Equal(t, math.Float64bits(want), math.Float64bits(got), s)
	}
	assert.Greater(t, accepted, 100_000)
	for _, s := range []string{"", ".", "..5", "1.", "1e5", "-1", "+1", "1,5", " 1", "1 ", "1.2.3", "1234567890123456", "0x10"} {
		_, ok := plainDecimal(s)
		assert.False(t, ok, s)
	}
}
