package poll

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Fuzz targets for the Russian readers, seeded with every fixture of the
// reader's testdata directory. Run one with, e.g.,
//
//	go test ./poll -run '^$' -fuzz FuzzReadLevada -fuzztime 60s
//
// Invariants: no panic; every returned poll is valid; an error is made of
// *ParseError values (so callers can show line and column).

func fuzzSeeds(f *testing.F, dirs ...string) {
	for _, d := range dirs {
		files, _ := filepath.Glob(filepath.Join("..", "testdata", d, "*"))
		for _, name := range files {
			if data, err := os.ReadFile(name); err == nil {
				f.Add(data)
			}
		}
	}
}

func fuzzReader(f *testing.F, read ruReader) {
	f.Fuzz(func(t *testing.T, data []byte) {
		polls, err := read(bytes.NewReader(data))
		for i := range polls {
			if verr := polls[i].Validate(); verr != nil {
				t.Fatalf("poll %d invalid: %v\n%s", i, verr, polls[i].String())
			}
		}
		if err != nil && len(ParseErrors(err)) == 0 {
			t.Fatalf("error without a ParseError: %v", err)
		}
	})
}

func FuzzReadLevada(f *testing.F) {
	fuzzSeeds(f, "levada")
	fuzzReader(f, ReadLevada)
}

func FuzzReadVTsIOM(f *testing.F) {
	fuzzSeeds(f, "vtsiom")
	fuzzReader(f, ReadVTsIOM)
}

func FuzzReadFOM(f *testing.F) {
	fuzzSeeds(f, "fom")
	fuzzReader(f, ReadFOM)
}
