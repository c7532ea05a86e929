package sensitive

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Logistic is the weighted logistic regression
//
//	P(yᵢ = 1 | xᵢ) = pᵢ = expit(xᵢᵀβ)
//
// fitted by maximizing the weighted log-likelihood
//
//	ℓ(β) = Σᵢ wᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)]
//
// with Newton's method (iteratively reweighted least squares; the
// canonical link makes observed and expected information equal):
//
//	β ← β + (XᵀWX)⁻¹ Xᵀ diag(w)(y − p),   W = diag(wᵢ pᵢ (1 − pᵢ)),
//
// halving a step while it lowers ℓ. Outcomes may be fractional, yᵢ ∈ [0, 1]:
// this is what EM M-steps need (an E-step probability as the outcome, or a
// binomial count k of J trials entered as y = k/J with weight J·w). The
// zero value fits from zero with the documented tolerances.
type Logistic struct {
	// MaxIter bounds the Newton iterations; 0 means 100.
	MaxIter int
	// Tol is the convergence tolerance: iteration stops when the largest
	// absolute coefficient step is below Tol·(1 + |β|). 0 means 1e-10,
	// far tighter than R's glm (1e-8 on the relative deviance), because
	// EM fits built on this routine are compared with published output to
	// 5e-4 and must not accumulate M-step error.
	Tol float64
	// Start holds starting coefficients; nil means all zeros (from which
	// Newton with step halving always converges when the MLE exists).
	Start []float64
}

// LogisticFit is a fitted [Logistic] regression.
type LogisticFit struct {
	// Coef are the coefficients β, one per column of the design matrix.
	Coef []float64
	// Information is the observed (= expected, for the canonical logit
	// link) information at Coef, the negative Hessian of LogLik:
	//
	//	I(β) = Xᵀ diag(wᵢ pᵢ (1 − pᵢ)) X.
	Information *mat.SymDense
	// Score is the gradient of LogLik at Coef, Xᵀ diag(wᵢ)(y − p); near
	// zero after convergence.
	Score []float64
	// LogLik is Σ wᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)], without binomial
	// coefficients.
	LogLik float64
	// Iterations is the number of Newton steps taken.
	Iterations int
}

// Cov returns the inverse of the information matrix, the usual
// large-sample covariance of Coef when the weights are frequency or
// trial weights. It returns an error wrapping [ErrSingular] when the
// information is not positive definite, and one wrapping [ErrEmpty] for a
// LogisticFit without an information matrix (not one returned by
// [Logistic.Fit]): mat.Cholesky would panic on it.
func (l *LogisticFit) Cov() (*mat.SymDense, error) {
	if l.Information == nil || l.Information.IsEmpty() {
		return nil, fmt.Errorf("sensitive: logistic covariance: %w: no information matrix", ErrEmpty)
	}
	var ch mat.Cholesky
	if !ch.Factorize(l.Information) {
		return nil, fmt.Errorf("sensitive: logistic covariance: %w", ErrSingular)
	}
	var cov mat.SymDense
	if err := ch.InverseTo(&cov); err != nil {
		return nil, fmt.Errorf("sensitive: logistic covariance: %w: %v", ErrSingular, err)
	}
	return &cov, nil
}

// SE returns the square roots of the diagonal of [LogisticFit.Cov], or an
// error wrapping [ErrLength] when Coef and Information disagree in size.
func (l *LogisticFit) SE() ([]float64, error) {
	cov, err := l.Cov()
	if err != nil {
		return nil, err
	}
	if d := cov.SymmetricDim(); d != len(l.Coef) {
		return nil, fmt.Errorf("sensitive: logistic SE: %w: %d coefficients, information %d×%d", ErrLength, len(l.Coef), d, d)
	}
	se := make([]float64, len(l.Coef))
	for i := range se {
		se[i] = math.Sqrt(cov.At(i, i))
	}
	return se, nil
}

