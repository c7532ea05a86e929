package sensitive

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/candorpoll/candor/adjust"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// RRReg configures the randomized-response logistic regression of Blair,
// Imai & Zhou (2015), the model of the R package rr's rrreg:
//
//	π(x) = expit(xᵀβ),   P(yes | x) = λ(x) = c·π(x) + d
//	ℓ(β) = Σᵢ yᵢ log λᵢ + (1 − yᵢ) log(1 − λᵢ)
//
// with c, d from the design ([RandomizedResponse.Linear]). The zero value
// of every field other than the design means the documented default.
type RRReg struct {
	// RandomizedResponse is the design. UnrelatedUnknownQ is not
	// supported.
	RandomizedResponse
	// MaxIter bounds the EM iterations; 0 means 10000 (rr's maxIter).
	MaxIter int
	// Tol stops EM when the log-likelihood rises by less than Tol in an
	// iteration; 0 means 1e-8 (rr's em.converge). Newton steps on ℓ then
	// polish the EM solution to machine precision, so Tol affects speed,
	// not the answer.
	Tol float64
	// Start holds starting coefficients; nil means the intercept-only
	// moment estimate (logit π̂ for the first column, zeros elsewhere).
	// The MLE does not depend on it when it exists.
	Start []float64
	// Names label the columns of x in String; nil means x0, x1, …
	Names []string
}

// RRFit is a fitted randomized-response regression.
type RRFit struct {
	Design RandomizedResponse
	Names  []string
	// Coef are the maximum-likelihood coefficients β̂.
	Coef []float64
	// Cov is the covariance of Coef by the outer product of gradients
	// (BHHH; Berndt et al. 1974), (Σᵢ sᵢsᵢᵀ)⁻¹ with the per-respondent score
	//
	//	sᵢ = [yᵢ/λᵢ − (1 − yᵢ)/(1 − λᵢ)]·c·πᵢ(1 − πᵢ)·xᵢ,
	//
	// which is what rrreg reports. Standard errors from the inverse
	// Hessian can differ from these by several percent.
	Cov *mat.SymDense
	// SE are the square roots of the diagonal of Cov.
	SE []float64
	// LogLik is ℓ(β̂).
	LogLik float64
	// N is the number of rows used; Dropped the number of rows left out
	// because y or a covariate was NaN (complete cases, as R does).
	N, Dropped int
	// Iterations counts EM iterations and NewtonSteps the polishing steps.
	Iterations, NewtonSteps int

	x []float64 // complete-case rows, row-major, for Prevalence
	p int
}

