package report

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/adjust"
	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/forensics"
	"github.com/candorpoll/candor/poll"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// repo is the module's testdata folder.
const repo = "../../testdata/"

// medvedev is the standing example of an exclusion.
var medvedev = Exclusion{Pollster: "VTsIOM", From: day(2008, 5, 7), To: day(2012, 5, 6),
	Why: "The VTsIOM series tracks the office of President, held by Dmitry Medvedev then."}

// russia is the analysis of examples/russia on the repository's copies of
// its files.
func russia() Config {
	return Config{
		Files: []File{{Path: repo + "russia/Levada.csv"}, {Path: repo + "russia/putin-approval-fom.csv"},
			{Path: repo + "russia/vciom-presidential-approval-2006.csv"}},
		Pollster:   "Levada",
		Exclude:    []Exclusion{medvedev},
		Reference:  "Levada",
		SplitModes: true,
		Scenarios: Scenarios{From: day(2022, 2, 24), Kappas: []float64{0.8, 0.5}, Manski: true,
			Gap: adjust.Falsification{Direct: adjust.Estimate{Value: 0.71, SE: 0.0083}, List: adjust.Estimate{Value: 0.61, SE: 0.030}}},
		Official: aggregate.Official{Label: "official vote share", Date: day(2024, 3, 17), Value: 87.28},
		Election: Election{Path: repo + "elections/2024.csv.zip", Remote: repo + "elections/2024-electronic-voting.csv", Seed: 1},
	}
}

// russiaReport runs russia once for the tests that only read it.
var russiaReport = sync.OnceValues(func() (*Report, error) { return Run(context.Background(), russia()) })

// small is a fast configuration: 2018–2020 of the three series.
func small() Config {
	return Config{
		Files:    []File{{Path: "testdata/levada.csv"}, {Path: "testdata/fom.csv"}, {Path: "testdata/vtsiom.csv"}},
		Pollster: "Levada",
	}
}

