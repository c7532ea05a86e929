package report_test

import (
	"context"
	"log"
	"os"
	"time"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/report"
)

// A report on three files: Levada's monthly series (which names no
// pollster), FOM's and VTsIOM's weekly ones, 2018–2020, VTsIOM's 2019
// left out, one nonresponse scenario, an official value to compare.
func ExampleRun() {
	c := report.Config{
		Files:    []report.File{{Path: "testdata/levada.csv"}, {Path: "testdata/fom.csv"}, {Path: "testdata/vtsiom.csv"}},
		Pollster: "Levada",
		Exclude: []report.Exclusion{{Pollster: "VTsIOM", From: time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC),
			To: time.Date(2019, 12, 31, 0, 0, 0, 0, time.UTC), Why: "an example"}},
		Reference: "Levada",
		Scenarios: report.Scenarios{Kappas: []float64{0.8}},
		Official:  aggregate.Official{Label: "a referendum", Date: time.Date(2020, 7, 1, 0, 0, 0, 0, time.UTC), Value: 78},
	}
	r, err := report.Run(context.Background(), c)
	if err != nil {
		log.Fatal(err)
	}
	if err := r.WriteSummary(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// candor report: FOM, Levada, VTsIOM — statespace model, 95% intervals; shares in percent, effects in points
	// Data: 3 files, 295 polls read, 1 row rejected, 50 polls left out, 245 modelled; last poll fielded until 31 Aug 2020
	//   levada.csv: csv series file, Levada, 32 polls 2018-01…2020-08
	//   fom.csv: csv series file, FOM, 130 polls 2018-01…2020-08
	//   vtsiom.csv: csv series file, VTsIOM, 133 polls 2018-01…2020-08; 1 rejected (line 76)
	//   left out: 50 polls of VTsIOM, fieldwork midpoint 2019-01-01 to 2019-12-31
	// Latest, 31 Aug 2020: approve 63.4 [59.6, 67.1], disapprove 34.4 [30.3, 38.8], undecided 2.2 [1.9, 2.7]
	// Approve at the end of each month:
	//   Sep 2019 64.5  Oct 2019 65.6  Nov 2019 64.5  Dec 2019 64.6  Jan 2020 67.5  Feb 2020 66.0
	//   Mar 2020 68.4  Apr 2020 63.8  May 2020 63.7  Jun 2020 65.8  Jul 2020 61.9  Aug 2020 63.4
	// House effects on approve, points relative to Levada (95% interval):
	//   FOM                       -2.99  [-3.7, -2.2] (130 polls)
	//   VTsIOM                    -1.89  [-2.6, -1.2] (83 polls)
	//   Levada                    +0.00  reference (32 polls)
	// Scenarios, latest approve: nonresponse κ = 0.8 58.3 [54.2, 62.3]
	// 1 Jul 2020: official 78.00; polls as published 65.8 [64.1, 67.5], gap +12.2 (P < 0.001)
	// Warnings: 4 (the full report, -v, lists them)
	//   245 polls have no sample size: imputed from the pollster's median (0), its profile (245), or 1000…
	//   the filtered series starts on 2018-01-16, the first day the past polls identify the level
}
