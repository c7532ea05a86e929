package forensics

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Fuzz targets for every reader entry point:
//
//	go test ./aggregate/forensics -run '^$' -fuzz '^FuzzRead$' -fuzztime 60s
//
// likewise FuzzReadZip and FuzzReadFile. Each checks that the reader does
// not panic and keeps its promises: an Election or a header error, never
// both missing; one vote count per candidate on every row kept; every
// rejected row an error with a line and a sentinel.

func fuzzSeeds(f *testing.F) {
	remote := strings.Replace(header2024, "region,tik,uik,", "region,", 1)
	for _, s := range []string{
		table(header2024, firstRows2024...),
		table(header2024, `Херсонская область,ТИК №1,УИК №1,,,,,,,,,,,,,,,,`, `a,b,c,1`, firstRows2024[0], firstRows2024[0]),
		table(remote, `Алтайский край,276808,261498,0,261498,0,0,0,260160,0,260160,0,0,14387,227085,11039,7649`),
		"\ufeff" + strings.ReplaceAll(table(header2024, firstRows2024[1]), ",", ";"),
		`region,"x`,
		"",
	} {
		f.Add([]byte(s))
	}
}

// checkRead verifies what a reader returned.
func checkRead(t *testing.T, e *Election, err error) {
	if e == nil {
		if err == nil {
			t.Fatal("no election and no error")
		}
		return
	}
	for _, s := range e.Stations {
		if len(s.Votes) != len(e.Candidates) || s.Line < 1 {
			t.Fatalf("station at line %d has %d votes for %d candidates", s.Line, len(s.Votes), len(e.Candidates))
		}
	}
	for _, r := range e.Remote {
		if len(r.Votes) != len(e.Candidates) {
			t.Fatalf("remote row at line %d has %d votes", r.Line, len(r.Votes))
		}
	}
	if err != nil {
		var re *RowErrors
		if !errors.As(err, &re) {
			t.Fatalf("an election with a non-row error: %v", err)
		}
		for _, pe := range re.Errors {
			if pe.Line < 1 || pe.Err == nil {
				t.Fatalf("rejected row without a line or a reason: %v", pe)
			}
		}
	}
	// The methods that take no options must not panic either.
	_ = e.Check()
	_ = e.Results(true)
	checkEstimators(t, e)
}

// checkEstimators runs the estimators on what a reader kept, with few
// replicates: no panic, an error only for the reasons they document, and
// an integer test whose counts add up.
func checkEstimators(t *testing.T, e *Election) {
	ctx := context.Background()
	documented := func(err error) bool {
		return errors.Is(err, ErrNoData) || errors.Is(err, ErrCandidate)
	}
	r, err := IntegerTest{Replicates: 20}.Run(ctx, e)
	if err != nil {
		if !documented(err) {
			t.Fatalf("IntegerTest: %v", err)
		}
	} else {
		n := r.National
		st := 0
		for _, reg := range r.Regions {
			st += reg.Stations
		}
		if st != r.Stations || n.Either.Observed > r.Stations || n.Turnout.Observed > n.Either.Observed ||
			n.Share.Observed > n.Either.Observed || !(n.Either.P > 0 && n.Either.P <= 1) ||
			n.Either.Expected < 0 || n.Either.Expected > float64(r.Stations) {
			t.Fatalf("IntegerTest: inconsistent result %+v", r.National)
		}
	}
	if _, err := (Shpilkin{Replicates: 20}).Estimate(ctx, e); err != nil && !documented(err) {
		t.Fatalf("Shpilkin: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := Read(bytes.NewReader(data), WithMaxErrors(5))
		checkRead(t, e, err)
	})
}

func FuzzReadZip(f *testing.F) {
	for _, s := range [][]byte{[]byte(table(header2024, firstRows2024...)), []byte("region\n")} {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("t.csv")
		_, _ = w.Write(s)
		_ = zw.Close()
		f.Add(b.Bytes())
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ReadZip(bytes.NewReader(data), int64(len(data)))
		checkRead(t, e, err)
	})
}

func FuzzReadFile(f *testing.F) {
	fuzzSeeds(f)
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "t.csv")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		e, err := ReadFile(path)
		checkRead(t, e, err)
	})
}
