package aggregate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/candorpoll/candor/poll"
)

// Bayes is Jackman's (2005) model of StateSpace sampled from its posterior
// by a collapsed Gibbs sampler, so that the intervals carry the uncertainty
// of σ and τ that the plug-in StateSpace intervals ignore. The zero value is
// ready to use: the StateSpace defaults for the model (all three shares,
// weighted sum-to-zero, one global τ, automatic scale), 4 chains of 100
// warm-up and 1,000 retained iterations, seed 0, and the priors below.
//
// # Priors
//
// The level on the first day and the free house effects (all but one under
// sum-to-zero, all but the reference under Reference, all under Anchored)
// have flat priors: they are the diffuse constants of the exact diffuse
// likelihood, and their posterior is proper whenever StateSpace can fit the
// polls. (The JAGS and Stan peers use U(0, 100) or N(50, 25²) for the level
// and N(0, 10²) for the free effects; with posterior sds below 0.1 point
// the difference is far below Monte Carlo error.) σ has a half-normal prior
// with scale SigmaPrior (default 1 point per day, the Stan peer's), τ a
// half-normal prior with scale TauPrior (default 3 points). On the logit
// scale both scales are divided by 25, the slope of the logit at 50%.
//
// # Sampler
//
// Each iteration draws, exactly,
//
//  1. σ from p(σ | τ, y), the marginal posterior with the level, the house
//     effects and the whole path integrated out (the exact diffuse
//     likelihood of StateSpace times the prior), by an independence
//     Metropolis–Hastings step on log σ whose proposal is that marginal
//     posterior itself (at the ML τ̂), interpolated on a fine grid: nearly
//     every proposal is accepted (99.9% on the peers' data), so successive
//     σ draws are nearly independent;
//  2. each τ from p(τ | σ, τ₋, y), again with everything else integrated
//     out, by an independence step whose proposal is that conditional at
//     (σ̂, τ̂₋) on a grid over τ ≥ 0 (the conditional moves with σ, so a
//     few more proposals are rejected: about 90% are accepted);
//  3. the level and house effects from their Gaussian conditional
//     p(β | σ, τ, y) = N(S⁻¹s, S⁻¹) given by the GLS part of the likelihood;
//  4. the daily path from p(α | β, σ, τ, y), a Gaussian with tridiagonal
//     precision, by one forward and one backward substitution: the
//     forward-filtering backward-sampling draw (Carter & Kohn 1994;
//     Frühwirth-Schnatter 1994) in its precision form, on the polled days,
//     and the days between them from the Brownian bridges between those
//     draws (exact: given the polled days, the unpolled ones are
//     independent of the polls).
//
// Steps 1–2 are a Markov chain on (σ, τ) alone, which the path and house
// effects do not slow down; steps 3–4 are exact draws given them. Plain
// FFBS Gibbs, which draws σ given the path, mixes σ slowly because σ and
// the path's roughness are tightly coupled. One iteration costs one
// likelihood evaluation for σ plus one per τ, O(N + D·J² + J³) each in the
// D days the polls measure (see StateSpace), and a kept path O(T) in the
// days of the series: with TauPerHouse and many houses (FiveThirtyEight's
// 92) that is slow, as it is for StateSpace's search.
//
// # Output
//
// Result.Series holds the posterior mean and sd of the daily level and its
// central Level posterior interval (the quantiles of the draws);
// PollLower/PollUpper are mean ∓ √(h² + z²(s̄² + E[τ²])), h the distance from
// the mean to each end of that interval (mean ± z·√(sd² + s̄² + E[τ²]) for a
// normal posterior), the normal approximation of the posterior predictive distribution of a new poll from
// an average house, with s̄² the mean sampling variance of the polls (as in
// StateSpace). On the logit scale the draws are transformed to points
// before they are summarised. Result.Filtered is nil. Houses hold the
// posterior mean and sd of each house effect (converted to points as in
// StateSpace on the logit scale), Params.Sigma and Params.SigmaSE the
// posterior mean and sd of σ (model scale), Params.Tau the posterior means
// of τ. Params.Other holds "draws" (retained draws over all chains),
// "sigma_mcse" (Monte Carlo standard error of the posterior mean of σ),
// "sigma_acceptance" and "tau_acceptance" (acceptance rates of steps 1
// and 2) and "logit" (1 on the logit scale).
//
// Diagnostics hold the rank-normalised split-R̂ and the bulk effective
// sample size (SplitRhat, BulkESS) of σ, every τ, every house effect and
// the level on five days (first, quartiles, last; reported as the worst
// of them). A diagnostic passes when R̂ < RhatMax = 1.01 and ESS ≥ ESSMin =
// 400 (Vehtari et al. 2021); every failure is also a Warning: run longer
// chains.
//
// The three shares are sampled independently and their posterior means
// made to sum to at most 100 as in StateSpace (Fit's documentation).
//
// # Reproducibility and concurrency
//
// Chain c of share s draws from its own PCG stream seeded by (Seed, s·2³²
// + c) (Approve 0, Disapprove 1, Undecided 2), whatever other shares are
// sampled alongside, and chains write only their own draws, so the output is
// byte-identical for the same Seed whatever the scheduling. Chains run on
// their own goroutines. A Bayes holds no state: Fit may be called
// concurrently.
//
// # Memory
//
// The daily level is kept for the retained draws (as float32, for its
// quantiles): 4 bytes × Chains × Iterations × days per share, 13 MB for the
// default sampler on 800 days; Posterior.Draws shares it (Draws.Level).
// That storage is capped at LevelBudget bytes per share: when Chains ×
// Iterations × days would exceed it, only every k-th retained draw of the
// level is kept (Draws.Thin = k, the smallest k that fits; reported as
// Params.Other "level_thin" and a warning), and the draws in between skip
// the path draw altogether. σ, τ and the house effects always keep every
// draw. With the defaults the cap starts to thin beyond 8,388 days (23
// years of daily series); 200 years (73,000 days) keep every 9th draw, 460
// per share, and the level's interval ends carry the larger Monte Carlo
// error of 460 draws. Storage grows as the chains run, so a long run
// cancelled early holds only what it drew.
// Without thinning, on the points scale and without calibrations, the
// chains also keep each day's draws beyond its tail cuts for the summaries
// (bayes_level.go): about 1.2 bytes × Chains × Iterations × days more (4 MB
// on 800 days; not counted in LevelBudget, and not kept when thinning).
//
// Time grows with the polled days, not the span: the σ and τ steps work on
// the days the polls measure (a gap without polls is one step of the
// walk), and only a kept draw fills in the days between them. 20 polls
// over 200 years (71,400 days) take about 1.3 s on two cores (2.7 s of
// CPU) for the default sampler and three shares, most of it drawing and
// summarising the kept level — what the result holds.
type Bayes struct {
	// Model is the model sampled: shares, Level, identification, τ mode,
	// scale and houses are taken from it. Model.Sigma > 0 and
	// Model.Tau = TauFixed(τ) hold σ and τ fixed instead of sampling them.
	Model StateSpace
	// Chains is the number of chains; 0 means 4. One chain still gets a
	// (split) R̂, but chains started apart are what exposes a sampler
	// that has not converged.
	Chains int
	// Warmup is the number of iterations discarded at the start of each
	// chain; 0 means 100 (σ's proposal is close to its posterior, so
	// chains start almost in equilibrium; the τ steps need a few dozen
	// iterations from their dispersed start).
	Warmup int
	// Iterations is the number of draws retained per chain; 0 means 1,000.
	Iterations int
	// Seed seeds every chain (see Reproducibility).
	Seed uint64
	// SigmaPrior is the scale of the half-normal prior of σ, in points
	// per day; 0 means 1.
	SigmaPrior float64
	// TauPrior is the scale of the half-normal prior of τ, in points; 0
	// means 3.
	TauPrior float64
	// Progress, when set, is called after every 100 iterations and at
	// the end of each chain with the chain number (0 … Chains−1 for the
	// first share sampled, Chains … 2·Chains−1 for the second, …), the
	// iterations done and the total. It is called concurrently from the
	// chains' goroutines and must be safe for that.
	Progress func(chain, iter, total int)
}

