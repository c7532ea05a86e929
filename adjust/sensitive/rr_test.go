package sensitive

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// answersOf returns n answers of which yes are 1, the rest 0.
func answersOf(n, yes int) []float64 {
	a := make([]float64, n)
	for i := 0; i < yes; i++ {
		a[i] = 1
	}
	return a
}

func TestRandomizedResponseEstimateClosedForm(t *testing.T) {
	// Ten answers, four "yes": λ̂ = 0.4 and √(λ̂(1 − λ̂)/n) = 0.1549193.
	// Expected values computed by hand from π̂ = (λ̂ − d)/c, SE = 0.1549193/|c|.
	tests := []struct {
		name   string
		rr     RandomizedResponse
		c, d   float64
		pi, se float64
	}{
		{"forced 2/3, 1/6, 1/6", RandomizedResponse{Design: ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6}, 2.0 / 3, 1.0 / 6, 0.35, 0.2323790},
		{"mirrored 0.7", RandomizedResponse{Design: MirroredQuestion, P: 0.7}, 0.4, 0.3, 0.25, 0.3872983},
		{"disguised 0.7", RandomizedResponse{Design: DisguisedResponse, P: 0.7}, 0.4, 0.3, 0.25, 0.3872983},
		{"warner 0.3", RandomizedResponse{Design: Warner, P: 0.3}, -0.4, 0.7, 0.75, 0.3872983},
		{"unrelated 0.7, q 0.5", RandomizedResponse{Design: UnrelatedQuestion, P: 0.7, Q: 0.5}, 0.7, 0.15, 0.3571429, 0.2213133},
		{"crosswise q 0.2", RandomizedResponse{Design: Crosswise, Q: 0.2}, -0.6, 0.8, 0.6666667, 0.2581989},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, d, err := tt.rr.Linear()
			require.NoError(t, err)
			assert.InDelta(t, tt.c, c, 1e-12)
			assert.InDelta(t, tt.d, d, 1e-12)
			e, err := tt.rr.Estimate(answersOf(10, 4))
			require.NoError(t, err)
			assert.InDelta(t, tt.pi, e.Value, 5e-8)
			assert.InDelta(t, tt.se, e.SE, 5e-8)
		})
	}
}

func TestRandomizedResponseTwoSampleClosedForm(t *testing.T) {
	// P = 0.7; λ̂₁ = 0.6 (n₁ = 10), λ̂₂ = 0.3 (n₂ = 10):
	// π̂ = (0.42 − 0.09)/0.4 = 0.825,
	// Var = (0.49·0.024 + 0.09·0.021)/0.16 = 0.0853125.
	rr := RandomizedResponse{Design: UnrelatedUnknownQ, P: 0.7}
	e, err := rr.EstimateTwoSample(answersOf(10, 6), answersOf(10, 3))
	require.NoError(t, err)
	assert.InDelta(t, 0.825, e.Value, 1e-12)
	assert.InDelta(t, math.Sqrt(0.0853125), e.SE, 1e-12)
}

func TestRandomizedResponseWarnerVariance(t *testing.T) {
	// Warner (1965): Var(π̂)·n = π(1 − π) + p(1 − p)/(2p − 1)², the sampling
	// variance plus the cost of privacy.
	for _, p := range []float64{0.2, 0.3, 0.7, 0.85} {
		for _, pi := range []float64{0, 0.1, 0.5, 0.9} {
			info, err := RandomizedResponse{Design: Warner, P: p}.Information(pi)
			require.NoError(t, err)
			want := pi*(1-pi) + p*(1-p)/((2*p-1)*(2*p-1))
			assert.InDelta(t, want, 1/info, 1e-12, "p %v π %v", p, pi)
		}
	}
}

