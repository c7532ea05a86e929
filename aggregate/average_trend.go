package aggregate

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"
)

// shareObs is one share's data: the polls that publish it.
type shareObs struct {
	y, w        []float64
	house       []int
	start, end  []int
	mid         []int
	seSampling  []float64 // sampling SE (points), NaN when n unknown
	nHouses     int
	first, last int // range of days over which trends are computed
}

func (p *prepared) obs(s Share) *shareObs {
	o := &shareObs{nHouses: len(p.houses), first: math.MaxInt, last: math.MinInt}
	for _, q := range p.polls {
		v := q.value[s]
		if math.IsNaN(v) || !(q.w > 0) {
			continue
		}
		o.add(q, v)
	}
	return o
}

// add appends poll q's value v of one share, with its sampling SE (NaN
// when n is unknown or v is not a share, e.g. a negative derived
// undecided), and widens the range of days trends are computed over.
func (o *shareObs) add(q avgPoll, v float64) {
	o.y = append(o.y, v)
	o.w = append(o.w, q.w)
	o.house = append(o.house, q.house)
	o.start = append(o.start, q.start)
	o.end = append(o.end, q.end)
	o.mid = append(o.mid, q.mid)
	se := math.NaN()
	if q.n > 0 && v >= 0 {
		se = 100 * math.Sqrt(v/100*(1-v/100)/q.n)
	}
	o.seSampling = append(o.seSampling, se)
	o.first = min(o.first, q.mid, q.end)
	o.last = max(o.last, q.end)
}

// sums holds, per day, Σu, Σu·x and Σu² of a kernel-weighted average.
type sums struct {
	first     int
	w, wx, w2 []float64
}

func newSums(first, last int) *sums {
	n := last - first + 1
	return &sums{first: first, w: make([]float64, n), wx: make([]float64, n), w2: make([]float64, n)}
}

func (s *sums) reset() {
	clear(s.w)
	clear(s.wx)
	clear(s.w2)
}

// addCentred spreads a poll at day d over days d−M … d+M with weights
// w·r(|t − d|). Σu² is skipped when s.w2 is nil.
func (s *sums) addCentred(d int, w, x float64, k []float64) {
	M := len(k) - 1
	lo, hi := max(d-M-s.first, 0), min(d+M-s.first, len(s.w)-1)
	for t := lo; t <= hi; t++ {
		u := w * k[abs(t+s.first-d)]
		s.w[t] += u
		s.wx[t] += u * x
		if s.w2 != nil {
			s.w2[t] += u * u
		}
	}
}

// addCausal spreads a poll that ended on day d over days d … d+M.
func (s *sums) addCausal(d int, w, x float64, k []float64) {
	lo, hi := max(d-s.first, 0), min(d+len(k)-1-s.first, len(s.w)-1)
	for t := lo; t <= hi; t++ {
		u := w * k[t+s.first-d]
		s.w[t] += u
		s.wx[t] += u * x
		s.w2[t] += u * u
	}
}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

// setSigma reports σ in p: Sigma, SigmaSE = SE(σ̂²)/(2σ̂) (delta method;
// 0 when σ̂ = 0 or σ is fixed) and Other["sigma2_se"] = SE(σ̂²).
func setSigma(p *Params, iv intervalTerms) {
	p.Sigma = math.Sqrt(iv.trendVar)
	if iv.trendVarSE > 0 {
		p.Other["sigma2_se"] = iv.trendVarSE
		if p.Sigma > 0 {
			p.SigmaSE = iv.trendVarSE / (2 * p.Sigma)
		}
	}
}

// terms returns the interval terms of a share with adjusted polls adj:
// σ² fixed by TrendSD, estimated (variogram) or none (TrendError: Excluded),
// and the house-effect SEs. ok is false when σ² had to be estimated and
// could not be.
func (c *avgConfig) terms(share Share, o *shareObs, adj, houseSE []float64) (iv intervalTerms, ok bool) {
	iv.houseSE = houseSE
	switch {
	case c.noTrend:
	case c.trendSD > 0:
		iv.trendVar = c.trendSD * c.trendSD
	default:
		v := newVariogram(o, len(c.kernel)-1)
		s2, noise, ok := v.fit(adj)
		if !ok {
			return iv, false
		}
		iv.trendVar = s2
		iv.trendVarSE = v.bootSE(s2, noise, rand.New(rand.NewPCG(c.seed, 0x5eed+uint64(share))))
	}
	return iv, true
}

