package forensics

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Protocol holds the twelve numbered lines of a count protocol
// (протокол участковой избирательной комиссии об итогах голосования) of a
// Russian federal election, in the numbering of the 2018 and 2024
// presidential elections. The candidates' lines that follow them are
// kept apart, in Station.Votes.
type Protocol struct {
	Registered  int // 1: voters on the list (число избирателей, включенных в список)
	Received    int // 2: ballots the commission received
	Early       int // 3: ballots issued to voters who voted early
	Inside      int // 4: ballots issued in the polling station on voting day
	Outside     int // 5: ballots issued outside the station (home voting)
	Cancelled   int // 6: unused ballots cancelled (погашенных)
	Mobile      int // 7: ballots found in the mobile (portable) boxes
	Stationary  int // 8: ballots found in the stationary boxes
	Invalid     int // 9: invalid ballots
	Valid       int // 10: valid ballots
	Lost        int // 11: ballots lost
	Unaccounted int // 12: ballots not accounted for on receipt
}

// protocolLines is the number of numbered lines before the candidates.
const protocolLines = 12

// line returns a pointer to protocol line i (0-based), so that the reader
// and the sums address the lines by number.
func (p *Protocol) line(i int) *int {
	switch i {
	case 0:
		return &p.Registered
	case 1:
		return &p.Received
	case 2:
		return &p.Early
	case 3:
		return &p.Inside
	case 4:
		return &p.Outside
	case 5:
		return &p.Cancelled
	case 6:
		return &p.Mobile
	case 7:
		return &p.Stationary
	case 8:
		return &p.Invalid
	case 9:
		return &p.Valid
	case 10:
		return &p.Lost
	case 11:
		return &p.Unaccounted
	}
	panic(fmt.Sprintf("forensics: protocol line %d", i+1))
}

// Issued returns the ballots issued to voters: early, in the station and
// outside it (lines 3 + 4 + 5). Turnout is Issued/Registered, the Central
// Election Commission's definition (явка) and Kobak et al.'s "given".
func (p Protocol) Issued() int { return p.Early + p.Inside + p.Outside }

// Cast returns the valid and invalid ballots (lines 9 + 10): the base of
// every vote share in this package. It equals the ballots found in the
// boxes (lines 7 + 8, InBoxes) whenever the protocol's second control
// relation holds, which it does at every station of the 2018 and 2024
// files; the federal law counts "the voters who took part" by the
// ballots found in the boxes, so shares of Cast are the official shares.
func (p Protocol) Cast() int { return p.Valid + p.Invalid }

// InBoxes returns the ballots found in the mobile and stationary boxes
// (lines 7 + 8).
func (p Protocol) InBoxes() int { return p.Mobile + p.Stationary }

// add adds q's lines to p's, field by field (line's switch, twelve times
// a station, was most of a national total's time).
func (p *Protocol) add(q Protocol) {
	p.Registered += q.Registered
	p.Received += q.Received
	p.Early += q.Early
	p.Inside += q.Inside
	p.Outside += q.Outside
	p.Cancelled += q.Cancelled
	p.Mobile += q.Mobile
	p.Stationary += q.Stationary
	p.Invalid += q.Invalid
	p.Valid += q.Valid
	p.Lost += q.Lost
	p.Unaccounted += q.Unaccounted
}

// Station is one polling station's protocol.
type Station struct {
	Region      string // subject of the federation (column region)
	Territorial string // territorial commission (ТИК, column tik)
	Name        string // station commission (УИК, column uik), e.g. «УИК №554»
	Line        int    // line of the row in its file
	Protocol
	// Votes holds the votes for each candidate, in the order of
	// Election.Candidates.
	Votes []int
}

// Turnout returns the station's turnout, 100·Issued/Registered, in
// percent; NaN when no voter is registered.
func (s *Station) Turnout() float64 { return percent(s.Issued(), s.Registered) }

// Share returns candidate c's share of the cast ballots, 100·votes/Cast,
// in percent; NaN when none was cast.
func (s *Station) Share(c int) float64 { return percent(s.Votes[c], s.Cast()) }

// RegionTotal is a row of a region-level table: counts that belong to no
// polling station. In the 2024 presidential election these are the
// remote electronic votes (ДЭГ), published by region only.
type RegionTotal struct {
	Region string
	Line   int
	Protocol
	Votes []int
}

