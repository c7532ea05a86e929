package sensitive

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// olsFit is an ordinary least-squares fit.
type olsFit struct {
	coef  []float64 // NaN for aliased columns, as R's lm reports NA
	resid []float64
	kept  []int // columns used
}

// fitOLS regresses y on the columns of x (row-major n×p) by QR, dropping
// a column that is linearly dependent on the columns before it (residual
// norm below 1e-7 of its own norm, R's lm tolerance), so that aliased
// dummies in a subset behave as in R: the coefficient is NaN and the
// others are unaffected.
func fitOLS(x []float64, n, p int, y []float64) (*olsFit, error) {
	if n == 0 {
		return nil, ErrEmpty
	}
	// Gram–Schmidt screen for aliased columns, in column order.
	var basis [][]float64
	var kept []int
	for j := 0; j < p; j++ {
		col := make([]float64, n)
		var norm0 float64
		for i := 0; i < n; i++ {
			col[i] = x[i*p+j]
			norm0 += col[i] * col[i]
		}
		if norm0 == 0 {
			continue
		}
		for _, b := range basis {
			var d float64
			for i := range col {
				d += col[i] * b[i]
			}
			for i := range col {
				col[i] -= d * b[i]
			}
		}
		var norm float64
		for _, v := range col {
			norm += v * v
		}
		if math.Sqrt(norm) < 1e-7*math.Sqrt(norm0) {
			continue
		}
		inv := 1 / math.Sqrt(norm)
		for i := range col {
			col[i] *= inv
		}
		basis = append(basis, col)
		kept = append(kept, j)
	}
	k := len(kept)
	if k == 0 || k > n {
		return nil, fmt.Errorf("%w: %d usable columns for %d rows", ErrSingular, k, n)
	}
	xk := mat.NewDense(n, k, nil)
	for i := 0; i < n; i++ {
		for a, j := range kept {
			xk.Set(i, a, x[i*p+j])
		}
	}
	var qr mat.QR
	qr.Factorize(xk)
	var beta mat.Dense
	if err := qr.SolveTo(&beta, false, mat.NewDense(n, 1, append([]float64(nil), y...))); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSingular, err)
	}
	fit := &olsFit{coef: make([]float64, p), resid: make([]float64, n), kept: kept}
	for j := range fit.coef {
		fit.coef[j] = math.NaN()
	}
	for a, j := range kept {
		fit.coef[j] = beta.At(a, 0)
	}
	for i := 0; i < n; i++ {
		var f float64
		for a, j := range kept {
			f += x[i*p+j] * beta.At(a, 0)
		}
		fit.resid[i] = y[i] - f
	}
	return fit, nil
}
