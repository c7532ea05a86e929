package adjust

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/candorpoll/candor/adjust/internal/simcheck"
	"github.com/candorpoll/candor/poll"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// levada is Levada's October 2023 approval reading (82/15/3, n = 1600).
func levada() poll.Poll {
	return poll.Poll{
		Pollster: "Levada", Question: "approval", Subject: "Putin",
		Start: day("2023-10-19"), End: day("2023-10-25"),
		SampleSize: 1600, DesignEffect: 1.9, Mode: poll.FaceToFace,
		Approve: 82, Disapprove: 15, Undecided: 3, Refused: math.NaN(),
		AdjustedApprove: math.NaN(), AdjustedDisapprove: math.NaN(),
		Detail: &poll.FourPoint{DefinitelyYes: 45, RatherYes: 37, RatherNo: 9, DefinitelyNo: 6},
	}
}

// chapkovski is the Chapkovski & Schaub (2022) direct/list pair with the
// SEs assumed in the package example.
var chapkovski = Falsification{Direct: Estimate{0.71, 0.0083}, List: Estimate{0.61, 0.03}}

func TestGapCorrectionScales(t *testing.T) {
	// Expected shares evaluated separately in Python from the formulas:
	// additive 82 − 10; ratio 82·0.61/0.71; logit
	// expit(logit 0.82 − (logit 0.71 − logit 0.61)); Kuran (0.82 − f)/(1 − f).
	want := map[GapScale]float64{
		ScaleAdditive: 72,
		ScaleRatio:    70.45070422535211,
		ScaleLogit:    74.42688558234993,
		ScaleKuran:    75.79310344827587,
	}
	m, err := chapkovski.Measures()
	require.NoError(t, err)
	sd := map[GapScale]float64{ // SD of the correction, proportions
		ScaleAdditive: m.Gap.SE,
		ScaleRatio:    0.82 * m.Ratio.SE,
		ScaleLogit:    0.7442688558234993 * (1 - 0.7442688558234993) * m.LogitShift.SE,
		ScaleKuran:    0.18 / math.Pow(1-m.Kuran.Value, 2) * m.Kuran.SE,
	}
	for scale, w := range want {
		t.Run(scale.String(), func(t *testing.T) {
			out, err := Chain{GapCorrection{Falsification: chapkovski, Scale: scale}}.Apply([]poll.Poll{levada()})
			require.NoError(t, err)
			p := out[0]
			assert.InDelta(t, w, p.Approve, 1e-9)
			assert.InDelta(t, 15+82-w, p.Disapprove, 1e-9)
			assert.InDelta(t, 3, p.Undecided, 1e-12)
			require.Len(t, p.Adjustments, 1)
			a := p.Adjustments[0]
			assert.Equal(t, "falsification-gap", a.Name)
			assert.NotEmpty(t, a.Calibration)
			assert.InDelta(t, w-82, a.Approve, 1e-9)
			assert.InDelta(t, 82-w, a.Disapprove, 1e-9)
			assert.InDelta(t, 1e4*sd[scale]*sd[scale], a.Variance, 1e-9)
			assert.Equal(t, float64(scale), a.Params["scale"])
			assert.Equal(t, 0.71, a.Params["direct"])
			assert.InDelta(t, a.Variance, SharedVariance(p), 1e-15)
			assert.Zero(t, IndependentVariance(p))

			// Every scale maps the calibration poll's own direct share to
			// the list estimate.
			cal := levada()
			cal.Approve, cal.Disapprove, cal.Undecided = 71, 25, 4
			out, err = Chain{GapCorrection{Falsification: chapkovski, Scale: scale}}.Apply([]poll.Poll{cal})
			require.NoError(t, err)
			assert.InDelta(t, 61, out[0].Approve, 1e-9)
		})
	}
}

