package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/aggregate/report"
)

// fixtures are aggregate/report's small files: 2018–2020 of the Russian
// series; vtsiom.csv has one rejected row (line 76).
const fixtures = "../../../aggregate/report/testdata/"

var (
	levada = fixtures + "levada.csv"
	fom    = fixtures + "fom.csv"
	vtsiom = fixtures + "vtsiom.csv"
)

// runReportT runs "pollagg report args..." in-process.
func runReportT(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := Run(context.Background(), append([]string{"report"}, args...), nil, &out, &errs)
	return code, out.String(), errs.String()
}

// clean are the arguments of a run with no rejected row.
func clean(args ...string) []string {
	return append(append([]string{"-pollster", "Levada"}, args...), levada, fom)
}

// entries lists a folder.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

func TestReportHelp(t *testing.T) {
	code, out, errs := runReportT(t, "-h")
	assert.Equal(t, ExitOK, code)
	assert.Empty(t, out)
	var c reportFlags
	fs := c.flagSet(nil)
	n := 0
	fs.VisitAll(func(f *flagT) {
		n++
		assert.Contains(t, errs, "  -"+f.Name, "every flag is documented")
	})
	assert.Equal(t, 44, n, "flags counted: a new flag needs its test below")
	for _, want := range []string{"Usage:\n  pollagg report [flags] FILE...", "Exit status: 0 success; 1 failure", "3 pollagg crashed"} {
		assert.Contains(t, errs, want)
	}
}

func TestReportExitStatus(t *testing.T) {
	dir := t.TempDir()
	// A clean run: 0, the summary on standard output.
	code, out, errs := runReportT(t, clean()...)
	assert.Equal(t, ExitOK, code, errs)
	assert.Contains(t, out, "candor report: FOM, Levada — statespace model")
	assert.LessOrEqual(t, strings.Count(out, "\n"), 25)

	// A rejected row stops everything: 1, every row on standard error,
	// nothing written.
	o := filepath.Join(dir, "strict")
	code, out, errs = runReportT(t, "-pollster", "Levada", "-o", o, levada, fom, vtsiom)
	assert.Equal(t, ExitFailure, code)
	assert.Empty(t, out)
	assert.Contains(t, errs, "vtsiom.csv:76:2: \"NA\": poll: required value missing")
	assert.Contains(t, errs, "pollagg report: 1 rows rejected; nothing written. Fix the input, or use -keep-going")
	assert.Nil(t, entries(t, o))

	// -keep-going: 2, the outputs written from the rest.
	code, out, errs = runReportT(t, "-pollster", "Levada", "-o", o, "-keep-going", levada, fom, vtsiom)
	assert.Equal(t, ExitPartial, code, errs)
	assert.Contains(t, errs, "vtsiom.csv:76:2: ")
	assert.Contains(t, errs, "1 rows rejected; continuing with the rest (-keep-going)")
	assert.Contains(t, out, "Written: ")
	assert.Len(t, entries(t, o), 9)

	// A file that gives no polls: 1, or 2 under -keep-going.
	missing := filepath.Join(dir, "no-such.csv")
	code, _, errs = runReportT(t, clean(missing)...)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errs, "no-such.csv: open ")
	assert.Contains(t, errs, "1 files gave no polls")
	code, _, _ = runReportT(t, clean("-keep-going", missing)...)
	assert.Equal(t, ExitPartial, code)
	// Only unusable files: 1 whatever the flags.
	code, _, errs = runReportT(t, "-keep-going", missing)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errs, "no polls to fit")
}

