package forensics

import (
	"fmt"
	"math"
)

// Weight chooses what a histogram counts.
type Weight int

const (
	// ByStations counts polling stations (the default).
	ByStations Weight = iota
	// ByVoters counts registered voters.
	ByVoters
	// ByBallots counts cast (valid + invalid) ballots.
	ByBallots
)

func (w Weight) String() string {
	switch w {
	case ByStations:
		return "stations"
	case ByVoters:
		return "registered voters"
	case ByBallots:
		return "cast ballots"
	}
	return fmt.Sprintf("Weight(%d)", int(w))
}

// Histogram2D is the joint distribution of the polling stations' turnout
// and the leader's share: Klimek, Yegorov, Hanel & Thurner's (2012)
// election fingerprint. Honest elections give one compact, roughly
// elliptical cloud; ballot stuffing drags stations towards the corner of
// 100% turnout and 100% share, and falsified counts leave a grid at whole
// (and round) percentages.
type Histogram2D struct {
	Candidate string
	Weight    Weight
	Width     float64 // bin width in percentage points, on both axes
	Bins      int     // bins per axis: 100/Width
	// Counts[i*Bins+j] is the weight of the stations with turnout in bin i
	// and share in bin j; bin i covers [i·Width, (i+1)·Width), and the
	// last bin includes 100.
	Counts []float64
	Total  float64
	// Stations analysed, and left out for having no registered voter, no
	// cast ballot, or more ballots issued than voters.
	Stations                        int
	NoVoters, NoBallots, OverIssued int
}

// binCount returns the number of bins of the given width (percentage
// points) between 0 and 100, or 0 when the width is outside [0.1, 10] or
// does not divide 100.
func binCount(width float64) int {
	n := 100 / width
	if !(width >= 0.1 && width <= 10) || math.Abs(n-math.Round(n)) > 1e-9 {
		return 0
	}
	return int(math.Round(n))
}

// At returns the weight in turnout bin i, share bin j.
func (h *Histogram2D) At(i, j int) float64 { return h.Counts[i*h.Bins+j] }

// Max returns the largest bin weight.
func (h *Histogram2D) Max() float64 {
	m := 0.0
	for _, v := range h.Counts {
		m = math.Max(m, v)
	}
	return m
}

// HistogramOptions configure NewHistogram2D; the zero value means the
// leader, 1-point bins, stations counted.
type HistogramOptions struct {
	Leader string  // candidate (Election.Candidate rules); "" is the leader
	Width  float64 // bin width in points, a divisor of 100 in [0.1, 10]; 0 means 1
	Weight Weight
}

// NewHistogram2D bins e's polling stations by turnout (ballots issued
// over registered voters) and the leader's share of the cast ballots.
// Stations with no registered voter, no cast ballot or more ballots
// issued than voters have no point on the chart and are counted apart.
// Errors: ErrCandidate, ErrConfig, ErrNoData.
func NewHistogram2D(e *Election, o HistogramOptions) (*Histogram2D, error) {
	if o.Width == 0 {
		o.Width = 1
	}
	n := binCount(o.Width)
	if n == 0 {
		return nil, fmt.Errorf("%w: HistogramOptions.Width %v (want a divisor of 100 in [0.1, 10])", ErrConfig, o.Width)
	}
	if o.Weight < ByStations || o.Weight > ByBallots {
		return nil, fmt.Errorf("%w: HistogramOptions.Weight %v", ErrConfig, o.Weight)
	}
	lead, err := e.Candidate(o.Leader)
	if err != nil {
		return nil, err
	}
	h := &Histogram2D{Candidate: e.Candidates[lead], Weight: o.Weight, Width: o.Width, Bins: n, Counts: make([]float64, n*n)}
	bin := func(part, whole int) int { return min(n-1, int(100*float64(part)/float64(whole)/o.Width)) }
	for i := range e.Stations {
		s := &e.Stations[i]
		switch {
		case s.Registered == 0:
			h.NoVoters++
			continue
		case s.Cast() == 0:
			h.NoBallots++
			continue
		case s.Issued() > s.Registered:
			h.OverIssued++
			continue
		}
		w := 1.0
		switch o.Weight {
		case ByVoters:
			w = float64(s.Registered)
		case ByBallots:
			w = float64(s.Cast())
		}
		h.Counts[bin(s.Issued(), s.Registered)*n+bin(s.Votes[lead], s.Cast())] += w
		h.Total += w
		h.Stations++
	}
	if h.Stations == 0 {
		return nil, fmt.Errorf("%w: NewHistogram2D: no station with voters and ballots", ErrNoData)
	}
	return h, nil
}
