package aggregate

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/candorpoll/candor/poll"
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
// StateSpace and Bayes; build it with observationsFor.
//
// Day 0 (origin) is the earliest fieldwork start and day nDays−1 the latest
// fieldwork end; observations sit at their fieldwork midpoints. House h is houses[h]; an anchor pseudo-observation has house
// −1 and its variance in s2.
type observations struct {
	share  Share
	origin time.Time
	nDays  int

	houses []string // house labels, sorted; "Levada" or "Levada/phone" with split modes
	counts []int    // polls per house

	day   []int     // observation day, 0..nDays−1, non-decreasing
	house []int     // house index; −1 for an anchor
	y     []float64 // observed value (points, or logit when logit is set)
	s2    []float64 // sampling variance of y (points², or logit scale)
	poll  []int     // index in the polls slice given to Fit; −1 for an anchor
	neff  []float64 // effective sample size (0 for anchors)

	logit bool // y and s2 are on the logit scale (log(p/(1−p)))

	// Field averaging (StateSpace.FieldAverage, banded.go): observation i
	// measures the mean level over days first[i]..last[i]. Both nil for
	// the midpoint model, and when every poll spans one day.
	first, last []int

	skipped int // polls that do not publish the share (reported as a warning)

	// Corrections (correction.go): polls with an audit trail, of which
	// how many fell back to the binomial variance; per shared calibration
	// (adjust.CalibrationKey in calibrations) the loadings of the
	// observations on the model scale (0 for polls it does not touch and
	// for anchors).
	corrected, correctionFallback int
	calibrations                  []string
	loads                         [][]float64
}

// obsOptions are the choices that change how polls become observations.
type obsOptions struct {
	splitModes bool // one house per pollster × mode (when the mode is known)
	splitPops  bool // one house per pollster × population (when known)
	logit      bool
	// fieldAverage records each poll's fieldwork days (observations.first,
	// last; see banded.go).
	fieldAverage bool
}

// houseLabel returns the house a poll belongs to: its pollster's canonical
// name, followed with split modes by "/" and the mode — the poll's own, or
// when unknown its pollster profile's mode at the poll's end date (Levada's
// 2020 telephone months, VTsIOM's move to the telephone in 2017) — and
// with split populations by "/" and the population code (a, rv, lv, v)
// when known.
func houseLabel(p *poll.Poll, splitModes, splitPops bool) string {
	name := poll.CanonicalName(p.Pollster)
	if splitModes {
		mode := p.Mode
		if mode == poll.ModeUnknown {
			if prof, ok := poll.Lookup(p.Pollster); ok {
				mode = prof.ModeAt(p.End)
			}
		}
		if mode != poll.ModeUnknown {
			name += "/" + mode.String()
		}
	}
	if splitPops && p.Population != poll.PopulationUnknown {
		name += "/" + p.Population.String()
	}
	return name
}

