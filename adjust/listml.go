package adjust

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// MLSettings configures [ListExperiment.ML]. The zero value (or nil) fits
// the intercept-only model with the default tolerances.
type MLSettings struct {
	// X holds covariates, one row per respondent (parallel to Y), without
	// an intercept column: one is added. Nil fits intercept-only models.
	// Rows must be complete (no NaN); drop incomplete respondents first,
	// as R's na.omit does.
	X mat.Matrix
	// MaxIter bounds the EM iterations; 0 means 5000.
	MaxIter int
	// Tol stops EM when an iteration raises the log-likelihood by less
	// than Tol; 0 means 1e-6. Newton steps on the observed-data
	// log-likelihood then polish the optimum until the Newton decrement
	// is below 1e-12, so Tol trades EM iterations for Newton steps without
	// changing the result.
	Tol float64
}

// MLResult is the fit of [ListExperiment.ML].
type MLResult struct {
	// Delta are the coefficients of the sensitive item,
	// P(Z = 1 | x) = expit(xᵀδ); the first is the intercept.
	Delta []float64
	// Psi are the coefficients of the control items,
	// Y(0) | x ~ Binomial(J, expit(xᵀψ)); the first is the intercept.
	Psi []float64
	// DeltaSE and PsiSE are standard errors from Cov.
	DeltaSE, PsiSE []float64
	// Cov is the inverse of the negative Hessian of the observed-data
	// log-likelihood at the MLE, over (δ, ψ) in that order.
	Cov *mat.SymDense
	// LogLik is the maximized observed-data log-likelihood (with binomial
	// coefficients, as R's ictreg reports it).
	LogLik float64
	// Prevalence is the sample-average predicted prevalence
	// (1/n)Σ expit(xᵢᵀδ̂) with its delta-method standard error.
	Prevalence Estimate
	// Iterations is the number of EM iterations; NewtonSteps the polishing
	// steps after them.
	Iterations, NewtonSteps int
}

// String summarizes the fit.
func (r *MLResult) String() string {
	var b strings.Builder
	b.WriteString("List experiment ML (Imai 2011), constrained model\n")
	b.WriteString("           sensitive (δ)            control (ψ)\n")
	for j := range r.Delta {
		fmt.Fprintf(&b, "coef %-3d  %9.5f (SE %.5f)   %9.5f (SE %.5f)\n", j, r.Delta[j], r.DeltaSE[j], r.Psi[j], r.PsiSE[j])
	}
	fmt.Fprintf(&b, "log-likelihood %.4f; prevalence %v\n", r.LogLik, r.Prevalence)
	return b.String()
}

