package aggregate_test

import (
	"fmt"
	"log"
	"time"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/forensics"
)

// An integrity table: the official share, the forensic clean share and
// what the polls imply, side by side with the caveats. The result and
// the clean share are built by hand here; package aggregate/report
// builds them from files (a fit, forensics.Summarize).
func ExampleIntegrity() {
	day := func(d int) time.Time { return time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC) }
	polls := &aggregate.Result{Level: 0.95, Approve: &aggregate.ShareResult{Params: aggregate.Params{Sigma: 0.3},
		Series: []aggregate.Point{{Date: day(16), Mean: 85.9, SD: 1.3}, {Date: day(17), Mean: 86.0, SD: 1.3}}}}
	clean := forensics.CleanShare{Candidate: "Путин", Share: 81.02, Lower: 79.75, Upper: 81.90, Level: 0.95,
		Method: "Shpilkin (turnout–share)", Official: 86.81, Anomalous: 22.94e6,
		Assumptions: []string{"no ballot was added at the stations of the clean turnout peak"}}
	t, err := aggregate.Integrity(aggregate.Official{Label: "official vote share", Date: day(17), Value: 87.28}, &clean,
		aggregate.PollScenario{Name: "none (as published)", Assumption: "polls as published", Result: polls})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(t)
	// Output:
	// Official result, forensic estimate and polls, 17 March 2024 (percent; 95% intervals)
	//   estimate                            share        interval   official − estimate  P(gap this large)  rests on
	//   official result                     87.28                                                           official vote share
	//   official, at the stations analysed  86.81                                                           the share Shpilkin (turnout–share) starts from
	//   clean: Shpilkin (turnout–share)     81.02  [79.75, 81.90]  +6.26 [+5.38, +7.53]                     22.94 M anomalous votes taken out
	//   polls: none (as published)           86.0    [83.5, 88.5]     +1.3 [-1.3, +3.8]               0.32  polls as published
	// Caveats:
	//   - Approval is not a vote: "do you approve of his work?" and a ballot for him are different acts,
	//     and undecided and non-voting respondents enter them differently.
	//   - Turnout: the official share is of the ballots counted, the polls describe all adults;
	//     differential turnout alone moves the two apart.
	//   - The poll intervals hold sampling and modelled non-sampling error only; a bias shared by every
	//     poll (fear, coverage) is invisible to them, which is what the scenarios explore.
	//   - The clean share rests on its method's assumptions (below) and is of the polling-station ballots;
	//     it says how much of the count a known fingerprint of falsification accounts for, not what an
	//     honest count would have been.
	//   - Shpilkin (turnout–share) assumes: no ballot was added at the stations of the clean turnout peak
}
