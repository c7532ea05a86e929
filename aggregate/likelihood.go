package aggregate

import (
	"math"
)

// This file holds the computational core shared by StateSpace and Bayes:
// the exact diffuse log-likelihood of Jackman's model and the smoothed
// (all-polls) estimates, computed in O(N·J + T·J + J³) per evaluation for N
// polls, T days and J houses. See doc.go for the model.
//
// Writing α_t = β₀ + w_t with w₀ = 0, every observation is
//
//	y_i = x_iᵀβ + w_{t(i)} + ε_i,   ε_i ~ N(0, R_i),   w_t = w_{t−1} + η_t, η_t ~ N(0, σ²)
//
// with β = (β₀, δ_1, …, δ_J) the "full" constants (level on day 0 and the
// house effects), x_i = e₀ + e_{h(i)}, and the identification constraint
// β = Cγ expressing them through k free constants γ (constraint). The
// constants are diffuse (de Jong 1991): the diffuse log-likelihood is that
// of the GLS regression of y on X = [x_iᵀ C] with error covariance
// Σ = D + L Q⁻¹ Lᵀ (D = diag R_i, L the poll→day incidence, Q the random
// walk's precision, tridiagonal):
//
//	ℓ(σ, τ) = −½ [ (N − k) log 2π + log|Σ| + log|XᵀΣ⁻¹X| + yᵀΣ⁻¹y − sᵀS⁻¹s ]
//	S = XᵀΣ⁻¹X,  s = XᵀΣ⁻¹y.
//
// By the Woodbury identity with M = Q + LᵀD⁻¹L (tridiagonal, T − 1 days),
//
//	log|Σ| = Σ log R_i + log|M| + (T − 1) log σ²
//	XᵀΣ⁻¹X = XᵀD⁻¹X − UᵀM⁻¹U,  U = LᵀD⁻¹X   (per-day sums of x_i/R_i)
//
// so one evaluation is a tridiagonal Cholesky factorisation, J + 2
// tridiagonal solves and a sparse product UᵀZ over the non-zeros of U (one
// per day and house polled): no dense (J+1)² update per poll. The result is
// de Jong's diffuse likelihood, which equals the exact diffuse likelihood of
// Durbin & Koopman (2012, §7.2) up to a constant that does not depend on σ
// or τ, so both give the same estimates (statsmodels uses the latter).
//
// The smoother follows from the same quantities: γ̂ = S⁻¹s with covariance
// S⁻¹; w | β, y ~ N(M⁻¹(b − Uβ), M⁻¹) with b = LᵀD⁻¹y.

// uEntry is one non-zero of the extended per-day matrix [U b]: day t,
// column col (0 level, 1+h house h, nFull for b), value val.
type uEntry struct {
	t, col int
	val    float64
}

// core evaluates the likelihood and the smoother for one set of
// observations and one identification. It keeps workspace between calls
// and is not safe for concurrent use; it allocates nothing per evaluation
// once built.
type core struct {
	o *observations
	c constraint
	// tauOf[h] is the index into the τ vector for house h (−1: no τ).
	// Anchors never get τ.
	tauOf []int

	n   int // number of random-walk states: days 1..nDays−1
	K   int // nFull + 1: columns of [U b]
	nth int // number of τ parameters

	// Quantities that depend on τ only (refreshed by setTau).
	tauCached []float64
	tauValid  bool
	sumLogR   float64
	xdx       []float64 // nFull×nFull, XᵀD⁻¹X in the full basis
	xdy       []float64 // nFull
	ydy       float64
	dsum      []float64 // per day, Σ 1/R_i over that day's polls
	entries   []uEntry  // non-zeros of [U b] for days ≥ 1, by day

	// Workspace for one evaluation.
	l, m   []float64 // tridiagonal Cholesky: diagonal l_t, sub-diagonal m_t (M = LLᵀ)
	z      []float64 // n_days×K row-major: M⁻¹[U b] (row 0 unused)
	g      []float64 // K×K: [U b]ᵀ M⁻¹ [U b]
	sfull  []float64 // nFull×nFull
	s      []float64 // k×k, then its Cholesky factor
	rhs    []float64 // k
	tmp    []float64 // k
	sigma2 float64
	ll     float64
	ok     bool // S positive definite

	// band is the banded factorisation used for field-averaged polls
	// (banded.go); nil for the midpoint model's tridiagonal M.
	band *bandCore
}