// intervalTerms are the parts of the interval for the average that do not
// come from the polls' scatter about it (package doc, "Average").
type intervalTerms struct {
	trendVar   float64   // σ², points² per day; 0 leaves the trend error out
	trendVarSE float64   // standard error of an estimated σ²; 0 when fixed
	houseSE    []float64 // SE of each house effect; nil leaves their error out
}

// trendPoints computes the daily average of the adjusted polls over days
// lo … hi, causal (kernel on end dates, past only) or centred (kernel on
// midpoints, both sides), with its interval and poll band. It returns the
// points and the number of days carried forward.
func trendPoints(c *avgConfig, o *shareObs, adj []float64, lo, hi int, centred bool, iv intervalTerms) ([]Point, int) {
	M := len(c.kernel) - 1
	first, last := min(lo, o.first)-M, max(hi, o.last)+M
	sm := newSums(first, last)
	for i := range adj {
		if centred {
			sm.addCentred(o.mid[i], o.w[i], adj[i], c.kernel)
		} else {
			sm.addCausal(o.end[i], o.w[i], adj[i], c.kernel)
		}
	}
	trend := func(d int) float64 { t := d - first; return sm.wx[t] / sm.w[t] }
	// Global residual variance: weighted scatter of adjusted polls about
	// the trend on their own day (end day for the causal average), each
	// residual taken leave-one-out, r/(1 − h) with h = the poll's share of
	// that day's weight, because a poll pulls the trend toward itself.
	// Under the random walk r² also holds the trend's movement between
	// the poll's midpoint and the days of the other polls, σ²·lagᵢ
	// (window.at about the poll's midpoint, itself left out); it is taken
	// out, so that the scatter measures the polls' noise only.
	var sw, swr float64
	wg := newWindow(c, o, centred, nil)
	for _, i := range wg.order {
		d := wg.anchor[i]
		h := o.w[i] * c.kernel[0] / sm.w[d-first]
		if h > 1-1e-9 {
			continue // alone on its day: no residual
		}
		r := (adj[i] - trend(d)) / (1 - h)
		r2 := r * r
		if iv.trendVar > 0 {
			lag, _, _ := wg.at(d, o.mid[i], i)
			r2 -= iv.trendVar * lag
		}
		sw += o.w[i]
		swr += o.w[i] * r2
	}
	global := math.Max(swr/sw, 0)
	// The polls' mean sampling variance: adjusted polls cannot scatter
	// less than that unless they are herded, so it floors the global
	// variance, and replaces it when there are too few polls to measure
	// the scatter.
	var ss, ns float64
	for _, x := range o.seSampling {
		if !math.IsNaN(x) {
			ss += x * x
			ns++
		}
	}
	sampling := 0.0
	if ns > 0 {
		sampling = ss / ns
	}
	if len(adj) < 3 || !(sw > 0) || global < sampling {
		global = sampling
	}
	// Local weighted scatter Σu(x − T)² = Σux² − T·Σux per day.
	sx2 := make([]float64, len(sm.w))
	for i := range adj {
		x2 := adj[i] * adj[i]
		d := o.end[i]
		if centred {
			d = o.mid[i]
		}
		for a := -M; a <= M; a++ {
			if !centred && a < 0 {
				continue
			}
			t := d + a - first
			u := o.w[i] * c.kernel[abs(a)]
			sx2[t] += u * x2
		}
	}
	win := newWindow(c, o, centred, iv.houseSE)
	pts := make([]Point, 0, hi-lo+1)
	type parts struct{ s2, lag float64 } // of each point, for widening
	ps := make([]parts, 0, hi-lo+1)
	carried := 0
	prev := -1 // index in pts of the last day with polls
	for d := lo; d <= hi; d++ {
		t := d - first
		if !(sm.w[t] > 1e-12) {
			if prev >= 0 {
				// No poll within the window: the last estimate, its
				// error grown by the random walk since that day.
				gap := float64(d - dayNumber(pts[prev].Date))
				pts = append(pts, c.widened(pts[prev], ps[prev].s2, ps[prev].lag, gap, d, iv))
			} else {
				pts = append(pts, Point{Date: dayTime(d), Mean: math.NaN(), SD: math.NaN(), Lower: math.NaN(), Upper: math.NaN(), PollLower: math.NaN(), PollUpper: math.NaN()})
			}
			ps = append(ps, parts{})
			carried++
			continue
		}
		W, Wx, W2 := sm.w[t], sm.wx[t], sm.w2[t]
		mean := Wx / W
		neff := W * W / W2
		local := math.Max(sx2[t]/W-mean*mean, 0)
		nu := math.Max(neff-1, 0)
		lag, spread, house := win.at(d, d, -1)
		if nu > 0 {
			// Reliability-weights correction; under the random walk the
			// scatter also holds the level's spread over the polls' days,
			// E = σ²·spread·n_eff/(n_eff − 1), taken out.
			local = math.Max(local*neff/nu-iv.trendVar*spread*neff/nu, 0)
		}
		s2 := (nu*local + bandPrior*global) / (nu + bandPrior)
		v := s2/neff + iv.trendVar*lag + house
		pts = append(pts, c.point(d, mean, v, s2, lag, iv))
		ps = append(ps, parts{s2, lag})
		prev = len(pts) - 1
	}
	// Days before the first poll's window (only when Start is set that
	// early) take the first estimate, widened the same way, so no NaN is
	// ever returned.
	if prev >= 0 {
		f := slices.IndexFunc(pts, func(p Point) bool { return !math.IsNaN(p.Mean) })
		for i := 0; i < f; i++ {
			pts[i] = c.widened(pts[f], ps[f].s2, ps[f].lag, float64(f-i), lo+i, iv)
		}
	}
	for i := range pts {
		clampPoint(&pts[i])
	}
	return pts, carried
}

