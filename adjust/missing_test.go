package adjust

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/candorpoll/candor/poll"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

func TestManskiTestValues(t *testing.T) {
	// methods.md §10.1: N = 1600, a = 0.60, k + r = 0.20 → [0.60, 0.80],
	// SE_L = 0.0122474, SE_U = 0.0100000, c = 1.644854,
	// 95% CI [0.579855, 0.816449].
	s := Shares{Approve: 0.60, Disapprove: 0.20, N: 1600}
	b, err := s.Manski(0.95)
	require.NoError(t, err)
	assert.InDelta(t, 0.60, b.Lower.Value, 1e-12)
	assert.InDelta(t, 0.80, b.Upper.Value, 1e-12)
	assert.InDelta(t, 0.0122474, b.Lower.SE, 5e-8)
	assert.InDelta(t, 0.0100000, b.Upper.SE, 5e-8)
	assert.InDelta(t, 1.644854, b.C, 5e-7)
	assert.InDelta(t, 0.579855, b.CILower, 5e-7)
	assert.InDelta(t, 0.816449, b.CIUpper, 5e-7)
	assert.Equal(t, "[0.6000, 0.8000], 95% CI [0.5799, 0.8164]", b.String())

	// A design effect widens the interval by √deff at the ends.
	b2, err := Shares{Approve: 0.60, Disapprove: 0.20, N: 1600, DesignEffect: 2}.Manski(0.95)
	require.NoError(t, err)
	assert.InDelta(t, b.Lower.SE*math.Sqrt2, b2.Lower.SE, 1e-12)
}

func TestImbensManskiCriticalValue(t *testing.T) {
	// Point identification gives the two-sided z; a wide set the
	// one-sided z; in between c solves Φ(c + Δ/σ) − Φ(−c) = level.
	b, err := imbensManski(Estimate{0.5, 0.02}, Estimate{0.5, 0.02}, 0.95)
	require.NoError(t, err)
	assert.InDelta(t, 1.959964, b.C, 5e-7)
	b, err = imbensManski(Estimate{0.5, 0.02}, Estimate{0.52, 0.02}, 0.90)
	require.NoError(t, err)
	assert.InDelta(t, 0.90, distuv.UnitNormal.CDF(b.C+1)-distuv.UnitNormal.CDF(-b.C), 1e-12)
	assert.True(t, b.C > 1.281551 && b.C < 1.644854, "c = %v", b.C)
	_, err = imbensManski(Estimate{0.5, 0.02}, Estimate{0.52, 0.02}, 1)
	assert.ErrorIs(t, err, ErrValue)
}

func TestMonotoneBounds(t *testing.T) {
	// a = 0.60, b = 0.20: p = 0.75; Var(p̂) = p(1 − p)/(N(a + b)).
	s := Shares{Approve: 0.60, Disapprove: 0.20, N: 1600}
	b, err := s.Monotone(0.95)
	require.NoError(t, err)
	assert.InDelta(t, 0.60, b.Lower.Value, 1e-12)
	assert.InDelta(t, 0.75, b.Upper.Value, 1e-12)
	assert.InDelta(t, math.Sqrt(0.75*0.25/(1600*0.8)), b.Upper.SE, 1e-12)
	// Its upper end is θ(0) of the tilting model, with the same SE.
	mar, err := s.Tilt(0)
	require.NoError(t, err)
	assert.InDelta(t, mar.Value, b.Upper.Value, 1e-12)
	assert.InDelta(t, mar.SE, b.Upper.SE, 1e-12)
	_, err = Shares{Approve: 0, Disapprove: 0, N: 100}.Monotone(0.95)
	assert.ErrorIs(t, err, ErrProbability)
}

func TestTiltTestValues(t *testing.T) {
	// methods.md §10.3: a = 0.60, b = 0.20, m = 0.20, N = 1600 → p = 0.75;
	// θ(0) = 0.75; θ(−ln 4) = 0.685714 (SE 0.013240); θ(+ln 4) = 0.784615.
	s := Shares{Approve: 0.60, Disapprove: 0.20, N: 1600}
	th, err := s.Tilt(0)
	require.NoError(t, err)
	assert.InDelta(t, 0.75, th.Value, 1e-12)
	th, err = s.Tilt(-math.Log(4))
	require.NoError(t, err)
	assert.InDelta(t, 0.685714, th.Value, 5e-7)
	assert.InDelta(t, 0.013240, th.SE, 5e-7)
	th, err = s.Tilt(math.Log(4))
	require.NoError(t, err)
	assert.InDelta(t, 0.784615, th.Value, 5e-7)
	// The limits are the Manski bounds.
	lo, err := s.Tilt(math.Inf(-1))
	require.NoError(t, err)
	hi, err := s.Tilt(math.Inf(1))
	require.NoError(t, err)
	assert.InDelta(t, 0.60, lo.Value, 1e-12)
	assert.InDelta(t, 0.80, hi.Value, 1e-12)

	// SE against finite differences over (a, b).
	g := func(a, b float64) float64 {
		p := a / (a + b)
		return a + (1-a-b)*expit(logit(p)-math.Log(4))
	}
	const h = 1e-6
	ga := (g(0.6+h, 0.2) - g(0.6-h, 0.2)) / (2 * h)
	gb := (g(0.6, 0.2+h) - g(0.6, 0.2-h)) / (2 * h)
	assert.InDelta(t, math.Sqrt(s.quad(ga, gb)), 0.013240, 5e-7)

	curve, err := s.TiltCurve([]float64{-math.Log(10), -math.Log(4), 0})
	require.NoError(t, err)
	require.Len(t, curve, 3)
	assert.Less(t, curve[0].Value, curve[1].Value)
	assert.InDelta(t, 0.685714, curve[1].Value, 5e-7)

	_, err = Shares{Approve: 0.6, Disapprove: 0, N: 100}.Tilt(0)
	assert.ErrorIs(t, err, ErrProbability)
	_, err = s.Tilt(math.NaN())
	assert.ErrorIs(t, err, ErrValue)
	_, err = s.TiltCurve([]float64{0, math.NaN()})
	assert.ErrorIs(t, err, ErrValue)
}

