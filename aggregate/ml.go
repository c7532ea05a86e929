package aggregate

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/floats"
)

// Maximum-likelihood search for σ (and τ) on the diffuse likelihood of
// core.eval.

// Search range of log σ (points per day): from 1e-4 (a flat trend) to 50
// (no smoothing at all at daily resolution).
var logSigmaRange = [2]float64{math.Log(1e-4), math.Log(50)}

// sigmaTol is the tolerance of the search on log σ. The log-likelihood is
// a sum of thousands of terms whose rounding (about 1e-11 on the peers'
// data) makes it flat to within that near its maximum, which locates log σ̂
// to a few 1e-6 whatever the tolerance: a finer one only buys evaluations.
const sigmaTol = 1e-6

// brentMin minimises f on [a, b] by Brent's method (golden section with
// parabolic steps; Brent 1973, ch. 5), to an absolute tolerance tol in x.
// It checks ctx between evaluations.
func brentMin(ctx context.Context, f func(float64) float64, a, b, tol float64) (x, fx float64, evals int, err error) {
	const cgold = 0.3819660112501051
	x = a + cgold*(b-a)
	fx = f(x)
	x, fx, evals, err = brentFrom(ctx, f, a, b, tol, brentPoint{x, fx}, brentPoint{x, fx}, brentPoint{x, fx}, 0)
	return x, fx, evals + 1, err
}

// brentPoint is an abscissa of brentFrom with its value.
type brentPoint struct{ x, f float64 }

// brentFrom is Brent's method on [a, b] from a state already known: the
// best point x, the second best w and the previous w, v, and e the length
// of the step before last (0 forces a golden-section step first; the width
// of a bracket whose three points are known lets the first step be
// parabolic).
func brentFrom(ctx context.Context, f func(float64) float64, a, b, tol float64, xp, wp, vp brentPoint, e float64) (x, fx float64, evals int, err error) {
	const cgold = 0.3819660112501051
	x, fx = xp.x, xp.f
	w, fw := wp.x, wp.f
	v, fv := vp.x, vp.f
	d := 0.0
	for iter := 0; iter < 200; iter++ {
		if err := ctx.Err(); err != nil {
			return x, fx, evals, err
		}
		xm := 0.5 * (a + b)
		tol1 := tol + 1e-10*math.Abs(x)
		tol2 := 2 * tol1
		if math.Abs(x-xm) <= tol2-0.5*(b-a) {
			return x, fx, evals, nil
		}
		golden := true
		if math.Abs(e) > tol1 {
			r := (x - w) * (fx - fv)
			q := (x - v) * (fx - fw)
			p := (x-v)*q - (x-w)*r
			q = 2 * (q - r)
			if q > 0 {
				p = -p
			}
			q = math.Abs(q)
			if math.Abs(p) < math.Abs(0.5*q*e) && p > q*(a-x) && p < q*(b-x) {
				e, d = d, p/q
				u := x + d
				if u-a < tol2 || b-u < tol2 {
					d = math.Copysign(tol1, xm-x)
				}
				golden = false
			}
		}
		if golden {
			if x >= xm {
				e = a - x
			} else {
				e = b - x
			}
			d = cgold * e
		}
		u := x + d
		if math.Abs(d) < tol1 {
			u = x + math.Copysign(tol1, d)
		}
		fu := f(u)
		evals++
		if fu <= fx {
			if u >= x {
				a = x
			} else {
				b = x
			}
			v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
		} else {
			if u < x {
				a = u
			} else {
				b = u
			}
			if fu <= fw || w == x {
				v, fv, w, fw = w, fw, u, fu
			} else if fu <= fv || v == x || v == w {
				v, fv = u, fu
			}
		}
	}
	return x, fx, evals, nil
}

