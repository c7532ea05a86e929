package aggregate

import (
	"context"
	"errors"
	"math"
	"sort"
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
// (the calibration suite caught σ̂ = 0 on data with σ = 0.25).
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
	theta   []float64
	cov     []float64
	params  func(x []float64) (sigma float64, tau []float64)
	evals   int
	atBound bool // σ̂ at an end of the search range
}

// maximise finds the ML estimates. fixedSigma > 0 fixes σ; fixedTau
// (non-nil) fixes τ; with neither fixed and no τ, it is a 1-D Brent search
// on log σ, otherwise Nelder–Mead on (log σ, u) with τ_g = |u_g| (so τ = 0
// is an interior point of the search space; the likelihood depends on u²
// and is smooth there).
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
		x, fx, evals, err := gridBrent(ctx, f, logSigmaRange[0], logSigmaRange[1], sigmaTol, 14)
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
		// Start σ from its profile with τ at the start values: one Brent
		// search makes Nelder–Mead's job much shorter.
		if estSigma {
			unpack(x0)
			f := func(ls float64) float64 { return -cr.eval(math.Exp(ls), tau) }
			ls, _, evals, err := gridBrent(ctx, f, logSigmaRange[0], logSigmaRange[1], 1e-4, 14)
			fit.evals += evals
			if err != nil {
				return fit, err
			}
			x0[0] = ls
		}
		xb, _, evals, err := nelderMead(ctx, negLL, x0, 0.5, 1e-9, 4000)
		fit.evals += evals
		if err != nil {
			return fit, err
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
		fit.evals += 1 + 2*dim*dim
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

// hessianInverse returns the inverse of the finite-difference Hessian of
// the negative log-likelihood f at x (the asymptotic covariance of the ML
// estimates), or ok = false when the Hessian is not positive definite (an
// estimate on a flat ridge).
func hessianInverse(f func([]float64) float64, x []float64) ([]float64, bool) {
	dim := len(x)
	const h = 1e-3
	hs := make([]float64, dim*dim)
	xx := append([]float64(nil), x...)
	f0 := f(xx)
	for a := 0; a < dim; a++ {
		for b := a; b < dim; b++ {
			var v float64
			if a == b {
				copy(xx, x)
				xx[a] = x[a] + h
				fp := f(xx)
				xx[a] = x[a] - h
				fm := f(xx)
				v = (fp - 2*f0 + fm) / (h * h)
			} else {
				copy(xx, x)
				xx[a], xx[b] = x[a]+h, x[b]+h
				fpp := f(xx)
				xx[a], xx[b] = x[a]+h, x[b]-h
				fpm := f(xx)
				xx[a], xx[b] = x[a]-h, x[b]+h
				fmp := f(xx)
				xx[a], xx[b] = x[a]-h, x[b]-h
				fmm := f(xx)
				v = (fpp - fpm - fmp + fmm) / (4 * h * h)
			}
			hs[a*dim+b], hs[b*dim+a] = v, v
		}
	}
	if !choleskyFactor(hs, dim) {
		return nil, false
	}
	cov := make([]float64, dim*dim)
	col := make([]float64, dim)
	for j := 0; j < dim; j++ {
		for i := range col {
			col[i] = 0
		}
		col[j] = 1
		forwardSub(hs, dim, col)
		backSub(hs, dim, col)
		for i := range col {
			cov[i*dim+j] = col[i]
		}
	}
	return cov, true
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