func TestCalibrateTilt(t *testing.T) {
	// γ* reproduces the list estimate: θ(γ*) = L.
	s := Shares{Approve: 0.60, Disapprove: 0.20, N: 1600}
	for _, L := range []float64{0.61, 0.685714285714, 0.75, 0.79} {
		g, err := s.CalibrateTilt(Estimate{L, 0.03})
		require.NoError(t, err)
		th, err := s.Tilt(g.Value)
		require.NoError(t, err)
		assert.InDelta(t, L, th.Value, 1e-12)
		assert.Greater(t, g.SE, 0.0)
	}
	g, err := s.CalibrateTilt(Estimate{0.685714285714, 0.03})
	require.NoError(t, err)
	assert.InDelta(t, -math.Log(4), g.Value, 1e-9)

	// SE against finite differences over (a, b, L).
	gam := func(a, b, l float64) float64 {
		m := 1 - a - b
		return logit((l-a)/m) - logit(a/(a+b))
	}
	const h = 1e-7
	a, b, l := 0.6, 0.2, 0.7
	ga := (gam(a+h, b, l) - gam(a-h, b, l)) / (2 * h)
	gb := (gam(a, b+h, l) - gam(a, b-h, l)) / (2 * h)
	gl := (gam(a, b, l+h) - gam(a, b, l-h)) / (2 * h)
	want := math.Sqrt(s.quad(ga, gb) + gl*gl*0.03*0.03)
	g, err = s.CalibrateTilt(Estimate{l, 0.03})
	require.NoError(t, err)
	assert.InDelta(t, want, g.SE, 1e-6)

	for _, L := range []float64{0.60, 0.55, 0.80, 0.9} {
		_, err := s.CalibrateTilt(Estimate{L, 0.03})
		assert.ErrorIs(t, err, ErrProbability, "L = %v", L)
	}
	_, err = s.CalibrateTilt(Estimate{0.7, -1})
	assert.ErrorIs(t, err, ErrValue)
}

func TestTiltCoverage(t *testing.T) {
	// Seeded simulation of respondents with known hidden opinions: true
	// approval 0.70; approvers answer approve (0.9) or hard to say (0.1);
	// opponents answer disapprove (0.55) or hard to say (0.45). The odds of
	// approval among the missing are then e^γ times those among answerers,
	// with γ = log((0.07/0.135)/(0.63/0.165)). θ̂(γ) with its delta-method
	// interval covers 0.70 in 93–97% of replicates, and the Manski interval
	// covers it at least 95% of the time.
	const pi, n = 0.70, 1600
	a, b := pi*0.9, (1-pi)*0.55
	ka, kb := pi*0.1, (1-pi)*0.45
	gamma := math.Log((ka / kb) / (a / b))
	rng := rand.New(rand.NewPCG(31, 32))
	reps := simcheck.Replicates(1000, 10000)
	covered, manski := 0, 0
	for rep := 0; rep < reps; rep++ {
		var na, nb int
		for i := 0; i < n; i++ {
			approves := rng.Float64() < pi
			u := rng.Float64()
			switch {
			case approves && u < 0.9:
				na++
			case !approves && u < 0.55:
				nb++
			}
		}
		s := Shares{Approve: float64(na) / n, Disapprove: float64(nb) / n, N: n}
		th, err := s.Tilt(gamma)
		require.NoError(t, err)
		if lo, hi := th.CI(0.95); lo <= pi && pi <= hi {
			covered++
		}
		bd, err := s.Manski(0.95)
		require.NoError(t, err)
		if bd.CILower <= pi && pi <= bd.CIUpper {
			manski++
		}
	}
	simcheck.AssertCoverage(t, "tilt θ(γ)", covered, reps)
	assert.GreaterOrEqual(t, float64(manski)/float64(reps), 0.95)
}

func TestSharesOf(t *testing.T) {
	p := poll.Poll{Pollster: "Levada", Approve: 82, Disapprove: 15, Undecided: 3, SampleSize: 1600, DesignEffect: 1.9}
	s, err := SharesOf(p)
	require.NoError(t, err)
	assert.Equal(t, Shares{Approve: 0.82, Disapprove: 0.15, N: 1600, DesignEffect: 1.9}, s)
	assert.InDelta(t, 0.03, s.Missing(), 1e-12)

	p.Disapprove = math.NaN()
	_, err = SharesOf(p)
	assert.ErrorIs(t, err, ErrValue)
	p.Disapprove, p.SampleSize, p.Pollster = 15, 0, "Nobody"
	_, err = SharesOf(p)
	assert.ErrorIs(t, err, ErrValue)
	p.SampleSize, p.Approve = 100, 90
	_, err = SharesOf(p)
	assert.ErrorIs(t, err, ErrProbability)

	for _, bad := range []Shares{{Approve: 0.5, Disapprove: 0.2, N: 0}, {Approve: 0.5, Disapprove: 0.2, N: math.Inf(1)}, {Approve: 0.5, Disapprove: 0.2, N: 10, DesignEffect: -1}} {
		_, err := bad.Manski(0.95)
		assert.ErrorIs(t, err, ErrValue)
	}
	_, err = Shares{Approve: -0.1, Disapprove: 0.2, N: 10}.Manski(0.95)
	assert.ErrorIs(t, err, ErrProbability)
}
