package forensics

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// Shpilkin estimates the leader's share without the votes added at
// high-turnout stations, by Sergey Shpilkin's method (the
// Kiesling–Shpilkin method of the Russian election-monitoring
// literature; see the package documentation for the model and the
// assumptions). The zero value is the default configuration with seed 0.
type Shpilkin struct {
	// Leader names the candidate (Election.Candidate rules); "" means
	// the candidate with the most votes.
	Leader string
	// BinWidth is the width of the turnout bins in percentage points; it
	// must divide 100 into whole bins. 0 means 1.
	BinWidth float64
	// Peak fixes the clean turnout peak: the lower edge, in percent, of
	// the bin taken as the mode of the honest turnout distribution. 0
	// means Shpilkin's rule, found from the data (see Estimate).
	Peak float64
	// MinRise is how much higher, in points, the leader's pooled share
	// above the departure turnout must be than below it for the
	// departure to count; 0 means 2.
	MinRise float64
	// Replicates of the bootstrap; 0 means 1000.
	Replicates int
	// Seed of the bootstrap; the same seed gives the same result.
	Seed uint64
	// Level of the intervals; 0 means 0.95.
	Level float64
	// MinClean is how many clean stations a region needs for its clean
	// ratio to enter the pool of regional effects the bootstrap draws
	// from; 0 means 30.
	MinClean int
}

// TurnoutBin is one turnout bin of the stations analysed: the votes
// cast there, for the leader and for everyone else. Plotted against
// turnout, Leader and Others are Shpilkin's chart.
type TurnoutBin struct {
	From, To float64 // turnout range in percent, [From, To) (the last bin includes 100)
	Stations int
	Leader   int // leader's votes
	Others   int // the other candidates' votes
	Cast     int // valid + invalid ballots
}

// ShpilkinPoint is the estimate with the clean peak fixed at a turnout:
// how the answer moves with the method's one free choice.
type ShpilkinPoint struct {
	Peak       float64 // lower edge of the peak bin, percent
	Ratio      float64 // clean ratio k of the leader's votes to the others'
	Anomalous  float64 // votes
	CleanShare float64 // percent
}

// ShpilkinResult is the outcome of Shpilkin.Estimate. Shares and
// turnouts are in percent of the analysed stations' cast ballots and
// registered voters.
type ShpilkinResult struct {
	Candidate  string
	BinWidth   float64
	Level      float64
	Replicates int
	Seed       uint64

	Stations int // stations analysed
	// Excluded counts the stations left out, by reason.
	Excluded struct {
		NoVoters   int // no registered voter: no turnout
		NoBallots  int // no valid or invalid ballot
		OverIssued int // more ballots issued than voters registered
	}
	Votes, Others, Cast, Issued, Registered int     // sums over the analysed stations
	Official                                float64 // leader's share of the cast ballots
	Turnout                                 float64 // ballots issued over registered voters

	// Departure is the turnout (percent) from which the leader's share
	// rises above its low-turnout plateau, by a broken-stick fit of the
	// leader's share on turnout; Rise is the leader's pooled share above
	// it minus below it, in points. Departure is NaN when no rise of at
	// least MinRise is found, or when Peak was fixed.
	Departure, Rise float64
	// Peak is the lower edge of the clean turnout peak bin; PeakFixed
	// reports that it was set by Shpilkin.Peak rather than found.
	Peak      float64
	PeakFixed bool
	// CleanStations are the stations in the peak bin and below it, whose
	// ratio of the leader's votes to the others' is the clean ratio.
	CleanStations int
	CleanRatio    float64

	// EffectRegions are the regions whose clean ratios form the pool of
	// regional effects (at least MinClean clean stations); RegionalSD is
	// the sd of those effects around the national clean ratio, and
	// StationSE the standard error the station-level noise adds to
	// k⁺ − k̂ (see Estimate).
	EffectRegions         int
	RegionalSD, StationSE float64

	// Anomalous is the estimated number of votes added for the leader,
	// with its Level interval; CleanTurnout the turnout without them.
	Anomalous, AnomalousLower, AnomalousUpper          float64
	CleanTurnout, CleanTurnoutLower, CleanTurnoutUpper float64
	// Clean is the leader's share without the anomalous votes: the
	// forensic estimate an integrity table sets beside the official
	// share and the polls.
	Clean CleanShare

	Bins        []TurnoutBin
	Sensitivity []ShpilkinPoint
}