// LevelBudget is the most memory, in bytes, that Bayes keeps for the
// draws of one share's daily level (see Memory in Bayes).
const LevelBudget = 128 << 20

// levelThin returns the thinning k of the level draws that keeps chains ×
// ⌈iters/k⌉ × days float32 values within budget bytes.
func levelThin(chains, iters, days, budget int) int {
	perChain := budget / 4 / chains // float32 values per chain
	for k := 1; ; k++ {
		if (iters+k-1)/k*days <= perChain || k >= iters {
			return k
		}
	}
}

// Convergence thresholds of the diagnostics (Vehtari et al. 2021).
const (
	RhatMax = 1.01 // largest acceptable split-R̂
	ESSMin  = 400  // smallest acceptable bulk effective sample size
)

// Posterior is what Bayes.Sample returns: the summary and the draws.
type Posterior struct {
	Result *Result         // what Fit returns
	Draws  map[Share]Draws // retained draws of each share sampled
}

// Draws are the retained draws of one share, chain by chain: X[c][i] is
// the i-th retained draw of chain c. Values are on the model scale (points,
// or logit units when Logit is set), unlike the point summaries of Result.
type Draws struct {
	Logit  bool
	Sigma  [][]float64            // daily innovation sd; constant when fixed
	Tau    map[string][][]float64 // τ per group: "" (global) or house label; nil without τ
	Houses map[string][][]float64 // house effect per house label

	// Level holds the daily level, in float32 to halve its memory:
	// Level[c][i·Days + t] is kept draw i of chain c on day t, the date
	// Start + t days (Result.Series[t].Date). Kept draw i is retained
	// iteration i·Thin (Thin = 1 but for very long series: see Memory in
	// Bayes).
	Level [][]float32
	Start time.Time
	Days  int
	Thin  int
}

// LevelAt returns the draws of the level on day t (0 ≤ t < Days) of every
// chain, as float64 on the model scale. It returns nil when no level was
// kept (Days = 0) and, like a slice index, panics when t is outside
// [0, Days): asking for a day the fit does not cover is a programming
// error, not a data condition.
func (d *Draws) LevelAt(t int) [][]float64 {
	if d.Days <= 0 {
		return nil
	}
	if t < 0 || t >= d.Days {
		panic(fmt.Sprintf("aggregate: Draws.LevelAt: day %d outside [0, %d)", t, d.Days))
	}
	out := make([][]float64, len(d.Level))
	for c, l := range d.Level {
		n := len(l) / d.Days
		out[c] = make([]float64, n)
		for i := range n {
			out[c][i] = float64(l[i*d.Days+t])
		}
	}
	return out
}

// Fit samples the posterior and returns its summary (see Bayes). Errors
// are those of StateSpace.Fit, plus ErrConfig for invalid sampler settings
// and ctx.Err() when cancelled.
func (m Bayes) Fit(ctx context.Context, polls []poll.Poll) (*Result, error) {
	p, err := m.Sample(ctx, polls)
	if p == nil {
		return nil, err
	}
	return p.Result, err // err lists the polls left out, if any
}

// Sample is Fit keeping the draws of σ, τ and the house effects.
func (m Bayes) Sample(ctx context.Context, polls []poll.Poll) (*Posterior, error) {
	return m.sample(ctx, polls, LevelBudget)
}

// sample is Sample with the level draws capped at budget bytes per share
// (LevelBudget; the tests use smaller ones).
func (m Bayes) sample(ctx context.Context, polls []poll.Poll, budget int) (*Posterior, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	ps, err := readPolls(polls, m.Model.rules())
	if err != nil {
		return nil, err
	}
	type fitted struct {
		res   *ShareResult
		draws Draws
	}
	shares, fits, warnings, err := eachShare("Bayes.Model.Shares", m.Model.Shares, func(i int, s Share) (fitted, error) {
		res, draws, err := m.sampleShare(ctx, ps, s, i, budget)
		return fitted{res, draws}, err
	})
	if err != nil {
		return nil, err
	}
	results := make([]*ShareResult, len(fits))
	out := &Posterior{Draws: map[Share]Draws{}}
	for i, s := range shares {
		results[i] = fits[i].res
		out.Draws[s] = fits[i].draws
	}
	out.Result = assemble("bayes", m.Model.level(), results)
	out.Result.Warnings = append(out.Result.Warnings, warnings...)
	return out, ps.finish(out.Result)
}

