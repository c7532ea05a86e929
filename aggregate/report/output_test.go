package report

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/candorpoll/candor/aggregate"
	"github.com/candorpoll/candor/aggregate/chart"
	"github.com/candorpoll/candor/aggregate/forensics"
)

// fullDisk writes n bytes and then fails as a full disk does.
func fullDisk(n int) func(io.Writer) error {
	return func(w io.Writer) error {
		if _, err := w.Write([]byte(strings.Repeat("x", n))); err != nil {
			return err
		}
		return syscall.ENOSPC
	}
}

// names lists the entries of dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "series.csv")
	require.NoError(t, WriteFile(path, func(w io.Writer) error { _, err := io.WriteString(w, "old\n"); return err }))

	// A write that fails half-way (a full disk after 100 kB) leaves the
	// old file as it was and no temporary file.
	err := WriteFile(path, fullDisk(100<<10))
	assert.ErrorIs(t, err, syscall.ENOSPC)
	assert.Contains(t, err.Error(), path)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old\n", string(b))
	assert.Equal(t, []string{"series.csv"}, names(t, dir))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), info.Mode().Perm())

	// A folder that does not exist, or is a file: an error, nothing made.
	assert.Error(t, WriteFile(filepath.Join(dir, "no", "x.csv"), fullDisk(0)))
	assert.Error(t, WriteFile(filepath.Join(path, "x.csv"), fullDisk(0)))
	// A target that is a folder: refused before anything is written.
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	assert.Error(t, WriteFile(filepath.Join(dir, "sub"), func(w io.Writer) error { return nil }))
	assert.ElementsMatch(t, []string{"series.csv", "sub"}, names(t, dir))
}

func TestStageAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	ok := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	// The second file fails: the first, though complete, is not put in
	// place.
	_, err := Stage([]FileOutput{{filepath.Join(dir, "a.txt"), ok("a")}, {filepath.Join(dir, "b.txt"), fullDisk(10)}})
	assert.ErrorIs(t, err, syscall.ENOSPC)
	assert.Empty(t, names(t, dir))

	s, err := Stage([]FileOutput{{filepath.Join(dir, "a.txt"), ok("a")}, {filepath.Join(dir, "b.txt"), ok("b")}})
	require.NoError(t, err)
	assert.Len(t, names(t, dir), 2, "two temporary files")
	for _, n := range names(t, dir) {
		assert.True(t, strings.HasPrefix(n, "."), n)
	}
	s.Discard()
	assert.Empty(t, names(t, dir))

	s, err = Stage([]FileOutput{{filepath.Join(dir, "a.txt"), ok("a")}, {filepath.Join(dir, "b.txt"), ok("b")}})
	require.NoError(t, err)
	paths, err := s.Commit()
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")}, paths)
	assert.Equal(t, []string{"a.txt", "b.txt"}, names(t, dir))
}

