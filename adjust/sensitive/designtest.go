package sensitive

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/candorpoll/candor/adjust"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// TypeProportion is the estimated population share of one respondent
// type: latent control count Y(0) = Y and sensitive answer Z.
type TypeProportion struct {
	Y, Z     int
	Estimate adjust.Estimate
}

// DesignTestResult is the result of [DesignTest].
type DesignTestResult struct {
	// Proportions are π̂(y, 1) for y = 0..J followed by π̂(y, 0) for
	// y = 0..J, the table ict.test prints.
	Proportions []TypeProportion
	// PValue is the Bonferroni-corrected p-value of the null hypothesis of
	// no design effect: min(1, 2·min(p₁, p₀)), or min(1, 2·p) when only
	// one family has moments left, or 1 when none has.
	PValue float64
	// P1 and P0 are the uncorrected p-values of the Z = 1 and Z = 0
	// families (NaN when the family has no moment left).
	P1, P0 float64
	// Moments1 and Moments0 are the numbers of moments each family kept
	// after moment selection.
	Moments1, Moments0 int
}

// String formats the table and p-value like ict.test's printout.
func (d DesignTestResult) String() string {
	var b strings.Builder
	b.WriteString("Test for list experiment design effects (Blair & Imai 2012)\n")
	b.WriteString("type                       est.     s.e.\n")
	for _, p := range d.Proportions {
		fmt.Fprintf(&b, "pi(Y(0) = %d, Z = %d)  %9.4f %8.4f\n", p.Y, p.Z, p.Estimate.Value, p.Estimate.SE)
	}
	fmt.Fprintf(&b, "Bonferroni-corrected p-value: %.4g\n", d.PValue)
	return b.String()
}

// MomentSelection says which moments [DesignTest] drops before testing.
type MomentSelection uint8

const (
	// GMS is generalized moment selection (Andrews & Soares 2010), ict.test's
	// gms = TRUE and the default: a moment is dropped when it is exactly 0
	// or clearly positive, √n·π̂/sd > √(log n).
	GMS MomentSelection = iota
	// ZerosOnly drops only the moments estimated exactly 0 (ict.test's
	// gms = FALSE).
	ZerosOnly
)

// String returns "GMS" or "zeros only".
func (s MomentSelection) String() string {
	switch s {
	case GMS:
		return "GMS"
	case ZerosOnly:
		return "zeros only"
	}
	return fmt.Sprintf("MomentSelection(%d)", uint8(s))
}