func TestRunRussia(t *testing.T) {
	r, err := russiaReport()
	require.NoError(t, err)

	// Inputs: each file detected and named, every rejected row kept.
	require.Len(t, r.Inputs, 3)
	assert.Equal(t, []int{301, 374, 707}, []int{r.Inputs[0].Polls, r.Inputs[1].Polls, r.Inputs[2].Polls})
	for _, in := range r.Inputs {
		assert.Equal(t, poll.FormatCSV, in.Detected.Format, in.Name)
		assert.Equal(t, "series file", in.Detected.Layout, in.Name)
	}
	assert.Equal(t, 10, r.Inputs[2].RejectedCount)
	assert.Equal(t, 96, r.Inputs[2].Rejected[0].Line)
	assert.ErrorIs(t, r.Inputs[2].Rejected[0], poll.ErrMissing)
	assert.Equal(t, 1382, r.Read)
	require.Len(t, r.Excluded, 1)
	assert.Len(t, r.Excluded[0].Polls, 193)
	assert.Len(t, r.Polls, 1189)
	assert.Equal(t, day(2024, 8, 31), r.LastPoll)

	// The house effects are those of the model fitted directly to the
	// same polls, read and excluded by hand.
	var polls []poll.Poll
	for _, f := range []struct{ name, pollster string }{{"Levada.csv", "Levada"}, {"putin-approval-fom.csv", "FOM"}, {"vciom-presidential-approval-2006.csv", "VTsIOM"}} {
		b, err := os.ReadFile(repo + "russia/" + f.name)
		require.NoError(t, err)
		ps, _ := poll.ReadCSV(bytes.NewReader(b), poll.WithPollster(f.pollster), poll.WithSource(f.name))
		for _, p := range ps {
			if mid := p.Midpoint(); p.Pollster == "VTsIOM" && !mid.Before(medvedev.From) && !mid.After(medvedev.To) {
				continue
			}
			polls = append(polls, p)
		}
	}
	slices.SortStableFunc(polls, func(a, b poll.Poll) int { return a.End.Compare(b.End) })
	direct, err := aggregate.StateSpace{Identify: aggregate.ReferenceHouse("Levada"), SplitModes: true}.Fit(context.Background(), polls)
	require.NoError(t, err)
	assert.Equal(t, direct.Approve.Houses, r.Result.Approve.Houses)
	assert.Equal(t, direct.Approve.Latest(), r.Result.Approve.Latest())

	// Scenarios in order, each refitted; Manski from the fit itself.
	var names []string
	for _, s := range r.Scenarios {
		names = append(names, s.Name)
	}
	assert.Equal(t, []string{"none (as published)", "falsification gap", "nonresponse κ = 0.8", "nonresponse κ = 0.5", "Manski bounds"}, names)
	none := r.Scenarios[0].Result.Approve.Latest().Mean
	assert.Less(t, r.Scenarios[1].Result.Approve.Latest().Mean, none-3)
	assert.Less(t, r.Scenarios[3].Result.Approve.Latest().Mean, r.Scenarios[2].Result.Approve.Latest().Mean)
	b := r.Scenarios[4].Bounds
	assert.InDelta(t, r.Result.Approve.Latest().Lower, b[len(b)-1].Lower, 1e-12)
	require.NotNil(t, r.Consensus)
	assert.NotEqual(t, none, r.Consensus.Approve.Latest().Mean, "another identification, another level")

	// The integrity table: official, the stations, the clean share of
	// forensics.Summarize, then the polls.
	require.NotNil(t, r.Forensics)
	require.NotNil(t, r.Integrity)
	clean := r.Forensics.Clean()
	rows := r.Integrity.Rows
	require.Len(t, rows, 3+len(r.Scenarios))
	assert.Equal(t, 87.28, rows[0].Value)
	assert.Equal(t, clean.Official, rows[1].Value)
	assert.Equal(t, clean.Share, rows[2].Value)
	assert.InDelta(t, 81.02, clean.Share, 0.005, "README: clean share 81.02")
	assert.Equal(t, aggregate.FromPolls, rows[3].Source)
	c, err := aggregate.Compare(r.Result, r.Config.Official)
	require.NoError(t, err)
	assert.Equal(t, c.Gap, rows[3].Gap)
	assert.True(t, rows[len(rows)-1].Set)
	assert.Equal(t, 91946, r.Forensics.Stations)
	require.NotNil(t, r.Fingerprint)
	assert.Equal(t, r.Forensics.Candidate, r.Fingerprint.Candidate)
}

func TestTextRussia(t *testing.T) {
	r, err := russiaReport()
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, r.WriteText(&b))
	text := b.String()
	for _, want := range []string{
		"candor report: FOM, Levada, VTsIOM\n",
		"vciom-presidential-approval-2006.csv  csv (series file, UTF-8)  VTsIOM      707  2006-01  2020-08        10",
		"vciom-presidential-approval-2006.csv:96:2: \"NA\": poll: required value missing",
		"Left out: 193 VTsIOM polls with fieldwork midpoint from 7 May 2008 to 6 May 2012 (vciom-presidential-approval-2006.csv lines 116–308).",
		"Modelled: 1,189 polls of 1,382 read, the last fielded until 31 August 2024.",
		"approve: σ̂ = 0.457 (SE 0.021) points/day",
		"disapprove: σ̂ = 0.023 (SE 0.001) logit units/day (fitted on the logit scale)",
		"SampleSize = 1500 for 374 FOM polls (the pollster profile's usual sample size):",
		"House effects (points, relative to Levada face-to-face; 95% intervals)",
		"  FOM/face-to-face       374    -3.84  0.21  [-4.3, -3.4]  -6.7 (0.2)  +4.6 (0.1)",
		"  Levada/face-to-face    297    +0.00     —     reference  +0.0 (0.0)  +0.0 (0.0)",
		"  31 August 2024; corrections apply to polls fielded from 24 February 2022 on.",
		"  falsification gap         79.2  [72.8, 85.6]     -6.2  direct 71% vs list 61%, logit shift 0.448 (SE 0.132)",
		"  Manski bounds        85.4–88.4  [80.8, 90.9]           \"hard to say\" could be all approvers or none",
		"Official result, forensic estimate and polls, 17 March 2024 (percent; 95% intervals)",
		"clean: Shpilkin (turnout–share)",
		"Approval is not a vote",
		"Election forensics: 2024.csv.zip + 2024-electronic-voting.csv",
	} {
		assert.Contains(t, text, want)
	}
}