func TestRandomizedResponsePower(t *testing.T) {
	// rr 1.4.2, ?power.rr.test: power.rr.test(p = 2/3, p1 = 1/6, p0 = 1/6,
	// n = 200, presp = .2, presp.null = 0, design = "forced-known",
	// sig.level = .01, type = "one.sample", alternative = "one.sided")
	// prints $power 0.9868872.
	rr := RandomizedResponse{Design: ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6}
	pw, err := rr.Power(200, 0.2, 0, 0.01, false)
	require.NoError(t, err)
	assert.InDelta(t, 0.9868872, pw, 5e-8)

	// Two-sided is less powerful than one-sided at the same level, and
	// power at the null is the level.
	pw2, err := rr.Power(200, 0.2, 0, 0.01, true)
	require.NoError(t, err)
	assert.Less(t, pw2, pw)
	at, err := rr.Power(200, 0.1, 0.1, 0.05, true)
	require.NoError(t, err)
	assert.InDelta(t, 0.05, at, 1e-12)
	at, err = rr.Power(200, 0.1, 0.1, 0.05, false)
	require.NoError(t, err)
	assert.InDelta(t, 0.05, at, 1e-12)
	// Lower alternative, one-sided in that direction.
	lo, err := rr.Power(500, 0.05, 0.2, 0.05, false)
	require.NoError(t, err)
	assert.Greater(t, lo, 0.9)

	// One-sided at α > ½ (threshold below the null) is defined, not NaN:
	// at the null the power is the level.
	at, err = rr.Power(200, 0.1, 0.1, 0.7, false)
	require.NoError(t, err)
	assert.InDelta(t, 0.7, at, 1e-12)
	// No forced "yes" (P1 = 0) and prevalence 0: every answer is "no", the
	// SE is 0, and the power at the null is 0/0: an error, not NaN.
	sure := RandomizedResponse{Design: ForcedResponse, P: 0.8, P1: 0, P0: 0.2}
	_, err = sure.Power(200, 0, 0, 0.05, false)
	assert.ErrorIs(t, err, ErrProbability)
	pw, err = sure.Power(200, 0.2, 0, 0.05, false) // SE 0 under the null only: defined
	require.NoError(t, err)
	assert.False(t, math.IsNaN(pw))
	_, err = rr.Power(0, 0.2, 0, 0.01, false)
	assert.ErrorIs(t, err, ErrValue)
	_, err = rr.Power(200, 0.2, 0, 1.5, false)
	assert.ErrorIs(t, err, ErrProbability)
	_, err = rr.Power(200, 1.2, 0, 0.05, false)
	assert.ErrorIs(t, err, ErrProbability)
}

func TestRandomizedResponseErrors(t *testing.T) {
	good := answersOf(10, 4)
	tests := []struct {
		name    string
		rr      RandomizedResponse
		answers []float64
		want    error
	}{
		{"unset design", RandomizedResponse{P: 0.7}, good, ErrValue},
		{"unknown design", RandomizedResponse{Design: Design(42), P: 0.7}, good, ErrValue},
		{"forced P = 0", RandomizedResponse{Design: ForcedResponse, P: 0, P1: 0.5, P0: 0.5}, good, ErrProbability},
		{"forced sum ≠ 1", RandomizedResponse{Design: ForcedResponse, P: 0.6, P1: 0.1, P0: 0.1}, good, ErrProbability},
		{"forced P1 < 0", RandomizedResponse{Design: ForcedResponse, P: 0.9, P1: -0.1, P0: 0.2}, good, ErrProbability},
		{"mirrored P = ½", RandomizedResponse{Design: MirroredQuestion, P: 0.5}, good, ErrProbability},
		{"warner P = ½", RandomizedResponse{Design: Warner, P: 0.5}, good, ErrProbability},
		{"warner P = 1", RandomizedResponse{Design: Warner, P: 1}, good, ErrProbability},
		{"disguised P NaN", RandomizedResponse{Design: DisguisedResponse, P: math.NaN()}, good, ErrProbability},
		{"unrelated Q = 1", RandomizedResponse{Design: UnrelatedQuestion, P: 0.7, Q: 1}, good, ErrProbability},
		{"unrelated P > 1", RandomizedResponse{Design: UnrelatedQuestion, P: 1.2, Q: 0.3}, good, ErrProbability},
		{"crosswise Q = ½", RandomizedResponse{Design: Crosswise, Q: 0.5}, good, ErrProbability},
		{"unknown-q one sample", RandomizedResponse{Design: UnrelatedUnknownQ, P: 0.7}, good, ErrValue},
		{"no answers", RandomizedResponse{Design: Warner, P: 0.7}, nil, ErrEmpty},
		{"answer 2", RandomizedResponse{Design: Warner, P: 0.7}, []float64{0, 1, 2}, ErrValue},
		{"answer NaN", RandomizedResponse{Design: Warner, P: 0.7}, []float64{0, math.NaN(), 1}, ErrValue},
		{"answer 0.5", RandomizedResponse{Design: Warner, P: 0.7}, []float64{0.5}, ErrValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.rr.Estimate(tt.answers)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			t.Log(err)
		})
	}
	_, err := RandomizedResponse{Design: Warner, P: 0.7}.Estimate([]float64{0, 1, 3, 1, -1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "answers[2] = 3")
	assert.Contains(t, err.Error(), "2 such values")

	_, err = RandomizedResponse{Design: Warner, P: 0.7}.EstimateTwoSample(good, good)
	assert.ErrorIs(t, err, ErrValue)
	_, err = RandomizedResponse{Design: UnrelatedUnknownQ, P: 0.5}.EstimateTwoSample(good, good)
	assert.ErrorIs(t, err, ErrProbability)
	_, err = RandomizedResponse{Design: UnrelatedUnknownQ, P: 0.7}.EstimateTwoSample(good, nil)
	assert.ErrorIs(t, err, ErrEmpty)
	_, err = RandomizedResponse{Design: Warner, P: 0.7}.Information(1.5)
	assert.ErrorIs(t, err, ErrProbability)
	assert.Equal(t, "forced-known", ForcedResponse.String())
	assert.Equal(t, "Design(42)", Design(42).String())
}

