package adjust

import (
	"math"
	"testing"

	"github.com/candorpoll/candor/poll"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSamplingCovariance(t *testing.T) {
	// Uncorrected: the multinomial covariance −10⁴·deff·ab/n.
	p := levada()
	aa, ad, dd := SamplingCovariance(p, nil)
	k := 1e4 * p.DesignEffect / float64(p.SampleSize)
	assert.InDelta(t, k*0.82*0.18, aa, 1e-12)
	assert.InDelta(t, -k*0.82*0.15, ad, 1e-12)
	assert.InDelta(t, k*0.15*0.85, dd, 1e-12)
	// The undecided share's variance, aa + 2ad + dd, is its own binomial
	// variance: U = 100 − A − D.
	assert.InDelta(t, k*0.03*0.97, aa+2*ad+dd, 1e-12)

	// After a gap (D' = D − (A' − A)) the undecided share is unchanged,
	// and so is its sampling variance.
	out, err := Chain{GapCorrection{Falsification: chapkovski}}.Apply([]poll.Poll{p})
	require.NoError(t, err)
	aa, ad, dd = SamplingCovariance(out[0], nil)
	va, vd := SamplingVariance(out[0], nil)
	assert.Equal(t, va, aa)
	assert.Equal(t, vd, dd)
	assert.InDelta(t, k*0.03*0.97, aa+2*ad+dd, 1e-12)

	// After a tilt the undecided share is 0 whatever the sample: no
	// sampling variance.
	q := levada()
	q.Approve, q.Disapprove, q.Undecided = 60, 20, 20
	out, err = Chain{UndecidedTilt{Gamma: Estimate{-0.5, 0.1}}}.Apply([]poll.Poll{q})
	require.NoError(t, err)
	aa, ad, dd = SamplingCovariance(out[0], nil)
	assert.InDelta(t, 0, aa+2*ad+dd, 1e-12)

	q.SampleSize, q.Pollster = 0, "Nobody"
	aa, ad, dd = SamplingCovariance(q, nil)
	assert.True(t, math.IsNaN(aa) && math.IsNaN(ad) && math.IsNaN(dd))
}

func TestJacobian(t *testing.T) {
	out, err := Chain{GapCorrection{Falsification: chapkovski, Scale: ScaleAdditive}}.Apply([]poll.Poll{levada()})
	require.NoError(t, err)
	j := out[0].Adjustments[0].Jacobian
	require.NotNil(t, j)
	assert.Equal(t, poll.Jacobian{{1, 0}, {0, 1}}, *j) // A' = A − G, D' = D + G
	// Chain keeps its own copy: changing the input's later does not reach it.
	in := levada()
	in.Adjustments = []poll.Adjustment{{Name: "manual", Jacobian: &poll.Jacobian{{2, 0}, {0, 1}}}}
	out, err = Chain{GapCorrection{Falsification: chapkovski}}.Apply([]poll.Poll{in})
	require.NoError(t, err)
	in.Adjustments[0].Jacobian[0][0] = 9
	assert.Equal(t, 2.0, out[0].Adjustments[0].Jacobian[0][0])
}

func TestCalibration(t *testing.T) {
	// The same gap on two different polls: one calibration (the per-poll
	// Jacobians differ), exactly when SharedCovariance links them.
	p, q := levada(), levada()
	q.Approve, q.Disapprove = 70, 27
	other := Falsification{Direct: Estimate{0.71, 0.0083}, List: Estimate{0.62, 0.03}}
	out, err := Chain{GapCorrection{Falsification: chapkovski}}.Apply([]poll.Poll{p, q})
	require.NoError(t, err)
	alt, err := Chain{GapCorrection{Falsification: other}}.Apply([]poll.Poll{q})
	require.NoError(t, err)
	a, b, c := out[0].Adjustments[0], out[1].Adjustments[0], alt[0].Adjustments[0]
	assert.NotEqual(t, a.Jacobian[0][0], b.Jacobian[0][0])
	assert.Equal(t, a.Calibration, b.Calibration)
	assert.Greater(t, SharedCovariance(out[0], out[1]), 0.0)
	assert.NotEqual(t, a.Calibration, c.Calibration)
	assert.Zero(t, SharedCovariance(out[0], alt[0]))
	assert.Contains(t, a.Calibration, "falsification-gap ")

	// −0 and 0 are the same evidence.
	assert.Equal(t, calibrationKey("x", map[string]float64{"g": 0}), calibrationKey("x", map[string]float64{"g": math.Copysign(0, -1)}))
}