// DesignTest is the test for design effects of Blair & Imai (2012, §2.4),
// the R function ict.test. The zero value is ict.test's default
// (generalized moment selection) with 20,000 Monte Carlo draws from seed 0.
//
// The null hypothesis is that adding the sensitive item does not change
// answers to the control items (no design effect). With empirical CDFs
// F_t(y) = mean(1{Y ≤ y} | T = t) and F₀(−1) = 0, no design effect and no
// liars imply that the type proportions
//
//	π(y, 1) = P(Y(0) = y, Z = 1) = F₀(y) − F₁(y)
//	π(y, 0) = P(Y(0) = y, Z = 0) = F₁(y) − F₀(y − 1)
//
// are all non-negative. Their estimates have standard errors
// √(F₁(a)(1 − F₁(a))/n₁ + F₀(b)(1 − F₀(b))/n₀) (b = a for Z = 1,
// b = a − 1 for Z = 0) and the corresponding multinomial covariances.
//
// The test follows ict.test exactly, including its conventions:
//
//  1. Moments: π̂(0..J−1, 1) and π̂(1..J, 0) (the others are ≥ 0 by
//     construction).
//  2. Moment selection ([GMS]; Andrews & Soares 2010): a moment is
//     dropped when it is exactly 0 or when √n·π̂/sd > √(log n). As in the
//     package, n is the total sample size and sd is the sample standard
//     deviation of the vector of that family's J estimates, not the
//     moment's own standard error (a quirk that is replicated so that
//     results match). With J = 1 that sd is undefined and only exact zeros
//     are dropped.
//  3. One moment left: the one-sided Welch two-sample t-test p-value
//     (H₁: π < 0) on the indicator variables, as t.test(…, alternative =
//     "less"). Two or more: λ = min_{π ≥ 0} (π̂ − π)ᵀΣ̂⁻¹(π̂ − π) and the
//     chi-bar-square p-value Σₖ wₖ P(χ²ₖ > λ) (Kudô 1963; Shapiro 1988),
//     with P(χ²₀ > 0) counted as 1 as R's pchisq does (so λ = 0 gives
//     p = 1). The weights are in closed form for two and three moments (as
//     in the package); for four or more this implementation estimates
//     them by Monte Carlo as the shares of projected N(0, Σ̂) draws with
//     k active constraints (the package uses an ad hoc formula for exactly
//     four moments, which this does not replicate).
//  4. Bonferroni: PValue = min(1, 2·min(p₁, p₀)).
//
// The test is unweighted (the experiment's Weight is ignored), as in
// ict.test.
type DesignTest struct {
	// Selection is the moment selection; the zero value is [GMS].
	Selection MomentSelection
	// Draws is the number of Monte Carlo draws for the chi-bar-square
	// weights when a family keeps four or more moments (J ≥ 4); 0 means
	// 20,000 (Monte Carlo error of a weight ≤ 0.004).
	Draws int
	// Seed seeds those draws (PCG); the same seed gives the same p-value.
	// 0 is a seed like any other.
	Seed uint64
}

