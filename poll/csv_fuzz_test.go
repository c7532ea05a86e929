package poll

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets for ReadCSV and Read538, seeded with every fixture of
// testdata/csv (malformed files included), an excerpt of each real series
// file and the first rows of the 538 files. Run one with
//
//	go test ./poll -run '^$' -fuzz FuzzReadCSV -fuzztime 60s -fuzzminimizetime 5s
//
// (on a loaded machine the default 60 s minimisation of each new input can
// use up the whole run and end in "context deadline exceeded")
//
// Invariants: no panic; every returned poll is valid; an error is made of
// *ParseError values; what ReadCSV returns survives WriteCSV → ReadCSV
// unchanged, bit for bit; and a read in parts on several goroutines (one
// part a line or so, however small the input), of the input whole or of a
// part at a time, gives the polls and errors of the serial read.

// seedExcerpts adds the first 40 lines of each file matching pattern.
func seedExcerpts(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", pattern))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			continue
		}
		lines := bytes.SplitAfterN(data, []byte{'\n'}, 41)
		if len(lines) > 40 {
			lines = lines[:40]
		}
		f.Add(bytes.Join(lines, nil))
	}
}

func checkReadResult(t *testing.T, polls []Poll, err error) {
	for i := range polls {
		if verr := polls[i].Validate(); verr != nil {
			t.Fatalf("poll %d invalid: %v\n%s", i, verr, polls[i].String())
		}
	}
	if err != nil && len(ParseErrors(err)) == 0 {
		t.Fatalf("error without a ParseError: %v", err)
	}
}

func FuzzReadCSV(f *testing.F) {
	fuzzSeeds(f, "csv", "csv/malformed")
	seedExcerpts(f, "russia/*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		polls, err := ReadCSV(struct{ io.Reader }{bytes.NewReader(data)}, withParallel(1, 0))
		checkReadResult(t, polls, err)
		par, parErr := ReadCSV(struct{ io.Reader }{bytes.NewReader(data)}, withParallel(3, 1))
		if d := sameRead(polls, err, par, parErr); d != nil {
			t.Fatalf("parallel read: %v", d)
		}
		par, parErr = ReadCSV(bytes.NewReader(data), withParallel(3, 1))
		if d := sameRead(polls, err, par, parErr); d != nil {
			t.Fatalf("parallel read a part at a time: %v", d)
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, polls); err != nil {
			t.Fatalf("WriteCSV of read polls: %v", err)
		}
		again, err := ReadCSV(&buf)
		if err != nil && len(polls) > 0 {
			t.Fatalf("re-reading written polls: %v\n%s", err, buf.String())
		}
		if err := samePolls(polls, again); err != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func FuzzRead538(f *testing.F) {
	seedExcerpts(f, "538/*.csv")
	seedExcerpts(f, "csv/538-*.csv")
	seedExcerpts(f, "csv/malformed/538-*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		polls, err := Read538(bytes.NewReader(data))
		checkReadResult(t, polls, err)
	})
}
