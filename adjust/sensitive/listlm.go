package sensitive

import (
	"fmt"
	"math"

	"github.com/candorpoll/candor/adjust"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// ListLMFit is the fit of [ListLM].
type ListLMFit struct {
	// Delta are the sensitive-item coefficients β (on T and T·x; the
	// first is the intercept), Psi the control-item coefficients γ (on 1
	// and x).
	Delta, Psi []float64
	// DeltaSE and PsiSE are HC3 standard errors.
	DeltaSE, PsiSE []float64
	// Cov is the HC3 covariance over (γ, β) in that order.
	Cov *mat.SymDense
	// Prevalence is (1/n)Σ x̃ᵢᵀβ̂ (x̃ = (1, x)) with SE √(x̄ᵀV̂_β x̄).
	Prevalence adjust.Estimate
}

// ListLM is the linear model of ictreg(method = "lm") (Imai 2011, §2.2):
//
//	Yᵢ = x̃ᵢᵀγ + Tᵢ·x̃ᵢᵀβ + εᵢ,   x̃ᵢ = (1, xᵢ),
//
// fitted by ordinary least squares with the HC3 covariance the package
// reports,
//
//	V̂ = (XᵀX)⁻¹ Xᵀ diag(eᵢ²/(1 − hᵢᵢ)²) X (XᵀX)⁻¹,
//
// so that x̃ᵀβ is the prevalence of the sensitive item among respondents
// with covariates x, the rows of the experiment's X. Without covariates
// (X nil) β₀ is the difference in means and its SE the HC3 SE of
// [DiffInMeans]. It has no settings: the zero value is the estimator.
type ListLM struct{}

// Fit fits the model to le. Errors: those of the data checks, [ErrLength]
// and [ErrValue] for X, and [ErrSingular] for collinear columns or a
// leverage of 1.
func (ListLM) Fit(le *ListExperiment) (*ListLMFit, error) {
	if _, _, err := le.validate(); err != nil {
		return nil, err
	}
	k, err := le.covariates("list lm", nil)
	if err != nil {
		return nil, err
	}
	n := len(le.Y)
	X := le.X
	q := k + 1
	p := 2 * q
	d := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		t := 0.0
		if le.Treat[i] {
			t = 1
		}
		d.Set(i, 0, 1)
		d.Set(i, q, t)
		for j := 0; j < k; j++ {
			v := X.At(i, j)
			d.Set(i, 1+j, v)
			d.Set(i, q+1+j, t*v)
		}
	}
	var xtx mat.SymDense
	xtx.SymOuterK(1, d.T())
	var ch mat.Cholesky
	if !ch.Factorize(&xtx) {
		return nil, fmt.Errorf("sensitive: list lm: %w: collinear design", ErrSingular)
	}
	var inv mat.SymDense
	if err := ch.InverseTo(&inv); err != nil {
		return nil, fmt.Errorf("sensitive: list lm: %w: %v", ErrSingular, err)
	}
	var xty mat.VecDense
	xty.MulVec(d.T(), mat.NewVecDense(n, append([]float64(nil), le.Y...)))
	var coef mat.VecDense
	coef.MulVec(&inv, &xty)
	// Meat: Σ (eᵢ/(1 − hᵢᵢ))² xᵢxᵢᵀ.
	meat := mat.NewSymDense(p, nil)
	var xi, ax mat.VecDense
	for i := 0; i < n; i++ {
		row := d.RawRowView(i)
		xi.SetRawVector(mat.NewVecDense(p, row).RawVector())
		ax.MulVec(&inv, &xi)
		h := mat.Dot(&xi, &ax)
		if h >= 1-1e-12 {
			return nil, fmt.Errorf("sensitive: list lm: %w: respondent %d has leverage 1", ErrSingular, i)
		}
		e := le.Y[i] - mat.Dot(&xi, &coef)
		u := e / (1 - h)
		meat.SymRankOne(meat, u*u, &xi)
	}
	var tmp mat.Dense
	tmp.Mul(&inv, meat)
	var cov mat.Dense
	cov.Mul(&tmp, &inv)
	res := &ListLMFit{Cov: mat.NewSymDense(p, nil)}
	for a := 0; a < p; a++ {
		for b := a; b < p; b++ {
			res.Cov.SetSym(a, b, (cov.At(a, b)+cov.At(b, a))/2)
		}
	}
	for j := 0; j < q; j++ {
		res.Psi = append(res.Psi, coef.AtVec(j))
		res.PsiSE = append(res.PsiSE, math.Sqrt(res.Cov.At(j, j)))
		res.Delta = append(res.Delta, coef.AtVec(q+j))
		res.DeltaSE = append(res.DeltaSE, math.Sqrt(res.Cov.At(q+j, q+j)))
	}
	xbar := make([]float64, q)
	xbar[0] = 1
	for j := 0; j < k; j++ {
		xbar[1+j] = stat.Mean(mat.Col(nil, j, X), nil)
	}
	var prev, v float64
	for a := 0; a < q; a++ {
		prev += xbar[a] * res.Delta[a]
		for b := 0; b < q; b++ {
			v += xbar[a] * res.Cov.At(q+a, q+b) * xbar[b]
		}
	}
	res.Prevalence = adjust.Estimate{Value: prev, SE: math.Sqrt(v)}
	return res, nil
}
