package forensics

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// IntegerTest is Kobak, Shpilkin & Pshenichnikov's (2016) test for an
// excess of polling stations reporting a whole-number percentage of
// turnout or of the leader's share, as their public code runs it
// (dkobak/elections, analysis/2024/2024.ipynb, function anomaly): the
// observed count against its distribution when every station's counts
// are redrawn from binomial distributions centred on its own rates. The
// zero value is their setting with a seed of 0.
type IntegerTest struct {
	// Leader names the candidate whose share is tested (Election.Candidate
	// rules); "" means the candidate with the most votes.
	Leader string
	// Replicates of the Monte Carlo null; 0 means 1000.
	Replicates int
	// Seed of the Monte Carlo; the same seed gives the same result.
	Seed uint64
	// MinVoters excludes stations with fewer registered voters, whose
	// few possible percentages make simple fractions (1/2, 2/3) common;
	// 0 means 100.
	MinVoters int
	// MaxPercent excludes stations whose turnout or leader's share is
	// above it, in percent; 0 means 99.
	MaxPercent float64
	// Window is the width, in percentage points, of the bin around each
	// whole number that counts as "integer": a percentage p is integer
	// when |p − round(p)| ≤ Window/2. 0 means 0.1.
	Window float64
	// Level of the interval of the excess; 0 means 0.95.
	Level float64
	// Progress, when set, is called after each replicate with the number
	// done and the total.
	Progress func(done, total int)
}

// Excess is an observed count of integer stations set against its
// Monte Carlo null distribution.
type Excess struct {
	Observed int     // stations observed integer
	Expected float64 // mean of the Monte Carlo counts
	SD       float64 // their standard deviation
	// Excess is Observed − Expected: how many more stations report a
	// whole percentage than smooth, binomially varying counts would.
	Excess float64
	// Lower and Upper are the Level interval of the excess: Observed
	// minus the upper and lower Level quantiles of the Monte Carlo counts.
	Lower, Upper float64
	// P is the one-sided Monte Carlo p-value of a count this large:
	// (1 + #{replicates ≥ Observed})/(1 + replicates).
	P float64
	// NullMean and NullSD are the exact mean and standard deviation of
	// the null count (a sum of independent Bernoulli variables, one per
	// station, with the probability q of an integer percentage under the
	// binomial null: Σq and √Σq(1−q)), against which the Monte Carlo can
	// be checked.
	NullMean, NullSD float64
}

// IntegerCount holds the three counts of a set of stations: turnout or
// share integer (Kobak et al.'s headline count), turnout integer, share
// integer.
type IntegerCount struct {
	Region   string // "" for the national count
	Stations int    // stations analysed
	Either   Excess
	Turnout  Excess
	Share    Excess
}

// IntegerResult is the outcome of an IntegerTest.
type IntegerResult struct {
	Candidate  string
	Replicates int
	Seed       uint64
	Level      float64
	Window     float64
	MinVoters  int
	MaxPercent float64
	Stations   int // stations analysed
	// Excluded counts the stations left out, by reason.
	Excluded struct {
		FewVoters   int // registered < MinVoters
		NoBallots   int // no valid or invalid ballot
		HighTurnout int // turnout > MaxPercent
		HighShare   int // leader's share > MaxPercent (and turnout not)
		// TooLarge: registered voters or cast ballots above 1,000,000.
		// No polling station is that large, and a station's binomial
		// sums would cost in proportion to its size.
		TooLarge int
	}
	National IntegerCount
	// Regions in order of first appearance; regions with no station
	// analysed are absent.
	Regions []IntegerCount
}

func (t IntegerTest) withDefaults() (IntegerTest, error) {
	if t.Replicates == 0 {
		t.Replicates = 1000
	}
	if t.MinVoters == 0 {
		t.MinVoters = 100
	}
	if t.MaxPercent == 0 {
		t.MaxPercent = 99
	}
	if t.Window == 0 {
		t.Window = 0.1
	}
	if t.Level == 0 {
		t.Level = 0.95
	}
	switch {
	case t.Replicates < 2:
		return t, fmt.Errorf("%w: IntegerTest.Replicates %d (want ≥ 2)", ErrConfig, t.Replicates)
	case t.MinVoters < 1:
		return t, fmt.Errorf("%w: IntegerTest.MinVoters %d", ErrConfig, t.MinVoters)
	case !(t.MaxPercent > 0 && t.MaxPercent <= 100):
		return t, fmt.Errorf("%w: IntegerTest.MaxPercent %v (want (0, 100])", ErrConfig, t.MaxPercent)
	case !(t.Window > 0 && t.Window < 1):
		return t, fmt.Errorf("%w: IntegerTest.Window %v (want (0, 1) points)", ErrConfig, t.Window)
	case !(t.Level > 0 && t.Level < 1):
		return t, fmt.Errorf("%w: IntegerTest.Level %v (want (0, 1))", ErrConfig, t.Level)
	}
	return t, nil
}