// newCore prepares the evaluation of o under identification c with τ
// groups tauOf (nil: no τ).
func newCore(o *observations, c constraint, tauOf []int, nTau int) *core {
	nFull := c.nFull
	k := c.k()
	cr := &core{o: o, c: c, tauOf: tauOf, nth: nTau, n: o.nDays - 1, K: nFull + 1}
	cr.xdx = make([]float64, nFull*nFull)
	cr.xdy = make([]float64, nFull)
	cr.dsum = make([]float64, o.nDays)
	cr.l = make([]float64, o.nDays)
	cr.m = make([]float64, o.nDays)
	cr.z = make([]float64, o.nDays*cr.K)
	cr.g = make([]float64, cr.K*cr.K)
	cr.sfull = make([]float64, nFull*nFull)
	cr.s = make([]float64, k*k)
	cr.rhs = make([]float64, k)
	cr.tmp = make([]float64, k)
	cr.tauCached = make([]float64, nTau)
	if o.first != nil {
		cr.band = newBandCore(cr)
	}
	return cr
}

// variance returns R_i = s_i² + τ²_{group(h(i))}.
func (cr *core) variance(i int, tau []float64) float64 {
	return cr.o.variance(i, tau, cr.tauOf)
}

// setTau refreshes the τ-dependent sums.
func (cr *core) setTau(tau []float64) {
	if cr.tauValid {
		same := true
		for i, v := range tau {
			if cr.tauCached[i] != v {
				same = false
				break
			}
		}
		if same {
			return
		}
	}
	copy(cr.tauCached, tau)
	cr.tauValid = true
	if cr.band != nil {
		cr.setTauBanded(tau)
		return
	}
	o := cr.o
	nFull := cr.c.nFull
	for i := range cr.xdx {
		cr.xdx[i] = 0
	}
	for i := range cr.xdy {
		cr.xdy[i] = 0
	}
	for i := range cr.dsum {
		cr.dsum[i] = 0
	}
	cr.ydy, cr.sumLogR = 0, 0
	cr.entries = cr.entries[:0]
	// Per-day accumulation: houses seen on the current day, in order of
	// first appearance, with their sums; flushed into entries at day end.
	// Σ log R_i is accumulated as a product of Frexp mantissas (one log at
	// the end, not one per poll: this runs at every τ the search tries).
	logR := logProduct{mant: 1}
	start := 0
	for start < len(o.day) {
		t := o.day[start]
		end := start
		for end < len(o.day) && o.day[end] == t {
			end++
		}
		first := len(cr.entries)
		bsum := 0.0
		for i := start; i < end; i++ {
			r := cr.variance(i, tau)
			w := 1 / r
			y := o.y[i]
			logR.mul(r)
			cr.ydy += y * y * w
			cr.xdx[0] += w
			cr.xdy[0] += y * w
			cr.dsum[t] += w
			bsum += y * w
			if h := o.house[i]; h >= 0 {
				a := 1 + h
				cr.xdx[a] += w // (0, a)
				cr.xdx[a*nFull] += w
				cr.xdx[a*nFull+a] += w
				cr.xdy[a] += y * w
				if t > 0 {
					found := false
					for e := first; e < len(cr.entries); e++ {
						if cr.entries[e].col == a {
							cr.entries[e].val += w
							found = true
							break
						}
					}
					if !found {
						cr.entries = append(cr.entries, uEntry{t: t, col: a, val: w})
					}
				}
			}
		}
		if t > 0 {
			cr.entries = append(cr.entries, uEntry{t: t, col: 0, val: cr.dsum[t]}, uEntry{t: t, col: nFull, val: bsum})
		}
		start = end
	}
	cr.sumLogR = logR.log()
}