func (m Bayes) check() error {
	switch {
	case m.Chains < 0:
		return fmt.Errorf("%w: Bayes.Chains %d", ErrConfig, m.Chains)
	case m.Warmup < 0:
		return fmt.Errorf("%w: Bayes.Warmup %d", ErrConfig, m.Warmup)
	case m.Iterations < 0 || (m.Iterations > 0 && m.Iterations < 4):
		return fmt.Errorf("%w: Bayes.Iterations %d (need at least 4)", ErrConfig, m.Iterations)
	case m.SigmaPrior < 0 || math.IsNaN(m.SigmaPrior) || math.IsInf(m.SigmaPrior, 0):
		return fmt.Errorf("%w: Bayes.SigmaPrior %v", ErrConfig, m.SigmaPrior)
	case m.TauPrior < 0 || math.IsNaN(m.TauPrior) || math.IsInf(m.TauPrior, 0):
		return fmt.Errorf("%w: Bayes.TauPrior %v", ErrConfig, m.TauPrior)
	case m.Model.FieldAverage:
		// The sampler's path draws (FFBS) use the tridiagonal factor of
		// the midpoint model; field averaging is StateSpace only.
		return fmt.Errorf("%w: Bayes does not support StateSpace.FieldAverage (use StateSpace)", ErrConfig)
	}
	return m.Model.check()
}

func orDefault[T int | float64](v, def T) T {
	if v == 0 {
		return def
	}
	return v
}

// bayesShare is the sampling problem of one share, shared read-only by its
// chains.
type bayesShare struct {
	sm       *shareModel
	estSigma bool
	estTau   bool
	sigma0   float64   // fixed σ when !estSigma
	tau0     []float64 // ML τ̂ (start) or the fixed τ

	sigPrior, tauPrior float64 // half-normal scales on the model scale

	prop    *gridProposal   // independence proposal of log σ
	tauProp []*gridProposal // independence proposal of each τ

	warmup, iters int
	thin          int        // keep the level of every thin-th retained draw (levelThin)
	cuts          *levelCuts // the chains stream the kept level (bayes_level.go); nil: summarise gathers it
	seed          uint64
	stream        uint64
	progress      func(iter, total int)
}

// chainOut is what one chain produces.
type chainOut struct {
	sigma     []float64
	tau       [][]float64 // [group][iter]
	beta      [][]float64 // [full constant][iter]: level on day 0, then houses
	latent    []float32   // kept draw × nDays, model scale (every thin-th iteration)
	accept    int         // accepted σ proposals after warm-up
	tauAccept []int       // accepted τ proposals after warm-up, per group
	stats     *levelStats // the kept level streamed (bayesShare.cuts), or nil
}

func (b *bayesShare) logPrior(sigma float64) float64 {
	return -sigma * sigma / (2 * b.sigPrior * b.sigPrior)
}

func (b *bayesShare) logPriorTau(tau float64) float64 {
	return -tau * tau / (2 * b.tauPrior * b.tauPrior)
}

// gridProposal is an independence Metropolis–Hastings proposal built once
// per share from the target itself: its log density is the linear
// interpolation of the target's log density on a grid of gridPoints points,
// with exponential tails outside. Drawing from a piecewise-exponential
// density is exact (inverse CDF per segment), and as the interpolation
// error of a smooth log density on a grid of step 0.25 sd is below 0.01,
// nearly every proposal is accepted and successive draws are nearly
// independent. The tails are at least as heavy as the target's, which
// keeps the independence sampler uniformly ergodic (Tierney 1994).
//
// For u = log σ the grid spans ±gridHalfWidth Laplace sds around the
// posterior mode; the left tail's slope is capped at 1, the slope of the
// log posterior as σ → 0, where the likelihood tends to a constant. For τ
// (natural scale) the grid runs from 0, or from where the density has
// fallen by gridDrop, to where it has fallen by gridDrop on the right,
// and has no left tail when it starts at 0.
type gridProposal struct {
	u0, h float64   // grid start and step
	f     []float64 // log density at the grid points (max 0)
	cum   []float64 // cumulative mass: left tail, segments, right tail
	lamL  float64   // left tail: f₀ + lamL·(u − u₀); 0: none (support starts at u₀)
	lamR  float64   // right tail: f_G − lamR·(u − u_G)
}

const (
	gridPoints    = 57
	gridHalfWidth = 7.0
	gridDrop      = 25.0 // log-density drop that bounds the τ grid
)

// newGridProposal builds the proposal from the log target lp (up to a
// constant) on [lo, hi]; leftTail says whether the support extends below lo.
func newGridProposal(lp func(float64) float64, lo, hi float64, leftTail bool, maxSlopeL float64) *gridProposal {
	p := &gridProposal{u0: lo, h: (hi - lo) / (gridPoints - 1)}
	p.f = make([]float64, gridPoints)
	top := math.Inf(-1)
	for j := range p.f {
		p.f[j] = lp(p.u0 + float64(j)*p.h)
		if !math.IsNaN(p.f[j]) {
			top = max(top, p.f[j])
		}
	}
	for j := range p.f {
		p.f[j] -= top
		if math.IsNaN(p.f[j]) || p.f[j] < -700 {
			p.f[j] = -700 // numerically zero, but keeps every segment drawable
		}
	}
	G := gridPoints - 1
	span := hi - lo
	if leftTail {
		p.lamL = min(max((p.f[1]-p.f[0])/p.h, 1/span), maxSlopeL)
	}
	p.lamR = max(-(p.f[G]-p.f[G-1])/p.h, 1/span)
	masses := make([]float64, 0, G+2)
	if p.lamL > 0 {
		masses = append(masses, math.Exp(p.f[0])/p.lamL)
	} else {
		masses = append(masses, 0)
	}
	for j := range G {
		masses = append(masses, segmentMass(p.f[j], p.f[j+1], p.h))
	}
	masses = append(masses, math.Exp(p.f[G])/p.lamR)
	p.cum = make([]float64, len(masses))
	acc := 0.0
	for i, m := range masses {
		acc += m
		p.cum[i] = acc
	}
	return p
}