// ML fits the constrained maximum-likelihood model of Imai (2011), as the
// R function ictreg(method = "ml", constrained = TRUE):
//
//	Zᵢ | xᵢ ~ Bernoulli(gᵢ),            gᵢ = expit(xᵢᵀδ)
//	Yᵢ(0) | xᵢ ~ Binomial(J, hᵢ),        hᵢ = expit(xᵢᵀψ)  (independent of Zᵢ)
//	Yᵢ = Yᵢ(0) + Tᵢ·Zᵢ
//
// With B(k; h) = C(J, k)hᵏ(1 − h)^(J−k) the observed-data likelihood
// contributions are (1 − g)B(0; h) for treated Y = 0, g·B(J; h) for treated
// Y = J + 1, g·B(Y − 1; h) + (1 − g)B(Y; h) for other treated, and B(Y; h)
// for controls.
//
// The fit runs EM (E-step: wᵢ = P(Zᵢ = 1 | Yᵢ, Tᵢ, xᵢ); M-step: weighted
// logistic regressions for δ on the treated with outcome wᵢ, and for ψ on
// binomial pseudo-rows Yᵢ − 1 with weight wᵢ and Yᵢ with weight 1 − wᵢ)
// from the difference-in-means start, then polishes with Newton steps on
// the observed-data log-likelihood. Standard errors come from the inverse
// of its negative Hessian, the analytic gradient differentiated
// numerically (the package also uses a numerical Hessian).
//
// ML uses the whole distribution of counts, so it is much more efficient
// than the difference in means, and much more sensitive to design
// effects: run [ListExperiment.DesignTest] first.
//
// The likelihood is unweighted: le.Weight is ignored (the R package
// supports weights here; candor does not yet).
//
// ctx is checked between iterations. Errors: those of the data checks,
// [ErrLength] for X with the wrong number of rows, [ErrValue] for
// non-finite covariates, [ErrNotConverged] (with the last iterate) and
// [ErrSingular] when the information matrix cannot be inverted (for
// example a prevalence estimate at 0 or 1).
func (le *ListExperiment) ML(ctx context.Context, s *MLSettings) (*MLResult, error) {
	if _, _, err := le.validate(); err != nil {
		return nil, err
	}
	var set MLSettings
	if s != nil {
		set = *s
	}
	if set.MaxIter <= 0 {
		set.MaxIter = 5000
	}
	if !(set.Tol > 0) {
		set.Tol = 1e-6
	}
	m, err := newListModel(le, set.X)
	if err != nil {
		return nil, err
	}
	p := m.p

	// Start near the difference in means (methods.md §7.4).
	dim, err := le.DiffInMeansSE(Neyman)
	if err != nil {
		return nil, err
	}
	_, m0, _ := groupMoments(le.Y, le.Treat, false)
	theta := make([]float64, 2*p)
	theta[0] = logit(math.Min(math.Max(dim.Value, 0.05), 0.95))
	theta[p] = logit(math.Min(math.Max(m0/float64(le.J), 0.05), 0.95))

	res := &MLResult{}
	ll := m.logLik(theta)
	for it := 1; it <= set.MaxIter; it++ {
		if it%20 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := m.emStep(theta); err != nil {
			return nil, fmt.Errorf("adjust: list ML: EM iteration %d: %w", it, err)
		}
		res.Iterations = it
		llNew := m.logLik(theta)
		gain := llNew - ll
		ll = llNew
		if gain < set.Tol {
			break
		}
	}

	// Newton polish on the observed-data log-likelihood: stop when the
	// Newton decrement gᵀ(−H)⁻¹g (twice the predicted gain) is negligible.
	grad := make([]float64, 2*p)
	trial := make([]float64, 2*p)
	converged := false
	for step := 0; step < 50; step++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m.gradient(theta, grad)
		negH, err := m.negHessian(theta)
		if err != nil {
			break
		}
		var ch mat.Cholesky
		if !ch.Factorize(negH) {
			break
		}
		var dir mat.VecDense
		if err := ch.SolveVecTo(&dir, mat.NewVecDense(2*p, grad)); err != nil {
			break
		}
		var decrement float64
		for j, g := range grad {
			decrement += g * dir.AtVec(j)
		}
		if decrement < 1e-12 {
			converged = true
			break
		}
		t := 1.0
		improved := false
		for h := 0; h < 30; h++ {
			for j := range trial {
				trial[j] = theta[j] + t*dir.AtVec(j)
			}
			if l := m.logLik(trial); l > ll {
				copy(theta, trial)
				ll = l
				improved = true
				break
			}
			t /= 2
		}
		res.NewtonSteps++
		if !improved {
			// No ascent along the Newton direction within rounding: at the
			// optimum to machine precision.
			converged = decrement < 1e-6
			break
		}
	}

	res.Delta = append([]float64(nil), theta[:p]...)
	res.Psi = append([]float64(nil), theta[p:]...)
	res.LogLik = ll
	negH, err := m.negHessian(theta)
	if err != nil {
		return res, err
	}
	var ch mat.Cholesky
	if !ch.Factorize(negH) {
		return res, fmt.Errorf("adjust: list ML: %w: observed information not positive definite (estimate on the boundary?)", ErrSingular)
	}
	res.Cov = mat.NewSymDense(2*p, nil)
	if err := ch.InverseTo(res.Cov); err != nil {
		return res, fmt.Errorf("adjust: list ML: %w: %v", ErrSingular, err)
	}
	res.DeltaSE = make([]float64, p)
	res.PsiSE = make([]float64, p)
	for j := 0; j < p; j++ {
		res.DeltaSE[j] = math.Sqrt(res.Cov.At(j, j))
		res.PsiSE[j] = math.Sqrt(res.Cov.At(p+j, p+j))
	}
	res.Prevalence = m.prevalence(res.Delta, res.Cov)
	if !converged {
		return res, fmt.Errorf("adjust: list ML: %w after %d EM iterations and %d Newton steps", ErrNotConverged, res.Iterations, res.NewtonSteps)
	}
	return res, nil
}