func TestSummary(t *testing.T) {
	r, err := russiaReport()
	require.NoError(t, err)
	var b strings.Builder
	require.NoError(t, r.WriteSummary(&b))
	s := b.String()
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	assert.LessOrEqual(t, len(lines), SummaryLines, s)
	for _, want := range []string{
		"statespace model, 95% intervals; shares in percent, effects in points",
		"Data: 3 files, 1,382 polls read, 10 rows rejected, 193 polls left out, 1,189 modelled; last poll fielded until 31 Aug 2024",
		"10 rejected (lines 96, 114, 115, 309, …)",
		"left out: 193 polls of VTsIOM, fieldwork midpoint 2008-05-07 to 2012-05-06",
		"Latest, 31 Aug 2024: approve 85.4 [80.8, 89.9]",
		"Approve at the end of each month:",
		"Aug 2024 85.4",
		"FOM/face-to-face          -3.84  [-4.3, -3.4] (374 polls)",
		"official 87.28; clean: Shpilkin (turnout–share) 81.02 [79.75, 81.90]",
		"Warnings: 1",
	} {
		assert.Contains(t, s, want)
	}

	// Many files and many pollsters still fit in 25 lines, the rest
	// counted.
	c := Config{Files: []File{{Path: repo + "538/approval_polllist.csv"}}}
	for _, f := range []string{"levada.csv", "fom.csv", "vtsiom.csv", "levada.csv", "fom.csv"} {
		c.Files = append(c.Files, File{Path: "testdata/" + f})
	}
	c.Pollster = "Levada"
	r, err = Run(context.Background(), c)
	require.NoError(t, err)
	b.Reset()
	require.NoError(t, r.WriteSummary(&b))
	s = b.String()
	assert.LessOrEqual(t, strings.Count(s, "\n"), SummaryLines, s)
	assert.Contains(t, s, "… and 2 more files")
	assert.Regexp(t, `… and \d+ more houses`, s)
}

func TestConfigErrors(t *testing.T) {
	ok := small()
	for name, mod := range map[string]func(*Config){
		"no files":             func(c *Config) { c.Files = nil },
		"empty path":           func(c *Config) { c.Files = []File{{}} },
		"unknown model":        func(c *Config) { c.Model = 9 },
		"average reference":    func(c *Config) { c.Model, c.Reference = ModelAverage, "Levada" },
		"level":                func(c *Config) { c.Level = 1 },
		"negative draws":       func(c *Config) { c.Sampler.Draws = -1 },
		"format":               func(c *Config) { c.Format = "xls" },
		"reversed exclusion":   func(c *Config) { c.Exclude = []Exclusion{{From: day(2020, 1, 2), To: day(2020, 1, 1)}} },
		"kappa zero":           func(c *Config) { c.Scenarios.Kappas = []float64{0} },
		"kappa infinite":       func(c *Config) { c.Scenarios.Kappas = []float64{math.Inf(1)} },
		"gap above one":        func(c *Config) { c.Scenarios.Gap.Direct.Value = 1.5 },
		"official over 100":    func(c *Config) { c.Official = aggregate.Official{Date: day(2020, 1, 1), Value: 101} },
		"remote, no stations":  func(c *Config) { c.Election.Remote = "x.csv" },
		"candidate, no ballot": func(c *Config) { c.Election.Candidate = "Путин" },
	} {
		c := ok
		c.Files = slices.Clone(ok.Files)
		mod(&c)
		_, err := Run(context.Background(), c)
		assert.ErrorIs(t, err, ErrConfig, name)
	}
}