// Fit estimates the type proportions of le and tests them. Errors: those
// of the data checks, [ErrValue] for an unknown Selection and
// [ErrSingular] when the covariance of the kept moments is singular.
func (s DesignTest) Fit(le *ListExperiment) (DesignTestResult, error) {
	n1, n0, err := le.validate()
	if err != nil {
		return DesignTestResult{}, err
	}
	if s.Selection != GMS && s.Selection != ZerosOnly {
		return DesignTestResult{}, fmt.Errorf("sensitive: design test: %w: unknown moment selection %v", ErrValue, s.Selection)
	}
	J := le.J
	// Empirical CDFs: f1[y], f0[y] for y = -1..J+1 at index y+1.
	f1 := make([]float64, J+3)
	f0 := make([]float64, J+3)
	for i, y := range le.Y {
		k := int(y)
		if le.Treat[i] {
			f1[k+1]++
		} else {
			f0[k+1]++
		}
	}
	for k := 1; k < len(f1); k++ {
		f1[k] += f1[k-1]
		f0[k] += f0[k-1]
	}
	for k := range f1 {
		f1[k] /= float64(n1)
		f0[k] /= float64(n0)
	}
	F1 := func(y int) float64 { return f1[y+1] }
	F0 := func(y int) float64 { return f0[y+1] }
	N1, N0 := float64(n1), float64(n0)
	// cdfCov(F, a, b, n) = Cov(F̂(a), F̂(b)) for a ≤ b.
	cdfCov := func(F func(int) float64, a, b int, n float64) float64 {
		if a > b {
			a, b = b, a
		}
		return F(a) * (1 - F(b)) / n
	}

	res := DesignTestResult{P1: math.NaN(), P0: math.NaN()}
	for z := 1; z >= 0; z-- {
		for y := 0; y <= J; y++ {
			var e adjust.Estimate
			if z == 1 {
				e.Value = F0(y) - F1(y)
				e.SE = math.Sqrt(cdfCov(F1, y, y, N1) + cdfCov(F0, y, y, N0))
			} else {
				e.Value = F1(y) - F0(y-1)
				e.SE = math.Sqrt(cdfCov(F1, y, y, N1) + cdfCov(F0, y-1, y-1, N0))
			}
			res.Proportions = append(res.Proportions, TypeProportion{Y: y, Z: z, Estimate: e})
		}
	}

	n := float64(n1 + n0)
	rng := rand.New(rand.NewPCG(s.Seed, 0x9e3779b97f4a7c15))
	draws := s.Draws
	if draws <= 0 {
		draws = 20000
	}
	for _, z := range []int{1, 0} {
		// Moment y-values for this family and their estimates.
		ys := make([]int, J)
		est := make([]float64, J)
		for j := 0; j < J; j++ {
			if z == 1 {
				ys[j] = j
				est[j] = F0(j) - F1(j)
			} else {
				ys[j] = j + 1
				est[j] = F1(j+1) - F0(j)
			}
		}
		sd := stat.StdDev(est, nil) // n − 1, as R's sd

		var keep []int
		for j, v := range est {
			drop := v == 0
			if s.Selection == GMS && J > 1 && math.Sqrt(n)*v/sd > math.Sqrt(math.Log(n)) {
				drop = true
			}
			if !drop {
				keep = append(keep, j)
			}
		}
		m := len(keep)
		var p float64
		switch {
		case m == 0:
			p = math.NaN()
		case m == 1:
			y := ys[keep[0]]
			if z == 1 {
				// 1{Y ≤ y} in control against treated.
				p = welchLess(F0(y), N0, F1(y), N1)
			} else {
				// 1{Y ≤ y} in treated against 1{Y ≤ y − 1} in control.
				p = welchLess(F1(y), N1, F0(y-1), N0)
			}
		default:
			cov := mat.NewSymDense(m, nil)
			for a := 0; a < m; a++ {
				for b := a; b < m; b++ {
					ya, yb := ys[keep[a]], ys[keep[b]]
					var c float64
					if z == 1 {
						c = cdfCov(F1, ya, yb, N1) + cdfCov(F0, ya, yb, N0)
					} else {
						c = cdfCov(F1, ya, yb, N1) + cdfCov(F0, ya-1, yb-1, N0)
					}
					cov.SetSym(a, b, c)
				}
			}
			x := make([]float64, m)
			for a, j := range keep {
				x[a] = est[j]
			}
			p, err = chiBarPValue(x, cov, draws, rng)
			if err != nil {
				return res, fmt.Errorf("sensitive: design test: Z = %d family: %w", z, err)
			}
		}
		if z == 1 {
			res.P1, res.Moments1 = p, m
		} else {
			res.P0, res.Moments0 = p, m
		}
	}
	switch {
	case math.IsNaN(res.P1) && math.IsNaN(res.P0):
		res.PValue = 1
	case math.IsNaN(res.P1):
		res.PValue = math.Min(1, 2*res.P0)
	case math.IsNaN(res.P0):
		res.PValue = math.Min(1, 2*res.P1)
	default:
		res.PValue = math.Min(1, 2*math.Min(res.P1, res.P0))
	}
	return res, nil
}

// welchLess is the p-value of Welch's two-sample t-test of H₁: μ_a < μ_b
// for two samples of 0/1 indicators with means pa, pb and sizes na, nb
// (sample variances p(1 − p)·n/(n − 1)). It is NaN when both variances are
// zero, where R's t.test fails ("data are essentially constant").
func welchLess(pa, na, pb, nb float64) float64 {
	va := pa * (1 - pa) * na / (na - 1)
	vb := pb * (1 - pb) * nb / (nb - 1)
	sa, sb := va/na, vb/nb
	se := math.Sqrt(sa + sb)
	if se == 0 {
		return math.NaN()
	}
	t := (pa - pb) / se
	df := (sa + sb) * (sa + sb) / (sa*sa/(na-1) + sb*sb/(nb-1))
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.CDF(t)
}