// newSigmaProposal is the proposal of u = log σ around the posterior mode
// mu with Laplace scale s.
func newSigmaProposal(lp func(float64) float64, mu, s float64) *gridProposal {
	return newGridProposal(lp, mu-gridHalfWidth*s, mu+gridHalfWidth*s, true, 1)
}

// newTauProposal is the proposal of τ ≥ 0 given the log target lp, whose
// mode is near x0 (≥ 0), with w a rough scale of the posterior.
func newTauProposal(lp func(float64) float64, x0, w float64) *gridProposal {
	top := lp(x0)
	hi := x0 + w
	for j := 0; j < 60 && !(lp(hi) < top-gridDrop); j++ {
		w *= 2
		hi = x0 + w
	}
	lo, left := 0.0, false
	if lp(0) < top-gridDrop {
		wl := x0 / 2
		for j := 0; j < 60 && lp(x0-wl) >= top-gridDrop; j++ {
			wl = (x0 + wl) / 2 // approach 0 from above
		}
		lo, left = x0-wl, true
	}
	return newGridProposal(lp, lo, hi, left, math.Inf(1))
}

// segmentMass is ∫₀ʰ exp(a + (b − a)x/h) dx.
func segmentMass(a, b, h float64) float64 {
	d := b - a
	if math.Abs(d) < 1e-9 {
		return h * math.Exp(a)
	}
	return h * (math.Exp(b) - math.Exp(a)) / d
}

// logDensity returns the proposal's log density at u, up to the constant
// shared by every u.
func (p *gridProposal) logDensity(u float64) float64 {
	G := gridPoints - 1
	x := (u - p.u0) / p.h
	switch {
	case x < 0:
		if p.lamL == 0 {
			return math.Inf(-1)
		}
		return p.f[0] + p.lamL*(u-p.u0)
	case x >= float64(G):
		return p.f[G] - p.lamR*(u-(p.u0+float64(G)*p.h))
	}
	j := int(x)
	w := x - float64(j)
	return p.f[j] + w*(p.f[j+1]-p.f[j])
}

// draw returns one draw of u.
func (p *gridProposal) draw(rng *rand.Rand) float64 {
	G := gridPoints - 1
	v := rng.Float64() * p.cum[len(p.cum)-1]
	i, _ := slices.BinarySearch(p.cum, v)
	i = min(i, len(p.cum)-1)
	switch i {
	case 0:
		return p.u0 - rng.ExpFloat64()/p.lamL
	case G + 1:
		return p.u0 + float64(G)*p.h + rng.ExpFloat64()/p.lamR
	}
	j := i - 1
	d := (p.f[j+1] - p.f[j]) / p.h // slope within the segment
	r := rng.Float64()
	var x float64
	if math.Abs(d*p.h) < 1e-9 {
		x = r * p.h
	} else {
		// Inverse CDF of the density ∝ exp(d·x) on [0, h].
		x = math.Log1p(r*math.Expm1(d*p.h)) / d
	}
	return p.u0 + float64(j)*p.h + min(max(x, 0), p.h)
}

