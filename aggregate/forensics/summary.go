package forensics

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Summary is the forensic side of an election-integrity table: the
// official count recomputed from the stations, its arithmetic checked,
// the integer-percentage fingerprint, and Shpilkin's clean share. The
// poll-implied side is package aggregate's.
type Summary struct {
	Source, RemoteSource string
	Candidate            string
	candidate            int // its column

	Rows          int // stations listed: with results and without
	Stations      int // with results
	Unreported    int // listed without results
	RemoteRegions int // region-level remote rows

	AtStations Totals  // national totals of the stations
	WithRemote Totals  // the same with the remote totals (equal when there are none)
	Share      float64 // the candidate's official share at the stations, percent
	ShareAll   float64 // with the remote votes
	Turnout    float64 // at the stations
	TurnoutAll float64 // with the remote votes

	Discrepancies []Discrepancy
	Integer       *IntegerResult
	Shpilkin      *ShpilkinResult
}

// Clean returns Shpilkin's clean share, the estimate an integrity table
// compares with the official share and the polls.
func (s *Summary) Clean() CleanShare { return s.Shpilkin.Clean }

// Summarize recomputes the totals, checks every protocol, and runs the
// integer-percentage test and Shpilkin's estimate (both for the same
// candidate: it.Leader and sh.Leader are set to leader, "" meaning the
// candidate with the most votes). Errors are the estimators'.
func Summarize(ctx context.Context, e *Election, leader string, it IntegerTest, sh Shpilkin) (*Summary, error) {
	c, err := e.Candidate(leader)
	if err != nil {
		return nil, err
	}
	it.Leader, sh.Leader = e.Candidates[c], e.Candidates[c]
	s := &Summary{
		Source: e.Source, RemoteSource: e.RemoteSource, Candidate: e.Candidates[c], candidate: c,
		Rows: len(e.Stations) + len(e.Unreported), Stations: len(e.Stations), Unreported: len(e.Unreported),
		RemoteRegions: len(e.Remote),
	}
	s.AtStations = e.Results(false).National
	s.WithRemote = e.Results(true).National
	s.Share, s.ShareAll = s.AtStations.Share(c), s.WithRemote.Share(c)
	s.Turnout, s.TurnoutAll = s.AtStations.Turnout(), s.WithRemote.Turnout()
	s.Discrepancies = e.Check()
	if s.Integer, err = it.Run(ctx, e); err != nil {
		return nil, err
	}
	if s.Shpilkin, err = sh.Estimate(ctx, e); err != nil {
		return nil, err
	}
	return s, nil
}

