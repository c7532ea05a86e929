package sensitive

import (
	"fmt"
	"math"
	"strings"

	"github.com/candorpoll/candor/adjust"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// PlaceboTest is one of the two placebo tests of the combined estimator.
type PlaceboTest struct {
	// Estimate is the tested coefficient with its standard error.
	Estimate adjust.Estimate
	// Null is the value under the null hypothesis (1 for test I, 0 for
	// test II).
	Null float64
	// PValue is the two-sided normal p-value 2Φ(−|Estimate − Null|/SE).
	PValue float64
	// N is the number of respondents the test uses.
	N int
}

// CombinedResult is the result of [Combined].
type CombinedResult struct {
	// Estimate is the combined list + direct prevalence estimate μ̂.
	Estimate adjust.Estimate
	// Direct is the share answering yes to the direct question.
	Direct adjust.Estimate
	// Conventional is the (covariate-adjusted) list-experiment estimate
	// from all respondents.
	Conventional adjust.Estimate
	// PlaceboI tests that the list estimate among direct "yes" answerers
	// is 1 (H₀: β = 1); rejection points to liars, a design effect, or
	// failed monotonicity.
	PlaceboI PlaceboTest
	// PlaceboII tests that the list treatment does not move the direct
	// answer (H₀: δ = 0); rejection means treatment independence fails.
	PlaceboII PlaceboTest
	// N is the number of respondents used (those with a direct answer).
	N int
}

// String formats the estimates and tests like summary.comblist.
func (c CombinedResult) String() string {
	var b strings.Builder
	b.WriteString("Combined list + direct estimator (Aronow et al. 2015)\n")
	fmt.Fprintf(&b, "combined      %v\ndirect        %v\nconventional  %v\n", c.Estimate, c.Direct, c.Conventional)
	fmt.Fprintf(&b, "placebo I  (beta = 1):  %.4f (SE %.4f), p = %.4g, n = %d\n", c.PlaceboI.Estimate.Value, c.PlaceboI.Estimate.SE, c.PlaceboI.PValue, c.PlaceboI.N)
	fmt.Fprintf(&b, "placebo II (delta = 0): %.4f (SE %.4f), p = %.4g, n = %d\n", c.PlaceboII.Estimate.Value, c.PlaceboII.Estimate.SE, c.PlaceboII.PValue, c.PlaceboII.N)
	return b.String()
}

// Combined is the combined list-experiment and direct-question estimator
// of Aronow, Coppock, Crawford & Green (2015), as the R function
// combinedListDirect computes it. Every respondent answers the direct
// question D (the experiment's Direct) and is randomized to a list. With
// d̄ = mean(D) and regressions of the count on (1, T, X):
//
//	direct:        d̄, SE √(s_D²/N)
//	conventional:  β̂ = coefficient on T using all respondents,
//	               Var = s²_{e|T=1}/n₁ + s²_{e|T=0}/n₀  (residual variances by arm)
//	combined:      μ̂ = d̄ + (1 − d̄)·β̂₀, β̂₀ the coefficient on T among D = 0,
//	               Var = [(1 − μ̂)²·d̄/(1 − d̄) + (1 − d̄)(σ̂₁²/γ̂ + σ̂₀²/(1 − γ̂))]/N
//
// where σ̂ₜ² are the variances of the D = 0 regression's residuals in arm
// t and γ̂ = mean(T) over all N respondents. Placebo test I regresses the
// count on T among D = 1 (H₀: coefficient 1); placebo test II regresses D
// on T (H₀: 0); both use the residual-variance-by-arm SE and a normal
// p-value.
//
// The extra assumptions are treatment independence (the list does not
// change D) and monotonicity (nobody falsely answers yes to the direct
// question). For approval in Russia, code the sensitive answer as
// disapproval: monotonicity then says nobody falsely claims to
// disapprove, which is plausible under repression.
//
// It has no settings: the zero value is the estimator.
type Combined struct{}

// Fit computes the estimator and its placebo tests. Covariates are the
// experiment's X (numeric, categorical variables as 0/1 dummies with one
// level left out); columns that are aliased within a subset are dropped
// as R's lm does. Respondents whose direct answer is NaN are left out (R's
// complete-case rule); N reports how many were used. Errors: those of the
// data checks, [ErrEmpty] when no direct answers are given, [ErrGroupSize]
// when a regression subset lacks two respondents in each arm, [ErrLength]
// for X of the wrong height, [ErrValue] for non-finite covariates.
func (Combined) Fit(le *ListExperiment) (CombinedResult, error) {
	if _, _, err := le.validate(); err != nil {
		return CombinedResult{}, err
	}
	if le.Direct == nil {
		return CombinedResult{}, fmt.Errorf("sensitive: combined estimator: %w: no direct answers", ErrEmpty)
	}
	// Complete cases: rows with a direct answer.
	var rows []int
	for i, d := range le.Direct {
		if !math.IsNaN(d) {
			rows = append(rows, i)
		}
	}
	N := len(rows)
	if N == 0 {
		return CombinedResult{}, fmt.Errorf("sensitive: combined estimator: %w: every direct answer is missing", ErrEmpty)
	}
	k, err := le.covariates("combined estimator", rows)
	if err != nil {
		return CombinedResult{}, err
	}
	X := le.X
	p := k + 2 // intercept, T, covariates
	design := func(sel []int) []float64 {
		x := make([]float64, len(sel)*p)
		for r, i := range sel {
			x[r*p] = 1
			if le.Treat[i] {
				x[r*p+1] = 1
			}
			for j := 0; j < k; j++ {
				x[r*p+2+j] = X.At(i, j)
			}
		}
		return x
	}
	// treatCoef regresses outcome on (1, T, X) over sel and returns the
	// coefficient on T with its residual-variance-by-arm variance and the
	// residual variances in each arm.
	treatCoef := func(sel []int, outcome func(int) float64, what string) (est, v1, v0 float64, n1, n0 int, err error) {
		y := make([]float64, len(sel))
		for r, i := range sel {
			y[r] = outcome(i)
			if le.Treat[i] {
				n1++
			} else {
				n0++
			}
		}
		if n1 < 2 || n0 < 2 {
			return 0, 0, 0, n1, n0, fmt.Errorf("sensitive: combined estimator: %s: %w: %d treated and %d control respondents", what, ErrGroupSize, n1, n0)
		}
		fit, err := fitOLS(design(sel), len(sel), p, y)
		if err != nil {
			return 0, 0, 0, n1, n0, fmt.Errorf("sensitive: combined estimator: %s: %w", what, err)
		}
		if math.IsNaN(fit.coef[1]) {
			return 0, 0, 0, n1, n0, fmt.Errorf("sensitive: combined estimator: %s: %w: treatment indicator aliased with covariates", what, ErrSingular)
		}
		treat := make([]bool, len(sel))
		for r, i := range sel {
			treat[r] = le.Treat[i]
		}
		_, _, v1 = groupMoments(fit.resid, treat, true)
		_, _, v0 = groupMoments(fit.resid, treat, false)
		return fit.coef[1], v1, v0, n1, n0, nil
	}
	count := func(i int) float64 { return le.Y[i] }
	direct := func(i int) float64 { return le.Direct[i] }

	var res CombinedResult
	res.N = N
	var nT float64
	var yes, no []int
	d := make([]float64, 0, N)
	for _, i := range rows {
		d = append(d, le.Direct[i])
		if le.Treat[i] {
			nT++
		}
		if le.Direct[i] == 1 {
			yes = append(yes, i)
		} else {
			no = append(no, i)
		}
	}
	fN := float64(N)
	dbar, sd := stat.MeanStdDev(d, nil)
	res.Direct = adjust.Estimate{Value: dbar, SE: sd / math.Sqrt(fN)}

	est, v1, v0, n1, n0, err := treatCoef(rows, count, "conventional estimate")
	if err != nil {
		return res, err
	}
	res.Conventional = adjust.Estimate{Value: est, SE: math.Sqrt(v1/float64(n1) + v0/float64(n0))}

	b0, s1, s0, _, _, err := treatCoef(no, count, "direct-no subset")
	if err != nil {
		return res, err
	}
	gamma := nT / fN
	mu := dbar + (1-dbar)*b0
	v := ((1-mu)*(1-mu)/(1-dbar)*dbar + (1-dbar)*(s1/gamma+s0/(1-gamma))) / fN
	res.Estimate = adjust.Estimate{Value: mu, SE: math.Sqrt(v)}

	normal := distuv.UnitNormal
	b1, u1, u0, m1, m0, err := treatCoef(yes, count, "placebo test I (direct-yes subset)")
	if err != nil {
		return res, err
	}
	se := math.Sqrt(u1/float64(m1) + u0/float64(m0))
	res.PlaceboI = PlaceboTest{Estimate: adjust.Estimate{Value: b1, SE: se}, Null: 1, PValue: 2 * normal.CDF(-math.Abs(b1-1)/se), N: len(yes)}

	dl, w1, w0, k1, k0, err := treatCoef(rows, direct, "placebo test II")
	if err != nil {
		return res, err
	}
	se = math.Sqrt(w1/float64(k1) + w0/float64(k0))
	res.PlaceboII = PlaceboTest{Estimate: adjust.Estimate{Value: dl, SE: se}, Null: 0, PValue: 2 * normal.CDF(-math.Abs(dl)/se), N: N}
	return res, nil
}