func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	pid := os.Getpid()
	for _, n := range []string{"." + "report.csv." + strconv.Itoa(pid) + ".tmp-123", ".report.csv.1.tmp-9", "report.csv", ".hidden"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), nil, 0o644))
	}
	removed, err := RemoveTemps(dir, pid)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(dir, ".report.csv."+strconv.Itoa(pid)+".tmp-123")}, removed)
	assert.ElementsMatch(t, []string{".report.csv.1.tmp-9", "report.csv", ".hidden"}, names(t, dir), "another process's files stay")
	_, err = RemoveTemps(filepath.Join(dir, "none"), pid)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestWriteDir(t *testing.T) {
	r, err := Run(context.Background(), small())
	require.NoError(t, err)

	// A new folder is made; every output lands in it.
	dir := filepath.Join(t.TempDir(), "out", "new")
	paths, err := r.WriteDir(dir, DirOptions{Name: "x"})
	require.NoError(t, err)
	assert.Len(t, names(t, dir), len(paths))
	var outs []string
	for _, o := range r.Outputs(DirOptions{Name: "x"}) {
		outs = append(outs, filepath.Join(dir, o.Name))
	}
	assert.Equal(t, outs, paths)

	// A folder that cannot be made (its parent is a file).
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	_, err = r.WriteDir(filepath.Join(file, "out"), DirOptions{})
	assert.Error(t, err)

	// An output that fails: nothing is written, the folder made for the
	// run is removed, an existing folder keeps what it had.
	bad := *r
	bad.Result = nil // every chart and table needs the fit
	dir = filepath.Join(t.TempDir(), "made")
	_, err = bad.WriteDir(dir, DirOptions{})
	assert.ErrorIs(t, err, ErrIncomplete)
	for name, write := range map[string]func(io.Writer) error{
		"text": bad.WriteText, "summary": bad.WriteSummary, "html": bad.WriteHTML,
		"chart":  func(w io.Writer) error { return bad.WriteChart(w, PNG) },
		"series": func(w io.Writer) error { return bad.WriteSeriesCSV(w, SeriesOptions{}) },
		"json":   func(w io.Writer) error { return bad.WriteSeriesJSON(w, SeriesOptions{}) },
		"houses": func(w io.Writer) error { return bad.WriteHousesCSV(w, SeriesOptions{}) },
		"scen":   func(w io.Writer) error { return bad.WriteScenariosCSV(w, SeriesOptions{}) },
	} {
		assert.ErrorIs(t, write(io.Discard), ErrIncomplete, name)
	}
	// An output that fails after others were staged (the page and the
	// fingerprint draw a histogram that cannot be drawn).
	bad = *r
	bad.Scenarios = append(slices.Clone(r.Scenarios), aggregate.PollScenario{Name: "empty"})
	assert.ErrorIs(t, bad.WriteText(io.Discard), ErrIncomplete, "a scenario with neither a fit nor bounds")
	bad = *r
	bad.Fingerprint = &forensics.Histogram2D{Bins: 2, Width: 50, Total: 1, Counts: []float64{1}}
	assert.Equal(t, "report-fingerprint.svg", bad.Outputs(DirOptions{})[len(bad.Outputs(DirOptions{}))-1].Name)
	_, err = bad.WriteDir(dir, DirOptions{})
	assert.ErrorIs(t, err, chart.ErrBadValue)
	assert.Contains(t, err.Error(), "report.html", "the page holds the fingerprint; the report before it was staged")
	_, statErr := os.Stat(dir)
	assert.True(t, errors.Is(statErr, os.ErrNotExist), "the folder made for the failed run is removed")

	existing := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(existing, "report.txt"), []byte("before"), 0o644))
	_, err = bad.WriteDir(existing, DirOptions{})
	assert.ErrorIs(t, err, chart.ErrBadValue)
	assert.Equal(t, []string{"report.txt"}, names(t, existing))
	b, _ := os.ReadFile(filepath.Join(existing, "report.txt"))
	assert.Equal(t, "before", string(b))
}

func TestCheckOutputs(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	for path, ok := range map[string]bool{
		filepath.Join(dir, "new.csv"):        true,
		file:                                 true, // replaced when the run succeeds
		dir:                                  false,
		filepath.Join(dir, "no", "x.csv"):    false,
		filepath.Join(file, "x.csv"):         false,
		"relative-in-the-working-folder.csv": true,
	} {
		assert.Equal(t, ok, CheckOutput(path) == nil, "CheckOutput(%s)", path)
	}
	for d, ok := range map[string]bool{
		dir:                                  true,
		filepath.Join(dir, "new", "deeper"):  true,
		file:                                 false,
		filepath.Join(file, "out"):           false,
		filepath.Join(file, "out", "deeper"): false,
		"relative":                           true,
	} {
		assert.Equal(t, ok, CheckDir(d) == nil, "CheckDir(%s)", d)
	}
	assert.Empty(t, names(t, dir)[1:], "nothing made")
}