func TestReportFlagErrors(t *testing.T) {
	for _, args := range [][]string{
		{},                          // no file
		{"-no-such-flag", levada},   // unknown flag
		{"-model", "magic", levada}, // unknown model
		{"-model", "average", "-reference", "Levada", levada},
		{"-level", "1.5", levada},  // level
		{"-format", "xls", levada}, // format
		{"-chains", "0", "-model", "bayes", levada},
		{"-draws", "0", levada},
		{"-warmup", "-1", levada},
		{"-exclude", "VTsIOM", levada},            // no dates
		{"-exclude", "VTsIOM:2020-01-01", levada}, // no range
		{"-exclude", "VTsIOM:2020-13-01..", levada},
		{"-exclude", ":..", levada},                           // nothing at all
		{"-exclude", "VTsIOM:2021-01-01..2020-01-01", levada}, // reversed
		{"-from", "2022-02-24", levada},                       // no scenario
		{"-from", "24.02.2022", "-kappa", "0.8", levada},
		{"-gap-se", "0.01:0.03", levada}, // -gap-se without -gap
		{"-gap-source", "x", levada},     // -gap-source without -gap
		{"-gap", "0.71", levada},         // not a pair
		{"-gap", "0:0.6", levada},        // direct share zero
		{"-gap", "1.2:0.6", levada},      // not a share
		{"-gap", "0.71:0.61", "-gap-se", "x", levada},
		{"-kappa", "0.8,x", levada},
		{"-kappa", "0", levada},
		{"-official", "87", levada}, // no date
		{"-official", "87", "-official-date", "17.03.2024", levada},
		{"-official-label", "x", levada},
		{"-official", "101", "-official-date", "2024-03-17", levada},
		{"-fingerprint", "f.png", levada},     // no election
		{"-election-remote", "x.csv", levada}, // remote without stations
		{"-candidate", "Путин", levada},       // candidate without stations
		{"-chart", "x.gif", levada},
		{"-fingerprint", "x.jpg", "-election", "e.zip", levada},
		{"-v", "-q", levada},
		{"-progress", "sometimes", levada},
		{"-period", "hourly", levada},
		{"-name", "", levada},
		{"-name", "a/b", levada},
		{"-series", "-", "-houses", "-", levada}, // two outputs on standard output
	} {
		code, out, errs := runReportT(t, args...)
		assert.Equal(t, ExitFailure, code, "%q", args)
		assert.Empty(t, out, "%q", args)
		assert.NotEmpty(t, errs, "%q", args)
	}
}

func TestReportOutputs(t *testing.T) {
	dir := t.TempDir()
	file := func(name string) string { return filepath.Join(dir, name) }
	read := func(name string) string {
		b, err := os.ReadFile(file(name))
		require.NoError(t, err, name)
		return string(b)
	}
	code, out, errs := runReportT(t, clean("-o", file("all"), "-name", "x", "-series", file("s.csv"), "-houses", file("h.csv"),
		"-scenarios", file("sc.csv"), "-polls", file("p.csv"), "-chart", file("c.png"), "-html", file("r.html"), "-text", file("r.txt"),
		"-kappa", "0.8", "-title", "My <report>", "-note", "FOM asks another question", "-subject", "Putin")...)
	require.Equal(t, ExitOK, code, errs)
	assert.Equal(t, []string{"x-houses.csv", "x-polls.csv", "x-scenarios.csv", "x-series.csv", "x-series.json", "x.html", "x.png", "x.svg", "x.txt"}, entries(t, file("all")))
	assert.True(t, strings.HasPrefix(read("s.csv"), "date,share,mean,sd,lower,upper,poll_lower,poll_upper"))
	assert.True(t, strings.HasPrefix(read("h.csv"), "share,pollster,effect,se,polls\n"))
	assert.True(t, strings.HasPrefix(read("sc.csv"), "scenario,date,mean,sd,lower,upper\nnone (as published),"))
	assert.Contains(t, read("sc.csv"), "\nnonresponse κ = 0.8,")
	assert.True(t, strings.HasPrefix(read("p.csv"), "pollster,question,"))
	assert.True(t, strings.HasPrefix(read("c.png"), "\x89PNG"))
	assert.True(t, strings.HasPrefix(read("r.html"), "<!DOCTYPE html>"))
	assert.Contains(t, read("r.html"), "My &lt;report&gt;")
	assert.Contains(t, read("r.html"), "Approval of Putin (scale: the pollsters&#39; weighted consensus): state-space trend and polls")
	assert.True(t, strings.HasPrefix(read("r.txt"), "My <report>\n"))
	assert.Contains(t, read("r.txt"), "FOM asks another question")
	assert.Equal(t, read("r.txt"), read("all/x.txt"))
	assert.Contains(t, out, "My <report> — statespace model")
	assert.Contains(t, out, "Written: "+file("all")+"/: x.txt, x.html, x-series.csv")
	assert.Contains(t, out, "; "+dir+"/: s.csv, h.csv, sc.csv, p.csv, c.png, r.html, r.txt\n")
	assert.Equal(t, "a, b; d/: c", written([]string{"a", "b", "d/c"}))

	// Each output to standard output: that output alone there, the
	// summary on standard error.
	for flag, want := range map[string]string{
		"-series": "date,share,mean", "-houses": "share,pollster,effect", "-scenarios": "scenario,date",
		"-polls": "pollster,question", "-chart": "<?xml", "-html": "<!DOCTYPE html>", "-text": "candor report: FOM, Levada\n",
	} {
		code, out, errs := runReportT(t, clean(flag, "-")...)
		require.Equal(t, ExitOK, code, "%s: %s", flag, errs)
		assert.True(t, strings.HasPrefix(out, want), "%s: %.60q", flag, out)
		assert.Contains(t, errs, "candor report: FOM, Levada — statespace model", flag)
	}
	// JSON by flag or by name; the periods.
	code, out, _ = runReportT(t, clean("-series", "-", "-json", "-period", "monthly")...)
	require.Equal(t, ExitOK, code)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &v))
	code, _, _ = runReportT(t, clean("-series", file("s.json"))...)
	require.Equal(t, ExitOK, code)
	require.NoError(t, json.Unmarshal([]byte(read("s.json")), &v))
	lines := map[string]int{}
	for _, p := range []string{"daily", "weekly", "monthly"} {
		code, out, _ := runReportT(t, clean("-series", "-", "-period", p)...)
		require.Equal(t, ExitOK, code)
		lines[p] = strings.Count(out, "\n")
	}
	assert.Greater(t, lines["daily"], 6*lines["weekly"])
	assert.Greater(t, lines["weekly"], 4*lines["monthly"])
	// Rounded by default, every digit with -full-precision.
	_, rounded, _ := runReportT(t, clean("-houses", "-")...)
	_, full, _ := runReportT(t, clean("-houses", "-", "-full-precision")...)
	assert.Regexp(t, `\napprove,FOM,-?\d+\.\d{1,2},\d+\.\d{1,2},130\n`, rounded)
	assert.Regexp(t, `\napprove,FOM,-?\d+\.\d{5,},`, full)

	// -v prints the full report, -q nothing.
	_, out, _ = runReportT(t, clean("-v")...)
	assert.Contains(t, out, "\nHouse effects (points, relative to the pollsters' weighted consensus; 95% intervals)\n")
	code, out, errs = runReportT(t, clean("-q", "-o", file("q"))...)
	assert.Equal(t, ExitOK, code)
	assert.Empty(t, out)
	assert.Empty(t, errs)
}

func TestReportModelFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"-model", "average"}, []string{"weighted average (aggregate.Average)"}},
		{[]string{"-reference", "Levada"}, []string{"relative to Levada", "Identification matters"}},
		{[]string{"-split-modes"}, []string{"one house effect per\n  pollster and interview mode", "Levada/phone"}},
		{[]string{"-split-populations"}, []string{"one house effect per\n  pollster and population"}},
		{[]string{"-level", "0.9"}, []string{"90% intervals"}},
		{[]string{"-format", "csv"}, []string{"csv (as named, )"}},
		{[]string{"-exclude", "FOM:2019-01-01..=FOM's last years"}, []string{"Left out: 83 FOM polls with fieldwork midpoint from 1 Jan 2019 to the last poll", "FOM's last years"}},
		{[]string{"-exclude", ":..2018-06-30"}, []string{"all pollsters' polls with fieldwork midpoint from the first poll to 30 Jun 2018"}},
		{[]string{"-from", "2020-01-01", "-gap", "0.71:0.61", "-gap-se", "0.0083:0.03", "-gap-source", "a list experiment"},
			[]string{"falsification gap", "Falsification gap (a list experiment): gap 0.10 (SE 0.031)", "polls fielded from 1 January 2020 on"}},
		{[]string{"-kappa", "0.8,0.5"}, []string{"nonresponse κ = 0.8", "nonresponse κ = 0.5"}},
		{[]string{"-manski"}, []string{"Manski bounds"}},
		{[]string{"-official", "65", "-official-date", "2020-07-01", "-official-label", "a referendum"},
			[]string{"Official result, forensic estimate and polls, 1 July 2020", "a referendum", "polls: none (as published)"}},
	} {
		code, out, errs := runReportT(t, clean(append(tc.args, "-v")...)...)
		require.Equal(t, ExitOK, code, "%q: %s", tc.args, errs)
		for _, w := range tc.want {
			assert.Contains(t, out, w, "%q", tc.args)
		}
	}
}

func TestReportBayesProgressSeed(t *testing.T) {
	args := func(seed string) []string {
		return clean("-model", "bayes", "-chains", "2", "-draws", "40", "-warmup", "10", "-series", "-", "-progress", "always", "-seed", seed)
	}
	code, a, errs := runReportT(t, args("3")...)
	require.Equal(t, ExitOK, code, errs)
	// Not a terminal: one line per stage.
	assert.Contains(t, errs, "pollagg report: 1/2 reading\npollagg report: 2/2 fit bayes\n")
	_, b, _ := runReportT(t, args("3")...)
	_, c, _ := runReportT(t, args("4")...)
	assert.Equal(t, a, b, "same seed, same series")
	assert.NotEqual(t, a, c, "another seed, other draws")
	_, _, errs = runReportT(t, clean("-progress", "never", "-model", "bayes", "-chains", "1", "-draws", "20")...)
	assert.NotContains(t, errs, "fit bayes")
	_, _, errs = runReportT(t, clean()...)
	assert.NotContains(t, errs, "reading", "auto: no bar when standard error is not a terminal")

	// The bar on a terminal: redrawn in place, cleared at the end.
	var w bytes.Buffer
	bar := newProgressBar(&w, true)
	bar.update(progressOf(2, 3, "fit bayes", 50, 100))
	bar.update(progressOf(2, 3, "fit bayes", 100, 100))
	bar.finish()
	assert.Contains(t, w.String(), "\r\033[K[###############---------------]  50% 2/3 fit bayes (50/100)")
	assert.Contains(t, w.String(), "\r\033[K[####################----------]  67% 2/3 fit bayes (100/100)")
	assert.True(t, strings.HasSuffix(w.String(), "\r\033[K"))
}