// String formats the summary as a readable table with the methods'
// assumptions and caveats.
func (s *Summary) String() string {
	en := message.NewPrinter(language.English)
	var b strings.Builder
	src := s.Source
	if s.RemoteSource != "" {
		src += " + " + s.RemoteSource
	}
	fmt.Fprintf(&b, "Election forensics: %s\n", src)
	fmt.Fprintf(&b, "  %s stations listed: %s with results, %s without", en.Sprint(s.Rows), en.Sprint(s.Stations), en.Sprint(s.Unreported))
	if s.RemoteRegions > 0 {
		fmt.Fprintf(&b, "; remote e-voting totals for %d regions", s.RemoteRegions)
	}
	fmt.Fprintf(&b, "\n  registered voters: %s at the stations", en.Sprint(s.AtStations.Registered))
	if s.RemoteRegions > 0 {
		fmt.Fprintf(&b, ", %s with e-voting", en.Sprint(s.WithRemote.Registered))
	}
	var eq, bound, stations int
	seen := map[int]bool{}
	for _, d := range s.Discrepancies {
		if d.Rule.Equality() {
			eq++
		} else {
			bound++
		}
		if !seen[d.Line] {
			seen[d.Line] = true
			stations++
		}
	}
	fmt.Fprintf(&b, "\n  protocol arithmetic: %d control relations broken, %d bounds broken, at %d stations (Election.Check)\n\n", eq, bound, stations)

	sh, it := s.Shpilkin, s.Integer
	level := fmt.Sprintf("%g%%", 100*sh.Level)
	fmt.Fprintf(&b, "  %s: share of the cast ballots, %%\n", s.Candidate)
	fmt.Fprintf(&b, "  %-40s %6s  %-16s  %s\n", "estimate", "share", level+" interval", "what")
	fmt.Fprintf(&b, "  %-40s %6.2f  %-16s  %s of %s ballots\n", "official, polling stations", s.Share, "", en.Sprint(s.AtStations.Votes[s.candidate]), en.Sprint(s.AtStations.Cast()))
	if s.RemoteRegions > 0 {
		fmt.Fprintf(&b, "  %-40s %6.2f  %-16s  %s of %s ballots\n", "official, stations + remote e-voting", s.ShareAll, "", en.Sprint(s.WithRemote.Votes[s.candidate]), en.Sprint(s.WithRemote.Cast()))
	}
	fmt.Fprintf(&b, "  %-40s %6.2f  [%5.2f, %5.2f]    %.2f M anomalous votes [%.2f, %.2f]; turnout %.1f%% → %.1f%%\n",
		"clean, Shpilkin (polling stations)", sh.Clean.Share, sh.Clean.Lower, sh.Clean.Upper,
		sh.Anomalous/1e6, sh.AnomalousLower/1e6, sh.AnomalousUpper/1e6, sh.Turnout, sh.CleanTurnout)
	dep := "none found"
	if !math.IsNaN(sh.Departure) {
		dep = fmt.Sprintf("%.0f%% (share +%.1f points above it)", sh.Departure, sh.Rise)
	}
	peak := "mode of the others' votes below the departure"
	if sh.PeakFixed {
		peak = "fixed"
	}
	fmt.Fprintf(&b, "    departure of the leader's share: %s; clean peak %.0f–%.0f%% (%s); clean ratio %.3f from %s stations;\n"+
		"    interval: regional effects of %d regions (sd %.3f) and station noise (se %.4f), %d replicates\n",
		dep, sh.Peak, sh.Peak+sh.BinWidth, peak, sh.CleanRatio, en.Sprint(sh.CleanStations), sh.EffectRegions, sh.RegionalSD, sh.StationSE, sh.Replicates)
	n := it.National.Either
	fmt.Fprintf(&b, "\n  Integer percentages (Kobak et al. 2016): stations whose turnout or share is a whole percentage (±%g)\n", it.Window/2)
	fmt.Fprintf(&b, "  %-40s %8s %9s %18s %8s\n", "", "observed", "expected", "excess ("+level+")", "p")
	row := func(name string, x Excess) {
		fmt.Fprintf(&b, "  %-40s %8s %9s %6s [%5s, %5s] %8.4f\n", name, en.Sprint(x.Observed), en.Sprintf("%.0f", x.Expected),
			en.Sprintf("%.0f", x.Excess), en.Sprintf("%.0f", x.Lower), en.Sprintf("%.0f", x.Upper), x.P)
	}
	row(fmt.Sprintf("turnout or share, %s stations", en.Sprint(it.Stations)), n)
	row("turnout", it.National.Turnout)
	row("share", it.National.Share)
	regs := slices.Clone(it.Regions)
	slices.SortFunc(regs, func(a, b IntegerCount) int { return cmp.Compare(b.Either.Excess, a.Either.Excess) })
	fmt.Fprintf(&b, "  largest regional excesses:")
	for i, r := range regs {
		if i == 5 {
			break
		}
		fmt.Fprintf(&b, " %s %+.0f;", r.Region, r.Either.Excess)
	}
	fmt.Fprintf(&b, " (%d Monte Carlo replicates, seed %d)\n", it.Replicates, it.Seed)

	b.WriteString("\n  Shpilkin's estimate assumes:\n")
	for _, a := range sh.Clean.Assumptions {
		fmt.Fprintf(&b, "   - %s\n", a)
	}
	b.WriteString("  Caveats: the clean share is of the ballots at polling stations, without the remote e-voting, whose\n" +
		"  turnout no station records; an integer excess shows that counts were written to a target, not how many\n" +
		"  votes were added; approval in polls is not a vote, and turnout separates the two.\n")
	return b.String()
}