func TestRejectedAndStrict(t *testing.T) {
	c := small()
	r, err := Run(context.Background(), c)
	require.NoError(t, err, "a rejected row is reported, not an error")
	in := r.Inputs[2]
	assert.Equal(t, 1, in.RejectedCount)
	assert.Equal(t, "vtsiom.csv:76:2", strings.Join(strings.SplitN(in.Rejected[0].Error(), ":", 4)[:3], ":"))

	c.Strict = true
	r, err = Run(context.Background(), c)
	assert.ErrorIs(t, err, ErrRejected)
	require.NotNil(t, r, "the report says which files and rows")
	assert.Equal(t, 1, r.Inputs[2].RejectedCount)
	assert.Nil(t, r.Result, "nothing fitted")

	// A file that gives no polls: reported and left out, or, strict, an
	// error; with no file left, ErrNoPolls.
	c = small()
	c.Files = append(c.Files, File{Path: "testdata/no-such-file.csv"}, File{Path: repo + "csv/malformed/unknown-layout.csv"})
	r, err = Run(context.Background(), c)
	require.NoError(t, err)
	var fe *FileError
	require.ErrorAs(t, r.Inputs[3].Err, &fe)
	assert.Equal(t, "testdata/no-such-file.csv", fe.Path)
	assert.ErrorIs(t, r.Inputs[3].Err, os.ErrNotExist)
	assert.ErrorIs(t, r.Inputs[4].Err, poll.ErrUnknownLayout)
	assert.Len(t, r.Warnings, 2)
	c.Strict = true
	_, err = Run(context.Background(), c)
	assert.ErrorIs(t, err, ErrRejected)

	c = Config{Files: []File{{Path: "testdata/no-such-file.csv"}}}
	_, err = Run(context.Background(), c)
	assert.ErrorIs(t, err, ErrNoPolls)
	// Levada's series names no pollster: without one it gives no polls.
	c = Config{Files: []File{{Path: "testdata/levada.csv"}}}
	r, err = Run(context.Background(), c)
	assert.ErrorIs(t, err, ErrNoPolls)
	assert.ErrorIs(t, r.Inputs[0].Err, poll.ErrMissingColumn)
	// A file's own pollster overrides Config.Pollster.
	c.Files[0].Pollster = "Левада"
	r, err = Run(context.Background(), c)
	require.NoError(t, err)
	assert.Equal(t, []string{"Levada"}, r.Inputs[0].Detected.Pollsters)
}

func TestExclusions(t *testing.T) {
	c := small()
	c.Exclude = []Exclusion{
		{Pollster: "ВЦИОМ", From: day(2019, 1, 1), To: day(2019, 12, 31), Why: "a test"}, // an alias matches
		{Pollster: "FOM", To: day(2018, 6, 30)},                                          // open start
		{Pollster: "Nobody"},
	}
	r, err := Run(context.Background(), c)
	require.NoError(t, err)
	// The VTsIOM weeks with their midpoint in 2019, counted from the
	// file itself.
	b, err := os.ReadFile("testdata/vtsiom.csv")
	require.NoError(t, err)
	all, _ := poll.ReadCSV(bytes.NewReader(b))
	want := 0
	for _, p := range all {
		if p.Midpoint().Year() == 2019 {
			want++
		}
	}
	for _, p := range r.Excluded[0].Polls {
		assert.Equal(t, "VTsIOM", p.Pollster)
		assert.Equal(t, 2019, p.Midpoint().Year())
	}
	assert.Equal(t, want, len(r.Excluded[0].Polls))
	for _, p := range r.Excluded[1].Polls {
		assert.False(t, p.Midpoint().After(day(2018, 6, 30)))
	}
	assert.NotEmpty(t, r.Excluded[1].Polls)
	assert.Empty(t, r.Excluded[2].Polls)
	assert.Contains(t, r.Warnings, "the exclusion of Nobody, fieldwork midpoint … to … matched no poll")
	for _, p := range r.Polls {
		for _, e := range c.Exclude {
			assert.False(t, e.matches(&p), p.String())
		}
	}
	// Every poll excluded: nothing to fit.
	c.Exclude = []Exclusion{{}}
	_, err = Run(context.Background(), c)
	assert.ErrorIs(t, err, ErrNoPolls)
}