// observationsFor prepares the polls publishing share s. Polls that do not
// publish it (NaN, and for Undecided not derivable) are skipped and counted
// in skipped; a poll that is invalid (poll.Validate) or whose sampling
// variance cannot be computed (no sample size, no profile) is an error:
// every such poll is reported, joined, each as a *PollError.
//
// Sampling variance (points²): s² = deff·ỹ(100 − ỹ)/n with deff and n from
// poll.EffectiveDesignEffect and the sample size (or the profile's default
// when missing) — that is ỹ(100 − ỹ)/n_eff with n_eff from
// poll.EffectiveSampleSize — and ỹ the share clamped into
// [varianceFloorShare, 100 − varianceFloorShare] for the variance only. On
// the logit scale the observation is logit(ỹ/100) and its variance by the
// delta method 1/(n_eff·p̃(1 − p̃)), p̃ = ỹ/100.
//
// A corrected poll (one with Adjustments, from adjust.Chain) gets instead
// the sampling variance of its corrected share by the delta method through
// the corrections (adjust.SamplingCovariance) plus the corrections'
// independent variance, and loadings on the shared calibrations: see
// correctionFor and "Corrections and their uncertainty" in doc.go.
func observationsFor(polls []poll.Poll, s Share, opt obsOptions) (*observations, error) {
	type row struct {
		mid  time.Time
		idx  int
		y    float64
		s2   float64
		neff float64
		lab  string
		corr *pollCorrection // nil for a poll without corrections
	}
	rows := make([]row, 0, len(polls))
	var errs []error
	skipped := 0
	for i := range polls {
		p := &polls[i]
		if err := p.Validate(); err != nil {
			errs = append(errs, &PollError{Index: i, Source: p.Source, Line: p.Line, Err: err})
			continue
		}
		if err := checkTrail(p); err != nil {
			errs = append(errs, &PollError{Index: i, Source: p.Source, Line: p.Line, Err: err})
			continue
		}
		y := s.Value(p)
		if math.IsNaN(y) {
			skipped++
			continue
		}
		neff := p.EffectiveSampleSize()
		if !(neff > 0) || math.IsInf(neff, 0) {
			errs = append(errs, &PollError{Index: i, Source: p.Source, Line: p.Line,
				Err: fmt.Errorf("%w: pollster %q has no sample size and no profile", ErrNoSampleSize, p.Pollster)})
			continue
		}
		yv := min(max(y, varianceFloorShare), 100-varianceFloorShare)
		var obs, v float64
		var corr *pollCorrection
		if len(p.Adjustments) > 0 {
			// A corrected poll: its own variance from the audit trail.
			pc := correctionFor(p, s)
			var scale float64
			v, scale, pc.fallback = correctedVariance(pc, y, neff, opt.logit)
			for c := range pc.loads {
				pc.loads[c] *= scale
			}
			corr = &pc
			obs = y
			if opt.logit {
				q := yv / 100
				obs = math.Log(q / (1 - q))
			}
		} else if opt.logit {
			q := yv / 100
			obs = math.Log(q / (1 - q))
			v = 1 / (neff * q * (1 - q))
		} else {
			obs = y
			v = yv * (100 - yv) / neff
		}
		rows = append(rows, row{mid: p.Midpoint(), idx: i, y: obs, s2: v, neff: neff, lab: houseLabel(p, opt.splitModes, opt.splitPops), corr: corr})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%w for %s (%d polls given, %d without it)", ErrNoPolls, s, len(polls), skipped)
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].mid.Before(rows[b].mid) })

	// The series covers every day on which some poll was in the field:
	// from the earliest fieldwork start to the latest fieldwork end.
	first, last := polls[rows[0].idx].Start, polls[rows[0].idx].End
	for _, r := range rows {
		p := &polls[r.idx]
		if p.Start.Before(first) {
			first = p.Start
		}
		if p.End.After(last) {
			last = p.End
		}
	}
	o := &observations{share: s, origin: first.UTC().Truncate(24 * time.Hour), logit: opt.logit, skipped: skipped}
	seen := map[string]int{}
	for _, r := range rows {
		if _, ok := seen[r.lab]; !ok {
			seen[r.lab] = 0
			o.houses = append(o.houses, r.lab)
		}
	}
	sort.Strings(o.houses)
	for h, lab := range o.houses {
		seen[lab] = h
	}
	o.counts = make([]int, len(o.houses))
	n := len(rows)
	o.day, o.house, o.poll = make([]int, n), make([]int, n), make([]int, n)
	o.y, o.s2, o.neff = make([]float64, n), make([]float64, n), make([]float64, n)
	for i, r := range rows {
		o.day[i] = dayIndex(o.origin, r.mid)
		h := seen[r.lab]
		o.house[i], o.poll[i] = h, r.idx
		o.y[i], o.s2[i], o.neff[i] = r.y, r.s2, r.neff
		o.counts[h]++
		if r.corr != nil {
			o.addCorrection(i, n, r.corr)
		}
	}
	o.nDays = dayIndex(o.origin, last) + 1
	if opt.fieldAverage {
		o.setFieldSpans(polls)
	}
	return o, nil
}

// dayIndex returns the number of whole days from origin to t (both UTC
// midnights; other times are truncated to their UTC day).
func dayIndex(origin, t time.Time) int {
	return int(math.Floor(t.UTC().Truncate(24*time.Hour).Sub(origin.UTC().Truncate(24*time.Hour)).Hours()/24 + 0.5))
}

// addAnchor appends a pseudo-observation "the latent level on date was
// value with standard deviation sd" (house −1), extending the day range when
// the date lies outside it. Observations stay sorted by day.
func (o *observations) addAnchor(date time.Time, value, sd float64) {
	d := dayIndex(o.origin, date)
	if d < 0 {
		// Shift everything so that the anchor is day 0.
		for i := range o.day {
			o.day[i] -= d
		}
		for i := range o.first { // field spans (banded.go), when recorded
			o.first[i] -= d
			o.last[i] -= d
		}
		o.origin = o.origin.AddDate(0, 0, d)
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
	for c, g := range o.loads {
		o.loads[c] = append(g[:i], append([]float64{0}, g[i:]...)...) // a calibration does not move an anchor
	}
	o.s2 = append(o.s2[:i], append([]float64{v}, o.s2[i:]...)...)
	o.poll = append(o.poll[:i], append([]int{-1}, o.poll[i:]...)...)
	if o.first != nil { // an anchor measures one day
		o.first = append(o.first[:i], append([]int{d}, o.first[i:]...)...)
		o.last = append(o.last[:i], append([]int{d}, o.last[i:]...)...)
	}
	o.neff = append(o.neff[:i], append([]float64{0}, o.neff[i:]...)...)
}

// date returns the calendar date of day d.
func (o *observations) date(d int) time.Time { return o.origin.AddDate(0, 0, d) }

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
