package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Output files are written whole or not at all: each is written to a
// temporary file in its target folder and renamed over the target once
// complete, so that a failed write (a full disk, a failing chart, an
// interrupted run) never leaves a truncated or partial file behind, and
// an existing file is replaced only by a complete one. Temporary names
// start with a dot and hold the writing process's id, ".NAME.PID.tmp-…",
// so that a supervisor can remove what a crashed process left
// (RemoveTemps).

// WriteFile writes a file atomically: write writes the content to a
// temporary file in path's folder, which is flushed, synced to disk and
// closed, then renamed to path. On any error the temporary file is
// removed, path is left as it was, and the error names path.
func WriteFile(path string, write func(io.Writer) error) error {
	s, err := Stage([]FileOutput{{Path: path, Write: write}})
	if err != nil {
		return err
	}
	_, err = s.Commit()
	return err
}

// FileOutput is a file to write: its path and the function that writes
// its content.
type FileOutput struct {
	Path  string
	Write func(io.Writer) error
}

// Staged is a set of files written complete to temporary files beside
// their targets and not yet renamed into place: Commit puts them in
// place, Discard removes them. A caller with several outputs stages them
// all, does whatever else may still fail (writing to standard output),
// and then commits or discards, so that the files appear all together
// or not at all.
type Staged struct {
	tmps, paths []string
	created     string // a folder made for the files, removed again by Discard
}

// Stage writes every file to a temporary file in its target's folder.
// On an error it removes what it wrote and returns the error, naming the
// file.
func Stage(files []FileOutput) (*Staged, error) {
	s := &Staged{}
	for _, f := range files {
		if st, err := os.Stat(f.Path); err == nil && st.IsDir() {
			s.Discard()
			return nil, fmt.Errorf("%s: is a folder", f.Path)
		}
		dir, base := filepath.Split(f.Path)
		if dir == "" {
			dir = "."
		}
		tmp, err := writeTemp(dir, base, f.Write)
		if err != nil {
			s.Discard()
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		s.tmps, s.paths = append(s.tmps, tmp), append(s.paths, f.Path)
	}
	return s, nil
}

// Commit renames the staged files into place, replacing what was there,
// and returns their paths. A rename fails only when a folder changed
// under the run; Commit then removes the files not yet renamed and
// returns the error (those renamed are complete).
func (s *Staged) Commit() ([]string, error) {
	for i, tmp := range s.tmps {
		if err := os.Rename(tmp, s.paths[i]); err != nil {
			s.tmps = s.tmps[i:]
			s.Discard()
			return nil, fmt.Errorf("%s: %w", s.paths[i], err)
		}
	}
	s.tmps, s.created = nil, ""
	return s.paths, nil
}

// Discard removes the staged files, and the folder made for them
// (StageDir) when nothing else is in it.
func (s *Staged) Discard() {
	for _, t := range s.tmps {
		os.Remove(t)
	}
	s.tmps = nil
	if s.created != "" {
		os.Remove(s.created) // only if empty: never what another writer put there
	}
}

// tempPattern is the os.CreateTemp pattern of a temporary file for
// base: ".base.PID.tmp-*".
func tempPattern(base string) string {
	return "." + base + "." + strconv.Itoa(os.Getpid()) + ".tmp-*"
}

// writeTemp writes a complete temporary file for base in dir and returns
// its path.
func writeTemp(dir, base string, write func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// RemoveTemps removes from dir the temporary files that process pid left
// (see WriteFile) and returns their paths. A supervisor calls it after a
// crash of the process that was writing.
func RemoveTemps(dir string, pid int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	mark := "." + strconv.Itoa(pid) + ".tmp-"
	var removed []string
	var errs []error
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, mark) {
			p := filepath.Join(dir, n)
			if err := os.Remove(p); err != nil {
				errs = append(errs, err)
				continue
			}
			removed = append(removed, p)
		}
	}
	return removed, errors.Join(errs...)
}

// CheckOutput reports, before a long run, an output file that could not
// be written: its folder is missing or is a file, or the path is a
// folder. It writes nothing, so a path it passes can still fail later
// (permissions, a full disk); WriteFile and Stage then leave nothing
// behind.
func CheckOutput(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return fmt.Errorf("%s: %w", path, err)
	case !st.IsDir():
		return fmt.Errorf("%s: %s is not a folder", path, dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("%s: is a folder", path)
	}
	return nil
}

