// Package report runs candor's whole analysis on a set of poll files and
// writes it out: the job `go run ./examples/russia` does on its embedded
// data and `pollagg report FILE...` does on an analyst's own files.
//
// # Read, exclude, fit, compare, write
//
//	c := report.Config{
//		Files:     []report.File{{Path: "Levada.csv"}, {Path: "putin-approval-fom.csv"}, {Path: "vciom.csv"}},
//		Pollster:  "Levada",                  // for the file that names no pollster
//		Exclude:   []report.Exclusion{{Pollster: "VTsIOM", From: may2008, To: may2012, Why: "Medvedev's presidency"}},
//		Reference: "Levada", SplitModes: true, // house effects relative to Levada face-to-face
//		Scenarios: report.Scenarios{From: invasion, Gap: listExperiment, Kappas: []float64{0.8, 0.5}, Manski: true},
//		Official:  aggregate.Official{Date: election, Value: 87.28},
//		Election:  report.Election{Path: "2024.csv.zip"}, // the forensic clean share
//	}
//	r, err := report.Run(ctx, c)      // read, exclude, fit, scenarios, forensics, integrity table
//	r.WriteSummary(os.Stdout)         // at most 25 lines
//	r.WriteText(os.Stdout)            // the full report
//	paths, err := r.WriteDir("out", report.DirOptions{}) // every output below, all or none
//
// Run reads each file with poll.Read, which detects its layout and says
// what it found (Report.Inputs: format, layout, encoding, pollsters, and
// every rejected row with its line and column); applies the exclusions,
// each reported with the polls it left out (Report.Excluded); fits the
// model (Config.Model: aggregate.StateSpace by default, aggregate.Bayes
// or aggregate.Average) to all the polls at once, one house effect per
// pollster (and mode or population with the splits); refits the approve
// share under each fear-of-response scenario; reads the election's
// polling-station protocols and estimates the clean share
// (forensics.Summarize); and sets the official result beside the
// forensic estimate and the polls (aggregate.Integrity). Long work takes
// the context and reports Progress.
//
// # Outputs
//
// A Report writes:
//
//   - WriteSummary: at most SummaryLines lines — the data read, rejected
//     and left out; the latest estimate of each share with its interval
//     and the date of the last poll; approval at each of the last 12
//     month-ends; the house effects of the pollsters with the most polls;
//     the scenarios; the integrity comparison; the warnings.
//   - WriteText: the full report, every number with its unit (shares in
//     percent; house effects and τ in percentage points; σ in points per
//     day, or logit units per day for a share fitted on the logit scale).
//   - WriteSeriesCSV, WriteSeriesJSON, WriteHousesCSV, WriteScenariosCSV:
//     the tables, rounded to 0.01 by default (SeriesOptions.FullPrecision
//     for every digit), daily, weekly or monthly (the estimate on each
//     period's last day: SeriesOptions.Period); WritePollsCSV: the polls
//     fitted, in candor's canonical CSV.
//   - WriteChart and WriteFingerprint: PNG or SVG charts drawn by package
//     aggregate/chart.
//   - WriteHTML: one self-contained page (no network): the tables, and
//     the charts as inline SVG with each poll's values on hover, the
//     trend's and the scenarios' values under the pointer, and a checkbox
//     per pollster that hides or shows its polls.
//   - WriteDir: all of them into a folder, named from DirOptions.Name.
//
// Every file is written whole or not at all: WriteFile, Stage and
// WriteDir write complete temporary files beside their targets and
// rename them into place only when every one of them is complete, so a
// failure (a full disk, an output that cannot be drawn, an interrupted
// run) leaves no truncated or partial file, and RemoveTemps removes what
// a crashed process left.
//
// # Choices, and why
//
//   - One fit for all files: house effects are only identified against
//     each other, so the files are pooled, not fitted one by one.
//   - Nothing is dropped silently: a rejected row, a file that gives no
//     polls, an excluded poll, a poll the model cannot use and a value the
//     model supplied (a sample size) are each reported with their file
//     and line; Config.Strict turns the first two into an error.
//   - Scenarios refit the approve share only, from Scenarios.From on: the
//     corrections are calibrated on evidence from a period (for Russia,
//     the war), and the correction's calibration error, shared by every
//     corrected poll, is carried into the interval by the model.
//   - The forensic estimate is a third view, not a correction of the
//     others: the integrity table prints the official share, the clean
//     share and the poll-implied estimates side by side with the caveats
//     (approval is not a vote; turnout; each method's assumptions).
//   - Weekly and monthly series are the estimate on the period's last
//     day, not an average over it: the days' estimates are correlated,
//     and an average's interval would need their covariances.
//   - Deterministic: the same configuration and seeds give the same bytes
//     in every output.
package report