// Fit fits the model by EM (Blair, Imai & Zhou 2015) followed by Newton
// steps on ℓ. EM treats the true answer Zᵢ as missing:
//
//	E-step: wᵢ = P(Zᵢ = 1 | yᵢ) = (c + d)πᵢ/λᵢ       if yᵢ = 1
//	                            = (1 − c − d)πᵢ/(1 − λᵢ) if yᵢ = 0
//	M-step: one Newton step of the logistic regression of the fractional
//	        outcomes wᵢ on xᵢ ([Logistic]), a generalized EM step.
//
// EM climbs ℓ monotonically from any start but converges linearly (slowly
// when c is small). Once an EM iteration gains less than 0.01 in ℓ, or EM
// has converged to Tol, Newton's method with the analytic Hessian of ℓ
// (and step halving) finishes in a few steps; if Newton fails there (ℓ
// not locally concave), EM continues.
//
// y holds the observed answers (0 or 1) and x the n×p design matrix,
// including a column of ones for an intercept; nil x means the
// intercept-only model. Rows where y or any
// covariate is NaN are dropped and counted in RRFit.Dropped. Fit does not
// modify its inputs and is safe for concurrent use; ctx is checked every
// EM iteration.
//
// Errors: the design errors of [RandomizedResponse.Linear]; [ErrLength]
// when y and x differ in rows or Start or Names in columns; [ErrEmpty]
// when no complete row remains; [ErrValue] for an answer that is not 0 or
// 1 or an infinite covariate; [ErrSingular] when the outer product of
// gradients cannot be inverted (collinear covariates); [ErrNotConverged]
// when neither EM nor Newton converges (the last iterate is returned with
// that error); the context's error when ctx is done.
func (m RRReg) Fit(ctx context.Context, y []float64, x mat.Matrix) (*RRFit, error) {
	c, d, err := m.Linear()
	if err != nil {
		return nil, fmt.Errorf("sensitive: rrreg: %w", err)
	}
	if x == nil {
		// Intercept only, as ListLM without covariates; x.Dims() on a nil
		// interface panicked (found by the degenerate tests).
		if len(y) == 0 {
			return nil, fmt.Errorf("sensitive: rrreg: %w", ErrEmpty)
		}
		ones := make([]float64, len(y))
		for i := range ones {
			ones[i] = 1
		}
		x = mat.NewDense(len(y), 1, ones)
	}
	n, p := x.Dims()
	if len(y) != n {
		return nil, fmt.Errorf("sensitive: rrreg: %w: x has %d rows, y %d", ErrLength, n, len(y))
	}
	if m.Start != nil && len(m.Start) != p {
		return nil, fmt.Errorf("sensitive: rrreg: %w: %d start values for %d columns", ErrLength, len(m.Start), p)
	}
	if m.Names != nil && len(m.Names) != p {
		return nil, fmt.Errorf("sensitive: rrreg: %w: %d names for %d columns", ErrLength, len(m.Names), p)
	}
	maxIter := m.MaxIter
	if maxIter <= 0 {
		maxIter = 10000
	}
	tol := m.Tol
	if !(tol > 0) {
		tol = 1e-8
	}

	// Complete cases.
	xs := make([]float64, 0, n*p)
	ys := make([]float64, 0, n)
	dropped := 0
	row := make([]float64, p)
rows:
	for i := 0; i < n; i++ {
		if math.IsNaN(y[i]) {
			dropped++
			continue
		}
		if y[i] != 0 && y[i] != 1 {
			return nil, fmt.Errorf("sensitive: rrreg: %w: y[%d] = %v is not 0 or 1", ErrValue, i, y[i])
		}
		for j := 0; j < p; j++ {
			v := x.At(i, j)
			if math.IsNaN(v) {
				dropped++
				continue rows
			}
			if math.IsInf(v, 0) {
				return nil, fmt.Errorf("sensitive: rrreg: %w: x[%d, %d] = %v", ErrValue, i, j, v)
			}
			row[j] = v
		}
		xs = append(xs, row...)
		ys = append(ys, y[i])
	}
	nc := len(ys)
	if nc == 0 || p == 0 {
		return nil, fmt.Errorf("sensitive: rrreg: %w: %d complete rows, %d columns", ErrEmpty, nc, p)
	}
	xm := mat.NewDense(nc, p, xs)

	beta := make([]float64, p)
	if m.Start != nil {
		copy(beta, m.Start)
	} else {
		// The intercept-only moment estimate, kept inside (0, 1).
		pi := (stat.Mean(ys, nil) - d) / c
		pi = math.Min(math.Max(pi, 0.01), 0.99)
		beta[0] = logit(pi)
	}

	mod := rrModel{c: c, d: d, x: xs, y: ys, p: p}
	fit := &RRFit{Design: m.RandomizedResponse, Names: m.Names, N: nc, Dropped: dropped, x: xs, p: p}
	w := make([]float64, nc)
	ll := mod.logLik(beta)
	// One Newton step per M-step (a generalized EM: it raises the expected
	// complete-data log-likelihood, hence ℓ, without maximizing it) costs a
	// fraction of a full logistic fit and needs as few EM iterations.
	mStep := Logistic{Start: beta, MaxIter: 1}
	converged, newtonOK := false, false
	lastTry := 0
	for it := 1; it <= maxIter; it++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("sensitive: rrreg: %w", err)
		}
		mod.eStep(beta, w)
		lf, err := mStep.Fit(xm, w, nil)
		if err != nil && !errors.Is(err, ErrNotConverged) {
			return nil, fmt.Errorf("sensitive: rrreg: M-step %d: %w", it, err)
		}
		copy(beta, lf.Coef)
		llNew := mod.logLik(beta)
		fit.Iterations = it
		gain := llNew - ll
		ll = llNew
		if math.Abs(gain) < tol {
			converged = true
			break
		}
		// Once EM has slowed down, try Newton from the current iterate (at
		// most every tenth iteration): it finishes in a few steps where EM
		// would need many. Its steps only ever raise ℓ, so a failed try
		// leaves EM a better iterate.
		if gain < newtonSwitch && it-lastTry >= 10 {
			lastTry = it
			steps, ok := mod.newton(beta, 50)
			fit.NewtonSteps += steps
			if ok {
				newtonOK = true
				break
			}
			ll = mod.logLik(beta)
		}
	}
	if !newtonOK {
		steps, ok := mod.newton(beta, 50)
		fit.NewtonSteps += steps
		newtonOK = ok
	}
	fit.Coef = beta
	fit.LogLik = mod.logLik(beta)
	if !converged && !newtonOK {
		return fit, fmt.Errorf("sensitive: rrreg: %w: EM after %d iterations and Newton after %d steps", ErrNotConverged, fit.Iterations, fit.NewtonSteps)
	}

	opg := mod.opg(beta)
	var ch mat.Cholesky
	if !ch.Factorize(opg) {
		return fit, fmt.Errorf("sensitive: rrreg: %w: outer product of gradients not positive definite (collinear covariates?)", ErrSingular)
	}
	cov := mat.NewSymDense(p, nil)
	if err := ch.InverseTo(cov); err != nil {
		return fit, fmt.Errorf("sensitive: rrreg: %w: %v", ErrSingular, err)
	}
	fit.Cov = cov
	fit.SE = make([]float64, p)
	for j := range fit.SE {
		fit.SE[j] = math.Sqrt(cov.At(j, j))
	}
	return fit, nil
}

