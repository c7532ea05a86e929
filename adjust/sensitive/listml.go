package sensitive

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/candorpoll/candor/adjust"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/combin"
	"gonum.org/v1/gonum/stat/distuv"
)

// ListML is the maximum-likelihood estimator of Imai (2011), as the R
// function ictreg(method = "ml"). The zero value fits the constrained
// model (ictreg's default) with the documented tolerances; covariates are
// the rows of the experiment's X.
type ListML struct {
	// Unconstrained fits separate control-item coefficients for
	// respondents with and without the sensitive trait (ψ₀, ψ₁; Imai 2011
	// §3.2; ictreg's constrained = FALSE) instead of one ψ. False, the
	// zero value, fits the constrained model. [NewConstraintTest]
	// compares the two fits.
	Unconstrained bool
	// MaxIter bounds the EM iterations; 0 means 5000.
	MaxIter int
	// Tol stops EM when an iteration raises the log-likelihood by less
	// than Tol; 0 means 1e-6. Newton steps on the observed-data
	// log-likelihood then polish the optimum until the Newton decrement
	// is below 1e-12, so Tol trades EM iterations for Newton steps without
	// changing the result.
	Tol float64
}

// ListMLFit is the fit of [ListML].
type ListMLFit struct {
	// Delta are the coefficients of the sensitive item,
	// P(Z = 1 | x) = expit(xᵀδ); the first is the intercept.
	Delta []float64
	// Psi are the coefficients of the control items,
	// Y(0) | x ~ Binomial(J, expit(xᵀψ)); the first is the intercept. In
	// the unconstrained model they are ψ₀, for respondents with Z = 0.
	Psi []float64
	// Psi1 are the unconstrained model's control-item coefficients ψ₁
	// for respondents with Z = 1; nil for the constrained model.
	Psi1 []float64
	// DeltaSE, PsiSE and Psi1SE are standard errors from Cov.
	DeltaSE, PsiSE, Psi1SE []float64
	// Cov is the inverse of the negative Hessian of the observed-data
	// log-likelihood at the MLE, over (δ, ψ) in that order, or (δ, ψ₀, ψ₁)
	// for the unconstrained model.
	Cov *mat.SymDense
	// LogLik is the maximized observed-data log-likelihood (with binomial
	// coefficients, as R's ictreg reports it).
	LogLik float64
	// Prevalence is the sample-average predicted prevalence
	// (1/n)Σ expit(xᵢᵀδ̂) with its delta-method standard error.
	Prevalence adjust.Estimate
	// N is the number of respondents.
	N int
	// Iterations is the number of EM iterations; NewtonSteps the polishing
	// steps after them.
	Iterations, NewtonSteps int
}

