package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/poll"
)

const testdata = "../../../testdata/"

// pollagg runs the command in-process and returns its exit status,
// standard output and standard error.
func pollagg(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errs)
	return code, out.String(), errs.String()
}

func TestHelp(t *testing.T) {
	code, _, errs := pollagg(t, "", "-h")
	assert.Equal(t, ExitOK, code)
	for _, want := range []string{"Usage:", "-format", "-model", "-keep-going", "-gap", "-kappa", "-chart", "-houses", "-json", "Exit status"} {
		assert.Contains(t, errs, want)
	}
}

func TestSeriesCSVHousesAndChart(t *testing.T) {
	dir := t.TempDir()
	houses := filepath.Join(dir, "houses.csv")
	svg := filepath.Join(dir, "chart.svg")
	// Two pollsters from two files would need merging; the VTsIOM
	// weekly series with FOM's is what the canonical writer is for, so
	// build one canonical file first with -model none -polls.
	canon := filepath.Join(dir, "fom-vtsiom.csv")
	var all []poll.Poll
	for _, f := range []struct{ file, pollster string }{{"putin-approval-fom.csv", "FOM"}, {"vciom-presidential-approval-2006.csv", "VTsIOM"}} {
		part := filepath.Join(dir, f.pollster+".csv")
		code, _, errs := pollagg(t, "", "-q", "-keep-going", "-model", "none", "-pollster", f.pollster, "-polls", part, testdata+"russia/"+f.file)
		require.Contains(t, []int{ExitOK, ExitPartial}, code, errs)
		b, err := os.ReadFile(part)
		require.NoError(t, err)
		ps, err := poll.ReadCSV(bytes.NewReader(b))
		require.NoError(t, err)
		all = append(all, ps...)
	}
	var buf bytes.Buffer
	require.NoError(t, poll.WriteCSV(&buf, poll.Filter{From: date(2013, 1, 1)}.Apply(all)))
	require.NoError(t, os.WriteFile(canon, buf.Bytes(), 0o644))

	code, out, errs := pollagg(t, "", "-houses", houses, "-chart", svg, "-reference", "VTsIOM", canon)
	require.Equal(t, ExitOK, code, errs)
	assert.True(t, strings.HasPrefix(out, "date,share,mean,sd,lower,upper,poll_lower,poll_upper"), out[:min(len(out), 200)])
	assert.Contains(t, errs, "format csv")
	h, err := os.ReadFile(houses)
	require.NoError(t, err)
	assert.Contains(t, string(h), "FOM")
	assert.Contains(t, string(h), "VTsIOM")
	s, err := os.ReadFile(svg)
	require.NoError(t, err)
	assert.Contains(t, string(s), "<svg")
	assert.Contains(t, string(s), "FOM")
}

func TestAutoDetect(t *testing.T) {
	for file, format := range map[string]string{
		"levada/indicator_ru_2020.html": "levada",
		"fom/fom_weeks_2020.html":       "fom",
		"vtsiom/ratings_2020.html":      "vtsiom",
		"csv/canonical.csv":             "csv",
		"csv/538-polllist.csv":          "538",
	} {
		code, _, errs := pollagg(t, "", "-model", "none", testdata+file)
		assert.Equal(t, ExitOK, code, "%s: %s", file, errs)
		assert.Contains(t, errs, "(format "+format+")", file)
	}
	// A series file is read as what its source column says (VTsIOM),
	// never by a release reader under another name, and pollagg says what
	// it detected.
	code, _, errs := pollagg(t, "", "-model", "none", "-keep-going", testdata+"russia/vciom-presidential-approval-2006.csv")
	assert.Equal(t, ExitPartial, code, errs)
	assert.Contains(t, errs, "pollagg: detected csv (series file, UTF-8): 707 polls of VTsIOM, 10 rejected; line 1: header")
	assert.Contains(t, errs, "read 707 polls (format csv)")
	// Standard input works too.
	b, err := os.ReadFile(testdata + "csv/canonical.csv")
	require.NoError(t, err)
	code, _, errs = pollagg(t, string(b), "-model", "none", "-")
	assert.Equal(t, ExitOK, code, errs)
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "polls.csv")

	// A rejected row stops everything: line-and-column error, status 1,
	// nothing written.
	code, stdout, errs := pollagg(t, "", "-model", "none", "-polls", out, testdata+"csv/malformed/share-range.csv")
	assert.Equal(t, ExitFailure, code)
	assert.Empty(t, stdout)
	assert.Contains(t, errs, `share-range.csv:3:2: "120": poll: share outside 0–100`)
	assert.NoFileExists(t, out)

	// -keep-going processes the good rows and says so with status 2.
	code, _, errs = pollagg(t, "", "-model", "none", "-keep-going", "-polls", out, testdata+"csv/malformed/share-range.csv")
	assert.Equal(t, ExitPartial, code, errs)
	assert.Contains(t, errs, "share-range.csv:3:2: ")
	b, err := os.ReadFile(out)
	require.NoError(t, err)
	ps, err := poll.ReadCSV(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Len(t, ps, 2)

	// Unrecognised input names what every reader said.
	code, _, errs = pollagg(t, "", testdata+"csv/malformed/unknown-layout.csv")
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errs, "format not recognised")
	for _, r := range []string{"csv", "538", "levada", "fom", "vtsiom"} {
		assert.Contains(t, errs, "\n  "+r)
	}

	for _, args := range [][]string{
		{},                                  // no file
		{"a", "b"},                          // two files
		{"-format", "xls", "x"},             // unknown format
		{"-model", "magic", "x"},            // unknown model
		{"-level", "1.5", "x"},              // bad level
		{"-chart", "x.gif", "x"},            // unknown chart format
		{"-from", "2022-02-24", "x"},        // -from without scenario
		{"-no-such-flag", "x"},              // unknown flag
		{testdata + "csv/no-such-file.csv"}, // missing file
		{"-gap", "0.71", testdata + "csv/canonical.csv"}, // malformed pair
	} {
		code, _, errs := pollagg(t, "", args...)
		assert.Equal(t, ExitFailure, code, "%v", args)
		assert.NotEmpty(t, errs, "%v", args)
	}
}