// gridBrent minimises f on [a, b]: a grid of n points first, then Brent's
// method between the neighbours of the best grid point, started from
// those three points (its first step is the parabola through them). The
// profile likelihood of σ can be flat towards σ → 0 and have a local
// optimum there; Brent alone, started in the flat part, can stop in it
// (the calibration suite caught σ̂ = 0 on data with σ = 0.25). The callers'
// grid has 8 points on log σ over logSigmaRange, a factor of 6.5 apart:
// 14 (a factor of 2.7) cost six more evaluations of the 24 of the peers'
// fit and changed no estimate or coverage of the -calib.full suite.
func gridBrent(ctx context.Context, f func(float64) float64, a, b, tol float64, n int) (x, fx float64, evals int, err error) {
	vals := make([]float64, n)
	step := (b - a) / float64(n-1)
	at := func(i int) float64 { return a + float64(i)*step }
	best := 0
	for i := range vals {
		if err := ctx.Err(); err != nil {
			return a, math.Inf(1), evals, err
		}
		vals[i] = f(at(i))
		evals++
		if vals[i] < vals[best] {
			best = i
		}
	}
	xp := brentPoint{at(best), vals[best]}
	var wp, vp brentPoint
	switch {
	case best == 0:
		wp, vp = brentPoint{at(1), vals[1]}, brentPoint{at(1), vals[1]}
	case best == n-1:
		wp, vp = brentPoint{at(n - 2), vals[n-2]}, brentPoint{at(n - 2), vals[n-2]}
	default:
		wp, vp = brentPoint{at(best - 1), vals[best-1]}, brentPoint{at(best + 1), vals[best+1]}
		if vp.f < wp.f {
			wp, vp = vp, wp
		}
	}
	lo, hi := at(max(best-1, 0)), at(min(best+1, n-1))
	x, fx, e, err := brentFrom(ctx, f, lo, hi, tol, xp, wp, vp, hi-lo)
	evals += e
	if xp.f < fx {
		x, fx = xp.x, xp.f
	}
	return x, fx, evals, err
}

// mlFit is the outcome of the likelihood maximisation.
type mlFit struct {
	sigma float64
	tau   []float64
	ll    float64
	logSE float64 // SE of log σ̂ from the observed information (NaN if not available)

	// The estimated parameters in the search parameterisation (log σ,
	// then u_g with τ_g = |u_g|), their covariance from the inverse
	// observed information (nil when not positive definite), and the map
	// back to (σ, τ). Used for the parameter-uncertainty term of the
	// smoothed sds.
	theta     []float64
	cov       []float64
	params    func(x []float64) (sigma float64, tau []float64)
	evals     int
	gradEvals int  // of evals, those with the gradient (the quasi-Newton search's, where the likelihood is finite)
	atBound   bool // σ̂ at an end of the search range
}

