// Package forensics measures an official election count against its own
// polling stations: it reads the stations' protocols, checks their
// arithmetic, recomputes turnout and shares exactly, and applies the
// statistical fingerprints of falsification used on Russian elections —
// the excess of whole-number percentages (Kobak, Shpilkin &
// Pshenichnikov 2016), Shpilkin's turnout–share estimate of the votes
// added at high-turnout stations, and the turnout × share histogram
// (Klimek et al. 2012). Its clean-share estimate (CleanShare) is the
// third input, beside the official result and the poll-implied
// estimate, of package aggregate's integrity table (aggregate.Integrity).
//
// # Read, check, estimate, report
//
//	e, err := forensics.ReadFile("testdata/elections/2024.csv.zip")
//	var re *forensics.RowErrors
//	if errors.As(err, &re) { … }               // rejected rows: line, column, sentinel; the rest kept
//	ev, err := forensics.ReadFile("testdata/elections/2024-electronic-voting.csv")
//	err = e.AttachRemote(ev)                   // region-level e-voting, kept apart from stations
//	for _, d := range e.Check() { … }          // protocols whose arithmetic fails, and by how much
//	r := e.Results(true)                       // national and regional totals, with e-voting
//	it, err := forensics.IntegerTest{Seed: 1}.Run(ctx, e)
//	sh, err := forensics.Shpilkin{Seed: 1}.Estimate(ctx, e)
//	h, err := forensics.NewHistogram2D(e, forensics.HistogramOptions{})
//	s, err := forensics.Summarize(ctx, e, "", forensics.IntegerTest{Seed: 1}, forensics.Shpilkin{Seed: 1})
//	fmt.Print(s)                               // the forensic side of the integrity table
//
// The chart of the histogram is chart.Fingerprint in package
// aggregate/chart.
//
// # Data
//
// The reader takes the layout of the polling-station files compiled from
// the Central Election Commission's protocols by Sergey Shpilkin and
// Ivan Shukshin (public repository dkobak/elections; testdata/SOURCES.md):
// region, territorial commission (tik), station commission (uik), the 12
// numbered protocol lines, one column per candidate. A table without tik
// and uik is a region-level table — the 2024 remote electronic voting —
// and goes to Election.Remote, never into a station-level method.
//
// Definitions follow the Central Election Commission: turnout is the
// ballots issued (lines 3 + 4 + 5) over the registered voters (line 1);
// a share is a candidate's votes over the valid and invalid ballots
// (lines 9 + 10), which equal the ballots found in the boxes (lines
// 7 + 8) wherever the protocol balances — at every station of the 2018
// and 2024 files. Totals are integer sums; no rate is averaged.
//
// # Integer percentages
//
// A station's turnout t = 100·issued/registered, or the leader's share
// r = 100·leader/cast, is "integer" when |x − round(x)| ≤ w/2, w = 0.1
// point (IntegerTest.Window), computed in float64 as one division so
// that the edges fall as in the authors' numpy code. Stations with fewer
// than 100 registered voters, no cast ballot, or t or r above 99% are
// left out (their rule: few voters make simple fractions such as 1/2
// common), and so are stations with more than a million voters or
// ballots, which no polling station has. The observed count N of
// stations with t or r integer is set against its null distribution
// under smooth, binomially varying counts: every station's issued
// ballots redrawn from Binomial(registered, issued/registered) and the
// leader's votes from Binomial(cast, leader/cast), and the integer
// stations counted, in each of R ≥ 1,000 replicates. The denominators are kept, so the fractions
// that small denominators favour are as common in the null as in the
// data. The excess is N − mean(N*), its interval N minus the null's
// quantiles, its p-value one-sided. A station is integer under the null
// with its exact binomial probability q (a sum of the binomial pmf over
// the integer counts), so a region's count is Poisson-binomial, a sum of
// independent Bernoulli(q): its distribution is computed exactly (the
// recurrence of Barlow & Heidtmann 1984, tails below 10⁻¹⁷ dropped), and
// each replicate draws each region's counts from it, the nation's being
// their sum — the distribution of the authors' station-by-station Monte
// Carlo for every reported count, at a cost that does not grow with the
// stations times the replicates. Excess.NullMean = Σq and
// NullSD = √Σq(1−q) check the Monte Carlo. On the 2018 file the national
// excess is 1,708 stations with seed 42 (Monte Carlo error about 4); the
// authors' notebook prints 1,708.8.
//
// # Shpilkin's turnout–share estimate
//
// Model: station i has Oᵢ votes for the other candidates and
// Lᵢ = k·Oᵢ + Aᵢ for the leader, where k is the honest ratio of the
// leader's votes to the others' and Aᵢ ≥ 0 votes added (stuffing, or a
// count written up) — which also raise the station's turnout. The
// assumptions (ShpilkinAssumptions): honest stations' k does not depend
// on turnout; no votes are added at the lowest turnouts; falsification
// adds votes for the leader only. Then the low-turnout stations reveal k,
// and A = Σ(Lᵢ − k·Oᵢ) over all stations.
//
// Which stations are low-turnout is Shpilkin's rule: the honest turnout
// distribution is bell-shaped and its peak is the mode of the other
// candidates' votes over turnout; stations at and below the peak bin are
// clean. Votes added at high turnout carry those stations' other votes
// to high-turnout bins too, and in 2024 they outnumber the honest peak
// (the others' votes peak at 80% turnout). So the peak is sought below
// the departure: the turnout from which the leader's share rises above
// its low-turnout plateau, found by fitting the share by 1-point bin
// with a broken stick (flat, then rising; weighted by ballots) and
// accepted when the leader's pooled share above it exceeds the share
// below by at least 2 points. With no departure the peak is the global
// mode. The estimate: k̂ = ΣL/ΣO over the clean stations, Â = L − k̂·O,
// clean share 100·(L − Â)/(C − Â), clean turnout 100·(I − Â)/R.
//
// Interval: Â − A = O⁺·(k⁺ − k̂), with O⁺ the others' votes above the
// peak and k⁺ the honest ratio the stations there would have shown.
// Writing an honest station's ratio as k + u_r + e_i (a regional effect
// and the station's own),
//
//	k⁺ − k̂ = Σ_r (w⁺_r − wᶜ_r)·u_r + ē⁺ − ēᶜ,
//
// where w⁺_r and wᶜ_r are region r's parts of the others' votes above and
// at or below the peak: regional effects cancel where the two sets have
// the same regions, and count where they do not (in 2024 two stations
// in three below 45% turnout are Moscow's). The bootstrap draws every
// region's u_r from the pool of observed regional effects (the clean
// ratios of regions with at least 30 clean stations, centred) and the
// station terms from their normal limit (variance from the clean
// stations' residuals around their region's ratio, Σr²/(Oᶜ)² at and below
// the peak and a fitted v(O) = a·O + b·O² above it); the Level interval of
// A is Â − O⁺ times the quantiles of the draws, and the share's follows.
// On simulated elections with regional variation it covers the truth
// 95–96% of the time (TestShpilkinCoverage with -forensics.full). The
// interval is sampling variability under the assumptions, with the peak
// held as found; the assumptions themselves move the answer far more
// (ShpilkinResult.Sensitivity: 2024's anomalous votes run from 31
// million with the peak fixed at 40% to 16 million at 80%).
//
// On the 2024 file the departure is at 62% turnout, the peak at 61%, and
// the estimate 22.9 million anomalous votes, clean share 81.0%, turnout
// 52.4% instead of 75.4% — the figure (22 million) Ivan Shukshin
// published with the method in March 2024; on 2018, 11.0 million (Shpilkin:
// about 10 million).
//
// # Turnout × share histogram
//
// Histogram2D bins the stations by turnout and leader's share (1-point
// bins), counting stations, voters or ballots: the "election fingerprint"
// of Klimek, Yegorov, Hanel & Thurner (2012). Their parametric fraud
// model (incremental and extreme fraud fractions fitted to the
// fingerprint) is not implemented; the histogram is data for the chart.
//
// # Errors and determinism
//
// Readers keep every good row and return a *RowErrors with one
// *ParseError per rejected row (file:line:column, the value, a sentinel
// of errors.go), up to WithMaxErrors; nothing panics on any input.
// Protocols whose arithmetic fails are not rejected: Check reports them.
// Every random procedure takes a seed (math/rand/v2 PCG): the same seed
// gives the same result. Estimators are value structs whose zero value is
// the documented default; they are safe for concurrent use and take a
// context.Context (IntegerTest also reports progress, if asked).
//
// # References
//
// Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Integer
// percentages as electoral falsification fingerprints. Annals of Applied
// Statistics 10(1), 54–73. doi:10.1214/16-AOAS904. Code:
// github.com/dkobak/elections.
//
// Kobak, D., Shpilkin, S. & Pshenichnikov, M. S. (2016). Statistical
// fingerprints of electoral fraud? Significance 13(4), 20–23.
//
// Barlow, R. E. & Heidtmann, K. D. (1984). Computing k-out-of-n system
// reliability. IEEE Transactions on Reliability R-33(4), 322–323. Hong,
// Y. (2013). On computing the distribution function for the Poisson
// binomial distribution. Computational Statistics & Data Analysis 59,
// 41–51.
//
// Klimek, P., Yegorov, Y., Hanel, R. & Thurner, S. (2012). Statistical
// detection of systematic election irregularities. PNAS 109(41),
// 16469–16473.
//
// Shpilkin, S. (2009–2018). Статистическое исследование результатов
// российских выборов; Выборы 2018 года: фактор Х и «пила Чурова».
// Троицкий вариант — Наука. Shukshin, I. (2024). An unprecedented 22
// million votes added for Putin in the 2024 election. Golos.
//
// Mebane, W. R. (2016). Election forensics: frauds tests and observation-
// level frauds probabilities. (His finite-mixture model is not
// implemented here.)
package forensics
