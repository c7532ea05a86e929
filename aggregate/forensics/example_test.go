package forensics_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"path/filepath"

	"github.com/candorpoll/candor/aggregate/forensics"
)

// data is testdata/elections, from this package's directory.
func data(name string) string { return filepath.Join("..", "..", "testdata", "elections", name) }

// election2024 reads the 2024 stations and attaches the e-voting totals,
// as ExampleReadFile and ExampleElection_AttachRemote do step by step.
func election2024() *forensics.Election {
	e, err := forensics.ReadFile(data("2024.csv.zip"))
	if err != nil {
		log.Fatal(err)
	}
	ev, err := forensics.ReadFile(data("2024-electronic-voting.csv"))
	if err == nil {
		err = e.AttachRemote(ev)
	}
	if err != nil {
		log.Fatal(err)
	}
	return e
}

// Reading the 2024 polling-station protocols.
func ExampleReadFile() {
	e, err := forensics.ReadFile(data("2024.csv.zip"))
	var rows *forensics.RowErrors
	switch {
	case errors.As(err, &rows):
		for _, pe := range rows.Errors {
			fmt.Println("rejected:", pe) // file:line:column, value, reason; the good rows are kept
		}
	case err != nil:
		log.Fatal(err) // no header, not a protocol table, or a read failure
	}
	s := e.Stations[0]
	fmt.Printf("%d stations with results, %d without\n", len(e.Stations), len(e.Unreported))
	fmt.Printf("line %d: %s, %s, %s: %d registered, %d issued, %d cast, %d for %s\n",
		s.Line, s.Region, s.Territorial, s.Name, s.Registered, s.Issued(), s.Cast(), s.Votes[1], e.Candidates[1])
	// Output:
	// 91946 stations with results, 2268 without
	// line 2: Алтайский край, Алейская, УИК №554: 526 registered, 386 issued, 386 cast, 339 for Путин Владимир Владимирович
}

// The remote e-voting totals, by region, kept apart from the stations.
func ExampleElection_AttachRemote() {
	e := election2024()
	fmt.Printf("%s: %d regions; %s: %d registered, %d cast\n", e.RemoteSource, len(e.Remote),
		e.Remote[27].Region, e.Remote[27].Registered, e.Remote[27].Cast())
	// Output:
	// 2024-electronic-voting.csv: 29 regions; город Москва: 3666413 registered, 3642924 cast
}

// The protocols whose arithmetic fails: none breaks a control relation;
// five bounds fail at four stations.
func ExampleElection_Check() {
	e, err := forensics.ReadFile(data("2024.csv.zip"))
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range e.Check() {
		fmt.Println(d)
	}
	// Output:
	// line 16769, Калининградская область, Калининград, Ленинградская, УИК №196: 8 ≤ 3+4 (stationary boxes ≤ issued inside and early): 956 vs 955 (+1)
	// line 20301, Кировская область, Киров, Ленинская 1, УИК №281: 7 ≤ 3+5 (mobile boxes ≤ issued outside and early): 38 vs 37 (+1)
	// line 72764, Свердловская область, Красноуфимская городская, УИК №2056: 7+8 ≤ 3+4+5 (ballots in boxes ≤ ballots issued): 1288 vs 1287 (+1)
	// line 72764, Свердловская область, Красноуфимская городская, УИК №2056: 7 ≤ 3+5 (mobile boxes ≤ issued outside and early): 158 vs 157 (+1)
	// line 80664, Тюменская область, Тюмень, Ленинская, УИК №2167: 8 ≤ 3+4 (stationary boxes ≤ issued inside and early): 242 vs 60 (+182)
}

// National totals recomputed from the stations, without and with the
// remote e-voting.
func ExampleElection_Results() {
	e := election2024()
	for _, remote := range []bool{false, true} {
		n := e.Results(remote).National
		fmt.Printf("remote %-5v registered %d, turnout %.2f%%, Putin %d of %d cast = %.2f%%\n",
			remote, n.Registered, n.Turnout(), n.Votes[1], n.Cast(), n.Share(1))
	}
	// Output:
	// remote false registered 99764974, turnout 75.40%, Putin 65246672 of 75157438 cast = 86.81%
	// remote true  registered 108199380, turnout 77.07%, Putin 72350518 of 83214246 cast = 86.94%
}

// Kobak et al.'s integer-percentage test on the 2018 election: their
// notebook prints an excess of 1,708.8 stations.
func ExampleIntegerTest_Run() {
	e, err := forensics.ReadFile(data("2018.csv.zip"))
	if err != nil {
		log.Fatal(err)
	}
	r, err := forensics.IntegerTest{Seed: 42}.Run(context.Background(), e)
	if err != nil {
		log.Fatal(err)
	}
	x := r.National.Either
	fmt.Printf("%d stations analysed; %d with a whole-percentage turnout or share, %.0f expected (exact %.1f)\n",
		r.Stations, x.Observed, x.Expected, x.NullMean)
	fmt.Printf("excess %.0f stations, 95%% interval [%.0f, %.0f], p = %.4f\n", x.Excess, x.Lower, x.Upper, x.P)
	// Output:
	// 91152 stations analysed; 19271 with a whole-percentage turnout or share, 17563 expected (exact 17562.4)
	// excess 1708 stations, 95% interval [1489, 1941], p = 0.0010
}