// maximise finds the ML estimates. fixedSigma > 0 fixes σ; fixedTau
// (non-nil) fixes τ; with neither fixed and no τ, it is a 1-D Brent search
// on log σ, otherwise a quasi-Newton search with the likelihood's gradient
// (quasiNewton, scores) or, on the banded path or when that search fails,
// Nelder–Mead on (log σ, u) with τ_g = |u_g| (so τ = 0 is an interior
// point of the search space; the likelihood depends on u² and is smooth
// there). The estimates are reported in (log σ, u) either way (theta, cov,
// params).
func maximise(ctx context.Context, cr *core, fixedSigma float64, fixedTau []float64) (mlFit, error) {
	nTau := cr.nth
	tau := make([]float64, nTau)
	if fixedTau != nil {
		copy(tau, fixedTau)
	}
	fit := mlFit{tau: tau, logSE: math.NaN()}
	estTau := nTau > 0 && fixedTau == nil
	estSigma := !(fixedSigma > 0) && cr.n > 0
	if cr.n == 0 && !(fixedSigma > 0) {
		fixedSigma = 0 // one day: σ does not enter the likelihood
	}
	switch {
	case !estSigma && !estTau:
		fit.sigma = fixedSigma
		fit.ll = cr.eval(max(fit.sigma, 1e-12), tau)
		fit.evals = 1
	case estSigma && !estTau:
		f := func(ls float64) float64 { return -cr.eval(math.Exp(ls), tau) }
		x, fx, evals, err := gridBrent(ctx, f, logSigmaRange[0], logSigmaRange[1], sigmaTol, 8)
		fit.evals += evals
		if err != nil {
			return fit, err
		}
		fit.sigma, fit.ll = math.Exp(x), -fx
		fit.atBound = x-logSigmaRange[0] < 1e-3 || logSigmaRange[1]-x < 1e-3
		// Observed information of log σ by a central second difference.
		const h = 1e-3
		fp, fm := f(x+h), f(x-h)
		fit.evals += 2
		if d2 := (fp - 2*fx + fm) / (h * h); d2 > 0 {
			fit.logSE = 1 / math.Sqrt(d2)
			fit.theta, fit.cov = []float64{x}, []float64{1 / d2}
			fit.params = func(x []float64) (float64, []float64) { return math.Exp(x[0]), tau }
		}
	default:
		// Parameters: [log σ] (when estimated) then u_g.
		off := 0
		if estSigma {
			off = 1
		}
		dim := off
		if estTau {
			dim += nTau
		}
		x0 := make([]float64, dim)
		if estSigma {
			x0[0] = math.Log(0.3)
		}
		for g := off; g < dim; g++ {
			x0[g] = 1
		}
		// unpackInto returns σ at x and sets tau to τ at x.
		unpackInto := func(x, tau []float64) float64 {
			// σ = 0 (all polls on one day) makes the likelihood NaN, so
			// Nelder–Mead never moved τ and LogLik came back NaN; σ does not
			// enter there, so any tiny σ gives the same likelihood (as in
			// the branch above).
			s := max(fixedSigma, 1e-12)
			if estSigma {
				s = math.Exp(min(max(x[0], logSigmaRange[0]), logSigmaRange[1]))
			}
			if estTau {
				for g := range tau {
					tau[g] = math.Abs(x[off+g])
				}
			}
			return s
		}
		unpack := func(x []float64) float64 { return unpackInto(x, tau) }
		negLL := func(x []float64) float64 {
			ll := cr.eval(unpack(x), tau)
			if math.IsInf(ll, -1) || math.IsNaN(ll) {
				return math.Inf(1)
			}
			return -ll
		}
		// The tridiagonal path has the likelihood's gradient (scores), for
		// a quasi-Newton search; the banded path searches without it. The
		// gradient costs O(D·k²) in the D polled days and k constants,
		// about one evaluation when few houses make the dense Gram
		// accumulation the cheaper (chooseGram), but many where many
		// houses poll a few a day (538's 92: the gradient search took
		// 1.7× Nelder–Mead's time), so those keep Nelder–Mead.
		gradient := cr.band == nil && cr.dense
		if gradient {
			// The quasi-Newton search starts σ's grid from τ = 0, the
			// τ-free model's profile: from a τ too large the profile can
			// put σ in the flat stretch towards 0, where the gradient
			// vanishes and the search would stay. A second start, at τ
			// from the polls' moments, is taken only when its likelihood
			// is higher (momentStart).
			for g := off; g < dim; g++ {
				x0[g] = 0
			}
		}
		fx0 := math.NaN() // −log-likelihood at x0 (NaN: not evaluated)
		// Start σ from its profile with τ at the start values: the grid
		// keeps σ out of the flat stretch towards 0 (see gridBrent); a
		// short Brent search then shortens Nelder–Mead's job, while the
		// quasi-Newton search refines σ itself.
		if estSigma {
			unpack(x0)
			f := func(ls float64) float64 { return -cr.eval(math.Exp(ls), tau) }
			tol := 1e-4
			if gradient {
				tol = 0.05
			}
			ls, fx, evals, err := gridBrent(ctx, f, logSigmaRange[0], logSigmaRange[1], tol, 8)
			fit.evals += evals
			if err != nil {
				return fit, err
			}
			x0[0], fx0 = ls, fx
		}
		var xb []float64
		ok := false
		if gradient {
			// The search runs on v = (log σ, log(τ²_g + c_g)) with c_g the
			// mean sampling variance of group g's polls: nearly the log of
			// the polls' variance, on which the likelihood is close to
			// quadratic (on τ² itself its curvature at 0 is that of the
			// smallest variances, thousands of times that near τ̂), and
			// with τ = 0 the bound v_g = log c_g, which the search can
			// reach and hold — not the stationary point u = 0 of τ = |u|
			// that a step can land on exactly.
			c := make([]float64, nTau)
			cn := make([]float64, nTau)
			for i := range cr.o.y {
				if h := cr.o.house[i]; h >= 0 && cr.tauOf[h] >= 0 {
					c[cr.tauOf[h]] += cr.o.s2[i]
					cn[cr.tauOf[h]]++
				}
			}
			lo, hi := make([]float64, dim), make([]float64, dim)
			for g := range nTau {
				c[g] /= max(cn[g], 1)
				lo[off+g], hi[off+g] = math.Log(c[g]), math.Inf(1)
				x0[off+g] = lo[off+g]
			}
			if estSigma {
				lo[0], hi[0] = logSigmaRange[0], logSigmaRange[1]
			}
			if estTau {
				evals, err := momentStart(ctx, cr, x0, fx0, fixedSigma, c, off)
				fit.evals += evals
				if err != nil {
					return fit, err
				}
			}
			score := make([]float64, 1+nTau)
			negLLGrad := func(v, grad []float64) float64 {
				s := max(fixedSigma, 1e-12)
				if estSigma {
					s = math.Exp(v[0])
				}
				for g := range tau {
					tau[g] = math.Sqrt(max(math.Exp(v[off+g])-c[g], 0))
				}
				ll := cr.eval(s, tau)
				if math.IsInf(ll, -1) || math.IsNaN(ll) {
					return math.Inf(1)
				}
				fit.gradEvals++
				cr.scores(score)
				if estSigma {
					grad[0] = -2 * s * s * score[0] // ∂/∂log σ = 2σ²∂/∂σ²
				}
				for g := range nTau {
					grad[off+g] = -math.Exp(v[off+g]) * score[1+g]
				}
				return -ll
			}
			var evals int
			var err error
			xb, _, evals, ok, err = quasiNewton(ctx, negLLGrad, x0, lo, hi, 1e-9, 200)
			fit.evals += evals
			if err != nil {
				return fit, err
			}
			for g := off; g < dim; g++ {
				// Back to u = τ, from xb itself: tau holds the last point
				// the search tried, which is not xb when it ended on a
				// failed line search.
				xb[g] = math.Sqrt(max(math.Exp(xb[g])-c[g-off], 0))
			}
			x0 = xb
		}
		if !ok {
			var evals int
			var err error
			xb, _, evals, err = nelderMead(ctx, negLL, x0, 0.5, 1e-9, 4000)
			fit.evals += evals
			if err != nil {
				return fit, err
			}
		}
		if estSigma {
			fit.atBound = xb[0]-logSigmaRange[0] < 1e-3 || logSigmaRange[1]-xb[0] < 1e-3
		}
		if cov, ok := hessianInverse(negLL, xb); ok {
			if estSigma {
				fit.logSE = math.Sqrt(cov[0])
			}
			fit.theta, fit.cov = append([]float64(nil), xb...), cov
			fit.params = func(x []float64) (float64, []float64) {
				// A τ of its own: the fit's τ stays the estimate (the
				// parameter-uncertainty term evaluates around it).
				t := append([]float64(nil), tau...)
				return unpackInto(x, t), t
			}
		}
		fit.evals += 1 + dim + dim*dim
		// Leave the workspace at the optimum for smooth.
		fit.sigma = unpack(xb)
		fit.ll = cr.eval(fit.sigma, tau)
		return fit, nil
	}
	// Leave the workspace at the optimum for smooth.
	fit.ll = cr.eval(max(fit.sigma, 1e-12), tau)
	if math.IsInf(fit.ll, -1) {
		return fit, errNotIdentified
	}
	return fit, nil
}

