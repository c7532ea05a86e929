// Package adjust holds the corrections that act on one poll or one survey
// at a time, before any model over time: sampling error and design
// effects, non-sampling ("total survey") error, estimators for sensitive
// questions asked indirectly (list experiments, randomized response), and
// corrections of published shares for fear of answering, each carrying its
// own uncertainty.
//
// Shares are proportions in [0, 1] throughout this package; conversion to
// the percent points of package poll happens at its edges. Every estimator
// returns an [Estimate] (value and standard error) or a plain result
// struct of them; none truncates an estimate to [0, 1], because an
// impossible value is evidence (of a design effect, or of noise) that a
// reader should see.
//
// # Sampling error and design effects
//
// Under simple random sampling a share p̂ from n respondents has variance
// p(1 − p)/n. Russian pollsters weight and cluster their samples, so the
// variance is deff·p(1 − p)/n with a design effect deff > 1, i.e. an
// effective sample size n_eff = n/deff (Kish 1965). [Kish] computes the
// weighting part from respondent weights,
//
//	deff_w = n·Σwᵢ²/(Σwᵢ)² = 1 + CV²(w),   n_eff = (Σwᵢ)²/Σwᵢ²,
//
// and [poll.DesignEffectFromMargin] recovers the whole design effect from a
// pollster's stated margin of error m at level 1 − α for n and reference
// share p (Levada's "3.4 points at 50% for n = 1600" gives deff ≈ 1.9):
//
//	deff = n·(m/100)²/(z²·p(1 − p)).
//
// [ShareInterval] gives an interval for a share from n_eff (Korn &
// Graubard 1998): [Wilson] by default (closed form, near-nominal
// coverage), [Jeffreys] as the Bayesian alternative (Brown, Cai &
// DasGupta 2001), and [Wald] only because it is the Gaussian input the
// aggregation models consume.
//
// # Total survey error
//
// Polls scatter around the truth more than their sampling error implies.
// Shirani-Mehr, Rothschild, Goel & Gelman (2018) compared 4,221 US state
// polls from the last three weeks of Senate, governor and presidential
// races in 1998–2014 with the results: the root mean squared error was
// about 3.5 points, twice what the polls' own margins imply, and only
// 73% (Senate), 74% (governor) and 88% (president) of the polls held the
// result inside their nominal 95% interval. The excess standard deviation
// per poll was τ ≈ 1.9, 1.7 and 0.75 points, on top of a shared
// election-level bias of 1.2–2.3 points that averaging cannot remove.
// [TotalError] adds τ² to a poll's sampling variance,
//
//	Var_total = deff·p(1 − p)/n + τ²,
//
// and τ ≈ 1–2 points is a reasonable prior range for approval polls. For
// Russia there are no trustworthy election results to calibrate the shared
// bias, so intervals built this way exclude it; the aggregation models
// estimate τ from the dispersion of polls around their trend.
//
// # List experiments
//
// A random half of respondents (the control group) is asked how many of J
// innocuous items apply to them; the other half gets the same list plus
// the sensitive item (Miller 1984). Nobody reveals their own answer, yet
// under randomization, no design effect (adding the item does not change
// answers to the others) and no liars, the difference in mean counts is
// the prevalence of the sensitive item. [ListExperiment] holds the data;
// its methods are:
//
//   - [ListExperiment.DiffInMeans]: τ̂ = Ȳ₁ − Ȳ₀ with the HC3 standard error
//     √(s₁²/(n₁ − 1) + s₀²/(n₀ − 1)) that the R package list reports for
//     ictreg(method = "lm"); [ListExperiment.DiffInMeansSE] gives the
//     classical Neyman √(s₁²/n₁ + s₀²/n₀) and HC0/HC1;
//     [ListExperiment.WeightedDiffInMeans] the survey-weighted version, and
//     [ListExperiment.LM] the covariate-adjusted linear model
//     Y = x̃ᵀγ + T·x̃ᵀβ + ε with HC3 standard errors (ictreg's "lm").
//   - [ListExperiment.ML]: the maximum-likelihood estimator of Imai (2011),
//     Z | x ~ Bernoulli(expit(xᵀδ)), Y(0) | x ~ Binomial(J, expit(xᵀψ)),
//     fitted by EM and Newton steps with standard errors from the observed
//     information; far more efficient than the difference in means, and
//     more sensitive to design effects. The unconstrained variant lets
//     the control items depend on the sensitive trait, and
//     [ListExperiment.MLConstraintTest] compares the two by likelihood
//     ratio. [FitLogistic] is the weighted
//     logistic regression (Newton/IRLS, fractional outcomes) its M-steps
//     use.
//   - [ListExperiment.DesignTest]: the test for design effects of Blair &
//     Imai (2012): the type proportions π(y, z) = P(Y(0) = y, Z = z) must
//     all be non-negative; generalized moment selection, a Welch t-test or
//     a chi-bar-square test per family, Bonferroni-corrected, following
//     ict.test including its conventions.
//   - [ListExperiment.Combined]: the combined list + direct estimator of
//     Aronow, Coppock, Crawford & Green (2015), μ̂ = d̄ + (1 − d̄)·β̂₀ with β̂₀
//     the list estimate among those who deny the item directly, plus its
//     two placebo tests. It assumes that nobody falsely confesses: for
//     approval in Russia, code disapproval as the sensitive answer.
//
// [DoubleList] is the double list experiment (Droitcour et al. 1991;
// Glynn 2013), τ̂ = (Δ̄₁ − Δ̄₂)/2 with Δ = Y_A − Y_B, and [PlaceboList]
// corrects the difference in means for artificial deflation with a
// placebo arm of known prevalence (Frye et al. 2017), π̂ = Ȳ₁ − Ȳ_P + π_P.
//
// Respondent-level data come from slices or from CSV through
// [ReadRespondents], which reads R-style files (NA for missing,
// TRUE/FALSE logicals), returns every good row and reports every bad one
// as a *poll.ParseError with line and column; [Respondents.Complete]
// applies R's complete-case rule explicitly.
//
// On the data sets shipped with the R package list (Blair, Chou & Imai,
// version 9.2.6) these estimators agree with R: every number printed by
// the combinedListDirect vignette and the printed rows of the ict.test
// example exactly; the difference in means, the lm fit (lm + sandwich
// HC3), the rest of the ict.test table and p-values (the package's
// algorithm run in R) to 1e-8; the constrained and unconstrained ML fits
// (the same likelihood maximized by R's optim) to 5e-4. The tests say
// where each reference value comes from.
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
// unrelated question with unknown q uses two subsamples
// ([RandomizedResponse.EstimateTwoSample]). [RRReg] is the logistic
// regression of Blair, Imai & Zhou (2015), π(x) = expit(xᵀβ), fitted by EM
// and Newton with outer-product-of-gradients standard errors as the R
// package rr reports them; on rr's Nigeria example it reproduces the
// printed coefficients and SEs to 5e-4.
//
// # Fear of response: from evidence to corrections
//
// A direct/indirect pair ([Falsification]: direct share D, list or RR
// estimate L) gives the gap G = D − L, the ratio R = L/D, the share of
// stated supporters who falsify φ = 1 − R, Kuran's (1995) falsification
// rate among private opponents f = (D − L)/(1 − L) and the logit shift
// κ = logit D − logit L, each with a delta-method SE. "Hard to say" and
// refusals are bounded without assumptions by Manski's worst case
// [a, a + m] with the Imbens–Manski (2004) interval ([Shares.Manski]),
// under monotone selection by [a, p] ([Shares.Monotone]), and modelled by
// exponential tilting θ(γ) = a + m·expit(logit p + γ) ([Shares.Tilt]),
// with γ* calibrated to a list estimate ([Shares.CalibrateTilt]).
// Differential unit nonresponse ([Nonresponse]) corrects
// p = expit(logit p_obs + log κ) with κ = r_d/r_a, the response rate of
// disapprovers relative to approvers.
//
// # Corrections of published polls and their uncertainty
//
// A [Correction] turns such evidence into a change of a poll's shares:
// [GapCorrection] (on the logit, additive, ratio or Kuran scale),
// [Nonresponse], [UndecidedTilt], and [Segmented] to use different
// evidence by period (before/after 24 February 2022) and mode. A [Chain]
// applies corrections to copies of the polls and appends each step to
// the poll's Adjustments audit trail with the variance its own
// uncertainty adds. That calibration error is shared: it does not average
// out across polls ([SharedVariance], [SharedCovariance]); the poll's own
// sampling error is carried through the corrections by the delta method
// ([SamplingVariance]). The aggregate models add both to their
// intervals. Corrections never clamp a share: one that would leave 0–100
// is an error, and the logit scale cannot leave it.
//
// # References
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
// Boruch, R. F. (1971). Assuring confidentiality of responses in social
// research: a note on strategies. The American Sociologist 6(4).
//
// Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for
// a binomial proportion. Statistical Science 16(2).
//
// Chapkovski, P. & Schaub, M. (2022). Solid support or secret dissent? A
// list experiment on preference falsification during the Russian war
// against Ukraine. Research & Politics 9(2).
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
// Imbens, G. W. & Manski, C. F. (2004). Confidence intervals for
// partially identified parameters. Econometrica 72(6).
//
// Kish, L. (1965). Survey Sampling. Wiley.
//
// Korn, E. L. & Graubard, B. I. (1998). Confidence intervals for
// proportions with small expected number of positive counts estimated from
// survey data. Survey Methodology 24(2).
//
// Kuran, T. (1995). Private Truths, Public Lies: The Social Consequences
// of Preference Falsification. Harvard University Press.
//
// Manski, C. F. (1990). Nonparametric bounds on treatment effects.
// American Economic Review 80(2).
//
// Manski, C. F. & Pepper, J. V. (2000). Monotone instrumental variables:
// with an application to the returns to schooling. Econometrica 68(4).
//
// Miller, J. D. (1984). A new survey technique for studying deviant
// behavior. PhD thesis, George Washington University.
//
// Scharfstein, D. O., Rotnitzky, A. & Robins, J. M. (1999). Adjusting for
// nonignorable drop-out using semiparametric nonresponse models. Journal
// of the American Statistical Association 94(448).
//
// Shirani-Mehr, H., Rothschild, D., Goel, S. & Gelman, A. (2018).
// Disentangling bias and variance in election polls. Journal of the
// American Statistical Association 113(522).
//
// Warner, S. L. (1965). Randomized response: a survey technique for
// eliminating evasive answer bias. Journal of the American Statistical
// Association 60(309).
//
// Yu, J.-W., Tian, G.-L. & Tang, M.-L. (2008). Two new models for survey
// sampling with sensitive characteristic: design and analysis. Metrika
// 67(3).
package adjust