// Prevalence returns the average predicted prevalence mean(expit(xᵢᵀβ̂))
// over the rows of x (nil x means the rows the model was fitted on), with
// a delta-method standard error from Cov:
//
//	SE² = gᵀ Cov g,   g = mean(πᵢ(1 − πᵢ)xᵢ).
//
// rr's predict.rrreg reports the same point estimate with simulated
// (quasi-Bayesian) intervals instead; the delta method is deterministic.
// Rows with a NaN covariate are skipped; an error wrapping [ErrLength] is
// returned when x has the wrong number of columns and [ErrEmpty] when no
// row remains.
func (f *RRFit) Prevalence(x mat.Matrix) (adjust.Estimate, error) {
	var rows func(yield func([]float64) bool)
	n := 0
	if x == nil {
		n = len(f.x) / f.p
		rows = func(yield func([]float64) bool) {
			for i := 0; i < n; i++ {
				if !yield(f.x[i*f.p : (i+1)*f.p]) {
					return
				}
			}
		}
	} else {
		r, cols := x.Dims()
		if cols != f.p {
			return adjust.Estimate{}, fmt.Errorf("sensitive: rrreg prevalence: %w: x has %d columns, model %d", ErrLength, cols, f.p)
		}
		n = r
		buf := make([]float64, f.p)
		rows = func(yield func([]float64) bool) {
			for i := 0; i < n; i++ {
				for j := range buf {
					buf[j] = x.At(i, j)
				}
				if !yield(buf) {
					return
				}
			}
		}
	}
	g := make([]float64, f.p)
	var sum float64
	used := 0
	for xi := range rows {
		var eta float64
		skip := false
		for j, v := range xi {
			if math.IsNaN(v) {
				skip = true
				break
			}
			eta += v * f.Coef[j]
		}
		if skip {
			continue
		}
		pi := expit(eta)
		sum += pi
		for j, v := range xi {
			g[j] += pi * (1 - pi) * v
		}
		used++
	}
	if used == 0 {
		return adjust.Estimate{}, fmt.Errorf("sensitive: rrreg prevalence: %w", ErrEmpty)
	}
	for j := range g {
		g[j] /= float64(used)
	}
	gv := mat.NewVecDense(f.p, g)
	return adjust.Estimate{Value: sum / float64(used), SE: math.Sqrt(mat.Inner(gv, f.Cov, gv))}, nil
}

// String prints the coefficient table as rr's summary does.
func (f *RRFit) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Randomized response regression (%v), n = %d", f.Design.Design, f.N)
	if f.Dropped > 0 {
		fmt.Fprintf(&b, " (%d incomplete rows dropped)", f.Dropped)
	}
	fmt.Fprintf(&b, ", log-likelihood %.4f\n", f.LogLik)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tEst.\tS.E.\t")
	for j, v := range f.Coef {
		name := fmt.Sprintf("x%d", j)
		if f.Names != nil {
			name = f.Names[j]
		}
		se := math.NaN()
		if f.SE != nil {
			se = f.SE[j]
		}
		fmt.Fprintf(tw, "%s\t%.5f\t%.5f\t\n", name, v, se)
	}
	tw.Flush()
	return b.String()
}