// Shpilkin's estimate on the 2024 election.
func ExampleShpilkin_Estimate() {
	e, err := forensics.ReadFile(data("2024.csv.zip"))
	if err != nil {
		log.Fatal(err)
	}
	r, err := forensics.Shpilkin{Seed: 1}.Estimate(context.Background(), e)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("leader's share rises from %.0f%% turnout (+%.1f points); clean peak %.0f%%; clean ratio %.3f\n",
		r.Departure, r.Rise, r.Peak, r.CleanRatio)
	fmt.Printf("anomalous votes %.1f million [%.1f, %.1f]\n", r.Anomalous/1e6, r.AnomalousLower/1e6, r.AnomalousUpper/1e6)
	fmt.Printf("share: official %.2f%%, clean %.2f%% [%.2f, %.2f]; turnout %.1f%% → %.1f%%\n",
		r.Official, r.Clean.Share, r.Clean.Lower, r.Clean.Upper, r.Turnout, r.CleanTurnout)
	// Output:
	// leader's share rises from 62% turnout (+7.5 points); clean peak 61%; clean ratio 4.844
	// anomalous votes 22.9 million [20.4, 26.2]
	// share: official 86.81%, clean 81.02% [79.75, 81.90]; turnout 75.4% → 52.4%
}

// The turnout × share fingerprint (chart.Fingerprint draws it).
func ExampleNewHistogram2D() {
	e, err := forensics.ReadFile(data("2024.csv.zip"))
	if err != nil {
		log.Fatal(err)
	}
	h, err := forensics.NewHistogram2D(e, forensics.HistogramOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d stations in %d×%d bins; at 99–100%% turnout and share: %.0f; at 61%% and 80%%: %.0f\n",
		h.Stations, h.Bins, h.Bins, h.At(99, 99), h.At(61, 80))
	// Output:
	// 91939 stations in 100×100 bins; at 99–100% turnout and share: 527; at 61% and 80%: 112
}

// The forensic side of the integrity table for 2024.
func ExampleSummarize() {
	e := election2024()
	s, err := forensics.Summarize(context.Background(), e, "Путин", forensics.IntegerTest{Seed: 1}, forensics.Shpilkin{Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(s)
	// Output:
	// Election forensics: 2024.csv + 2024-electronic-voting.csv
	//   94,214 stations listed: 91,946 with results, 2,268 without; remote e-voting totals for 29 regions
	//   registered voters: 99,764,974 at the stations, 108,199,380 with e-voting
	//   protocol arithmetic: 0 control relations broken, 5 bounds broken, at 4 stations (Election.Check)
	//
	//   Путин Владимир Владимирович: share of the cast ballots, %
	//   estimate                                  share  95% interval      what
	//   official, polling stations                86.81                    65,246,672 of 75,157,438 ballots
	//   official, stations + remote e-voting      86.94                    72,350,518 of 83,214,246 ballots
	//   clean, Shpilkin (polling stations)        81.02  [79.75, 81.90]    22.94 M anomalous votes [20.40, 26.21]; turnout 75.4% → 52.4%
	//     departure of the leader's share: 62% (share +7.5 points above it); clean peak 61–62% (mode of the others' votes below the departure); clean ratio 4.844 from 14,438 stations;
	//     interval: regional effects of 55 regions (sd 0.999) and station noise (se 0.0162), 1000 replicates
	//
	//   Integer percentages (Kobak et al. 2016): stations whose turnout or share is a whole percentage (±0.05)
	//                                            observed  expected       excess (95%)        p
	//   turnout or share, 85,345 stations          19,375    16,444  2,931 [2,708, 3,151]   0.0010
	//   turnout                                    10,838     8,662  2,176 [2,004, 2,355]   0.0010
	//   share                                      10,051     8,665  1,386 [1,213, 1,556]   0.0010
	//   largest regional excesses: Краснодарский край +377; Московская область +335; Ростовская область +203; Республика Татарстан (Татарстан) +174; Республика Дагестан +148; (1000 Monte Carlo replicates, seed 1)
	//
	//   Shpilkin's estimate assumes:
	//    - stations at or below the clean turnout peak are honestly counted: no ballot was added there
	//    - in honest counts the leader's share does not depend on turnout: high-turnout stations, counted honestly, would give the leader the same ratio of votes to the other candidates' votes as the clean stations
	//    - falsification adds votes for the leader only (ballot stuffing, counts written up); the other candidates' votes and the invalid ballots are as counted, so votes taken from others or turnout faked otherwise are not measured: a lower bound for fraud of those kinds
	//    - the clean peak is the mode of the other candidates' votes over turnout, below the turnout at which the leader's share starts to rise (Shpilkin's rule); the estimate moves with it (ShpilkinResult.Sensitivity)
	//    - the interval holds the variability of the clean ratio and of the high-turnout stations' honest ratio, from regional and station-level variation, with the peak as found; not the uncertainty of these assumptions
	//   Caveats: the clean share is of the ballots at polling stations, without the remote e-voting, whose
	//   turnout no station records; an integer excess shows that counts were written to a target, not how many
	//   votes were added; approval in polls is not a vote, and turnout separates the two.
}
