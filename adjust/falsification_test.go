package adjust

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFalsificationMeasuresTestValues(t *testing.T) {
	// methods.md §11, from Chapkovski & Schaub (2022): D = 0.71, L = 0.61 →
	// G = 0.10, R = 0.859155, φ = 0.140845, f = 0.256410.
	f := Falsification{Direct: Estimate{0.71, 0.01}, List: Estimate{0.61, 0.03}}
	m, err := f.Measures()
	require.NoError(t, err)
	assert.InDelta(t, 0.10, m.Gap.Value, 1e-12)
	assert.InDelta(t, 0.859155, m.Ratio.Value, 5e-7)
	assert.InDelta(t, 0.140845, m.Falsifying.Value, 5e-7)
	assert.InDelta(t, 0.256410, m.Kuran.Value, 5e-7)
	assert.InDelta(t, math.Log(0.71/0.29)-math.Log(0.61/0.39), m.LogitShift.Value, 1e-12)

	// SEs with V_D = 1e-4, V_L = 9e-4, C = 0 (evaluated separately in Python
	// from the formulas of methods.md §11):
	// G: √(1e-4 + 9e-4) = 0.0316228
	// R: 0.859155·√(9e-4/0.61² + 1e-4/0.71²) = 0.0439521
	// f: √(1e-4 + (0.29/0.39)²·9e-4)/0.39 = 0.0626834
	// κ: √(1e-4/(0.71·0.29)² + 9e-4/(0.61·0.39)²) = 0.1351327
	assert.InDelta(t, 0.0316228, m.Gap.SE, 5e-8)
	assert.InDelta(t, 0.0439521, m.Ratio.SE, 5e-8)
	assert.InDelta(t, m.Ratio.SE, m.Falsifying.SE, 1e-15)
	assert.InDelta(t, 0.0626834, m.Kuran.SE, 5e-8)
	assert.InDelta(t, 0.1351327, m.LogitShift.SE, 5e-8)
	assert.Contains(t, m.String(), "Kuran rate 0.2564")
}

// numGrad returns the central-difference gradient of g at (d, l).
func numGrad(g func(d, l float64) float64, d, l float64) (gd, gl float64) {
	const h = 1e-6
	return (g(d+h, l) - g(d-h, l)) / (2 * h), (g(d, l+h) - g(d, l-h)) / (2 * h)
}

func TestFalsificationDeltaMethod(t *testing.T) {
	// The closed-form variances equal gᵀΣg with g from finite differences,
	// including a covariance term.
	cases := []Falsification{
		{Direct: Estimate{0.71, 0.012}, List: Estimate{0.61, 0.03}, Cov: 0.0001},
		{Direct: Estimate{0.82, 0.015}, List: Estimate{0.70, 0.04}, Cov: -0.0002},
		{Direct: Estimate{0.40, 0.02}, List: Estimate{0.45, 0.05}},
	}
	for _, f := range cases {
		m, err := f.Measures()
		require.NoError(t, err)
		vD, vL, C := f.Direct.SE*f.Direct.SE, f.List.SE*f.List.SE, f.Cov
		for _, c := range []struct {
			name string
			g    func(d, l float64) float64
			got  Estimate
		}{
			{"gap", func(d, l float64) float64 { return d - l }, m.Gap},
			{"ratio", func(d, l float64) float64 { return l / d }, m.Ratio},
			{"falsifying", func(d, l float64) float64 { return 1 - l/d }, m.Falsifying},
			{"kuran", func(d, l float64) float64 { return (d - l) / (1 - l) }, m.Kuran},
			{"logit", func(d, l float64) float64 { return logit(d) - logit(l) }, m.LogitShift},
		} {
			gd, gl := numGrad(c.g, f.Direct.Value, f.List.Value)
			want := math.Sqrt(gd*gd*vD + gl*gl*vL + 2*gd*gl*C)
			assert.InDelta(t, want, c.got.SE, 1e-7, c.name)
			assert.InDelta(t, c.g(f.Direct.Value, f.List.Value), c.got.Value, 1e-12, c.name)
		}
	}
}

func TestFalsificationKuranCoverage(t *testing.T) {
	// Seeded simulation with known hidden opinions: π = 0.62 of the
	// population approve privately; a share f = 0.25 of private opponents
	// say "approve" when asked directly. One sample of 1600 answers
	// directly; an independent sample of 2000 answers a forced-response
	// question honestly (the randomizer protects them). The 95% intervals
	// of the Kuran rate and of the gap cover the truth 93–97% of the time.
	const pi, fTrue, nD, nL = 0.62, 0.25, 1600, 2000
	gTrue := fTrue * (1 - pi) // D − L in the population
	rng := rand.New(rand.NewPCG(21, 22))
	reps := simcheck.Replicates(1000, 10000)
	coverF, coverG := 0, 0
	answers := make([]float64, nL)
	for rep := 0; rep < reps; rep++ {
		m, err := calibrationSurvey(t, rng, pi, fTrue, nD, answers).Measures()
		require.NoError(t, err)
		if lo, hi := m.Kuran.CI(0.95); lo <= fTrue && fTrue <= hi {
			coverF++
		}
		if lo, hi := m.Gap.CI(0.95); lo <= gTrue && gTrue <= hi {
			coverG++
		}
	}
	simcheck.AssertCoverage(t, "Kuran rate", coverF, reps)
	simcheck.AssertCoverage(t, "gap", coverG, reps)
}

