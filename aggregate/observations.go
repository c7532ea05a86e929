package aggregate

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// varianceFloorShare is the share (points) below which, or above 100 minus
// which, the plug-in sampling variance is computed as if the share were
// exactly this value. Published shares are rounded to a point at most, so a
// published 0 means a true share somewhere in [0, 0.5): using 0.5 keeps the
// variance positive (y(100−y)/n would be 0, giving the poll infinite
// weight) without changing the observed value itself.
const varianceFloorShare = 0.5

// observations are the polls of one share, prepared for the state-space
// models: one entry per poll, sorted by day (stable, so ties keep the input
// order), with the poll's sampling variance. This is the common input of
// StateSpace and Bayes; build it with observationsFor from the pollSet.
//
// Day 0 (day number day0) is the earliest fieldwork start of a poll
// publishing the share and day nDays−1 the latest fieldwork end;
// observations sit at their fieldwork midpoints. House h is houses[h]; an
// anchor pseudo-observation has house −1 and its variance in s2.
type observations struct {
	share Share
	day0  int // day number (dayNumber) of day 0
	nDays int

	houses []string // house labels, sorted; "Levada" or "Levada/phone" with split modes
	counts []int    // polls per house

	day   []int     // observation day, 0..nDays−1, non-decreasing
	house []int     // house index; −1 for an anchor
	y     []float64 // observed value (points, or logit when logit is set)
	s2    []float64 // sampling variance of y (points², or logit scale)
	poll  []int     // index in the polls slice given to Fit; −1 for an anchor

	logit bool // y and s2 are on the logit scale (log(p/(1−p)))

	// Field averaging (StateSpace.FieldAverage, banded.go): observation i
	// measures the mean level over days first[i]..last[i]. Both nil for
	// the midpoint model, and when every poll spans one day.
	first, last []int

	skipped int // polls that do not publish the share (reported as a warning)

	// Corrections (calibration.go): polls with an audit trail, of which
	// how many fell back to the binomial variance; the observations'
	// loadings on the shared calibrations, on the model scale (0 for polls
	// a calibration does not touch and for anchors).
	corrected, correctionFallback int
	cal                           calibrationLoads

	// mem holds the per-observation slices when taken from the pools
	// (scratch.go); release gives them back.
	mem scratch
}

// release gives the pooled slices back when the fit is done with the
// observations and sets them to nil, so that a late use finds nothing
// rather than another fit's numbers.
func (o *observations) release() {
	o.mem.release()
	o.day, o.house, o.poll, o.y, o.s2, o.first, o.last = nil, nil, nil, nil, nil, nil, nil
}

// observationsFor prepares the polls of ps that publish share s (the
// others are counted in skipped), on the logit scale when logit is set,
// with their fieldwork spans when fieldAverage is set. It fails with
// ErrNoPolls when no poll publishes the share.
//
// Sampling variance (points²): s² = ỹ(100 − ỹ)/n_eff with n_eff the
// poll's effective sample size (pollSet: its own or imputed sample size
// over its design effect) and ỹ the share clamped into
// [varianceFloorShare, 100 − varianceFloorShare] for the variance only. On
// the logit scale the observation is logit(ỹ/100) and its variance by the
// delta method 1/(n_eff·p̃(1 − p̃)), p̃ = ỹ/100.
//
// A corrected poll (one with Adjustments, from adjust.Chain) gets instead
// the sampling variance of its corrected share by the delta method through
// the corrections (adjust.SamplingCovariance) plus the corrections'
// independent variance, and loadings on the shared calibrations: see
// correctionFor and "Corrections and their uncertainty" in doc.go.
func observationsFor(ps *pollSet, s Share, logit, fieldAverage bool) (*observations, error) {
	o := &observations{share: s, logit: logit}
	first, last := math.MaxInt, math.MinInt
	used := make([]int, len(ps.houses)) // polls per house of ps; then the house's index in o
	n := 0
	for i := range ps.items {
		it := &ps.items[i]
		if math.IsNaN(it.value[s]) {
			o.skipped++
			continue
		}
		n++
		used[it.house]++
		first, last = min(first, it.start), max(last, it.end)
	}
	if n == 0 {
		return nil, fmt.Errorf("%w for %s (%d polls used, none publishes it)", ErrNoPolls, s, len(ps.items))
	}
	for h, c := range used {
		if c > 0 {
			used[h] = len(o.houses)
			o.houses = append(o.houses, ps.houses[h])
			o.counts = append(o.counts, c)
		}
	}
	o.day0, o.nDays = first, last-first+1
	ints := func() []int { return take(&o.mem, &intPool, n)[:0] }
	o.day, o.house, o.poll = ints(), ints(), ints()
	o.y, o.s2 = o.mem.float64s(n)[:0], o.mem.float64s(n)[:0]
	if fieldAverage {
		o.first, o.last = ints(), ints()
	}
	long := false
	for i := range ps.items {
		it := &ps.items[i]
		y := it.value[s]
		if math.IsNaN(y) {
			continue
		}
		yv := min(max(y, varianceFloorShare), 100-varianceFloorShare)
		var obs, v float64
		if it.corrected {
			// A corrected poll: its own variance from the audit trail.
			pc := ps.correction(it, s)
			var scale float64
			v, scale, pc.fallback = correctedVariance(pc, y, it.neff, logit)
			for c := range pc.loads {
				pc.loads[c] *= scale
			}
			o.addCorrection(len(o.y), n, &pc)
			obs = y
			if logit {
				q := yv / 100
				obs = math.Log(q / (1 - q))
			}
		} else if logit {
			q := yv / 100
			obs = math.Log(q / (1 - q))
			v = 1 / (it.neff * q * (1 - q))
		} else {
			obs = y
			v = yv * (100 - yv) / it.neff
		}
		o.day = append(o.day, it.mid()-first)
		o.house = append(o.house, used[it.house])
		o.poll = append(o.poll, int(it.src))
		o.y = append(o.y, obs)
		o.s2 = append(o.s2, v)
		if fieldAverage {
			o.first = append(o.first, it.start-first)
			o.last = append(o.last, it.end-first)
			long = long || it.end > it.start
		}
	}
	if !long {
		// Every poll spans one day: the midpoint model (banded.go).
		o.first, o.last = nil, nil
	}
	return o, nil
}

