package sensitive

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// The maximum-likelihood fits of this package (Logistic, ListML's
// polish, RRReg) take Newton steps guarded by one line search.

// halvingStep takes a Newton step from beta, halving it (t = 1, ½, ¼, …,
// at most 30 times) until the log-likelihood at beta + t·step is no lower
// than ll, to a relative 1e-12: step halving guards Newton's method against
// overshooting from a poor start. The last point tried is left in trial
// (after 30 halvings it is returned even if ll fell; callers that must not
// accept a fall check llNew). It also returns the largest coordinate
// change and the largest |trial| coordinate, for the caller's relative
// convergence test.
func halvingStep(beta []float64, step *mat.VecDense, trial []float64, ll float64, logLik func([]float64) float64) (llNew, maxStep, maxBeta float64) {
	t := 1.0
	for h := 0; ; h++ {
		for j := range trial {
			trial[j] = beta[j] + t*step.AtVec(j)
		}
		llNew = logLik(trial)
		if llNew >= ll-1e-12*math.Abs(ll) || h == 30 {
			break
		}
		t /= 2
	}
	for j := range beta {
		maxStep = math.Max(maxStep, math.Abs(trial[j]-beta[j]))
		maxBeta = math.Max(maxBeta, math.Abs(trial[j]))
	}
	return llNew, maxStep, maxBeta
}