// calibrationSurvey simulates the evidence of a calibration survey in a
// population where a share pi approve privately and a share f of private
// opponents say "approve" when asked directly: nD respondents asked
// directly, and len(answers) others asked by forced response (answers is
// the workspace), who answer honestly because the randomizer protects
// them.
func calibrationSurvey(t *testing.T, rng *rand.Rand, pi, f float64, nD int, answers []float64) Falsification {
	t.Helper()
	yes := 0
	for range nD {
		if rng.Float64() < pi || rng.Float64() < f {
			yes++
		}
	}
	d := float64(yes) / float64(nD)
	return Falsification{Direct: Estimate{d, math.Sqrt(d * (1 - d) / float64(nD))}, List: forcedResponse(rng, pi, answers)}
}

// forcedResponse simulates len(answers) respondents, a share pi of whom
// hold the trait, answering a forced-response question (truthfully with
// probability 2/3, "yes" with 1/6, "no" with 1/6; Boruch 1971), and returns
// the moment estimate π̂ = (λ̂ − 1/6)/(2/3) with SE √(λ̂(1 − λ̂)/n)/(2/3)
// (Blair, Imai & Zhou 2015, eq. 2). Package adjust/sensitive estimates it
// (RandomizedResponse.Estimate), but adjust's tests cannot import it; the
// draws (trait, then randomizer) and the arithmetic are the same, so the
// coverage figures are those of the tests before the estimators moved.
func forcedResponse(rng *rand.Rand, pi float64, answers []float64) Estimate {
	c, d := 2.0/3, 1.0/6 // variables: c + d rounds as RandomizedResponse computes P + P1
	var s float64
	for i := range answers {
		trait, u := rng.Float64() < pi, rng.Float64()
		answers[i] = 0
		if (u < c && trait) || (u >= c && u < c+d) {
			answers[i] = 1
			s++
		}
	}
	n := float64(len(answers))
	lambda := s / n
	return Estimate{Value: (lambda - d) / c, SE: math.Sqrt(lambda*(1-lambda)/n) / math.Abs(c)}
}

func TestFalsificationErrors(t *testing.T) {
	for _, f := range []Falsification{
		{Direct: Estimate{0, 0.01}, List: Estimate{0.6, 0.03}},
		{Direct: Estimate{0.7, 0.01}, List: Estimate{1, 0.03}},
		{Direct: Estimate{math.NaN(), 0.01}, List: Estimate{0.6, 0.03}},
	} {
		_, err := f.Measures()
		assert.ErrorIs(t, err, ErrProbability)
	}
	for _, f := range []Falsification{
		{Direct: Estimate{0.7, -0.01}, List: Estimate{0.6, 0.03}},
		{Direct: Estimate{0.7, 0.01}, List: Estimate{0.6, math.Inf(1)}},
		{Direct: Estimate{0.7, 0.01}, List: Estimate{0.6, 0.03}, Cov: 0.001},
		{Direct: Estimate{0.7, 0.01}, List: Estimate{0.6, 0.03}, Cov: math.NaN()},
	} {
		_, err := f.Measures()
		assert.ErrorIs(t, err, ErrValue)
	}
}

func TestDecomposeTestValues(t *testing.T) {
	// methods.md §10.5: a = 0.60, b = 0.20, m = 0.20, L = 0.55 →
	// f = 0.111111, h = 0.444444, t = 0.444444.
	s := Shares{Approve: 0.60, Disapprove: 0.20, N: 1600}
	d, err := s.Decompose(Estimate{0.55, 0.03})
	require.NoError(t, err)
	assert.InDelta(t, 0.111111, d.Falsifying.Value, 5e-7)
	assert.InDelta(t, 0.444444, d.Hiding.Value, 5e-7)
	assert.InDelta(t, 0.444444, d.Truthful.Value, 5e-7)
	assert.InDelta(t, 1, d.Falsifying.Value+d.Hiding.Value+d.Truthful.Value, 1e-12)
	assert.Contains(t, d.String(), "hiding 0.4444")

	// SEs against finite differences over (a, b, L).
	vaa, vab, vbb := s.cov()
	for _, c := range []struct {
		g   func(a, b, l float64) float64
		got Estimate
	}{
		{func(a, b, l float64) float64 { return (a - l) / (1 - l) }, d.Falsifying},
		{func(a, b, l float64) float64 { return (1 - a - b) / (1 - l) }, d.Hiding},
		{func(a, b, l float64) float64 { return b / (1 - l) }, d.Truthful},
	} {
		const h = 1e-6
		a, b, l := 0.6, 0.2, 0.55
		ga := (c.g(a+h, b, l) - c.g(a-h, b, l)) / (2 * h)
		gb := (c.g(a, b+h, l) - c.g(a, b-h, l)) / (2 * h)
		gl := (c.g(a, b, l+h) - c.g(a, b, l-h)) / (2 * h)
		want := math.Sqrt(ga*ga*vaa + 2*ga*gb*vab + gb*gb*vbb + gl*gl*0.03*0.03)
		assert.InDelta(t, want, c.got.SE, 1e-8)
	}
	_, err = s.Decompose(Estimate{1, 0.03})
	assert.ErrorIs(t, err, ErrProbability)
	_, err = Shares{Approve: 0.6, Disapprove: 0.5, N: 100}.Decompose(Estimate{0.5, 0.03})
	assert.ErrorIs(t, err, ErrProbability)
}