func TestScenarioJSON(t *testing.T) {
	dir := t.TempDir()
	polls := filepath.Join(dir, "polls.csv")
	js := filepath.Join(dir, "series.json")
	code, _, errs := pollagg(t, "", "-pollster", "Levada", "-gap", "0.71:0.61", "-gap-se", "0.0083:0.03",
		"-from", "2022-02-24", "-polls", polls, "-o", js, testdata+"russia/Levada.csv")
	require.Equal(t, ExitOK, code, errs)
	assert.Contains(t, errs, "calibration error (shared by every corrected poll) adds up to")
	b, err := os.ReadFile(js)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v), string(b[:min(len(b), 200)]))

	b, err = os.ReadFile(polls)
	require.NoError(t, err)
	ps, err := poll.ReadCSV(bytes.NewReader(b))
	require.NoError(t, err)
	require.Len(t, ps, 301)
	var corrected int
	for _, p := range ps {
		if len(p.Adjustments) > 0 {
			corrected++
			assert.Equal(t, "falsification-gap", p.Adjustments[0].Name)
			assert.False(t, p.Midpoint().Before(date(2022, 2, 24)), p.String())
		}
	}
	assert.Equal(t, 30, corrected, "Mar 2022 … Aug 2024")
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestFileOutputsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	polls := filepath.Join(dir, "polls.csv")
	houses := filepath.Join(dir, "houses.csv")
	// The fit fails after the polls were read and corrected: no output
	// appears, not even -polls (it used to).
	code, _, errs := pollagg(t, "", "-pollster", "Levada", "-reference", "Nobody", "-polls", polls, "-houses", houses, testdata+"russia/Levada.csv")
	assert.Equal(t, ExitFailure, code)
	assert.NotEmpty(t, errs)
	assert.NoFileExists(t, polls)
	assert.NoFileExists(t, houses)
	assert.Equal(t, 0, len(entries(t, dir)), "no temporary file left")

	// A chart that cannot be written (no such folder), found before the
	// input is read: neither -polls nor -houses appears.
	code, _, errs = pollagg(t, "", "-pollster", "Levada", "-polls", polls, "-houses", houses, "-chart", filepath.Join(dir, "no", "c.png"), testdata+"russia/Levada.csv")
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errs, "c.png")
	assert.Equal(t, 0, len(entries(t, dir)))

	// "-" is standard output for every output flag; one at most.
	for flag, want := range map[string]string{"-houses": "share,pollster,effect", "-polls": "pollster,question", "-chart": "<?xml"} {
		code, out, errs := pollagg(t, "", "-pollster", "Levada", "-o", polls, flag, "-", testdata+"russia/Levada.csv")
		require.Equal(t, ExitOK, code, "%s: %s", flag, errs)
		assert.True(t, strings.HasPrefix(out, want), "%s: %.50q", flag, out)
	}
	code, _, errs = pollagg(t, "", "-pollster", "Levada", "-houses", "-", testdata+"russia/Levada.csv") // -o is "-" too
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errs, "-o, -houses all write to standard output")

	// A full disk on standard output: status 1, no file.
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	var errBuf bytes.Buffer
	code = Run(context.Background(), []string{"-pollster", "Levada", "-houses", houses, testdata + "russia/Levada.csv"}, nil, full, &errBuf)
	assert.Equal(t, ExitFailure, code)
	assert.Contains(t, errBuf.String(), "no space left on device")
	assert.NoFileExists(t, houses)
}
