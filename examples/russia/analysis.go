package main

import (
	"time"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/report"
	"github.com/candorpoll/candor/examples/russia/data"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// config is the analysis: the embedded series and election, read and
// fitted by package report, the code path `pollagg report` runs on files.
func config() report.Config {
	c := report.Config{
		Title:   "candor: approval of Vladimir Putin, Levada Center, FOM and VTsIOM, 1999–2024",
		Subject: "Putin",
		Credit:  "Data: Levada Center, VTsIOM, FOM; CEC protocols compiled by S. Shpilkin and I. Shukshin; analysis: candor (go run ./examples/russia)",
		FS:      data.FS(),
		// Levada's file has no pollster column; the others name theirs.
		Notes: []string{"FOM asks whether Putin works «хорошо/плохо» (well/badly), not approval; " +
			"the difference is absorbed by FOM's house effect."},

		// One house per pollster and interview mode (Levada's telephone
		// months of 2020 and VTsIOM's telephone years since 2017 get
		// their own effects), with Levada's face-to-face series as the
		// reference, so that the level is on the scale of the only
		// pollster that covers 1999–2024.
		Reference:  "Levada",
		SplitModes: true,

		Exclude: []report.Exclusion{{
			// The presidency of Dmitry Medvedev. The VTsIOM file tracks
			// approval of the office of President, so its weeks in this
			// period measure Medvedev, not Putin.
			Pollster: "VTsIOM", From: date(2008, 5, 7), To: date(2012, 5, 6),
			Why: "The VTsIOM series tracks the office of President, held by Dmitry Medvedev then; Levada asks about Putin by name.",
		}},

		Scenarios: report.Scenarios{
			// The fear scenarios apply from the full-scale invasion: the
			// evidence they are calibrated on (Chapkovski & Schaub's list
			// experiment, spring 2022; the wartime refusal studies) is
			// about that period. Earlier polls are left as published.
			From: date(2022, 2, 24),
			// Chapkovski & Schaub (2022): 71% support for the war when
			// asked directly, 61% by a list experiment, online sample of
			// 3,000, spring 2022. The abstract gives the two shares and N;
			// the standard errors are derived, not published: the direct
			// one from N = 3,000 (√(0.71·0.29/3000) ≈ 0.0083), the list
			// one assuming about 1,500 respondents per arm and an
			// item-count variance of about 0.7 (DiM SE ≈ √(2·0.7/1500) ≈
			// 0.03), consistent with the reported significance of the
			// 10-point gap.
			Gap: adjust.Falsification{
				Direct: adjust.Estimate{Value: 0.71, SE: 0.0083},
				List:   adjust.Estimate{Value: 0.61, SE: 0.030},
			},
			GapSource: "Chapkovski & Schaub 2022, war support, online, spring 2022; measured on war support, " +
				"not approval, and before any correction for list-experiment deflation",
			// κ = r_d/r_a, how often a disapprover takes part relative to
			// an approver. Levada's 2022 re-contact experiment points to
			// κ near 1 (no correction); the range shows what moderate to
			// strong differential refusal would do.
			Kappas: []float64{0.8, 0.67, 0.5},
			Manski: true,
		},

		// The last day of the March 2024 presidential election; the
		// official result gave Putin 87.28% of the vote.
		Official: aggregate.Official{
			Label: "official vote share, March 2024 presidential election",
			Date:  date(2024, 3, 17),
			Value: 87.28,
		},
		Election: report.Election{Path: data.Election2024, Remote: data.Election2024Remote, Candidate: "Путин", Seed: 1},
	}
	for _, f := range data.Files {
		c.Files = append(c.Files, report.File{Path: f.Name, Pollster: f.Pollster})
	}
	return c
}