var errNotIdentified = errors.New("not identified")

// momentStart moves the quasi-Newton search's start x0 (log σ when
// estimated, then v_g = log(τ²_g + c_g); τ = 0 there, fx0 the negative
// log-likelihood at x0, NaN when not evaluated) to a second start when
// that has the higher likelihood: τ from the moments of pairs of one
// house's polls (tauMoments) and σ from its profile at that τ (the grid of
// maximise's first start). The path from τ = 0 is long when τ̂ is large
// and σ̂ small — on the peers' undecided share, τ̂² seven times the
// sampling variance and σ̂ = 0.0008, 22 steps, most of them walking log σ
// down by 6 — while a profile at a fixed τ costs evaluations of σ alone,
// which reuse the sums that depend on τ (core.setTau). Taking the better
// of the two starts keeps the τ = 0 start where the moments mislead.
func momentStart(ctx context.Context, cr *core, x0 []float64, fx0, fixedSigma float64, c []float64, off int) (evals int, err error) {
	estSigma := off == 1
	s0 := fixedSigma
	if estSigma {
		s0 = math.Exp(x0[0])
	}
	tm := tauMoments(cr.o, cr.tauOf, len(c), s0)
	if !slices.ContainsFunc(tm, func(v float64) bool { return v > 0 }) {
		return 0, nil
	}
	s0 = max(s0, 1e-12)
	if math.IsNaN(fx0) {
		fx0 = -cr.eval(s0, make([]float64, len(c)))
		evals++
	}
	ls, fx := 0.0, 0.0
	if estSigma {
		f := func(ls float64) float64 { return -cr.eval(math.Exp(ls), tm) }
		var e int
		ls, fx, e, err = gridBrent(ctx, f, logSigmaRange[0], logSigmaRange[1], 0.05, 8)
		evals += e
		if err != nil {
			return evals, err
		}
	} else {
		fx = -cr.eval(s0, tm)
		evals++
	}
	if !(fx < fx0) {
		return evals, nil
	}
	if estSigma {
		x0[0] = ls
	}
	for g, t := range tm {
		x0[off+g] = math.Log(t*t + c[g])
	}
	return evals, nil
}