// ShpilkinMethod names the method in CleanShare.Method.
const ShpilkinMethod = "Shpilkin (turnout–share)"

// ShpilkinAssumptions returns the assumptions of the estimate, in the
// words CleanShare.Assumptions carries them to a report (a fresh copy).
func ShpilkinAssumptions() []string { return slices.Clone(shpilkinAssumptions) }

// shpilkinAssumptions are the assumptions of the estimate, in the words
// CleanShare.Assumptions carries them to a report.
var shpilkinAssumptions = []string{
	"stations at or below the clean turnout peak are honestly counted: no ballot was added there",
	"in honest counts the leader's share does not depend on turnout: high-turnout stations, counted honestly, would give the leader the same ratio of votes to the other candidates' votes as the clean stations",
	"falsification adds votes for the leader only (ballot stuffing, counts written up); the other candidates' votes and the invalid ballots are as counted, so votes taken from others or turnout faked otherwise are not measured: a lower bound for fraud of those kinds",
	"the clean peak is the mode of the other candidates' votes over turnout, below the turnout at which the leader's share starts to rise (Shpilkin's rule); the estimate moves with it (ShpilkinResult.Sensitivity)",
	"the interval holds the variability of the clean ratio and of the high-turnout stations' honest ratio, from regional and station-level variation, with the peak as found; not the uncertainty of these assumptions",
}

func (s Shpilkin) withDefaults() (Shpilkin, error) {
	if s.BinWidth == 0 {
		s.BinWidth = 1
	}
	if s.MinRise == 0 {
		s.MinRise = 2
	}
	if s.Replicates == 0 {
		s.Replicates = 1000
	}
	if s.Level == 0 {
		s.Level = 0.95
	}
	if s.MinClean == 0 {
		s.MinClean = 30
	}
	switch {
	case binCount(s.BinWidth) == 0:
		return s, fmt.Errorf("%w: Shpilkin.BinWidth %v (want a divisor of 100 in [0.1, 10])", ErrConfig, s.BinWidth)
	case !(s.Peak >= 0 && s.Peak < 100):
		return s, fmt.Errorf("%w: Shpilkin.Peak %v (want [0, 100))", ErrConfig, s.Peak)
	case !(s.MinRise > 0) || math.IsInf(s.MinRise, 0):
		return s, fmt.Errorf("%w: Shpilkin.MinRise %v", ErrConfig, s.MinRise)
	case s.Replicates < 2:
		return s, fmt.Errorf("%w: Shpilkin.Replicates %d (want ≥ 2)", ErrConfig, s.Replicates)
	case !(s.Level > 0 && s.Level < 1):
		return s, fmt.Errorf("%w: Shpilkin.Level %v (want (0, 1))", ErrConfig, s.Level)
	case s.MinClean < 1:
		return s, fmt.Errorf("%w: Shpilkin.MinClean %d", ErrConfig, s.MinClean)
	}
	return s, nil
}

// binSums are the leader's votes, the others' and the cast ballots by
// turnout bin.
type binSums struct{ leader, others, cast []float64 }

func newBinSums(nb int) binSums {
	return binSums{make([]float64, nb), make([]float64, nb), make([]float64, nb)}
}

// shpilkinFit is what the method reads off the bin sums.
type shpilkinFit struct {
	peak      int     // peak bin
	departure float64 // NaN when none
	rise      float64
	ratio     float64 // clean ratio k
}

// fit applies Shpilkin's rule to bin sums: the departure by the
// broken-stick fit, the peak as the mode of the others' votes below it
// (or over all bins), the clean ratio at and below the peak. fixedPeak
// ≥ 0 skips the search. ok is false when no other vote lies at or below
// the peak.
func (s Shpilkin) fit(b binSums, fixedPeak int) (f shpilkinFit, ok bool) {
	f.departure, f.rise = math.NaN(), math.NaN()
	nb := len(b.cast)
	if fixedPeak >= 0 {
		f.peak = fixedPeak
	} else {
		limit := nb
		if c, rise, found := s.departure(b); found {
			f.departure, f.rise = float64(c)*s.BinWidth, rise
			limit = c
		}
		f.peak = -1
		for i := range limit {
			if b.others[i] > 0 && (f.peak < 0 || b.others[i] > b.others[f.peak]) {
				f.peak = i
			}
		}
		if f.peak < 0 {
			return f, false
		}
	}
	var l, o float64
	for i := 0; i <= f.peak; i++ {
		l += b.leader[i]
		o += b.others[i]
	}
	if o == 0 {
		return f, false
	}
	f.ratio = l / o
	return f, true
}

