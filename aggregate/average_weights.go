package aggregate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Term says whether Average includes one of its optional terms (house
// effects, the trend error, the frequency discount). The zero value,
// Included, is the default.
type Term uint8

// Terms.
const (
	Included Term = iota
	Excluded
)

// TrackingRule is how Average treats tracking polls (poll.Tracking).
type TrackingRule uint8

// Tracking rules.
const (
	// TrackingNonOverlapping keeps, per pollster, a maximal set of
	// releases whose fieldwork periods do not overlap: sort by end date
	// descending, keep the latest, then repeatedly keep the next release
	// that ended before the start of the last one kept (538's 2025 rule;
	// greedy is optimal for interval scheduling). Dropped releases are
	// counted in a warning.
	TrackingNonOverlapping TrackingRule = iota
	// TrackingDownweight keeps every release but divides its effective
	// sample size by the length of its fieldwork period k (in days), so a
	// k-day rolling sample counts once per k days (538, 2008).
	TrackingDownweight
	// TrackingKeepAll treats tracking releases like any other poll.
	TrackingKeepAll
)

// Recency is the decay r(a) of a poll's influence with its age a in days
// (from its end date for the causal average, from its midpoint for the
// centred one):
//
//	r(a) = exp(−(a/Scale)^Shape)   for a ≤ MaxAge (default),
//	r(a) = 2^(−a/HalfLife)         for a ≤ MaxAge when HalfLife > 0,
//	r(a) = 0                       for a > MaxAge.
//
// Zero fields mean Scale = 11.8, Shape = 1.64, MaxAge = 32: a fit to the
// influence of non-tracking polls in 538's Trump poll list (r ≈ 0.5 at 9–10
// days, 0.06 at 23, 0 beyond about 32). It is a fit, not
// 538's formula.
type Recency struct {
	Scale, Shape float64
	HalfLife     float64
	MaxAge       int
}

// kernel returns r(0), …, r(MaxAge).
func (r Recency) kernel() ([]float64, error) {
	scale, shape, maxAge := r.Scale, r.Shape, r.MaxAge
	if scale == 0 {
		scale = 11.8
	}
	if shape == 0 {
		shape = 1.64
	}
	if maxAge == 0 {
		maxAge = 32
	}
	if !(scale > 0) || !(shape > 0) || math.IsInf(scale, 0) || math.IsInf(shape, 0) || maxAge < 0 || !(r.HalfLife >= 0) || math.IsInf(r.HalfLife, 0) {
		return nil, fmt.Errorf("%w: Recency %+v", ErrConfig, r)
	}
	k := make([]float64, maxAge+1)
	for a := range k {
		if r.HalfLife > 0 {
			k[a] = math.Exp2(-float64(a) / r.HalfLife)
		} else {
			k[a] = math.Exp(-math.Pow(float64(a)/scale, shape))
		}
	}
	return k, nil
}

// gradeWeights are quality weights by 538 letter grade. A+, A, A/B, A−,
// B+, B− and C are the median 538 weights of non-tracking polls with
// n ≈ 1,000–1,200 in 538's Trump poll list (testdata/538: 2.05, 1.81,
// 1.62, 1.60, 1.51, 0.52, 0.42), divided by the A+ median. B's own median
// (0.13) is dominated by frequent pollsters, whose weight 538 cut for
// frequency, so B and C+ are interpolated instead; B/C, C−, C/D and the D
// grades are our extrapolation, decreasing with the grade.
var gradeWeights = map[string]float64{
	"A+": 1.00, "A": 0.88, "A-": 0.78, "A/B": 0.79,
	"B+": 0.74, "B": 0.50, "B-": 0.25, "B/C": 0.23,
	"C+": 0.22, "C": 0.20, "C-": 0.17, "C/D": 0.15,
	"D+": 0.12, "D": 0.10, "D-": 0.08,
}

// GradeWeight returns the quality weight Average uses for a 538 letter
// grade (A+ = 1; see the package documentation for the table and its
// provenance). It accepts "−" (U+2212) for "-" and ignores surrounding
// space; ok is false for an unknown grade.
func GradeWeight(grade string) (w float64, ok bool) {
	g := strings.ReplaceAll(strings.ToUpper(strings.TrimSpace(grade)), "−", "-")
	w, ok = gradeWeights[g]
	return w, ok
}

// dedupeTracking applies TrackingNonOverlapping in place and returns the
// number of releases dropped.
func dedupeTracking(ps *[]avgPoll) int {
	byHouse := make(map[int][]int)
	for i, q := range *ps {
		if q.tracking {
			byHouse[q.house] = append(byHouse[q.house], i)
		}
	}
	drop := make(map[int]bool)
	for _, idx := range byHouse {
		slices.SortFunc(idx, func(i, j int) int {
			return cmp.Or(cmp.Compare((*ps)[j].end, (*ps)[i].end), cmp.Compare((*ps)[j].start, (*ps)[i].start), cmp.Compare(i, j))
		})
		lastStart := math.MaxInt
		for _, i := range idx {
			if (*ps)[i].end < lastStart {
				lastStart = (*ps)[i].start
				continue
			}
			drop[i] = true
		}
	}
	if len(drop) == 0 {
		return 0
	}
	kept := (*ps)[:0]
	for i, q := range *ps {
		if !drop[i] {
			kept = append(kept, q)
		}
	}
	*ps = kept
	return len(drop)
}

// weigh sets w_i = quality × frequency discount × sample-size factor.
func (a Average) weigh(c *avgConfig, p *prepared) {
	// Polls of each house by end day, for the frequency discount.
	ends := make([][]int, len(p.houses))
	for _, q := range p.polls {
		ends[q.house] = append(ends[q.house], q.end)
	}
	for h := range ends {
		slices.Sort(ends[h])
	}
	for i := range p.polls {
		q := &p.polls[i]
		if q.weight > 0 && a.WeightIsComplete {
			q.w = q.weight
			continue
		}
		quality := 1.0
		switch name := p.houses[q.house]; {
		case q.weight > 0:
			quality = q.weight
		case a.PollsterWeights != nil && hasKey(a.PollsterWeights, name):
			quality = a.PollsterWeights[name]
		case q.grade > 0:
			quality = q.grade
		}
		size := 1.0
		if q.n > 0 {
			n := q.n
			if q.tracking && a.Tracking == TrackingDownweight {
				n /= float64(q.end - q.start + 1)
			}
			size = min(math.Sqrt(n/c.n0), c.capSize)
		}
		freq := 1.0
		if c.freqPower > 0 {
			e := ends[q.house]
			lo, _ := slices.BinarySearch(e, q.end-c.freqWindow+1)
			hi, _ := slices.BinarySearch(e, q.end+1)
			freq = math.Pow(float64(hi-lo), -c.freqPower)
		}
		q.w = quality * size * freq
	}
}

func hasKey[V any](m map[string]V, k string) bool { _, ok := m[k]; return ok }