// tauMoments estimates τ_g for each τ group g from pairs of consecutive
// polls of one house at most tauPairDays apart: the house effect cancels
// in their difference d, whose expectation of d² is s²_i + s²_j + 2τ² +
// σ²Δt (sampling variances s², Δt days apart), so
//
//	τ̂²_g = max(0, mean over pairs of (d² − s²_i − s²_j − σ²Δt)/2),
//
// 0 for a group with fewer than five pairs. sigma is the τ = 0 profile's
// σ, too large when τ > 0 (it absorbs the extra noise), which errs
// towards a smaller τ̂. o's polls are in day order (observationsFor takes
// them in midpoint order), so a house's consecutive polls are neighbours
// among its own. It is the identity of Average's variogram
// (average_variogram.go) within one house, for τ rather than σ; unlike
// the variogram it keeps pairs whose fieldwork overlaps (tracking polls
// sharing respondents; the observations keep only midpoints), which
// understate τ — a start nearer τ = 0, and the likelihood still decides
// (momentStart).
func tauMoments(o *observations, tauOf []int, nTau int, sigma float64) []float64 {
	if tauOf == nil { // no house has a τ
		return make([]float64, nTau)
	}
	acc := make([]float64, 2*nTau)
	sum, pairs := acc[:nTau], acc[nTau:]
	last := make([]int, len(o.houses))
	for h := range last {
		last[h] = -1
	}
	s2 := sigma * sigma
	for i, h := range o.house {
		if h < 0 || tauOf[h] < 0 {
			continue
		}
		if j := last[h]; j >= 0 && o.day[i]-o.day[j] <= tauPairDays {
			d := o.y[i] - o.y[j]
			g := tauOf[h]
			sum[g] += d*d - o.s2[i] - o.s2[j] - s2*float64(o.day[i]-o.day[j])
			pairs[g]++
		}
		last[h] = i
	}
	tm := make([]float64, nTau)
	for g := range tm {
		if pairs[g] >= 5 {
			tm[g] = math.Sqrt(max(sum[g]/(2*pairs[g]), 0))
		}
	}
	return tm
}

// tauPairDays is the longest gap between the two polls of a pair in
// tauMoments: a week, over which the trend moves little next to τ in
// most series, and which most houses' polls fall within.
const tauPairDays = 7