// Fit fits the regression of y on the n×p design matrix x (include a
// column of ones for an intercept) with weights w, which must be finite
// and ≥ 0; nil w means all ones. Fit does not modify its inputs and is
// safe for concurrent use.
//
// Errors: [ErrEmpty] for n = 0 or p = 0, [ErrLength] when y, w or
// Start do not match x, [ErrValue] for y outside [0, 1] or a bad weight,
// [ErrSingular] when XᵀWX cannot be factorized (collinear columns), and
// [ErrNotConverged] when the iteration limit is reached, which happens
// under complete separation, where the MLE does not exist; the last
// iterate is returned with that error.
func (s Logistic) Fit(x mat.Matrix, y, w []float64) (*LogisticFit, error) {
	set := s
	if set.MaxIter <= 0 {
		set.MaxIter = 100
	}
	if !(set.Tol > 0) {
		set.Tol = 1e-10
	}
	n, p := x.Dims()
	if n == 0 || p == 0 {
		return nil, fmt.Errorf("sensitive: logistic: %w", ErrEmpty)
	}
	if len(y) != n || (w != nil && len(w) != n) {
		return nil, fmt.Errorf("sensitive: logistic: %w: x has %d rows, y %d, w %d", ErrLength, n, len(y), len(w))
	}
	if set.Start != nil && len(set.Start) != p {
		return nil, fmt.Errorf("sensitive: logistic: %w: %d start values for %d columns", ErrLength, len(set.Start), p)
	}
	for i, v := range y {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("sensitive: logistic: %w: y[%d] = %v outside [0, 1]", ErrValue, i, v)
		}
		if w != nil && !(w[i] >= 0 && !math.IsInf(w[i], 1)) {
			return nil, fmt.Errorf("sensitive: logistic: %w: weight w[%d] = %v", ErrValue, i, w[i])
		}
	}
	// The inner loops run over a row-major slice: a dense matrix's own
	// storage when it is contiguous (EM calls this once per iteration),
	// otherwise a copy.
	var xd []float64
	if d, ok := x.(*mat.Dense); ok && d.RawMatrix().Stride == p {
		xd = d.RawMatrix().Data[:n*p]
	} else {
		xd = make([]float64, n*p)
		for i := 0; i < n; i++ {
			for j := 0; j < p; j++ {
				xd[i*p+j] = x.At(i, j)
			}
		}
	}
	for k, v := range xd {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("sensitive: logistic: %w: x[%d, %d] = %v", ErrValue, k/p, k%p, v)
		}
	}
	wt := func(i int) float64 {
		if w == nil {
			return 1
		}
		return w[i]
	}

	beta := make([]float64, p)
	if set.Start != nil {
		copy(beta, set.Start)
	}
	eta := make([]float64, n)
	linear := func(b []float64) {
		for i := range eta {
			row := xd[i*p : i*p+p]
			var s float64
			for j, v := range row {
				s += v * b[j]
			}
			eta[i] = s
		}
	}
	loglik := func() float64 {
		var ll float64
		for i, e := range eta {
			wi := wt(i)
			if wi == 0 {
				continue
			}
			// y·log p + (1 − y)·log(1 − p) = y·η − log(1 + e^η): one
			// softplus per row instead of two log-expits.
			ll += wi * (y[i]*e - softplus(e))
		}
		return ll
	}
	info := mat.NewSymDense(p, nil)
	score := make([]float64, p)
	// derivs fills score and info at the current eta.
	derivs := func() {
		for j := range score {
			score[j] = 0
		}
		raw := info.RawSymmetric()
		for k := range raw.Data {
			raw.Data[k] = 0
		}
		for i, e := range eta {
			wi := wt(i)
			if wi == 0 {
				continue
			}
			pi := expit(e)
			r := wi * (y[i] - pi)
			v := wi * pi * (1 - pi)
			row := xd[i*p : i*p+p]
			for a, xa := range row {
				score[a] += r * xa
				if v == 0 || xa == 0 {
					continue
				}
				for b := a; b < p; b++ {
					raw.Data[a*raw.Stride+b] += v * xa * row[b]
				}
			}
		}
	}

	linear(beta)
	ll := loglik()
	trial := make([]float64, p)
	trialLogLik := func(b []float64) float64 {
		linear(b)
		return loglik()
	}
	step := mat.NewVecDense(p, nil)
	var ch mat.Cholesky
	fit := &LogisticFit{Coef: beta, Information: info, Score: score}
	for it := 1; it <= set.MaxIter; it++ {
		derivs()
		if !ch.Factorize(info) {
			fit.LogLik = ll
			fit.Iterations = it - 1
			if it > 1 {
				// The information was fine at the start and degenerated
				// as fitted probabilities ran to 0 or 1: separation.
				return fit, fmt.Errorf("sensitive: logistic: %w: information became singular after %d iterations (fitted probabilities 0 or 1: separation)", ErrNotConverged, it-1)
			}
			return fit, fmt.Errorf("sensitive: logistic: %w: information matrix not positive definite (collinear columns or no positive weight)", ErrSingular)
		}
		if err := ch.SolveVecTo(step, mat.NewVecDense(p, score)); err != nil {
			fit.LogLik = ll
			fit.Iterations = it - 1
			if it > 1 {
				return fit, fmt.Errorf("sensitive: logistic: %w: information became ill-conditioned after %d iterations (fitted probabilities 0 or 1: separation): %v", ErrNotConverged, it-1, err)
			}
			return fit, fmt.Errorf("sensitive: logistic: %w: %v", ErrSingular, err)
		}
		llNew, maxStep, maxBeta := halvingStep(beta, step, trial, ll, trialLogLik)
		copy(beta, trial)
		ll = llNew
		fit.Iterations = it
		if maxStep <= set.Tol*(1+maxBeta) {
			derivs()
			fit.LogLik = ll
			return fit, nil
		}
	}
	derivs()
	fit.LogLik = ll
	return fit, fmt.Errorf("sensitive: logistic: %w after %d iterations (complete separation?)", ErrNotConverged, set.MaxIter)
}

// expit is the logistic function 1/(1 + e^(−x)) and logit its inverse,
// log(p/(1 − p)): the CDF and quantile of gonum's standard logistic
// distribution, named for readability (package adjust does the same for
// its log-odds corrections).
func expit(x float64) float64 { return distuv.Logistic{Mu: 0, S: 1}.CDF(x) }

func logit(p float64) float64 { return distuv.Logistic{Mu: 0, S: 1}.Quantile(p) }

// softplus is log(1 + eˣ), computed without overflow. gonum has no
// log-scale logistic function, and the likelihoods here need one that
// stays exact for large |x|.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// logExpit is log(expit(x)) = −softplus(−x).
func logExpit(x float64) float64 { return -softplus(-x) }