// integerPercent reports whether k/n is a whole percentage within half a
// window w (points): |p − round(p)| ≤ w/2 with p = 100k/n computed in
// float64 as one rounded division, so that the boundary cases fall as in
// Kobak et al.'s numpy code.
func integerPercent(k, n int, w float64) bool {
	p := float64(100*k) / float64(n)
	return math.Abs(p-math.RoundToEven(p)) <= w/2
}

// maxStationVoters is the largest number of registered voters or cast
// ballots of a station IntegerTest analyses (IntegerResult.Excluded.TooLarge).
const maxStationVoters = 1_000_000

// smallN is the denominators below which integerCounts keeps its lists in
// a slice indexed by n rather than in a map.
const smallN = 1 << 16

// integerCounts caches, for each denominator n, the counts k ≤ n whose
// percentage k/n is integerPercent (many stations share a number of
// voters or of ballots), and the log-factorials that prob sums the
// binomial pmf with. Its tables are as long as the largest denominator
// analysed, at most maxStationVoters.
type integerCounts struct {
	w     float64
	small [][]int32       // by n < smallN; nil until first asked
	large map[int][]int32 // the lists of larger n
	inv   []float64       // 1/i
	lf    []float64       // log i!
}

func newIntegerCounts(w float64, maxN int) *integerCounts {
	c := &integerCounts{w: w, small: make([][]int32, min(maxN+1, smallN)), large: map[int][]int32{},
		inv: make([]float64, maxN+2), lf: make([]float64, maxN+1)}
	for i := 1; i < len(c.inv); i++ {
		c.inv[i] = 1 / float64(i)
	}
	for i := range c.lf {
		c.lf[i], _ = math.Lgamma(float64(i) + 1)
	}
	return c
}

// of returns the integer counts of n, ascending.
func (c *integerCounts) of(n int) []int32 {
	if n < len(c.small) {
		if l := c.small[n]; l != nil {
			return l
		}
	} else if l, ok := c.large[n]; ok {
		return l
	}
	var l []int32
	for j := 0; j <= 100; j++ {
		// The counts within w/2 of j points, with one count of slack on
		// each side for the float test to decide the edges.
		a := max(0, int(math.Floor(float64(n)*(float64(j)-c.w/2)/100))-1)
		b := min(n, int(math.Ceil(float64(n)*(float64(j)+c.w/2)/100))+1)
		if len(l) > 0 {
			a = max(a, int(l[len(l)-1])+1)
		}
		for i := a; i <= b; i++ {
			if integerPercent(i, n, c.w) {
				l = append(l, int32(i))
			}
		}
	}
	if n < len(c.small) {
		c.small[n] = l
	} else {
		c.large[n] = l
	}
	return l
}

// prob returns the probability that a count drawn from Binomial(n, k/n)
// is integerPercent: the null probability of a station whose observed
// count is k of n.
func (c *integerCounts) prob(k, n int) float64 {
	if k == 0 || k == n {
		if integerPercent(k, n, c.w) {
			return 1
		}
		return 0
	}
	ints := c.of(n)
	p := float64(k) / float64(n)
	sd := math.Sqrt(float64(n) * p * (1 - p))
	// Beyond 7 sd and 15 counts the binomial mass is below 1e-11 (the 15
	// counts are for the skewed, Poisson-like tails of rates near 0 or
	// 1).
	lo := max(0, int(math.Floor(float64(k)-7*sd-15)))
	hi := min(n, int(math.Ceil(float64(k)+7*sd+15)))
	// Only the integer counts are summed: a run of them (the counts
	// within one window) starts from the pmf by log-factorials and goes
	// on by the ratio pmf(i)/pmf(i−1) = (n−i+1)p/(i(1−p)). The windows
	// are n/100 counts apart, so most counts of the range are skipped.
	lp, lq := math.Log(p), math.Log1p(-p)
	rho := p / (1 - p)
	lfn := c.lf[n]
	j, _ := slices.BinarySearch(ints, int32(lo)) // the first integer count ≥ lo
	hit, w, prev := 0.0, 0.0, -2
	for ; j < len(ints) && int(ints[j]) <= hi; j++ {
		i := int(ints[j])
		if i == prev+1 {
			w *= float64(n-prev) * rho * c.inv[i]
		} else {
			w = math.Exp(lfn - c.lf[i] - c.lf[n-i] + float64(i)*lp + float64(n-i)*lq)
		}
		hit += w
		prev = i
	}
	// The terms' rounding can carry a sum of nearly every count (small n)
	// a few ulps past 1.
	return min(hit, 1)
}