// run executes one chain.
func (b *bayesShare) run(ctx context.Context, chain int) (*chainOut, error) {
	sm := b.sm
	o := sm.o
	rng := newChainRand(b.seed, b.stream+uint64(chain))
	cur := newCore(o, sm.c, sm.tauOf, sm.nTau)
	prop := newCore(o, sm.c, sm.tauOf, sm.nTau)
	nFull := sm.c.nFull
	k := sm.c.k()
	T := o.nDays

	// The draws are appended as they come (capacity for at most
	// growChunk iterations up front), so a run cancelled early holds only
	// what it drew.
	capHint := min(b.iters, growChunk)
	out := &chainOut{sigma: make([]float64, 0, capHint), latent: make([]float32, 0, (capHint+b.thin-1)/b.thin*T)}
	out.tau = make([][]float64, sm.nTau)
	out.tauAccept = make([]int, sm.nTau)
	for g := range out.tau {
		out.tau[g] = make([]float64, 0, capHint)
	}
	out.beta = make([][]float64, nFull)
	for a := range out.beta {
		out.beta[a] = make([]float64, 0, capHint)
	}
	if b.cuts != nil {
		out.stats = newLevelStats(T, b.cuts.room)
	}

	// Start from the proposals, which approximate the marginal posteriors
	// (in the spirit of initialising from an approximation, as Stan's
	// Pathfinder does): chains start near equilibrium and R̂ checks that
	// they agree. Far-out starts are not used on purpose: the proposals
	// fit the conditionals near the mode, and started at half or twice τ̂
	// on a share with τ̂ = 1.7, where σ and τ trade off, the chains needed
	// more than 50 warm-up iterations to find the mode.
	tau := append([]float64(nil), b.tau0...)
	u := math.Log(b.sigma0)
	ll := math.Inf(-1)
	for try := 0; try < 100 && (math.IsInf(ll, -1) || math.IsNaN(ll)); try++ {
		if b.estTau {
			for g := range tau {
				tau[g] = math.Abs(b.tauProp[g].draw(rng.Rand))
			}
		}
		if b.estSigma {
			u = b.prop.draw(rng.Rand)
		}
		ll = cur.eval(math.Exp(u), tau)
	}
	if math.IsInf(ll, -1) || math.IsNaN(ll) {
		return nil, fmt.Errorf("%w: chain %d found no starting point with a finite likelihood", ErrTooFewPolls, chain)
	}

	gamma := make([]float64, k)
	beta := make([]float64, nFull)
	trial := make([]float64, len(tau))
	total := b.warmup + b.iters
	for it := 0; it < total; it++ {
		if it%16 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		// 1. σ | τ, y by independence Metropolis–Hastings on log σ.
		if b.estSigma {
			u2 := b.prop.draw(rng.Rand)
			ll2 := prop.eval(math.Exp(u2), tau)
			if !math.IsInf(ll2, -1) && !math.IsNaN(ll2) {
				logA := ll2 + b.logPrior(math.Exp(u2)) + u2 - (ll + b.logPrior(math.Exp(u)) + u) +
					b.prop.logDensity(u) - b.prop.logDensity(u2)
				if logA >= 0 || math.Log(rng.Float64()) < logA {
					u, ll = u2, ll2
					cur, prop = prop, cur
					if it >= b.warmup {
						out.accept++
					}
				}
			}
		}
		// 2. τ_g | σ, τ_−g, y by independence Metropolis–Hastings.
		if b.estTau {
			sigma := math.Exp(u)
			for g := range tau {
				x := b.tauProp[g].draw(rng.Rand)
				if x < 0 {
					continue // outside the support: rejected
				}
				copy(trial, tau)
				trial[g] = x
				ll2 := prop.eval(sigma, trial)
				if math.IsInf(ll2, -1) || math.IsNaN(ll2) {
					continue
				}
				logA := ll2 + b.logPriorTau(x) - ll - b.logPriorTau(tau[g]) +
					b.tauProp[g].logDensity(tau[g]) - b.tauProp[g].logDensity(x)
				if logA >= 0 || math.Log(rng.Float64()) < logA {
					tau[g], ll = x, ll2
					cur, prop = prop, cur
					if it >= b.warmup {
						out.tauAccept[g]++
					}
				}
			}
		}
		if it < b.warmup {
			if b.progress != nil && (it+1)%100 == 0 {
				b.progress(it+1, total)
			}
			continue
		}
		i := it - b.warmup
		out.sigma = append(out.sigma, math.Exp(u))
		for g := range tau {
			out.tau[g] = append(out.tau[g], tau[g])
		}
		drawConstants(cur, rng.Rand, gamma, beta)
		if i%b.thin == 0 {
			n := len(out.latent)
			out.latent = slices.Grow(out.latent, T)[:n+T]
			drawPath(cur, rng, beta, out.latent[n:])
			if out.stats != nil {
				out.stats.add(b.cuts, out.latent[n:])
			}
		}
		for a, v := range beta {
			out.beta[a] = append(out.beta[a], v)
		}
		if b.progress != nil && ((it+1)%100 == 0 || it+1 == total) {
			b.progress(it+1, total)
		}
	}
	return out, nil
}

// growChunk is the number of iterations a chain makes room for at once.
const growChunk = 4096

// drawConstants draws step 3 of the sampler from the workspace of cr,
// which must hold a successful eval at the current σ, τ: the full
// constants into beta (gamma is workspace of length k).
func drawConstants(cr *core, rng *rand.Rand, gamma, beta []float64) {
	// β | σ, τ, y ~ N(S⁻¹s, S⁻¹): with S = LLᵀ (left in cr by eval),
	// γ = L⁻ᵀ(L⁻¹s + ξ).
	k := len(gamma)
	copy(gamma, cr.rhs)
	forwardSub(cr.s, k, gamma)
	for j := range gamma {
		gamma[j] += rng.NormFloat64()
	}
	backSub(cr.s, k, gamma)
	cr.c.full(gamma, beta)
}

// drawPath draws step 4 of the sampler, the daily level given the
// constants beta (from drawConstants on the same workspace), into lat (one
// value a day): the walk on the nodes from its Gaussian conditional with
// tridiagonal precision (nodePath), then the days between them from the
// Brownian bridges (fillDays).
func drawPath[F float32 | float64](cr *core, rng *chainRand, beta []float64, lat []F) {
	fillDays(cr, cr.nodePath(beta, rng), lat, rng.Rand, math.Sqrt(cr.sigma2))
}

