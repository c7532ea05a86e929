package aggregate

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/candorpoll/candor/poll"
)

// Identification says how the level is separated from the house effects:
// α_t + c and δ_j − c fit the polls equally well, so one restriction fixes
// c. Build it with WeightedSumToZero, SumToZero, ReferenceHouse or
// AnchoredOn; the zero value is WeightedSumToZero(). See "Identification"
// in the package documentation.
type Identification struct {
	kind    identKind
	house   string
	anchors []Anchor
}

type identKind uint8

const (
	weightedSumToZero identKind = iota
	sumToZero
	reference
	anchored
)

// WeightedSumToZero (the default): Σ_j n_j δ_j = 0 with n_j the number of
// polls of house j (of the share): the average poll has no house effect,
// so the level is the consensus of the polls as published.
func WeightedSumToZero() Identification { return Identification{} }

// SumToZero: Σ_j δ_j = 0, every house counting equally (Jackman 2005; the
// identification of the peer implementations).
func SumToZero() Identification { return Identification{kind: sumToZero} }

// ReferenceHouse gives house δ = 0: the level is that house's series and
// the effects are relative to it. house is a pollster name or alias
// (poll.CanonicalName), or a house label such as "Levada/face-to-face"
// when modes are split (a bare pollster name then means its house with
// the most polls).
func ReferenceHouse(house string) Identification {
	return Identification{kind: reference, house: house}
}

// AnchoredOn frees every house effect and pins the level by known values
// (election results with their standard deviations), entered as
// pseudo-observations α_t = value + N(0, sd²): absolute house effects, as
// absolute as the anchors are. Each share estimated needs at least one
// anchor.
func AnchoredOn(anchors ...Anchor) Identification {
	return Identification{kind: anchored, anchors: append([]Anchor(nil), anchors...)}
}

// Anchor is a known value of the latent level of one share on one date,
// e.g. an election result, with the standard deviation of its error as a
// measure of the level (points, > 0).
type Anchor struct {
	Share Share
	Date  time.Time
	Value float64 // points
	SD    float64 // points; must be > 0
}

// String returns "weighted-sum-to-zero", "sum-to-zero", "reference HOUSE"
// or "anchored (N anchors)".
func (id Identification) String() string {
	switch id.kind {
	case weightedSumToZero:
		return "weighted-sum-to-zero"
	case sumToZero:
		return "sum-to-zero"
	case reference:
		return "reference " + id.house
	case anchored:
		return fmt.Sprintf("anchored (%d anchors)", len(id.anchors))
	}
	return fmt.Sprintf("Identification(%d)", id.kind)
}

func (id Identification) check() error {
	switch id.kind {
	case weightedSumToZero, sumToZero:
	case reference:
		if strings.TrimSpace(id.house) == "" {
			return fmt.Errorf("%w: ReferenceHouse needs a house name", ErrConfig)
		}
	case anchored:
		if len(id.anchors) == 0 {
			return fmt.Errorf("%w: AnchoredOn needs at least one anchor", ErrConfig)
		}
		for _, a := range id.anchors {
			if !(a.SD > 0) || math.IsInf(a.SD, 0) || !(a.Value >= 0 && a.Value <= 100) || a.Share > Undecided {
				return fmt.Errorf("%w: anchor %v on %s: value %v, sd %v (need 0 ≤ value ≤ 100, sd > 0)",
					ErrConfig, a.Share, a.Date.Format(time.DateOnly), a.Value, a.SD)
			}
		}
	default:
		return fmt.Errorf("%w: Identification %v", ErrConfig, id)
	}
	return nil
}

// constraint builds the identification constraint of o's houses (adding
// the anchors of o's share as pseudo-observations under AnchoredOn) and
// the filter's identification.
func (id Identification) constraint(o *observations, profiles *poll.Profiles) (constraint, filterIdent, error) {
	J := len(o.houses)
	fid := filterIdent{kind: id.kind, reference: -1}
	switch id.kind {
	case reference:
		r, err := referenceHouse(o, id.house, profiles)
		if err != nil {
			return constraint{}, fid, err
		}
		fid.reference = r
		return newConstraint(J, r, make([]float64, J)), fid, nil
	case anchored:
		n := 0
		for _, a := range id.anchors {
			if a.Share == o.share {
				if err := o.addAnchor(a.Date, a.Value, a.SD); err != nil {
					return constraint{}, fid, err
				}
				n++
			}
		}
		if n == 0 {
			return constraint{}, fid, fmt.Errorf("%w: AnchoredOn has no anchor for %v", ErrConfig, o.share)
		}
		return newConstraint(J, -1, nil), fid, nil
	}
	// Sum to zero: the house with the most polls is expressed by the
	// others.
	dep := 0
	for h := range o.counts {
		if o.counts[h] > o.counts[dep] {
			dep = h
		}
	}
	coef := make([]float64, J)
	for h := range coef {
		if id.kind == weightedSumToZero {
			coef[h] = -float64(o.counts[h]) / float64(o.counts[dep])
		} else {
			coef[h] = -1
		}
	}
	return newConstraint(J, dep, coef), fid, nil
}

// referenceHouse finds the house named name (a pollster's name as the
// profiles know it, or a house label).
func referenceHouse(o *observations, name string, profiles *poll.Profiles) (int, error) {
	for h, lab := range o.houses {
		if lab == name {
			return h, nil
		}
	}
	canon := profiles.CanonicalName(name)
	best := -1
	for h, lab := range o.houses {
		if lab == canon || (len(lab) > len(canon) && lab[:len(canon)] == canon && lab[len(canon)] == '/') {
			if best < 0 || o.counts[h] > o.counts[best] {
				best = h
			}
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("%w: reference pollster %q has no %s polls (houses: %v)", ErrConfig, name, o.share, o.houses)
	}
	return best, nil
}

// constraint maps the k free constants γ to the full constants β (level,
// then one effect per house): β[free[j]] = γ[j], and when dep ≥ 0,
// β[dep] = Σ_j coef[j]·γ[j]. Every full index other than dep is free.
type constraint struct {
	nFull int
	free  []int
	dep   int
	coef  []float64 // len k; zero for the level
}

// newConstraint returns the constraint with house dep (0-based; −1 for
// none) expressed as Σ_j coef_j δ_j over the other houses; coefHouse[h] is
// the coefficient of house h (ignored for dep itself).
func newConstraint(nHouses, dep int, coefHouse []float64) constraint {
	c := constraint{nFull: nHouses + 1, dep: -1}
	if dep >= 0 {
		c.dep = 1 + dep
	}
	for a := 0; a < c.nFull; a++ {
		if a == c.dep {
			continue
		}
		c.free = append(c.free, a)
		v := 0.0
		if a > 0 && c.dep >= 0 {
			v = coefHouse[a-1]
		}
		c.coef = append(c.coef, v)
	}
	return c
}

func (c *constraint) k() int { return len(c.free) }

// full sets beta = Cγ.
func (c *constraint) full(gamma, beta []float64) {
	for a := range beta {
		beta[a] = 0
	}
	for j, a := range c.free {
		beta[a] = gamma[j]
		if c.dep >= 0 {
			beta[c.dep] += c.coef[j] * gamma[j]
		}
	}
}

// reduce sets out = Cᵀv for a full-length v.
func (c *constraint) reduce(v, out []float64) {
	for j, a := range c.free {
		out[j] = v[a]
		if c.dep >= 0 {
			out[j] += c.coef[j] * v[c.dep]
		}
	}
}