// Run performs the test on e's polling stations. Stations are analysed
// when they have at least MinVoters registered voters and a cast ballot,
// and neither their turnout (ballots issued over registered voters) nor
// the leader's share of the cast ballots exceeds MaxPercent (Kobak et
// al.'s inclusion rule), nor their voters or ballots 1,000,000; the
// others are counted in Excluded.
//
// The null redraws every station's issued ballots from
// Binomial(registered, issued/registered) and the leader's votes from
// Binomial(cast, votes/cast), independently, and counts the integer
// stations. Only whether a redrawn count is integer matters, and a
// station is integer with its exact binomial probability q, so a
// region's count is a sum of independent Bernoulli(q) variables: its
// distribution (Poisson-binomial) is computed exactly, and each
// replicate draws each region's three counts from theirs, the nation's
// being the sum of its regions'. Every count the result reports has the
// distribution that redrawing the stations gives it (the authors' Monte
// Carlo), at a cost that does not grow with the stations times the
// replicates; only the three counts of one replicate, which redrawing
// stations would correlate and which no reported figure combines, are
// drawn independently. Errors: ErrCandidate, ErrConfig, ErrNoData, or
// ctx's error.
func (t IntegerTest) Run(ctx context.Context, e *Election) (*IntegerResult, error) {
	t, err := t.withDefaults()
	if err != nil {
		return nil, err
	}
	lead, err := e.Candidate(t.Leader)
	if err != nil {
		return nil, err
	}
	res := &IntegerResult{Candidate: e.Candidates[lead], Replicates: t.Replicates, Seed: t.Seed, Level: t.Level,
		Window: t.Window, MinVoters: t.MinVoters, MaxPercent: t.MaxPercent}

	// The analysed stations grouped by region, in order of first
	// appearance, with each station's null probabilities of an integer
	// percentage: either, turnout, share.
	type group struct {
		name     string
		stations int
		q        [3][]float64
		obs      [3]int // either, turnout, share
		nullMean [3]float64
		nullVar  [3]float64
		mc       [3][]int32
	}
	var groups []*group
	index := map[string]*group{}
	// The inclusion rule first: the tables of the binomial sums are as
	// long as the largest station analysed.
	included := make([]bool, len(e.Stations))
	maxN := 0
	limit := t.MaxPercent / 100
	for i := range e.Stations {
		s := &e.Stations[i]
		n, cast := s.Registered, s.Cast()
		switch {
		case n < t.MinVoters:
			res.Excluded.FewVoters++
		case n > maxStationVoters || cast > maxStationVoters:
			res.Excluded.TooLarge++
		case cast == 0:
			res.Excluded.NoBallots++
		case float64(s.Issued())/float64(n) > limit:
			res.Excluded.HighTurnout++
		case float64(s.Votes[lead])/float64(cast) > limit:
			res.Excluded.HighShare++
		default:
			included[i] = true
			maxN = max(maxN, n, cast)
		}
	}
	ic := newIntegerCounts(t.Window, maxN)
	for i := range e.Stations {
		if !included[i] {
			continue
		}
		s := &e.Stations[i]
		n, cast := s.Registered, s.Cast()
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		g := index[s.Region]
		if g == nil {
			g = &group{name: s.Region}
			index[s.Region] = g
			groups = append(groups, g)
		}
		qt := ic.prob(s.Issued(), n)
		qs := ic.prob(s.Votes[lead], cast)
		it := integerPercent(s.Issued(), n, t.Window)
		is := integerPercent(s.Votes[lead], cast, t.Window)
		if it || is {
			g.obs[0]++
		}
		if it {
			g.obs[1]++
		}
		if is {
			g.obs[2]++
		}
		qe := qt + qs - qt*qs
		for c, p := range [3]float64{qe, qt, qs} {
			g.nullMean[c] += p
			g.nullVar[c] += p * (1 - p)
			g.q[c] = append(g.q[c], p)
		}
		g.stations++
		res.Stations++
	}
	if res.Stations == 0 {
		return nil, fmt.Errorf("%w: IntegerTest: no station passes the inclusion rule (%d with fewer than %d voters, %d with more than %d, %d without ballots, %d above %v%% turnout, %d above %v%% share)",
			ErrNoData, res.Excluded.FewVoters, t.MinVoters, res.Excluded.TooLarge, maxStationVoters, res.Excluded.NoBallots, res.Excluded.HighTurnout, t.MaxPercent, res.Excluded.HighShare, t.MaxPercent)
	}

	dists := make([][3]poissonBinomial, len(groups))
	for k, g := range groups {
		for c := range 3 {
			if dists[k][c], err = newPoissonBinomial(ctx, g.q[c]); err != nil {
				return nil, err
			}
			g.q[c] = nil
			g.mc[c] = make([]int32, t.Replicates)
		}
	}
	rng := rand.New(rand.NewPCG(t.Seed, t.Seed^0x9e3779b97f4a7c15))
	for r := range t.Replicates {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for k, g := range groups {
			for c := range 3 {
				g.mc[c][r] = int32(dists[k][c].quantile(rng.Float64()))
			}
		}
		if t.Progress != nil {
			t.Progress(r+1, t.Replicates)
		}
	}

	nat := IntegerCount{}
	natMC := [3][]int32{make([]int32, t.Replicates), make([]int32, t.Replicates), make([]int32, t.Replicates)}
	var natObs [3]int
	var natMean, natVar [3]float64
	for _, g := range groups {
		mc := g.mc
		c := IntegerCount{Region: g.name, Stations: g.stations}
		for q := range 3 {
			for r, v := range mc[q] {
				natMC[q][r] += v
			}
			natObs[q] += g.obs[q]
			natMean[q] += g.nullMean[q]
			natVar[q] += g.nullVar[q]
		}
		c.Either = excess(g.obs[0], mc[0], g.nullMean[0], g.nullVar[0], t.Level)
		c.Turnout = excess(g.obs[1], mc[1], g.nullMean[1], g.nullVar[1], t.Level)
		c.Share = excess(g.obs[2], mc[2], g.nullMean[2], g.nullVar[2], t.Level)
		res.Regions = append(res.Regions, c)
	}
	nat.Stations = res.Stations
	nat.Either = excess(natObs[0], natMC[0], natMean[0], natVar[0], t.Level)
	nat.Turnout = excess(natObs[1], natMC[1], natMean[1], natVar[1], t.Level)
	nat.Share = excess(natObs[2], natMC[2], natMean[2], natVar[2], t.Level)
	res.National = nat
	return res, nil
}