// sampleShare samples one share and summarises it.
func (m Bayes) sampleShare(ctx context.Context, ps *pollSet, s Share, shareIdx, budget int) (*ShareResult, Draws, error) {
	sm, err := m.Model.prepare(ps, s)
	if err != nil {
		return nil, Draws{}, err
	}
	o := sm.o
	chains := orDefault(m.Chains, 4)
	b := &bayesShare{
		sm:       sm,
		warmup:   orDefault(m.Warmup, 100),
		iters:    orDefault(m.Iterations, 1000),
		thin:     levelThin(chains, orDefault(m.Iterations, 1000), o.nDays, budget),
		seed:     m.Seed,
		stream:   uint64(s) << 32, // by share, not position: a share's draws do not depend on the others asked for
		sigPrior: orDefault(m.SigmaPrior, 1.0),
		tauPrior: orDefault(m.TauPrior, 3.0),
	}
	if sm.logit {
		b.sigPrior /= 25
		b.tauPrior /= 25
	}
	b.estSigma = sm.estSigma
	b.estTau = sm.nTau > 0 && sm.fixedTau == nil
	b.sigma0 = m.Model.Sigma
	if !(b.sigma0 > 0) {
		b.sigma0 = 1 // one day: σ does not enter the likelihood
	}

	// Start values and proposal from the ML fit: τ̂ starts the chains,
	// and the σ proposal is centred on the posterior mode of log σ at τ̂.
	cr := newCore(o, sm.c, sm.tauOf, sm.nTau)
	fit, err := maximise(ctx, cr, m.Model.Sigma, sm.fixedTau)
	if err != nil {
		if errors.Is(err, errNotIdentified) {
			return nil, Draws{}, fmt.Errorf("%w: the polls of %s do not identify the house effects under %v identification", ErrTooFewPolls, s, m.Model.Identify)
		}
		return nil, Draws{}, err
	}
	if !cr.ok {
		return nil, Draws{}, fmt.Errorf("%w: the polls of %s do not identify the house effects under %v identification", ErrTooFewPolls, s, m.Model.Identify)
	}
	b.tau0 = append([]float64(nil), fit.tau...)
	sigmaMode := b.sigma0
	if b.estSigma {
		negLP := func(u float64) float64 {
			v := cr.eval(math.Exp(u), b.tau0)
			if math.IsInf(v, -1) || math.IsNaN(v) {
				return math.Inf(1)
			}
			return -(v + b.logPrior(math.Exp(u)) + u)
		}
		u, f0, _, err := brentMin(ctx, negLP, logSigmaRange[0], logSigmaRange[1], 1e-6)
		if err != nil {
			return nil, Draws{}, err
		}
		const h = 0.01
		d2 := (negLP(u+h) - 2*f0 + negLP(u-h)) / (h * h)
		sd := 1.0
		if d2 > 0 && !math.IsInf(d2, 0) {
			sd = 1 / math.Sqrt(d2)
		}
		if b.estTau {
			// The conditional of σ moves with τ: a wider grid keeps the
			// tails covered.
			sd *= 1.5
		}
		b.prop = newSigmaProposal(func(u float64) float64 { return -negLP(u) }, u, sd)
		sigmaMode = math.Exp(u)
	}
	if b.estTau {
		// Each τ's proposal from its conditional at σ̂ and the other τ̂.
		sigma := max(fit.sigma, 1e-4)
		trial := make([]float64, len(b.tau0))
		for g := range b.tau0 {
			lp := func(x float64) float64 {
				if x < 0 {
					return math.Inf(-1)
				}
				copy(trial, b.tau0)
				trial[g] = x
				v := cr.eval(sigma, trial)
				if math.IsNaN(v) {
					return math.Inf(-1)
				}
				return v + b.logPriorTau(x)
			}
			b.tauProp = append(b.tauProp, newTauProposal(lp, b.tau0[g], max(b.tau0[g]/4, b.tauPrior/20)))
		}
	}

	if !sm.logit && len(o.cal.rows) == 0 && b.thin == 1 {
		// The chains stream the kept level's summaries (bayes_level.go),
		// about the smoothed level at the mode.
		if ll := cr.eval(sigmaMode, b.tau0); !math.IsInf(ll, -1) && !math.IsNaN(ll) {
			sd := cr.smooth()
			z := distuv.UnitNormal.Quantile(0.5 + m.Model.level()/2)
			b.cuts = newLevelCuts(sd.mean, sd.sd, z, b.iters)
		}
	}
	outs := make([]*chainOut, chains)
	errs := make([]error, chains)
	var wg sync.WaitGroup
	for c := range chains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			bc := *b
			if m.Progress != nil {
				id := shareIdx*chains + c
				bc.progress = func(iter, total int) { m.Progress(id, iter, total) }
			}
			outs[c], errs[c] = bc.run(ctx, c)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		if ctx.Err() != nil {
			return nil, Draws{}, ctx.Err()
		}
		return nil, Draws{}, err
	}
	// Shared calibration errors of corrected polls (correction.go).
	cal, err := b.addCalibrationDraws(ctx, outs)
	if err != nil {
		return nil, Draws{}, err
	}
	res, d := b.summarise(outs, m.Model.level(), s)
	recordCorrections(res, o, cal)
	sm.expand(res)
	res.Warnings = append(append([]string(nil), sm.warnings...), res.Warnings...)
	return res, d, nil
}