func TestGapCorrectionVarianceMonteCarlo(t *testing.T) {
	// The recorded variance is the delta-method variance of the corrected
	// share over the sampling distribution of (D̂, L̂): compare with the
	// spread of the corrected share when the calibration pair is redrawn.
	rng := rand.New(rand.NewPCG(51, 52))
	f := Falsification{Direct: Estimate{0.71, 0.008}, List: Estimate{0.61, 0.015}}
	for _, scale := range []GapScale{ScaleAdditive, ScaleRatio, ScaleLogit, ScaleKuran} {
		a, err := GapCorrection{Falsification: f, Scale: scale}.Adjust(levada())
		require.NoError(t, err)
		const draws = 20000
		var s, ss float64
		for i := 0; i < draws; i++ {
			g := GapCorrection{Scale: scale, Falsification: Falsification{
				Direct: Estimate{f.Direct.Value + f.Direct.SE*rng.NormFloat64(), 0},
				List:   Estimate{f.List.Value + f.List.SE*rng.NormFloat64(), 0},
			}}
			b, err := g.Adjust(levada())
			require.NoError(t, err)
			s += b.Approve
			ss += b.Approve * b.Approve
		}
		mean := s / draws
		sdMC := math.Sqrt(ss/draws - mean*mean)
		assert.InDelta(t, 1, sdMC/math.Sqrt(a.Variance), 0.04, "%v: Monte Carlo SD %.4f, delta %.4f", scale, sdMC, math.Sqrt(a.Variance))
	}
}

func TestChainDoesNotMutate(t *testing.T) {
	in := []poll.Poll{levada(), levada()}
	in[1].Adjustments = []poll.Adjustment{{Name: "earlier", Params: map[string]float64{"x": 1}, Variance: 0.5}}
	before := []poll.Poll{levada(), levada()}
	before[1].Adjustments = []poll.Adjustment{{Name: "earlier", Params: map[string]float64{"x": 1}, Variance: 0.5}}
	detail := in[0].Detail

	ch := Chain{GapCorrection{Falsification: chapkovski}, UndecidedTilt{Gamma: Estimate{-1, 0.2}}}
	out, err := ch.Apply(in)
	require.NoError(t, err)
	require.Len(t, out, 2)
	for i := range in {
		assert.Equal(t, before[i].Approve, in[i].Approve)
		assert.Equal(t, before[i].Disapprove, in[i].Disapprove)
		assert.Equal(t, before[i].Undecided, in[i].Undecided)
		assert.Equal(t, before[i].Adjustments, in[i].Adjustments)
		assert.Equal(t, *before[i].Detail, *in[i].Detail)
	}
	assert.Same(t, detail, in[0].Detail)
	assert.NotSame(t, in[0].Detail, out[0].Detail)
	assert.Equal(t, *in[0].Detail, *out[0].Detail)
	require.Len(t, out[0].Adjustments, 2)
	require.Len(t, out[1].Adjustments, 3)
	assert.Equal(t, "earlier", out[1].Adjustments[0].Name)
	// Mutating the output's trail does not reach the input.
	out[1].Adjustments[0].Name = "changed"
	out[1].Adjustments[1].Params["direct"] = 0
	assert.Equal(t, "earlier", in[1].Adjustments[0].Name)
	assert.Equal(t, 0.71, out[0].Adjustments[0].Params["direct"])

	// The tilt moved all undecided; shares still sum to 100.
	for _, p := range out {
		assert.InDelta(t, 0, p.Undecided, 1e-12)
		assert.InDelta(t, 100, p.Approve+p.Disapprove+p.Undecided, 1e-9)
	}
	assert.InDelta(t, out[0].Adjustments[0].Variance+out[0].Adjustments[1].Variance, SharedVariance(out[0]), 1e-12)
	assert.InDelta(t, 0.5, IndependentVariance(out[1]), 1e-12)
}