// String summarizes the fit.
func (r *ListMLFit) String() string {
	var b strings.Builder
	if r.Psi1 == nil {
		b.WriteString("List experiment ML (Imai 2011), constrained model\n")
		b.WriteString("           sensitive (δ)            control (ψ)\n")
	} else {
		b.WriteString("List experiment ML (Imai 2011), unconstrained model\n")
		b.WriteString("           sensitive (δ)            control, Z = 0 (ψ₀)      control, Z = 1 (ψ₁)\n")
	}
	for j := range r.Delta {
		fmt.Fprintf(&b, "coef %-3d  %9.5f (SE %.5f)   %9.5f (SE %.5f)", j, r.Delta[j], r.DeltaSE[j], r.Psi[j], r.PsiSE[j])
		if r.Psi1 != nil {
			fmt.Fprintf(&b, "   %9.5f (SE %.5f)", r.Psi1[j], r.Psi1SE[j])
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "log-likelihood %.4f; prevalence %v\n", r.LogLik, r.Prevalence)
	return b.String()
}

// Fit fits the model to le. The constrained model is
//
//	Zᵢ | xᵢ ~ Bernoulli(gᵢ),            gᵢ = expit(xᵢᵀδ)
//	Yᵢ(0) | xᵢ ~ Binomial(J, hᵢ),        hᵢ = expit(xᵢᵀψ)  (independent of Zᵢ)
//	Yᵢ = Yᵢ(0) + Tᵢ·Zᵢ
//
// With B(k; h) = C(J, k)hᵏ(1 − h)^(J−k) the observed-data likelihood
// contributions are (1 − g)B(0; h) for treated Y = 0, g·B(J; h) for treated
// Y = J + 1, g·B(Y − 1; h) + (1 − g)B(Y; h) for other treated, and B(Y; h)
// for controls. The unconstrained model replaces h by h₀ = expit(xᵀψ₀)
// when Z = 0 and h₁ = expit(xᵀψ₁) when Z = 1.
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
// effects: run [DesignTest] first.
//
// The likelihood is unweighted: le.Weight is ignored (the R package
// supports weights here; candor does not yet).
//
// ctx is checked between iterations. Errors: those of the data checks,
// [ErrLength] for X with the wrong number of rows, [ErrValue] for
// non-finite covariates, [ErrProbability] when the estimated prevalence is
// 0 or 1 (the MLE is on the boundary, where information-matrix SEs are
// invalid; the point estimate is returned with a NaN SE),
// [ErrNotConverged] (with the last iterate) and [ErrSingular] when the
// information matrix cannot be inverted.
func (s ListML) Fit(ctx context.Context, le *ListExperiment) (*ListMLFit, error) {
	if _, _, err := le.validate(); err != nil {
		return nil, err
	}
	maxIter, tol := s.MaxIter, s.Tol
	if maxIter <= 0 {
		maxIter = 5000
	}
	if !(tol > 0) {
		tol = 1e-6
	}
	m, err := newListModel(le, s.Unconstrained)
	if err != nil {
		return nil, err
	}
	p := m.p
	nd := m.dim()

	// Start near the difference in means (methods.md §7.4).
	dim, err := DiffInMeans{Variance: Neyman}.Fit(le)
	if err != nil {
		return nil, err
	}
	_, m0, _ := groupMoments(le.Y, le.Treat, false)
	theta := make([]float64, nd)
	theta[0] = logit(math.Min(math.Max(dim.Value, 0.05), 0.95))
	theta[p] = logit(math.Min(math.Max(m0/float64(le.J), 0.05), 0.95))
	if m.free {
		theta[2*p] = theta[p]
	}

	res := &ListMLFit{N: len(le.Y)}
	ll := m.logLik(theta)
	for it := 1; it <= maxIter; it++ {
		if it%20 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := m.emStep(theta); err != nil {
			return nil, fmt.Errorf("sensitive: list ML: EM iteration %d: %w", it, err)
		}
		res.Iterations = it
		llNew := m.logLik(theta)
		gain := llNew - ll
		ll = llNew
		if gain < tol {
			break
		}
	}

	// Newton polish on the observed-data log-likelihood: stop when the
	// Newton decrement gᵀ(−H)⁻¹g (twice the predicted gain) is negligible.
	grad := make([]float64, nd)
	trial := make([]float64, nd)
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
		if err := ch.SolveVecTo(&dir, mat.NewVecDense(nd, grad)); err != nil {
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
		llNew, _, _ := halvingStep(theta, &dir, trial, ll, m.logLik)
		res.NewtonSteps++
		if !(llNew > ll) {
			// No ascent along the Newton direction within rounding: at the
			// optimum to machine precision.
			converged = decrement < 1e-6
			break
		}
		copy(theta, trial)
		ll = llNew
	}

	res.Delta = append([]float64(nil), theta[:p]...)
	res.Psi = append([]float64(nil), theta[p:2*p]...)
	if m.free {
		res.Psi1 = append([]float64(nil), theta[2*p:]...)
	}
	res.LogLik = ll
	res.Prevalence = adjust.Estimate{Value: m.prevalence(res.Delta, nil).Value, SE: math.NaN()}
	if pv := res.Prevalence.Value; !(pv > 1e-6 && pv < 1-1e-6) {
		// The MLE sits on the boundary (δ₀ → ±∞): standard errors from
		// the information matrix are meaningless there.
		return res, fmt.Errorf("sensitive: list ML: %w: prevalence estimate %.3g is on the boundary; use the difference in means and its SE", ErrProbability, pv)
	}
	negH, err := m.negHessian(theta)
	if err != nil {
		return res, err
	}
	var ch mat.Cholesky
	if !ch.Factorize(negH) {
		return res, fmt.Errorf("sensitive: list ML: %w: observed information not positive definite", ErrSingular)
	}
	res.Cov = mat.NewSymDense(nd, nil)
	if err := ch.InverseTo(res.Cov); err != nil {
		return res, fmt.Errorf("sensitive: list ML: %w: %v", ErrSingular, err)
	}
	res.DeltaSE = make([]float64, p)
	res.PsiSE = make([]float64, p)
	for j := 0; j < p; j++ {
		res.DeltaSE[j] = math.Sqrt(res.Cov.At(j, j))
		res.PsiSE[j] = math.Sqrt(res.Cov.At(p+j, p+j))
	}
	if m.free {
		res.Psi1SE = make([]float64, p)
		for j := 0; j < p; j++ {
			res.Psi1SE[j] = math.Sqrt(res.Cov.At(2*p+j, 2*p+j))
		}
	}
	res.Prevalence = m.prevalence(res.Delta, res.Cov)
	if !converged {
		return res, fmt.Errorf("sensitive: list ML: %w after %d EM iterations and %d Newton steps", ErrNotConverged, res.Iterations, res.NewtonSteps)
	}
	return res, nil
}

// listModel holds the data of a list experiment in the layout the
// likelihood needs.
type listModel struct {
	free    bool      // unconstrained: separate ψ₀, ψ₁
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
	psi1X    *mat.Dense
	psi1Y    []float64
	psi1W    []float64
	psi1Src  []pseudoRow
}

func newListModel(le *ListExperiment, free bool) (*listModel, error) {
	k, err := le.covariates("list ML", nil)
	if err != nil {
		return nil, err
	}
	n, X := len(le.Y), le.X
	p := k + 1
	// Respondents with the same (T, Y, x) contribute identically, so they
	// are collapsed into one row with a count: an intercept-only fit then
	// runs over at most 2J + 3 rows, whatever the sample size.
	m := &listModel{p: p, J: le.J, nTotal: n, free: free}
	index := map[string]int{}
	key := make([]byte, 0, 16+8*k)
	row := make([]float64, p)
	for i := 0; i < n; i++ {
		row[0] = 1
		for j := 0; j < k; j++ {
			row[1+j] = X.At(i, j)
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
		m.lchoose[c] = combin.LogGeneralizedBinomial(float64(le.J), float64(c))
	}
	return m, nil
}

// dim is the number of parameters: (δ, ψ) or (δ, ψ₀, ψ₁).
func (m *listModel) dim() int {
	if m.free {
		return 3 * m.p
	}
	return 2 * m.p
}

// etas returns the linear predictors of row i: sensitive item, control
// items for Z = 0 and for Z = 1 (equal in the constrained model).
func (m *listModel) etas(theta []float64, i int) (eg, eh0, eh1 float64) {
	p := m.p
	row := m.x[i*p : i*p+p]
	for j, v := range row {
		eg += v * theta[j]
		eh0 += v * theta[p+j]
	}
	if !m.free {
		return eg, eh0, eh0
	}
	for j, v := range row {
		eh1 += v * theta[2*p+j]
	}
	return eg, eh0, eh1
}

// logBinom is log B(k; expit(eh)).
func (m *listModel) logBinom(k int, eh float64) float64 {
	return m.lchoose[k] + float64(k)*logExpit(eh) + float64(m.J-k)*logExpit(-eh)
}

// counts returns the latent control counts of row i under Z = 1 and
// Z = 0, k₁ = Y − T and k₀ = Y, and which of the two are possible.
func (m *listModel) counts(i int) (k1, k0 int, z1, z0 bool) {
	y := m.y[i]
	if m.treat[i] {
		return y - 1, y, y >= 1, y <= m.J
	}
	return y, y, true, true
}

// terms returns log[g·B(k₁; h₁)] and log[(1 − g)·B(k₀; h₀)] for row i
// (−Inf where impossible).
func (m *listModel) terms(i int, eg, eh0, eh1 float64) (a, b float64) {
	k1, k0, z1, z0 := m.counts(i)
	a, b = math.Inf(-1), math.Inf(-1)
	if z1 {
		a = logExpit(eg) + m.logBinom(k1, eh1)
	}
	if z0 {
		b = logExpit(-eg) + m.logBinom(k0, eh0)
	}
	return a, b
}

// logLik is the observed-data log-likelihood: Σ count·log[g·B(k₁; h₁) +
// (1 − g)·B(k₀; h₀)], which for constrained controls is log B(Y; h).
func (m *listModel) logLik(theta []float64) float64 {
	var ll float64
	for i := 0; i < m.n; i++ {
		eg, eh0, eh1 := m.etas(theta, i)
		var li float64
		if !m.treat[i] && !m.free {
			li = m.logBinom(m.y[i], eh0)
		} else {
			a, b := m.terms(i, eg, eh0, eh1)
			li = floats.LogSumExp([]float64{a, b})
		}
		ll += m.count[i] * li
	}
	return ll
}

// posterior returns wᵢ = P(Zᵢ = 1 | Yᵢ, Tᵢ, xᵢ); for constrained
// controls it is the prior g.
func (m *listModel) posterior(i int, eg, eh0, eh1 float64) float64 {
	if !m.treat[i] && !m.free {
		return expit(eg)
	}
	a, b := m.terms(i, eg, eh0, eh1)
	switch {
	case math.IsInf(a, -1):
		return 0
	case math.IsInf(b, -1):
		return 1
	}
	return 1 / (1 + math.Exp(b-a))
}

// emSetup builds the fixed parts of the M-step regressions: the design of
// the sensitive-item regression (treated rows; all rows when
// unconstrained) and the binomial pseudo-rows of the control-item
// regressions (latent counts k₁ with weight w and k₀ with weight 1 − w).
// Only the weights change between iterations.
func (m *listModel) emSetup() {
	p, J := m.p, float64(m.J)
	var dRows, rows0, rows1 []float64
	for i := 0; i < m.n; i++ {
		row := m.x[i*p : i*p+p]
		if m.treat[i] || m.free {
			dRows = append(dRows, row...)
			m.deltaSrc = append(m.deltaSrc, i)
			m.deltaW = append(m.deltaW, m.count[i])
		}
		if !m.treat[i] && !m.free {
			rows0 = append(rows0, row...)
			m.psiY = append(m.psiY, float64(m.y[i])/J)
			m.psiSrc = append(m.psiSrc, pseudoRow{i: i, kind: 0})
			continue
		}
		k1, k0, z1, z0 := m.counts(i)
		if z1 {
			if m.free {
				rows1 = append(rows1, row...)
				m.psi1Y = append(m.psi1Y, float64(k1)/J)
				m.psi1Src = append(m.psi1Src, pseudoRow{i: i, kind: 1})
			} else {
				rows0 = append(rows0, row...)
				m.psiY = append(m.psiY, float64(k1)/J)
				m.psiSrc = append(m.psiSrc, pseudoRow{i: i, kind: 1})
			}
		}
		if z0 {
			rows0 = append(rows0, row...)
			m.psiY = append(m.psiY, float64(k0)/J)
			m.psiSrc = append(m.psiSrc, pseudoRow{i: i, kind: 2})
		}
	}
	m.deltaX = mat.NewDense(len(m.deltaSrc), p, dRows)
	m.deltaZ = make([]float64, len(m.deltaSrc))
	m.psiX = mat.NewDense(len(m.psiY), p, rows0)
	m.psiW = make([]float64, len(m.psiY))
	if m.free {
		m.psi1X = mat.NewDense(len(m.psi1Y), p, rows1)
		m.psi1W = make([]float64, len(m.psi1Y))
	}
}

// pseudoRow says which row a control-item pseudo-row comes from and its
// weight: 0 constrained control (J), 1 latent count under Z = 1 (J·w),
// 2 latent count under Z = 0 (J·(1 − w)), each times the row's count.
type pseudoRow struct {
	i, kind int
}

func (m *listModel) pseudoWeights(src []pseudoRow, dst []float64) {
	J := float64(m.J)
	for r, s := range src {
		switch s.kind {
		case 0:
			dst[r] = J * m.count[s.i]
		case 1:
			dst[r] = J * m.count[s.i] * m.w[s.i]
		case 2:
			dst[r] = J * m.count[s.i] * (1 - m.w[s.i])
		}
	}
}

// emStep performs one EM iteration in place: the E-step posteriors, then
// weighted logistic regressions for δ and ψ (or ψ₀ and ψ₁), each solved to
// 1e-8; the Newton polish afterwards makes the optimum exact.
func (m *listModel) emStep(theta []float64) error {
	p := m.p
	if m.deltaX == nil {
		m.emSetup()
	}
	for i := 0; i < m.n; i++ {
		eg, eh0, eh1 := m.etas(theta, i)
		m.w[i] = m.posterior(i, eg, eh0, eh1)
	}
	for r, i := range m.deltaSrc {
		m.deltaZ[r] = m.w[i]
	}
	m.pseudoWeights(m.psiSrc, m.psiW)
	fd, err := Logistic{Start: theta[:p], Tol: 1e-8}.Fit(m.deltaX, m.deltaZ, m.deltaW)
	if err != nil {
		return fmt.Errorf("sensitive-item M-step: %w", err)
	}
	fp, err := Logistic{Start: theta[p : 2*p], Tol: 1e-8}.Fit(m.psiX, m.psiY, m.psiW)
	if err != nil {
		return fmt.Errorf("control-item M-step: %w", err)
	}
	if m.free {
		m.pseudoWeights(m.psi1Src, m.psi1W)
		f1, err := Logistic{Start: theta[2*p:], Tol: 1e-8}.Fit(m.psi1X, m.psi1Y, m.psi1W)
		if err != nil {
			return fmt.Errorf("control-item (Z = 1) M-step: %w", err)
		}
		copy(theta[2*p:], f1.Coef)
	}
	copy(theta[:p], fd.Coef)
	copy(theta[p:2*p], fp.Coef)
	return nil
}

// gradient fills grad with the score of the observed-data
// log-likelihood. For a row with posterior w:
//
//	∂ℓ/∂η_g = w − g,   ∂ℓ/∂η_h₁ = w(k₁ − J·h₁),   ∂ℓ/∂η_h₀ = (1 − w)(k₀ − J·h₀),
//
// with the two control-item scores added in the constrained model (where
// w = g for controls, so their δ-score vanishes).
func (m *listModel) gradient(theta, grad []float64) {
	p, J := m.p, float64(m.J)
	for j := range grad {
		grad[j] = 0
	}
	for i := 0; i < m.n; i++ {
		eg, eh0, eh1 := m.etas(theta, i)
		g, h0, h1 := expit(eg), expit(eh0), expit(eh1)
		w := m.posterior(i, eg, eh0, eh1)
		k1, k0, _, _ := m.counts(i)
		dg := w - g
		d1 := w * (float64(k1) - J*h1)
		d0 := (1 - w) * (float64(k0) - J*h0)
		c := m.count[i]
		row := m.x[i*p : i*p+p]
		for j, v := range row {
			grad[j] += c * dg * v
			if m.free {
				grad[p+j] += c * d0 * v
				grad[2*p+j] += c * d1 * v
			} else {
				grad[p+j] += c * (d0 + d1) * v
			}
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
				return nil, fmt.Errorf("sensitive: list ML: %w: non-finite Hessian", ErrSingular)
			}
			out.SetSym(a, b, v)
		}
	}
	return out, nil
}

// prevalence returns (1/n)Σ expit(xᵢᵀδ) with the delta-method SE
// √(ḡᵀV_δḡ), ḡ = (1/n)Σ gᵢ(1 − gᵢ)xᵢ (NaN SE when cov is nil).
func (m *listModel) prevalence(delta []float64, cov *mat.SymDense) adjust.Estimate {
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
	if cov == nil {
		return adjust.Estimate{Value: mean, SE: math.NaN()}
	}
	var v float64
	for a := 0; a < p; a++ {
		for b := 0; b < p; b++ {
			v += gbar[a] / n * cov.At(a, b) * gbar[b] / n
		}
	}
	return adjust.Estimate{Value: mean, SE: math.Sqrt(v)}
}

// ConstraintTest is the likelihood-ratio test of the constraint ψ₀ = ψ₁,
// i.e. that answers to the control items do not depend on the sensitive
// trait given x (Imai 2011, §3.2). A small p-value favours the
// unconstrained model.
type ConstraintTest struct {
	Constrained, Unconstrained *ListMLFit
	// LR = 2(ℓ_unconstrained − ℓ_constrained), χ² with DF = dim(ψ)
	// degrees of freedom under the constraint.
	LR     float64
	DF     int
	PValue float64
}

// NewConstraintTest compares a constrained and an unconstrained [ListML]
// fit of the same experiment and covariates by their likelihood ratio.
// It returns an error wrapping [ErrValue] when the fits are not one of
// each kind, differ in covariates or were fitted to different numbers of
// respondents.
func NewConstraintTest(constrained, unconstrained *ListMLFit) (*ConstraintTest, error) {
	switch {
	case constrained == nil || unconstrained == nil:
		return nil, fmt.Errorf("sensitive: list ML constraint test: %w: a fit is nil", ErrValue)
	case constrained.Psi1 != nil || unconstrained.Psi1 == nil:
		return nil, fmt.Errorf("sensitive: list ML constraint test: %w: want a constrained and an unconstrained fit", ErrValue)
	case len(constrained.Psi) != len(unconstrained.Psi) || constrained.N != unconstrained.N:
		return nil, fmt.Errorf("sensitive: list ML constraint test: %w: fits of %d and %d respondents with %d and %d coefficients per model", ErrValue,
			constrained.N, unconstrained.N, len(constrained.Psi), len(unconstrained.Psi))
	}
	lr := math.Max(0, 2*(unconstrained.LogLik-constrained.LogLik))
	df := len(constrained.Psi)
	return &ConstraintTest{
		Constrained: constrained, Unconstrained: unconstrained, LR: lr, DF: df,
		PValue: distuv.ChiSquared{K: float64(df)}.Survival(lr),
	}, nil
}