// summarise turns the chains' draws into a Result and Draws.
func (b *bayesShare) summarise(outs []*chainOut, level float64, s Share) (*ShareResult, Draws) {
	sm := b.sm
	o := sm.o
	T := o.nDays
	chains := len(outs)
	n := b.iters
	res := &ShareResult{Share: s}
	d := Draws{Logit: sm.logit, Start: o.date(0), Days: T, Thin: b.thin}
	for _, out := range outs {
		d.Level = append(d.Level, out.latent)
	}
	nLevel := len(outs[0].latent) / T // kept level draws per chain
	var warnings []string
	if b.thin > 1 {
		warnings = append(warnings, fmt.Sprintf("the daily level is summarised from every %d-th draw (%d per chain) to keep its draws within %d MiB; σ, τ and the house effects use all %d",
			b.thin, nLevel, LevelBudget>>20, n))
	}
	diag := func(name string, x [][]float64) {
		r, e := rhatBulkESS(x)
		if math.IsNaN(r) || math.IsNaN(e) {
			return // a constant quantity (fixed, or a one-day series)
		}
		res.Diagnostics = append(res.Diagnostics,
			Diagnostic{Name: "rhat[" + name + "]", Value: r, OK: r < RhatMax, Note: "rank-normalised split-R̂"},
			Diagnostic{Name: "ess[" + name + "]", Value: e, OK: e >= ESSMin, Note: "bulk effective sample size"})
		if !(r < RhatMax) || !(e >= ESSMin) {
			warnings = append(warnings, fmt.Sprintf("%s: R̂ %.3f, bulk ESS %.0f (want R̂ < %.2f, ESS ≥ %d): run longer chains",
				name, r, e, RhatMax, ESSMin))
		}
	}
	perChain := func(get func(*chainOut) []float64) [][]float64 {
		x := make([][]float64, chains)
		for c, out := range outs {
			x[c] = get(out)
		}
		return x
	}

	// σ.
	d.Sigma = perChain(func(c *chainOut) []float64 { return c.sigma })
	mean, sd := pooledMeanSD(d.Sigma)
	res.Params = Params{Sigma: mean, SigmaSE: sd, Other: map[string]float64{"draws": float64(chains * n)}}
	if b.estSigma {
		diag("sigma", d.Sigma)
		res.Params.Other["sigma_mcse"] = MCSE(d.Sigma)
		acc := 0
		for _, out := range outs {
			acc += out.accept
		}
		res.Params.Other["sigma_acceptance"] = float64(acc) / float64(chains*n)
	} else {
		// Held fixed: report it exactly (0 when σ does not enter).
		res.Params.Sigma, res.Params.SigmaSE = b.sigma0, 0
		if o.nDays == 1 {
			res.Params.Sigma = 0
		}
	}
	if b.estTau {
		acc := 0
		for _, out := range outs {
			for _, a := range out.tauAccept {
				acc += a
			}
		}
		res.Params.Other["tau_acceptance"] = float64(acc) / float64(chains*n*sm.nTau)
	}
	if sm.logit {
		res.Params.Other["logit"] = 1
	}
	if b.thin > 1 {
		res.Params.Other["level_thin"] = float64(b.thin)
	}

	// Latent level: pool the draws of each day.
	// The draws of a day are gathered for dayBlock days at a time: a kept
	// draw holds the days side by side, so one pass over the draws reads
	// each cache line of the level once, not once per day.
	// Days the chains streamed (bayes_level.go) need none of this.
	const dayBlock = 16
	var bufs [][]float64
	gathered := -1 // the block in bufs
	scratch := make([]float64, 2*chains*nLevel)
	gather := func(t0 int) {
		if bufs == nil {
			bufs = make([][]float64, dayBlock)
			for j := range bufs {
				bufs[j] = make([]float64, chains*nLevel)
			}
		}
		gathered = t0 / dayBlock
		w := min(dayBlock, T-t0)
		for c, out := range outs {
			for i := range nLevel {
				row := out.latent[i*T+t0 : i*T+t0+w]
				for j, v := range row {
					bufs[j][c*nLevel+i] = float64(v)
				}
			}
		}
	}
	tr := transform{logit: sm.logit}
	tau2 := 0.0 // posterior mean of the poll-weighted τ², model scale
	if sm.nTau > 0 {
		for h, cnt := range o.counts {
			g := sm.tauOf[h]
			for _, out := range outs {
				for _, v := range out.tau[g] {
					tau2 += float64(cnt) * v * v
				}
			}
		}
		tau2 /= float64(sumInts(o.counts) * chains * n)
	}
	bandVar := o.meanS2() + tau2
	z := distuv.UnitNormal.Quantile(0.5 + level/2)
	res.Series = make([]Point, T)
	pLo, pHi := (1-level)/2, (1+level)/2
	cutZ := max(z-0.5, 0)
	modelMean := make([]float64, T) // model-scale posterior means
	var stats []*levelStats
	if b.cuts != nil {
		for _, out := range outs {
			stats = append(stats, out.stats)
		}
	}
	for t := range T {
		var lm, lv, mu, v, lo, hi float64
		ok := false
		if b.cuts != nil {
			lm, lv, lo, hi, ok = streamedDay(b.cuts, stats, t, chains*nLevel, pLo, pHi, scratch)
			mu, v = lm, lv
		}
		if !ok {
			if t/dayBlock != gathered {
				gather(t - t%dayBlock)
			}
			buf := bufs[t%dayBlock]
			lm, lv = stat.MeanVariance(buf, nil)
			mu, v = lm, lv
			if sm.logit {
				for i, x := range buf {
					buf[i] = invLogit(x)
				}
				mu, v = stat.MeanVariance(buf, nil)
			}
			sdt := math.Sqrt(v)
			lo, hi = tailQuantiles(buf, pLo, pHi, mu-cutZ*sdt, mu+cutZ*sdt, scratch)
		}
		modelMean[t] = lm
		sdt := math.Sqrt(v)
		p := Point{Date: o.date(t), Mean: mu, SD: sdt, Lower: lo, Upper: hi}
		// The band adds a new poll's noise z²·bandVar in quadrature to each
		// side of the posterior interval, so it is never narrower than the
		// interval: mean ± z·√(sd² + bandVar) was, on either side, when the
		// posterior is skewed or heavy-tailed (few polls, far anchors; found
		// by the degenerate tests). For a normal posterior the two agree.
		band := func(m, lo, hi float64) (float64, float64) {
			return m - math.Sqrt((m-lo)*(m-lo)+z*z*bandVar), m + math.Sqrt((hi-m)*(hi-m)+z*z*bandVar)
		}
		if sm.logit {
			// On the model scale (quantiles map through the monotone
			// logit), then back.
			bl, bh := band(lm, logitPoints(lo), logitPoints(hi))
			p.PollLower, p.PollUpper = invLogit(bl), invLogit(bh)
		} else {
			p.PollLower, p.PollUpper = band(mu, lo, hi)
		}
		clampPoint(&p)
		res.Series[t] = p
	}
	// Latent diagnostics on five days, reported as the worst.
	worstR, worstE := math.Inf(-1), math.Inf(1)
	var worstDays []string
	for _, t := range []int{0, (T - 1) / 4, (T - 1) / 2, 3 * (T - 1) / 4, T - 1} {
		x := d.LevelAt(t)
		r, e := rhatBulkESS(x)
		if math.IsNaN(r) || math.IsNaN(e) {
			continue
		}
		worstR, worstE = max(worstR, r), min(worstE, e)
		worstDays = append(worstDays, o.date(t).Format("2006-01-02"))
	}
	if len(worstDays) > 0 {
		note := "over the level on " + strings.Join(worstDays, ", ")
		res.Diagnostics = append(res.Diagnostics,
			Diagnostic{Name: "rhat[level]", Value: worstR, OK: worstR < RhatMax, Note: "largest rank-normalised split-R̂ " + note},
			Diagnostic{Name: "ess[level]", Value: worstE, OK: worstE >= ESSMin, Note: "smallest bulk effective sample size " + note})
		if !(worstR < RhatMax) || !(worstE >= ESSMin) {
			warnings = append(warnings, fmt.Sprintf("level: R̂ %.3f, bulk ESS %.0f (want R̂ < %.2f, ESS ≥ %d): run longer chains",
				worstR, worstE, RhatMax, ESSMin))
		}
	}

	// House effects (points, converted as StateSpace does on the logit
	// scale: at the mean level of the series).
	scale := tr.houseScale(modelMean)
	d.Houses = map[string][][]float64{}
	for h, name := range o.houses {
		x := perChain(func(c *chainOut) []float64 { return c.beta[1+h] })
		d.Houses[name] = x
		mu, sdh := pooledMeanSD(x)
		res.Houses = append(res.Houses, HouseEffect{Pollster: name, Value: scale * mu, SE: scale * sdh, Polls: o.counts[h]})
		diag("house "+name, x)
	}

	// τ.
	if sm.nTau > 0 {
		d.Tau = map[string][][]float64{}
		res.Params.Tau = map[string]float64{}
		names := make([]string, sm.nTau)
		if sm.nTau == 1 {
			names[0] = ""
		} else {
			for h, name := range o.houses {
				names[sm.tauOf[h]] = name
			}
		}
		for g, name := range names {
			x := perChain(func(c *chainOut) []float64 { return c.tau[g] })
			d.Tau[name] = x
			mu, _ := pooledMeanSD(x)
			if !b.estTau {
				mu = b.tau0[g] // fixed: exactly
			}
			res.Params.Tau[name] = scale * mu
			if b.estTau {
				label := "tau"
				if name != "" {
					label = "tau " + name
				}
				diag(label, x)
			}
		}
	}
	res.Warnings = warnings
	return res, d
}