// listModel holds the data of a list experiment in the layout the
// likelihood needs.
type listModel struct {
	n, p, J int       // n distinct (T, Y, x) rows
	nTotal  int       // respondents
	count   []float64 // respondents per distinct row
	x       []float64 // n×p row-major, first column 1
	y       []int
	treat   []bool
	lchoose []float64 // log C(J, k), k = 0..J
	w       []float64 // E-step weights (workspace)

	// M-step regressions, built on the first EM iteration.
	deltaX   *mat.Dense
	deltaZ   []float64
	deltaW   []float64
	deltaSrc []int
	psiX     *mat.Dense
	psiY     []float64
	psiW     []float64
	psiSrc   []pseudoRow
}

func newListModel(le *ListExperiment, X mat.Matrix) (*listModel, error) {
	n := len(le.Y)
	k := 0
	if X != nil {
		r, c := X.Dims()
		if r != n {
			return nil, fmt.Errorf("adjust: list ML: %w: %d covariate rows for %d respondents", ErrLength, r, n)
		}
		k = c
	}
	p := k + 1
	// Respondents with the same (T, Y, x) contribute identically, so they
	// are collapsed into one row with a count: an intercept-only fit then
	// runs over at most 2J + 3 rows, whatever the sample size.
	m := &listModel{p: p, J: le.J, nTotal: n}
	index := map[string]int{}
	key := make([]byte, 0, 16+8*k)
	row := make([]float64, p)
	for i := 0; i < n; i++ {
		row[0] = 1
		for j := 0; j < k; j++ {
			v := X.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("adjust: list ML: respondent %d covariate %d: %w: %v", i, j, ErrValue, v)
			}
			row[1+j] = v
		}
		y := int(le.Y[i])
		key = key[:0]
		key = binary.LittleEndian.AppendUint64(key, uint64(y))
		if le.Treat[i] {
			key = append(key, 1)
		} else {
			key = append(key, 0)
		}
		for _, v := range row[1:] {
			key = binary.LittleEndian.AppendUint64(key, math.Float64bits(v))
		}
		if u, ok := index[string(key)]; ok {
			m.count[u]++
			continue
		}
		index[string(key)] = m.n
		m.n++
		m.x = append(m.x, row...)
		m.y = append(m.y, y)
		m.treat = append(m.treat, le.Treat[i])
		m.count = append(m.count, 1)
	}
	m.w = make([]float64, m.n)
	m.lchoose = make([]float64, le.J+1)
	for c := 0; c <= le.J; c++ {
		a, _ := math.Lgamma(float64(le.J + 1))
		b, _ := math.Lgamma(float64(c + 1))
		d, _ := math.Lgamma(float64(le.J - c + 1))
		m.lchoose[c] = a - b - d
	}
	return m, nil
}

func (m *listModel) etas(theta []float64, i int) (eg, eh float64) {
	row := m.x[i*m.p : i*m.p+m.p]
	for j, v := range row {
		eg += v * theta[j]
		eh += v * theta[m.p+j]
	}
	return eg, eh
}

// logBinom is log B(k; expit(eh)).
func (m *listModel) logBinom(k int, eh float64) float64 {
	return m.lchoose[k] + float64(k)*logExpit(eh) + float64(m.J-k)*logExpit(-eh)
}

