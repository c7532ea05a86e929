// Package sensitive estimates how many people hold an opinion they may not
// admit to a pollster, from questions asked indirectly: list experiments
// (the item count technique) and randomized response. Package adjust turns
// such an estimate into a correction of published polls.
//
// # From respondents to a corrected poll
//
// You ran a list experiment, or a randomized-response survey, beside the
// direct question:
//
//  1. Read the respondents. [ReadRespondents] reads R-style CSV (NA for
//     missing, TRUE/FALSE logicals, factors expanded to dummies), returns
//     every good row and reports every bad one as a *poll.ParseError with
//     line and column; [Respondents.Complete] applies R's complete-case
//     rule explicitly, and [Respondents.ListExperiment] hands the counts,
//     arms, direct answers, weights and covariates to the estimators as a
//     [ListExperiment]. Randomized-response answers are a slice of 0/1.
//  2. Estimate the prevalence. Start with [DiffInMeans] and run
//     [DesignTest] before trusting any list estimate; [ListML] is more
//     efficient and takes covariates, [ListLM] is the linear alternative.
//     For randomized response, [RandomizedResponse.Estimate], or [RRReg]
//     with covariates.
//  3. Compare with the direct question. [Combined] reports the direct
//     share beside its own estimate; an [adjust.Falsification] of the
//     two gives the gap, the ratio, Kuran's falsification rate and the logit
//     shift, with delta-method standard errors. When the same people
//     answered both, give it the covariance of the two estimates
//     (bootstrap it, as examples/listexp does).
//  4. Feed the gap to the polls: an [adjust.GapCorrection] in an
//     [adjust.Chain] corrects every poll and carries the gap's calibration error into the
//     aggregate models' intervals as a shared variance.
//
// The package example walks through the four steps.
//
// # Conventions
//
// The estimators of list experiments and the two regressions are value
// structs whose zero value is the documented default, with a Fit method
// that takes the data (and a context when it iterates): [DiffInMeans],
// [WeightedDiffInMeans], [ListLM], [ListML], [DesignTest], [Combined],
// [RRReg] and [Logistic] (for those without settings, the zero value is
// the estimator). A design whose estimator is a closed form with nothing
// to set carries it as a method: [RandomizedResponse.Estimate],
// [DoubleList.Estimate], [PlaceboList.Estimate].
//
// Estimates are [adjust.Estimate] values (value and standard error) on
// the proportion scale, never truncated to [0, 1]: an impossible value is
// evidence (of a design effect, or of noise) that a reader should see.
// Errors wrap the sentinels of this package (errors.go); [ErrEmpty],
// [ErrValue] and [ErrProbability] are adjust's own. Nothing here keeps
// state between calls: estimators are safe for concurrent use, and the one
// simulation (the design test's chi-bar-square weights for four or more
// moments) is seeded.
//
// # List experiments
//
// A random half of respondents (the control group) is asked how many of J
// innocuous items apply to them; the other half gets the same list plus
// the sensitive item (Miller 1984). Nobody reveals their own answer, yet
// under randomization, no design effect (adding the item does not change
// answers to the others) and no liars, the difference in mean counts is
// the prevalence of the sensitive item.
//
//   - [DiffInMeans]: τ̂ = Ȳ₁ − Ȳ₀ with the HC3 standard error
//     √(s₁²/(n₁ − 1) + s₀²/(n₀ − 1)) that the R package list reports for
//     ictreg(method = "lm"), or the classical Neyman √(s₁²/n₁ + s₀²/n₀)
//     and HC0/HC1 ([VarianceKind]); [WeightedDiffInMeans] is the
//     survey-weighted version with a linearization variance.
//   - [ListLM]: the covariate-adjusted linear model
//     Y = x̃ᵀγ + T·x̃ᵀβ + ε with HC3 standard errors (ictreg's "lm").
//   - [ListML]: the maximum-likelihood estimator of Imai (2011),
//     Z | x ~ Bernoulli(expit(xᵀδ)), Y(0) | x ~ Binomial(J, expit(xᵀψ)),
//     fitted by EM and Newton steps with standard errors from the observed
//     information; far more efficient than the difference in means, and
//     more sensitive to design effects. The unconstrained variant lets the
//     control items depend on the sensitive trait, and [NewConstraintTest]
//     compares the two fits by likelihood ratio. [Logistic] is the
//     weighted logistic regression (Newton/IRLS, fractional outcomes) its
//     M-steps use.
//   - [DesignTest]: the test for design effects of Blair & Imai (2012):
//     the type proportions π(y, z) = P(Y(0) = y, Z = z) must all be
//     non-negative; generalized moment selection (Andrews & Soares 2010),
//     a Welch t-test or a chi-bar-square test per family (Kudô 1963;
//     Shapiro 1988), Bonferroni-corrected, following ict.test including its
//     conventions.
//   - [Combined]: the combined list + direct estimator of Aronow, Coppock,
//     Crawford & Green (2015), μ̂ = d̄ + (1 − d̄)·β̂₀ with β̂₀ the list
//     estimate among those who deny the item directly, plus its two
//     placebo tests. It assumes that nobody falsely confesses: for approval
//     in Russia, code disapproval as the sensitive answer.
//
// [DoubleList] is the double list experiment (Droitcour et al. 1991;
// Glynn 2013), τ̂ = (Δ̄₁ − Δ̄₂)/2 with Δ = Y_A − Y_B, and [PlaceboList]
// corrects the difference in means for artificial deflation with a
// placebo arm of known prevalence (Frye et al. 2017), π̂ = Ȳ₁ − Ȳ_P + π_P.
//
// On the data sets shipped with the R package list (Blair, Chou & Imai,
// version 9.2.6) these estimators agree with R: every number printed by
// the combinedListDirect vignette and the printed rows of the ict.test
// example exactly; the difference in means, the lm fit (lm + sandwich
// HC3), the rest of the ict.test table and p-values (the package's
// algorithm run in R) to 1e-8; the constrained and unconstrained ML fits
// (the same likelihood maximized by R's optim) to 5e-4. The tests say
// where each reference value comes from; those that need the GPL data sets
// themselves run only when CANDOR_SENSITIVE_DATA names a copy.
//
// # Randomized response
//
// [RandomizedResponse] covers the designs in which the probability of an
// observed "yes" is linear in the hidden prevalence π, λ = c·π + d:
//
//	forced response (Boruch 1971)        c = p,        d = p₁
//	mirrored question, disguised, Warner  c = 2p − 1,   d = 1 − p      (p ≠ ½)
//	unrelated question, known q           c = p,        d = (1 − p)q
//	crosswise (Yu, Tian & Tang 2008)      c = 2q − 1,   d = 1 − q      (q ≠ ½)
//
// The moment estimator is π̂ = (λ̂ − d)/c with SE √(λ̂(1 − λ̂)/n)/|c|; the
// unrelated question with unknown q uses two subsamples (Greenberg et al.
// 1969; [RandomizedResponse.EstimateTwoSample]), and
// [RandomizedResponse.Power] is the power of the one-sample test as R's
// rr computes it. [RRReg] is the logistic regression of Blair, Imai & Zhou
// (2015), π(x) = expit(xᵀβ), fitted by EM and Newton with
// outer-product-of-gradients standard errors (Berndt et al. 1974) as the R
// package rr reports them; on rr's Nigeria example it reproduces the
// printed coefficients and SEs to 5e-4.
//
// # References
//
// Andrews, D. W. K. & Soares, G. (2010). Inference for parameters defined
// by moment inequalities using generalized moment selection. Econometrica
// 78(1).
//
// Aronow, P. M., Coppock, A., Crawford, F. W. & Green, D. P. (2015).
// Combining list experiment and direct question estimates of sensitive
// behavior prevalence. Journal of Survey Statistics and Methodology 3(1).
//
// Berndt, E. K., Hall, B. H., Hall, R. E. & Hausman, J. A. (1974).
// Estimation and inference in nonlinear structural models. Annals of
// Economic and Social Measurement 3(4).
//
// Blair, G. & Imai, K. (2012). Statistical analysis of list experiments.
// Political Analysis 20(1).
//
// Blair, G., Chou, W. & Imai, K. (2019). list: Statistical methods for the
// item count technique and list experiment. R package, version 9.2.6.
//
// Blair, G., Imai, K. & Zhou, Y.-Y. (2015). Design and analysis of the
// randomized response technique. Journal of the American Statistical
// Association 110(511).
//
// Blair, G., Zhou, Y.-Y. & Imai, K. rr: Statistical methods for the
// randomized response technique. R package, version 1.4.2.
//
// Boruch, R. F. (1971). Assuring confidentiality of responses in social
// research: a note on strategies. The American Sociologist 6(4).
//
// Droitcour, J. et al. (1991). The item count technique as a method of
// indirect questioning. In Measurement Errors in Surveys, Wiley.
//
// Frye, T., Gehlbach, S., Marquardt, K. L. & Reuter, O. J. (2017). Is
// Putin's popularity real? Post-Soviet Affairs 33(1).
//
// Glynn, A. N. (2013). What can we learn with statistical truth serum?
// Public Opinion Quarterly 77(S1).
//
// Greenberg, B. G., Abul-Ela, A.-L. A., Simmons, W. R. & Horvitz, D. G.
// (1969). The unrelated question randomized response model: theoretical
// framework. Journal of the American Statistical Association 64(326).
//
// Imai, K. (2011). Multivariate regression analysis for the item count
// technique. Journal of the American Statistical Association 106(494).
//
// Kudô, A. (1963). A multivariate analogue of the one-sided test.
// Biometrika 50(3/4).
//
// MacKinnon, J. G. & White, H. (1985). Some heteroskedasticity-consistent
// covariance matrix estimators with improved finite sample properties.
// Journal of Econometrics 29(3).
//
// Miller, J. D. (1984). A new survey technique for studying deviant
// behavior. PhD thesis, George Washington University.
//
// Shapiro, A. (1988). Towards a unified theory of inequality constrained
// testing in multivariate analysis. International Statistical Review
// 56(1).
//
// Warner, S. L. (1965). Randomized response: a survey technique for
// eliminating evasive answer bias. Journal of the American Statistical
// Association 60(309).
//
// Yu, J.-W., Tian, G.-L. & Tang, M.-L. (2008). Two new models for survey
// sampling with sensitive characteristic: design and analysis. Metrika
// 67(3).
package sensitive
