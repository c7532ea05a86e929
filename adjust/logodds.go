package adjust

import "gonum.org/v1/gonum/stat/distuv"

// The log-odds scale of the corrections (GapCorrection's ScaleLogit,
// Nonresponse, the tilting model) is the standard logistic distribution's:
// expit is its CDF and logit its quantile. They are gonum's; these names
// only keep the formulas readable.

// expit is the logistic function 1/(1 + e^(−x)).
func expit(x float64) float64 { return distuv.Logistic{Mu: 0, S: 1}.CDF(x) }

// logit is log(p/(1 − p)).
func logit(p float64) float64 { return distuv.Logistic{Mu: 0, S: 1}.Quantile(p) }
