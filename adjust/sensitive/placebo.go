package sensitive

import (
	"fmt"
	"math"

	"github.com/candorpoll/candor/adjust"
	"gonum.org/v1/gonum/stat"
)

// PlaceboList is a list experiment with a third, placebo arm that
// measures artificial deflation (Frye et al. 2017, 2023; Hale 2018):
// respondents are randomized to the J control items, the control items
// plus the sensitive item, or the control items plus a placebo item of
// known prevalence (near-universal, such as "watched television this
// week", or near-zero).
type PlaceboList struct {
	// Control, Sensitive and Placebo are the counts reported in each arm.
	Control, Sensitive, Placebo []float64
	// J is the number of control items.
	J int
	// Prevalence is the known prevalence π_P of the placebo item, in
	// [0, 1].
	Prevalence float64
	// PrevalenceSE is the standard error of π_P when it is itself
	// estimated (e.g. from a direct question elsewhere); 0 if known.
	PrevalenceSE float64
}

// PlaceboResult is the result of [PlaceboList.Estimate].
type PlaceboResult struct {
	// DiM is the uncorrected difference in means Ȳ₁ − Ȳ₀ (Neyman SE).
	DiM adjust.Estimate
	// Deflation is Δ̂ = π_P − (Ȳ_P − Ȳ₀), how much a longer list lowers
	// the reported count.
	Deflation adjust.Estimate
	// Corrected is π̂_adj = τ̂ + Δ̂ = Ȳ₁ − Ȳ_P + π_P.
	Corrected adjust.Estimate
}

// Estimate corrects the difference in means for artificial deflation:
//
//	deflation:  Δ̂ = π_P − (Ȳ_P − Ȳ₀),          Var = s_P²/n_P + s₀²/n₀ + SE(π_P)²
//	corrected:  π̂_adj = τ̂ + Δ̂ = Ȳ₁ − Ȳ_P + π_P, Var = s₁²/n₁ + s_P²/n_P + SE(π_P)²
//
// The control arm cancels out of the corrected estimate. The correction
// assumes that the sensitive and the placebo item deflate counts equally,
// which cannot be tested: report DiM and Corrected side by side.
//
// Errors wrap [ErrValue] (J < 1, π_P outside [0, 1], a negative SE),
// [ErrCountRange] (counts outside 0..J in control, 0..J+1 otherwise) and
// [ErrGroupSize] (an arm with fewer than two respondents).
func (p *PlaceboList) Estimate() (PlaceboResult, error) {
	if p.J < 1 {
		return PlaceboResult{}, fmt.Errorf("sensitive: placebo list: %w: J = %d, need ≥ 1", ErrValue, p.J)
	}
	if !(p.Prevalence >= 0 && p.Prevalence <= 1) {
		return PlaceboResult{}, fmt.Errorf("sensitive: placebo list: %w: placebo prevalence %v outside [0, 1]", ErrValue, p.Prevalence)
	}
	if !(p.PrevalenceSE >= 0) || math.IsInf(p.PrevalenceSE, 1) {
		return PlaceboResult{}, fmt.Errorf("sensitive: placebo list: %w: placebo prevalence SE %v", ErrValue, p.PrevalenceSE)
	}
	type arm struct {
		name string
		y    []float64
		top  int
	}
	var mean, vn [3]float64
	for k, a := range []arm{{"control", p.Control, p.J}, {"sensitive", p.Sensitive, p.J + 1}, {"placebo", p.Placebo, p.J + 1}} {
		if len(a.y) < 2 {
			return PlaceboResult{}, fmt.Errorf("sensitive: placebo list: %w: %d respondents in the %s arm, need ≥ 2", ErrGroupSize, len(a.y), a.name)
		}
		for i, y := range a.y {
			if !(y >= 0 && y <= float64(a.top)) || y != math.Trunc(y) {
				return PlaceboResult{}, fmt.Errorf("sensitive: placebo list: %s respondent %d: %w: count %v not an integer in 0..%d", a.name, i, ErrCountRange, y, a.top)
			}
		}
		m, v := stat.MeanVariance(a.y, nil)
		mean[k], vn[k] = m, v/float64(len(a.y))
	}
	v0, v1, vP := vn[0], vn[1], vn[2]
	sp2 := p.PrevalenceSE * p.PrevalenceSE
	return PlaceboResult{
		DiM:       adjust.Estimate{Value: mean[1] - mean[0], SE: math.Sqrt(v1 + v0)},
		Deflation: adjust.Estimate{Value: p.Prevalence - (mean[2] - mean[0]), SE: math.Sqrt(vP + v0 + sp2)},
		Corrected: adjust.Estimate{Value: mean[1] - mean[2] + p.Prevalence, SE: math.Sqrt(v1 + vP + sp2)},
	}, nil
}
