package sensitive

import (
	"fmt"
	"math"

	"github.com/candorpoll/candor/adjust"
	"gonum.org/v1/gonum/stat"
)

// VarianceKind selects the standard error of the difference in means.
type VarianceKind int

const (
	// HC3 is s₁²/(n₁ − 1) + s₀²/(n₀ − 1), the MacKinnon–White HC3 variance
	// of the OLS slope in Y ~ 1 + T. It is what the R package list reports
	// for ictreg(method = "lm") (which calls sandwich::vcovHC with its
	// default type "HC3"), hence the default.
	HC3 VarianceKind = iota
	// Neyman is s₁²/n₁ + s₀²/n₀, the classical (Welch/Neyman)
	// randomization variance; it equals HC2 for a binary regressor.
	Neyman
	// HC0 is (n₁ − 1)s₁²/n₁² + (n₀ − 1)s₀²/n₀² (White's estimator).
	HC0
	// HC1 is HC0·n/(n − 2).
	HC1
)

// String returns the kind's name.
func (k VarianceKind) String() string {
	switch k {
	case HC3:
		return "HC3"
	case Neyman:
		return "Neyman"
	case HC0:
		return "HC0"
	case HC1:
		return "HC1"
	}
	return fmt.Sprintf("VarianceKind(%d)", int(k))
}

// groupMoments returns, for the respondents with Treat == t, the count,
// mean and sample variance (n − 1 denominator, NaN for fewer than two) of
// v, by gonum.
func groupMoments(v []float64, treat []bool, t bool) (n int, mean, variance float64) {
	g := make([]float64, 0, len(v))
	for i, x := range v {
		if treat[i] == t {
			g = append(g, x)
		}
	}
	if len(g) == 0 {
		return 0, math.NaN(), math.NaN()
	}
	mean, variance = stat.MeanVariance(g, nil)
	return len(g), mean, variance
}

// diffVariance combines group sizes and sample variances into the
// variance of a difference in means of the given kind.
func diffVariance(kind VarianceKind, n1, n0 int, v1, v0 float64) (float64, error) {
	f1, f0 := float64(n1), float64(n0)
	switch kind {
	case HC3:
		return v1/(f1-1) + v0/(f0-1), nil
	case Neyman:
		return v1/f1 + v0/f0, nil
	case HC0:
		return (f1-1)*v1/(f1*f1) + (f0-1)*v0/(f0*f0), nil
	case HC1:
		hc0 := (f1-1)*v1/(f1*f1) + (f0-1)*v0/(f0*f0)
		return hc0 * (f1 + f0) / (f1 + f0 - 2), nil
	}
	return math.NaN(), fmt.Errorf("sensitive: %w: unknown variance kind %v", ErrValue, kind)
}

// DiffInMeans is the difference-in-means estimator of the prevalence of
// the sensitive item, τ̂ = Ȳ₁ − Ȳ₀ (Miller 1984; Imai 2011 §2). Under
// randomization, no design effect and no liars, E[τ̂] = P(Z = 1). The
// estimate is not truncated to [0, 1]: a negative value is a signal of a
// design effect or of noise, not something to hide. It ignores the
// experiment's Weight ([WeightedDiffInMeans] uses them) and X ([ListLM]).
//
// The zero value is the estimator the R package list prints for
// ictreg(method = "lm") without covariates, with the HC3 standard error.
type DiffInMeans struct {
	// Variance selects the standard error; the zero value is [HC3],
	// √(s₁²/(n₁ − 1) + s₀²/(n₀ − 1)). [Neyman] is the classical
	// √(s₁²/n₁ + s₀²/n₀).
	Variance VarianceKind
}

// Fit returns the estimate with its standard error. Errors: those of the
// data checks ([ErrEmpty], [ErrLength], [ErrValue], [ErrCountRange],
// [ErrGroupSize]) and [ErrValue] for an unknown variance kind.
func (d DiffInMeans) Fit(le *ListExperiment) (adjust.Estimate, error) {
	if _, _, err := le.validate(); err != nil {
		return adjust.Estimate{}, err
	}
	n1, m1, v1 := groupMoments(le.Y, le.Treat, true)
	n0, m0, v0 := groupMoments(le.Y, le.Treat, false)
	v, err := diffVariance(d.Variance, n1, n0, v1, v0)
	if err != nil {
		return adjust.Estimate{}, fmt.Errorf("sensitive: difference in means: %w", err)
	}
	return adjust.Estimate{Value: m1 - m0, SE: math.Sqrt(v)}, nil
}

// ControlMean returns the mean count of the control group with its HC3
// standard error s₀/√(n₀ − 1), the intercept of ictreg(method = "lm")
// without covariates.
func (le *ListExperiment) ControlMean() (adjust.Estimate, error) {
	if _, _, err := le.validate(); err != nil {
		return adjust.Estimate{}, err
	}
	n0, m0, v0 := groupMoments(le.Y, le.Treat, false)
	return adjust.Estimate{Value: m0, SE: math.Sqrt(v0 / float64(n0-1))}, nil
}

// WeightedDiffInMeans is the survey-weighted difference in means
//
//	τ̂_w = Σwᵢ Tᵢ Yᵢ / Σwᵢ Tᵢ − Σwᵢ(1 − Tᵢ)Yᵢ / Σwᵢ(1 − Tᵢ)
//
// with the linearization (sandwich) variance of two ratio means,
//
//	V̂ = Σ_t Σ_{i∈t} wᵢ²(Yᵢ − Ȳ_{w,t})² / (Σ_{i∈t} wᵢ)²,
//
// which treats respondents as independent draws (it captures the
// weighting, not clustering; add a clustering design effect separately).
// With equal weights it is the HC0 variance. It has no settings: the zero
// value is the estimator.
type WeightedDiffInMeans struct{}

// Fit returns the estimate from the weights in le.Weight, which must be
// finite and ≥ 0 with a positive sum in each arm; nil weights give the
// unweighted estimate with the HC0 variance. Errors: those of the data
// checks, [ErrValue] for a bad weight and [ErrGroupSize] for an arm with
// zero total weight.
func (WeightedDiffInMeans) Fit(le *ListExperiment) (adjust.Estimate, error) {
	if _, _, err := le.validate(); err != nil {
		return adjust.Estimate{}, err
	}
	w := func(i int) float64 {
		if le.Weight == nil {
			return 1
		}
		return le.Weight[i]
	}
	var sw, swy [2]float64
	for i, y := range le.Y {
		wi := w(i)
		if !(wi >= 0) || math.IsInf(wi, 1) {
			return adjust.Estimate{}, fmt.Errorf("sensitive: weighted difference in means: respondent %d: %w: weight %v", i, ErrValue, wi)
		}
		g := 0
		if le.Treat[i] {
			g = 1
		}
		sw[g] += wi
		swy[g] += wi * y
	}
	if sw[0] == 0 || sw[1] == 0 {
		return adjust.Estimate{}, fmt.Errorf("sensitive: weighted difference in means: %w: an arm has zero total weight", ErrGroupSize)
	}
	mean := [2]float64{swy[0] / sw[0], swy[1] / sw[1]}
	var v float64
	for i, y := range le.Y {
		g := 0
		if le.Treat[i] {
			g = 1
		}
		d := w(i) * (y - mean[g])
		v += d * d / (sw[g] * sw[g])
	}
	return adjust.Estimate{Value: mean[1] - mean[0], SE: math.Sqrt(v)}, nil
}