func TestUndecidedTiltAdjust(t *testing.T) {
	// 60/20/20 with γ = −ln 4: e = 0.15/0.35, so A' = 68.5714, D' = 31.4286
	// (θ(−ln 4) = 0.685714 of methods.md §10.3).
	p := levada()
	p.Approve, p.Disapprove, p.Undecided = 60, 20, 20
	out, err := Chain{UndecidedTilt{Gamma: Estimate{-math.Log(4), 0.3}}}.Apply([]poll.Poll{p})
	require.NoError(t, err)
	assert.InDelta(t, 68.571429, out[0].Approve, 5e-7)
	assert.InDelta(t, 31.428571, out[0].Disapprove, 5e-7)
	assert.Equal(t, 0.0, out[0].Undecided)
	e := 0.15 / 0.35
	sd := 20 * e * (1 - e) * 0.3
	assert.InDelta(t, sd*sd, out[0].Adjustments[0].Variance, 1e-12)
	assert.Equal(t, "undecided-tilt", out[0].Adjustments[0].Name)

	p.Undecided = math.NaN()
	_, err = Chain{UndecidedTilt{}}.Apply([]poll.Poll{p})
	assert.ErrorIs(t, err, ErrValue)
	p.Undecided, p.Disapprove = 20, 0
	_, err = Chain{UndecidedTilt{}}.Apply([]poll.Poll{p})
	assert.ErrorIs(t, err, poll.ErrShareRange)
	_, err = Chain{UndecidedTilt{Gamma: Estimate{math.NaN(), 0}}}.Apply([]poll.Poll{levada()})
	assert.ErrorIs(t, err, ErrValue)
}

func TestNonresponseAdjust(t *testing.T) {
	// 70/20/10, κ = 0.8: p_obs = 7/9 → p = expit(logit(7/9) + log 0.8) =
	// 0.736842 of the 90 substantive points: A' = 66.315789, D' = 23.684211.
	p := levada()
	p.Approve, p.Disapprove, p.Undecided = 70, 20, 10
	nr := Nonresponse{DisapproverResponseRatio: 0.8, LogRatioSE: 0.1}
	out, err := Chain{nr}.Apply([]poll.Poll{p})
	require.NoError(t, err)
	assert.InDelta(t, 66.3157894736842, out[0].Approve, 1e-9)
	assert.InDelta(t, 23.684210526315795, out[0].Disapprove, 1e-9)
	assert.InDelta(t, 10, out[0].Undecided, 1e-12)
	q := 66.3157894736842 / 90
	sd := 90 * q * (1 - q) * 0.1
	a := out[0].Adjustments[0]
	assert.InDelta(t, sd*sd, a.Variance, 1e-9)
	assert.Equal(t, 0.8, a.Params["ratio"])
	assert.Equal(t, 0.1, a.Params["log_ratio_se"])

	p.Disapprove = math.NaN()
	_, err = Chain{nr}.Apply([]poll.Poll{p})
	assert.ErrorIs(t, err, ErrValue)
	p.Disapprove, p.Approve = 20, 0
	_, err = Chain{nr}.Apply([]poll.Poll{p})
	assert.ErrorIs(t, err, poll.ErrShareRange)
	_, err = Chain{Nonresponse{}}.Apply([]poll.Poll{levada()})
	assert.ErrorIs(t, err, ErrValue)
}

func TestSegmented(t *testing.T) {
	war := day("2022-02-24")
	before := GapCorrection{Falsification: Falsification{Direct: Estimate{0.65, 0.01}, List: Estimate{0.60, 0.03}}}
	after := GapCorrection{Falsification: chapkovski}
	phone := GapCorrection{Falsification: Falsification{Direct: Estimate{0.75, 0.01}, List: Estimate{0.60, 0.03}}}
	seg := Segmented{
		{Until: war, Correction: before},
		{From: war, Mode: poll.Phone, Correction: phone},
		{From: war, Mode: poll.FaceToFace, Correction: after},
		{From: war, Mode: poll.Online}, // deliberately uncorrected
	}
	mk := func(start string, mode poll.Mode) poll.Poll {
		p := levada()
		p.Start, p.End, p.Mode = day(start), day(start).AddDate(0, 0, 6), mode
		return p
	}
	polls := []poll.Poll{
		mk("2021-10-01", poll.FaceToFace),
		mk("2022-02-20", poll.Phone), // midpoint 2022-02-23: before
		mk("2022-02-21", poll.Phone), // midpoint 2022-02-24: after, phone
		mk("2023-10-19", poll.FaceToFace),
		mk("2023-10-19", poll.Online),
	}
	out, err := Chain{seg}.Apply(polls)
	require.NoError(t, err)
	for i, want := range []Correction{before, before, phone, after} {
		a, err := want.Adjust(polls[i])
		require.NoError(t, err)
		require.Len(t, out[i].Adjustments, 1, "poll %d", i)
		assert.Equal(t, a, out[i].Adjustments[0], "poll %d", i)
	}
	assert.Empty(t, out[4].Adjustments)
	assert.Equal(t, 82.0, out[4].Approve)

	// Same evidence → one calibration error (correlation 1); different
	// evidence → independent.
	v0, v1, v3 := SharedVariance(out[0]), SharedVariance(out[1]), SharedVariance(out[3])
	assert.InDelta(t, math.Sqrt(v0*v1), SharedCovariance(out[0], out[1]), 1e-15)
	assert.InDelta(t, v0, SharedCovariance(out[0], out[0]), 1e-15)
	assert.Zero(t, SharedCovariance(out[0], out[3]))
	assert.Zero(t, SharedCovariance(out[3], out[4]))
	assert.Greater(t, v3, 0.0)

	// A poll no segment covers is an error naming it.
	_, err = Chain{seg[1:]}.Apply(polls)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrValue)
	assert.Contains(t, err.Error(), "poll 0:")
	assert.Contains(t, err.Error(), "poll 1:")
	assert.Contains(t, err.Error(), "no segment covers")
}

