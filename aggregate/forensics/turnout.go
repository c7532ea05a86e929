package forensics

// Totals are the summed protocols and votes of a set of polling stations
// (a region, the country), with the region-level remote totals when
// asked for. Every figure is an exact integer sum; turnout and shares are
// computed from the sums, never averaged over stations.
type Totals struct {
	Region   string // "" for the national totals
	Stations int    // polling stations with results summed
	Remote   bool   // whether region-level remote totals are included
	Protocol
	Votes []int // per candidate, in the order of Election.Candidates
}

// Turnout returns 100·Issued/Registered in percent (the Central Election
// Commission's явка); NaN when no voter is registered.
func (t *Totals) Turnout() float64 { return percent(t.Issued(), t.Registered) }

// Share returns candidate c's share of the cast (valid + invalid) ballots
// in percent, as the Central Election Commission computes it; NaN when
// none was cast.
func (t *Totals) Share(c int) float64 { return percent(t.Votes[c], t.Cast()) }

func (t *Totals) add(p Protocol, votes []int) {
	t.Protocol.add(p)
	for c, v := range votes {
		if c < len(t.Votes) { // a hand-built row may have more counts than candidates
			t.Votes[c] += v
		}
	}
}

// Results are an election's national and regional totals.
type Results struct {
	Candidates []string
	WithRemote bool
	National   Totals
	// Regions in order of first appearance in the station table, then
	// regions that appear only in the remote table.
	Regions []Totals
	// Unreported counts the stations listed without results
	// (Election.Unreported); they are in no total.
	Unreported int
}

// Results sums the protocols of every station with results, nationally
// and by region; with withRemote the region-level remote totals
// (Election.Remote, the 2024 e-voting) are added to their regions and to
// the national totals. Stations listed without results are left out
// (and counted in Unreported); nothing else is excluded: stations with no
// registered voters or no ballots add their zeros.
func (e *Election) Results(withRemote bool) *Results {
	nc := len(e.Candidates)
	r := &Results{Candidates: e.Candidates, WithRemote: withRemote, Unreported: len(e.Unreported)}
	r.National.Votes = make([]int, nc)
	r.National.Remote = withRemote
	index := map[string]int{}
	region := func(name string) *Totals {
		i, ok := index[name]
		if !ok {
			i = len(r.Regions)
			index[name] = i
			r.Regions = append(r.Regions, Totals{Region: name, Remote: withRemote, Votes: make([]int, nc)})
		}
		return &r.Regions[i]
	}
	for i := range e.Stations {
		s := &e.Stations[i]
		t := region(s.Region)
		t.add(s.Protocol, s.Votes)
		t.Stations++
		r.National.add(s.Protocol, s.Votes)
		r.National.Stations++
	}
	if withRemote {
		for i := range e.Remote {
			t := &e.Remote[i]
			region(t.Region).add(t.Protocol, t.Votes)
			r.National.add(t.Protocol, t.Votes)
		}
	}
	return r
}