// eval computes the diffuse log-likelihood at σ (daily innovation sd) and
// τ (one value per τ group), leaving the factorisations in the workspace
// for smooth. It returns −Inf when the constants are not identified by the
// data (S singular).
func (cr *core) eval(sigma float64, tau []float64) float64 {
	if cr.band != nil {
		return cr.evalBanded(sigma, tau)
	}
	cr.setTau(tau)
	K := cr.K
	n := cr.n
	s2 := sigma * sigma
	cr.sigma2 = s2

	// log|M| = Σ log d_t, accumulated as a product of mantissas plus a sum
	// of binary exponents (math.Frexp) and one log at the end: a log per
	// day was a tenth of an evaluation's cost. (Edit by helper E, for
	// Bayes, which evaluates the likelihood once per iteration.)
	logDet := logProduct{mant: 1}
	for i := range cr.z {
		cr.z[i] = 0
	}
	for _, e := range cr.entries {
		cr.z[e.t*K+e.col] = e.val
	}
	if n > 0 {
		inv := 1 / s2
		// Tridiagonal Cholesky of M = Q + diag(dsum) on days 1..n.
		for t := 1; t <= n; t++ {
			d := 2 * inv
			if t == n {
				d = inv
			}
			d += cr.dsum[t]
			if t > 1 {
				mt := -inv / cr.l[t-1]
				cr.m[t] = mt
				d -= mt * mt
			}
			if !(d > 0) {
				cr.ok = false
				return math.Inf(-1)
			}
			cr.l[t] = math.Sqrt(d)
			logDet.mul(d)
		}
		// Z = M⁻¹[U b]: forward then backward substitution, all columns.
		for t := 1; t <= n; t++ {
			row := cr.z[t*K : (t+1)*K]
			if t > 1 {
				prev := cr.z[(t-1)*K : t*K]
				mt := cr.m[t]
				for a := range row {
					row[a] -= mt * prev[a]
				}
			}
			il := 1 / cr.l[t]
			for a := range row {
				row[a] *= il
			}
		}
		for t := n; t >= 1; t-- {
			row := cr.z[t*K : (t+1)*K]
			if t < n {
				next := cr.z[(t+1)*K : (t+2)*K]
				mt := cr.m[t+1]
				for a := range row {
					row[a] -= mt * next[a]
				}
			}
			il := 1 / cr.l[t]
			for a := range row {
				row[a] *= il
			}
		}
	}
	return cr.finish(s2, logDet.log())
}

// finish completes eval once Z = M⁻¹[U b] is in the workspace and log|M|
// is known (shared by the tridiagonal and the banded paths): the products
// G, the reduced S and s, the Cholesky factor of S and the log-likelihood.
func (cr *core) finish(s2, logDetM float64) float64 {
	o := cr.o
	K := cr.K
	nFull := cr.c.nFull
	k := cr.c.k()
	n := cr.n
	// G = [U b]ᵀ Z over the non-zeros of [U b].
	for i := range cr.g {
		cr.g[i] = 0
	}
	for _, e := range cr.entries {
		row := cr.z[e.t*K : (e.t+1)*K]
		gr := cr.g[e.col*K : (e.col+1)*K]
		v := e.val
		for a, z := range row {
			gr[a] += v * z
		}
	}
	// Full-basis S and s, then reduce to the free constants.
	for a := 0; a < nFull; a++ {
		for b := 0; b < nFull; b++ {
			cr.sfull[a*nFull+b] = cr.xdx[a*nFull+b] - cr.g[a*K+b]
		}
	}
	q := cr.ydy - cr.g[nFull*K+nFull]
	c := &cr.c
	for i, ai := range c.free {
		for j, aj := range c.free {
			v := cr.sfull[ai*nFull+aj]
			if c.dep >= 0 {
				v += c.coef[i]*cr.sfull[c.dep*nFull+aj] + c.coef[j]*cr.sfull[ai*nFull+c.dep] +
					c.coef[i]*c.coef[j]*cr.sfull[c.dep*nFull+c.dep]
			}
			cr.s[i*k+j] = v
		}
		v := cr.xdy[ai] - cr.g[ai*K+nFull]
		if c.dep >= 0 {
			v += c.coef[i] * (cr.xdy[c.dep] - cr.g[c.dep*K+nFull])
		}
		cr.rhs[i] = v
	}
	logDetS, ok := cholesky(cr.s, k)
	cr.ok = ok
	if !ok {
		return math.Inf(-1)
	}
	// sᵀS⁻¹s = |L⁻¹s|².
	copy(cr.tmp, cr.rhs)
	forwardSub(cr.s, k, cr.tmp)
	quad := 0.0
	for _, v := range cr.tmp {
		quad += v * v
	}
	nObs := len(o.y)
	ll := -0.5 * (float64(nObs-k)*math.Log(2*math.Pi) + cr.sumLogR + float64(n)*math.Log(s2) + logDetM + logDetS + q - quad)
	cr.ll = ll
	return ll
}