func TestChainErrors(t *testing.T) {
	low := levada()
	low.Approve, low.Disapprove, low.Undecided = 5, 90, 5
	polls := []poll.Poll{levada(), low, levada()}
	polls[2].Approve = math.NaN()
	out, err := Chain{GapCorrection{Falsification: chapkovski, Scale: ScaleAdditive}}.Apply(polls)
	assert.Nil(t, out)
	require.Error(t, err)
	assert.ErrorIs(t, err, poll.ErrShareRange)
	assert.ErrorIs(t, err, ErrValue)
	var joined interface{ Unwrap() []error }
	require.True(t, errors.As(err, &joined))
	assert.Len(t, joined.Unwrap(), 2)
	assert.Contains(t, err.Error(), "poll 1:")
	assert.Contains(t, err.Error(), "poll 2:")
	t.Log(err)

	// Kuran scale below f; ratio above 100 cannot happen with R < 1, but
	// a list estimate above direct (R > 1) can push a high share over.
	_, err = Chain{GapCorrection{Falsification: chapkovski, Scale: ScaleKuran}}.Apply([]poll.Poll{low})
	assert.ErrorIs(t, err, poll.ErrShareRange)
	inv := Falsification{Direct: Estimate{0.5, 0.01}, List: Estimate{0.7, 0.03}}
	hi := levada()
	hi.Approve, hi.Disapprove, hi.Undecided = 90, 8, 2
	_, err = Chain{GapCorrection{Falsification: inv, Scale: ScaleRatio}}.Apply([]poll.Poll{hi})
	assert.ErrorIs(t, err, poll.ErrShareRange)
	// The logit scale cannot leave the range.
	out, err = Chain{GapCorrection{Falsification: inv}}.Apply([]poll.Poll{hi, low})
	require.NoError(t, err)
	assert.Less(t, out[0].Approve, 100.0)

	_, err = Chain{GapCorrection{Falsification: chapkovski, Scale: GapScale(9)}}.Apply([]poll.Poll{levada()})
	assert.ErrorIs(t, err, ErrValue)
	assert.Equal(t, "GapScale(9)", GapScale(9).String())
	_, err = Chain{nil}.Apply([]poll.Poll{levada()})
	assert.ErrorIs(t, err, ErrValue)
	_, err = Chain{GapCorrection{}}.Apply([]poll.Poll{levada()})
	assert.ErrorIs(t, err, ErrProbability)
	zero := levada()
	zero.Approve, zero.Disapprove, zero.Undecided = 0, 97, 3
	_, err = Chain{GapCorrection{Falsification: chapkovski}}.Apply([]poll.Poll{zero})
	assert.ErrorIs(t, err, poll.ErrShareRange)

	// An empty chain copies.
	out, err = Chain{}.Apply([]poll.Poll{levada()})
	require.NoError(t, err)
	assert.Equal(t, 82.0, out[0].Approve)
	assert.Empty(t, out[0].Adjustments)
}

