package cells

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestAppendFloat: AppendFloat writes what strconv writes, in both
// formats, on every multiple of 0.01 up to ±1,000, on random multiples up
// to 10⁶ and random numbers of every magnitude.
func TestAppendFloat(t *testing.T) {
	check := func(x float64) {
		for _, f := range []byte{'f', 'g'} {
			want := strconv.AppendFloat(nil, x, f, -1, 64)
			if got := AppendFloat(nil, x, f); string(got) != string(want) {
				t.Fatalf("%v (%c): got %s, want %s", x, f, got, want)
			}
		}
	}
	for k := -100_000; k <= 100_000; k++ {
		check(float64(k) / 100)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		check(float64(rng.Int64N(2e8)-1e8) / 100)
		check(math.Round(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(12)))*100) / 100)
		check(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20)))
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 0.01, -0.01, 0.005, 999999.99, 1e6, -1e6, 1e21, 5e-324, math.MaxFloat64} {
		check(x)
	}
}

// TestAppendDate: AppendDate writes what time.DateOnly writes.
func TestAppendDate(t *testing.T) {
	for _, d := range []time.Time{time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(0, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(999, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2024, 3, 17, 12, 0, 0, 0, time.FixedZone("x", -11*3600)),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		for range 400 {
			require.Equal(t, d.Format(time.DateOnly), string(AppendDate(nil, d)))
			d = d.AddDate(0, 0, 1)
		}
	}
}