// CheckDir reports, before a long run, a folder WriteDir could not make
// or write into: it exists and is not a folder, or the nearest of its
// ancestors that exists is not a folder. It makes nothing.
func CheckDir(dir string) error {
	for d := dir; ; {
		st, err := os.Stat(d)
		switch {
		case err == nil && st.IsDir():
			return nil
		case err == nil:
			return fmt.Errorf("%s: %s is not a folder", dir, d)
		case !errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("%s: %w", dir, err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return nil
		}
		d = parent
	}
}

// DirOptions say what WriteDir writes.
type DirOptions struct {
	// Name is the stem of every file name; "" means "report".
	Name string
	// Series says how the series, house-effect and scenario tables are
	// written (period, rounding).
	Series SeriesOptions
}

// Output is one file of a report folder.
type Output struct {
	Name  string // file name in the folder
	What  string // what it holds
	Write func(io.Writer) error
}

// Outputs lists the files WriteDir writes, named from o.Name:
//
//	NAME.txt              the full report (WriteText)
//	NAME.html             the page (WriteHTML)
//	NAME-series.csv       the daily series of every share (WriteSeriesCSV)
//	NAME-series.json      the result as JSON (WriteSeriesJSON)
//	NAME-houses.csv       the house effects (WriteHousesCSV), when the model has them
//	NAME-scenarios.csv    approval under every scenario (WriteScenariosCSV)
//	NAME-polls.csv        the polls fitted, canonical CSV (WritePollsCSV)
//	NAME.png, NAME.svg    trend, scenarios and house effects (WriteChart)
//	NAME-fingerprint.png, NAME-fingerprint.svg
//	                      the election's fingerprint (WriteFingerprint), with an election
func (r *Report) Outputs(o DirOptions) []Output {
	n := o.Name
	if n == "" {
		n = "report"
	}
	s := o.Series
	out := []Output{
		{n + ".txt", "the full report", r.WriteText},
		{n + ".html", "the page: tables and charts, one file", r.WriteHTML},
		{n + "-series.csv", fmt.Sprintf("the %s series of every share", s.Period), func(w io.Writer) error { return r.WriteSeriesCSV(w, s) }},
		{n + "-series.json", "the fit as JSON", func(w io.Writer) error { return r.WriteSeriesJSON(w, s) }},
	}
	if r.complete() == nil && len(r.Result.Approve.Houses) > 0 {
		out = append(out, Output{n + "-houses.csv", "the house effects", func(w io.Writer) error { return r.WriteHousesCSV(w, s) }})
	}
	out = append(out,
		Output{n + "-scenarios.csv", "approval under every scenario", func(w io.Writer) error { return r.WriteScenariosCSV(w, s) }},
		Output{n + "-polls.csv", "the polls fitted", r.WritePollsCSV},
		Output{n + ".png", "the charts", func(w io.Writer) error { return r.WriteChart(w, PNG) }},
		Output{n + ".svg", "the charts", func(w io.Writer) error { return r.WriteChart(w, SVG) }},
	)
	if r.Fingerprint != nil {
		out = append(out,
			Output{n + "-fingerprint.png", "the election's fingerprint", func(w io.Writer) error { return r.WriteFingerprint(w, PNG) }},
			Output{n + "-fingerprint.svg", "the election's fingerprint", func(w io.Writer) error { return r.WriteFingerprint(w, SVG) }})
	}
	return out
}

// WriteDir writes every output (Outputs) into dir, creating it if
// needed, and returns the paths written. It writes all of them or none:
// each is first written complete to a temporary file in dir; only when
// every one has been written are they renamed into place. On an error
// the temporary files are removed, no file in dir has changed, and a dir
// WriteDir created is removed again.
func (r *Report) WriteDir(dir string, o DirOptions) ([]string, error) {
	s, err := r.StageDir(dir, o)
	if err != nil {
		return nil, err
	}
	return s.Commit()
}

// StageDir stages every output (Outputs) in dir, creating dir if needed,
// for the caller to Commit or Discard (see Staged; Discard also removes
// a dir StageDir created). On an error nothing is left in dir, and a dir
// StageDir created is removed again.
func (r *Report) StageDir(dir string, o DirOptions) (*Staged, error) {
	if err := r.complete(); err != nil {
		return nil, err
	}
	created := ""
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		created = dir
	}
	var files []FileOutput
	for _, out := range r.Outputs(o) {
		files = append(files, FileOutput{Path: filepath.Join(dir, out.Name), Write: out.Write})
	}
	s, err := Stage(files)
	if err != nil {
		if created != "" {
			os.Remove(created)
		}
		return nil, err
	}
	s.created = created
	return s, nil
}