// newtonSwitch is the EM log-likelihood gain below which Fit tries
// Newton's method.
const newtonSwitch = 1e-2

// rrModel evaluates the rrreg likelihood and its derivatives on complete
// rows.
type rrModel struct {
	c, d float64
	x    []float64 // row-major, p columns
	y    []float64
	p    int
}

func (m *rrModel) eta(i int, beta []float64) float64 {
	var s float64
	for j, v := range m.x[i*m.p : (i+1)*m.p] {
		s += v * beta[j]
	}
	return s
}

func (m *rrModel) logLik(beta []float64) float64 {
	var ll float64
	for i, y := range m.y {
		l := m.c*expit(m.eta(i, beta)) + m.d
		if y == 1 {
			ll += math.Log(l)
		} else {
			ll += math.Log1p(-l)
		}
	}
	return ll
}

// eStep fills w with P(Zᵢ = 1 | yᵢ, β).
func (m *rrModel) eStep(beta, w []float64) {
	for i, y := range m.y {
		pi := expit(m.eta(i, beta))
		l := m.c*pi + m.d
		if y == 1 {
			w[i] = (m.c + m.d) * pi / l
		} else {
			w[i] = (1 - m.c - m.d) * pi / (1 - l)
		}
	}
}

// scoreEta returns ∂ℓᵢ/∂ηᵢ and ∂²ℓᵢ/∂ηᵢ² for row i.
func (m *rrModel) scoreEta(i int, beta []float64) (g, h float64) {
	pi := expit(m.eta(i, beta))
	l := m.c*pi + m.d
	dpi := pi * (1 - pi)
	var a, da float64 // a = ∂ℓ/∂λ, da = ∂²ℓ/∂λ²
	if m.y[i] == 1 {
		a, da = 1/l, -1/(l*l)
	} else {
		a, da = -1/(1-l), -1/((1-l)*(1-l))
	}
	dl := m.c * dpi
	return a * dl, da*dl*dl + a*m.c*dpi*(1-2*pi)
}

// opg returns Σᵢ sᵢsᵢᵀ.
func (m *rrModel) opg(beta []float64) *mat.SymDense {
	out := mat.NewSymDense(m.p, nil)
	raw := out.RawSymmetric()
	for i := range m.y {
		g, _ := m.scoreEta(i, beta)
		xi := m.x[i*m.p : (i+1)*m.p]
		for a := 0; a < m.p; a++ {
			for b := a; b < m.p; b++ {
				raw.Data[a*raw.Stride+b] += g * g * xi[a] * xi[b]
			}
		}
	}
	return out
}

// newton maximizes ℓ from beta in place with step halving, returning the
// number of steps and whether the step size fell below 1e-10·(1 + |β|).
func (m *rrModel) newton(beta []float64, maxSteps int) (int, bool) {
	p := m.p
	negH := mat.NewSymDense(p, nil)
	raw := negH.RawSymmetric()
	grad := make([]float64, p)
	step := mat.NewVecDense(p, nil)
	trial := make([]float64, p)
	ll := m.logLik(beta)
	var ch mat.Cholesky
	for s := 1; s <= maxSteps; s++ {
		for j := range grad {
			grad[j] = 0
		}
		for k := range raw.Data {
			raw.Data[k] = 0
		}
		for i := range m.y {
			g, h := m.scoreEta(i, beta)
			xi := m.x[i*m.p : (i+1)*m.p]
			for a := 0; a < p; a++ {
				grad[a] += g * xi[a]
				for b := a; b < p; b++ {
					raw.Data[a*raw.Stride+b] -= h * xi[a] * xi[b]
				}
			}
		}
		if !ch.Factorize(negH) {
			// ℓ is not locally concave here; EM's answer stands.
			return s - 1, false
		}
		if err := ch.SolveVecTo(step, mat.NewVecDense(p, grad)); err != nil {
			return s - 1, false
		}
		llNew, maxStep, maxBeta := halvingStep(beta, step, trial, ll, m.logLik)
		if llNew < ll-1e-12*math.Abs(ll) {
			return s, false
		}
		copy(beta, trial)
		ll = llNew
		if maxStep <= 1e-10*(1+maxBeta) {
			return s, true
		}
	}
	return maxSteps, false
}