// shifty is a faulty correction used to test Chain's own checks.
type shifty poll.Adjustment

func (s shifty) Adjust(poll.Poll) (poll.Adjustment, error) { return poll.Adjustment(s), nil }

func TestChainChecksCorrections(t *testing.T) {
	p := levada()
	_, err := Chain{shifty{Name: "bad", Approve: math.NaN()}}.Apply([]poll.Poll{p})
	assert.ErrorIs(t, err, ErrValue)
	_, err = Chain{shifty{Name: "bad", Variance: -1}}.Apply([]poll.Poll{p})
	assert.ErrorIs(t, err, ErrValue)
	_, err = Chain{shifty{Name: "bad", Approve: 5}}.Apply([]poll.Poll{p}) // takes 5 from undecided 3
	assert.ErrorIs(t, err, poll.ErrShareRange)
	p.Undecided = math.NaN()
	_, err = Chain{shifty{Name: "bad", Approve: 1}}.Apply([]poll.Poll{p})
	assert.ErrorIs(t, err, ErrValue)
	out, err := Chain{shifty{Name: "fine", Approve: 1, Disapprove: -1, Variance: 0.25}}.Apply([]poll.Poll{p})
	require.NoError(t, err)
	assert.True(t, math.IsNaN(out[0].Undecided))
	assert.Equal(t, 0.25, IndependentVariance(out[0]))
	assert.Zero(t, SharedCovariance(out[0], out[0]))
}