// logLik is the observed-data log-likelihood of the constrained model.
func (m *listModel) logLik(theta []float64) float64 {
	var ll float64
	for i := 0; i < m.n; i++ {
		eg, eh := m.etas(theta, i)
		y := m.y[i]
		var li float64
		switch {
		case !m.treat[i]:
			li = m.logBinom(y, eh)
		case y == 0:
			li = logExpit(-eg) + m.logBinom(0, eh)
		case y == m.J+1:
			li = logExpit(eg) + m.logBinom(m.J, eh)
		default:
			a := logExpit(eg) + m.logBinom(y-1, eh)
			b := logExpit(-eg) + m.logBinom(y, eh)
			li = logSumExp(a, b)
		}
		ll += m.count[i] * li
	}
	return ll
}

// posterior returns wᵢ = P(Zᵢ = 1 | Yᵢ, Tᵢ = 1, xᵢ) for a treated
// respondent.
func (m *listModel) posterior(y int, eg, eh float64) float64 {
	switch y {
	case 0:
		return 0
	case m.J + 1:
		return 1
	}
	a := logExpit(eg) + m.logBinom(y-1, eh)
	b := logExpit(-eg) + m.logBinom(y, eh)
	return 1 / (1 + math.Exp(b-a))
}

// emSetup builds the fixed parts of the M-step regressions: the design
// of the sensitive-item regression (treated rows) and the binomial
// pseudo-rows of the control-item regression (treated Y − 1 and Y, control
// Y). Only the weights change between iterations.
func (m *listModel) emSetup() {
	p, J := m.p, float64(m.J)
	var dRows, pRows []float64
	for i := 0; i < m.n; i++ {
		row := m.x[i*p : i*p+p]
		y := m.y[i]
		if !m.treat[i] {
			pRows = append(pRows, row...)
			m.psiY = append(m.psiY, float64(y)/J)
			m.psiSrc = append(m.psiSrc, pseudoRow{i: i, kind: 0})
			continue
		}
		dRows = append(dRows, row...)
		m.deltaSrc = append(m.deltaSrc, i)
		m.deltaW = append(m.deltaW, m.count[i])
		if y >= 1 {
			pRows = append(pRows, row...)
			m.psiY = append(m.psiY, float64(y-1)/J)
			m.psiSrc = append(m.psiSrc, pseudoRow{i: i, kind: 1})
		}
		if y <= m.J {
			pRows = append(pRows, row...)
			m.psiY = append(m.psiY, float64(y)/J)
			m.psiSrc = append(m.psiSrc, pseudoRow{i: i, kind: 2})
		}
	}
	m.deltaX = mat.NewDense(len(m.deltaSrc), p, dRows)
	m.deltaZ = make([]float64, len(m.deltaSrc))
	m.psiX = mat.NewDense(len(m.psiY), p, pRows)
	m.psiW = make([]float64, len(m.psiY))
}

// pseudoRow says which respondent a control-item pseudo-row comes from
// and its weight: 0 control (J), 1 treated with Z = 1 (J·w), 2 treated
// with Z = 0 (J·(1 − w)), each times the row's count.
type pseudoRow struct {
	i, kind int
}

// emStep performs one EM iteration in place: the E-step posteriors, then
// one weighted logistic regression for δ and one for ψ (each solved to
// 1e-8; the Newton polish afterwards makes the optimum exact).
func (m *listModel) emStep(theta []float64) error {
	p, J := m.p, float64(m.J)
	if m.deltaX == nil {
		m.emSetup()
	}
	for r, i := range m.deltaSrc {
		eg, eh := m.etas(theta, i)
		m.w[i] = m.posterior(m.y[i], eg, eh)
		m.deltaZ[r] = m.w[i]
	}
	for r, s := range m.psiSrc {
		switch s.kind {
		case 0:
			m.psiW[r] = J * m.count[s.i]
		case 1:
			m.psiW[r] = J * m.count[s.i] * m.w[s.i]
		case 2:
			m.psiW[r] = J * m.count[s.i] * (1 - m.w[s.i])
		}
	}
	fd, err := FitLogistic(m.deltaX, m.deltaZ, m.deltaW, &LogisticSettings{Start: theta[:p], Tol: 1e-8})
	if err != nil {
		return fmt.Errorf("sensitive-item M-step: %w", err)
	}
	fp, err := FitLogistic(m.psiX, m.psiY, m.psiW, &LogisticSettings{Start: theta[p:], Tol: 1e-8})
	if err != nil {
		return fmt.Errorf("control-item M-step: %w", err)
	}
	copy(theta[:p], fd.Coef)
	copy(theta[p:], fp.Coef)
	return nil
}