// chiBarPValue returns the p-value of the test of H₀: π ≥ 0 against an
// unrestricted alternative from the estimate x with covariance cov:
// λ = min_{π ≥ 0} (x − π)ᵀΣ⁻¹(x − π) and p = Σₖ wₖ P(χ²ₖ > λ).
func chiBarPValue(x []float64, cov *mat.SymDense, draws int, rng *rand.Rand) (float64, error) {
	m := len(x)
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		return math.NaN(), fmt.Errorf("%w: covariance of the type proportions is not positive definite", ErrSingular)
	}
	var prec mat.SymDense
	if err := ch.InverseTo(&prec); err != nil {
		return math.NaN(), fmt.Errorf("%w: %v", ErrSingular, err)
	}
	orth := newOrthant(&prec)
	lambda, _ := orth.project(x)
	var w []float64
	if m <= 3 {
		w = chiBarWeightsClosed(cov)
	} else {
		w = chiBarWeightsMC(&ch, orth, draws, rng)
	}
	var p float64
	for k, wk := range w {
		if k == 0 {
			if lambda <= 0 {
				p += wk
			}
			continue
		}
		p += wk * distuv.ChiSquared{K: float64(k)}.Survival(lambda)
	}
	return p, nil
}

// chiBarWeightsClosed returns the chi-bar-square weights w₀..w_m for two
// or three moments in closed form from their correlations (Kudô 1963), as
// ict.test computes them.
func chiBarWeightsClosed(cov *mat.SymDense) []float64 {
	m := cov.SymmetricDim()
	w := make([]float64, m+1)
	corr := func(a, b int) float64 {
		return cov.At(a, b) / math.Sqrt(cov.At(a, a)*cov.At(b, b))
	}
	switch m {
	case 2:
		r := math.Acos(corr(0, 1))
		w[2] = r / (2 * math.Pi)
		w[1] = 0.5
		w[0] = 0.5 - r/(2*math.Pi)
	case 3:
		r12, r13, r23 := corr(0, 1), corr(0, 2), corr(1, 2)
		p12 := (r12 - r13*r23) / math.Sqrt((1-r13*r13)*(1-r23*r23))
		p13 := (r13 - r12*r23) / math.Sqrt((1-r12*r12)*(1-r23*r23))
		p23 := (r23 - r12*r13) / math.Sqrt((1-r12*r12)*(1-r13*r13))
		w[0] = (2*math.Pi - math.Acos(r12) - math.Acos(r13) - math.Acos(r23)) / (4 * math.Pi)
		w[1] = (3*math.Pi - math.Acos(p12) - math.Acos(p13) - math.Acos(p23)) / (4 * math.Pi)
		w[2] = 0.5 - w[0]
		w[3] = 0.5 - w[1]
	default:
		panic("sensitive: closed-form chi-bar-square weights need 2 or 3 moments")
	}
	return w
}

// chiBarWeightsMC estimates the chi-bar-square weights by simulation:
// wₖ = P(k constraints active at the projection of N(0, Σ) onto the
// non-negative orthant in the Σ⁻¹ metric) (Shapiro 1988). ch is the
// Cholesky factorization of Σ and orth the projection in the metric of its
// inverse.
func chiBarWeightsMC(ch *mat.Cholesky, orth *orthant, draws int, rng *rand.Rand) []float64 {
	m := ch.SymmetricDim()
	w := make([]float64, m+1)
	var lower mat.TriDense
	ch.LTo(&lower)
	z := mat.NewVecDense(m, nil)
	d := mat.NewVecDense(m, nil)
	draw := make([]float64, m)
	for i := 0; i < draws; i++ {
		for j := 0; j < m; j++ {
			z.SetVec(j, rng.NormFloat64())
		}
		d.MulVec(&lower, z)
		copy(draw, d.RawVector().Data)
		_, active := orth.project(draw)
		w[active]++
	}
	for k := range w {
		w[k] /= float64(draws)
	}
	return w
}