// tailQuantiles returns the type-7 (linear interpolation, R's default)
// quantiles at pLo and pHi of x, which it may reorder. Only the order
// statistics beyond a cut matter for a tail quantile, so one pass over x
// gathers the draws below cutLo and those above cutHi into scratch (2·len(x)
// values; nil allocates), without a branch, and each quantile is selected
// there instead of over all of x. When a tail holds too few draws (cut
// badly placed) its selection runs on all of x, so the result does not
// depend on the cuts.
func tailQuantiles(x []float64, pLo, pHi, cutLo, cutHi float64, scratch []float64) (lo, hi float64) {
	n := len(x)
	if cap(scratch) < 2*n {
		scratch = make([]float64, 2*n)
	}
	below, above := scratch[:n], scratch[n:2*n]
	nb, na := 0, 0
	for _, v := range x {
		below[nb] = v
		above[na] = v
		if v < cutLo {
			nb++
		}
		if v > cutHi {
			na++
		}
	}
	var ok bool
	if lo, ok = tailPick(n, pLo, below[:nb], true); !ok {
		lo, _ = tailPick(n, pLo, x, true)
	}
	if hi, ok = tailPick(n, pHi, above[:na], false); !ok {
		hi, _ = tailPick(n, pHi, x, false)
	}
	return lo, hi
}

// tailPick returns the type-7 quantile at p of n draws from a tail of them,
// which it may reorder: the draws below a cut (lower) or above one, or all
// n. ok is false when the tail holds too few draws for the quantile.
func tailPick(n int, p float64, tail []float64, lower bool) (q float64, ok bool) {
	h := p * float64(n-1)
	k := int(math.Floor(h))
	frac := h - float64(k)
	c := len(tail)
	kk := k
	switch {
	case lower && k+1 < c:
	case !lower && k >= n-c:
		kk = k - (n - c)
	case c == n:
	default:
		return 0, false
	}
	v := selectKth(tail, kk)
	if frac == 0 || kk+1 >= c {
		return v, true
	}
	next := math.Inf(1)
	for _, w := range tail[kk+1:] {
		next = min(next, w)
	}
	return v + frac*(next-v), true
}

// selectKth partially orders x so that x[k] is its k-th smallest element
// (0-based), everything before it ≤ and everything after it ≥, and returns
// it (Hoare's selection with a median-of-three pivot; deterministic).
func selectKth(x []float64, k int) float64 {
	lo, hi := 0, len(x)-1
	for lo < hi {
		mid := lo + (hi-lo)/2
		// Median of three to x[mid].
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		pivot := x[mid]
		i, j := lo, hi
		for i <= j {
			for x[i] < pivot {
				i++
			}
			for x[j] > pivot {
				j--
			}
			if i <= j {
				x[i], x[j] = x[j], x[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return x[k]
		}
	}
	return x[k]
}

// addCalibrationDraws adds the shared calibration errors of corrected
// polls to the retained draws of every chain: for each draw, an error
// c_k ~ N(0, 1) per calibration k, drawn from its own PCG stream (Seed,
// share·2³² + 2³¹), moves the daily level by c_k·h_{k,t} and the constants
// by c_k times their response, with h the response of calibrationPass at
// the posterior means of σ and τ (a plug-in: h changes little with σ and
// τ). Drawing c_k from its prior ignores the little the polls say about
// it (a calibration error is confounded with the level wherever every
// poll is corrected alike). The quantile intervals, the house effects'
// sds and Draws then include the calibration uncertainty.
func (b *bayesShare) addCalibrationDraws(ctx context.Context, outs []*chainOut) (*calibrationEffect, error) {
	sm := b.sm
	o := sm.o
	if len(o.cal.rows) == 0 {
		return nil, nil
	}
	sigma, n := 0.0, 0
	tau := make([]float64, sm.nTau)
	for _, out := range outs {
		for i, s := range out.sigma {
			sigma += s
			n++
			for g := range tau {
				tau[g] += out.tau[g][i]
			}
		}
	}
	sigma /= float64(n)
	for g := range tau {
		tau[g] /= float64(n)
	}
	eff, err := calibrationPass(ctx, o, sm.c, sm.tauOf, sm.nTau, sigma, tau, sm.fid, false)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(b.seed, b.stream+1<<31))
	T := o.nDays
	z := make([]float64, len(eff.h))
	for _, out := range outs {
		for i := range out.sigma {
			for k := range z {
				z[k] = rng.NormFloat64()
			}
			if i%b.thin == 0 { // the level is kept for every thin-th draw
				j := i / b.thin
				lat := out.latent[j*T : (j+1)*T]
				for t := range lat {
					v := 0.0
					for k, h := range eff.h {
						v += z[k] * h[t]
					}
					lat[t] += float32(v)
				}
			}
			for a := range out.beta {
				for k, beta := range eff.beta {
					out.beta[a][i] += z[k] * beta[a]
				}
			}
		}
	}
	return eff, nil
}