// Unreported is a row whose counts are all empty: a station listed
// without results (in 2024 the 2,268 stations of the four annexed
// Ukrainian regions, whose protocols were not released). It is kept out
// of every count and reported here.
type Unreported struct {
	Region, Territorial, Name string
	Line                      int
}

// Election holds one election's protocols as read from its files.
type Election struct {
	// Source names the station file (WithSource, or the file name).
	Source string
	// Candidates are the candidates' column headers, in file order.
	Candidates []string
	// Stations are the polling stations with results, in file order.
	Stations []Station
	// Unreported are the stations listed without any result.
	Unreported []Unreported
	// Remote holds region-level totals kept apart from the stations:
	// the remote electronic voting of 2024 (AttachRemote). Station-level
	// methods never see them; Results adds them on request.
	Remote []RegionTotal
	// RemoteSource names the file Remote came from.
	RemoteSource string
}

// AttachRemote sets e.Remote to the region-level totals read into r (a
// file without tik and uik columns, such as 2024-electronic-voting.csv).
// The two files must list the same candidates in the same order
// (ErrCandidates otherwise); r must hold region-level rows and no
// stations (ErrLayout).
func (e *Election) AttachRemote(r *Election) error {
	if r == nil || len(r.Stations) > 0 || len(r.Unreported) > 0 {
		return fmt.Errorf("%w: AttachRemote wants a region-level table, not polling stations", ErrLayout)
	}
	if len(r.Candidates) != len(e.Candidates) {
		return fmt.Errorf("%w: %d candidates in %s, %d in %s", ErrCandidates, len(e.Candidates), e.Source, len(r.Candidates), r.Source)
	}
	for i, c := range e.Candidates {
		if r.Candidates[i] != c {
			return fmt.Errorf("%w: candidate %d is %q in %s, %q in %s", ErrCandidates, i+1, c, e.Source, r.Candidates[i], r.Source)
		}
	}
	e.Remote = r.Remote
	e.RemoteSource = r.Source
	return nil
}

// Candidate returns the index of the candidate named name: the exact
// column header, else the only header that contains name (case and ё/е
// ignored), e.g. "Путин". An empty name means the leader (Leader).
//
// It also checks what the readers guarantee but a hand-built Election
// may not: every station has one vote count per candidate
// (ErrCandidates) and no negative count (ErrNegative). The estimators
// call it first.
func (e *Election) Candidate(name string) (int, error) {
	if len(e.Candidates) == 0 {
		return 0, fmt.Errorf("%w: the election lists no candidates", ErrCandidate)
	}
	for i := range e.Stations {
		s := &e.Stations[i]
		if len(s.Votes) != len(e.Candidates) {
			return 0, fmt.Errorf("%w: the station at line %d has %d vote counts for %d candidates", ErrCandidates, s.Line, len(s.Votes), len(e.Candidates))
		}
		neg := slices.ContainsFunc(s.Votes, func(v int) bool { return v < 0 })
		for l := range protocolLines {
			neg = neg || *s.line(l) < 0
		}
		if neg {
			return 0, fmt.Errorf("%w: the station at line %d", ErrNegative, s.Line)
		}
	}
	if name == "" {
		return e.Leader(), nil
	}
	for i, c := range e.Candidates {
		if c == name {
			return i, nil
		}
	}
	want := normalizeHeader(name)
	found := -1
	for i, c := range e.Candidates {
		if strings.Contains(normalizeHeader(c), want) {
			if found >= 0 {
				return 0, fmt.Errorf("%w: %q matches %q and %q", ErrCandidate, name, e.Candidates[found], c)
			}
			found = i
		}
	}
	if found < 0 {
		return 0, fmt.Errorf("%w: %q (candidates: %s)", ErrCandidate, name, strings.Join(e.Candidates, "; "))
	}
	return found, nil
}

// Leader returns the index of the candidate with the most votes at the
// polling stations (the first in file order on a tie).
func (e *Election) Leader() int {
	votes := make([]int, len(e.Candidates))
	for i := range e.Stations {
		for c, v := range e.Stations[i].Votes {
			if c < len(votes) {
				votes[c] += v
			}
		}
	}
	best := 0
	for c, v := range votes {
		if v > votes[best] {
			best = c
		}
	}
	return best
}

// percent returns 100·a/b, NaN when b is zero.
func percent(a, b int) float64 {
	if b == 0 {
		return math.NaN()
	}
	return 100 * float64(a) / float64(b)
}