// orthant projects onto the non-negative orthant in the metric of a
// positive definite P: λ(x) = min_{π ≥ 0} (x − π)ᵀP(x − π), with the
// number of active constraints (πⱼ = 0) at the minimizer. It enumerates
// active sets, which is exact and fast for the handful of moments a list
// experiment has: for active set A the free coordinates F solve
// P_FF(π_F − x_F) = P_FA x_A, and the minimizer is the feasible candidate
// with the smallest objective (the problem is convex, so the feasible KKT
// point is the global minimum). The solutions are linear in x with
// coefficients that depend on P only, so newOrthant factorizes every P_FF
// once and a projection (one per Monte Carlo draw) costs a matrix-vector
// product per active set.
type orthant struct {
	p    *mat.SymDense
	sets []activeSet
	pi   []float64     // workspace: the candidate π
	diff *mat.VecDense // workspace: x − π
}

// activeSet is one active set A with its free coordinates F and
// K = P_FF⁻¹P_FA, so that π_F = x_F + K·x_A.
type activeSet struct {
	free, active []int
	k            *mat.Dense    // nil when F or A is empty
	xa, step     *mat.VecDense // workspaces for x_A and K·x_A
	singular     bool          // P_FF not numerically positive definite: skipped
}

func newOrthant(p *mat.SymDense) *orthant {
	m := p.SymmetricDim()
	o := &orthant{p: p, pi: make([]float64, m), diff: mat.NewVecDense(m, nil)}
	for mask := 0; mask < 1<<m; mask++ {
		var s activeSet
		for j := 0; j < m; j++ {
			if mask&(1<<j) == 0 {
				s.free = append(s.free, j)
			} else {
				s.active = append(s.active, j)
			}
		}
		nf, na := len(s.free), len(s.active)
		if nf > 0 && na > 0 {
			pff := mat.NewSymDense(nf, nil)
			pfa := mat.NewDense(nf, na, nil)
			for r, fr := range s.free {
				for c := r; c < nf; c++ {
					pff.SetSym(r, c, p.At(fr, s.free[c]))
				}
				for c, ac := range s.active {
					pfa.Set(r, c, p.At(fr, ac))
				}
			}
			// P_FF is a principal submatrix of a positive definite matrix:
			// Cholesky fails only numerically. A mat.Condition error only
			// warns of ill-conditioning; the feasibility and objective
			// checks judge the candidate either way.
			var ch mat.Cholesky
			s.k = mat.NewDense(nf, na, nil)
			if !ch.Factorize(pff) {
				s.singular = true
			} else if err := ch.SolveTo(s.k, pfa); err != nil && !errors.As(err, new(mat.Condition)) {
				s.singular = true
			}
			s.xa, s.step = mat.NewVecDense(na, nil), mat.NewVecDense(nf, nil)
		}
		o.sets = append(o.sets, s)
	}
	return o
}

// project returns λ(x) and the number of active constraints at the
// minimizer. It uses the receiver's workspaces: one orthant per goroutine.
func (o *orthant) project(x []float64) (lambda float64, active int) {
	m := len(x)
	allPos := true
	for _, v := range x {
		if v < 0 {
			allPos = false
		}
	}
	if allPos {
		return 0, 0
	}
	best := math.Inf(1)
	bestActive := m
	for _, s := range o.sets {
		if s.singular {
			continue
		}
		for j := range o.pi {
			o.pi[j] = 0
		}
		feasible := true
		if s.k != nil {
			for c, ac := range s.active {
				s.xa.SetVec(c, x[ac])
			}
			s.step.MulVec(s.k, s.xa)
		}
		for r, fr := range s.free {
			o.pi[fr] = x[fr]
			if s.k != nil {
				o.pi[fr] += s.step.AtVec(r)
			}
			if o.pi[fr] < -1e-12 {
				feasible = false
				break
			}
		}
		if !feasible {
			continue
		}
		for j := range o.pi {
			o.diff.SetVec(j, x[j]-o.pi[j])
		}
		if q := mat.Inner(o.diff, o.p, o.diff); q < best-1e-15 {
			best = q
			bestActive = len(s.active)
		}
	}
	return best, bestActive
}