// point is the point of day d with mean m, variance v of the mean,
// scatter s² of the polls and lag (window.at). The interval is
// m ± q·√v with q = quantile(v, lag); the band m ± √(z²s² + q²v).
func (c *avgConfig) point(d int, m, v, s2, lag float64, iv intervalTerms) Point {
	sd := math.Sqrt(v)
	half := c.quantile(v, lag, iv) * sd
	// The mean's part of the band takes the same quantile q as the
	// interval: with z·√(s² + v) a t quantile q > z (few polls, σ̂ uncertain)
	// made the band for a new poll narrower than the interval for the
	// average, which contains less uncertainty (found by the degenerate
	// tests: 50,000-day span, polls without sample sizes).
	band := math.Sqrt(c.z*c.z*s2 + half*half)
	return Point{Date: dayTime(d), Mean: m, SD: sd, Lower: m - half, Upper: m + half,
		PollLower: m - band, PollUpper: m + band}
}

// widened is p moved gap days away to day d: the random walk adds σ²·gap
// to the variance of its mean and gap to its lag.
func (c *avgConfig) widened(p Point, s2, lag, gap float64, d int, iv intervalTerms) Point {
	return c.point(d, p.Mean, p.SD*p.SD+iv.trendVar*gap, s2, lag+gap, iv)
}

// quantile is the multiplier of the SD in the interval for the average:
// z when σ is fixed or plays no part, else the quantile of Student's t
// with Satterthwaite's degrees of freedom ν = 2v²/(lag·SE(σ̂²))², the
// variance estimate v = A + σ̂²·lag being treated as v·χ²_ν/ν with the
// variance lag²·SE(σ̂²)² it gets from σ̂² (A, the rest, as known).
func (c *avgConfig) quantile(v, lag float64, iv intervalTerms) float64 {
	if !(iv.trendVarSE > 0) || !(lag > 0) || !(v > 0) {
		return c.z
	}
	e := lag * iv.trendVarSE
	return tQuantile(c.z, c.level, math.Max(2*v*v/(e*e), 1)) // ν ≥ 1 (Cauchy) keeps it finite
}

// tQuantile is the two-sided level quantile of Student's t with nu degrees
// of freedom, z being the normal one: for nu ≥ 8 by the expansion of
// Abramowitz & Stegun 26.7.5 (relative error below 4e-4 at levels up to 99%;
// the incomplete-beta inversion would dominate the cost of a fit), else
// exactly.
func tQuantile(z, level, nu float64) float64 {
	if nu < 8 {
		return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(0.5 + level/2)
	}
	z2 := z * z
	g1 := z * (z2 + 1) / 4
	g2 := z * ((5*z2+16)*z2 + 3) / 96
	g3 := z * (((3*z2+19)*z2+17)*z2 - 15) / 384
	g4 := z * ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) / 92160
	return z + (g1+(g2+(g3+g4/nu)/nu)/nu)/nu
}

