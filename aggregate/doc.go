// Package aggregate pools many polls of one question into a daily series
// with honest uncertainty, and estimates each pollster's house effect.
//
// # Read → correct → fit → report
//
// A typical analysis reads the releases (package poll), optionally
// corrects them for fear of response (package adjust), fits a model here
// and reports the result:
//
//	polls, err := poll.Read(f, poll.WithSource("levada.csv")) // err lists rejected rows
//	corrected, err := adjust.Chain{gap}.Apply(polls)         // optional; an audit trail per poll
//	res, err := aggregate.StateSpace{}.Fit(ctx, corrected)   // err lists polls left out, if any
//	p := res.Approve.Latest()                                // mean, interval, band for a new poll
//	fmt.Print(res)                                           // or res.WriteCSV, WriteJSON, HTML, Markdown
//	cmp, err := aggregate.Compare(res, official)             // an official result against the polls
//	t, err := aggregate.Integrity(official, &clean, scenarios...) // beside the forensic clean share and every scenario
//
// and draws it with package aggregate/chart; package aggregate/report
// runs all of it on a set of files (what examples/russia and "pollagg
// report" do). Three models share one input
// ([]poll.Poll, read by the same rules: "Input" below) and one output
// (Result, the shares side by side):
//
//   - StateSpace: Jackman's (2005) model fitted by maximum likelihood with
//     the exact diffuse Kalman likelihood — fast, exact, the default.
//   - Bayes: the same model sampled from its posterior by a collapsed
//     Gibbs sampler (σ and τ from their marginal posterior, the house
//     effects and the daily path by exact Gaussian draws): intervals that
//     carry the uncertainty of σ and τ.
//   - Average: a FiveThirtyEight-style weighted average.
//
// Every model is a value struct whose zero value is the documented
// default; Fit takes a context (cancel it to stop) and never changes the
// polls given to it.
//
// # Input
//
// Every model reads its polls through one boundary (input.go), by the same
// rules:
//
//   - Invalid polls (poll.Poll.Validate fails, or an audit trail the models
//     cannot use) are left out of the fit. The fit uses the others, lists
//     the excluded in Result.Excluded and returns them, joined (each a
//     *PollError naming the poll's file and line, wrapping ErrInvalidPoll
//     and the reason), as the error beside the result: a result is usable
//     whenever it is not nil. With Strict set they fail the fit instead.
//   - One poll counts once. Rows of one pollster, question, subject and
//     fieldwork period are versions of one poll when they share the poll
//     part of their ID (538's poll_id) or carry no ID: of its population
//     versions (538 lists one poll for adults, registered and likely
//     voters) the most preferred by Populations is used (default adults >
//     registered > likely voters > voters > unknown); an exact copy (538
//     lists each poll under "All polls" and its subgroup) counts once; the
//     question versions of an identified poll are averaged. Rows without an
//     ID that differ are different polls. Each choice is counted in a
//     warning.
//   - A poll without a sample size gets one: the median of its pollster's
//     other polls, else its pollster profile's usual sample size, else
//     DefaultSampleSize (1,000); Result.Imputed lists each.
//   - Days are exact calendar days (UTC); polls spanning more than MaxDays
//     (about 359 years: a mistyped year) are an error (ErrSpan) naming the
//     first and last poll.
//   - Pollster names, design effects, usual sample sizes and interview
//     modes by date come from the fit's Profiles (nil: poll.DefaultProfiles),
//     never from process-wide state.
//   - A house is a pollster, or a pollster × mode (SplitModes) and/or ×
//     population (SplitPopulations).
//
// # The model
//
// For poll i of house j(i) with fieldwork midpoint t(i) (Start +
// ⌊(End − Start)/2⌋ days, poll.Poll.Midpoint):
//
//	y_i = α_{t(i)} + δ_{j(i)} + ε_i,   ε_i ~ N(0, s_i² + τ²_{j(i)})
//	s_i² = deff_i · y_i(100 − y_i) / n_i          (points²)
//	α_t = α_{t−1} + η_t,               η_t ~ N(0, σ²)   (daily random walk)
//
// α_t is the latent level of the share on day t, δ_j house j's constant
// house effect, σ the daily innovation sd and τ the non-sampling sd (none,
// one global, or one per house: StateSpace.Tau). deff_i is the poll's own,
// else its pollster profile's (poll.Profiles.DesignEffect), else 1; n_i
// the poll's own or the imputed sample size ("Input"). For the
// variance only, y is clamped into [0.5, 99.5]: a published 0 is a rounded
// share below 0.5, and y(100 − y) = 0 would give the poll infinite weight.
// A house is a pollster, or a pollster × interview mode with SplitModes
// (Levada's telephone months in 2020 get their own δ). Days run from the
// earliest fieldwork start to the latest fieldwork end; the result has one
// Point per day.
//
// With StateSpace.FieldAverage a poll in the field on days s_i..e_i
// measures the mean level over them instead, y_i = (1/L_i)·Σ_{t=s_i}^{e_i}
// α_t + δ_{j(i)} + ε_i (L_i = e_i − s_i + 1): what a month-long poll is.
// The likelihood and smoother stay exact; the precision of the daily path
// becomes banded (half-bandwidth max L_i − 1) instead of tridiagonal, and
// is factored by a banded Cholesky with the daily variances from the
// Takahashi equations, O(T·b²) (banded.go). The causal filter keeps the
// midpoint equation; Bayes does not support it.
//
// # Identification
//
// α_t + c and δ_j − c fit equally well, so one restriction fixes c
// (StateSpace.Identify, one Identification value):
//
//   - WeightedSumToZero() (the zero value): Σ_j n_j δ_j = 0, n_j the poll
//     count of house j. The average poll has no house effect: α is the
//     consensus of the polls as published.
//   - SumToZero(): Σ_j δ_j = 0, each house counting once (Jackman 2005; the
//     peer implementations).
//   - ReferenceHouse("Levada"): δ_r = 0 for the named house; α is that
//     house's series.
//   - AnchoredOn(anchors...): known values of α (an election result with
//     its sd) enter as pseudo-observations; the δ_j are then absolute,
//     relative to the anchors.
//
// Sum-to-zero identification cannot see a bias every pollster shares: the
// consensus is not the truth. Converting: δ_j^(r) = δ_j − δ_r, α^(r) = α + δ_r.
//
// # Likelihood and estimation
//
// StateSpace writes α_t = β₀ + w_t with w₀ = 0 and treats the level β₀ and
// the house effects as diffuse regression constants (de Jong 1991): with
// X the constants' design (after the identification constraint, k free
// constants) and Σ = D + L Q⁻¹ Lᵀ the covariance of the polls (D = diag(s² +
// τ²), L the poll→day incidence, Q the random walk's tridiagonal
// precision), the diffuse log-likelihood is
//
//	ℓ(σ, τ) = −½ [ (N − k) log 2π + log|Σ| + log|XᵀΣ⁻¹X| + yᵀΣ⁻¹y − sᵀS⁻¹s ],
//	S = XᵀΣ⁻¹X, s = XᵀΣ⁻¹y.
//
// It equals the exact diffuse likelihood of Durbin & Koopman (2012, §7.2)
// up to a constant free of σ and τ, so the estimates agree with
// statsmodels' (σ̂ = 0.32149 on the peers' synthetic data; the reported
// LogLik differs from statsmodels' by that constant). Days without polls
// are collapsed: the walk is carried only on the D days the polls measure
// (and the first and last day), a gap of g days being one step of
// variance g·σ², which leaves Σ — hence ℓ — exactly the daily model's.
// By the Woodbury identity one evaluation then needs an LDLᵀ
// factorisation of the tridiagonal M = Q + LᵀD⁻¹L on those days, one
// substitution of the J + 2 columns of [U b], their Gram matrix (dense,
// or over the (day, house) pairs when many houses poll a few a day) and a
// k×k Cholesky: O(N + D·J² + J³) for N polls and J houses, whatever the
// span of the series, with no allocation. The smoother's sds cost
// O(D·J² + T) (the days between polled days by Brownian-bridge
// interpolation) and the causal filter O(N·J²) or O(N + D·J³) (a
// rank-one update of a J×J inverse per poll, or a day's polls at once and
// a solve per day, whichever is less), each once per fit. The arrays a fit
// needs only while it runs (the per-node factors, the grouping's tables)
// come from pools (scratch.go); StateSpace gives them back when a fit
// ends, so repeated fits allocate little more than their results (Bayes
// and Average take from the pools too, and leave theirs to the
// collector). σ is found by a
// grid then Brent's method on log σ; with τ, by a quasi-Newton search (BFGS)
// on (log σ, log(τ² + c)), c the polls' mean sampling variance, with the
// exact gradient of ℓ (Fisher's identity: the smoother's means and
// variances give it in about one evaluation; score.go), τ = 0 being a
// bound the search can reach. It starts from the better of two points —
// τ = 0 with σ from its profile, and τ from the squared differences of
// one house's consecutive polls a week or less apart (their expectation
// is s²_i + s²_j + 2τ² + σ²Δt, the house effect cancelling) with σ from
// its profile there — and its BFGS matrix from a finite-difference
// Hessian of the gradient: where τ̂ is large and σ̂ small, the path from
// τ = 0 was long. The field-averaged model, without that
// gradient, and fits with many houses each polling a few times a day
// (where the gradient's O(D·k²) is several evaluations), by Nelder–Mead
// on (log σ, u) with τ = |u|. SigmaSE comes from
// the numerical second derivative of ℓ in log σ (delta method).
//
// # Outputs
//
// Series is the smoothed estimate (every day uses all polls): the GLS
// estimate of the constants, γ̂ = S⁻¹s with covariance S⁻¹, and
// w | β, y ~ N(M⁻¹(b − Uβ), M⁻¹). Its SD includes, by default, the
// first-order effect of the uncertainty of σ̂ and τ̂ (Hamilton 1986:
// dᵀ Cov(θ̂) d with d the derivative of the smoothed mean in the
// parameters, Cov(θ̂) the inverse observed information); PlugIn leaves it
// out, giving the textbook (statsmodels) sds. The term is small: plug-in
// intervals still cover a little under their level when σ must be
// estimated from noisy polls (see the calibration tests).
//
// Filtered is the causal estimate α̂_{t|t}: what the polls up to day t said
// about day t (de Jong's augmented Kalman filter; under sum-to-zero the
// constraint is over the houses seen so far, with their poll counts so far
// as weights; Reference starts when the reference house first polls;
// Anchored when the first anchor is passed). It starts on the first day
// with a poll (its midpoint) and is plug-in. SkipFiltered leaves it out
// (Filtered nil) when only the smoothed series is wanted: the filter is
// about a quarter of a one-share fit, and no other estimate depends on it
// (the three shares' sum projection then moves the smoothed series only).
//
// Two kinds of interval, never to be confused: Lower/Upper is the Level
// interval for the latent level, α̂ ± z·SD. PollLower/PollUpper is the band
// where a new poll from an average house should fall: α̂ ± z·√(SD² + s̄² +
// τ̄²), with s̄² the mean sampling variance of the fitted polls and τ̄² the
// poll-weighted mean τ².
//
// Houses lists δ̂_j with standard errors and poll counts; Params holds σ̂,
// its SE, τ̂ and the log-likelihood; Diagnostics the mean square of the
// standardized residuals (≈ 1 when the variances are right) and the count
// of residuals beyond ±3.
//
// # Three shares
//
// Approve, disapprove and undecided, each as Share defines it (undecided
// is the published "hard to say"; when a poll does not publish it, 100 −
// approve − disapprove − refused, the refused share kept apart), are each
// fitted with their own σ, τ and house effects, by every model alike, and
// Result holds them side by side (Result.Approve, Disapprove, Undecided).
// With Shares nil a share that no poll publishes is left out with a
// warning; named in Shares, it is an error (ErrNoPolls). A share whose polls all lie in [10, 90] is modelled in points;
// otherwise (ScaleAuto) on the logit scale, log(p/(1 − p)) with the delta
// method variance 1/(n_eff p(1 − p)), which keeps every mean and bound
// inside (0, 100); house effects and τ are then converted to points at the
// series' mean level. On the points scale (chosen, or ScalePoints) a mean or
// bound that would leave [0, 100] — a share near 0 or 100, days far from
// any poll — is cut at 0 or 100. When the estimated means of a day sum to more than 100,
// each moves down by its share of the excess in proportion to its variance
// (the least-squares projection onto the sum of 100), its SD and bounds
// scaled by the same factor; the largest move is the diagnostic
// "sum-projection" (Result.Diagnostics); with two shares estimated their
// sum is bounded the same way; a share already at 0 takes no part and the others take
// its part of the excess. Sums below 100 are left alone (refusals and other
// answers take the rest).
//
// Degenerate inputs give an error wrapping a sentinel (ErrNoPolls,
// ErrTooFewPolls, ErrConfig, ErrInvalidPoll, ErrSpan, ErrTooManyPolls) or a
// result of finite numbers with 0 ≤ Lower ≤ Mean ≤ Upper ≤ 100 and the poll
// band containing the interval, never NaN: one poll (ErrTooFewPolls unless σ
// and τ are fixed), all polls on one day or one common fieldwork period (σ
// not identified: reported as 0, the level constant, with a warning), a
// pollster without sample size or profile (DefaultSampleSize, listed in
// Result.Imputed), a Reference
// house absent from the data (ErrConfig), an anchor outside the polls' days
// (the series runs from the anchor; its SD grows with the distance).
// degenerate_test.go runs every model and option over these cases.
//
// # Corrections and their uncertainty
//
// Polls corrected by adjust.Chain (a falsification gap, differential
// nonresponse, a tilt of the undecided) carry their audit trail
// (poll.Poll.Adjustments), and every model reads it; nothing needs to be
// widened by hand. A corrected share differs from a published one in two
// ways.
//
// Its own error is not the binomial error at the corrected share. The
// published shares' multinomial covariance is carried through each
// correction's recorded Jacobian (poll.Adjustment.Jacobian;
// adjust.SamplingCovariance: Σ ← JΣJᵀ; 82% corrected to 74% on the logit
// scale has 1.29 times the published SE, not √(74·26/82·18)), and the
// corrections' independent errors (entries without a Calibration) add to
// it. That is the poll's s_i² in every model
// of StateSpace and Bayes (Average takes the effective sample size that
// gives its approve share that variance).
//
// Its calibration error is shared. A gap measured once and applied to
// every wartime poll is wrong by the same amount c in all of them:
// corrected poll i is off by g_i·c, c ~ N(0, 1), with loading g_i = √V_i
// (V_i the entry's Variance) carried through the Jacobians of the later
// corrections, disapprove moving by −g_i. Entries with the same
// poll.Adjustment.Calibration (the same evidence) are one calibration;
// different evidence (another period's gap, κ) gives
// independent ones. Pooling cannot average c away, so adding V_i to each
// poll's variance would be wrong; adding it to the level ignores that only
// some polls are corrected, and by different amounts. Instead: at fixed σ
// and τ every estimate of the model is linear and homogeneous in the
// observations (the level and house effects are diffuse constants, so no
// prior mean enters; under AnchoredOn the anchors' values enter but a
// calibration does not move them: their loading is 0). An error c in the
// calibration therefore moves the smoothed level on day t by h_t·c, where
// h is the smoother applied to the loadings g in place of the polls, and
//
//	Var(α̂_t) += Σ_c h_{c,t}²
//
// summed over calibrations; likewise the filtered level (the causal filter
// on the loadings) and each house effect (δ̂ from the loadings: a
// correction of one pollster only moves its effect). Lower, Upper and the
// poll band are computed from the widened SD. StateSpace does this with
// the fitted σ̂ and τ̂ (one likelihood evaluation and one smoother and filter
// pass per calibration; σ and τ are not refitted: the calibration error is
// treated as independent of the variance parameters). Bayes draws c ~ N(0,
// 1) for every retained draw and adds c·h (h at the posterior means of σ
// and τ), so its quantile intervals and Draws include it. Average's trend
// is a kernel-weighted mean of the house-adjusted polls: h_t is the same
// weighted mean of the loadings (house effects held fixed; their SEs are
// not widened).
//
// Each Result records what the corrections did in Params.Other:
// "corrected_polls" (polls of the share with an audit trail),
// "calibrations" (shared calibrations), "calibration_var_mean" and
// "calibration_var_max" (the variance, points², the calibrations add to
// the level: mean and largest over the days). On simulated wartime data
// (a logit gap from a direct/list pair with its own error, applied from
// mid-series) the 95% intervals of the level on the corrected days cover
// the truth 94.5% of the time (smoothed and filtered; 2,000 replicates);
// ignoring the calibration error they cover 46% (smoothed) and 58%
// (filtered). When only one pollster is corrected, its error moves that
// house's effect: the house effects' 95% intervals cover 95.6% (38%
// ignoring it): go test ./aggregate -run 'TestCorrection(House)?Coverage'
// -calib.full -v
//
// # Comparing with an official result
//
// Compare sets an official value (a vote share on election day) against
// the poll-implied level on that date: gap, its SE, interval and the
// two-sided probability of a gap at least that large under the model. See
// its documentation for what such a gap does and does not show.
//
// # Accuracy and speed
//
// On the peers' synthetic data (2,000 polls, 800 days, five houses;
// testdata/peers) StateSpace with SumToZero, TauNone and PlugIn reproduces
// statsmodels' exact diffuse fit: σ̂ = 0.321487 (statsmodels prints
// 0.3215; two identifications of ours agree to 1.4e-6), every daily mean within
// 5e-6 and sd within 2e-6 points, every house effect and SE within 1e-6
// (TestStateSpaceMatchesStatsmodels). The causal filter is checked against
// refits on truncated data, and the calibration suite checks interval
// coverage on simulated data (calibration_test.go, -calib.full).
//
// # Bayes: the posterior, sampled
//
// [Bayes] samples the model of a StateSpace configuration (same
// observations, identification, τ groups and scale) with flat priors on
// the level and the free house effects, σ ~ half-normal(0, 1 point/day)
// and τ ~ half-normal(0, 3 points). The sampler is collapsed: an iteration
// draws σ from p(σ | τ, y) and each τ from p(τ | σ, y), both with the
// level, house effects and path integrated out by the exact diffuse
// likelihood above, through independence Metropolis–Hastings steps whose
// proposals are those marginals interpolated on a grid (so nearly every
// proposal is accepted); then the constants from N(S⁻¹s, S⁻¹) and the path
// from its Gaussian conditional with tridiagonal precision M, which is
// forward-filtering backward-sampling (Carter & Kohn 1994;
// Frühwirth-Schnatter 1994) written as one Cholesky solve. Plain FFBS
// Gibbs, drawing σ given the path, mixes σ slowly (164 effective draws of
// σ from 4 × 1,000 on the peers' data, against 4,193 here;
// TestBayesCollapsedVersusPlainGibbs); here σ's chain does not see the
// path at all. Cost per iteration: one or two likelihood evaluations,
// O(N + D·J² + J³) in the D polled days, plus O(T) in the days of the
// series for a kept path (the days between polled days are its Brownian
// bridges).
//
// Convergence is reported, never assumed: rank-normalised split-R̂ and
// bulk effective sample size (Vehtari et al. 2021; SplitRhat, BulkESS,
// ESS, MCSE) for σ, τ, every house effect and the level on five days, with
// a warning when R̂ ≥ 1.01 or ESS < 400. Chains run on goroutines, each
// with its own PCG stream derived from Bayes.Seed: the same seed gives
// byte-identical output. Bayes.Sample also returns the draws.
//
// On the peers' data with their model (approve, SumToZero, TauNone,
// points) the posterior mean of σ is 0.3244 (sd 0.026, MCSE 0.0004; JAGS
// 0.3263, Stan 0.3245) and every house effect's posterior mean and sd
// agrees with JAGS's and Stan's within Monte Carlo error
// (TestBayesMatchesPeers). σ's bulk ESS is about 4,200 from 4 × 1,000
// draws, at 16,000–23,000 effective draws per CPU second for the whole
// fit (setup, sampling, summaries) measured on a loaded 2-core machine:
// 310–450× JAGS's 52 (TestBayesESSPerSecond, BenchmarkBayesPeers). The
// 95% posterior intervals of the level cover the simulated truth 94.3%
// (no τ) and 94.9% (τ = 1.5) of the time over 400 replicates × 300 days
// (2 chains × 250 draws each), and τ's 95% interval covers its true value
// 96.5% and 94.8% of the time (TestBayesCoverage -calib.full). The band
// for a new poll holds 96% of the house-adjusted peers' polls.
//
// # Average: a FiveThirtyEight-style poll average
//
// [Average] reimplements the structure of FiveThirtyEight's 2017–2021
// presidential approval average as far as it can be reverse-engineered from
// 538's published poll list and topline (testdata/538; Silver 2017). Its code was
// never published; the weights and the recency kernel below are fits and
// documented choices, not 538's formulas.
//
// Preparation. Rows of one poll (same pollster, question, subject and
// fieldwork dates) are grouped; the first population in
// [Average.Populations] that the poll has is used (default adults >
// registered > likely voters, 538's "All polls" rule for approval), several
// versions in that population are averaged (538's "multiversions"), and
// exact copies (the same row under several 538 subgroups) count once.
// Tracking polls are reduced to a maximal set of non-overlapping releases
// per pollster, or down-weighted by their field period ([TrackingRule]).
//
// Weights. Poll i gets
//
//	wᵢ = qᵢ · fᵢ · min(√(n_eff,i/n₀), c),     fᵢ = kᵢ^(−p)
//
// with qᵢ the quality factor (the poll's own Weight, else
// [Average.PollsterWeights], else [GradeWeight] of its grade, else 1),
// n_eff = n/deff, n₀ = 1000, c = 2, and kᵢ the number of polls its pollster
// finished in the 30 days up to its end date, p = 0.5. Its influence on day
// t is uᵢ(t) = wᵢ·r(a) with age a in days and the recency kernel
//
//	r(a) = exp(−(a/11.8)^1.64) for a ≤ 32,  0 beyond,
//
// a fit to the influence 538 gave non-tracking polls ([Recency]; a half-life
// can be used instead).
//
// House effects. Starting from zero, iterate until no effect moves by more
// than 1e-6 points:
//
//	T(t)  = Σᵢ uᵢ(t)(yᵢ − h_p(i)) / Σᵢ uᵢ(t)          (centred kernel on midpoints)
//	dᵢ    = yᵢ − T₋ᵢ(midᵢ)                             (leave-one-out trend)
//	h_p   = B_p · mean_{i∈p} dᵢ,  B_p = (k_p/s_p²) / (k_p/s_p² + 1/σ_h²)
//	h    ← h − Σ_p W_p h_p / Σ_p W_p                  (W_p = Σ_{i∈p} wᵢ)
//
// a normal–normal shrinkage (the form of 538's 2023 methodology): k_p informative polls (a
// poll alone in its window says nothing about its house), s_p² the
// within-house variance of dᵢ pooled with the all-house variance (5
// pseudo-polls), and σ_h the prior spread of house effects, fixed by
// [Average.HouseSD] or estimated by moments (variance of the house means
// minus their mean sampling variance; reported as Params.Other["house_sd"]).
// The SE of h_p is the posterior SD (1/(k_p/s_p² + 1/σ_h²))^½; it ignores
// serial correlation of residuals and the error of the trend. Effects are
// centred so that their weight-weighted mean is zero: the level is the
// consensus of the houses, and a lean shared by the heavy pollsters stays
// in it. Disapproval has its own house effects.
//
// Trend. Filtered is the causal average: on day t, the influence-weighted
// mean of the house-adjusted polls that ended on or before t (538's topline
// was computed this way and frozen daily). It uses the final house effects,
// estimated from all polls, so it is not what would have been published
// that day. Series is the centred version (kernel on |t − midpoint|, both
// sides), used for the house effects. A day with no poll within 32 days
// carries the previous estimate forward (with a warning), its interval
// widened as below.
//
// Uncertainty, two kinds. On day t, with influence shares πᵢ = uᵢ(t)/Σu,
// n_eff = 1/Σπᵢ² (Kish) and aᵢ = midᵢ − t, the average's error relative to
// the true level α(t) is
//
//	Σπᵢεᵢ  +  Σπᵢ(α(midᵢ) − α(t))  +  Σ_p π_p(h_p − ĥ_p)
//
// (poll noise, trend error, house-effect error), and its variance
//
//	SD² = s²/n_eff + σ²·lag(t) + Σ_p (π_p − Π_p)² SE_p²
//	lag(t) = Σ_{k≥1} (Σ_{aᵢ≤−k} πᵢ)² + Σ_{k≥1} (Σ_{aᵢ≥k} πᵢ)²
//
// The middle term is exact for a level that follows a random walk with
// daily SD σ: Cov(α(t−a) − α(t), α(t−b) − α(t)) = σ²·min(a, b) for two
// polls on the same side of t and 0 across sides, and ΣᵢΣⱼπᵢπⱼ min(aᵢ, aⱼ)
// is the sum over k of the squared share of influence at least k days
// away. The causal average has only the past side; the centred one both.
// In the last term π_p is house p's share of the day's influence, Π_p its
// share of all weight (the centring) and SE_p the SE of its effect, the
// houses' errors taken as independent. A day with no poll within the
// window repeats the last estimate with σ² added to SD² per day since
// (a warning says how many days).
//
// s² is the polls' noise variance: the local influence-weighted scatter of
// adjusted polls about the average (n_eff − 1 degrees of freedom) pooled
// with the series-wide leave-one-out residual variance as 5 pseudo-polls,
// that variance floored at the polls' mean sampling variance (house-adjusted
// polls cannot undercut it unless herded). Under the random walk both
// scatters also hold the level's movement between the polls' days; it is
// taken out (σ²·½ΣΣπᵢπⱼ|midᵢ − midⱼ|·n_eff/(n_eff − 1) from the local
// scatter, σ²·lagᵢ about each poll's own midpoint from its residual), so
// that s² is noise only.
//
// σ is estimated from the variogram of the house-adjusted polls: for two
// polls h days apart E[(xᵢ − xⱼ)²] = vᵢ + vⱼ + σ²h, so σ̂² is the slope of
// the mean squared difference on h over all pairs with h ≤ 32 (the window),
// fitted by weighted least squares (weights N_h/(c + σ²h)², iterated from
// ordinary least squares; the intercept c absorbs the noise, sampling and
// non-sampling) and floored at zero. Pairs from one house whose fieldwork
// periods overlap share respondents and are left out. Its standard error
// SE(σ̂²) is a parametric bootstrap (64 series from the fitted random walk
// plus noise at the polls' midpoints, refitted; seeded by [Average.Seed]).
// Params.Sigma reports σ̂ and Params.SigmaSE = SE(σ̂²)/(2σ̂);
// [Average.TrendSD] fixes σ instead, [Average.TrendError] = Excluded drops the term.
//
//	interval for the average   Mean ± q·SD
//	band for a new poll        PollLower/Upper = Mean ± √(z²·s² + q²·SD²)
//
// q is z when σ is fixed; when σ is estimated, q is Student's t quantile
// with Satterthwaite's ν = 2·SD⁴/(lag·SE(σ̂²))² (at least 1), treating SD²
// as a scaled χ² whose variance comes from σ̂² (Satterthwaite 1946), so
// that the interval allows for σ̂'s own error (t by Abramowitz & Stegun
// 26.7.5 for ν ≥ 8). The band uses z for the polls' noise (s² is estimated
// from many polls) and q for the average's own error, so it is never
// narrower than the interval.
// The model assumes a driftless random walk over the window (32 days);
// mean-reverting opinion makes the interval conservative, a steady drift
// (a trend the random walk does not expect) anticonservative.
//
// Coverage of the 95% interval in seeded simulations (4 houses polling
// every 3, 5, 7 and 9 days, n = 1000; σ estimated in each fit; 3000 runs per
// case, percent, on a middle day / the last day; TestAverageCoverage
// -average.sims 3000):
//
//	true σ (points/day)      0           0.1         0.3         0.5
//	a year, causal           95.7/95.5   94.8/94.9   96.1/95.5   95.4/95.0
//	a year, centred          95.4/95.4   94.6/94.8   95.4/95.5   94.8/95.0
//	120 days, causal         97.6/96.8   96.5/96.5   96.2/94.2   96.3/94.8
//	120 days, centred        96.8/96.4   95.9/96.3   94.5/94.1   94.5/95.0
//
// In the short series σ̂ rests on about 90 polls; the t allowance for its
// error and its floor at zero make the interval somewhat conservative
// when the truth is constant. The band holds 93.8–94.9% of new polls in
// every case. Without the trend term (TrendError: Excluded) the interval covers
// 75% (causal) and 78% (centred) at σ = 0.3 in the 120-day design. The band is what 538 drew: it holds 96% of 538's house-adjusted
// polls on their end date (538's own: 96.5%).
//
// Shares. Each share (Share: approve, disapprove, undecided as defined
// there, the same in every model) is averaged on its own, with its own
// house effects, and the means are then made to sum to at most 100 by the
// projection every model uses (see "Three shares"). Means and bounds are
// kept within 0–100.
//
// Against 538 (testdata/538, "All polls", 49 pollsters with ≥ 5 polls): the
// house effects correlate with 538's (approve − adjusted_approve) at
// r = 0.97 (0.985 weighted by polls) for approval and 0.98 (0.94) for
// disapproval; the causal average is within 0.42–0.48 points of 538's daily
// topline on average, with σ̂ = 0.19 ± 0.02 points a day for approval (0.22
// for disapproval) and a mean 95% half-width of 1.3–1.5 points
// (TestAverage538). On the Russian series, 2012–2020,
// FOM − Levada is −3.7 ± 0.3 and VTsIOM − Levada −0.5 ± 0.3 points, the raw
// monthly gaps being −3.55 and −0.48 (TestAverageRussia).
//
// # References
//
//   - Jackman, S. (2005). Pooling the polls over an election campaign.
//     Australian Journal of Political Science 40(4), 499–517.
//   - de Jong, P. (1991). The diffuse Kalman filter. Annals of Statistics
//     19(2), 1073–1083.
//   - Durbin, J. & Koopman, S. J. (2012). Time Series Analysis by State
//     Space Methods, 2nd ed. Oxford University Press.
//   - Hamilton, J. D. (1986). A standard error for the estimated state
//     vector of a state-space model. Journal of Econometrics 33(3),
//     387–397.
//   - Brent, R. P. (1973). Algorithms for Minimization without Derivatives.
//     Prentice-Hall.
//   - Silver, N. (2017). How we're tracking Donald Trump's approval
//     ratings. FiveThirtyEight, 2017-03-02 (the Average's structure).
//   - Satterthwaite, F. E. (1946). An approximate distribution of
//     estimates of variance components. Biometrics Bulletin 2(6), 110–114.
//   - Abramowitz, M. & Stegun, I. A. (1964). Handbook of Mathematical
//     Functions, 26.7.5 (Student's t quantiles). National Bureau of
//     Standards.
//   - Matheron, G. (1963). Principles of geostatistics. Economic Geology
//     58(8), 1246–1266 (the variogram).
//   - Carter, C. K. & Kohn, R. (1994). On Gibbs sampling for state space
//     models. Biometrika 81(3), 541–553.
//   - Frühwirth-Schnatter, S. (1994). Data augmentation and dynamic linear
//     models. Journal of Time Series Analysis 15(2), 183–202.
//   - Tierney, L. (1994). Markov chains for exploring posterior
//     distributions. Annals of Statistics 22(4), 1701–1728.
//   - Geyer, C. J. (1992). Practical Markov chain Monte Carlo. Statistical
//     Science 7(4), 473–483.
//   - Vehtari, A., Gelman, A., Simpson, D., Carpenter, B. & Bürkner, P.-C.
//     (2021). Rank-normalization, folding, and localization: an improved
//     R̂ for assessing convergence of MCMC. Bayesian Analysis 16(2),
//     667–718.
//   - Rue, H. & Held, L. (2005). Gaussian Markov Random Fields. Chapman &
//     Hall (sparse precision computations).
package aggregate