// departure fits the leader's share by turnout bin, weighted by the cast
// ballots, with a broken stick: flat at r0 up to a bin edge c, then
// rising linearly. It tries every edge with at least 5% of the cast
// ballots on each side and keeps the one with the least weighted squared
// error among those with a rising slope. found reports that the pooled
// share above c exceeds the share below by at least MinRise points.
func (s Shpilkin) departure(b binSums) (c int, rise float64, found bool) {
	nb := len(b.cast)
	total := 0.0
	for _, w := range b.cast {
		total += w
	}
	if total == 0 {
		return 0, 0, false
	}
	best, bestSSE := -1, math.Inf(1)
	below := 0.0
	for e := 1; e < nb; e++ {
		below += b.cast[e-1]
		if below < 0.05*total || total-below < 0.05*total {
			continue
		}
		// Weighted least squares of y on (1, x⁺), x⁺ = max(0, x − c) in
		// bins, y the bin's share.
		var sw, sx, sy, sxx, sxy, syy float64
		for i := range nb {
			w := b.cast[i]
			if w == 0 {
				continue
			}
			y := b.leader[i] / w
			x := max(0, float64(i)+0.5-float64(e))
			sw += w
			sx += w * x
			sy += w * y
			sxx += w * x * x
			sxy += w * x * y
			syy += w * y * y
		}
		vx := sxx - sx*sx/sw
		if vx <= 0 {
			continue
		}
		beta := (sxy - sx*sy/sw) / vx
		if beta <= 0 {
			continue
		}
		sse := (syy - sy*sy/sw) - beta*(sxy-sx*sy/sw)
		if sse < bestSSE {
			best, bestSSE = e, sse
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	var lb, cb, la, ca float64
	for i := range nb {
		if i < best {
			lb += b.leader[i]
			cb += b.cast[i]
		} else {
			la += b.leader[i]
			ca += b.cast[i]
		}
	}
	rise = 100 * (la/ca - lb/cb)
	return best, rise, rise >= s.MinRise
}

// Estimate applies the method to e's polling stations. Stations with no
// registered voter, no cast ballot, or more ballots issued than voters
// are left out (counted in Excluded); the remote totals are never used
// (they have no station turnout).
//
// The steps: bin the stations by turnout (ballots issued over registered
// voters); find the departure, the bin edge from which the leader's share
// rises above its low-turnout plateau (a broken-stick fit, accepted when
// the rise is at least MinRise points); take the clean peak as the mode
// of the other candidates' votes over the bins below the departure (over
// all bins when there is none); take the clean ratio k̂ as the leader's
// votes over the others' votes in the peak bin and below it; and count
// as anomalous the leader's votes beyond k̂ times the others' votes:
// Â = L − k̂·O over all analysed stations (zero at and below the peak by
// construction). The clean share is (L − Â)/(C − Â).
//
// The interval. With A the truth, Â − A = O⁺·(k⁺ − k̂): O⁺ the others'
// votes above the peak, k⁺ the honest ratio the stations there would
// have shown. Write a station's honest ratio as k + u_r + e_i, a regional
// effect and a station's own. Then
//
//	k⁺ − k̂ = Σ_r (w⁺_r − wᶜ_r)·u_r + (station noise above) − (station noise at and below the peak),
//
// with w⁺_r and wᶜ_r region r's part of the others' votes above and at or
// below the peak. Each bootstrap replicate draws every region's u_r from
// the pool of observed regional effects (the clean ratios of the regions
// with at least MinClean clean stations, less their mean) — a bootstrap
// over regions — and adds the station noise from its normal limit: its
// variance is Σ rᵢ²/(Oᶜ)² for the clean stations, rᵢ = Lᵢ − k̂_r·Oᵢ their
// residuals from their region's clean ratio, and Σ v(Oᵢ)/(O⁺)² above the
// peak, with v(O) = a·O + b·O² fitted to the clean residuals (binomial
// and heterogeneous parts). The Level interval of A is Â − O⁺ times the
// quantiles of the draws; the share's interval follows (the share falls
// as A grows). The peak is held as found: how the estimate moves with it
// is Sensitivity, not the interval.
//
// Errors: ErrCandidate, ErrConfig, ErrNoData (no station left, or no
// other vote at or below the peak), or ctx's error.
func (s Shpilkin) Estimate(ctx context.Context, e *Election) (*ShpilkinResult, error) {
	s, err := s.withDefaults()
	if err != nil {
		return nil, err
	}
	lead, err := e.Candidate(s.Leader)
	if err != nil {
		return nil, err
	}
	nb := binCount(s.BinWidth)
	res := &ShpilkinResult{Candidate: e.Candidates[lead], BinWidth: s.BinWidth, Level: s.Level, Seed: s.Seed}

	// The analysed stations, reduced to what the method reads.
	type station struct {
		bin, region          int
		leader, others, cast float64
	}
	var st []station
	regionIndex := map[string]int{}
	for i := range e.Stations {
		x := &e.Stations[i]
		cast, iss := x.Cast(), x.Issued()
		switch {
		case x.Registered == 0:
			res.Excluded.NoVoters++
			continue
		case cast == 0:
			res.Excluded.NoBallots++
			continue
		case iss > x.Registered:
			res.Excluded.OverIssued++
			continue
		}
		b := min(nb-1, int(100*float64(iss)/float64(x.Registered)/s.BinWidth))
		r, ok := regionIndex[x.Region]
		if !ok {
			r = len(regionIndex)
			regionIndex[x.Region] = r
		}
		l := x.Votes[lead]
		st = append(st, station{bin: b, region: r, leader: float64(l), others: float64(x.Valid - l), cast: float64(cast)})
		res.Votes += l
		res.Others += x.Valid - l
		res.Cast += cast
		res.Issued += iss
		res.Registered += x.Registered
	}
	res.Stations = len(st)
	if res.Stations == 0 {
		return nil, fmt.Errorf("%w: Shpilkin: no station with voters and ballots (%d without voters, %d without ballots, %d issuing more ballots than voters)",
			ErrNoData, res.Excluded.NoVoters, res.Excluded.NoBallots, res.Excluded.OverIssued)
	}
	res.Official = 100 * float64(res.Votes) / float64(res.Cast)
	res.Turnout = 100 * float64(res.Issued) / float64(res.Registered)

	sums := newBinSums(nb)
	res.Bins = make([]TurnoutBin, nb)
	for i := range res.Bins {
		res.Bins[i].From, res.Bins[i].To = float64(i)*s.BinWidth, float64(i+1)*s.BinWidth
	}
	for _, x := range st {
		sums.leader[x.bin] += x.leader
		sums.others[x.bin] += x.others
		sums.cast[x.bin] += x.cast
		tb := &res.Bins[x.bin]
		tb.Stations++
		tb.Leader += int(x.leader)
		tb.Others += int(x.others)
		tb.Cast += int(x.cast)
	}
	fixed := -1
	if s.Peak > 0 {
		fixed = min(nb-1, int(s.Peak/s.BinWidth+1e-9))
		res.PeakFixed = true
	}
	f, ok := s.fit(sums, fixed)
	if !ok {
		return nil, fmt.Errorf("%w: Shpilkin: no other candidate's vote at or below the peak bin", ErrNoData)
	}
	res.Departure, res.Rise = f.departure, f.rise
	res.Peak = float64(f.peak) * s.BinWidth
	res.CleanRatio = f.ratio
	L, O, C := float64(res.Votes), float64(res.Others), float64(res.Cast)
	res.Anomalous = L - f.ratio*O

	// The interval: regional weights, regional effects and station noise
	// (see above).
	nReg := len(regionIndex)
	type regionSums struct {
		lClean, oClean, oAbove float64
		nClean                 int
	}
	regs := make([]regionSums, nReg)
	var oc, oa float64
	for _, x := range st {
		r := &regs[x.region]
		if x.bin <= f.peak {
			r.lClean += x.leader
			r.oClean += x.others
			r.nClean++
			oc += x.others
			res.CleanStations++
		} else {
			r.oAbove += x.others
			oa += x.others
		}
	}
	// The pool of regional effects: regions with MinClean clean stations,
	// or, when fewer than five have, every region with a clean station.
	var pool []float64
	for pass := 0; pass < 2 && len(pool) < 5; pass++ {
		pool = pool[:0]
		for _, r := range regs {
			if r.oClean > 0 && (r.nClean >= s.MinClean || pass == 1) {
				pool = append(pool, r.lClean/r.oClean-f.ratio)
			}
		}
	}
	res.EffectRegions = len(pool)
	var mu float64
	if len(pool) > 0 {
		mu, res.RegionalSD = meanSD(pool)
		for i := range pool {
			pool[i] -= mu
		}
	}
	// Station noise: residuals of the clean stations from their region's
	// clean ratio; v(O) = a·O + b·O² by least squares of r² on (O, O²).
	var vClean, s11, s12, s22, t1, t2 float64
	for _, x := range st {
		if x.bin > f.peak {
			continue
		}
		r := regs[x.region]
		o := x.others
		resid := x.leader - r.lClean/r.oClean*o
		vClean += resid * resid
		s11 += o * o
		s12 += o * o * o
		s22 += o * o * o * o
		t1 += resid * resid * o
		t2 += resid * resid * o * o
	}
	va, vb := nonNegativeLS2(s11, s12, s22, t1, t2)
	var vAbove float64
	for _, x := range st {
		if x.bin > f.peak {
			o := x.others
			vAbove += va*o + vb*o*o
		}
	}
	vStation := 0.0
	if oc > 0 {
		vStation += vClean / (oc * oc)
	}
	if oa > 0 {
		vStation += vAbove / (oa * oa)
	}
	res.StationSE = math.Sqrt(vStation)

	src := rand.NewPCG(s.Seed, s.Seed^0x6a09e667f3bcc909)
	rng := rand.New(src)
	dev := make([]float64, s.Replicates)
	for rep := range dev {
		if rep%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		d := res.StationSE * rng.NormFloat64()
		if len(pool) > 0 && oa > 0 {
			for _, r := range regs {
				wd := r.oAbove/oa - r.oClean/oc
				if wd != 0 {
					d += wd * pool[rng.IntN(len(pool))]
				}
			}
		}
		dev[rep] = d
	}
	res.Replicates = s.Replicates
	above := oa
	slices.Sort(dev)
	a := (1 - s.Level) / 2
	res.AnomalousLower = res.Anomalous - above*quantileSorted(dev, 1-a)
	res.AnomalousUpper = res.Anomalous - above*quantileSorted(dev, a)
	share := func(A float64) float64 { return 100 * (L - A) / (C - A) }
	turnout := func(A float64) float64 { return 100 * (float64(res.Issued) - A) / float64(res.Registered) }
	res.CleanTurnout = turnout(res.Anomalous)
	res.CleanTurnoutLower, res.CleanTurnoutUpper = turnout(res.AnomalousUpper), turnout(res.AnomalousLower)
	z := distuv.UnitNormal.Quantile(1 - a)
	lo, hi := share(res.AnomalousUpper), share(res.AnomalousLower)
	res.Clean = CleanShare{
		Candidate:   res.Candidate,
		Share:       share(res.Anomalous),
		Lower:       lo,
		Upper:       hi,
		SE:          (hi - lo) / (2 * z),
		Level:       s.Level,
		Method:      ShpilkinMethod,
		Assumptions: ShpilkinAssumptions(),
		Official:    res.Official,
		Anomalous:   res.Anomalous,
	}

	// Sensitivity: the estimate with the peak fixed every 5 points.
	for p := 30.0; p <= 85; p += 5 {
		pb := int(p/s.BinWidth + 1e-9)
		if pb >= nb {
			break
		}
		if fp, ok := s.fit(sums, pb); ok {
			A := L - fp.ratio*O
			res.Sensitivity = append(res.Sensitivity, ShpilkinPoint{Peak: p, Ratio: fp.ratio, Anomalous: A, CleanShare: share(A)})
		}
	}
	return res, nil
}

// nonNegativeLS2 solves the least-squares normal equations
// [s11 s12; s12 s22]·(a, b) = (t1, t2) with a, b ≥ 0: the unconstrained
// solution when both are non-negative, else the better of the two
// one-coefficient fits.
func nonNegativeLS2(s11, s12, s22, t1, t2 float64) (a, b float64) {
	if det := s11*s22 - s12*s12; det > 0 {
		a, b = (t1*s22-t2*s12)/det, (t2*s11-t1*s12)/det
		if a >= 0 && b >= 0 {
			return a, b
		}
	}
	// One coefficient at a time; the residual sum of squares falls by
	// t²/s for each, so keep the larger fall.
	var fa, fb float64
	if s11 > 0 && t1 > 0 {
		fa = t1 * t1 / s11
	}
	if s22 > 0 && t2 > 0 {
		fb = t2 * t2 / s22
	}
	switch {
	case fa == 0 && fb == 0:
		return 0, 0
	case fa >= fb:
		return t1 / s11, 0
	}
	return 0, t2 / s22
}