// window walks the output days in increasing order and gives, for each
// day t, the parts of the error of the day's average that depend on when
// its polls were taken and by whom. With πᵢ = uᵢ(t)/Σu the polls'
// influence shares and aᵢ = midᵢ − t:
//
//	lag   = Σ_{k≥1} (Σ_{aᵢ ≤ −k} πᵢ)² + Σ_{k≥1} (Σ_{aᵢ ≥ k} πᵢ)²
//	house = Σ_p (π_p − Π_p)² SE_p²
//
// σ²·lag is the variance of Σπᵢ(α(midᵢ) − α(t)) when α is a random walk
// with daily variance σ² (Cov(α(t−a) − α(t), α(t−b) − α(t)) = σ²·min(a,
// b) for a, b ≥ 0 on the same side of t, 0 across sides; the double sum
// is the single sum over k of the squared share of influence at least k
// days away). In house, π_p is house p's share of the day's influence, Π_p
// its share of the total weight (the centring of the house effects) and
// SE_p the SE of its effect: the error of the day's average due to the
// house effects, treating the houses' estimation errors as independent.
// Also spread = ½ΣΣπᵢπⱼ|midᵢ − midⱼ|: σ²·spread is the expected weighted
// scatter of the level over the polls' days, which the polls' scatter
// about the average holds besides their noise. The offsets can be taken
// about a reference day other than t (a poll's own midpoint), with one
// poll left out (at).
type window struct {
	o       *shareObs
	kernel  []float64
	anchor  []int // the day the kernel is applied from: end or midpoint
	ext     int   // window reaches anchor ≤ t + ext
	order   []int // polls sorted by anchor
	lo, hi  int   // the polls order[lo:hi] have anchor in [t − M, t + ext]
	A       int   // largest |midᵢ − t| of a poll with weight on day t
	hist    []float64
	houseSE []float64
	share   []float64 // Π_p
	houseU  []float64
	touched []int
	base    float64 // Σ_p Π_p² SE_p²
}

func newWindow(c *avgConfig, o *shareObs, centred bool, houseSE []float64) *window {
	M := len(c.kernel) - 1
	fw := 0
	for i := range o.end {
		fw = max(fw, o.end[i]-o.mid[i])
	}
	// Offsets from t (≤ M + fw) or from a poll's own midpoint (≤ M + 2fw).
	w := &window{o: o, kernel: c.kernel, anchor: o.end, A: M + 2*fw}
	if centred {
		w.anchor, w.ext = o.mid, M
	}
	w.order = make([]int, len(o.end))
	for i := range w.order {
		w.order[i] = i
	}
	slices.SortStableFunc(w.order, func(i, j int) int { return cmp.Compare(w.anchor[i], w.anchor[j]) })
	w.hist = make([]float64, 2*w.A+1)
	if houseSE != nil {
		w.houseSE = houseSE
		w.share = make([]float64, o.nHouses)
		w.houseU = make([]float64, o.nHouses)
		var tot float64
		for i, h := range o.house {
			w.share[h] += o.w[i]
			tot += o.w[i]
		}
		for h := range w.share {
			w.share[h] /= tot
			w.base += w.share[h] * w.share[h] * houseSE[h] * houseSE[h]
		}
	}
	return w
}

// at returns lag, spread and house for the polls weighted for day t,
// offsets taken from day ref, poll skip (−1 for none) left out; t must
// not decrease between calls.
func (w *window) at(t, ref, skip int) (lag, spread, house float64) {
	M := len(w.kernel) - 1
	for w.hi < len(w.order) && w.anchor[w.order[w.hi]] <= t+w.ext {
		w.hi++
	}
	for w.lo < w.hi && w.anchor[w.order[w.lo]] < t-M {
		w.lo++
	}
	var U float64
	minA, maxA := len(w.hist), -1
	for _, i := range w.order[w.lo:w.hi] {
		u := w.o.w[i] * w.kernel[abs(w.anchor[i]-t)]
		if !(u > 0) || i == skip {
			continue
		}
		a := w.o.mid[i] - ref + w.A
		w.hist[a] += u
		minA, maxA = min(minA, a), max(maxA, a)
		U += u
		if w.houseU != nil {
			h := w.o.house[i]
			if w.houseU[h] == 0 {
				w.touched = append(w.touched, h)
			}
			w.houseU[h] += u
		}
	}
	if maxA < 0 {
		return 0, 0, 0
	}
	var cum float64
	for a := minA; a < max(maxA, w.A); a++ {
		cum += w.hist[a] / U
		if a < maxA {
			spread += cum * (1 - cum)
		}
		if a < w.A { // past: cum = share at least A − a days before ref
			lag += cum * cum
		}
	}
	cum = 0
	for a := maxA; a > w.A; a-- { // future
		cum += w.hist[a] / U
		lag += cum * cum
	}
	clear(w.hist[minA : maxA+1])
	if w.houseU != nil {
		house = w.base
		for _, h := range w.touched {
			pi, s := w.houseU[h]/U, w.share[h]
			house += ((pi-s)*(pi-s) - s*s) * w.houseSE[h] * w.houseSE[h]
			w.houseU[h] = 0
		}
		w.touched = w.touched[:0]
		house = math.Max(house, 0) // rounding
	}
	return lag, spread, house
}