// smoothed holds the smoothed estimates of one fit.
type smoothed struct {
	mean, sd []float64 // latent level per day
	gamma    []float64 // free constants
	cov      []float64 // k×k covariance of gamma
	beta     []float64 // full constants: level on day 0, then house effects
	houseSD  []float64 // per house
}

// smooth returns the smoothed estimates at the σ, τ of the last eval
// (which must have succeeded).
func (cr *core) smooth() smoothed {
	k := cr.c.k()
	nFull := cr.c.nFull
	K := cr.K
	var out smoothed
	// γ̂ = S⁻¹s and V = S⁻¹ from the Cholesky factor left by eval.
	out.gamma = append([]float64(nil), cr.rhs...)
	forwardSub(cr.s, k, out.gamma)
	backSub(cr.s, k, out.gamma)
	out.cov = make([]float64, k*k)
	col := make([]float64, k)
	for j := 0; j < k; j++ {
		for i := range col {
			col[i] = 0
		}
		col[j] = 1
		forwardSub(cr.s, k, col)
		backSub(cr.s, k, col)
		for i := 0; i < k; i++ {
			out.cov[i*k+j] = col[i]
		}
	}
	out.beta = make([]float64, nFull)
	cr.c.full(out.gamma, out.beta)
	quadV := func(g []float64) float64 {
		v := 0.0
		for i := 0; i < k; i++ {
			gi := g[i]
			if gi == 0 {
				continue
			}
			row := out.cov[i*k : (i+1)*k]
			for j, gj := range g {
				v += gi * row[j] * gj
			}
		}
		return v
	}
	e := make([]float64, nFull)
	g := make([]float64, k)
	out.houseSD = make([]float64, nFull-1)
	for h := range out.houseSD {
		for i := range e {
			e[i] = 0
		}
		e[1+h] = 1
		cr.c.reduce(e, g)
		out.houseSD[h] = math.Sqrt(max(quadV(g), 0))
	}
	T := cr.o.nDays
	out.mean = make([]float64, T)
	out.sd = make([]float64, T)
	diag := cr.diagInverseM()
	for t := 0; t < T; t++ {
		for i := range e {
			e[i] = 0
		}
		e[0] = 1
		mean := out.beta[0]
		if t > 0 {
			row := cr.z[t*K : (t+1)*K]
			w := row[nFull]
			for a := 0; a < nFull; a++ {
				w -= row[a] * out.beta[a]
				e[a] -= row[a]
			}
			mean += w
		}
		cr.c.reduce(e, g)
		v := quadV(g)
		if t > 0 {
			v += diag[t]
		}
		out.mean[t] = mean
		out.sd[t] = math.Sqrt(max(v, 0))
	}
	return out
}

// smoothedMeans writes the smoothed level of every day at the σ, τ of the
// last eval into mean (O(T·J)) and returns the full constants (level on
// day 0, then house effects): the part of smooth that the
// parameter-uncertainty term and the calibration pass (correction.go) need.
func (cr *core) smoothedMeans(mean []float64) (beta []float64) {
	k := cr.c.k()
	nFull := cr.c.nFull
	K := cr.K
	gamma := cr.tmp
	copy(gamma, cr.rhs)
	forwardSub(cr.s, k, gamma)
	backSub(cr.s, k, gamma)
	beta = make([]float64, nFull)
	cr.c.full(gamma, beta)
	mean[0] = beta[0]
	for t := 1; t < len(mean); t++ {
		row := cr.z[t*K : (t+1)*K]
		w := row[nFull]
		for a := 0; a < nFull; a++ {
			w -= row[a] * beta[a]
		}
		mean[t] = beta[0] + w
	}
	return beta
}