// collapse moves every observation to day 0 of a one-day series when they
// all measure the same day (or, with field spans, the same fieldwork
// period) of a longer series: the likelihood then does not depend on σ —
// nothing tells how the level moves between days without polls — so the
// fit runs on that day with σ = 0 (StateSpace.prepare; shareModel.expand
// spreads the result back). It returns the series' first day number and
// length before collapsing, and whether it did.
func (o *observations) collapse() (day0, nDays int, ok bool) {
	if o.nDays <= 1 || len(o.day) == 0 {
		return 0, 0, false
	}
	for i := range o.day {
		if o.day[i] != o.day[0] || (o.first != nil && (o.first[i] != o.first[0] || o.last[i] != o.last[0])) {
			return 0, 0, false
		}
	}
	day0, nDays = o.day0, o.nDays
	o.day0 += o.day[0]
	o.nDays = 1
	for i := range o.day {
		o.day[i] = 0
	}
	o.first, o.last = nil, nil
	return day0, nDays, true
}

// addAnchor appends a pseudo-observation "the latent level on date was
// value with standard deviation sd" (house −1), extending the day range when
// the date lies outside it. Observations stay sorted by day.
func (o *observations) addAnchor(date time.Time, value, sd float64) error {
	d := dayNumber(date) - o.day0
	if span := max(d+1, o.nDays) - min(d, 0); span > MaxDays {
		return fmt.Errorf("%w: an anchor on %s makes the series %d days long (at most %d)", ErrSpan, date.Format(time.DateOnly), span, MaxDays)
	}
	if d < 0 {
		// Shift everything so that the anchor is day 0.
		for i := range o.day {
			o.day[i] -= d
		}
		for i := range o.first { // field spans (banded.go), when recorded
			o.first[i] -= d
			o.last[i] -= d
		}
		o.day0 += d
		o.nDays -= d
		d = 0
	}
	if d >= o.nDays {
		o.nDays = d + 1
	}
	y, v := value, sd*sd
	if o.logit {
		q := min(max(value, varianceFloorShare), 100-varianceFloorShare) / 100
		y = math.Log(q / (1 - q))
		v = sd * sd / (100 * q * (1 - q)) / (100 * q * (1 - q))
	}
	i := sort.Search(len(o.day), func(i int) bool { return o.day[i] > d })
	o.day = append(o.day[:i], append([]int{d}, o.day[i:]...)...)
	o.house = append(o.house[:i], append([]int{-1}, o.house[i:]...)...)
	o.y = append(o.y[:i], append([]float64{y}, o.y[i:]...)...)
	for c, g := range o.cal.rows {
		o.cal.rows[c] = append(g[:i], append([]float64{0}, g[i:]...)...) // a calibration does not move an anchor
	}
	o.s2 = append(o.s2[:i], append([]float64{v}, o.s2[i:]...)...)
	o.poll = append(o.poll[:i], append([]int{-1}, o.poll[i:]...)...)
	if o.first != nil { // an anchor measures one day
		o.first = append(o.first[:i], append([]int{d}, o.first[i:]...)...)
		o.last = append(o.last[:i], append([]int{d}, o.last[i:]...)...)
	}
	return nil
}

// date returns the calendar date of day d.
func (o *observations) date(d int) time.Time { return dayTime(o.day0 + d) }

// variance returns the variance of observation i under the house-excess
// standard deviations tau: R_i = s²_i + τ²_{tauOf[h(i)]}. tauOf maps a
// house to its τ group (−1: none; nil: no τ at all); anchors (house −1)
// never get τ. Every model and filter reads R_i through this one place so
// that the likelihood, the filters and the residuals agree.
func (o *observations) variance(i int, tau []float64, tauOf []int) float64 {
	r := o.s2[i]
	if h := o.house[i]; h >= 0 && tauOf != nil && tauOf[h] >= 0 {
		t := tau[tauOf[h]]
		r += t * t
	}
	return r
}

// meanS2 returns the mean sampling variance of the real polls (anchors
// excluded): the "typical poll" variance of the poll band.
func (o *observations) meanS2() float64 {
	s, n := 0.0, 0
	for i, v := range o.s2 {
		if o.house[i] >= 0 {
			s += v
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return s / float64(n)
}