// hessianInverse returns the inverse of the finite-difference Hessian of
// the negative log-likelihood f at x (the asymptotic covariance of the ML
// estimates), or ok = false when the Hessian is not positive definite (an
// estimate on a flat ridge).
//
// The points are evaluated grouped by x[1:], x itself last: when the
// likelihood's search estimates σ, x[0] is log σ, and points that differ
// from the previous one in σ alone reuse the sums that depend on τ
// (core.setTau, which cost as much as the rest of an evaluation; with σ
// fixed the grouping saves nothing and costs nothing), and the last one
// leaves the workspace at x. The values, and so the Hessian, are those
// of any other order.
func hessianInverse(f func([]float64) float64, x []float64) ([]float64, bool) {
	dim := len(x)
	const h = 1e-3
	// The points: x, x ± h·e_a, and x ± (h, h) in each pair (a, b).
	type offset struct {
		a, b   int // coordinates moved; b = −1: a alone
		da, db float64
	}
	offs := make([]offset, 0, 2*dim+dim*(dim-1))
	for a := 0; a < dim; a++ {
		offs = append(offs, offset{a, -1, h, 0}, offset{a, -1, -h, 0})
		for b := a + 1; b < dim; b++ {
			offs = append(offs, offset{a, b, h, h}, offset{a, b, -h, -h})
		}
	}
	// tail is where a point's x[1:] differs from x's: the pairs
	// (coordinate, offset) of its moves there; x's own group (x and
	// x ± h·e_0) sorts last.
	tail := func(o offset) [4]float64 {
		var k [4]float64
		n := 0
		if o.a > 0 {
			k[0], k[1], n = float64(o.a), o.da, 2
		}
		if o.b > 0 {
			k[n], k[n+1] = float64(o.b), o.db
		}
		if k == ([4]float64{}) {
			k[0] = math.Inf(1)
		}
		return k
	}
	slices.SortStableFunc(offs, func(p, q offset) int {
		kp, kq := tail(p), tail(q)
		for i := range kp {
			if c := cmp.Compare(kp[i], kq[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	vals := make([]float64, dim*dim*4) // by (a, b, sign a, sign b); diagonal: (a, a, sign, 0)
	at := func(o offset) *float64 {
		sa, sb := boolInt(o.da < 0), boolInt(o.db < 0)
		b := o.b
		if b < 0 {
			b = o.a
		}
		return &vals[((o.a*dim+b)*2+sa)*2+sb]
	}
	xx := make([]float64, dim)
	for _, o := range offs {
		copy(xx, x)
		xx[o.a] += o.da
		if o.b >= 0 {
			xx[o.b] += o.db
		}
		*at(o) = f(xx)
	}
	f0 := f(x)
	hs := make([]float64, dim*dim)
	for a := 0; a < dim; a++ {
		for b := a; b < dim; b++ {
			var v float64
			if a == b {
				fp, fm := *at(offset{a, -1, h, 0}), *at(offset{a, -1, -h, 0})
				v = (fp - 2*f0 + fm) / (h * h)
			} else {
				// The second difference along the diagonal e_a + e_b less
				// those along e_a and e_b, which are at hand: two points a
				// pair rather than the four of (f₊₊ − f₊₋ − f₋₊ + f₋₋)/4h²,
				// and as exact on a quadratic (error O(h²) either way).
				fpp, fmm := *at(offset{a, b, h, h}), *at(offset{a, b, -h, -h})
				fpa, fma := *at(offset{a, -1, h, 0}), *at(offset{a, -1, -h, 0})
				fpb, fmb := *at(offset{b, -1, h, 0}), *at(offset{b, -1, -h, 0})
				v = (fpp + fmm - fpa - fma - fpb - fmb + 2*f0) / (2 * h * h)
			}
			hs[a*dim+b], hs[b*dim+a] = v, v
		}
	}
	return spdInverse(hs, dim)
}

// spdInverse returns the inverse of the symmetric positive definite
// dim × dim matrix a, which it overwrites with its Cholesky factor, or
// ok = false when a is not positive definite.
func spdInverse(a []float64, dim int) ([]float64, bool) {
	if !choleskyFactor(a, dim) {
		return nil, false
	}
	inv := make([]float64, dim*dim)
	col := make([]float64, dim)
	for j := 0; j < dim; j++ {
		clear(col)
		col[j] = 1
		forwardSub(a, dim, col)
		backSub(a, dim, col)
		for i := range col {
			inv[i*dim+j] = col[i]
		}
	}
	return inv, true
}

// gradientHessianInverse returns the inverse of the forward-difference
// Hessian of f at x from its gradient g there and at x + δ·e_a (−δ where
// that would pass the upper bound hi; the lower bounds are where a
// coordinate starts or rests, τ = 0, and a step up from them stays in the
// box), symmetrised, and the number of evaluations; ok = false when f is
// not finite at a point or the Hessian is not positive definite.
func gradientHessianInverse(fg func(x, g []float64) float64, x, g, hi []float64) (inv []float64, evals int, ok bool) {
	const delta = 1e-2
	dim := len(x)
	hs := make([]float64, dim*dim)
	xa, ga := make([]float64, dim), make([]float64, dim)
	for a := range dim {
		copy(xa, x)
		d := delta
		if xa[a]+d > hi[a] {
			d = -d
		}
		xa[a] += d
		fa := fg(xa, ga)
		evals++
		if math.IsInf(fa, 0) || math.IsNaN(fa) {
			return nil, evals, false
		}
		for b := range dim {
			hs[b*dim+a] = (ga[b] - g[b]) / d
		}
	}
	for a := range dim {
		for b := range a {
			v := (hs[a*dim+b] + hs[b*dim+a]) / 2
			hs[a*dim+b], hs[b*dim+a] = v, v
		}
	}
	inv, ok = spdInverse(hs, dim)
	return inv, evals, ok
}

// nelderMead minimises f from x0 with the Nelder–Mead simplex (standard
// coefficients 1, 2, ½, ½; initial simplex x0 + step·e_i), until the spread
// of the simplex's values is below ftol (absolute) or maxEval evaluations.
// It checks ctx every iteration. A small local implementation: the
// likelihood surfaces here are smooth and low-dimensional.
func nelderMead(ctx context.Context, f func([]float64) float64, x0 []float64, step, ftol float64, maxEval int) ([]float64, float64, int, error) {
	dim := len(x0)
	pts := make([][]float64, dim+1)
	vals := make([]float64, dim+1)
	for i := range pts {
		pts[i] = append([]float64(nil), x0...)
		if i > 0 {
			pts[i][i-1] += step
		}
		vals[i] = f(pts[i])
	}
	evals := dim + 1
	idx := make([]int, dim+1)
	cen := make([]float64, dim)
	xr := make([]float64, dim)
	xe := make([]float64, dim)
	xc := make([]float64, dim)
	at := func(dst []float64, t float64, worst []float64) { // dst = cen + t(cen − worst)
		for j := range dst {
			dst[j] = cen[j] + t*(cen[j]-worst[j])
		}
	}
	for evals < maxEval {
		if err := ctx.Err(); err != nil {
			return nil, 0, evals, err
		}
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return vals[idx[a]] < vals[idx[b]] })
		best, worst, second := idx[0], idx[dim], idx[dim-1]
		if math.Abs(vals[worst]-vals[best]) <= ftol*(1+math.Abs(vals[best])) {
			break
		}
		for j := range cen {
			cen[j] = 0
			for _, i := range idx[:dim] {
				cen[j] += pts[i][j]
			}
			cen[j] /= float64(dim)
		}
		at(xr, 1, pts[worst])
		fr := f(xr)
		evals++
		switch {
		case fr < vals[best]:
			at(xe, 2, pts[worst])
			fe := f(xe)
			evals++
			if fe < fr {
				copy(pts[worst], xe)
				vals[worst] = fe
			} else {
				copy(pts[worst], xr)
				vals[worst] = fr
			}
		case fr < vals[second]:
			copy(pts[worst], xr)
			vals[worst] = fr
		default:
			t := 0.5
			if fr >= vals[worst] {
				t = -0.5
			}
			at(xc, t, pts[worst])
			fc := f(xc)
			evals++
			if fc < min(fr, vals[worst]) {
				copy(pts[worst], xc)
				vals[worst] = fc
			} else {
				for _, i := range idx[1:] {
					for j := range pts[i] {
						pts[i][j] = pts[best][j] + 0.5*(pts[i][j]-pts[best][j])
					}
					vals[i] = f(pts[i])
					evals++
				}
			}
		}
	}
	b := 0
	for i := range vals {
		if vals[i] < vals[b] {
			b = i
		}
	}
	return pts[b], vals[b], evals, nil
}

// quasiNewton minimises f from x0 within the box [lo, hi] by BFGS
// (Nocedal & Wright 2006, §6.1) with a backtracking line search on the
// Armijo condition, projected onto the box; fg returns f(x) (+Inf where
// it is not defined) and writes its gradient into g. A coordinate on a
// bound whose gradient points out of the box is held there (the others
// take the step of their block of H). It stops when the predicted decrease
// of the next step, ½gᵀHg with H the inverse Hessian's approximation, is
// below ftol (absolute: the log-likelihood's rounding is far below it) and
// reports ok = false when it cannot get there — a line search that fails
// away from a stationary point, a start where f is not defined, or
// maxIter iterations — for the caller to fall back on Nelder–Mead. A step
// is at most maxQNStep in any coordinate (log σ and τ move in units of
// about 1). It checks ctx every iteration.
func quasiNewton(ctx context.Context, fg func(x, g []float64) float64, x0, lo, hi []float64, ftol float64, maxIter int) (x []float64, fx float64, evals int, ok bool, err error) {
	const (
		c1        = 1e-4 // Armijo's sufficient decrease
		maxQNStep = 1.0
	)
	dim := len(x0)
	x = append([]float64(nil), x0...)
	g := make([]float64, dim)
	xn, gn := make([]float64, dim), make([]float64, dim)
	p, s, y, hy := make([]float64, dim), make([]float64, dim), make([]float64, dim), make([]float64, dim)
	held := make([]bool, dim)
	h := make([]float64, dim*dim) // inverse Hessian, row-major
	identity := func(scale float64) {
		clear(h)
		for a := range dim {
			h[a*dim+a] = scale
		}
	}
	fx = fg(x, g)
	evals++
	if math.IsInf(fx, 0) || math.IsNaN(fx) {
		return x, fx, evals, false, nil
	}
	// H starts as the inverse of a forward-difference Hessian of the
	// gradient at x0 when that is positive definite: dim more
	// evaluations, but the scales of log σ and log(τ² + c) differ by
	// orders of magnitude near small σ̂, and a first H of the identity
	// took as many steps to learn them. Otherwise, until the first update,
	// a gradient step of length maxQNStep.
	scaled := false
	hd, n, ok := gradientHessianInverse(fg, x, g, hi)
	evals += n
	if ok {
		copy(h, hd)
		scaled = true
	} else {
		identity(maxQNStep / math.Max(floats.Norm(g, math.Inf(1)), 1e-300))
	}
	for iter := 0; iter < maxIter; iter++ {
		if err := ctx.Err(); err != nil {
			return x, fx, evals, false, err
		}
		for a := range dim {
			held[a] = (x[a] <= lo[a] && g[a] > 0) || (x[a] >= hi[a] && g[a] < 0)
		}
		slope := 0.0 // gᵀp
		for a := range dim {
			v := 0.0
			for b := range dim {
				if !held[a] && !held[b] {
					v -= h[a*dim+b] * g[b]
				}
			}
			p[a] = v
			slope += g[a] * v
		}
		if !(slope < 0) {
			if slope == 0 {
				return x, fx, evals, true, nil // a stationary point
			}
			// H is no longer positive definite (rounding): restart.
			identity(maxQNStep / math.Max(floats.Norm(g, math.Inf(1)), 1e-300))
			scaled = false
			continue
		}
		if -0.5*slope < ftol {
			return x, fx, evals, true, nil
		}
		alpha := math.Min(1, maxQNStep/floats.Norm(p, math.Inf(1)))
		var fn, dec float64
		found := false
		for range 40 {
			dec = 0 // gᵀ(xn − x), the slope times the projected step
			moved := false
			for a := range dim {
				xn[a] = math.Min(math.Max(x[a]+alpha*p[a], lo[a]), hi[a])
				dec += g[a] * (xn[a] - x[a])
				moved = moved || xn[a] != x[a]
			}
			if !moved {
				// The step has shrunk below x's resolution, or every
				// moving component is held at its bound by the box: xn =
				// x would pass the test below (f equal to fx), and every
				// later iteration would take the same null step — one of
				// examples/russia's fits ran its 200 iterations so, with
				// −gᵀp/2 just above ftol, when the pivots' rounding
				// changed by 2e-10.
				break
			}
			fn = fg(xn, gn)
			evals++
			if fn <= fx+c1*dec {
				found = true
				break
			}
			// Backtrack to the minimum of the quadratic through f(x),
			// its slope and f(xn), within [0.1, 0.5] of the step.
			next := 0.5 * alpha
			if !math.IsInf(fn, 0) && !math.IsNaN(fn) && dec < 0 {
				q := -dec * alpha / (2 * (fn - fx - dec))
				next = math.Min(math.Max(q, 0.1*alpha), 0.5*alpha)
			}
			alpha = next
		}
		if !found {
			// No decrease along a descent direction: the rounding of f
			// near its minimum, unless the step promised much.
			return x, fx, evals, -0.5*slope < 1e3*ftol, nil
		}
		sy, yy := 0.0, 0.0
		for a := range dim {
			s[a], y[a] = xn[a]-x[a], gn[a]-g[a]
			sy += s[a] * y[a]
			yy += y[a] * y[a]
		}
		copy(x, xn)
		copy(g, gn)
		fx = fn
		if !(sy > 1e-12*math.Sqrt(floats.Dot(s, s)*yy)) {
			continue // no curvature information: keep H
		}
		if !scaled {
			// Nocedal & Wright (6.20): the first H is scaled to the
			// curvature seen along the first step.
			identity(sy / yy)
			scaled = true
		}
		// H ← (I − ρsyᵀ)H(I − ρysᵀ) + ρssᵀ, ρ = 1/sᵀy.
		rho := 1 / sy
		yhy := 0.0
		for a := range dim {
			v := 0.0
			for b := range dim {
				v += h[a*dim+b] * y[b]
			}
			hy[a] = v
			yhy += y[a] * v
		}
		for a := range dim {
			for b := range dim {
				h[a*dim+b] += -rho*(hy[a]*s[b]+s[a]*hy[b]) + (rho*rho*yhy+rho)*s[a]*s[b]
			}
		}
	}
	return x, fx, evals, false, nil
}