// respond simulates one respondent with hidden trait z answering a
// randomized-response question.
func respond(rng *rand.Rand, r RandomizedResponse, z bool) float64 {
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	u := rng.Float64()
	switch r.Design {
	case ForcedResponse:
		switch {
		case u < r.P:
			return b(z)
		case u < r.P+r.P1:
			return 1
		default:
			return 0
		}
	case MirroredQuestion, DisguisedResponse, Warner:
		if u < r.P {
			return b(z)
		}
		return b(!z)
	case UnrelatedQuestion:
		if u < r.P {
			return b(z)
		}
		return b(rng.Float64() < r.Q)
	case Crosswise:
		w := u < r.Q
		return b(w == z)
	}
	panic("respond: design not simulated")
}

func TestRandomizedResponseCoverage(t *testing.T) {
	// Seeded simulation: n respondents whose hidden trait has prevalence
	// π answer through the randomizer; the 95% interval π̂ ± 1.96·SE must
	// cover π in 93–97% of replicates and π̂ must be unbiased.
	designs := []RandomizedResponse{
		{Design: ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6},
		{Design: MirroredQuestion, P: 0.75},
		{Design: DisguisedResponse, P: 0.8},
		{Design: Warner, P: 0.3},
		{Design: UnrelatedQuestion, P: 0.7, Q: 0.4},
		{Design: Crosswise, Q: 0.15},
	}
	reps := simcheck.Replicates(1000, 10000)
	const n, pi = 1000, 0.3
	for k, r := range designs {
		rng := rand.New(rand.NewPCG(uint64(k)+1, 2024))
		covered := 0
		var sum float64
		answers := make([]float64, n)
		for rep := 0; rep < reps; rep++ {
			for i := range answers {
				answers[i] = respond(rng, r, rng.Float64() < pi)
			}
			e, err := r.Estimate(answers)
			require.NoError(t, err)
			lo, hi := e.CI(0.95)
			if lo <= pi && pi <= hi {
				covered++
			}
			sum += e.Value
		}
		simcheck.AssertCoverage(t, r.Design.String(), covered, reps)
		// Mean of π̂ within 4 Monte Carlo SEs of π.
		info, _ := r.Information(pi)
		mcse := 1 / math.Sqrt(float64(n)*info*float64(reps))
		assert.InDelta(t, pi, sum/float64(reps), 4*mcse, r.Design.String())
	}
}

func TestRandomizedResponseTwoSampleCoverage(t *testing.T) {
	// Unknown q = 0.35 for the unrelated question, π = 0.2, two
	// subsamples of 800 asked with P = 0.75 and 1 − P.
	rng := rand.New(rand.NewPCG(77, 1))
	r := RandomizedResponse{Design: UnrelatedUnknownQ, P: 0.75}
	const n, pi, q = 800, 0.2, 0.35
	reps := simcheck.Replicates(1000, 10000)
	covered := 0
	a, b := make([]float64, n), make([]float64, n)
	sample := func(dst []float64, p float64) {
		for i := range dst {
			z := rng.Float64() < pi
			if rng.Float64() >= p {
				z = rng.Float64() < q
			}
			dst[i] = 0
			if z {
				dst[i] = 1
			}
		}
	}
	for rep := 0; rep < reps; rep++ {
		sample(a, r.P)
		sample(b, 1-r.P)
		e, err := r.EstimateTwoSample(a, b)
		require.NoError(t, err)
		if lo, hi := e.CI(0.95); lo <= pi && pi <= hi {
			covered++
		}
	}
	simcheck.AssertCoverage(t, "unrelated-unknown", covered, reps)
}

func BenchmarkRandomizedResponseEstimate(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	r := RandomizedResponse{Design: ForcedResponse, P: 2.0 / 3, P1: 1.0 / 6, P0: 1.0 / 6}
	answers := make([]float64, 2457)
	for i := range answers {
		answers[i] = respond(rng, r, rng.Float64() < 0.3)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Estimate(answers); err != nil {
			b.Fatal(err)
		}
	}
}