// gradient fills grad with ∂ℓ/∂(δ, ψ).
func (m *listModel) gradient(theta, grad []float64) {
	p, J := m.p, float64(m.J)
	for j := range grad {
		grad[j] = 0
	}
	for i := 0; i < m.n; i++ {
		eg, eh := m.etas(theta, i)
		g, h := expit(eg), expit(eh)
		y := m.y[i]
		var dg, dh float64
		switch {
		case !m.treat[i]:
			dh = float64(y) - J*h
		case y == 0:
			dg, dh = -g, -J*h
		case y == m.J+1:
			dg, dh = 1-g, J-J*h
		default:
			w := m.posterior(y, eg, eh)
			// d/dη_g log[g·a + (1−g)·b] = w − g; d/dη_h mixes the two
			// binomial scores with the posterior weights.
			dg = w - g
			dh = w*(float64(y-1)-J*h) + (1-w)*(float64(y)-J*h)
		}
		c := m.count[i]
		row := m.x[i*p : i*p+p]
		for j, v := range row {
			grad[j] += c * dg * v
			grad[p+j] += c * dh * v
		}
	}
}

// negHessian differentiates the analytic gradient by central differences
// and returns the symmetrized negative Hessian.
func (m *listModel) negHessian(theta []float64) (*mat.SymDense, error) {
	d := len(theta)
	h := mat.NewDense(d, d, nil)
	tp := make([]float64, d)
	gp := make([]float64, d)
	gm := make([]float64, d)
	for j := 0; j < d; j++ {
		step := 1e-5 * (1 + math.Abs(theta[j]))
		copy(tp, theta)
		tp[j] += step
		m.gradient(tp, gp)
		tp[j] -= 2 * step
		m.gradient(tp, gm)
		for k := 0; k < d; k++ {
			h.Set(k, j, -(gp[k]-gm[k])/(2*step))
		}
	}
	out := mat.NewSymDense(d, nil)
	for a := 0; a < d; a++ {
		for b := a; b < d; b++ {
			v := (h.At(a, b) + h.At(b, a)) / 2
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("adjust: list ML: %w: non-finite Hessian", ErrSingular)
			}
			out.SetSym(a, b, v)
		}
	}
	return out, nil
}

// prevalence returns (1/n)Σ expit(xᵢᵀδ) with the delta-method SE
// √(ḡᵀV_δḡ), ḡ = (1/n)Σ gᵢ(1 − gᵢ)xᵢ.
func (m *listModel) prevalence(delta []float64, cov *mat.SymDense) Estimate {
	p := m.p
	gbar := make([]float64, p)
	var mean float64
	for i := 0; i < m.n; i++ {
		row := m.x[i*p : i*p+p]
		var eg float64
		for j, v := range row {
			eg += v * delta[j]
		}
		g := expit(eg)
		c := m.count[i]
		mean += c * g
		for j, v := range row {
			gbar[j] += c * g * (1 - g) * v
		}
	}
	n := float64(m.nTotal)
	mean /= n
	var v float64
	for a := 0; a < p; a++ {
		for b := 0; b < p; b++ {
			v += gbar[a] / n * cov.At(a, b) * gbar[b] / n
		}
	}
	return Estimate{Value: mean, SE: math.Sqrt(v)}
}

// logSumExp is log(eᵃ + eᵇ) without overflow.
func logSumExp(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}
