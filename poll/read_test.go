package poll

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Read picks the reader from the content and says what it found: every
// layout of testdata, real files first.
func TestRead(t *testing.T) {
	for _, tc := range []struct {
		file      string
		opts      []Option
		format    Format
		layout    string
		encoding  string
		pollsters []string
		rows      int
		rejected  int
		why       string // in Detected.Why
	}{
		{"russia/vciom-presidential-approval-2006.csv", nil, FormatCSV, "series file", "UTF-8", []string{"VTsIOM"}, 707, 10, "line 1: header with a date"},
		{"russia/putin-approval-fom.csv", nil, FormatCSV, "series file", "UTF-8", []string{"FOM"}, 374, 0, "Date, Approve, Disapprove, hard_to_say, source"},
		{"russia/putin-approval-levada-1999.csv", nil, FormatCSV, "series file", "UTF-8", []string{"Levada"}, 252, 0, "line 1"},
		// A series file that names no pollster is reported, not given to
		// a release reader that would call it Levada's.
		{"russia/Levada.csv", nil, FormatCSV, "series file", "UTF-8", nil, 0, 1, "line 1"},
		{"russia/Levada.csv", []Option{WithPollster("Levada")}, FormatCSV, "series file", "UTF-8", []string{"Levada"}, 301, 0, "line 1"},
		{"csv/canonical.csv", nil, FormatCSV, "canonical CSV", "UTF-8", []string{"Levada", "Morning Consult", "VTsIOM"}, 5, 0, "canonical columns"},
		{"csv/series-cp1251.csv", []Option{WithPollster("Levada")}, FormatCSV, "series file", "Windows-1251", []string{"Levada"}, 4, 0, "line 1"},
		{"538/approval_polllist.csv", nil, Format538, "FiveThirtyEight poll file", "UTF-8", []string{"92 pollsters"}, 16199, 2, "FiveThirtyEight columns"},
		{"levada/indicator_ru_2020.html", nil, FormatLevada, "HTML page", "UTF-8", []string{"Levada"}, 6, 0, "levada read 6 polls"},
		{"levada/release_ru_2009_cp1251.csv", nil, FormatLevada, "CSV export", "Windows-1251", []string{"Levada"}, 11, 0, "levada read 11 polls"},
		{"fom/fom_weeks_2020.html", nil, FormatFOM, "HTML page", "UTF-8", []string{"FOM"}, 4, 0, "fom read 4 polls"},
		{"vtsiom/ratings_2020.html", nil, FormatVTsIOM, "HTML page", "UTF-8", []string{"VTsIOM"}, 5, 0, "vtsiom read 5 polls"},
		{"csv/malformed/unknown-layout.csv", nil, "", "", "UTF-8", nil, 0, 1, "no reader recognised the input (csv: header has neither canonical columns"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("..", "testdata", tc.file))
			require.NoError(t, err)
			defer f.Close()
			polls, det, err := Read(f, tc.opts...)
			assert.Equal(t, tc.format, det.Format)
			assert.Equal(t, tc.layout, det.Layout)
			assert.Equal(t, tc.encoding, det.Encoding)
			var n int
			if tc.pollsters != nil {
				fmt.Sscanf(tc.pollsters[0], "%d pollsters", &n)
			}
			switch {
			case tc.pollsters == nil:
				assert.Empty(t, det.Pollsters)
			case n > 0:
				assert.Len(t, det.Pollsters, n)
			default:
				assert.Equal(t, tc.pollsters, det.Pollsters)
			}
			assert.Equal(t, len(polls), det.Rows)
			assert.Equal(t, tc.rows, det.Rows, "%v", err)
			assert.Equal(t, tc.rejected, det.Rejected, "%v", err)
			assert.Equal(t, Rejected(err), det.Rejected)
			assert.Contains(t, det.Why, tc.why)
			if tc.format == "" {
				assert.ErrorIs(t, err, ErrUnknownLayout)
			}
			if tc.format != "" && tc.rows > 0 {
				// The same polls as the format's own reader.
				direct, _ := map[Format]func(*testing.T, string, ...Option) []Poll{
					FormatCSV: readWith(ReadCSV), Format538: readWith(Read538), FormatLevada: readWith(ReadLevada),
					FormatFOM: readWith(ReadFOM), FormatVTsIOM: readWith(ReadVTsIOM),
				}[tc.format]
				assert.Equal(t, csvOf(t, direct(t, tc.file, tc.opts...)), csvOf(t, polls))
			}
		})
	}
}

// csvOf writes polls as canonical CSV, for comparing them NaNs included.
func csvOf(t *testing.T, polls []Poll) string {
	var b strings.Builder
	require.NoError(t, WriteCSV(&b, polls))
	return b.String()
}

func readWith(read ruReader) func(*testing.T, string, ...Option) []Poll {
	return func(t *testing.T, name string, opts ...Option) []Poll {
		polls, _ := ruRead(t, read, name, opts...)
		return polls
	}
}

// Detected prints on one line, with the evidence.
func TestDetectedString(t *testing.T) {
	_, det, err := Read(strings.NewReader("Date,Approve,Disapprove,source\n2020-01-05,60,30,FOM\n2020-01-12,NA,NA,FOM\n"))
	require.Error(t, err)
	assert.Equal(t, "csv (series file, UTF-8): 1 polls of FOM, 1 rejected; line 1: header with a date and approve/disapprove columns (Date, Approve, Disapprove, source)", det.String())
	_, det, _ = Read(strings.NewReader("x\n"))
	assert.True(t, strings.HasPrefix(det.String(), "no format: no reader recognised the input"), det.String())
}

// FuzzRead checks Read on arbitrary input, seeded with every fixture:
//
//	go test ./poll -run '^$' -fuzz '^FuzzRead$' -fuzztime 60s
//
// Invariants: no panic; every poll valid; the error made of ParseErrors;
// Detected agrees with what was returned.
func FuzzRead(f *testing.F) {
	fuzzSeeds(f, "levada", "vtsiom", "fom", "csv", "csv/malformed")
	seedExcerpts(f, "russia/*.csv")
	seedExcerpts(f, "538/*.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		polls, det, err := Read(bytes.NewReader(data))
		for i := range polls {
			if verr := polls[i].Validate(); verr != nil {
				t.Fatalf("poll %d invalid: %v\n%s", i, verr, polls[i].String())
			}
		}
		if err != nil && len(ParseErrors(err)) == 0 {
			t.Fatalf("error without a ParseError: %v", err)
		}
		if det.Rows != len(polls) || det.Rejected != Rejected(err) {
			t.Fatalf("Detected %+v for %d polls, %d rejections", det, len(polls), Rejected(err))
		}
		if det.Format == "" && len(polls) > 0 {
			t.Fatalf("polls without a format: %+v", det)
		}
		_ = det.String()
	})
}
