// Package adjust holds the corrections that act on one poll or one survey
// at a time, before any model over time: sampling error and design
// effects, non-sampling ("total survey") error, measures of the gap
// between a direct question and an indirect estimate, bounds on the
// "hard to say" answers, and corrections of published shares for fear of
// answering, each carrying its own uncertainty.
//
// The survey-level estimators that produce the indirect estimates (list
// experiments, randomized response, their regressions and the respondent
// reader) are in package adjust/sensitive; they return this package's
// [Estimate], which [Falsification] and the corrections take.
//
// # Read → correct → fit → report
//
// Corrections come between reading the polls and fitting a model:
//
//	polls, _, err := poll.Read(f, poll.WithSource("levada.csv"))
//	gap := adjust.GapCorrection{Falsification: adjust.Falsification{Direct: direct, List: list}}
//	chain := adjust.Chain{adjust.Segmented{{Until: war}, {From: war, Correction: gap}}} // from the war on
//	corrected, err := chain.Apply(polls)                 // copies, each with an audit trail
//	res, err := aggregate.StateSpace{}.Fit(ctx, corrected) // the calibration error is in the intervals
//
// For one survey: [Kish] and [ShareInterval] for its sampling error,
// [Shares.Manski] for what "hard to say" leaves open, [Falsification]
// for a direct question against an indirect estimate.
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
// # Fear of response: from evidence to corrections
//
// A direct/indirect pair ([Falsification]: direct share D, list or
// randomized-response estimate L from package adjust/sensitive) gives
// the gap G = D − L, the ratio R = L/D, the share of stated supporters who
// falsify φ = 1 − R, Kuran's (1995) falsification rate among private
// opponents f = (D − L)/(1 − L) and the logit shift κ = logit D − logit L,
// each with a delta-method SE. "Hard to say" and
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
// Blair, G. & Imai, K. (2012). Statistical analysis of list experiments.
// Political Analysis 20(1).
//
// Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for
// a binomial proportion. Statistical Science 16(2).
//
// Chapkovski, P. & Schaub, M. (2022). Solid support or secret dissent? A
// list experiment on preference falsification during the Russian war
// against Ukraine. Research & Politics 9(2).
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
// Scharfstein, D. O., Rotnitzky, A. & Robins, J. M. (1999). Adjusting for
// nonignorable drop-out using semiparametric nonresponse models. Journal
// of the American Statistical Association 94(448).
//
// Shirani-Mehr, H., Rothschild, D., Goel, S. & Gelman, A. (2018).
// Disentangling bias and variance in election polls. Journal of the
// American Statistical Association 113(522).
package adjust