func TestReportElection(t *testing.T) {
	dir := t.TempDir()
	fp := filepath.Join(dir, "f.svg")
	code, out, errs := runReportT(t, clean("-official", "87.28", "-official-date", "2020-08-01", "-election", "../../../testdata/elections/2024.csv.zip",
		"-election-remote", "../../../testdata/elections/2024-electronic-voting.csv", "-candidate", "Путин", "-fingerprint", fp, "-v")...)
	require.Equal(t, ExitOK, code, errs)
	assert.Contains(t, out, "clean: Shpilkin (turnout–share)")
	assert.Contains(t, out, "Election forensics: 2024.csv.zip + 2024-electronic-voting.csv")
	b, err := os.ReadFile(fp)
	require.NoError(t, err)
	assert.Contains(t, string(b), `<image preserveAspectRatio="none" `)

	for _, args := range [][]string{
		{"-election", filepath.Join(dir, "none.zip")},
		{"-election", "../../../testdata/elections/2024-electronic-voting.csv", "-candidate", "Nobody"},
	} {
		code, _, errs := runReportT(t, clean(args...)...)
		assert.Equal(t, ExitFailure, code, "%q", args)
		assert.NotEmpty(t, errs)
	}
}

func TestReportWriteFailures(t *testing.T) {
	dir := t.TempDir()
	// -o in a folder that cannot be made: 1, nothing written anywhere.
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	text := filepath.Join(dir, "r.txt")
	code, _, errs := runReportT(t, clean("-o", filepath.Join(file, "out"), "-text", text)...)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errs, "-o ")
	assert.NoFileExists(t, text)

	// One output that cannot be written (its folder does not exist):
	// found before the run, none of the others is written either.
	code, _, errs = runReportT(t, clean("-text", text, "-o", filepath.Join(dir, "out"), "-html", filepath.Join(dir, "no", "r.html"))...)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errs, "r.html")
	assert.NoFileExists(t, text)
	assert.Equal(t, []string{"file"}, entries(t, dir), "no output, no temporary file, no folder")

	// Standard output fails (a full disk) after the files were staged:
	// 1, the staged files are removed, no file written.
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	var errBuf bytes.Buffer
	code = Run(context.Background(), append([]string{"report"}, clean("-series", "-", "-text", text)...), nil, full, &errBuf)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errBuf.String(), "no space left on device")
	assert.NoFileExists(t, text)
	// The summary alone fails: the outputs are complete, the status 1.
	code = Run(context.Background(), append([]string{"report"}, clean("-text", text)...), nil, full, &errBuf)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errBuf.String(), "printing the report")
	assert.FileExists(t, text)
}

func TestReportInterrupt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errs bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Run(ctx, append([]string{"report"}, clean("-o", dir, "-model", "bayes", "-draws", "1000000")...), nil, &out, &errs)
	}()
	time.Sleep(300 * time.Millisecond)
	cancel() // Ctrl-C
	select {
	case code := <-done:
		assert.Equal(t, ExitFailure, code)
	case <-time.After(30 * time.Second):
		t.Fatal("not cancelled")
	}
	assert.Equal(t, "pollagg report: interrupted; nothing written\n", errs.String())
	assert.Empty(t, out.String())
	assert.NoDirExists(t, dir)
}

func TestOutputDirs(t *testing.T) {
	assert.Equal(t, []string{"out", "a", "."}, OutputDirs([]string{"report", "-o", "out", "-series", "a/s.csv", "-html", "r.html", "-text", "-", "x.csv"}))
	assert.Equal(t, []string{".", "b"}, OutputDirs([]string{"-houses", "h.csv", "-polls", "b/p.csv", "x.csv"}), "-o - is standard output")
	assert.Nil(t, OutputDirs([]string{"report", "-no-such-flag"}))
}

type flagT = flag.Flag

func progressOf(index, stages int, stage string, done, total int) report.Progress {
	return report.Progress{Stage: stage, Index: index, Stages: stages, Done: done, Total: total}
}