func TestModels(t *testing.T) {
	for _, m := range []Model{ModelAverage, ModelBayes} {
		c := small()
		c.Model = m
		c.Sampler = Sampler{Chains: 2, Warmup: 20, Draws: 60, Seed: 7}
		c.Scenarios = Scenarios{Kappas: []float64{0.8}, Manski: true}
		var stages []Progress
		c.Progress = func(p Progress) { stages = append(stages, p) }
		r, err := Run(context.Background(), c)
		require.NoError(t, err, m)
		assert.Equal(t, m.String(), r.Result.Model)
		var b strings.Builder
		require.NoError(t, r.WriteText(&b))
		assert.Contains(t, b.String(), strings.SplitN(modelText[m], "(", 2)[0], m)
		if m == ModelBayes {
			assert.Contains(t, b.String(), "sampler: 2 chains, 20 warm-up iterations, 60 draws each, seed 7")
			// Progress: three stages, the sampler's iterations counted
			// within each, ending at the whole.
			var fit []Progress
			for _, p := range stages {
				if p.Index == 2 {
					fit = append(fit, p)
				}
			}
			require.NotEmpty(t, fit)
			last := fit[len(fit)-1]
			assert.Equal(t, last.Total, last.Done)
			assert.Equal(t, 3*2*80, last.Total, "3 shares × 2 chains × 80 iterations")
			assert.Equal(t, 1.0, stages[len(stages)-1].Fraction())
			for i := 1; i < len(stages); i++ {
				assert.GreaterOrEqual(t, stages[i].Fraction(), stages[i-1].Fraction()-1e-12, "progress never goes back")
			}
		}
	}
	_, err := ParseModel("magic")
	assert.ErrorIs(t, err, ErrConfig)
	m, err := ParseModel("Bayes")
	require.NoError(t, err)
	assert.Equal(t, ModelBayes, m)
}

func TestCancel(t *testing.T) {
	c := small()
	c.Model = ModelBayes
	c.Sampler = Sampler{Chains: 2, Draws: 100000}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.Progress = func(p Progress) {
		if p.Done > 0 && p.Index == 2 {
			cancel()
		}
	}
	start := time.Now()
	_, err := Run(ctx, c)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, time.Since(start), 20*time.Second, "cancelled promptly")
}

func TestElectionErrors(t *testing.T) {
	c := small()
	c.Election = Election{Path: "testdata/no-such.zip"}
	_, err := Run(context.Background(), c)
	var fe *FileError
	require.ErrorAs(t, err, &fe)
	assert.ErrorIs(t, err, os.ErrNotExist)

	c.Election = Election{Path: "testdata/levada.csv"} // not a protocol table
	_, err = Run(context.Background(), c)
	require.ErrorAs(t, err, &fe)

	c.Election = Election{Path: repo + "elections/2024-electronic-voting.csv", Candidate: "Nobody"}
	_, err = Run(context.Background(), c)
	assert.ErrorIs(t, err, forensics.ErrCandidate)
}

func TestDeterministicOutputs(t *testing.T) {
	c := small()
	c.Scenarios = Scenarios{Kappas: []float64{0.8}, Manski: true}
	c.Official = aggregate.Official{Date: day(2020, 3, 1), Value: 70}
	write := func() map[string][]byte {
		r, err := Run(context.Background(), c)
		require.NoError(t, err)
		dir := t.TempDir()
		paths, err := r.WriteDir(dir, DirOptions{})
		require.NoError(t, err)
		out := map[string][]byte{}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			out[filepath.Base(p)] = b
		}
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		assert.Len(t, entries, len(paths), "no temporary file left")
		return out
	}
	a, b := write(), write()
	assert.Equal(t, []string{"report-houses.csv", "report-polls.csv", "report-scenarios.csv", "report-series.csv", "report-series.json",
		"report.html", "report.png", "report.svg", "report.txt"}, sortedKeys(a))
	for name := range a {
		assert.True(t, bytes.Equal(a[name], b[name]), "%s differs between runs", name)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var k []string
	for n := range m {
		k = append(k, n)
	}
	slices.Sort(k)
	return k
}

func TestRunError(t *testing.T) {
	// A fit that cannot run says which.
	c := Config{Files: []File{{Path: repo + "csv/canonical-minimal.csv"}}, Reference: "Nobody"}
	_, err := Run(context.Background(), c)
	require.Error(t, err)
	assert.True(t, errors.Is(err, aggregate.ErrConfig) || errors.Is(err, aggregate.ErrTooFewPolls), err)
	assert.Contains(t, err.Error(), "statespace fit")
}