// parameterVariance returns, per day, the variance the smoothed level owes
// to the estimation of σ and τ (Hamilton 1986): dᵀ Cov(θ̂) d with d the
// derivative of the smoothed mean in the search parameters θ (central
// differences). The smoother's own variance treats θ̂ as known; adding this
// term keeps intervals honest where the data say little (gaps between
// polls, the ends of the series). It leaves the workspace evaluated at θ̂.
func (cr *core) parameterVariance(fit mlFit) []float64 {
	T := cr.o.nDays
	out := make([]float64, T)
	dim := len(fit.theta)
	if dim == 0 || fit.cov == nil || T < 2 {
		return out
	}
	const h = 1e-4
	d := make([]float64, dim*T)
	plus, minus := make([]float64, T), make([]float64, T)
	x := make([]float64, dim)
	for j := 0; j < dim; j++ {
		copy(x, fit.theta)
		x[j] += h
		if math.IsInf(cr.eval(fit.params(x)), -1) {
			return out
		}
		cr.smoothedMeans(plus)
		x[j] -= 2 * h
		if math.IsInf(cr.eval(fit.params(x)), -1) {
			return out
		}
		cr.smoothedMeans(minus)
		for t := 0; t < T; t++ {
			d[j*T+t] = (plus[t] - minus[t]) / (2 * h)
		}
	}
	cr.eval(fit.params(fit.theta))
	for t := 0; t < T; t++ {
		v := 0.0
		for a := 0; a < dim; a++ {
			for b := 0; b < dim; b++ {
				v += d[a*T+t] * fit.cov[a*dim+b] * d[b*T+t]
			}
		}
		out[t] = max(v, 0)
	}
	return out
}

// diagInverseM returns the diagonal of M⁻¹ (index t for day t ≥ 1) from its
// Cholesky factor: with M = LLᵀ, L lower bidiagonal (l_t, m_t),
// (M⁻¹)_{nn} = 1/l_n², (M⁻¹)_{tt} = 1/l_t² + (m_{t+1}/l_t)²·(M⁻¹)_{t+1,t+1}.
func (cr *core) diagInverseM() []float64 {
	if cr.band != nil {
		return cr.diagInverseBanded()
	}
	n := cr.n
	d := make([]float64, n+1)
	for t := n; t >= 1; t-- {
		v := 1 / (cr.l[t] * cr.l[t])
		if t < n {
			r := cr.m[t+1] / cr.l[t]
			v += r * r * d[t+1]
		}
		d[t] = v
	}
	return d
}

// cholesky factors the symmetric k×k matrix a (row-major) in place into its
// lower Cholesky factor and returns log|a|; ok is false when a is not
// (numerically) positive definite.
func cholesky(a []float64, k int) (logDet float64, ok bool) {
	for j := 0; j < k; j++ {
		d := a[j*k+j]
		for p := 0; p < j; p++ {
			d -= a[j*k+p] * a[j*k+p]
		}
		// Relative pivot check: a pivot that has lost all but ~1e-12 of
		// the diagonal is a linear dependence (an unidentified constant).
		if !(d > 1e-12*math.Abs(a[j*k+j])) || !(d > 0) {
			return 0, false
		}
		ljj := math.Sqrt(d)
		a[j*k+j] = ljj
		logDet += 2 * math.Log(ljj)
		for i := j + 1; i < k; i++ {
			v := a[i*k+j]
			for p := 0; p < j; p++ {
				v -= a[i*k+p] * a[j*k+p]
			}
			a[i*k+j] = v / ljj
		}
	}
	return logDet, true
}

// forwardSub solves L x = b in place (L the lower factor in a).
func forwardSub(a []float64, k int, b []float64) {
	for i := 0; i < k; i++ {
		v := b[i]
		for p := 0; p < i; p++ {
			v -= a[i*k+p] * b[p]
		}
		b[i] = v / a[i*k+i]
	}
}

// backSub solves Lᵀ x = b in place.
func backSub(a []float64, k int, b []float64) {
	for i := k - 1; i >= 0; i-- {
		v := b[i]
		for p := i + 1; p < k; p++ {
			v -= a[p*k+i] * b[p]
		}
		b[i] = v / a[i*k+i]
	}
}

// logProduct accumulates log Π x_i (x_i > 0) as a product of math.Frexp
// mantissas plus a sum of binary exponents, with one math.Log at the end:
// a log per factor was a tenth of a likelihood evaluation's cost. The
// mantissa is renormalised before it can underflow.
type logProduct struct {
	mant float64 // start at 1
	exp  int
}

func (l *logProduct) mul(x float64) {
	fr, e := math.Frexp(x)
	l.mant *= fr
	l.exp += e
	if l.mant < 0x1p-500 {
		fr, e := math.Frexp(l.mant)
		l.mant, l.exp = fr, l.exp+e
	}
}

func (l logProduct) log() float64 { return math.Log(l.mant) + float64(l.exp)*math.Ln2 }