func BenchmarkChainApply(b *testing.B) {
	polls := make([]poll.Poll, 1000)
	for i := range polls {
		polls[i] = levada()
		polls[i].Start = day("2020-01-01").AddDate(0, 0, i)
		polls[i].End = polls[i].Start.AddDate(0, 0, 5)
	}
	ch := Chain{
		Segmented{
			{Until: day("2022-02-24"), Correction: GapCorrection{Falsification: Falsification{Direct: Estimate{0.65, 0.01}, List: Estimate{0.60, 0.03}}}},
			{From: day("2022-02-24"), Correction: GapCorrection{Falsification: chapkovski}},
		},
		Nonresponse{DisapproverResponseRatio: 0.9, LogRatioSE: 0.1},
		UndecidedTilt{Gamma: Estimate{-0.5, 0.3}},
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ch.Apply(polls); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSamplingVariance(t *testing.T) {
	// Uncorrected: the poll's own binomial variance.
	p := levada()
	va, vd := SamplingVariance(p, nil)
	assert.InDelta(t, math.Pow(p.StandardError(82), 2), va, 1e-12)
	assert.InDelta(t, math.Pow(p.StandardError(15), 2), vd, 1e-12)

	// A logit gap scales the approve SE by ∂â/∂a = â(1 − â)/(a(1 − a)).
	out, err := Chain{GapCorrection{Falsification: chapkovski}}.Apply([]poll.Poll{p})
	require.NoError(t, err)
	ah := out[0].Approve / 100
	slope := ah * (1 - ah) / (0.82 * 0.18)
	va, _ = SamplingVariance(out[0], nil)
	assert.InDelta(t, slope*slope*math.Pow(p.StandardError(82), 2), va, 1e-9)

	// The tilt alone reproduces Shares.Tilt's delta-method SE.
	q := levada()
	q.Approve, q.Disapprove, q.Undecided, q.DesignEffect = 60, 20, 20, 1
	out, err = Chain{UndecidedTilt{Gamma: Estimate{-math.Log(4), 0}}}.Apply([]poll.Poll{q})
	require.NoError(t, err)
	va, vd = SamplingVariance(out[0], nil)
	assert.InDelta(t, math.Pow(100*0.013240, 2), va, 2e-4)
	assert.InDelta(t, va, vd, 1e-9) // D' = 100 − A'

	// Unknown sample size.
	q.SampleSize, q.Pollster = 0, "Nobody"
	va, _ = SamplingVariance(q, nil)
	assert.True(t, math.IsNaN(va))
}

func TestSamplingVarianceMonteCarlo(t *testing.T) {
	// Draw multinomial polls around 70/20/10 (n = 1600), correct each with
	// the same chain (logit gap, nonresponse, tilt, all with known
	// parameters) and compare the spread of the corrected shares with
	// SamplingVariance of the central poll.
	ch := Chain{
		GapCorrection{Falsification: chapkovski},
		Nonresponse{DisapproverResponseRatio: 0.85},
		UndecidedTilt{Gamma: Estimate{-0.7, 0}},
	}
	center := levada()
	center.Approve, center.Disapprove, center.Undecided, center.DesignEffect = 70, 20, 10, 1
	out, err := ch.Apply([]poll.Poll{center})
	require.NoError(t, err)
	va, vd := SamplingVariance(out[0], nil)

	rng := rand.New(rand.NewPCG(61, 62))
	const draws, n = 4000, 1600
	var sa, saa, sd, sdd float64
	polls := make([]poll.Poll, draws)
	for i := range polls {
		var na, nd int
		for j := 0; j < n; j++ {
			switch u := rng.Float64(); {
			case u < 0.7:
				na++
			case u < 0.9:
				nd++
			}
		}
		polls[i] = center
		polls[i].Approve = 100 * float64(na) / n
		polls[i].Disapprove = 100 * float64(nd) / n
		polls[i].Undecided = 100 - polls[i].Approve - polls[i].Disapprove
	}
	res, err := ch.Apply(polls)
	require.NoError(t, err)
	for _, p := range res {
		sa += p.Approve
		saa += p.Approve * p.Approve
		sd += p.Disapprove
		sdd += p.Disapprove * p.Disapprove
	}
	mcA := saa/draws - math.Pow(sa/draws, 2)
	mcD := sdd/draws - math.Pow(sd/draws, 2)
	// The Monte Carlo variance has a relative SE of about √(2/4000) ≈ 2%.
	assert.InDelta(t, 1, mcA/va, 0.08, "approve: Monte Carlo %.4f, delta %.4f", mcA, va)
	assert.InDelta(t, 1, mcD/vd, 0.08, "disapprove: Monte Carlo %.4f, delta %.4f", mcD, vd)
	// The recomputed binomial variance at the corrected share is off.
	naive := math.Pow(out[0].StandardError(out[0].Approve), 2)
	t.Logf("approve sampling variance: Monte Carlo %.4f, delta %.4f, binomial at corrected share %.4f", mcA, va, naive)
}

func TestChainCoverage(t *testing.T) {
	// End to end, with known hidden opinions: private approval π = 0.55 in
	// both surveys; a share f = 0.3 of private opponents say "approve"
	// when asked directly (public approval 0.685). A calibration survey
	// asks 1600 people directly and 2000 others by forced response; a
	// separate poll of 1600 asks directly. The poll corrected on the Kuran
	// scale (the true model here), with the interval from SamplingVariance
	// + SharedVariance, covers π in 93–97% of replicates.
	const pi, f, nD, nL, nPoll = 0.55, 0.3, 1600, 2000, 1600
	rng := rand.New(rand.NewPCG(71, 72))
	public := func() bool { return rng.Float64() < pi || rng.Float64() < f }
	reps := simcheck.Replicates(1000, 10000)
	covered := 0
	answers := make([]float64, nL)
	for rep := 0; rep < reps; rep++ {
		ev := calibrationSurvey(t, rng, pi, f, nD, answers)
		yes := 0
		for i := 0; i < nPoll; i++ {
			if public() {
				yes++
			}
		}
		p := levada()
		p.Approve = 100 * float64(yes) / nPoll
		p.Disapprove, p.Undecided, p.DesignEffect, p.SampleSize = 100-p.Approve, 0, 1, nPoll
		out, err := Chain{GapCorrection{Falsification: ev, Scale: ScaleKuran}}.Apply([]poll.Poll{p})
		require.NoError(t, err)
		va, _ := SamplingVariance(out[0], nil)
		se := math.Sqrt(va + SharedVariance(out[0]))
		if lo, hi := (Estimate{out[0].Approve, se}).CI(0.95); lo <= 100*pi && 100*pi <= hi {
			covered++
		}
	}
	simcheck.AssertCoverage(t, "chain (Kuran gap) end to end", covered, reps)
}