// excess summarises an observed count against its Monte Carlo counts.
func excess(obs int, mc []int32, nullMean, nullVar, level float64) Excess {
	x := make([]float64, len(mc))
	ge := 0
	for i, v := range mc {
		x[i] = float64(v)
		if int(v) >= obs {
			ge++
		}
	}
	mean, sd := meanSD(x)
	slices.Sort(x)
	a := (1 - level) / 2
	return Excess{
		Observed: obs,
		Expected: mean,
		SD:       sd,
		Excess:   float64(obs) - mean,
		Lower:    float64(obs) - quantileSorted(x, 1-a),
		Upper:    float64(obs) - quantileSorted(x, a),
		P:        float64(1+ge) / float64(1+len(mc)),
		NullMean: nullMean,
		NullSD:   math.Sqrt(nullVar),
	}
}

// meanSD returns the mean and the standard deviation (divisor n, as
// numpy's std) of x.
func meanSD(x []float64) (mean, sd float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		sd += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(sd / float64(len(x)))
}

// quantileSorted returns the q quantile of sorted x by linear
// interpolation between order statistics (R's type 7, numpy's default).
func quantileSorted(x []float64, q float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	h := q * float64(len(x)-1)
	i := int(math.Floor(h))
	if i >= len(x)-1 {
		return x[len(x)-1]
	}
	return x[i] + (h-float64(i))*(x[i+1]-x[i])
}
